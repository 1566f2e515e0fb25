"""A demo group with several realistic sessions, so a new user sees a full report at once."""

from __future__ import annotations

import random
from datetime import date, timedelta

from .core.model import Questionnaire
from .core.scoring import scored_value
from .store import Group, Session, Store

DEMO_GROUP = "Demo: Riverside peer support"

# How each component really stands in the demo group (on the 1..5 scale), and how it moves per
# month. Networks is weak and the facilitator over-rates it: the report shows a difference there.
_LEVEL = {
    "coping": 3.6,
    "emotion": 2.9,
    "problem_solving": 3.4,
    "support": 4.3,
    "trust": 4.5,
    "identity": 3.5,
    "networks": 2.4,
    "agency": 2.8,
}
_GROWTH = {"networks": 0.25, "agency": 0.3, "emotion": 0.15}
_FACILITATOR_BIAS = {"networks": 1.4, "agency": 0.4}


def _answer(rng: random.Random, q: Questionnaire, level: float, reverse: bool) -> int:
    raw = round(rng.gauss(level, 0.55))
    value = min(q.scale.max, max(q.scale.min, raw))
    return scored_value(value, reverse, q.scale.min, q.scale.max)


def _fill(
    store: Store,
    session: Session,
    q: Questionnaire,
    role: str,
    code: str,
    month: int,
    rng: random.Random,
    skip: float,
) -> None:
    response = store.start_response(session, role, code)
    answers: dict[str, int | str | None] = {}
    # Each person sees the group through their own lens, a little brighter or darker on every
    # item: this shared part is what makes items agree (Cronbach's alpha) in real data.
    outlook = rng.gauss(0, 0.45)
    for item in q.items:
        level = _LEVEL[item.component] + _GROWTH.get(item.component, 0.05) * month + outlook
        if role == "facilitator":
            level += _FACILITATOR_BIAS.get(item.component, 0.1)
        offered = q.scale.non_answers
        if offered and rng.random() < skip:
            answers[item.id] = rng.choice(offered)
        else:
            answers[item.id] = _answer(rng, q, level, item.reverse)
    store.record_answers(response, answers)
    store.complete_response(response)


def create_demo(
    store: Store, questionnaires: dict[str, Questionnaire], today: date | None = None
) -> tuple[Group, list[Session]]:
    """Three monthly checks: a facilitator self-assessment and a member round at each."""
    existing = [g for g in store.groups() if g.name == DEMO_GROUP]
    if existing:
        return existing[0], store.sessions(existing[0])
    rng = random.Random(20231)
    group = store.add_group(DEMO_GROUP, region="Demo region", focus="depression and anxiety")
    start = (today or date.today()) - timedelta(days=70)
    sessions: list[Session] = []
    for month in range(3):
        day = start + timedelta(days=35 * month)
        fac_q = questionnaires["facilitator"]
        s = store.create_session(group, fac_q, "en", day)
        _fill(store, s, fac_q, "facilitator", "F1", month, rng, 0.04)
        sessions.append(s)
        mem_q = questionnaires["member"]
        s = store.create_session(group, mem_q, "en", check=store.check_of(s))
        for n in range(1, 6 + month):
            _fill(store, s, mem_q, "member", f"M{n}", month, rng, 0.06)
        sessions.append(s)
    return group, [store.session(s.id) for s in sessions]
