"""A questionnaire as an XLSForm (survey, choices, settings) for ODK Collect and KoboToolbox.

The form's field names are the names the submissions CSV comes back with (exports/odk_read.py
reads them): items keep magcheck's item ids inside the `items` group; the group, the meeting date
and the respondent code are plain fields; two hidden `calculate` fields carry the questionnaire's
id, version and full content hash into every submission row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..core.model import Questionnaire
from ..errors import InputError
from ..i18n import language_name, t
from ..outputs import atomic_output
from .optional import MissingExtra

# Field names in the form, and so the columns of the submissions CSV (with a group path in front
# of the items: items-coping_1 from ODK Central, items/coping_1 from KoboToolbox).
ITEMS_GROUP = "items"
GROUP_FIELD = "group"
DATE_FIELD = "meeting_date"
RESPONDENT_FIELD = "respondent"
HASH_FIELD = "magcheck_hash"
QUESTIONNAIRE_FIELD = "magcheck_questionnaire"
SCALE_LIST = "scale"

# A non-answer's choice value is magcheck's own name for it: text, so it can never be read as a
# point on the scale (a numeric code such as 9 or 99 could be, on a wider scale).
# prefer_not_to_say, dont_know, not_applicable: see core.model.NON_ANSWERS.

# XML names: an item id that starts with a digit or holds a dot cannot name an XLSForm field.
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
# The respondent code rule of store.rows.check_respondent_code, in XPath regex (no look-ahead).
_CODE_CONSTRAINT = "regex(., '^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$') and regex(., '[0-9]')"


def form_id(q: Questionnaire) -> str:
    return f"magcheck-{q.id}"


def form_version(q: Questionnaire) -> str:
    """The questionnaire's version and the start of its content hash: 2-3fa9c1d2e4b5."""
    return f"{q.version}-{q.content_hash[:12]}"


def questionnaire_tag(q: Questionnaire) -> str:
    """What the hidden questionnaire field carries: 'member v2'."""
    return f"{q.id} v{q.version}"


def _language(lang: str) -> str:
    """How XLSForm names a language: 'English (en)', its name and its code."""
    return f"{language_name(lang)} ({lang})"


def _column(kind: str, lang: str) -> str:
    return f"{kind}::{_language(lang)}"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _texts(q: Questionnaire, key: str, **values: Any) -> list[str]:
    return [t(key, lang, **values) for lang in q.languages]


def sheets(q: Questionnaire) -> dict[str, list[list[Any]]]:
    """The three sheets as rows (the first row is the header): pure, so tests can read them."""
    for item in q.items:
        if not _XML_NAME.fullmatch(item.id):
            raise InputError(
                f"questionnaire '{q.id}': item id '{item.id}' cannot be an XLSForm field name "
                "(it must start with a letter or '_')"
            )
    langs = q.languages
    labels = [_column("label", lang) for lang in langs]
    hints = [_column("hint", lang) for lang in langs]
    header = ["type", "name", *labels, *hints, "required", "constraint", "default", "calculation"]
    blank_hints = [""] * len(langs)

    def row(
        kind: str,
        name: str,
        label: Iterable[str] = (),
        hint: Iterable[str] = (),
        required: str = "",
        constraint: str = "",
        default: str = "",
        calculation: str = "",
    ) -> list[Any]:
        label_cells = list(label) or [""] * len(langs)
        hint_cells = list(hint) or blank_hints
        return [kind, name, *label_cells, *hint_cells, required, constraint, default, calculation]

    survey = [
        header,
        row("start", "start"),
        row("end", "end"),
        row(
            "text",
            GROUP_FIELD,
            _texts(q, "odk.group_label"),
            _texts(q, "odk.group_hint"),
            required="yes",
        ),
        row(
            "date",
            DATE_FIELD,
            _texts(q, "odk.date_label"),
            required="yes",
            default="today()",
        ),
        row(
            "text",
            RESPONDENT_FIELD,
            _texts(q, "odk.respondent_label"),
            _texts(q, "odk.respondent_hint"),
            constraint=_CODE_CONSTRAINT,
        ),
        row("begin_group", ITEMS_GROUP, [q.title[lang] for lang in langs]),
    ]
    for item in q.items:
        survey.append(
            row(
                f"select_one {SCALE_LIST}",
                item.id,
                [item.text[lang] for lang in langs],
                required="yes",
            )
        )
    survey.append(row("end_group", ""))
    survey.append(row("calculate", HASH_FIELD, calculation=f"'{q.content_hash}'"))
    survey.append(row("calculate", QUESTIONNAIRE_FIELD, calculation=f"'{questionnaire_tag(q)}'"))

    choices: list[list[Any]] = [["list_name", "name", *labels]]
    for value in q.scale.points:
        choices.append([SCALE_LIST, str(value), *(q.scale.label(value, lang) for lang in langs)])
    for kind in q.scale.non_answers:
        choices.append(
            [SCALE_LIST, kind, *(_first_upper(t(f"cli.{kind}", lang)) for lang in langs)]
        )

    settings = [
        ["form_id", "version", "form_title", "default_language"],
        [form_id(q), form_version(q), q.title[langs[0]], _language(langs[0])],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def write_xlsform(q: Questionnaire, path: Path, protect: Iterable[Path] = ()) -> Path:
    """Write the XLSForm owner-only, whole or not at all; MissingExtra without openpyxl."""
    try:
        from openpyxl import Workbook  # type: ignore[import-untyped]
    except ImportError:
        raise MissingExtra(
            "an XLSForm needs the 'openpyxl' package: pip install \"magcheck[odk]\""
        ) from None
    book = Workbook()
    first = True
    for name, rows in sheets(q).items():
        sheet = book.active if first else book.create_sheet(name)
        first = False
        assert sheet is not None
        sheet.title = name
        for cells in rows:
            sheet.append(cells)
    with atomic_output(path, protect, binary=True) as fh:
        book.save(fh)
    return path
