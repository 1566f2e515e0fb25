"""The codebook beside a CSV export: NAME-csv-datapackage.json describing NAME-answers.csv and
NAME-scores.csv (a Frictionless Data Package; see codebook.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.model import Questionnaire
from . import codebook
from .common import ExportOptions

CSV_DIALECT = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}


def codebook_path(answers_path: Path) -> Path:
    stem = answers_path.name[: -len("-answers.csv")]
    return answers_path.with_name(f"{stem}-csv-datapackage.json")


def write_csv_codebook(
    answers_path: Path,
    scores_path: Path,
    answer_columns: list[str],
    score_columns: list[str],
    questionnaires: dict[str, Questionnaire],
    options: ExportOptions,
    floor: int,
) -> Path:
    qs = list(questionnaires.values())

    def resource(path: Path, columns: list[str]) -> dict[str, Any]:
        fields = [codebook.field(c, options.lang, qs) for c in columns]
        return codebook.resource(
            path.stem,
            path.name,
            "csv",
            fields,
            mediatype="text/csv",
            encoding="utf-8-sig",
            dialect=CSV_DIALECT,
        )

    descriptor = codebook.package(
        [resource(answers_path, answer_columns), resource(scores_path, score_columns)],
        questionnaires,
        options.lang,
        options.pseudonymize,
        floor,
        notes="Text cells that start like a spreadsheet formula (= + - @) carry a leading '.",
    )
    return codebook.write_package(codebook_path(answers_path), descriptor, options.recipients)
