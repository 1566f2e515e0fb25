"""Export formats (a registry: name -> writer module) and the import of bundles.

A format is one module with write(store, path, options) -> written paths and a SUFFIX; adding a
format means adding a module and one line below.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
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


def default_path(data_dir: Path, fmt: str, encrypted: bool = False) -> Path:
    """<data dir>/exports/magcheck-<date>.<suffix>, numbered when that name is taken."""
    suffix = writer(fmt).SUFFIX
    base = export_dir(data_dir) / f"magcheck-{date.today().isoformat()}"
    n = 1
    path = base.with_name(base.name + suffix)
    age = ".age" if encrypted else ""
    while (
        path.exists()
        or path.with_name(path.name.replace(".csv", "-answers.csv")).exists()
        or path.with_name(path.name.replace(".csv", "-answers.csv") + age).exists()
        or path.with_name(path.name + age).exists()
    ):
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
    encrypt_to: Sequence[str] = (),
    encrypt: bool = False,
    unencrypted: bool = False,
    lang: str = "en",
) -> list[Path]:
    """Write the store's data (optionally one group, sessions on or after a date) as fmt.

    encrypt_to: age public keys, stored recipients' names or .pub files; encrypt: to every
    stored recipient (with encrypt_to too). The files are then written encrypted as NAME.age.
    A store set to require encryption refuses a plain export unless `unencrypted` is given.
    """
    module = writer(fmt)
    group_id = store.group(group).id if group else None
    recipients = encryption_keys(store, fmt, encrypt_to, encrypt, unencrypted)
    if recipients and path.name.endswith(".age"):
        path = path.with_name(path.name[: -len(".age")])
    options = ExportOptions(group_id, check_since(since), pseudonymize, tuple(recipients), lang)
    if getattr(module, "FOLDER", False):  # a dataset folder: missing or empty, never a file
        check_folder(path, protect=[store.path])
    else:  # never the store's own files, a device or a folder
        check_target(path, protect=[store.path])
    written = list(module.write(store, path, options))
    if not recipients or getattr(module, "FOLDER", False):  # a folder keeps its name
        return written
    return [p.with_name(p.name + ".age") for p in written]


def encryption_keys(
    store: Store, fmt: str, encrypt_to: Sequence[str], encrypt: bool, unencrypted: bool
) -> list[str]:
    """The recipients an export is encrypted to; [] for a plain export the store allows."""
    if (encrypt_to or encrypt) and unencrypted:
        raise InputError("--unencrypted and an encryption option contradict each other")
    if not encrypt_to and not encrypt:
        if store.require_encryption() and not unencrypted:
            raise InputError(
                "this device requires encrypted exports: add --encrypt-to KEY (or --encrypt for "
                "the stored recipients), or --unencrypted to write it in clear on purpose"
            )
        return []
    from .crypto import ENCRYPTABLE, resolve

    if fmt not in ENCRYPTABLE:
        raise InputError(f"--format {fmt} cannot be encrypted yet (use {', '.join(ENCRYPTABLE)})")
    from .memfile import check_encryptable

    check_encryptable(fmt)  # sav/dta: only where they can be written into memory
    stored = store.recipients()
    if encrypt and not stored and not encrypt_to:
        raise InputError(
            "--encrypt: no recipient stored; add the evaluator's public key with "
            "magcheck keys add-recipient FILE.pub --name NAME"
        )
    return resolve([*encrypt_to, *(stored.values() if encrypt else ())], stored)


__all__ = ["FORMATS", "ExportOptions", "default_path", "export", "writer"]
