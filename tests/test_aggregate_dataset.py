"""`magcheck aggregate DIR` over a Parquet dataset folder gives the numbers the store gives.

Random stores (several seeds) go three ways: aggregated from the store, exported as a Parquet
dataset and aggregated from the folder, exported as a bundle and aggregated from the file. The
JSON outputs are compared field by field: every count, n, band and text exactly, means, CIs
and alphas to 1e-9.
"""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from magcheck.aggregate.dataset import aggregate_dataset
from magcheck.aggregate.render_json import to_data
from magcheck.aggregate.sources import aggregate_files, aggregate_store
from magcheck.core.documents import questionnaire_hash
from magcheck.core.model import COMPONENT_IDS, Questionnaire
from magcheck.exports import export
from magcheck.exports.records import Dataset, ResponseRecord, SessionRecord
from magcheck.store import Group, Store, new_id

from .export_support import run
from .test_aggregate_fast import CUSTOM, SHIPPED, write_store


def _hashed(q: Questionnaire) -> Questionnaire:
    return replace(q, content_hash=questionnaire_hash(q))


# the fast test's 0..6 questionnaire with own band edges, made valid (two items per component)
CUSTOM = _hashed(
    replace(CUSTOM, items=(*CUSTOM.items, replace(CUSTOM.items[-1], id="a2", reverse=True)))
)
MEMBER_V3 = _hashed(replace(SHIPPED["member"], version=3, items=SHIPPED["member"].items[:-1]))
QUESTIONNAIRES = [SHIPPED["member"], SHIPPED["facilitator"], CUSTOM, MEMBER_V3]
MEMBER_PARTS = [SHIPPED["member"], MEMBER_V3, CUSTOM]
REGIONS = ["North", None, "a/b %x=1", "Região Sul"]
DATES = ["2025-01-05", "2025-01-05", "2025-02-01", "2025-11-30", "2026-03-09"]
STAMPS = ["2026-01-01T10:00:00+00:00", "2026-01-01T09:00:00+00:00"]


def random_data(seed: int, groups: int = 5) -> Dataset:
    """Groups holding checks (a facilitator self-assessment and a member round on one date,
    member rounds of 0 to 7 people so some fall under the floor), lone sessions of two versions
    of the member questionnaire and a 0..6 one, off-role responses, unreached items, empty
    sessions, two sessions on one date, regions Hive has to escape and no region at all."""
    rng = random.Random(seed)
    made = [
        Group(
            new_id(),
            f"Group {g} {rng.choice('αβ=')}",
            rng.choice(REGIONS),
            rng.choice(["depression", None]),
            STAMPS[0],
        )
        for g in range(groups)
    ]
    sessions = []

    def session(g: Group, q: Any, day: str, check: str | None, people: int) -> None:
        s = SessionRecord(
            new_id(),
            g.id,
            day,
            "en",
            q.id,
            q.version,
            q.content_hash,
            rng.choice(STAMPS),
            None,
            check,
            q.role,
        )
        other = "facilitator" if q.role == "member" else "member"
        for _ in range(people):
            role = q.role if rng.random() < 0.9 else other
            r = ResponseRecord(new_id(), role, None, STAMPS[0], STAMPS[0])
            kind = "dont_know" if q.scale.dont_know else "prefer_not_to_say"
            for it in q.items:
                if rng.random() < 0.93:
                    v = None if rng.random() < 0.1 else rng.randint(q.scale.min, q.scale.max)
                    r.answers.append((it.id, v, STAMPS[0], None if v is not None else kind))
            s.responses.append(r)
        sessions.append(s)

    for g in made:
        for _ in range(rng.randint(0, 3)):
            day, check = rng.choice(DATES), new_id()
            session(g, SHIPPED["facilitator"], day, check, rng.choice([0, 1, 1, 1]))
            session(g, SHIPPED["member"], day, check, rng.randint(0, 7))
        for _ in range(rng.randint(0, 3)):
            q = rng.choice(MEMBER_PARTS)
            session(g, q, rng.choice(DATES), None, rng.randint(0, 7))
    return Dataset(
        "device", {g.id: g for g in made}, {q.content_hash: q for q in QUESTIONNAIRES}, sessions
    )


def assert_same(a: Any, b: Any, where: str = "") -> None:
    """Equal field by field: floats to 1e-9, everything else exactly."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)), where
        assert a == pytest.approx(b, rel=1e-9, abs=1e-9), where
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for k in a:
            assert_same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def three_ways(
    tmp: Path, seed: int, by: str | None, floor: int, pseudonymize: bool = False
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    write_store(tmp / "store", random_data(seed))
    with Store.open(tmp / "store") as store:
        export(store, "parquet", tmp / "dataset", pseudonymize=pseudonymize)
        [bundle] = export(store, "bundle", tmp / "b.json", pseudonymize=pseudonymize)
        from_store = to_data(aggregate_store(store, by, floor))
    from_dataset = to_data(aggregate_dataset(tmp / "dataset", by, floor))
    from_bundle = to_data(aggregate_files([bundle], by, floor=floor))
    return from_store, from_dataset, from_bundle


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 10**6),
    st.sampled_from([None, "group", "questionnaire", "month", "region", "focus"]),
    st.sampled_from([3, 3, 4]),
)
def test_dataset_store_and_bundle_give_the_same_numbers(seed: int, by: str | None, floor: int):
    with tempfile.TemporaryDirectory() as tmp:
        store, dataset, bundle = three_ways(Path(tmp), seed, by, floor)
    assert_same(dataset, store)
    assert_same(dataset, bundle)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_random_data_exercises_what_the_comparison_is_about(tmp_path: Path, seed: int):
    """Not vacuous: checks compared, rounds under the floor, two member versions, trends,
    cells under the floor, breakdown cells and every band count seen."""
    store, dataset, _ = three_ways(tmp_path, seed, "questionnaire", 3)
    assert_same(dataset, store)
    assert any("privacy floor" in n for n in dataset["notes"])
    assert {"member v2", "member v3", "custom v1"} <= set(dataset["breakdown"])
    assert (
        any(c["checks"] for c in dataset["comparisons"])
        if isinstance(dataset["comparisons"], list)
        else dataset["comparisons"]
    )
    assert sum(len(t["points"]) for t in dataset["trends"]) > 5
    assert sum(sum(b["counts"].values()) for b in dataset["bands"]) > 0
    assert len(dataset["bands"]) == len(COMPONENT_IDS)


def test_pseudonymised_dataset_equals_pseudonymised_bundle(tmp_path: Path):
    _, dataset, bundle = three_ways(tmp_path, 11, "group", 3, pseudonymize=True)
    assert_same(dataset, bundle)
    assert all(k.startswith("G-") for k in dataset["breakdown"])


def test_cli_on_the_folder_gives_the_stores_output_in_every_format(tmp_path: Path):
    data = tmp_path / "data"
    write_store(data, random_data(5, groups=8))
    run("export", "--format", "parquet", "--out", str(tmp_path / "ds"), data_dir=data, check=True)
    empty = tmp_path / "empty"
    for args in (["--by", "region", "--privacy-floor", "4"], ["--by", "month"]):
        store = run("aggregate", "--format", "json", *args, data_dir=data, check=True)
        folder = run(
            "aggregate",
            str(tmp_path / "ds"),
            "--format",
            "json",
            *args,
            data_dir=empty,
            check=True,
        )
        assert_same(json.loads(folder.stdout), json.loads(store.stdout))
    for fmt in ("csv", "table"):
        store = run("aggregate", "--format", fmt, "--by", "region", data_dir=data, check=True)
        folder = run(
            "aggregate",
            str(tmp_path / "ds"),
            "--format",
            fmt,
            "--by",
            "region",
            data_dir=empty,
            check=True,
        )
        if fmt == "csv":  # the same cells; floats summed in another order agree to 1e-9
            assert_same(_cells(folder.stdout), _cells(store.stdout))
        else:
            assert folder.stdout == store.stdout
    html = tmp_path / "r.html"
    run(
        "aggregate",
        str(tmp_path / "ds"),
        "--format",
        "html",
        "--out",
        str(html),
        data_dir=empty,
        check=True,
    )
    assert "<html" in html.read_text(encoding="utf-8").lower()
    assert not (empty / "magcheck.db").exists()  # a dataset is read, no store made


def _cells(text: str) -> list[list[Any]]:
    def cell(v: str) -> Any:
        try:
            return float(v) if "." in v else v
        except ValueError:
            return v

    return [[cell(v) for v in row] for row in csv.reader(io.StringIO(text))]


def _one_line_refusal(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert all(w in result.stderr for w in words), result.stderr


def test_other_folders_are_refused_with_a_reason(tmp_path: Path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"\xff\xd8")
    got = run("aggregate", str(tmp_path / "photos"), data_dir=tmp_path / "d")
    _one_line_refusal(got, "not a magcheck Parquet dataset", "no datapackage.json")
    (tmp_path / "photos" / "datapackage.json").write_text('{"resources": []}')
    _one_line_refusal(
        run("aggregate", str(tmp_path / "photos"), data_dir=tmp_path / "d"), "not a magcheck"
    )
    (tmp_path / "b.json").write_text("{}")
    got = run(
        "aggregate", str(tmp_path / "photos"), str(tmp_path / "b.json"), data_dir=tmp_path / "d"
    )
    _one_line_refusal(got, "give one folder")


def _dataset(tmp_path: Path, seed: int = 5) -> Path:
    data = tmp_path / "data"
    write_store(data, random_data(seed, groups=8))
    with Store.open(data) as store:
        export(store, "parquet", tmp_path / "ds")
    return tmp_path / "ds"


def test_a_forged_questionnaire_snapshot_leaves_its_sessions_out_and_says_so(tmp_path: Path):
    ds = _dataset(tmp_path)
    before = to_data(aggregate_dataset(ds))
    snap = ds / "questionnaires" / f"{CUSTOM.content_hash}.json"
    doc = json.loads(snap.read_text())
    doc["items"][0]["reverse"] = not doc["items"][0].get("reverse")  # same name, other rule
    snap.write_text(json.dumps(doc))
    got = run("aggregate", str(ds), "--format", "json", data_dir=tmp_path / "e", check=True)
    after = json.loads(got.stdout)
    notes = "\n".join(after["notes"])
    assert snap.name in notes and "does not match its content" in notes
    assert "its questionnaire snapshot is missing or was refused" in notes
    assert after["answers"] < before["answers"]
    assert "custom v1" not in json.dumps(after["alpha"])


def test_out_of_scale_values_and_unknown_items_leave_their_session_out(tmp_path: Path):
    ds = _dataset(tmp_path)
    before = to_data(aggregate_dataset(ds))
    part = sorted((ds / "answers").rglob("*.parquet"))[0]
    table = pq.read_table(part)
    values = table.column("value").to_pylist()
    first = next(i for i, v in enumerate(values) if v is not None)
    values[first] = 99
    items = table.column("item_id").to_pylist()
    last = len(items) - 1
    items[last] = "no_such_item"
    import pyarrow as pa

    table = table.set_column(
        table.schema.get_field_index("value"), "value", pa.array(values, pa.int16())
    ).set_column(
        table.schema.get_field_index("item_id"),
        "item_id",
        pa.array(items, pa.string()).dictionary_encode(),
    )
    pq.write_table(table, part)
    got = run("aggregate", str(ds), "--format", "json", data_dir=tmp_path / "e", check=True)
    after = json.loads(got.stdout)
    bad = [n for n in after["notes"] if "outside its scale" in n]
    assert len(bad) == 1 and str(ds) in bad[0]
    sid = table.column("session_id")
    for row in (first, last):
        assert sid[row].as_py()[:8] in bad[0]
    assert after["sessions"] == before["sessions"] - bad[0].count(",") - 1
    assert after["answers"] < before["answers"]


def test_a_group_name_with_terminal_codes_never_reaches_the_terminal(tmp_path: Path):
    ds = _dataset(tmp_path)
    part = sorted((ds / "sessions").rglob("*.parquet"))[0]
    table = pq.read_table(part)
    import pyarrow as pa

    names = ["\x1b]0;owned\x07Evil"] * table.num_rows
    table = table.set_column(table.schema.get_field_index("group"), "group", pa.array(names))
    pq.write_table(table, part)
    got = run("aggregate", str(ds), "--by", "group", data_dir=tmp_path / "e", check=True)
    assert "\x1b" not in got.stdout and "\x07" not in got.stdout
    assert "group name, region or focus refused" in got.stdout


def test_without_duckdb_the_command_says_what_to_install(tmp_path: Path):
    ds = _dataset(tmp_path)
    code = (
        "import sys; sys.modules['duckdb'] = None; "
        "from magcheck.cli.parser import main; sys.exit(main(sys.argv[1:]))"
    )
    got = subprocess.run(
        [sys.executable, "-c", code, "--data-dir", str(tmp_path / "e"), "aggregate", str(ds)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    _one_line_refusal(got, 'pip install "magcheck[scale]"')
