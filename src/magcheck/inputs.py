"""Read a file a user named: regular files only, never more than a limit, never waiting on a pipe."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from .errors import InputError


class FileRefused(InputError):
    """A file that is not read at all; `reason` says why without the path (str() has both)."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words a user knows."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def size_text(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.0f} MB"


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most max_bytes, or FileRefused saying why not.

    Opened non-blocking and checked with fstat on the open descriptor, so a FIFO, a device such
    as /dev/zero or a folder is refused without being read (a FIFO would wait for a writer for
    ever; /dev/zero never ends). Reading stops one byte past the limit, so a file that grows
    while being read cannot exhaust memory either.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileRefused(path, f"cannot read it ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(path, f"is {kind_of(info.st_mode)}, not a regular file; not read")
        if info.st_size > max_bytes:
            raise FileRefused(path, f"is {info.st_size:,} bytes; the limit is {max_bytes:,} bytes")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise FileRefused(path, f"is over the limit of {max_bytes:,} bytes")
        return b"".join(chunks)
    except OSError as exc:
        raise FileRefused(path, f"cannot read it ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def open_regular(path: Path) -> BinaryIO:
    """A regular file opened for reading in binary (for streaming: memory stays constant
    whatever its size), or FileRefused: a FIFO, a device, a folder or a symlink is not opened."""
    try:
        fd = os.open(
            path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
        )
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileRefused(path, "is a symbolic link; not read") from None
        raise FileRefused(path, f"cannot read it ({exc.strerror or exc})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise FileRefused(path, f"is {kind_of(info.st_mode)}, not a regular file; not read")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")
