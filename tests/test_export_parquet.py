"""Parquet dataset: DuckDB, pandas/pyarrow and polars read the store's answers back exactly; the
codebook validates and describes every column; the privacy floor holds; bad --out is refused."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from frictionless import Package, validate

from .analysis_support import ODD_REGION, analysis_store, stored_answers, under_floor_responses
from .export_support import run

KINDS = {"prefer_not_to_say", "dont_know", "not_applicable"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("parquet")
    data = analysis_store(root / "data")
    run("export", "--format", "parquet", "--out", str(root / "ds"), data_dir=data, check=True)
    return data, root / "ds"


def _normal(rows) -> set[tuple]:  # type: ignore[no-untyped-def]
    return {
        (r, i, None if v is None or v != v else int(v), None if k is None or k != k else str(k))
        for r, i, v, k in rows
    }


def test_duckdb_pandas_and_polars_read_the_stores_answers_exactly(exported) -> None:  # type: ignore[no-untyped-def]
    data, out = exported
    truth = stored_answers(data)
    assert {k for *_, k in truth} == KINDS | {None}  # the data has every kind of non-answer

    con = duckdb.connect()
    rel = con.sql(
        f"SELECT * FROM read_parquet('{out}/answers/**/*.parquet', hive_partitioning=true)"
    )
    rows = con.sql("SELECT response_id, item_id, value, non_answer FROM rel").fetchall()
    assert len(rows) == len(truth) and _normal(rows) == truth
    types = dict(zip(rel.columns, [str(t) for t in rel.types], strict=True))
    assert types["date"] == "DATE" and types["answered_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["value"] == "SMALLINT" and types["year"] in ("BIGINT", "INTEGER")

    frame = pd.read_parquet(out / "answers")
    assert len(frame) == len(truth)
    assert (
        _normal(frame[["response_id", "item_id", "value", "non_answer"]].itertuples(index=False))
        == truth
    )
    assert all(isinstance(d, dt.date) for d in frame["date"])
    assert isinstance(frame["non_answer"].dtype, pd.CategoricalDtype)
    assert str(frame["answered_at"].dtype) == "datetime64[us, UTC]"

    polars = pl.read_parquet(out / "answers", hive_partitioning=True)
    assert polars.height == len(truth)
    assert (
        _normal(polars.select("response_id", "item_id", "value", "non_answer").iter_rows()) == truth
    )
    assert polars.schema["date"] == pl.Date and polars.schema["role"] == pl.Categorical

    regions = set(frame["region"].astype(str))
    assert regions == {
        ODD_REGION,
        "Region 2",
        "__none__",
    }  # escaped in the folder name, read back whole
    assert {r[0] for r in con.sql("SELECT DISTINCT region FROM rel").fetchall()} == regions
    assert set(polars["region"].cast(pl.String)) == regions


def test_layout_types_and_metadata_name_every_version(exported) -> None:  # type: ignore[no-untyped-def]
    _, out = exported
    assert (out / "answers" / "year=2025" / "region=Region 2" / "part-0.parquet").is_file()
    assert (out / "answers" / "year=2026" / "region=São Paulo%2FSul%3D1%25").is_dir()
    assert sorted(p.name for p in out.glob("wide_*")) == [
        "wide_facilitator_v2",
        "wide_member_v2",
        "wide_member_v3",
    ]
    table = ds.dataset(out / "answers", format="parquet", partitioning="hive").to_table()
    for column in ("role", "component", "language", "questionnaire_id", "non_answer", "item_id"):
        assert pa.types.is_dictionary(table.schema.field(column).type), column
    meta = json.loads(table.schema.metadata[b"magcheck"])
    hashes = {p.stem for p in (out / "questionnaires").glob("*.json")}
    assert {q["content_hash"] for q in meta["questionnaires"]} == hashes and len(hashes) == 3
    for h in hashes:
        doc = json.loads((out / "questionnaires" / f"{h}.json").read_text("utf-8"))
        assert doc["content_hash"] == h
    scores = ds.dataset(out / "scores", format="parquet", partitioning="hive").to_table()
    assert scores.schema.field("score").type == pa.float64()
    assert pa.types.is_dictionary(scores.schema.field("band").type)
    wide = pd.read_parquet(out / "wide_member_v3")
    assert len(wide) == 4 and wide["response_id"].is_unique
    assert "coping_1" in wide.columns and wide["coping_1"].isna().all()  # not_applicable
    for path in out.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path


def test_codebook_validates_and_describes_every_column(exported) -> None:  # type: ignore[no-untyped-def]
    _, out = exported
    report = Package.validate_descriptor(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    book = json.loads((out / "datapackage.json").read_text("utf-8"))
    assert {q["content_hash"] for q in book["magcheck"]["questionnaires"]} == {
        p.stem for p in (out / "questionnaires").glob("*.json")
    }
    assert book["magcheck"]["mixed_versions"] == ["member"]
    assert "Mixed versions" in book["description"]
    for res in book["resources"]:
        folder = out / res["path"][0].split("/")[0]
        columns = ds.dataset(folder, format="parquet", partitioning="hive").schema.names
        fields = [f["name"] for f in res["schema"]["fields"]]
        assert fields == columns, res["name"]
        assert all(f["description"] for f in res["schema"]["fields"])
        assert sorted(res["path"]) == sorted(
            str(p.relative_to(out)) for p in folder.rglob("*.parquet")
        )
    by_name = {r["name"]: r for r in book["resources"]}
    fields = {f["name"]: f for f in by_name["answers"]["schema"]["fields"]}
    assert set(fields["non_answer"]["constraints"]["enum"]) == KINDS
    assert {c["value"] for c in fields["role"]["categories"]} == {
        "facilitator",
        "member",
        "observer",
    }
    item = next(f for f in by_name["wide_member_v2"]["schema"]["fields"] if f["name"] == "coping_1")
    assert item["description"].startswith("In this group I pick up ways")
    assert [c["label"] for c in item["categories"]] == [
        "Never",
        "Rarely",
        "Sometimes",
        "Often",
        "Always",
    ]


def test_codebook_labels_follow_lang(tmp_path: Path, exported) -> None:  # type: ignore[no-untyped-def]
    data, _ = exported
    out = tmp_path / "es"
    run(
        "export",
        "--format",
        "parquet",
        "--lang",
        "es",
        "--out",
        str(out),
        data_dir=data,
        check=True,
    )
    book = json.loads((out / "datapackage.json").read_text("utf-8"))
    wide = next(r for r in book["resources"] if r["name"] == "wide_member_v2")
    item = next(f for f in wide["schema"]["fields"] if f["name"] == "coping_1")
    assert item["description"].startswith("En este grupo aprendo")
    assert item["categories"][0]["label"] == "Nunca"


def test_scores_leave_out_members_under_the_privacy_floor(exported) -> None:  # type: ignore[no-untyped-def]
    data, out = exported
    hidden = under_floor_responses(data)
    scores = pd.read_parquet(out / "scores")
    assert len(hidden) == 2 and not hidden & set(scores["response_id"])
    answers = pd.read_parquet(out / "answers")
    assert hidden <= set(answers["response_id"])  # answers stay: only scores are withheld
    assert set(scores["role"].astype(str)) == {"facilitator", "member"}


def test_csv_codebook_validates_with_its_data(tmp_path: Path, exported) -> None:  # type: ignore[no-untyped-def]
    data, _ = exported
    run("export", "--format", "csv", "--out", str(tmp_path / "t.csv"), data_dir=data, check=True)
    book = tmp_path / "t-csv-datapackage.json"
    report = validate(str(book))  # schema, types, enums and the rows themselves
    assert report.valid, report.flatten(["type", "note"])[:5]
    descriptor = json.loads(book.read_text("utf-8"))
    header = (tmp_path / "t-answers.csv").read_text("utf-8-sig").splitlines()[0].split(",")
    assert [f["name"] for f in descriptor["resources"][0]["schema"]["fields"]] == header


@pytest.mark.parametrize("case", ["store", "file", "full-folder"])
def test_bad_out_is_refused_with_one_line(tmp_path: Path, exported, case: str) -> None:  # type: ignore[no-untyped-def]
    data, _ = exported
    target = {
        "store": data / "magcheck.db",
        "file": tmp_path / "notes.txt",
        "full-folder": tmp_path / "full",
    }[case]
    if case == "file":
        target.write_text("keep me")
    if case == "full-folder":
        target.mkdir()
        (target / "mine.txt").write_text("keep me")
    before = sorted(os.listdir(target.parent))
    result = run("export", "--format", "parquet", "--out", str(target), data_dir=data)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    message = (result.stderr + result.stdout).strip()
    assert len(message.splitlines()) == 1 and "refused" in message, message
    assert sorted(os.listdir(target.parent)) == before  # nothing written, nothing left behind
    if case == "file":
        assert target.read_text() == "keep me"


def test_an_empty_folder_is_filled(tmp_path: Path, exported) -> None:  # type: ignore[no-untyped-def]
    data, _ = exported
    (tmp_path / "empty").mkdir()
    run(
        "export", "--format", "parquet", "--out", str(tmp_path / "empty"), data_dir=data, check=True
    )
    assert (tmp_path / "empty" / "datapackage.json").is_file()
