"""Feed the aggregator from bundle files or from the local store (the I/O edge of aggregate.py)."""

from __future__ import annotations

from pathlib import Path

from .aggregate import Aggregate, Aggregator
from .errors import InputError
from .exports.importing import MAX_BYTES, BundleRejected, read_bundle
from .exports.records import read_store
from .store import Store


def aggregate_files(
    paths: list[Path], by: str | None = None, max_bytes: int = MAX_BYTES
) -> Aggregate:
    """Aggregate bundles; a file that cannot be read is left out and named in the notes."""
    agg = Aggregator(by=by)
    used = 0
    for path in paths:
        try:
            bundle = read_bundle(path, max_bytes)
        except BundleRejected as exc:
            agg.notes.append(f"{path}: left out: {exc}")
            continue
        agg.add_dataset(bundle.dataset())
        used += 1
    if not used:
        raise InputError("no readable bundle among the files given:\n" + "\n".join(agg.notes))
    return agg.result()


def aggregate_store(store: Store, by: str | None = None) -> Aggregate:
    agg = Aggregator(by=by)
    agg.add_dataset(read_store(store))
    return agg.result()
