"""Import checked ODK/Kobo submissions: one transaction, idempotent, conflicts reported.

Each submission becomes one response; the submissions of one group and one meeting date become
one session of the questionnaire, which joins that day's check when the check has no part of
this role yet (a member round and a facilitator self-assessment of one meeting are one check),
as store sessions do. Every id is derived from the submission's own id (uuid5), so importing the
same CSV again, or a later export that overlaps it, adds only what is new: a submission already
here with the same answers is skipped; one whose answers changed since is a conflict, and the
stored answers are kept (as for bundles: nothing is overwritten).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.documents import to_document
from ..core.model import Questionnaire
from ..errors import NotFoundError
from ..store import Group, Store
from ..store.exchange import ChangedMeanwhile
from ..text import shown
from .odk_read import MAX_BYTES, OdkRejected, Submission, Submissions, read_submissions
from .records import stored_session

# Fixed for ever: the ids of every store that imports the same submission are the same ids.
NAMESPACE = uuid.UUID("5b0d3c1e-7a57-4d6b-9d35-3f1e0c0d0d14")


def response_id(instance_id: str) -> str:
    return uuid.uuid5(NAMESPACE, f"response:{instance_id}").hex


def session_id(group_id: str, day: str, content_hash: str) -> str:
    return uuid.uuid5(NAMESPACE, f"session:{group_id}:{day}:{content_hash}").hex


def check_id(group_id: str, day: str, content_hash: str) -> str:
    return uuid.uuid5(NAMESPACE, f"check:{group_id}:{day}:{content_hash}").hex


@dataclass
class OdkResult:
    path: Path
    server: str
    imported: int = 0  # submissions added
    sessions: int = 0  # sessions made for them
    skipped: int = 0  # submissions already here, unchanged
    conflicts: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.path} ({self.server}): {self.imported} submission(s) imported into "
            f"{self.sessions} new session(s), {self.skipped} skipped (already here), "
            f"{len(self.conflicts)} conflict(s)"
        )


def import_odk(store: Store, path: Path, q: Questionnaire, max_bytes: int = MAX_BYTES) -> OdkResult:
    """Check the whole file, then add what is new in one transaction (or nothing at all)."""
    subs = read_submissions(path, q, max_bytes)
    groups = _groups(store, subs)
    for _ in range(5):
        try:
            return _import_once(store, subs, q, groups)
        except ChangedMeanwhile:  # another import wrote some of these meanwhile: sort again
            continue
    return _import_once(store, subs, q, groups)


def _groups(store: Store, subs: Submissions) -> dict[str, Group]:
    """The store's group for each group name the submissions give; an unknown one refuses the
    file (a typo on a phone must not make a new group)."""
    found: dict[str, Group] = {}
    for s in subs.rows:
        if s.group in found:
            continue
        try:
            found[s.group] = store.group(s.group)
        except NotFoundError:
            names = ", ".join(f"'{shown(g.name)}'" for g in store.groups()) or "none yet"
            raise OdkRejected(
                f"{subs.path}: row {s.row}, column {shown(subs.group_column)}: no group "
                f"'{shown(s.group)}' in this store (groups: {names}); add it with 'magcheck "
                "groups add NAME' or correct the submission on the server, then import again"
            ) from None
    return found


def _stored(store: Store, rid: str, cache: dict[str, Any]) -> tuple[Any, ...]:
    """A stored response as (session id, respondent code, sorted answers) for comparing."""
    sid = store.response(rid).session_id
    if sid not in cache:
        cache[sid] = stored_session(store, sid)
    record = cache[sid]
    for r in record.responses:
        if r.id == rid:
            answers = tuple(sorted((a[0], a[1], a[3]) for a in r.answers))
            return (sid, r.respondent_code, answers)
    return (sid, None, ())


def _incoming(s: Submission, sid: str) -> tuple[Any, ...]:
    return (sid, s.respondent_code, tuple(sorted(s.answers)))


def _describe(s: Submission, stored: tuple[Any, ...], incoming: tuple[Any, ...]) -> str:
    if stored[0] != incoming[0]:
        what = "into another group or meeting date"
    elif stored[1] != incoming[1]:
        what = "with another respondent code"
    else:
        mine = dict((a[0], a[1:]) for a in incoming[2])
        theirs = dict((a[0], a[1:]) for a in stored[2])
        changed = sum(1 for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
        what = f"with different answers ({changed} item(s) differ)"
    return (
        f"row {s.row}: submission {shown(s.instance_id)} was imported before {what}; "
        "the stored version is kept"
    )


def _free_check(store: Store, group: Group, day: str, role: str) -> str | None:
    """The oldest check of the group on that day with no part of this role yet."""
    for check in reversed(store.checks(group)):
        if check.date == day and check.part(role) is None:
            return check.id
    return None


def _import_once(
    store: Store, subs: Submissions, q: Questionnaire, groups: dict[str, Group]
) -> OdkResult:
    result = OdkResult(subs.path, subs.server)
    rids = {s.instance_id: response_id(s.instance_id) for s in subs.rows}
    present = store.existing_ids("responses", list(rids.values()))
    cache: dict[str, Any] = {}
    new: list[tuple[Submission, str]] = []
    for s in subs.rows:
        gid = groups[s.group].id
        sid = session_id(gid, s.day, q.content_hash)
        rid = rids[s.instance_id]
        if rid not in present:
            new.append((s, sid))
            continue
        stored, incoming = _stored(store, rid, cache), _incoming(s, sid)
        if stored == incoming:
            result.skipped += 1
        else:
            result.conflicts.append(_describe(s, stored, incoming))
    if not new:
        return result

    by_session: dict[str, list[Submission]] = {}
    for s, sid in new:
        by_session.setdefault(sid, []).append(s)
    have = store.existing_ids("sessions", list(by_session))
    sessions: list[tuple[Any, ...]] = []
    for sid, members in by_session.items():
        if sid in have:
            continue
        group, day = groups[members[0].group], members[0].day
        check = _free_check(store, group, day, q.role) or check_id(group.id, day, q.content_hash)
        sessions.append(
            (
                sid,
                group.id,
                day,
                q.languages[0],  # the CSV does not say which language each phone showed
                q.id,
                q.version,
                q.content_hash,
                min(s.started_at for s in members),
                max(s.completed_at for s in members),  # a round collected on phones is over
                check,
                q.role,
            )
        )
    questionnaires = [
        (q.content_hash, q.id, q.version, json.dumps(to_document(q), ensure_ascii=False))
    ]
    responses = [
        (rids[s.instance_id], sid, q.role, s.respondent_code, s.started_at, s.completed_at)
        for s, sid in new
    ]
    answers = [
        (rids[s.instance_id], item, value, s.completed_at, missing)
        for s, _ in new
        for item, value, missing in s.answers
    ]
    store.import_rows([], questionnaires, sessions, responses, answers, source="odk")
    result.imported = len(new)
    result.sessions = len(sessions)
    return result
