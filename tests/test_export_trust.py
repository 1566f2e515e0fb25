"""What goes out: no CSV cell from data can run as a formula, and a pseudonymised export shares
nothing with a plain one that would re-identify people (ids, names, codes)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pandas as pd

from magcheck.exports.common import FORMULA_STARTS

from .export_support import fill_store, run

NAMES = ["Tuesday circle", "Rosa's group"]


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_no_csv_cell_from_data_starts_like_a_formula(tmp_path: Path) -> None:
    """Text that looks like a formula in any column (here answered_at, region, focus, a group
    name, an item id) is neutralised; numbers stay numbers."""
    data = tmp_path / "a"
    fill_store(data, groups=2, names=['=HYPERLINK("http://x","y")', "Plain"])
    db = sqlite3.connect(data / "magcheck.db")
    with db:  # a store that already holds such text, e.g. from an older magcheck
        db.execute(
            "UPDATE answers SET answered_at = '=1+2' WHERE (response_id, item_id) IN (SELECT response_id, item_id FROM answers LIMIT 3)"
        )
        db.execute("UPDATE groups SET region = '+cmd|calc', focus = '@SUM(A1)'")
        db.execute(
            "UPDATE answers SET item_id = '-2+3' WHERE (response_id, item_id) IN (SELECT response_id, item_id FROM answers LIMIT 1 OFFSET 7)"
        )
    db.close()
    run("export", "--format", "csv", "--out", str(tmp_path / "x.csv"), data_dir=data, check=True)
    agg = run("aggregate", "--by", "group", "--format", "csv", data_dir=data, check=True)
    (tmp_path / "agg.csv").write_text(agg.stdout, "utf-8")
    for name in ("x-answers.csv", "x-scores.csv", "agg.csv"):
        frame = pd.read_csv(tmp_path / name, dtype=str, keep_default_na=False)
        cells = [c for col in frame.columns for c in frame[col]]
        assert cells, name
        assert not [c for c in cells if c.startswith(FORMULA_STARTS) and not _number(c)], name
    answers = pd.read_csv(tmp_path / "x-answers.csv")
    assert (answers["answered_at"] == "'=1+2").sum() == 3
    assert set(answers["region"]) == {"'+cmd|calc"} and set(answers["focus"]) == {"'@SUM(A1)"}
    assert answers["group"].str.startswith("'=HYPERLINK").any()
    assert str(answers["raw_value"].dtype) == "float64"  # numbers stay numbers
    assert pd.api.types.is_numeric_dtype(pd.read_csv(tmp_path / "x-scores.csv")["score"])


def _secrets(plain: dict) -> set[str]:
    """Everything in a plain bundle that identifies a group, session, response or person."""
    found = {plain["device_id"]}
    for g in plain["groups"]:
        found |= {g["id"], g["name"]}
    for s in plain["sessions"]:
        found |= {s["id"], s["group_id"]}
        for r in s["responses"]:
            found.add(r["id"])
            if r["respondent_code"]:
                found.add(r["respondent_code"])
    return found


def test_a_pseudonymised_export_cannot_be_joined_with_a_plain_one(tmp_path: Path) -> None:
    data = tmp_path / "a"
    fill_store(data, groups=2, names=NAMES)
    out = tmp_path / "out"
    run("export", "--out", str(out / "plain.json"), data_dir=data, check=True)
    for fmt, name in (("bundle", "p.json"), ("csv", "p.csv"), ("fhir", "p.fhir.json")):
        run(
            "export",
            "--format",
            fmt,
            "--pseudonymize",
            "--out",
            str(out / name),
            data_dir=data,
            check=True,
        )
    plain = json.loads((out / "plain.json").read_bytes())
    secrets = _secrets(plain)
    assert {"M1", "F1", *NAMES} <= secrets and len(secrets) > 30
    for path in out.iterdir():
        if path.name == "plain.json":
            continue
        text = path.read_text("utf-8-sig")
        for secret in secrets:
            if re.fullmatch(r"[MF][0-9]", secret):  # short codes: look for them as a value
                assert not re.search(rf'["\s,]{secret}["\s,]', text), (path.name, secret)
            else:
                assert secret not in text, (path.name, secret)

    # still a valid bundle: it imports, and aggregates to the same statistics as the plain one
    pseudo = out / "p.json"
    imported = run("import", str(pseudo), data_dir=tmp_path / "evaluator")
    assert imported.returncode == 0 and "4 session(s) imported" in imported.stdout
    a = json.loads(
        run(
            "aggregate",
            str(out / "plain.json"),
            "--format",
            "json",
            data_dir=tmp_path / "e",
            check=True,
        ).stdout
    )
    b = json.loads(
        run(
            "aggregate", str(pseudo), "--format", "json", data_dir=tmp_path / "e", check=True
        ).stdout
    )
    assert a["components"] == b["components"] and a["comparisons"] == b["comparisons"]
    # stable per store: a second pseudonymised export uses the same pseudonyms
    run(
        "export", "--pseudonymize", "--out", str(tmp_path / "again.json"), data_dir=data, check=True
    )
    again = json.loads((tmp_path / "again.json").read_bytes())
    first = json.loads(pseudo.read_bytes())
    assert [s["id"] for s in again["sessions"]] == [s["id"] for s in first["sessions"]]
    assert [g["id"] for g in again["groups"]] == [g["id"] for g in first["groups"]]
