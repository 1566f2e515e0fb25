"""Every file magcheck writes for a user goes through here: never onto a store, a device or a
folder; whole or not at all; owner-only.

Rules (docs/security.md):
- the target may not be a store's files (the database, its -wal, -shm or -journal), compared
  after resolving symlinks and `..`, and by inode when it exists (a hard link is the same file);
  nor any existing SQLite database or WAL file, whoever's store it is;
- an existing target must be a regular file: folders, devices (/dev/full, /dev/null), FIFOs and
  sockets are refused before anything is written;
- missing folders on the way are created owner-only (0700); folders that exist are left as
  they are; a path under a regular file is refused;
- the data goes to a temporary file in the target's folder (0600), is flushed to disk and
  renamed over the target; on any error the temporary file is removed, so nothing partial is
  ever left and an existing target is unchanged.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from .errors import MagcheckError
from .inputs import kind_of

STORE_SUFFIXES = ("", "-wal", "-shm", "-journal")
_SQLITE_HEADER = b"SQLite format 3\x00"
_WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")


class OutputError(MagcheckError):
    title = "Cannot write"


def store_files(database: Path) -> list[Path]:
    """A SQLite database and the files SQLite keeps beside it."""
    return [database.with_name(database.name + s) for s in STORE_SUFFIXES]


def _head(path: Path, n: int = 16) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError:
        return b""


def _is_database(path: Path) -> bool:
    head = _head(path)
    return head.startswith(_SQLITE_HEADER) or head[:4] in _WAL_MAGIC


def _same(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def reason(exc: OSError) -> str:
    """An OSError in words, for a one-line message."""
    return {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "it is on a read-only disk",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EFBIG: "the file is too large for this disk",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.ENAMETOOLONG: "the name is too long",
    }.get(exc.errno or 0, exc.strerror or str(exc))


def check_target(path: Path, protect: Iterable[Path] = ()) -> Path:
    """The real path an output may be written to, or OutputError saying why it may not."""
    try:
        return _check_target(path, protect)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {reason(exc)}") from None


def _check_target(path: Path, protect: Iterable[Path]) -> Path:
    real = Path(os.path.realpath(path))
    for database in protect:
        for kept in store_files(database):
            if _same(real, kept):
                raise OutputError(
                    f"{path}: refused: it is the store's own file {kept}; choose another name"
                )
    try:
        info = os.stat(real)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise OutputError(
            f"{path}: cannot write: a part of the path is a file, not a folder"
        ) from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {reason(exc)}") from None
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(
                f"{path}: refused: it is {kind_of(info.st_mode)}; give the name of a file"
            )
        if _is_database(real):
            raise OutputError(
                f"{path}: refused: it is a SQLite database (a magcheck store?); choose another name"
            )
    for suffix in STORE_SUFFIXES[1:]:
        if real.name.endswith(suffix):
            sibling = real.with_name(real.name[: -len(suffix)])
            if sibling.is_file() and _is_database(sibling):
                raise OutputError(
                    f"{path}: refused: it belongs to the SQLite database {sibling}; "
                    "choose another name"
                )
    return real


def make_folders(folder: Path) -> None:
    """Create the missing folders down to `folder`, each owner-only; existing ones are untouched."""
    try:
        _make_folders(folder)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create it: {reason(exc)}") from None


def _make_folders(folder: Path) -> None:
    missing: list[Path] = []
    here = folder
    while not here.exists():
        if here.is_symlink():  # a dangling link: do not create folders where it points
            raise OutputError(f"{folder}: cannot create it: {here} is a broken link")
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    if here.exists() and not here.is_dir():
        raise OutputError(f"{folder}: cannot create it: {here} is a file, not a folder")
    for new in reversed(missing):
        try:
            new.mkdir(mode=0o700)
        except FileExistsError:
            if not new.is_dir():
                raise OutputError(f"{folder}: cannot create it: {new} is a file") from None
            continue  # created meanwhile by someone else: theirs, leave its mode alone
        except OSError as exc:
            raise OutputError(f"{folder}: cannot create it: {reason(exc)}") from None
        with suppress(OSError):
            os.chmod(new, 0o700)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system can fsync a folder)."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def atomic_output(
    path: Path, protect: Iterable[Path] = (), binary: bool = False, encoding: str = "utf-8"
) -> Iterator[IO[Any]]:
    """Write `path` owner-only (0600), whole or not at all (see the module's rules).

    OSError while writing (full disk, read-only folder, quota) becomes OutputError naming the
    path; the temporary file is removed whatever goes wrong.
    """
    target = check_target(path, protect)
    make_folders(target.parent)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write in {target.parent}: {reason(exc)}") from None
    try:
        os.fchmod(fd, 0o600)
        if binary:
            fh: IO[Any] = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding=encoding, newline="")
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        check_target(path, protect)  # nothing changed underneath while we wrote
        os.replace(tmp, target)
    except OSError as exc:
        with suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{path}: cannot write: {reason(exc)}; nothing was written") from None
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_folder(target.parent)


def write_text(
    path: Path, text: str, protect: Iterable[Path] = (), encoding: str = "utf-8"
) -> Path:
    with atomic_output(path, protect, encoding=encoding) as fh:
        fh.write(text)
    return path


def check_folder(path: Path, protect: Iterable[Path] = ()) -> Path:
    """The real path a dataset folder may be written to: missing, or an empty folder; never a
    file, a store's folder or anything that holds files already."""
    real = Path(os.path.realpath(path))
    for database in protect:
        if _same(real, Path(database).parent) or any(_same(real, f) for f in store_files(database)):
            raise OutputError(
                f"{path}: refused: it is the store's own folder or file; choose another"
            )
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return real
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {reason(exc)}") from None
    if not stat.S_ISDIR(info.st_mode):
        kind = "a file" if stat.S_ISREG(info.st_mode) else kind_of(info.st_mode)
        raise OutputError(
            f"{path}: refused: it is {kind}, and a folder is expected; give a new folder's name"
        )
    try:
        if any(os.scandir(real)):
            raise OutputError(f"{path}: refused: the folder is not empty; give a new folder's name")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {reason(exc)}") from None
    return real


@contextmanager
def atomic_folder(path: Path, protect: Iterable[Path] = ()) -> Iterator[Path]:
    """Write a dataset folder whole or not at all: the caller fills a temporary sibling folder
    (0700; its files through atomic_output), which is renamed into place at the end. A missing or
    empty target is taken; anything else is refused (check_folder). On any error the temporary
    folder is removed and the target is left as it was."""
    import shutil

    protect = list(protect)
    target = check_folder(path, protect)
    make_folders(target.parent)
    try:
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part"))
    except OSError as exc:
        raise OutputError(f"{path}: cannot write in {target.parent}: {reason(exc)}") from None
    try:
        os.chmod(tmp, 0o700)
        yield tmp
        check_folder(path, protect)  # nothing appeared there while we wrote
        if target.exists():
            os.rmdir(target)  # empty (checked above): the rename takes its place
        os.rename(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"{path}: cannot write: {reason(exc)}; nothing was written") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _sync_folder(target.parent)
