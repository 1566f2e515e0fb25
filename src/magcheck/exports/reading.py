"""Read and check a bundle file: size, JSON, format, checksum, then every record; nothing is written."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.model import Questionnaire
from ..errors import MagcheckError
from ..inputs import FileRefused, read_regular
from ..store import Group
from .bundle import canonical
from .bundle_records import _groups, _list, _need, _questionnaires, _session
from .common import FORMAT_NAME, FORMAT_VERSION, READABLE_VERSIONS
from .crypto import AGE_HEADERS, DecryptionRefused, decrypt, is_encrypted
from .fields import Invalid, printable
from .records import Dataset, SessionRecord
from .schema import check_envelope

MAX_BYTES = 256 * 1024 * 1024


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
    except Invalid as exc:
        raise BundleRejected(printable(f"invalid content: {exc}")) from None
    return Bundle(
        path,
        doc["device_id"],
        doc["exported_at"],
        groups,
        qs,
        sessions,
    )


def bundle_reader(identities: list[Any]) -> Callable[[Path, int], Bundle]:
    """read_bundle that opens .age files with the identities (in memory) and plain ones as is."""

    def read(path: Path, max_bytes: int = MAX_BYTES) -> Bundle:
        try:
            raw = read_regular(path, max_bytes + max_bytes // 256 + 4096)  # age's own overhead
        except FileRefused as exc:
            raise BundleRejected(exc.reason) from None
        if not is_encrypted(raw[:64]):
            return read_bundle(path, max_bytes, raw)
        try:
            plain = decrypt(raw, identities)
        except DecryptionRefused as exc:
            raise BundleRejected(str(exc)) from None
        del raw
        return read_bundle(path, max_bytes, plain)

    return read
