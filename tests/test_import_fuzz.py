"""Property-based fuzzing of import: a mutated bundle never causes a traceback, never goes in in
part, and never changes the store unless it is a valid bundle (one the shipped schema accepts)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from magcheck.exports import export
from magcheck.exports.bundle import checksum
from magcheck.exports.importing import import_files
from magcheck.exports.schema import schema
from magcheck.store import Store

from .export_support import dump, fill_store

JUNK_TEXT = st.text(
    alphabet=st.sampled_from(list("ab1-_:T+Z =@\n\r\t\x00\x1b\x9b\u202e\u200b٣２é")),
    max_size=12,
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    JUNK_TEXT,
)
JUNK = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(JUNK_TEXT, inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A valid bundle, and a store holding other data to import it into."""
    work = tmp_path_factory.mktemp("fuzz")
    fill_store(work / "a", groups=1, sessions=2, members=2)
    with Store.open(work / "a") as store:
        [path] = export(store, "bundle", work / "good.json")
    fill_store(work / "b", groups=1, sessions=1, members=1, seed=3)
    return path, work / "b"


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(_paths(value, (*prefix, i)))
    return out


def _mutate(doc: dict[str, Any], data: st.DataObject) -> None:
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(doc)))
        parent: Any = doc
        for key in path[:-1]:
            parent = parent[key]
        key, old = path[-1], parent[path[-1]]
        op = data.draw(st.sampled_from(["delete", "junk", "swap", "newline", "huge"]))
        if op == "delete":
            if isinstance(parent, dict):
                del parent[key]
            else:
                parent.pop(key)
        elif op == "junk":
            parent[key] = data.draw(JUNK)
        elif op == "swap":  # the same value under another type
            parent[key] = str(old) if not isinstance(old, str) else (len(old) or None)
        elif op == "newline" and isinstance(old, str):
            parent[key] = old + "\n"
        elif op == "huge":
            parent[key] = data.draw(st.sampled_from([10**30, -(10**30), 1e308, 2**63]))


def _schema_valid(doc: Any) -> bool:
    return not any(jsonschema.Draft202012Validator(schema()).iter_errors(doc))


@settings(
    max_examples=1000,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_mutated_bundle_goes_in_whole_and_valid_or_not_at_all(
    world: tuple[Path, Path], data: st.DataObject
) -> None:
    good, base = world
    doc = json.loads(good.read_bytes())
    _mutate(doc, data)
    if data.draw(st.booleans(), label="re-sign"):
        doc["sha256"] = checksum(doc)
    raw = json.dumps(doc, ensure_ascii=data.draw(st.booleans())).encode("utf-8")
    cut = data.draw(st.sampled_from(["keep", "truncate", "splice"]), label="bytes")
    if cut == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw) - 1))]
    elif cut == "splice":  # bytes dropped into the text: bad UTF-8, huge numbers, stray syntax
        at = data.draw(st.integers(0, len(raw)))
        junk = data.draw(
            st.one_of(st.binary(max_size=6), st.just(b"9" * 5000), st.just(b"[" * 3000))
        )
        raw = raw[:at] + junk + raw[at:]
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / "store"
        shutil.copytree(base, store_dir)
        before = dump(store_dir)
        path = Path(tmp) / "mutated.json"
        path.write_bytes(raw)
        with Store.open(store_dir) as store:
            summary = import_files(store, [path])  # anything but a clean result is a failure
        [result] = summary.files
        after = dump(store_dir)
    event("rejected" if result.rejected else "accepted")
    if result.rejected:
        event(result.rejected.split(":")[0][:40])
        assert "\n" not in result.rejected and result.rejected.isprintable()
        assert after == before
        return
    # accepted: the file is a valid bundle, and every one of its sessions is accounted for
    parsed = json.loads(raw)
    assert _schema_valid(parsed), "import accepted a file the shipped schema refuses"
    n = len(parsed["sessions"])
    assert result.imported + result.skipped + len(result.conflicts) == n
    stored = {row[0] for row in after["sessions"]}
    assert {s["id"] for s in parsed["sessions"]} <= stored
