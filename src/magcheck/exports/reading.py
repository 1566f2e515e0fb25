"""Read and check a bundle file: size, JSON, format, checksum, then every record; nothing is written."""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..core.model import PREFER_NOT_TO_SAY, ROLES, Questionnaire
from ..errors import InputError, MagcheckError
from ..inputs import FileRefused, read_regular
from ..store import Group, check_respondent_code
from ..text import clean_name
from . import fields
from .bundle import canonical
from .common import FORMAT_NAME, FORMAT_VERSION, READABLE_VERSIONS
from .fields import (
    Invalid,
    array,
    ident,
    is_timestamp,
    need,
    obj,
    printable,
    shown,
    text,
    timestamp,
)
from .records import Dataset, ResponseRecord, SessionRecord
from .schema import check_envelope

MAX_BYTES = 256 * 1024 * 1024


AGE_HEADERS = (b"age-encryption.org/v1\n", b"-----BEGIN AGE ENCRYPTED FILE-----")
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


def _file_checksum(path: Path, data: bytes | None = None) -> str | None:
    """The sha256 a bundle written by magcheck states, if its bytes before it hash to it.

    magcheck writes the canonical form with "sha256" last, so the bytes before that member plus
    the closing brace are exactly what was hashed: checked by streaming, without a second copy.
    `data`: the file's bytes when they are already in memory (a decrypted bundle).
    """
    size = path.stat().st_size if data is None else len(data)
    with path.open("rb") if data is None else io.BytesIO(data) as fh:
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


def order_key(path: Path) -> tuple[str, str]:
    """A key that orders files by content: the checksum a magcheck-written bundle states at its
    end (checked later, when it is read), else the sha256 of the file's bytes; then the path."""
    try:
        if not path.is_file():
            return ("", str(path))
        size = path.stat().st_size
        with path.open("rb") as fh:
            fh.seek(max(0, size - 200))
            tail = _TAIL.search(fh.read())
            if tail is not None:
                return (tail.group(1).decode(), str(path))
            fh.seek(0)
            digest = hashlib.sha256()
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        return (digest.hexdigest(), str(path))
    except OSError:
        return ("", str(path))


def load_json(path: Path, max_bytes: int = MAX_BYTES, data: bytes | None = None) -> dict[str, Any]:
    """The parsed top-level object of a bundle file (or of its bytes, `data`, already read and
    decrypted in memory); BundleRejected with the reason if not."""
    try:
        size = path.stat().st_size if data is None else len(data)
        if size > max_bytes:
            raise BundleRejected(
                f"over the size limit ({_mb(size)} > {_mb(max_bytes)}; raise it with --max-size)"
            )
        raw = read_regular(path, max_bytes) if data is None else data  # never a FIFO, /dev/zero
        if raw[:64].lstrip(b"\xef\xbb\xbf").startswith(AGE_HEADERS):
            raise BundleRejected("encrypted (age): give --identity KEYFILE to open it")
        text = raw.decode("utf-8-sig")
        del raw
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
    except ValueError:  # a number longer than Python converts (sys.get_int_max_str_digits)
        raise BundleRejected("not JSON a bundle can hold (a number with too many digits)") from None
    del text
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise BundleRejected(f'not a magcheck bundle (no "format": "{FORMAT_NAME}")')
    version = doc.get("format_version")
    if version not in READABLE_VERSIONS or isinstance(version, bool):
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


_Invalid = Invalid
_need = need

GROUP_FIELDS = ("id", "name", "region", "focus", "created_at")
SESSION_FIELDS = (
    "id",
    "group_id",
    "date",
    "language",
    "questionnaire_id",
    "questionnaire_version",
    "questionnaire_hash",
    "created_at",
    "closed_at",
    "check_id",
    "scores",
    "responses",
)
RESPONSE_FIELDS = (
    "id",
    "role",
    "respondent_code",
    "started_at",
    "completed_at",
    "answers",
    "scores",
)


def _text(d: dict[str, Any], key: str, where: str, optional: bool = False) -> Any:
    return text(d, key, where, optional)


def _id(d: dict[str, Any], key: str, where: str) -> str:
    return ident(d, key, where)


def _obj(value: Any, where: str, allowed: tuple[str, ...] | None = None) -> dict[str, Any]:
    return obj(value, where, allowed)


def _list(value: Any, where: str) -> list[Any]:
    return array(value, where)


def _questionnaires(doc: dict[str, Any]) -> dict[str, Questionnaire]:
    """Each questionnaire checked like a questionnaire file, under the hash of its content."""
    out: dict[str, Questionnaire] = {}
    for i, qd in enumerate(_list(doc.get("questionnaires"), "questionnaires")):
        where = f"questionnaires[{i}]"
        q = fields.questionnaire(qd, where)
        _need(q.content_hash not in out, f"{where}.content_hash", "appears twice in the file")
        out[q.content_hash] = replace(q, source=f"bundle:{q.content_hash[:12]}")
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
        _obj(gd, where, GROUP_FIELDS)
        gid = _id(gd, "id", where)
        _need(gid not in out, f"{where}.id", "appears twice in the file")
        name = _clean(_text(gd, "name", where), f"{where}.name")
        _need(0 < len(name) <= 80, f"{where}.name", "must be 1 to 80 characters")
        region = _text(gd, "region", where, optional=True)
        focus = _text(gd, "focus", where, optional=True)
        out[gid] = Group(
            gid,
            name,
            None if region is None else _clean(region, f"{where}.region"),
            None if focus is None else _clean(focus, f"{where}.focus"),
            timestamp(gd, "created_at", where),
        )
    return out


def _session(
    sd: Any,
    where: str,
    groups: dict[str, Group],
    qs: dict[str, Questionnaire],
    stamps: set[str] | None = None,
) -> SessionRecord:
    """stamps: answered_at values already found valid (a file's answers share few times)."""
    stamps = set() if stamps is None else stamps
    _obj(sd, where, SESSION_FIELDS)
    gid = _id(sd, "group_id", where)
    _need(gid in groups, f"{where}.group_id", "is not among the file's groups")
    h = fields.content_hash(sd, "questionnaire_hash", where)
    _need(h in qs, f"{where}.questionnaire_hash", "is not among the file's questionnaires")
    q = qs[h]
    date = fields.day(sd, "date", where)
    language = _text(sd, "language", where)
    if language not in q.languages:
        raise Invalid(f"{where}.language: {shown(language)} is not a language of the questionnaire")
    _need(
        sd.get("questionnaire_id") == q.id,
        f"{where}.questionnaire_id",
        "is not its questionnaire's",
    )
    version = sd.get("questionnaire_version")
    _need(
        version == q.version and not isinstance(version, bool),
        f"{where}.questionnaire_version",
        "is not its questionnaire's",
    )
    check_id = sd.get("check_id")
    if check_id is not None:
        check_id = _id(sd, "check_id", where)
    session = SessionRecord(
        _id(sd, "id", where),
        gid,
        date,
        language,
        q.id,
        q.version,
        h,
        timestamp(sd, "created_at", where),
        timestamp(sd, "closed_at", where, optional=True),
        check_id,
        q.role,
    )
    kinds = (PREFER_NOT_TO_SAY, *q.scale.non_answers)
    fields.scores(sd.get("scores"), f"{where}.scores", q.components, session=True)
    items = {it.id for it in q.items}
    lo, hi = q.scale.min, q.scale.max
    for j, rd in enumerate(_list(sd.get("responses"), f"{where}.responses")):
        rw = f"{where}.responses[{j}]"
        _obj(rd, rw, RESPONSE_FIELDS)
        role = rd.get("role")
        _need(role in ROLES, f"{rw}.role", f"must be one of {', '.join(ROLES)}")
        _need("respondent_code" in rd, f"{rw}.respondent_code", "is missing (null when not set)")
        code = rd.get("respondent_code")
        try:
            code = check_respondent_code(rd.get("respondent_code"))
        except MagcheckError as exc:
            raise _Invalid(f"{rw}.respondent_code: {exc}") from None
        response = ResponseRecord(
            _id(rd, "id", rw),
            role,
            code,
            timestamp(rd, "started_at", rw),
            timestamp(rd, "completed_at", rw, optional=True),
        )
        fields.scores(rd.get("scores"), f"{rw}.scores", q.components, session=False)
        seen: set[str] = set()
        answers = response.answers
        for k, a in enumerate(_list(rd.get("answers"), f"{rw}.answers")):
            # one test for the million good answers; the reason is worked out for a bad one
            if not (
                type(a) is list
                and (len(a) == 3 or (len(a) == 4 and a[1] is None and a[3] in kinds))
                and type(a[0]) is str
                and a[0] in items
                and a[0] not in seen
                and (a[1] is None or (type(a[1]) is int and lo <= a[1] <= hi))
                and type(a[2]) is str
                and (a[2] in stamps or is_timestamp(a[2]))
            ):
                _bad_answer(a, f"{rw}.answers[{k}]", q, seen)
            item, value, answered = a[0], a[1], a[2]
            seen.add(item)
            if answered not in stamps:
                if len(stamps) > 4096:
                    stamps.clear()
                stamps.add(answered)
            missing = None if value is not None else (a[3] if len(a) == 4 else PREFER_NOT_TO_SAY)
            answers.append((item, value, answered, missing))
        session.responses.append(response)
    return session


def _bad_answer(a: Any, where: str, q: Questionnaire, seen: set[str]) -> None:
    """Raise the reason this answer is refused."""
    _need(
        isinstance(a, list) and len(a) in (3, 4),
        where,
        "must be [item_id, value, answered_at] or [item_id, null, answered_at, kind]",
    )
    item, value, answered = a[0], a[1], a[2]
    if len(a) == 4:
        kinds = (PREFER_NOT_TO_SAY, *q.scale.non_answers)
        _need(value is None, where, "a non-answer's value must be null")
        if a[3] not in kinds:
            raise Invalid(
                f"{where}: {shown(a[3])} is not a non-answer this scale offers ({', '.join(kinds)})"
            )
    if not (isinstance(item, str) and any(item == it.id for it in q.items)):
        raise Invalid(f"{where}: item {shown(item)} is not in questionnaire {q.id} v{q.version}")
    _need(item not in seen, where, f"item '{item}' is answered twice")
    lo, hi = q.scale.min, q.scale.max
    _need(
        value is None
        or (isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi),
        where,
        f"value must be {lo}..{hi} or null",
    )
    raise Invalid(
        f"{where}: answered_at {shown(answered)} is not a time like 2026-03-14T18:30:00+00:00"
    )


def read_bundle(path: Path, max_bytes: int = MAX_BYTES, data: bytes | None = None) -> Bundle:
    """A checked bundle, or BundleRejected with a one-line reason; `data`: its bytes when they
    are in memory already (exports.crypto decrypts there), checked exactly like a file's."""
    doc = load_json(path, max_bytes, data)
    verify_checksum(doc, _file_checksum(path, data))
    del data
    try:
        check_envelope(doc)
        qs = _questionnaires(doc)
        groups = _groups(doc)
        sessions: list[SessionRecord] = []
        ids: set[str] = set()
        stamps: set[str] = set()
        checks: dict[str, tuple[str, str, set[str]]] = {}
        for i, sd in enumerate(_list(doc.get("sessions"), "sessions")):
            s = _session(sd, f"sessions[{i}]", groups, qs, stamps)
            _need(s.id not in ids, f"sessions[{i}].id", "appears twice in the file")
            if s.check_id is not None:
                gid, day, roles = checks.setdefault(s.check_id, (s.group_id, s.date, set()))
                _need(
                    (gid, day) == (s.group_id, s.date) and s.questionnaire_role not in roles,
                    f"sessions[{i}].check_id",
                    "a check is one group's meeting with at most one part of each kind",
                )
                roles.add(s.questionnaire_role or "")
            ids.add(s.id)
            sessions.append(s)
            doc["sessions"][i] = None  # let the parsed JSON go as records are built
    except _Invalid as exc:
        raise BundleRejected(printable(f"invalid content: {exc}")) from None
    return Bundle(
        path,
        doc["device_id"],
        doc["exported_at"],
        groups,
        qs,
        sessions,
    )
