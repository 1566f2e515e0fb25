"""Where a session goes next (answer, hand over, report): decisions only, through the Store API.

No Textual here, so the rules are easy to test and to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..core.model import Questionnaire
from ..store import Response, Session, Store, next_item_index

Mode = Literal["facilitator", "round"]
# A stored answer as the question screen shows it: a point on the scale, or which non-answer
# (prefer_not_to_say, dont_know, not_applicable).
Answer = int | str
FACILITATOR: Mode = "facilitator"
ROUND: Mode = "round"
MODES: tuple[Mode, ...] = (FACILITATOR, ROUND)


def remember_mode(store: Store, session: Session, mode: Mode) -> None:
    store.set_session_mode(session, mode)


def saved_mode(session: Session) -> Mode | None:
    """The mode chosen when the app started the session; None for sessions made by the CLI."""
    return session.mode if session.mode in MODES else None  # type: ignore[return-value]


def session_mode(store: Store, session: Session, q: Questionnaire | None = None) -> Mode:
    """The mode chosen when the session was started; for sessions made elsewhere, a guess."""
    saved = saved_mode(session)
    if saved is not None:
        return saved
    if q is None:
        q = store.questionnaire(session.questionnaire_hash)
    return ROUND if q.role == "member" else FACILITATOR


def role_for(mode: Mode) -> str:
    return "member" if mode == ROUND else "facilitator"


@dataclass(frozen=True)
class Next:
    """What to show for a session: `answer` (response at index), `handover` or `report`."""

    kind: Literal["answer", "handover", "report"]
    mode: Mode
    questionnaire: Questionnaire
    response: Response | None = None
    index: int = 0
    answers: dict[str, Answer] | None = None


def resume(store: Store, session: Session) -> Next:
    """Pick up a session exactly where it stopped."""
    q = store.questionnaire(session.questionnaire_hash)
    saved = saved_mode(session)
    mode = session_mode(store, session, q)
    unfinished = [r for r in store.responses(session) if not r.complete]
    if unfinished:
        response = unfinished[-1]
        answers = answers_with_kinds(store, response)
        index = next_item_index(q, answers)
        if index < len(q.items):
            return Next("answer", mode, q, response, index, answers)
        # every item answered but not marked complete (stopped on the last key): finish it now
        store.complete_response(response)
    # A round goes on until the facilitator ends it; sessions made by the CLI were complete
    # as soon as every response was, so they reopen only if they were left unfinished.
    round_open = saved is not None or bool(unfinished) or session.respondents == 0
    if mode == ROUND and session.closed_at is None and round_open:
        return Next("handover", mode, q)
    if mode == FACILITATOR and session.respondents == 0:
        response = store.start_response(session, role_for(mode))
        return Next("answer", mode, q, response, 0, {})
    return Next("report", mode, q)


def answers_with_kinds(store: Store, response: Response) -> dict[str, Answer]:
    """A response's answers, each non-answer as its kind, so going back shows what was chosen."""
    given: dict[str, Answer] = {k: v for k, v in store.answers(response).items() if v is not None}
    return {**store.non_answers(response), **given}


def next_member_code(store: Store, session: Session) -> str:
    """M1, M2, ...: a code with a digit, never a name, so members stay anonymous."""
    members = sum(1 for r in store.responses(session) if r.role == "member")
    return f"M{members + 1}"


def end_round(store: Store, session: Session) -> None:
    """Close the round; a response nobody started answering is dropped, any other is kept."""
    for response in store.responses(session):
        if not response.complete and not store.answers(response):
            store.discard_response(response)
    store.close_session(session)
