"""What every export format shares: options, owner-only file writing, pseudonyms, session scores."""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..core.bulk import Plans
from ..core.model import Questionnaire
from ..core.scoring import ComponentScore, SessionComponent, session_scores
from ..errors import InputError
from ..outputs import atomic_output
from ..store import Group, Store
from .records import SessionRecord

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMAT_NAME = "magcheck-bundle"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)  # 1: no check ids, a null answer is prefer not to say
SALT_KEY = "pseudonym_salt"


@dataclass(frozen=True)
class ExportOptions:
    group_id: str | None = None
    since: str | None = None
    pseudonymize: bool = False
    recipients: tuple[str, ...] = ()  # age public keys: the files are written encrypted (.age)
    lang: str = "en"  # labels and item texts in codebooks, SPSS and Stata files


def owner_only(
    path: Path, binary: bool = False, encoding: str = "utf-8", recipients: tuple[str, ...] = ()
) -> Any:
    """Write a file readable by its owner only (0o600), whole or not at all; with recipients,
    path + ".age" encrypted to them while it is written (exports.crypto).

    The rules (never a store's files, a device or a folder; temporary file, fsync, rename) are
    those of magcheck.outputs, the one place every output is written through.
    """
    if recipients:
        from .crypto import encrypted_output

        return encrypted_output(path, list(recipients), binary=binary, encoding=encoding)
    return atomic_output(path, binary=binary, encoding=encoding)


def neutralise(cell: Any) -> Any:
    """Text that starts like a formula gets a leading ' so it shows as text; numbers pass."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


class CsvWriter:
    """csv.writer for files a spreadsheet opens: every text cell of every row is neutralised,
    whichever column it is in, so no field from data can become a formula."""

    def __init__(self, fh: IO[str]):
        self._out = csv.writer(fh)

    def writerow(self, row: Iterable[Any]) -> None:
        self._out.writerow([neutralise(cell) for cell in row])


class Pseudonyms:
    """Stable salted codes: the same group, respondent, session or response always gets the
    same code in one store.

    Codes are an HMAC-SHA256 of the group id (or group id + respondent code, or a record's id)
    under a random salt kept in the store's meta table, so they cannot be reversed or recomputed
    without the store. Ids are replaced too: a pseudonymised file shares no id with a plain
    export of the same store, so the two cannot be joined on ids.
    """

    def __init__(self, salt: str):
        self._key = salt.encode("ascii")

    def _digest(self, text: str) -> bytes:
        return hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).digest()

    def group(self, group_id: str) -> str:
        return "G-" + base64.b32encode(self._digest("group:" + group_id)).decode()[:12]

    def respondent(self, group_id: str, code: str | None) -> str | None:
        if code is None:
            return None
        # Respondent codes must hold a digit (so they are never names): use digits only.
        number = int.from_bytes(self._digest(f"respondent:{group_id}:{code}")[:8], "big")
        return f"R{number % 10**12:012d}"

    def ident(self, kind: str, value: str) -> str:
        """A 32-hex id in place of a group, session, response or device id (still a valid id)."""
        return hmac.new(self._key, f"{kind}-id:{value}".encode(), hashlib.sha256).hexdigest()[:32]

    @classmethod
    def for_store(cls, store: Store) -> Pseudonyms:
        return cls(store.meta_once(SALT_KEY, lambda: secrets.token_hex(32)))


def public_group(group: Group, names: Pseudonyms | None) -> Group:
    if names is None:
        return group
    return Group(
        names.ident("group", group.id),
        names.group(group.id),
        group.region,
        group.focus,
        group.created_at,
    )


def pseudonymize_session(session: SessionRecord, names: Pseudonyms | None) -> SessionRecord:
    """The session with its ids and respondent codes replaced (in place)."""
    if names is None:
        return session
    for r in session.responses:
        r.respondent_code = names.respondent(session.group_id, r.respondent_code)
        r.id = names.ident("response", r.id)
    session.id = names.ident("session", session.id)
    session.group_id = names.ident("group", session.group_id)
    if session.check_id is not None:
        session.check_id = names.ident("check", session.check_id)
    return session


def score_record(
    cache: Plans, q: Questionnaire, session: SessionRecord
) -> tuple[list[dict[str, ComponentScore]], dict[str, SessionComponent]]:
    """Per-response component scores (in response order) and the session's combined scores."""
    per_response = [cache.response(q, r.values()) for r in session.responses]
    combined = session_scores(
        q, [(r.role, s) for r, s in zip(session.responses, per_response, strict=True)]
    )
    return per_response, combined


def check_since(since: str | None) -> str | None:
    from datetime import date

    if since is None:
        return None
    try:
        return date.fromisoformat(since).isoformat()
    except ValueError:
        raise InputError(f"--since '{since}' is not a date like 2026-03-14") from None
