"""One SQLite connection: owner-only files, WAL with synchronous=FULL, transactions, migrations.

Durability: WAL journal with synchronous=FULL, and each answer in its own transaction, so a process
killed at any moment loses at most the answer being typed.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Self

from ..errors import StoreError
from ..paths import store_path
from .readonly import connect_read_only, disk_full, read_only_reason
from .rows import new_id
from .schema import SCHEMA_VERSION, apply_migration


def _secure_dir(directory: Path) -> None:
    """Create the missing folders owner-only; folders that exist keep their modes (a 0500 folder
    on a write-protected stick stays 0500: opening a store never loosens anything)."""
    missing = []
    here = directory
    while not here.exists() and here.parent != here:
        missing.append(here)
        here = here.parent
    for new in reversed(missing):
        with suppress(FileExistsError):
            new.mkdir(mode=0o700)
            os.chmod(new, 0o700)


def _secure_file(path: Path) -> None:
    """Create the database file owner-only before SQLite opens it (WAL files copy its mode).

    An existing file only ever loses group and other permissions, never gains any: a 0400
    database stays 0400.
    """
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        with suppress(OSError):
            os.chmod(path, mode & 0o700)


def _why(text: str) -> str:
    if "full" in text:
        return "the disk is full; free some space and try again (nothing already saved is lost)"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return "it cannot be written; check the folder's permissions or use --data-dir"
    if "locked" in text or "busy" in text:
        return "another magcheck is busy writing to it; try again in a moment"
    if "not a database" in text or "malformed" in text:
        return "the file is not a magcheck database or is damaged"
    return text


def _store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    return StoreError(f"store {path}: {_why(str(exc))}")


def _may_read_anyway(exc: sqlite3.Error) -> bool:
    text = str(exc)
    return any(w in text for w in ("full", "disk I/O", "readonly", "read-only", "unable to open"))


class Connection:
    """The open database; every method commits what it writes before returning."""

    def __init__(self, path: Path):
        self.path = path
        #: why the store cannot be written (None when it can): reads work, writes say this
        self.read_only: str | None = read_only_reason(path)
        if self.read_only is not None:
            self._open_read_only()
            return
        try:
            _secure_dir(path.parent)
            _secure_file(path)
        except OSError as exc:
            raise StoreError(
                f"store {path}: cannot create it ({exc.strerror or exc}); use --data-dir"
            ) from None
        try:
            self.db = sqlite3.connect(
                path, timeout=15, isolation_level=None, check_same_thread=False
            )
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA busy_timeout = 15000")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.Error as exc:
            error = _store_error(exc, path)
            if not _may_read_anyway(exc):
                raise error from None
            # A full disk (no room for the -shm index) must not stop commands that only read.
            with suppress(Exception):
                self.db.close()
            full = disk_full(path.parent)
            self.read_only = "the disk is full" if full else _why(str(exc)).split(";")[0]
            try:
                self._open_read_only()
            except StoreError:
                raise error from None

    def _open_read_only(self) -> None:
        try:
            self.db, caveat = connect_read_only(self.path)
            self.read_only = f"{self.read_only}{caveat}"
            self.db.row_factory = sqlite3.Row
            current = self.db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from None
        if current > SCHEMA_VERSION:
            self._migrate()  # says: written by a newer magcheck
        elif current < SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path} is read-only ({self.read_only}) and was written by an "
                "older magcheck; it must be upgraded once on a writable copy"
            )

    @classmethod
    def open(cls, directory: Path) -> Self:
        return cls(store_path(directory))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction taken up front, so two processes queue instead of deadlocking."""
        if self.read_only is not None:
            raise StoreError(
                f"the store at {self.path} is read-only ({self.read_only}): this cannot be "
                "saved; nothing was changed"
            )
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise _store_error(exc, self.path) from None

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from None

    # -- schema -------------------------------------------------------------------------------

    def _migrate(self) -> None:
        current = self.db.execute("PRAGMA user_version").fetchone()[0]
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path}: written by a newer magcheck (schema {current}, this one "
                f"knows {SCHEMA_VERSION}); upgrade magcheck to open it"
            )
        if current == SCHEMA_VERSION:
            return
        with self.tx() as db:
            current = db.execute("PRAGMA user_version").fetchone()[0]
            for version in range(current + 1, SCHEMA_VERSION + 1):
                apply_migration(db, version)
                db.execute(f"PRAGMA user_version = {version}")
            db.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('device_id', ?)", (new_id(),)
            )

    @property
    def schema_version(self) -> int:
        return int(self._query("PRAGMA user_version")[0][0])

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def device_id(self) -> str:
        return self.get_meta("device_id") or ""

    def meta_once(self, key: str, make: Callable[[], str]) -> str:
        """A meta value created on first use and never changed after (e.g. the pseudonym salt)."""
        found = self.get_meta(key)
        if found:
            return found  # no write: works on a read-only store too
        if self.read_only is not None:
            raise StoreError(
                f"the store at {self.path} is read-only ({self.read_only}) and has no "
                f"{key.replace('_', ' ')} yet; do this once where the store can be written"
            )
        with self.tx() as db:
            db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", (key, make()))
        return self.get_meta(key) or ""
