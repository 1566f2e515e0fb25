"""Aggregate a Parquet dataset folder written by `magcheck export --format parquet`.

DuckDB reads the Parquet files where they lie and does the per-answer work: it sums each
response's answers into packed codes (core.bulk.CodeLayout), as SQLite does for the store
(Store.aggregate_rows), so Python sees one row per response and the same engine
(Aggregator.add_coded_sessions) scores it. Nothing in the files is taken on trust:
- each questionnaire snapshot is checked like a questionnaire file and its content hash
  recomputed; sessions of a snapshot that is missing, invalid or not what its name claims are
  left out and named in the notes;
- an answer to an item its questionnaire does not have, a value outside the scale, an item
  answered twice in one response, or rows that disagree with the sessions table leave their
  session out, named in the notes;
- group names, regions and focuses go through the text policy (magcheck.text.clean_name).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..core.bulk import CodeLayout
from ..core.checkscore import privacy_floor
from ..core.model import Questionnaire
from ..errors import InputError
from ..inputs import FileRefused, read_regular
from ..store import Group
from ..text import clean_name
from . import dataset_rows as rows
from .dataset_rows import HIVE
from .engine import Aggregator
from .gcpause import gc_paused
from .results import Aggregate

MAX_JSON_BYTES = 16 * 1024 * 1024  # datapackage.json and each questionnaire snapshot
MAX_NAMED = 5  # sessions named per reason in the notes
NULL_PARTITION = "__none__"
TABLES = ("answers", "sessions")


class NotADataset(InputError):
    title = "Not a magcheck dataset"


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise InputError(
            "aggregating a Parquet dataset folder needs the 'duckdb' package: "
            'pip install "magcheck[scale]"'
        ) from None
    return duckdb


def _files(folder: Path, table: str) -> list[str]:
    """The table's Parquet files: regular files only (no links), in a stable order."""
    root = folder / table
    out = []
    for p in sorted(root.rglob("*.parquet")):
        if p.is_symlink() or not p.is_file():
            raise NotADataset(f"{p}: not a regular file; a dataset holds only Parquet files")
        out.append(str(p))
    return out


def _package(folder: Path) -> dict[str, Any]:
    """datapackage.json, checked to be one magcheck wrote (a dict with a 'magcheck' part)."""
    path = folder / "datapackage.json"
    if not path.exists():
        raise NotADataset(
            f"{folder}: not a magcheck Parquet dataset (no datapackage.json); "
            "write one with: magcheck export --format parquet --out DIR"
        )
    try:
        doc = json.loads(read_regular(path, MAX_JSON_BYTES))
    except FileRefused:
        raise
    except ValueError as exc:
        raise NotADataset(f"{path}: not valid JSON ({exc})") from None
    meta = doc.get("magcheck") if isinstance(doc, dict) else None
    names = {r.get("name") for r in doc.get("resources", []) if isinstance(r, dict)}
    if not isinstance(meta, dict) or not set(TABLES) <= names:
        raise NotADataset(
            f"{path}: not a magcheck Parquet dataset (no 'magcheck' part or no "
            f"{' and '.join(TABLES)} tables); written by an older magcheck? export it again"
        )
    for table in TABLES:
        if not (folder / table).is_dir():
            raise NotADataset(f"{folder / table}: missing; the dataset is incomplete")
    return doc


def _questionnaires(folder: Path, notes: list[str]) -> dict[str, Questionnaire]:
    """Every snapshot held to the questionnaire rules, under the hash of its content."""
    from ..exports.fields import Invalid, questionnaire
    from ..exports.reading import BundleRejected

    out: dict[str, Questionnaire] = {}
    for path in sorted((folder / "questionnaires").glob("*.json")):
        try:
            doc = json.loads(read_regular(path, MAX_JSON_BYTES))
            if not isinstance(doc, dict):
                raise ValueError("not a JSON object")
            q = questionnaire({**doc, "content_hash": path.stem}, "questionnaire")
        except (InputError, BundleRejected, Invalid, ValueError, KeyError, TypeError) as exc:
            notes.append(f"{path}: left out: {exc}")
            continue
        out[q.content_hash] = replace(q, source=f"dataset:{q.content_hash[:12]}")
    return out


def _region(value: str | None) -> str | None:
    return None if value in (None, NULL_PARTITION) else unquote(value)


class _Bad:
    """Sessions left out, by reason, for the notes."""

    def __init__(self) -> None:
        self.reasons: dict[str, list[str]] = {}
        self.sessions: set[str] = set()

    def add(self, session_id: str, reason: str) -> None:
        if session_id in self.sessions:
            return
        self.sessions.add(session_id)
        self.reasons.setdefault(reason, []).append(session_id)

    def notes(self, where: Path) -> Iterable[str]:
        for reason, ids in self.reasons.items():
            named = ", ".join(i[:8] for i in ids[:MAX_NAMED])
            more = f" and {len(ids) - MAX_NAMED} more" if len(ids) > MAX_NAMED else ""
            yield f"{where}: {len(ids)} session(s) left out ({reason}): {named}{more}"


@gc_paused
def aggregate_dataset(folder: Path, by: str | None = None, floor: int | None = None) -> Aggregate:
    """The statistics aggregate_store gives, over a Parquet dataset folder. The privacy floor
    is the one the dataset was exported with, or `floor` when that is higher."""
    package = _package(folder)
    duckdb = _duckdb()
    stated = package["magcheck"].get("privacy_floor")
    agg = Aggregator(
        by=by,
        floor=max(privacy_floor(floor), stated if isinstance(stated, int) else 0),
    )
    questionnaires = _questionnaires(folder, agg.notes)
    layout = agg.layout = CodeLayout(questionnaires.values())
    plans = {}
    for h, q in questionnaires.items():
        plans[h] = agg.plan(q)
        plans[h].set_layout(layout)
    wide = [f for d in sorted(folder.glob("wide_*")) for f in _files(folder, d.name)]
    session_files, answer_files = _files(folder, "sessions"), _files(folder, "answers")
    if not session_files:
        raise NotADataset(f"{folder / 'sessions'}: no Parquet files; nothing to aggregate")
    bad = _Bad()
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        sessions = _sessions(con, session_files)
        if wide:
            rows.stage_wide(con, wide)
        if answer_files:
            rows.stage_codes(con, layout, questionnaires, answer_files)
        hash_of: dict[str, str] = {}
        kept_sessions = []
        for sid, gid, day, created, h, check_id, name, region, focus in sessions:
            if sid in hash_of:
                bad.add(sid, "listed twice in the sessions table")
                continue
            hash_of[sid] = h
            if h not in plans:
                bad.add(sid, "its questionnaire snapshot is missing or was refused")
                continue
            if gid not in agg.groups:
                try:
                    agg.groups[gid] = Group(
                        gid,
                        clean_name(name or "", "group"),
                        clean_name(_region(region) or "", "region") or None,
                        clean_name(focus or "", "focus") or None,
                        "",
                    )
                except InputError as exc:
                    bad.add(sid, f"group name, region or focus refused: {exc}")
                    continue
            kept_sessions.append((sid, gid, day, created, plans[h], check_id))
        unique = len(hash_of) == len(sessions)
        del sessions
        by_session = rows.responses(
            con, layout, (bool(wide), bool(answer_files)), hash_of, unique, bad
        )
    except duckdb.Error as exc:
        raise InputError(f"{folder}: cannot read the Parquet files: {exc}") from None
    finally:
        con.close()
    agg.notes.extend(bad.notes(folder))
    agg.add_coded_sessions((s for s in kept_sessions if s[0] not in bad.sessions), by_session)
    if not agg.groups and not kept_sessions:
        raise InputError(f"{folder}: no session could be read:\n" + "\n".join(agg.notes))
    return agg.result()


def _sessions(con: Any, session_files: list[str]) -> list[tuple[Any, ...]]:
    """Sessions oldest first (as Store.aggregate_rows), staged as table sessions too."""
    con.execute(
        "CREATE TEMP TABLE sessions AS SELECT *"
        f" FROM read_parquet(?, filename = true, file_row_number = true, {HIVE})",
        [session_files],
    )
    rows: list[tuple[Any, ...]] = con.execute(
        "SELECT session_id, group_id, strftime(date, '%Y-%m-%d'),"
        " strftime(created_at, '%Y-%m-%dT%H:%M:%S.%f+00:00'), questionnaire_hash, check_id,"
        ' "group", region, focus FROM sessions'
        # the order the export wrote (the store's: date, created_at, id), which holds within a
        # group's partition even when the ids are pseudonyms
        " ORDER BY date, created_at, filename, file_row_number"
    ).fetchall()
    return rows
