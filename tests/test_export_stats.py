"""SPSS and Stata files: read back with pyreadstat and pandas.read_stata with their labels and
distinct missing codes, one file per questionnaire version; --pseudonymize leaves no name or plain
id in any analysis file; without the optional package the command says what to install."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pyreadstat
import pytest
from frictionless import Package

from .analysis_support import NAMES, analysis_store, stored_answers
from .export_support import run


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("stats")
    data = analysis_store(root / "data")
    for fmt in ("sav", "dta"):
        run(
            "export",
            "--format",
            fmt,
            "--out",
            str(root / "out" / f"t.{fmt}"),
            data_dir=data,
            check=True,
        )
    return data, root / "out"


def _truth(data: Path) -> dict[tuple[str, str], tuple[int | None, str | None]]:
    return {(r, i): (v, k) for r, i, v, k in stored_answers(data)}


def test_one_file_per_questionnaire_version_and_a_codebook_each(exported) -> None:  # type: ignore[no-untyped-def]
    _, out = exported
    assert sorted(p.name for p in out.iterdir()) == [
        "t-dta-datapackage.json",
        "t-facilitator-v2.dta",
        "t-facilitator-v2.sav",
        "t-member-v2.dta",
        "t-member-v2.sav",
        "t-member-v3.dta",
        "t-member-v3.sav",
        "t-sav-datapackage.json",
    ]
    for fmt in ("sav", "dta"):
        book_path = out / f"t-{fmt}-datapackage.json"
        report = Package.validate_descriptor(str(book_path))
        assert report.valid, report.flatten(["type", "note"])
        book = json.loads(book_path.read_text("utf-8"))
        assert book["magcheck"]["mixed_versions"] == ["member"]
        for res in book["resources"]:
            read = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
            frame, _ = read(str(out / res["path"]), metadataonly=True)
            assert [f["name"] for f in res["schema"]["fields"]] == list(frame.columns)


def test_sav_keeps_labels_and_distinct_user_missing_codes(exported) -> None:  # type: ignore[no-untyped-def]
    data, out = exported
    truth = _truth(data)
    seen = set()
    for path in sorted(out.glob("*.sav")):
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
        assert meta.file_label.startswith(path.stem.split("-", 1)[1].replace("-v", " v"))
        assert frame["questionnaire_hash"].str.startswith(meta.file_label.split()[-1]).all()
        for item in [c for c in frame.columns if meta.variable_value_labels.get(c, {}).get(-1)]:
            labels = meta.variable_value_labels[item]
            assert labels[-1] == "Prefer not to say" and labels[-2] == "Don't know"
            assert labels[-3] == "Doesn't apply to me" and labels[1] == "Never"
            assert [r["lo"] for r in meta.missing_ranges[item]] == [-1, -2, -3]
            assert meta.column_names_to_labels[item]
            for rid, code in zip(frame["response_id"], frame[item], strict=True):
                value, kind = truth.get((rid, item), (None, None))
                expected = {"prefer_not_to_say": -1, "dont_know": -2, "not_applicable": -3}.get(
                    kind or "", value
                )
                if (rid, item) not in truth:
                    assert code != code  # not reached: system-missing
                else:
                    assert code == expected, (path.name, rid, item)
                    seen.add(kind)
        plain, _ = pyreadstat.read_sav(str(path))  # user-missing read as missing by default
        assert not (plain.select_dtypes("number") < 0).any().any()
    assert seen == {None, "prefer_not_to_say", "dont_know", "not_applicable"}


def test_dta_reads_back_in_pandas_with_labels_and_extended_missing(exported) -> None:  # type: ignore[no-untyped-def]
    data, out = exported
    truth = _truth(data)
    seen = set()
    for path in sorted(out.glob("*.dta")):
        frame = pd.read_stata(path, convert_missing=True, convert_categoricals=False)
        with pd.io.stata.StataReader(path) as reader:
            labels = reader.variable_labels()
            values = reader.value_labels()
            assert reader.data_label.split()[-1] in set(frame["questionnaire_hash"])
        assert isinstance(frame["date"].iloc[0], pd.Timestamp)
        items = [c for c in frame.columns if c[-2:-1] == "_" and c[-1].isdigit()]
        assert items and all(labels[c] for c in items)
        assert any("Never" in v.values() for v in values.values())
        for item in items:
            for rid, code in zip(frame["response_id"], frame[item], strict=True):
                if (rid, item) not in truth:
                    continue
                value, kind = truth[(rid, item)]
                letter = {"prefer_not_to_say": ".a", "dont_know": ".b", "not_applicable": ".c"}
                if kind is None:
                    assert code == value
                else:
                    assert str(code) == letter[kind], (path.name, item, code, kind)
                seen.add(kind)
    assert seen == {None, "prefer_not_to_say", "dont_know", "not_applicable"}


def _plain_secrets(data: Path) -> set[str]:
    run("export", "--out", str(data.parent / "plain.json"), data_dir=data, check=True)
    doc = json.loads((data.parent / "plain.json").read_text("utf-8"))
    found = set(NAMES) | {g["id"] for g in doc["groups"]}
    for s in doc["sessions"]:
        found |= {s["id"]} | {r["id"] for r in s["responses"]}
    return found


def test_pseudonymize_leaves_no_name_or_plain_id_in_any_file(tmp_path: Path) -> None:
    data = analysis_store(tmp_path / "data")
    secrets = _plain_secrets(data)
    assert len(secrets) > 30
    out = tmp_path / "out"
    for fmt, name in (("parquet", "ds"), ("sav", "p.sav"), ("dta", "p.dta"), ("csv", "p.csv")):
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
    texts = []
    for path in out.rglob("*"):
        if path.is_file():
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    for table in ("answers", "scores", "wide_member_v2"):
        frame = ds.dataset(out / "ds" / table, format="parquet", partitioning="hive").to_table()
        texts.append(frame.to_pandas().astype(str).to_csv())
    for path in [*out.glob("*.sav"), *out.glob("*.dta")]:
        frame, _ = (pyreadstat.read_sav if path.suffix == ".sav" else pyreadstat.read_dta)(
            str(path)
        )
        texts.append(frame.astype(str).to_csv())
        assert set(frame["respondent_code"]) <= {""} | {
            c for c in frame["respondent_code"] if c.startswith("R") and len(c) == 13
        }
    blob = "\n".join(texts)
    for secret in secrets:
        assert secret not in blob, secret


@pytest.mark.parametrize(
    ("fmt", "extra", "module"),
    [
        ("parquet", "parquet", "pyarrow"),
        ("sav", "stats", "pyreadstat"),
        ("dta", "stats", "pyreadstat"),
    ],
)
def test_without_the_extra_the_command_says_what_to_install(
    tmp_path: Path, fmt: str, extra: str, module: str
) -> None:
    data = analysis_store(tmp_path / "data")
    code = (
        f"import sys; sys.modules[{module!r}] = None; "
        "from magcheck.cli.parser import main; sys.exit(main(sys.argv[1:]))"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "--data-dir",
            str(data),
            "export",
            "--format",
            fmt,
            "--out",
            str(tmp_path / f"x.{fmt}"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f'pip install "magcheck[{extra}]"' in result.stderr
    assert not list(tmp_path.glob("x*"))
