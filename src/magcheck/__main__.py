"""python -m magcheck: the same as the magcheck command."""

import sys

from .cli import main

sys.exit(main())
