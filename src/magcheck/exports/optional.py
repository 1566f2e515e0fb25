"""Formats that need an optional library: import it, or say exactly what to install."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import MagcheckError


class MissingExtra(MagcheckError):
    title = "Needs an optional package"


def need(module: str, extra: str, fmt: str) -> ModuleType:
    """The module, or MissingExtra naming the pip command that brings it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(
            f"--format {fmt} needs the '{module.split('.')[0]}' package: "
            f'pip install "magcheck[{extra}]"'
        ) from None
