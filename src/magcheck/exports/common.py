"""What every export format shares: options, owner-only file writing, pseudonyms, session scores."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.bulk import Plans
from ..core.model import Questionnaire
from ..core.scoring import ComponentScore, SessionComponent, session_scores
from ..errors import InputError
from ..outputs import atomic_output
from ..store import Group, Store
from .records import SessionRecord

FORMAT_NAME = "magcheck-bundle"
FORMAT_VERSION = 1
SALT_KEY = "pseudonym_salt"


@dataclass(frozen=True)
class ExportOptions:
    group_id: str | None = None
    since: str | None = None
    pseudonymize: bool = False


def owner_only(path: Path, binary: bool = False, encoding: str = "utf-8") -> Any:
    """Write a file readable by its owner only (0o600), whole or not at all.

    The rules (never a store's files, a device or a folder; temporary file, fsync, rename) are
    those of magcheck.outputs, the one place every output is written through.
    """
    return atomic_output(path, binary=binary, encoding=encoding)


class Pseudonyms:
    """Stable salted codes: the same group or respondent always gets the same code in one store.

    Codes are an HMAC-SHA256 of the group id (or group id + respondent code) under a random salt
    kept in the store's meta table, so they cannot be reversed or recomputed without the store.
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

    @classmethod
    def for_store(cls, store: Store) -> Pseudonyms:
        return cls(store.meta_once(SALT_KEY, lambda: secrets.token_hex(32)))


def public_group(group: Group, names: Pseudonyms | None) -> Group:
    if names is None:
        return group
    return Group(group.id, names.group(group.id), group.region, group.focus, group.created_at)


def pseudonymize_session(session: SessionRecord, names: Pseudonyms | None) -> SessionRecord:
    if names is None:
        return session
    for r in session.responses:
        r.respondent_code = names.respondent(session.group_id, r.respondent_code)
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
