"""Feed the aggregator from bundle files or from the local store (the I/O edge of aggregate.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.bulk import CodeLayout
from ..core.checkscore import privacy_floor
from ..core.documents import from_document
from ..errors import InputError
from ..store import Store
from .engine import Aggregator
from .gcpause import gc_paused
from .results import Aggregate

if TYPE_CHECKING:
    from ..exports.reading import Bundle


def aggregate_files(
    paths: list[Path],
    by: str | None = None,
    max_bytes: int | None = None,
    read: Callable[[Path, int], Bundle] | None = None,
    floor: int | None = None,
) -> Aggregate:
    """Aggregate bundles; a file that cannot be read is left out and named in the notes.

    floor: the privacy floor (none given: checkscore.PRIVACY_FLOOR; never under it).

    Files are read in the order of their content's checksum, not as given, so the result (the
    copy of a session that counts when two files differ, float sums, notes) is the same for any
    order of the same files; only the files' own sessions are held, one file at a time.
    """
    from ..exports.reading import MAX_BYTES, BundleRejected, order_key, read_bundle

    if max_bytes is None:
        max_bytes = MAX_BYTES
    agg = Aggregator(by=by, floor=privacy_floor(floor))
    used = 0
    for path in sorted(paths, key=order_key):
        try:
            bundle = (read or read_bundle)(path, max_bytes)
        except BundleRejected as exc:
            agg.notes.append(f"{path}: left out: {exc}")
            continue
        agg.add_dataset(bundle.dataset(), str(path))
        used += 1
    if not used:
        raise InputError("no readable bundle among the files given:\n" + "\n".join(agg.notes))
    return agg.result()


@gc_paused
def aggregate_store(store: Store, by: str | None = None, floor: int | None = None) -> Aggregate:
    """The same statistics as aggregate_files over an export of the whole store, computed with
    SQLite summing each response's answers into packed codes (see CodeLayout), so Python sees
    one row per response instead of one per answer. The privacy floor is the store's setting,
    or `floor` when that is higher."""
    agg = Aggregator(by=by, floor=max(store.privacy_floor(), privacy_floor(floor)))
    for g in store.export_groups():
        agg.groups.setdefault(g.id, g)
    questionnaires = {}
    for h, doc in store.questionnaire_documents().items():
        q = from_document(doc, source=f"store:{h[:12]}")
        questionnaires[h] = q if q.content_hash else replace(q, content_hash=h)
    layout = agg.layout = CodeLayout(questionnaires.values())
    plans = {}
    for h, q in questionnaires.items():
        plans[h] = agg.plan(q)
        plans[h].set_layout(layout)
    sessions, responses, codes = store.aggregate_rows(
        layout.weights(), layout.columns, layout.offset
    )
    packed: dict[str, tuple[int, tuple[int, ...]]] = {row[0]: (row[1], row[2:]) for row in codes}
    del codes
    none = (0, (0,) * layout.columns)
    by_session: dict[str, list[tuple[str, int, tuple[int, ...]]]] = {}
    for session_id, role, response_id in responses:
        answers, cols = packed.get(response_id, none)
        found = by_session.get(session_id)
        if found is None:
            found = by_session[session_id] = []
        found.append((role, answers, cols))
    del responses, packed
    agg.add_coded_sessions(
        (
            (sid, gid, date, created, plans[h], check_id)
            for sid, gid, date, created, h, check_id in sessions
        ),
        by_session,
    )
    return agg.result()
