"""Properties that must hold for any answers: ranges, reversal, monotonicity."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from magcheck.core.scoring import band, display, response_scores, scored_value, session_scores

values = st.one_of(st.none(), st.integers(min_value=1, max_value=5))


def answers_for(q):
    return st.fixed_dictionaries({it.id: values for it in q.items})


@given(
    st.integers(min_value=-50, max_value=50), st.integers(min_value=-50, max_value=50), st.data()
)
def test_reversing_an_item_twice_is_identity(lo, span, data):
    hi = lo + abs(span) + 1
    v = data.draw(st.integers(min_value=lo, max_value=hi))
    once = scored_value(v, True, lo, hi)
    assert lo <= once <= hi
    assert scored_value(once, True, lo, hi) == v


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_scores_stay_between_0_and_100(bundled, data):
    for q in bundled.values():
        answers = data.draw(answers_for(q))
        for s in response_scores(q, answers).values():
            assert s.score is None or 0 <= s.score <= 100


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_adding_a_strong_answer_never_lowers_a_score(bundled, data):
    q = bundled[data.draw(st.sampled_from(sorted(bundled)))]
    answers = data.draw(answers_for(q))
    missing = [it for it in q.items if answers[it.id] is None]
    if not missing:
        return
    item = data.draw(st.sampled_from(missing))
    before = response_scores(q, answers)[item.component]
    strongest = q.scale.min if item.reverse else q.scale.max
    after = response_scores(q, {**answers, item.id: strongest})[item.component]
    assert after.answered == before.answered + 1
    if before.score is not None:
        assert after.score is not None and after.score >= before.score


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_session_score_and_its_word_always_agree(bundled, data):
    q = bundled["member"]
    n = data.draw(st.integers(min_value=1, max_value=8))
    rows = [
        (
            data.draw(st.sampled_from(["member", "facilitator"])),
            response_scores(q, data.draw(answers_for(q))),
        )
        for _ in range(n)
    ]
    for comp in session_scores(q, rows).values():
        if comp.score is None:
            assert comp.band == "insufficient"
            continue
        assert 0 <= comp.score <= 100
        shown = Fraction(display(comp.score))
        # the number a facilitator reads falls in the same band as the exact score
        assert band(shown) == comp.band
