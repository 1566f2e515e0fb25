"""The core scoring rule applied to many responses at once, memoised per component."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from .model import Questionnaire
from .scoring import ComponentScore, response_scores


class ScoreCache:
    """scoring.response_scores, fast for bulk work.

    A component's score depends only on the answers to its own items, and a component has a few
    items on a short scale, so there are only a few hundred distinct answer patterns per
    component. Each pattern is scored once by the core rule and then looked up.
    """

    def __init__(self) -> None:
        self._plans: dict[str, list[tuple[str, Questionnaire, tuple[str, ...]]]] = {}
        self._memo: dict[tuple[str, str, tuple[int | None, ...]], ComponentScore] = {}

    def _plan(self, q: Questionnaire) -> list[tuple[str, Questionnaire, tuple[str, ...]]]:
        key = q.content_hash or f"{q.id}:{q.version}"
        plan = self._plans.get(key)
        if plan is None:
            plan = []
            for comp in q.components:
                items = q.items_of(comp)
                plan.append((comp, replace(q, items=items), tuple(it.id for it in items)))
            self._plans[key] = plan
        return plan

    def response(
        self, q: Questionnaire, answers: Mapping[str, int | None]
    ) -> dict[str, ComponentScore]:
        """Exactly response_scores(q, answers)."""
        out: dict[str, ComponentScore] = {}
        memo = self._memo
        qkey = q.content_hash
        for comp, sub, item_ids in self._plan(q):
            pattern = tuple(answers.get(i) for i in item_ids)
            key = (qkey, comp, pattern)
            score = memo.get(key)
            if score is None:
                score = response_scores(sub, dict(zip(item_ids, pattern, strict=True)))[comp]
                memo[key] = score
            out[comp] = score
        return out
