"""Encrypting files a library can only write to a path (pyreadstat's SPSS and Stata writers):
the library writes into an anonymous in-memory file (Linux memfd, reached as /proc/self/fd/N),
whose bytes are then encrypted into NAME.age. Nothing in clear is ever given a name on a disk.

Where memfd is missing (not Linux, or /proc not mounted) these formats are refused with
--encrypt-to before anything is written: a clear temporary file is never the fallback.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from .crypto import encrypted_output

PATH_ONLY = ("sav", "dta")  # formats whose writer needs a path, not a stream
CHUNK = 1 << 20


def memfd_missing() -> str | None:
    """Why an in-memory file cannot be used here, or None when it can."""
    if not hasattr(os, "memfd_create"):
        return "this system has no in-memory files (Linux memfd)"
    try:
        fd = os.memfd_create("magcheck-probe")
    except OSError as exc:
        return f"in-memory files are not allowed here ({exc.strerror or exc})"
    try:
        if not os.path.exists(f"/proc/self/fd/{fd}"):
            return "/proc is not mounted, so a library cannot reach an in-memory file"
    finally:
        os.close(fd)
    return None


def check_encryptable(fmt: str) -> None:
    """InputError when fmt needs an in-memory file to be encrypted and this system has none."""
    if fmt not in PATH_ONLY:
        return
    why = memfd_missing()
    if why:
        raise InputError(
            f"--format {fmt} cannot be encrypted on this system: {why}, and it is never written "
            "in clear first; use --format parquet or csv with --encrypt-to (same data, codebook)"
        )


def encrypt_from_memory(
    target: Path, emit: Callable[[Path], None], recipients: tuple[str, ...]
) -> Path:
    """emit(path) writes a file; it writes into memory and target + ".age" gets it encrypted.
    Returns target (the clear name; the caller adds .age as for every encrypted export)."""
    check_encryptable(target.suffix.lstrip("."))
    fd = os.memfd_create(f"magcheck-{target.name}")
    try:
        emit(Path(f"/proc/self/fd/{fd}"))
        os.lseek(fd, 0, os.SEEK_SET)
        with encrypted_output(target, list(recipients), binary=True) as sink:
            while chunk := os.read(fd, CHUNK):
                sink.write(chunk)
    finally:
        os.close(fd)
    return target
