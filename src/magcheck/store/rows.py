"""What the store hands out: groups, sessions, responses (frozen), ids and timestamps."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from ..core.model import PERSON_CODE
from ..errors import InputError
from ..text import clean_name, shown

ROUND_MODE = "round"
SESSION_MODES = ("facilitator", ROUND_MODE)

_CODE_RE = re.compile(PERSON_CODE)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_id() -> str:
    return uuid.uuid4().hex


def check_respondent_code(code: str | None) -> str | None:
    """A code such as M3 or A-07: it must hold a digit, so it can never be a person's name."""
    if code is None or code == "":
        return None
    if not isinstance(code, str):
        raise InputError("respondent code: must be text such as M3")
    code = clean_name(code, "respondent code")
    if not _CODE_RE.fullmatch(code):  # fullmatch: "M1\n" is not "M1"
        raise InputError(
            f"respondent code '{shown(code)}' is not allowed: use up to 16 letters, digits, '-' or '_', "
            "including at least one digit (e.g. M3), never a person's name"
        )
    return code


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    region: str | None
    focus: str | None
    created_at: str


@dataclass(frozen=True)
class Session:
    id: str
    group_id: str
    group_name: str
    date: str
    language: str
    questionnaire_id: str
    questionnaire_version: int
    questionnaire_hash: str
    created_at: str
    closed_at: str | None
    respondents: int = 0
    unfinished: int = 0
    mode: str | None = None  # "round" for a member round the app runs until it is ended
    check_id: str | None = None
    questionnaire_role: str | None = None  # facilitator (self-assessment) or member (round)

    @property
    def status(self) -> str:
        """In progress while someone is mid-way, nobody has answered, or a round is not ended."""
        if self.respondents == 0 or self.unfinished > 0:
            return "in progress"
        if self.mode == ROUND_MODE and self.closed_at is None:
            return "in progress"
        return "complete"


@dataclass(frozen=True)
class Check:
    """One meeting's assessment of a group: at most one facilitator self-assessment and one
    member round, started in either order."""

    id: str
    group_id: str
    group_name: str
    date: str
    created_at: str
    sessions: tuple[Session, ...] = ()

    def part(self, role: str) -> Session | None:
        """The facilitator self-assessment ('facilitator') or the member round ('member')."""
        return next((s for s in self.sessions if s.questionnaire_role == role), None)


@dataclass(frozen=True)
class Response:
    id: str
    session_id: str
    role: str
    respondent_code: str | None
    started_at: str
    completed_at: str | None
    source: str | None = None  # None: typed on this device; "paper" (keyed from a form); "odk"
    entered_by: str | None = None  # the keyer's code, for answers keyed from paper

    @property
    def complete(self) -> bool:
        return self.completed_at is not None
