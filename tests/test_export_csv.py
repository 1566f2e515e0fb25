"""CSV export: pandas reads both tables with the right types; formulas are neutralised."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pandas.api import types

from magcheck.exports import export
from magcheck.exports.csv_tables import ANSWER_COLUMNS, SCORE_COLUMNS, neutralise
from magcheck.store import Store

from .export_support import fill_store


def _export(tmp_path: Path, **kw) -> tuple[Path, Path]:
    with Store.open(tmp_path / "a") as store:
        answers, scores, _codebook = export(store, "csv", tmp_path / "out.csv", **kw)
    return answers, scores


def test_pandas_reads_both_tables_with_correct_types(tmp_path: Path) -> None:
    fill_store(tmp_path / "a")
    answers_path, scores_path = _export(tmp_path)
    answers = pd.read_csv(answers_path, parse_dates=["date", "answered_at"])
    scores = pd.read_csv(scores_path, parse_dates=["date"])
    assert list(answers.columns) == ANSWER_COLUMNS  # the BOM does not leak into the first name
    assert list(scores.columns) == SCORE_COLUMNS
    for col in ("raw_value", "scored_value"):  # missing answers are empty cells -> NaN
        assert types.is_float_dtype(answers[col]) and answers[col].isna().any()
        assert answers[col].dropna().between(1, 5).all()
    assert types.is_integer_dtype(answers["questionnaire_version"])
    assert types.is_bool_dtype(answers["reverse"]) and types.is_bool_dtype(answers["completed"])
    assert types.is_datetime64_any_dtype(answers["date"])
    assert types.is_datetime64_any_dtype(answers["answered_at"])
    assert types.is_float_dtype(scores["score"]) and scores["score"].dropna().between(0, 100).all()
    assert types.is_integer_dtype(scores["answered"]) and types.is_integer_dtype(scores["items"])
    assert set(scores["band"]) <= {"strong", "developing", "weak", "missing", "insufficient"}
    assert types.is_string_dtype(answers["group"]) and types.is_string_dtype(answers["session_id"])
    assert len(scores) == answers["response_id"].nunique() * 8


def test_csv_is_utf8_with_bom_and_crlf_for_excel(tmp_path: Path) -> None:
    fill_store(tmp_path / "a", groups=1, names=["Grupo São João"])
    answers_path, scores_path = _export(tmp_path)
    for path in (answers_path, scores_path):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" in raw and "São João".encode() in raw or path == scores_path


def test_group_named_like_a_formula_is_neutralised(tmp_path: Path) -> None:
    fill_store(tmp_path / "a", groups=2, names=['=HYPERLINK("x")', "@SUM(A1)"])
    answers_path, scores_path = _export(tmp_path)
    for path in (answers_path, scores_path):
        table = pd.read_csv(path)
        assert set(table["group"]) == {'\'=HYPERLINK("x")', "'@SUM(A1)"}
        text = path.read_text("utf-8-sig")
        assert ",=HYPERLINK" not in text and ',"=HYPERLINK' not in text


def test_neutralise_only_touches_text() -> None:
    assert neutralise("=1+2") == "'=1+2"
    assert neutralise("+44 555") == "'+44 555"
    assert neutralise("-rate") == "'-rate"
    assert neutralise("\tx") == "'\tx" and neutralise("\rx") == "'\rx"
    assert neutralise("Tuesday") == "Tuesday"
    assert neutralise(-5) == -5 and neutralise(-2.5) == -2.5  # numbers stay numbers
