"""SPSS (.sav) and Stata (.dta) files: one wide file per questionnaire version (one row per
response, one column per item), with variable labels (item texts), value labels (the scale's
anchors) and a distinct missing-value code per non-answer kind, written with pyreadstat (extra
`stats`). Several versions are never merged: each gets its own file, named in the codebook."""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.model import Questionnaire
from ..outputs import atomic_output, make_folders
from ..store import Store
from . import codebook
from .common import ExportOptions
from .memfile import encrypt_from_memory
from .optional import need
from .tables import LEAD_COLUMNS, read_responses, variable_names, version_names

YES_NO = {"en": ("No", "Yes"), "es": ("No", "Sí"), "pt": ("Não", "Sim")}


@dataclass(frozen=True)
class Flavour:
    fmt: str  # "sav" or "dta"
    codes: dict[str, Any]  # non-answer kind -> missing code
    label_limit: int  # longest variable label the format keeps
    file_label_limit: int
    mediatype: str


SPSS = Flavour("sav", codebook.SPSS_CODES, 256, 64, "application/x-spss-sav")
STATA = Flavour("dta", codebook.STATA_CODES, 80, 80, "application/x-stata-dta")


def file_paths(path: Path, suffix: str, names: dict[str, str]) -> tuple[dict[str, Path], Path]:
    """--out NAME.sav -> NAME-<questionnaire>-v<N>.sav per version, and NAME-sav-datapackage.json."""
    stem = path.name[: -len(suffix)] if path.name.lower().endswith(suffix) else path.name
    files = {h: path.with_name(f"{stem}-{n}{suffix}") for h, n in names.items()}
    return files, path.with_name(f"{stem}-{suffix.lstrip('.')}-datapackage.json")


def write(store: Store, path: Path, options: ExportOptions, flavour: Flavour) -> list[Path]:
    need("pandas", "stats", flavour.fmt)
    pyreadstat = need("pyreadstat", "stats", flavour.fmt)
    responses = read_responses(store, options)
    qs = responses.questionnaires
    files, package_path = file_paths(path, "." + flavour.fmt, version_names(qs, sep="-"))
    columns = {
        h: variable_names([it.id for it in q.items], set(LEAD_COLUMNS)) for h, q in qs.items()
    }
    rows: dict[str, list[list[Any]]] = {h: [] for h in qs}
    for rec in responses.records:
        values = {a[0]: (a[1], a[3]) for a in rec.answers}
        lead = [_lead_value(c, v) for c, v in zip(LEAD_COLUMNS, rec.lead.values(), strict=True)]
        items = [_code(values.get(it.id), flavour) for it in rec.questionnaire.items]
        rows[rec.lead.questionnaire_hash].append(lead + items)
    written, resources = [], []
    for h, q in sorted(qs.items(), key=lambda kv: files[kv[0]].name):
        if not rows[h]:
            continue
        frame, meta = _frame(q, h, rows[h], columns[h], options.lang, flavour)
        emit = _emitter(pyreadstat, flavour, frame, meta)
        if options.recipients:  # written into memory, encrypted from there (memfile.py)
            written.append(encrypt_from_memory(files[h], emit, options.recipients))
        else:
            written.append(_through_temp(files[h], emit))
        resources.append(_resource(q, h, files[h].name, columns[h], options.lang, flavour))
    descriptor = codebook.package(
        resources,
        qs,
        options.lang,
        options.pseudonymize,
        responses.floor,
        notes=f"One {flavour.fmt} file per questionnaire version (one row per response). "
        "Missing-value codes: "
        + ", ".join(f"{_code_text(c, flavour)} = {k}" for k, c in flavour.codes.items())
        + "; an item not reached is system-missing.",
    )
    written.append(codebook.write_package(package_path, descriptor, options.recipients))
    return written


def _emitter(
    pyreadstat: Any, flavour: Flavour, frame: Any, meta: dict[str, Any]
) -> Callable[[Path], None]:
    missing = meta.pop("missing")

    def emit(path: Path) -> None:
        if flavour.fmt == "sav":
            pyreadstat.write_sav(frame, path, missing_ranges=missing, **meta)
        else:
            pyreadstat.write_dta(frame, path, missing_user_values=missing, **meta)

    return emit


def _lead_value(column: str, value: Any) -> Any:
    if column == "completed":
        return int(bool(value))
    return "" if value is None else value


def _code(answer: tuple[int | None, str | None] | None, flavour: Flavour) -> Any:
    if answer is None:
        return math.nan  # not reached: system-missing
    value, kind = answer
    return value if value is not None else flavour.codes[kind or "prefer_not_to_say"]


def _code_text(code: Any, flavour: Flavour) -> str:
    return f".{code}" if flavour.fmt == "dta" else str(code)


def _frame(
    q: Questionnaire,
    h: str,
    rows: list[list[Any]],
    columns: dict[str, str],
    lang: str,
    flavour: Flavour,
) -> tuple[Any, dict[str, Any]]:
    pd = need("pandas", "stats", flavour.fmt)
    names = list(LEAD_COLUMNS) + [columns[it.id] for it in q.items]
    frame = pd.DataFrame(rows, columns=names)
    for it in q.items:
        col = frame[columns[it.id]]
        if any(isinstance(v, str) for v in col):
            frame[columns[it.id]] = col.astype(object)  # Stata .a/.b/.c beside the numbers
        else:
            frame[columns[it.id]] = col.astype("float64")
    frame["questionnaire_version"] = frame["questionnaire_version"].astype("int32")
    frame["completed"] = frame["completed"].astype("int32")
    labels = {c: codebook.COLUMNS[c][1][: flavour.label_limit] for c in LEAD_COLUMNS}
    value_labels: dict[str, dict[Any, str]] = {}
    yes_no = YES_NO.get(lang, YES_NO["en"])
    value_labels["completed"] = {0: yes_no[0], 1: yes_no[1]}
    missing: dict[str, list[Any]] = {}
    for it in q.items:
        f = codebook.item_field(q, it.id, columns[it.id], lang, flavour.codes)
        labels[columns[it.id]] = codebook.item_text(q, it.id, lang)[: flavour.label_limit]
        anchors = {c["value"]: c["label"] for c in f["categories"]}
        anchors.update(
            {
                code: codebook.NON_ANSWER_LABELS[k][codebook.lang_or_default(lang)]
                for k, code in flavour.codes.items()
            }
        )
        value_labels[columns[it.id]] = anchors
        missing[columns[it.id]] = list(flavour.codes.values())
    meta = {
        "file_label": f"{q.id} v{q.version} {h}"[: flavour.file_label_limit],
        "column_labels": labels,
        "variable_value_labels": value_labels,
        "missing": missing,
    }
    return frame, meta


def _through_temp(target: Path, emit: Callable[[Path], None]) -> Path:
    """pyreadstat writes to a path: into a private folder beside the target, then copied through
    atomic_output (owner-only, whole or not at all); the private folder is always removed."""
    make_folders(target.parent)
    private = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        scratch = private / target.name
        emit(scratch)
        with open(scratch, "rb") as src, atomic_output(target, binary=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    finally:
        shutil.rmtree(private, ignore_errors=True)
    return target


def _resource(
    q: Questionnaire, h: str, file_name: str, columns: dict[str, str], lang: str, flavour: Flavour
) -> dict[str, Any]:
    fields = [codebook.field(c, lang, [q]) for c in LEAD_COLUMNS]
    for f in fields:
        if f["name"] == "completed":
            f.update(
                {
                    "type": "integer",
                    "constraints": {"enum": [0, 1]},
                    "categories": [
                        {"value": 0, "label": YES_NO.get(lang, YES_NO["en"])[0]},
                        {"value": 1, "label": YES_NO.get(lang, YES_NO["en"])[1]},
                    ],
                }
            )
    fields += [codebook.item_field(q, it.id, columns[it.id], lang, flavour.codes) for it in q.items]
    return codebook.resource(
        file_name.rsplit(".", 1)[0],
        file_name,
        flavour.fmt,
        fields,
        mediatype=flavour.mediatype,
        description=f"One row per response to {q.id} version {q.version} ({h}); one column per item.",
    )
