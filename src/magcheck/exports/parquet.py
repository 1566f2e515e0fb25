"""Parquet export: an analysis-ready dataset folder, Hive-partitioned by year and region.

    DIR/datapackage.json                      the codebook (codebook.py)
    DIR/questionnaires/<content hash>.json    every questionnaire answered, as stored
    DIR/answers/year=2026/region=North/part-0.parquet     one row per answer
    DIR/scores/...                            one row per response x component
    DIR/sessions/...                          one row per session (with or without responses)
    DIR/wide_<questionnaire id>_v<version>/...  one row per response, one column per item

DuckDB, pandas/pyarrow, polars and Spark read each table folder as it is. A region is written in
the folder name with the characters Hive escapes (/ = % : and the like) as %XX, and a missing region as
`region=__none__`: pyarrow's null partition (__HIVE_DEFAULT_PARTITION__) makes pandas.read_parquet
fail ("Cannot yet unify dictionaries with nulls"), so every reader reads the text `__none__`.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from ..core.documents import to_document
from ..core.model import Questionnaire
from ..core.scoring import as_float, band, scored_value
from ..outputs import atomic_folder
from ..store import Store
from . import codebook
from .common import ExportOptions, owner_only
from .optional import need
from .tables import (
    LEAD_COLUMNS,
    SESSION_COLUMNS,
    read_responses,
    timestamp,
    variable_names,
    version_names,
)

SUFFIX = ""
FOLDER = True  # --out names a folder (exports/__init__.py checks it as one)
NULL_PARTITION = "__none__"  # not the Hive null: pandas cannot yet read a null partition
ROWS_PER_GROUP = 65_536  # rows buffered per partition before a row group is written
ROWS_BUFFERED = 131_072  # rows buffered per table across partitions: memory stays bounded
_DICT = "dict"
# The lead columns as stored (region is a partition key, so it lives in the folder name).
LEAD_TYPES: list[tuple[str, str]] = [
    ("group_id", "string"),
    ("group", "string"),
    ("focus", _DICT),
    ("check_id", "string"),
    ("session_id", "string"),
    ("date", "date"),
    ("questionnaire_id", _DICT),
    ("questionnaire_version", "int32"),
    ("questionnaire_hash", _DICT),
    ("language", _DICT),
    ("response_id", "string"),
    ("role", _DICT),
    ("respondent_code", "string"),
    ("completed", "bool"),
]
ANSWER_TYPES = LEAD_TYPES + [
    ("item_id", _DICT),
    ("component", _DICT),
    ("reverse", "bool"),
    ("value", "int16"),
    ("non_answer", _DICT),
    ("scored_value", "int16"),
    ("answered_at", "timestamp"),
]
SCORE_TYPES = LEAD_TYPES + [
    ("component", _DICT),
    ("score", "float64"),
    ("band", _DICT),
    ("answered", "int16"),
    ("items", "int16"),
]
SESSION_TYPES = [t for t in LEAD_TYPES if t[0] in SESSION_COLUMNS] + [
    ("part", _DICT),
    ("created_at", "timestamp"),
]
_SESSION_INDEX = [SESSION_COLUMNS.index(name) for name, _ in SESSION_TYPES]
_LEAD_INDEX = [LEAD_COLUMNS.index(name) for name, _ in LEAD_TYPES]


def _arrow_type(pa: Any, kind: str) -> Any:
    return {
        _DICT: pa.dictionary(pa.int32(), pa.string()),
        "string": pa.string(),
        "date": pa.date32(),
        "int32": pa.int32(),
        "int16": pa.int16(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }[kind]


# Characters Hive (and Spark, pyarrow) escape in a partition folder's name, as %XX.
_ESCAPED = set("\"#%'*/:=?\\\x7f{[]^") | {chr(c) for c in range(32)}


def partition_value(region: str | None) -> str:
    if region is None:
        return NULL_PARTITION
    return "".join(f"%{ord(c):02X}" if c in _ESCAPED else c for c in region)


def partition_dir(year: int, region: str | None) -> str:
    return f"year={year}/region={partition_value(region)}"


def _timestamps(pa: Any, values: tuple[Any, ...]) -> Any:
    """ISO 8601 texts with an offset as UTC timestamps: Arrow parses them in C; anything it
    cannot read (an old value without an offset) goes through Python, taken as UTC."""
    target = _arrow_type(pa, "timestamp")
    try:
        return pa.array(values, pa.string()).cast(target)
    except pa.ArrowException:  # any text Arrow cannot cast: parsed one by one below
        return pa.array([None if v is None else timestamp(v) for v in values], target)


class Partitioned:
    """One table written as Hive partitions: rows buffered per partition, a row group at a time."""

    def __init__(
        self,
        pa: Any,
        pq: Any,
        root: Path,
        name: str,
        types: list[tuple[str, str]],
        metadata: dict[str, str],
        stack: ExitStack,
        recipients: tuple[str, ...] = (),
    ):
        self.pa, self.pq, self.root, self.name, self.stack = pa, pq, root, name, stack
        self.recipients = recipients  # each part file encrypted on its own as it is written
        self.types = types
        fields = [pa.field(n, _arrow_type(pa, k)) for n, k in types]
        self.schema = pa.schema(fields, metadata=metadata)
        self.buffers: dict[tuple[int, str | None], list[tuple[Any, ...]]] = {}
        self.writers: dict[tuple[int, str | None], Any] = {}
        self.rows = 0

    def add(self, key: tuple[int, str | None], row: tuple[Any, ...]) -> None:
        rows = self.buffers.setdefault(key, [])
        rows.append(row)
        self.rows += 1
        if len(rows) >= ROWS_PER_GROUP:
            self.flush(key)
        elif self.rows >= ROWS_BUFFERED:  # many partitions, each small: write them all
            for other in list(self.buffers):
                self.flush(other)

    def flush(self, key: tuple[int, str | None]) -> None:
        rows = self.buffers.get(key)
        if not rows:
            return
        pa = self.pa
        columns = []
        for (_name, kind), values in zip(self.types, zip(*rows, strict=True), strict=True):
            if kind == _DICT:
                columns.append(pa.array(values, pa.string()).dictionary_encode())
            elif kind == "timestamp":
                columns.append(_timestamps(pa, values))
            else:
                columns.append(pa.array(values, _arrow_type(pa, kind)))
        table = pa.Table.from_arrays(columns, schema=self.schema)
        writer = self.writers.get(key)
        if writer is None:
            fh = self.stack.enter_context(
                owner_only(self.path(key), binary=True, recipients=self.recipients)
            )
            writer = self.pq.ParquetWriter(fh, self.schema, compression="zstd")
            self.stack.callback(writer.close)  # closed before its file is renamed into place
            self.writers[key] = writer
        writer.write_table(table)
        self.rows -= len(rows)
        rows.clear()

    def path(self, key: tuple[int, str | None]) -> Path:
        return self.root / self.name / partition_dir(*key) / "part-0.parquet"

    def finish(self) -> list[str]:
        for key in list(self.buffers):
            self.flush(key)
        return sorted(f"{self.name}/{partition_dir(*key)}/part-0.parquet" for key in self.writers)


def _metadata(
    questionnaires: dict[str, Questionnaire], options: ExportOptions, table: str
) -> dict[str, str]:
    return {
        "magcheck": json.dumps(
            {
                "table": table,
                "pseudonymized": options.pseudonymize,
                "questionnaires": [
                    {"id": q.id, "version": q.version, "content_hash": h}
                    for h, q in sorted(questionnaires.items())
                ],
            }
        )
    }


def write(store: Store, path: Path, options: ExportOptions) -> list[Path]:
    pa = need("pyarrow", "parquet", "parquet")
    pq = need("pyarrow.parquet", "parquet", "parquet")
    responses = read_responses(store, options)
    qs = responses.questionnaires
    wide_names = version_names(qs)
    item_columns = {
        h: variable_names([it.id for it in q.items], set(LEAD_COLUMNS) | {"year"}, limit=10**6)
        for h, q in qs.items()
    }
    with atomic_folder(path, protect=[store.path]) as tmp:
        with ExitStack() as stack:
            tables = {
                "answers": Partitioned(
                    pa,
                    pq,
                    tmp,
                    "answers",
                    ANSWER_TYPES,
                    _metadata(qs, options, "answers"),
                    stack,
                    options.recipients,
                ),
                "scores": Partitioned(
                    pa,
                    pq,
                    tmp,
                    "scores",
                    SCORE_TYPES,
                    _metadata(qs, options, "scores"),
                    stack,
                    options.recipients,
                ),
            }
            wide = {
                h: Partitioned(
                    pa,
                    pq,
                    tmp,
                    f"wide_{wide_names[h]}",
                    LEAD_TYPES + [(item_columns[h][it.id], "int16") for it in q.items],
                    _metadata({h: q}, options, f"wide_{wide_names[h]}"),
                    stack,
                    options.recipients,
                )
                for h, q in qs.items()
            }
            for rec in responses.records:
                lead_all = rec.lead.values()
                lead = tuple(lead_all[i] for i in _LEAD_INDEX)
                key = (rec.lead.date.year, rec.lead.region)
                q = rec.questionnaire
                items = {it.id: it for it in q.items}
                for item_id, value, answered_at, missing in rec.answers:
                    item = items.get(item_id)
                    scored = (
                        None
                        if value is None or item is None
                        else scored_value(value, item.reverse, q.scale.min, q.scale.max)
                    )
                    tables["answers"].add(
                        key,
                        lead
                        + (
                            item_id,
                            item.component if item else None,
                            item.reverse if item else None,
                            value,
                            missing,
                            scored,
                            answered_at,
                        ),
                    )
                if rec.scores is not None:
                    for comp, s in rec.scores.items():
                        tables["scores"].add(
                            key,
                            lead
                            + (
                                comp,
                                as_float(s.score),
                                band(s.score, q.bands),
                                s.answered,
                                s.items,
                            ),
                        )
                values = {a[0]: a[1] for a in rec.answers}
                wide[rec.lead.questionnaire_hash].add(
                    key, lead + tuple(values.get(it.id) for it in q.items)
                )
            tables["sessions"] = Partitioned(
                pa,
                pq,
                tmp,
                "sessions",
                SESSION_TYPES,
                _metadata(qs, options, "sessions"),
                stack,
                options.recipients,
            )
            for row in responses.sessions:  # filled while the responses streamed
                day: Any = row[SESSION_COLUMNS.index("date")]
                region: Any = row[SESSION_COLUMNS.index("region")]
                tables["sessions"].add((day.year, region), tuple(row[i] for i in _SESSION_INDEX))
            parts = {name: t.finish() for name, t in tables.items()}
            wide_parts = {h: t.finish() for h, t in wide.items()}
        for h, q in qs.items():
            with owner_only(
                tmp / "questionnaires" / f"{h}.json", recipients=options.recipients
            ) as fh:
                json.dump(to_document(q), fh, ensure_ascii=False, indent=2, sort_keys=True)
        resources = [
            _resource("answers", parts["answers"], [c for c, _ in ANSWER_TYPES], qs, options),
            _resource("scores", parts["scores"], [c for c, _ in SCORE_TYPES], qs, options),
            _resource("sessions", parts["sessions"], [c for c, _ in SESSION_TYPES], qs, options),
        ]
        for h, q in sorted(qs.items(), key=lambda kv: wide_names[kv[0]]):
            if not wide_parts[h]:
                continue
            fields = [_field(c, options, {h: q}) for c, _ in LEAD_TYPES]
            fields += [
                codebook.item_field(q, it.id, item_columns[h][it.id], options.lang)
                for it in q.items
            ]
            fields += [_field("year", options, qs), _field("region", options, qs)]
            resources.append(
                codebook.resource(
                    f"wide_{wide_names[h]}",
                    wide_parts[h],
                    "parquet",
                    fields,
                    mediatype="application/vnd.apache.parquet",
                    description=f"One row per response to {q.id} version {q.version} ({h}); one column per item.",
                )
            )
        codebook.write_package(
            tmp / "datapackage.json",
            codebook.package(
                resources,
                qs,
                options.lang,
                options.pseudonymize,
                responses.floor,
                documents=True,
                notes="Each table is a folder of Hive partitions (year=YYYY/region=NAME, "
                "/ = % : and the like as %XX; region=__none__ when the group has no region); "
                "year and region come from the folder names.",
            ),
            options.recipients,
        )
    return [path]


def _field(column: str, options: ExportOptions, qs: dict[str, Questionnaire]) -> dict[str, Any]:
    f = codebook.field(column, options.lang, list(qs.values()))
    if column in ("year", "region"):
        f["description"] += " Partition key: read from the folder name."
    return f


def _resource(
    name: str,
    paths: list[str],
    columns: list[str],
    qs: dict[str, Questionnaire],
    options: ExportOptions,
) -> dict[str, Any]:
    fields = [_field(c, options, qs) for c in columns] + [
        _field("year", options, qs),
        _field("region", options, qs),
    ]
    return codebook.resource(
        name, paths, "parquet", fields, mediatype="application/vnd.apache.parquet"
    )
