"""Import checked bundles into a store: idempotent, one transaction per file, conflicts reported."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.documents import to_document
from ..errors import StoreError
from ..store import Store
from ..store.exchange import ChangedMeanwhile
from ..text import fold, shown
from .reading import MAX_BYTES, Bundle, BundleRejected, read_bundle
from .records import SessionRecord, stored_session


@dataclass
class FileResult:
    path: Path
    rejected: str | None = None
    imported: int = 0
    skipped: int = 0
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportSummary:
    files: list[FileResult]

    @property
    def imported(self) -> int:
        return sum(f.imported for f in self.files)

    @property
    def skipped(self) -> int:
        return sum(f.skipped for f in self.files)

    @property
    def conflicts(self) -> int:
        return sum(len(f.conflicts) for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(1 for f in self.files if f.rejected)

    def line(self) -> str:
        return (
            f"{self.imported} session(s) imported, {self.skipped} skipped (already here), "
            f"{self.conflicts} conflict(s), {self.rejected} file(s) rejected "
            f"(of {len(self.files)} file(s))"
        )


def _unique_name(name: str, gid: str, looks: set[str]) -> str:
    """A group name that looks like one a different group already has (same magcheck.text.fold
    key: case, accents written two ways, Cyrillic look-alikes) gets its id's first 8 characters
    added, so two groups never look like one. `looks`: the fold keys of the names taken."""
    if fold(name) not in looks:
        return name
    suffix = f" ({gid[:8]})"
    candidate = name[: 80 - len(suffix)] + suffix
    n = 2
    while fold(candidate) in looks:
        suffix = f" ({gid[:8]}-{n})"
        candidate = name[: 80 - len(suffix)] + suffix
        n += 1
    return candidate


def _describe(session: SessionRecord, other: SessionRecord) -> str:
    mine = {r.id: r for r in session.responses}
    theirs = {r.id: r for r in other.responses}
    changed = sum(
        1
        for rid in mine.keys() | theirs.keys()
        if rid not in mine or rid not in theirs or mine[rid].content() != theirs[rid].content()
    )
    what = f"{changed} response(s) differ" if changed else "session details differ"
    return (
        f"session {session.id[:8]} ({session.date}): already in the store with different "
        f"content ({what}); the stored version is kept"
    )


def import_bundle(store: Store, bundle: Bundle) -> FileResult:
    """Add the bundle's new sessions in one transaction; skip identical ones; report conflicts.

    When another process imports some of the same sessions at the same moment, the write finds
    them and this file is sorted again against what is now stored (skipped, not an error).
    """
    for _ in range(5):
        try:
            return _import_once(store, bundle)
        except ChangedMeanwhile:
            continue
    return _import_once(store, bundle)


def _same(
    store: Store, stored: SessionRecord, incoming: SessionRecord, hashes: dict[str, str]
) -> bool:
    """Same content; a session stored under an older-style questionnaire hash compares by the
    hash its stored questionnaire has today."""
    h = stored.questionnaire_hash
    if h != incoming.questionnaire_hash:
        if h not in hashes:
            hashes[h] = store.questionnaire(h).content_hash
        stored.questionnaire_hash = hashes[h]
    return stored.content() == incoming.content()


def _import_once(store: Store, bundle: Bundle) -> FileResult:
    result = FileResult(bundle.path)
    hashes: dict[str, str] = {}
    ids = [s.id for s in bundle.sessions]
    present = store.existing_ids("sessions", ids)
    new: list[SessionRecord] = []
    for s in bundle.sessions:
        if s.id not in present:
            new.append(s)
            continue
        stored = stored_session(store, s.id)
        if stored is not None and _same(store, stored, s, hashes):
            result.skipped += 1
        else:
            result.conflicts.append(_describe(s, stored) if stored else s.id)
    response_ids = [r.id for s in new for r in s.responses]
    clash = store.existing_ids("responses", response_ids)
    if clash or len(set(response_ids)) != len(response_ids):
        rid = next(iter(clash)) if clash else "a response id"
        raise BundleRejected(f"response {rid[:8]} already belongs to another session")
    needed = {s.group_id for s in new} | set(bundle.groups)
    have = store.existing_ids("groups", sorted(needed))
    looks = {fold(name) for name in store.group_names()}
    groups: list[tuple[Any, ...]] = []
    for gid in sorted(needed - have):
        g = bundle.groups[gid]
        name = _unique_name(g.name, gid, looks)
        if name != g.name:
            result.notes.append(
                f"group '{shown(g.name)}' ({gid[:8]}) is a different group from one already "
                f"here with a name that looks the same; imported as '{shown(name)}'"
            )
        looks.add(fold(name))
        groups.append((gid, name, g.region, g.focus, g.created_at))
    used = {s.questionnaire_hash for s in new}
    questionnaires = [
        (h, q.id, q.version, json.dumps(to_document(q), ensure_ascii=False))
        for h, q in bundle.questionnaires.items()
        if h in used
    ]
    responses = [
        (r.id, s.id, r.role, r.respondent_code, r.started_at, r.completed_at)
        for s in new
        for r in s.responses
    ]

    def answers() -> Iterable[tuple[Any, ...]]:
        for s in new:
            for r in s.responses:
                for item, value, answered, missing in r.answers:
                    yield (r.id, item, value, answered, missing)

    store.import_rows(groups, questionnaires, [s.row() for s in new], responses, answers())
    result.imported = len(new)
    return result


Progress = Callable[[Path, str], None]


def import_files(
    store: Store,
    paths: list[Path],
    max_bytes: int = MAX_BYTES,
    progress: Progress | None = None,
    read: Callable[[Path, int], Bundle] = read_bundle,
) -> ImportSummary:
    """Import each file on its own: a rejected file changes nothing and the others still go in.

    read: how a file becomes a checked bundle (exports.crypto.bundle_reader opens .age files)."""
    results: list[FileResult] = []
    for path in paths:
        try:
            if progress:
                progress(path, "checking")
            bundle = read(path, max_bytes)
            if progress:
                progress(path, "importing")
            results.append(import_bundle(store, bundle))
        except BundleRejected as exc:
            results.append(FileResult(path, rejected=str(exc)))
        except StoreError as exc:
            if "busy" in str(exc) or "disk is full" in str(exc):
                raise
            results.append(FileResult(path, rejected=f"the store refused it ({exc})"))
        if progress:
            progress(path, "done")
    return ImportSummary(results)
