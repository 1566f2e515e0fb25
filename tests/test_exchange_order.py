"""Import and aggregate whose outcome never depends on timing or on the order files are given:
two imports of one file at once, and two files holding different copies of one session."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import uuid
from pathlib import Path

from magcheck.exports import export
from magcheck.exports.bundle import checksum
from magcheck.store import Store

from .export_support import MAGCHECK, dump, fill_store, run


def _bundle(tmp_path: Path, groups: int = 3, sessions: int = 4) -> Path:
    fill_store(tmp_path / "src", groups=groups, sessions=sessions)
    with Store.open(tmp_path / "src") as store:
        [path] = export(store, "bundle", tmp_path / "one.json")
    return path


def _big_bundle(tmp_path: Path, copies: int = 300) -> Path:
    """Many sessions (copies of a real one under new ids), so writing the file takes a while
    and two imports started together overlap."""
    one = _bundle(tmp_path, groups=1, sessions=1)
    doc = json.loads(one.read_bytes())
    template = doc["sessions"][0]
    doc["sessions"] = []
    for _ in range(copies):
        s = copy.deepcopy(template)
        s["id"] = uuid.uuid4().hex
        s["check_id"] = uuid.uuid4().hex
        for r in s["responses"]:
            r["id"] = uuid.uuid4().hex
        doc["sessions"].append(s)
    doc["sha256"] = checksum(doc)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc), "utf-8")
    return path


def _start_import(data: Path, path: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "MAGCHECK_DATA_DIR"}
    return subprocess.Popen(
        [MAGCHECK, "--data-dir", str(data), "import", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_two_imports_of_one_file_at_once_import_it_once_and_the_other_says_skipped(
    tmp_path: Path,
) -> None:
    bundle = _big_bundle(tmp_path)
    n = len(json.loads(bundle.read_bytes())["sessions"])
    Store.open(tmp_path / "reference").close()
    assert run("import", str(bundle), data_dir=tmp_path / "reference").returncode == 0
    reference = dump(tmp_path / "reference")
    for round_ in range(4):
        data = tmp_path / f"round{round_}"
        Store.open(data).close()
        procs = [_start_import(data, bundle) for _ in range(2)]
        outs = [(p.communicate(timeout=120), p.returncode) for p in procs]
        for (stdout, stderr), code in outs:
            assert code == 0, (round_, stdout, stderr)
            assert "UNIQUE" not in stdout + stderr and "Traceback" not in stderr
        summaries = sorted(stdout.splitlines()[-1] for (stdout, _), _ in outs)
        assert summaries == [
            f"0 session(s) imported, {n} skipped (already here), 0 conflict(s), "
            "0 file(s) rejected (of 1 file(s))",
            f"{n} session(s) imported, 0 skipped (already here), 0 conflict(s), "
            "0 file(s) rejected (of 1 file(s))",
        ], round_
        assert dump(data) == reference


def test_aggregate_of_differing_copies_is_the_same_in_any_order_and_names_the_conflict(
    tmp_path: Path,
) -> None:
    one = _bundle(tmp_path, groups=2, sessions=2)
    doc = json.loads(one.read_bytes())
    other = copy.deepcopy(doc)
    changed = other["sessions"][1]
    answer = changed["responses"][1]["answers"][0]
    answer[1] = 1 if answer[1] != 1 else 5
    other["sha256"] = checksum(other)
    two = tmp_path / "two.json"
    two.write_text(json.dumps(other), "utf-8")
    empty = tmp_path / "empty"
    ab = run("aggregate", str(one), str(two), "--format", "json", data_dir=empty, check=True)
    ba = run("aggregate", str(two), str(one), "--format", "json", data_dir=empty, check=True)
    assert ab.stdout == ba.stdout
    notes = json.loads(ab.stdout)["notes"]
    conflict = [n for n in notes if n.startswith(f"session {changed['id'][:8]} differs between")]
    assert len(conflict) == 1 and str(one) in conflict[0] and str(two) in conflict[0]
    assert any("1 session(s) differ between files" in n for n in notes)
    assert json.loads(ab.stdout)["sessions"] == len(doc["sessions"])
