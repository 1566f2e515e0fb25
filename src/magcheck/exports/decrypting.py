"""magcheck decrypt: an encrypted export (one NAME.age file, or a dataset folder of .age files)
back into the clear export, on the evaluator's own machine.

Each file is streamed through age's decryptor (memory stays constant whatever its size) into an
owner-only output (magcheck.outputs). A folder is decrypted into a hidden sibling and renamed into
place only when every file decrypted: a wrong key, a changed byte or a file cut short anywhere
leaves nothing behind, and the reason names the file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..inputs import FileRefused, kind_of, open_regular
from ..outputs import atomic_folder, atomic_output, check_folder, check_target
from .crypto import SUFFIX, DecryptionRefused, is_encrypted, pyrage, refusal


def check_paths(source: Path, out: Path) -> bool:
    """Before any key is opened: source is a file or a folder, out may be written (a missing or
    empty file for a file; a missing or empty folder for a folder). True for a folder."""
    try:
        mode = os.lstat(source).st_mode
    except OSError as exc:
        raise InputError(f"{source}: cannot read it ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        check_folder(out)
        return True
    if not stat.S_ISREG(mode):
        raise InputError(f"{source}: is {kind_of(mode)}; give an .age file or an export folder")
    check_target(out)
    if out.exists() and out.stat().st_size > 0:
        raise InputError(f"{out}: refused: it exists; give a new name (nothing is overwritten)")
    return False


def decrypt_export(source: Path, out: Path, identities: list[Any]) -> list[Path]:
    """Decrypt source (a .age file or a folder of them) to out; the paths written."""
    if check_paths(source, out):
        return [_folder(source, out, identities)]
    with open_file(source) as src, atomic_output(out, binary=True) as dst:
        _stream(source, src, dst, identities)
    return [out]


def clear_name(path: Path) -> Path:
    """site-a.json.age -> site-a.json (the name before it was encrypted)."""
    return path.with_name(path.name[: -len(SUFFIX)]) if path.name.endswith(SUFFIX) else path


def open_file(path: Path) -> IO[bytes]:
    try:
        fh = open_regular(path)
    except FileRefused as exc:
        raise InputError(str(exc)) from None
    head = fh.read(64)
    if not is_encrypted(head):
        fh.close()
        raise InputError(f"{path}: not an age-encrypted file (it does not start like one)")
    fh.seek(0)
    return fh


def _stream(path: Path, src: IO[bytes], dst: IO[bytes], identities: list[Any]) -> None:
    age = pyrage()
    try:
        age.decrypt_io(src, dst, identities)
    except age.DecryptError as exc:
        raise DecryptionRefused(f"{path}: {refusal(exc)}") from None
    except OSError as exc:
        if "decrypt" not in str(exc):  # a write failing (a full disk): outputs.py says so
            raise
        raise DecryptionRefused(f"{path}: {refusal(exc)}") from None


def _files(folder: Path, root: Path) -> Iterator[Path]:
    """Every file under folder, sorted; a link or anything but a file or a folder is refused."""
    with os.scandir(folder) as entries:
        found = sorted(entries, key=lambda e: e.name)
    for entry in found:
        path = Path(entry.path)
        if entry.is_symlink():
            raise InputError(f"{path}: is a symbolic link; an export folder holds none")
        if entry.is_dir(follow_symlinks=False):
            yield from _files(path, root)
        elif entry.is_file(follow_symlinks=False):
            yield path
        else:
            raise InputError(f"{path}: is {kind_of(entry.stat(follow_symlinks=False).st_mode)}")


def _folder(source: Path, out: Path, identities: list[Any]) -> Path:
    files = list(_files(source, source))
    if not files:
        raise InputError(f"{source}: an empty folder; nothing to decrypt")
    for path in files:
        if not path.name.endswith(SUFFIX):
            raise InputError(
                f"{path}: not encrypted (no {SUFFIX}); this folder is not an encrypted export"
            )
    with atomic_folder(out) as tmp:
        for path in files:
            target = tmp / clear_name(path.relative_to(source))
            with open_file(path) as src, atomic_output(target, binary=True) as dst:
                _stream(path, src, dst, identities)
    return out
