"""One SQLite connection: owner-only files, WAL with synchronous=FULL, transactions, migrations.

Durability: WAL journal with synchronous=FULL, and each answer in its own transaction, so a process
killed at any moment loses at most the answer being typed.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Self

from ..errors import StoreError
from ..paths import store_path
from .rows import new_id
from .schema import SCHEMA_VERSION, apply_migration


def _secure_dir(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with suppress(OSError):
        os.chmod(directory, 0o700)


def _secure_file(path: Path) -> None:
    """Create the database file owner-only before SQLite opens it (WAL files copy its mode)."""
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    os.chmod(path, 0o600)


def _store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    text = str(exc)
    if "full" in text:
        why = "the disk is full; free some space and try again (nothing already saved is lost)"
    elif "readonly" in text or "read-only" in text or "unable to open" in text:
        why = "it cannot be written; check the folder's permissions or use --data-dir"
    elif "locked" in text or "busy" in text:
        why = "another magcheck is busy writing to it; try again in a moment"
    elif "not a database" in text or "malformed" in text:
        why = "the file is not a magcheck database or is damaged"
    else:
        why = text
    return StoreError(f"store {path}: {why}")


class Connection:
    """The open database; every method commits what it writes before returning."""

    def __init__(self, path: Path):
        self.path = path
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
            raise _store_error(exc, path) from None

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
        with self.tx() as db:
            db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", (key, make()))
        return self.get_meta(key) or ""
