"""The command line: one module per command family; the parser is assembled in parser.py."""

from .parser import main

__all__ = ["main"]
