"""The fast aggregate paths give exactly what the core rules give.

magcheck.aggregate.engine scores memoised answer patterns with the core rule, keeps session means as
integer ratios and, from the store, lets SQLite pack each response's answers into integers.
Here every statistic is compared, float for float, with tests/aggregate_reference.py: the
aggregator written straight on scoring.response_scores, checkscore.part_scores and
checkscore.compare_parallel with Fractions.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, replace
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from magcheck.aggregate.engine import Aggregator
from magcheck.aggregate.render_json import to_data, to_json
from magcheck.aggregate.sources import aggregate_store
from magcheck.core.bulk import CodeLayout, ScoredPlan
from magcheck.core.checkscore import compare_parallel, part_scores
from magcheck.core.model import ROLES, Bands, Item, Questionnaire, Scale
from magcheck.core.questionnaires import content_hash, to_document
from magcheck.core.scoring import response_scores
from magcheck.exports.records import Dataset, ResponseRecord, SessionRecord, read_store
from magcheck.store import Group, Store, new_id

from .aggregate_reference import reference_aggregate
from .export_support import questionnaires

STAMP = "2026-01-01T10:00:00+00:00"


def _hashed(q: Questionnaire) -> Questionnaire:
    doc = to_document(q)
    doc.pop("content_hash", None)
    return replace(q, content_hash=content_hash(doc))


def make_questionnaire(
    qid: str, items: list[tuple[str, str, bool]], lo: int, hi: int, bands: Bands | None = None
) -> Questionnaire:
    return _hashed(
        Questionnaire(
            id=qid,
            version=1,
            role="member",
            languages=("en",),
            title={"en": qid},
            description={},
            scale=Scale(lo, hi, {"en": tuple(str(v) for v in range(lo, hi + 1))}, True),
            items=tuple(Item(i, c, {"en": i}, rev) for i, c, rev in items),
            bands=bands or Bands(),
        )
    )


# A 0..6 scale, components of 1, 3 and 5 items with reverse-keyed ones, its own band edges,
# and an item id (coping_1) that the shipped questionnaires use in another component.
CUSTOM = make_questionnaire(
    "custom",
    [
        ("coping_1", "trust", False),
        ("t2", "trust", True),
        ("t3", "trust", False),
        ("c1", "coping", False),
        ("c2", "coping", True),
        ("c3", "coping", False),
        ("c4", "coping", True),
        ("c5", "coping", False),
        ("a1", "agency", False),
    ],
    0,
    6,
    Bands(strong=Fraction(200, 3), developing=Fraction(100, 3)),
)
SHIPPED = questionnaires()
QUESTIONNAIRES = [SHIPPED["member"], SHIPPED["facilitator"], CUSTOM]
GROUPS = [
    Group(new_id(), name, region, focus, STAMP)
    for name, region, focus in [
        ('Группа 1 "quoted"', "North", "depression"),
        ('=HYPERLINK("x")', None, None),
        ("group 3", "North", "psychosis"),
        ("Group 3", "South", None),
    ]
]


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    """Sessions of three questionnaires, mostly answered by their own role, some linked into
    checks (a few with two parts of one role), so parts, the floor and comparisons all vary."""
    sessions = []
    for g in GROUPS[: draw(st.integers(1, len(GROUPS)))]:
        for _ in range(draw(st.integers(0, 3))):
            q = draw(st.sampled_from(QUESTIONNAIRES))
            check = draw(st.sampled_from([None, "a", "a", "b"]))
            session = SessionRecord(
                new_id(),
                g.id,
                draw(st.sampled_from(["2025-01-05", "2025-01-05", "2025-02-01", "2026-03-09"])),
                "en",
                q.id,
                q.version,
                q.content_hash,
                draw(st.sampled_from([STAMP, "2026-01-01T09:00:00+00:00"])),
                None,
                None if check is None else f"{g.id[:8]}-{check}",
                q.role,
            )
            value = st.one_of(st.none(), st.integers(q.scale.min, q.scale.max))
            other = "facilitator" if q.role == "member" else "member"
            for _ in range(draw(st.integers(0, 6))):
                role = draw(st.sampled_from([q.role, q.role, q.role, other]))
                r = ResponseRecord(new_id(), role, None, STAMP, STAMP)
                for it in q.items:
                    if draw(st.integers(0, 9)):  # now and then an item never reached
                        v = draw(value)
                        r.answers.append(
                            (it.id, v, STAMP, None if v is not None else "prefer_not_to_say")
                        )
                session.responses.append(r)
            sessions.append(session)
    return Dataset(
        "device", {g.id: g for g in GROUPS}, {q.content_hash: q for q in QUESTIONNAIRES}, sessions
    )


def fast_aggregate(data: Dataset, by: str | None, floor: int = 3) -> Aggregator:
    agg = Aggregator(by=by, floor=floor)
    agg.add_dataset(data)
    return agg


def write_store(directory: Path, data: Dataset) -> None:
    sessions = list(data.sessions)
    with Store.open(directory) as store:
        store.import_rows(
            [(g.id, g.name, g.region, g.focus, g.created_at) for g in data.groups.values()],
            [
                (q.content_hash, q.id, q.version, json.dumps(to_document(q)))
                for q in data.questionnaires.values()
            ],
            [s.row() for s in sessions],
            [
                (r.id, s.id, r.role, r.respondent_code, r.started_at, r.completed_at)
                for s in sessions
                for r in s.responses
            ],
            [(r.id, *a) for s in sessions for r in s.responses for a in r.answers],
        )


BY = st.sampled_from([None, "group", "questionnaire", "month", "region", "focus"])
FLOOR = st.sampled_from([3, 3, 4])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(), BY, FLOOR)
def test_aggregate_equals_the_reference_exactly(data: Dataset, by: str | None, floor: int) -> None:
    want = reference_aggregate([data], by, floor)
    got = fast_aggregate(data, by, floor).result()
    assert to_data(got) == to_data(want)
    assert got.alpha == want.alpha
    # the JSON writer is json.dumps(indent=2) byte for byte
    assert to_json(got) == json.dumps(to_data(got), indent=2, ensure_ascii=False)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(), BY)
def test_aggregate_from_the_store_equals_the_reference_exactly(
    data: Dataset, by: str | None
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_store(Path(tmp), data)
        with Store.open(Path(tmp)) as store:
            want = reference_aggregate([read_store(store)], by)
            got = aggregate_store(store, by)
    assert to_data(got) == to_data(want)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_part_scores_and_bands_equal_part_scores(data: st.DataObject) -> None:
    """Per session: the exact score and band of checkscore.part_scores over its own role."""
    q = data.draw(st.sampled_from(QUESTIONNAIRES))
    value = st.one_of(st.none(), st.integers(q.scale.min, q.scale.max))
    responses = [
        (data.draw(st.sampled_from(ROLES)), {it.id: data.draw(value) for it in q.items})
        for _ in range(data.draw(st.integers(0, 7)))
    ]
    want = part_scores(q, q.role, responses)
    session = SessionRecord(new_id(), GROUPS[0].id, "2026-01-01", "en", q.id, 1, "", STAMP, None)
    for role, answers in responses:
        r = ResponseRecord(new_id(), role, None, STAMP, STAMP)
        r.answers = [
            (i, v, STAMP, None if v is not None else "prefer_not_to_say")
            for i, v in answers.items()
        ]
        session.responses.append(r)
    agg = Aggregator()
    agg.add_session(session, q)
    if q.role == "member" and want.people < 3:
        assert (GROUPS[0].id, q.id) not in agg._trends  # under the floor: left out
        return
    [point] = [p for _, _, p in agg._trends[(GROUPS[0].id, q.id)]]
    assert point.people == want.people
    latest = agg._latest[GROUPS[0].id]
    for pc in want.components:
        assert point.components[pc.component] == (None if pc.score is None else float(pc.score))
        if pc.score is None:
            assert pc.component not in latest
        else:
            assert (latest[pc.component].score, latest[pc.component].band) == (pc.score, pc.band)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_check_comparison_equals_compare_parallel(data: st.DataObject) -> None:
    """One check, facilitator part then member round (or the other way): compare_parallel's
    difference, to the last bit, and its 'worth talking about'."""
    fq, mq = SHIPPED["facilitator"], SHIPPED["member"]
    floor = data.draw(st.sampled_from([3, 4]))

    def answers(q: Questionnaire) -> dict[str, int | None]:
        pick = st.one_of(st.none(), st.integers(q.scale.min, q.scale.max))
        return {it.id: data.draw(pick) for it in q.items if data.draw(st.integers(0, 5))}

    fac = answers(fq)
    members = [answers(mq) for _ in range(data.draw(st.integers(0, 6)))]
    want = compare_parallel(fq, fac, mq, members, floor)

    def session(q: Questionnaire, rows: list[tuple[str, dict[str, int | None]]]) -> SessionRecord:
        s = SessionRecord(
            new_id(), GROUPS[0].id, "2026-01-01", "en", q.id, q.version, q.content_hash, STAMP,
            None, "check-1", q.role,
        )  # fmt: skip
        for role, values in rows:
            r = ResponseRecord(new_id(), role, None, STAMP, STAMP)
            r.answers = [
                (i, v, STAMP, None if v is not None else "dont_know") for i, v in values.items()
            ]
            s.responses.append(r)
        return s

    parts = [
        session(fq, [("facilitator", fac)]),
        session(mq, [("member", m) for m in members]),
    ]
    if data.draw(st.booleans()):
        parts.reverse()
    agg = Aggregator(floor=floor)
    for s in parts:
        agg.add_session(s, fq if s.questionnaire_id == fq.id else mq)
    got = {c.component: c for c in agg.result().comparisons}
    for c in want:
        row = got[c.component]
        if c.members is None:
            assert (row.compared, row.under_floor) == (0, 1)
        elif c.difference is None:
            assert (row.compared, row.under_floor) == (0, 0)
        else:
            assert row.compared == 1 and row.difference.mean == float(c.difference)
            assert row.worth_talking_about == int(c.worth_talking_about)


def test_scores_exactly_on_a_band_edge_land_in_the_band_the_rule_names() -> None:
    """Means of exactly 75 and 50 whose float sums come out just under the edge."""
    q = make_questionnaire(
        "edges", [("e1", "coping", False), ("e2", "coping", False), ("e3", "coping", False)], 0, 6
    )
    strong = [(3, 3, 3), (5, 5, 5), (5, 5, 5), (5, 5, 5)]  # 50, 250/3 x 3: mean 75
    developing = [(2, 2, 3), (2, 3, None), (2, 3, None), (4, 5, 5)]  # 350/9, 125/3 x 2, 700/9
    sessions = []
    for group, rows in zip(GROUPS, [strong, developing], strict=False):
        s = SessionRecord(
            new_id(), group.id, "2026-01-01", "en", "edges", 1, q.content_hash, STAMP, None
        )
        for values in rows:
            r = ResponseRecord(new_id(), "member", None, STAMP, STAMP)
            r.answers = [
                (i, v, STAMP, None if v is not None else "prefer_not_to_say")
                for i, v in zip(("e1", "e2", "e3"), values, strict=True)
            ]
            s.responses.append(r)
        sessions.append(s)
        scores = [
            response_scores(q, dict(zip(("e1", "e2", "e3"), v, strict=True)))["coping"].score
            for v in rows
        ]
        exact = sum(scores, Fraction(0)) / len(scores)
        assert exact in (75, 50)
        assert sum(float(x) for x in scores) / len(scores) < exact  # float noise would flip it
    data = Dataset("d", {g.id: g for g in GROUPS}, {q.content_hash: q}, sessions)
    agg = fast_aggregate(data, None)
    assert agg._latest[GROUPS[0].id]["coping"].band == "strong"
    assert agg._latest[GROUPS[0].id]["coping"].score == 75
    assert agg._latest[GROUPS[1].id]["coping"].band == "developing"
    assert agg._latest[GROUPS[1].id]["coping"].score == 50
    result = agg.result()
    assert sorted(p.components["coping"] for t in result.trends for p in t.points) == [50.0, 75.0]
    [coping] = [b for b in result.bands if b.component == "coping"]
    assert coping.groups == 2
    assert (coping.counts["strong"], coping.counts["developing"], coping.counts["missing"]) == (
        1,
        1,
        0,
    )
    assert to_data(result) == to_data(reference_aggregate([data]))
    with tempfile.TemporaryDirectory() as tmp:
        write_store(Path(tmp), data)
        with Store.open(Path(tmp)) as store:
            # the store orders sessions (date, created_at, id), which float sums depend on
            from_store = aggregate_store(store)
            assert to_data(from_store) == to_data(reference_aggregate([read_store(store)]))
    assert to_data(from_store)["bands"] == to_data(result)["bands"]


def test_code_layout_packs_every_item_in_a_slot_of_its_own() -> None:
    layout = CodeLayout(QUESTIONNAIRES)
    assert len(set(layout.slots.values())) == len(layout.slots)
    assert {it.id for q in QUESTIONNAIRES for it in q.items} == set(layout.slots)
    assert layout.offset == -1 and layout.bits == 3  # values 0..6 -> 1..7, 0 = missing
    assert max(p for _, p in layout.slots.values()) < 63 // layout.bits
    for q in QUESTIONNAIRES:
        plan = ScoredPlan(q)
        plan.set_layout(layout)
        packed = tuple(
            sum(
                (v - layout.offset) << (layout.slots[i][1] * layout.bits)
                for i, v in answers.items()
                if layout.slots[i][0] == col and v is not None
            )
            for col in range(layout.columns)
            for answers in [{it.id: q.scale.max - k % 3 for k, it in enumerate(q.items)}]
        )
        want = plan.entries({it.id: q.scale.max - k % 3 for k, it in enumerate(q.items)})
        got = [plan.coded_column(ci, [packed])[0] for ci in range(len(plan.comps))]
        assert got == want


def test_json_trend_points_are_their_dataclass_fields() -> None:
    q = SHIPPED["member"]
    s = SessionRecord(
        new_id(), GROUPS[0].id, "2026-01-01", "en", q.id, 1, q.content_hash, STAMP, None
    )
    for _ in range(3):  # the privacy floor
        r = ResponseRecord(new_id(), "member", None, STAMP, STAMP)
        r.answers = [(it.id, 4, STAMP, None) for it in q.items]
        s.responses.append(r)
    result = fast_aggregate(
        Dataset("d", {g.id: g for g in GROUPS}, {q.content_hash: q}, [s]), None
    ).result()
    [trend] = to_data(result)["trends"]
    assert trend["points"] == [asdict(p) for p in result.trends[0].points]
