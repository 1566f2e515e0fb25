"""Export formats (a registry: name -> writer module) and the import of bundles.

A format is one module with write(store, path, options) -> written paths and a SUFFIX; adding a
format means adding a module and one line below.
"""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

from ..errors import InputError
from ..outputs import check_folder, check_target
from ..paths import export_dir
from ..store import Store
from .common import ExportOptions, check_since

FORMATS: dict[str, str] = {
    "bundle": "magcheck.exports.bundle",
    "csv": "magcheck.exports.csv_tables",
    "fhir": "magcheck.exports.fhir",
    "parquet": "magcheck.exports.parquet",
    "sav": "magcheck.exports.sav",
    "dta": "magcheck.exports.dta",
}


def writer(fmt: str):  # type: ignore[no-untyped-def]
    try:
        return importlib.import_module(FORMATS[fmt])
    except KeyError:
        raise InputError(f"unknown export format '{fmt}' (use {', '.join(FORMATS)})") from None


def default_path(data_dir: Path, fmt: str) -> Path:
    """<data dir>/exports/magcheck-<date>.<suffix>, numbered when that name is taken."""
    suffix = writer(fmt).SUFFIX
    base = export_dir(data_dir) / f"magcheck-{date.today().isoformat()}"
    n = 1
    path = base.with_name(base.name + suffix)
    while path.exists() or path.with_name(path.name.replace(".csv", "-answers.csv")).exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}{suffix}")
    return path


def export(
    store: Store,
    fmt: str,
    path: Path,
    group: str | None = None,
    since: str | None = None,
    pseudonymize: bool = False,
    lang: str = "en",
) -> list[Path]:
    """Write the store's data (optionally one group, sessions on or after a date) as fmt."""
    module = writer(fmt)
    group_id = store.group(group).id if group else None
    options = ExportOptions(group_id, check_since(since), pseudonymize, lang)
    if getattr(module, "FOLDER", False):  # a dataset folder: missing or empty, never a file
        check_folder(path, protect=[store.path])
    else:
        check_target(
            path, protect=[store.path]
        )  # never the store's own files, a device or a folder
    return list(module.write(store, path, options))


__all__ = ["FORMATS", "ExportOptions", "default_path", "export", "writer"]
