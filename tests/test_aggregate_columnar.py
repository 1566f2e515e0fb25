"""The fast aggregate paths change no number.

With NumPy installed, aggregation scores all counted parts and compares all checks at once
(aggregate/columnar.py, columnar_checks.py); without it, part by part in Python. A Parquet
dataset's responses come in one DuckDB query when nothing in it is wrong, and are checked row
by row otherwise (aggregate/dataset_rows.py). Each pair must give the same output, byte for byte.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from magcheck.aggregate.render_json import to_data
from magcheck.aggregate.sources import aggregate_store
from magcheck.exports import export
from magcheck.store import Store, new_id

from .export_support import run
from .test_aggregate_dataset import random_data
from .test_aggregate_fast import write_store

# the real command, in a Python where `import numpy` fails as when it is not installed
WITHOUT_NUMPY = (
    "import sys; sys.modules['numpy'] = None; from magcheck.cli import main; sys.exit(main())"
)


def without_numpy(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_NUMPY, "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


def store_and_dataset(tmp_path: Path, seed: int) -> tuple[Path, Path]:
    write_store(tmp_path / "store", random_data(seed, groups=8))
    with Store.open(tmp_path / "store") as store:
        export(store, "parquet", tmp_path / "dataset")
    return tmp_path / "store", tmp_path / "dataset"


@pytest.mark.parametrize(("seed", "by"), [(3, None), (11, "region"), (29, "group")])
def test_without_numpy_every_output_is_byte_for_byte_the_same(
    tmp_path: Path, seed: int, by: str | None
) -> None:
    store, dataset = store_and_dataset(tmp_path, seed)
    with_by = ["--by", by] if by else []
    for source in ([], [str(dataset)]):
        for fmt in ("json", "csv"):
            fast = tmp_path / f"fast.{fmt}"
            slow = tmp_path / f"slow.{fmt}"
            run(
                "aggregate",
                *source,
                *with_by,
                "--format",
                fmt,
                "--out",
                str(fast),
                data_dir=store,
                check=True,
            )
            without_numpy(
                "aggregate", *source, *with_by, "--format", fmt, "--out", str(slow), data_dir=store
            )
            assert fast.read_bytes() == slow.read_bytes(), (source, fmt)
            fast.unlink()
            slow.unlink()


def test_the_json_file_is_json_dumps_of_the_results(tmp_path: Path) -> None:
    """--out writes the JSON a trend at a time: still json.dumps(indent=2) byte for byte."""
    store, _ = store_and_dataset(tmp_path, 5)
    out = tmp_path / "agg.json"
    run(
        "aggregate",
        "--by",
        "month",
        "--format",
        "json",
        "--out",
        str(out),
        data_dir=store,
        check=True,
    )
    with Store.open(store) as s:
        data = to_data(aggregate_store(s, "month"))
    assert data["trends"] and any(len(t["points"]) > 1 for t in data["trends"])
    assert out.read_text(encoding="utf-8") == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_a_stray_response_row_leaves_only_its_session_out(tmp_path: Path) -> None:
    """A wide-table row of a session the sessions table does not list sends the dataset down
    the row-by-row check: that session is named, every number stays what it was."""
    store, dataset = store_and_dataset(tmp_path, 7)
    before = json.loads(
        run("aggregate", str(dataset), "--format", "json", data_dir=store, check=True).stdout
    )
    stray = new_id()
    wide = next(p for p in sorted(dataset.glob("wide_*/**/*.parquet"))).parent
    table = pa.table({"session_id": [stray], "role": ["member"], "response_id": [new_id()]})
    pq.write_table(table, wide / "stray.parquet")
    after = json.loads(
        run("aggregate", str(dataset), "--format", "json", data_dir=store, check=True).stdout
    )
    notes = [n for n in after.pop("notes") if n not in before["notes"]]
    assert len(notes) == 1
    assert "responses of a session not in the sessions table" in notes[0]
    assert stray[:8] in notes[0]
    before.pop("notes")
    assert after == before
