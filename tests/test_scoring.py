"""Hand-computed cases for every scoring rule in docs/scoring.md, edges included."""

from __future__ import annotations

from fractions import Fraction

import pytest

from magcheck.core.model import Bands
from magcheck.core.scoring import (
    ComponentScore,
    band,
    display,
    response_scores,
    scored_value,
    session_scores,
)


def test_reverse_item_flips_score():
    assert scored_value(1, True, 1, 5) == 5
    assert scored_value(2, True, 1, 5) == 4
    assert scored_value(3, True, 1, 5) == 3
    assert scored_value(2, False, 1, 5) == 2
    assert scored_value(0, True, 0, 10) == 10


def test_reverse_item_in_a_response(tiny):
    # c1=5, c2 (reverse)=1 -> 5, c3=5: every answer is as strong as it can be
    assert response_scores(tiny, {"c1": 5, "c2": 1, "c3": 5})["coping"].score == 100
    # agreeing with a reverse item weakens the component: (4 + (6-4) + 4)/3 = 10/3 -> (10/3-1)/4*100
    assert response_scores(tiny, {"c1": 4, "c2": 4, "c3": 4})["coping"].score == Fraction(175, 3)


def test_missing_answers_are_left_out_of_the_mean(tiny):
    # c2 prefer-not-to-say: mean of 4 and 2 is 3 -> 50
    s = response_scores(tiny, {"c1": 4, "c2": None, "c3": 2})["coping"]
    assert s.score == 50 and s.answered == 2 and s.items == 3


def test_fewer_than_half_answered_is_insufficient(tiny):
    # 3 items need ceil(3/2) = 2 answers; one answer is not enough
    s = response_scores(tiny, {"c1": 5, "c2": None})["coping"]
    assert s.insufficient and s.score is None
    # 2 items need 1 answer: a single answer of 1 scores 0
    assert response_scores(tiny, {"t1": 1})["trust"].score == 0
    assert response_scores(tiny, {})["trust"].insufficient


@pytest.mark.parametrize(
    ("score", "word"),
    [
        (Fraction(100), "strong"),
        (Fraction(75), "strong"),
        (Fraction(7499, 100), "developing"),
        (Fraction(50), "developing"),
        (Fraction(4999, 100), "weak"),
        (Fraction(25), "weak"),
        (Fraction(2499, 100), "missing"),
        (Fraction(0), "missing"),
        (None, "insufficient"),
    ],
)
def test_bands_at_their_exact_edges(score, word):
    assert band(score) == word


def test_a_group_answering_sometimes_is_weak_not_missing(tiny):
    # "Sometimes" (3 on 1..5) on every item is exactly 50: developing, never "missing"
    s = response_scores(tiny, {"c1": 3, "c2": 3, "c3": 3})["coping"]
    assert s.score == 50 and band(s.score) == "developing"
    # "Rarely" (2) everywhere but the reverse item is 25 + ...: (2 + 4 + 2)/3 -> 41.66: weak
    s = response_scores(tiny, {"c1": 2, "c2": 2, "c3": 2})["coping"]
    assert band(s.score) == "weak"


def test_questionnaire_bands_override_the_defaults():
    bands = Bands(strong=Fraction(80), developing=Fraction(60), weak=Fraction(30))
    assert band(Fraction(75), bands) == "developing"
    assert band(Fraction(80), bands) == "strong"
    assert band(Fraction(59), bands) == "weak"
    assert band(Fraction(30), bands) == "weak"
    assert band(Fraction(29), bands) == "missing"


def test_score_of_exactly_75_from_answers_is_strong(tiny):
    s = response_scores(tiny, {"c1": 4, "c2": 2, "c3": 4})["coping"]
    assert s.score == 75 and band(s.score) == "strong"
    assert display(s.score) == "75"


def test_float_noise_never_flips_a_band():
    # In floats these five scores average 49.99999999999999; exactly, they average 50.
    values = [Fraction(0), Fraction(0), Fraction(700, 9), Fraction(250, 3), Fraction(800, 9)]
    assert sum(float(v) for v in values) / 5 < 50  # the trap is real
    rows = [("member", {"coping": ComponentScore("coping", v, 9, 9)}) for v in values]

    class Q:
        components = ("coping",)
        bands = Bands()

    result = session_scores(Q, rows)["coping"]  # type: ignore[arg-type]
    assert result.score == 50
    assert result.band == "developing"
    assert display(result.score) == "50"


def test_displayed_score_never_contradicts_its_band():
    just_below = Fraction(7499, 100)
    assert band(just_below) == "developing"
    assert display(just_below) == "74"  # not rounded up to 75
    assert display(Fraction(7499, 100), places=1) == "74.9"
    assert display(Fraction(4999, 100)) == "49"


def test_session_mean_weighs_each_respondent_equally_and_splits_by_role(tiny):
    rows = [
        (
            "facilitator",
            response_scores(tiny, {"c1": 5, "c2": 1, "c3": 5, "t1": 5, "t2": 5}),
        ),  # 100, 100
        ("member", response_scores(tiny, {"c1": 3, "c2": 3, "c3": 3, "t1": 2, "t2": 2})),  # 50, 25
        ("member", response_scores(tiny, {"c1": 4, "c2": 2, "c3": 4, "t1": 3})),  # 75, 50
        ("member", response_scores(tiny, {"c1": 5})),  # coping insufficient, trust insufficient
    ]
    result = session_scores(tiny, rows)
    coping = result["coping"]
    assert coping.n == 3  # the insufficient response is left out
    assert coping.score == Fraction(100 + 50 + 75, 3)
    assert coping.facilitator.score == 100 and coping.facilitator.n == 1
    assert coping.member.score == Fraction(125, 2) and coping.member.n == 2
    assert coping.gap == Fraction(75, 2)
    trust = result["trust"]
    assert trust.member.score == Fraction(75, 2) and trust.member.n == 2


def test_gap_is_facilitator_minus_members_in_either_direction(tiny):
    def session(fac: dict, mem: dict):
        return session_scores(
            tiny,
            [("facilitator", response_scores(tiny, fac)), ("member", response_scores(tiny, mem))],
        )

    small = session({"t1": 4, "t2": 4}, {"t1": 3, "t2": 4})["trust"]  # 75 vs 62.5
    assert small.gap == Fraction(25, 2)
    exactly = session({"t1": 5, "t2": 4}, {"t1": 3, "t2": 4})["trust"]  # 87.5 vs 62.5 -> 25
    assert exactly.gap == 25
    negative = session({"t1": 3, "t2": 3}, {"t1": 5, "t2": 4})["trust"]  # 50 vs 87.5
    assert negative.gap == Fraction(-75, 2)
    one_side = session({"t1": 4, "t2": 4}, {"t1": 3, "t2": 3})  # 75 vs 50 = 25; coping empty
    assert one_side["coping"].gap is None
