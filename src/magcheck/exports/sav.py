"""SPSS export: one .sav file per questionnaire version, labelled; non-answers are user-missing
values -1 (prefer not to say), -2 (don't know), -3 (doesn't apply). See labelled.py."""

from __future__ import annotations

from pathlib import Path

from ..store import Store
from .common import ExportOptions
from .labelled import SPSS
from .labelled import write as write_labelled

SUFFIX = ".sav"


def write(store: Store, path: Path, options: ExportOptions) -> list[Path]:
    return write_labelled(store, path, options, SPSS)
