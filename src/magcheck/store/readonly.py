"""A store that cannot be written (a write-protected stick, a read-only folder, a full disk):
decide that up front, then open it for reading only, so the commands that only read still work.

SQLite's WAL needs its -shm index to read. With `mode=ro` SQLite uses an existing -shm read-only,
or creates one when the folder is writable; when neither is possible (the folder cannot be
written and there is no -shm) the file is opened `immutable=1`: read as it is on disk, without
locks, which is right for media nobody can write to. See https://sqlite.org/wal.html#readonly.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from pathlib import Path
from urllib.parse import quote


def _read_only_disk(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def disk_full(folder: Path) -> bool:
    try:
        return os.statvfs(folder).f_bavail == 0
    except OSError:
        return False


def _folder_writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK) and not _read_only_disk(folder)


def read_only_reason(database: Path) -> str | None:
    """Why an existing store cannot be written, in words for a message; None when it can be.

    Decided from os.access and the file system's read-only flag: a missing store is not read-only
    (it is created, or creating it fails with its own message).
    """
    if not database.is_file():
        return None
    folder = database.parent
    if _read_only_disk(folder):
        return "it is on a read-only disk"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"its folder {folder} cannot be written"
    for suffix in ("", "-wal", "-shm"):
        f = database.with_name(database.name + suffix)
        if f.exists() and not os.access(f, os.W_OK):
            return f"{f.name} cannot be written"
    return None


def _connect(database: Path, params: str) -> sqlite3.Connection:
    uri = f"file:{quote(str(database.absolute()))}?{params}"
    db = sqlite3.connect(uri, uri=True, timeout=15, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA busy_timeout = 15000")
        # mode=ro already refuses every write to the store; temporary tables (aggregate's) stay
        # allowed, in memory, since the disk may be full or read-only too.
        db.execute("PRAGMA temp_store = MEMORY")
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # really readable?
    except sqlite3.Error:
        db.close()
        raise
    return db


def connect_read_only(database: Path) -> tuple[sqlite3.Connection, str]:
    """A connection that can only read, and a caveat for the user ("" when none).

    sqlite3.Error when the file cannot be read at all.
    """
    shm = database.with_name(database.name + "-shm")
    wal = database.with_name(database.name + "-wal")
    if _folder_writable(database.parent) or shm.exists():
        # A full disk can leave an -shm SQLite cannot grow: then read the file as it is.
        with suppress(sqlite3.Error):
            return _connect(database, "mode=ro"), ""
    caveat = ""
    if wal.exists() and wal.stat().st_size > 0:
        # Without its -shm index the WAL cannot be read from here: say so rather than hide it.
        caveat = (
            f"; the latest changes, still in {wal.name}, are not shown until the store is "
            "opened where it can be written"
        )
    return _connect(database, "mode=ro&immutable=1"), caveat
