"""Read and check a bundle file: size, JSON, format, checksum, then every record; nothing is written."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.documents import from_document
from ..core.model import ROLES, Questionnaire
from ..errors import InputError, MagcheckError
from ..inputs import FileRefused, read_regular
from ..store import Group, check_respondent_code
from ..text import clean_name
from .bundle import canonical
from .common import FORMAT_NAME, FORMAT_VERSION
from .records import Dataset, ResponseRecord, SessionRecord

MAX_BYTES = 256 * 1024 * 1024


_ID = re.compile(r"^[0-9a-f]{32}$")


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_TAIL = re.compile(rb',"sha256":"([0-9a-f]{64})"\}\s*$')


class BundleRejected(MagcheckError):
    """A file that is not imported at all; str() is the one-line reason."""

    title = "File rejected"


@dataclass
class Bundle:
    path: Path
    device_id: str
    exported_at: str
    groups: dict[str, Group]
    questionnaires: dict[str, Questionnaire]
    sessions: list[SessionRecord]

    def dataset(self) -> Dataset:
        return Dataset(self.device_id, self.groups, self.questionnaires, self.sessions)


def _mb(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def _file_checksum(path: Path) -> str | None:
    """The sha256 a bundle written by magcheck states, if its bytes before it hash to it.

    magcheck writes the canonical form with "sha256" last, so the bytes before that member plus
    the closing brace are exactly what was hashed: checked by streaming, without a second copy.
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(3)
        start = 3 if head == b"\xef\xbb\xbf" else 0
        fh.seek(max(0, size - 200))
        tail = _TAIL.search(fh.read())
        if tail is None:
            return None
        end = max(0, size - 200) + tail.start()
        digest = hashlib.sha256()
        fh.seek(start)
        remaining = end - start
        while remaining > 0:
            chunk = fh.read(min(remaining, 1 << 20))
            if not chunk:
                return None
            digest.update(chunk)
            remaining -= len(chunk)
    digest.update(b"}")
    stated = tail.group(1).decode()
    return stated if digest.hexdigest() == stated else None


def load_json(path: Path, max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """The parsed top-level object of a bundle file; BundleRejected with the reason if not."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise BundleRejected(
                f"over the size limit ({_mb(size)} > {_mb(max_bytes)}; raise it with --max-size)"
            )
        text = read_regular(path, max_bytes).decode("utf-8-sig")  # never a FIFO or /dev/zero
    except UnicodeDecodeError:
        raise BundleRejected("not JSON (not UTF-8 text)") from None
    except FileRefused as exc:
        raise BundleRejected(exc.reason) from None
    except OSError as exc:
        raise BundleRejected(f"cannot read it ({exc.strerror or exc})") from None
    if not text.strip():
        raise BundleRejected("empty file")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg.startswith("Unterminated string") or exc.pos >= len(text.rstrip()):
            raise BundleRejected(
                "truncated: the file ends before its data does (an interrupted copy?)"
            ) from None
        raise BundleRejected(
            f"not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise BundleRejected("not JSON a bundle can hold (nested too deeply)") from None
    del text
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise BundleRejected(f'not a magcheck bundle (no "format": "{FORMAT_NAME}")')
    version = doc.get("format_version")
    if version != FORMAT_VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
            raise BundleRejected(
                f"format version {version} is newer than this magcheck reads "
                f"({FORMAT_VERSION}); upgrade magcheck"
            )
        raise BundleRejected(
            f"unknown format version {version!r} (this magcheck reads {FORMAT_VERSION})"
        )
    return doc


def verify_checksum(doc: dict[str, Any], fast: str | None = None) -> None:
    """The stated sha256 must be that of the canonical form of everything else."""
    stated = doc.get("sha256")
    if not isinstance(stated, str):
        raise BundleRejected("no sha256 checksum in the file")
    if fast is not None and fast == stated:
        return
    rest = {k: v for k, v in doc.items() if k != "sha256"}
    if hashlib.sha256(canonical(rest).encode("utf-8")).hexdigest() != stated:
        raise BundleRejected("checksum mismatch: the file was changed or damaged after export")


class _Invalid(Exception):
    pass


def _need(cond: bool, where: str, what: str) -> None:
    if not cond:
        raise _Invalid(f"{where}: {what}")


def _text(d: dict[str, Any], key: str, where: str, optional: bool = False) -> Any:
    value = d.get(key)
    if value is None and optional:
        return None
    _need(isinstance(value, str) and value != "", f"{where}.{key}", "must be text")
    return value


def _id(d: dict[str, Any], key: str, where: str) -> str:
    value = _text(d, key, where)
    _need(bool(_ID.match(value)), f"{where}.{key}", "must be a 32-character hex id")
    return value


def _obj(value: Any, where: str) -> dict[str, Any]:
    _need(isinstance(value, dict), where, "must be an object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    _need(isinstance(value, list), where, "must be a list")
    return value


def _questionnaires(doc: dict[str, Any]) -> dict[str, Questionnaire]:
    out: dict[str, Questionnaire] = {}
    for i, qd in enumerate(_list(doc.get("questionnaires"), "questionnaires")):
        where = f"questionnaires[{i}]"
        _obj(qd, where)
        h = _text(qd, "content_hash", where)
        try:
            q = from_document(qd, source=f"bundle:{h[:12]}")
            _need(bool(q.items) and q.scale.min < q.scale.max, where, "has no usable items")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _Invalid(f"{where}: not a questionnaire document ({exc})") from None
        out[h] = q
    return out


def _clean(value: str, where: str) -> str:
    """The text policy for a name from a file: the refusal names the record and field."""
    try:
        return clean_name(value, where)
    except InputError as exc:
        raise _Invalid(str(exc)) from None


def _groups(doc: dict[str, Any]) -> dict[str, Group]:
    out: dict[str, Group] = {}
    for i, gd in enumerate(_list(doc.get("groups"), "groups")):
        where = f"groups[{i}]"
        _obj(gd, where)
        gid = _id(gd, "id", where)
        name = _clean(_text(gd, "name", where), f"{where}.name")
        _need(0 < len(name) <= 80, f"{where}.name", "must be 1 to 80 characters")
        region = _text(gd, "region", where, optional=True)
        focus = _text(gd, "focus", where, optional=True)
        out[gid] = Group(
            gid,
            name,
            None if region is None else _clean(region, f"{where}.region"),
            None if focus is None else _clean(focus, f"{where}.focus"),
            _text(gd, "created_at", where),
        )
    return out


def _session(
    sd: Any, where: str, groups: dict[str, Group], qs: dict[str, Questionnaire]
) -> SessionRecord:
    _obj(sd, where)
    gid = _id(sd, "group_id", where)
    _need(gid in groups, f"{where}.group_id", "is not among the file's groups")
    h = _text(sd, "questionnaire_hash", where)
    _need(h in qs, f"{where}.questionnaire_hash", "is not among the file's questionnaires")
    q = qs[h]
    date = _text(sd, "date", where)
    _need(bool(_DATE.match(date)), f"{where}.date", "must be a date like 2026-03-14")
    language = _text(sd, "language", where)
    _need(language in q.languages, f"{where}.language", f"'{language}' is not in the questionnaire")
    version = sd.get("questionnaire_version")
    _need(
        sd.get("questionnaire_id") == q.id and version == q.version,
        where,
        "questionnaire_id/questionnaire_version do not match its questionnaire",
    )
    session = SessionRecord(
        _id(sd, "id", where),
        gid,
        date,
        language,
        q.id,
        q.version,
        h,
        _text(sd, "created_at", where),
        _text(sd, "closed_at", where, optional=True),
    )
    items = {it.id for it in q.items}
    lo, hi = q.scale.min, q.scale.max
    for j, rd in enumerate(_list(sd.get("responses"), f"{where}.responses")):
        rw = f"{where}.responses[{j}]"
        _obj(rd, rw)
        role = rd.get("role")
        _need(role in ROLES, f"{rw}.role", f"must be one of {', '.join(ROLES)}")
        try:
            code = check_respondent_code(rd.get("respondent_code"))
        except MagcheckError as exc:
            raise _Invalid(f"{rw}.respondent_code: {exc}") from None
        response = ResponseRecord(
            _id(rd, "id", rw),
            role,
            code,
            _text(rd, "started_at", rw),
            _text(rd, "completed_at", rw, optional=True),
        )
        seen: set[str] = set()
        for k, a in enumerate(_list(rd.get("answers"), f"{rw}.answers")):
            aw = f"{rw}.answers[{k}]"
            _need(isinstance(a, list) and len(a) == 3, aw, "must be [item_id, value, answered_at]")
            item, value, answered = a
            _need(item in items, aw, f"item '{item}' is not in questionnaire {q.id} v{q.version}")
            _need(item not in seen, aw, f"item '{item}' is answered twice")
            seen.add(item)
            _need(
                value is None
                or (isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi),
                aw,
                f"value must be {lo}..{hi} or null",
            )
            _need(isinstance(answered, str) and answered != "", aw, "answered_at must be text")
            response.answers.append((item, value, answered))
        session.responses.append(response)
    return session


def read_bundle(path: Path, max_bytes: int = MAX_BYTES) -> Bundle:
    """A checked bundle, or BundleRejected with a one-line reason."""
    doc = load_json(path, max_bytes)
    verify_checksum(doc, _file_checksum(path))
    try:
        qs = _questionnaires(doc)
        groups = _groups(doc)
        sessions: list[SessionRecord] = []
        ids: set[str] = set()
        for i, sd in enumerate(_list(doc.get("sessions"), "sessions")):
            s = _session(sd, f"sessions[{i}]", groups, qs)
            _need(s.id not in ids, f"sessions[{i}].id", "appears twice in the file")
            ids.add(s.id)
            sessions.append(s)
            doc["sessions"][i] = None  # let the parsed JSON go as records are built
    except _Invalid as exc:
        raise BundleRejected(f"invalid content: {exc}") from None
    return Bundle(
        path,
        str(doc.get("device_id", "")),
        str(doc.get("exported_at", "")),
        groups,
        qs,
        sessions,
    )
