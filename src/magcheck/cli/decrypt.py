"""magcheck decrypt: on the evaluator's machine, an encrypted export back into the clear one
(part of the encrypted hand-over, with `keys`, `export --encrypt-to` and `import --identity`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..text import shown
from .common import add_command
from .keys import add_identity_options, identities_from


def cmd_decrypt(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..exports.crypto import pyrage
    from ..exports.decrypting import check_paths, decrypt_export

    pyrage()  # say what to install before asking for a passphrase
    if not args.identity:
        raise InputError("give --identity KEYFILE: the evaluator's key that opens the files")
    source, out = Path(args.path), Path(args.out)
    if not source.exists() and not source.is_symlink():
        raise InputError(f"{source}: no such file or folder")
    check_paths(source, out)  # before the passphrase is asked
    written = decrypt_export(source, out, identities_from(args))
    for path in written:
        kind = "folder" if path.is_dir() else "file"
        print(f"Wrote {shown(path)} (the clear {kind}: keep it on this machine, owner-only)")
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        sub,
        "decrypt",
        cmd_decrypt,
        "turn an encrypted export (a NAME.age file, or a Parquet folder of .age files) into the "
        "clear file or folder, for analysis on the evaluator's own machine",
        "magcheck decrypt site-a-parquet --identity evaluator.key --out site-a",
        common,
    )
    p.add_argument("path", metavar="PATH", help="an .age file or a folder of them")
    p.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="the clear file, or for a folder a new or empty folder; never overwritten",
    )
    add_identity_options(p)
