"""Stata export: one .dta file per questionnaire version, labelled; non-answers are extended
missing values .a (prefer not to say), .b (don't know), .c (doesn't apply). See labelled.py."""

from __future__ import annotations

from pathlib import Path

from ..store import Store
from .common import ExportOptions
from .labelled import STATA
from .labelled import write as write_labelled

SUFFIX = ".dta"


def write(store: Store, path: Path, options: ExportOptions) -> list[Path]:
    return write_labelled(store, path, options, STATA)
