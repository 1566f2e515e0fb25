"""--out never destroys the store, never writes to a device, a FIFO or a folder, and never leaves
half a file; what magcheck creates for outputs is owner-only."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from magcheck.outputs import OutputError, atomic_output

from .badinput_support import (
    assert_clean_failure,
    demo_store,
    fingerprint,
    full_disk_mount,
    magcheck_command,
    mounted_shell,
    needs_mount,
    read_only_mount,
    run_mounted,
)

COMMANDS = [["export", "--out"], ["aggregate", "--format", "json", "--out"]]


@pytest.fixture
def data(run_cli) -> Path:
    demo_store(run_cli.data_dir)
    return run_cli.data_dir


@pytest.mark.parametrize("command", COMMANDS, ids=["export", "aggregate"])
@pytest.mark.parametrize(
    "target", ["magcheck.db", "magcheck.db-wal", "magcheck.db-shm", "magcheck.db-journal"]
)
def test_out_onto_the_stores_own_files_is_refused_and_the_store_is_unchanged(
    run_cli, data, command, target
):
    before = fingerprint(data)
    result = run_cli(*command, str(data / target))
    assert_clean_failure(result, f"{data / target}: refused:", "magcheck.db")
    assert fingerprint(data) == before
    assert (data / "magcheck.db").stat().st_size > 0


@pytest.mark.parametrize("command", COMMANDS, ids=["export", "aggregate"])
def test_out_through_a_symlink_or_dotdot_to_the_store_is_refused(run_cli, data, tmp_path, command):
    before = fingerprint(data)
    link = tmp_path / "innocent.json"
    link.symlink_to(data / "magcheck.db")
    for out in (link, data / ".." / data.name / "magcheck.db"):
        result = run_cli(*command, str(out))
        assert_clean_failure(result, f"{out}: refused: it is the store's own file")
    assert fingerprint(data) == before
    assert link.is_symlink()


def test_out_onto_another_sqlite_database_is_refused(run_cli, data, tmp_path):
    other = tmp_path / "other" / "notes.db"
    other.parent.mkdir()
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    content = other.read_bytes()
    result = run_cli("export", "--out", str(other))
    assert_clean_failure(result, "refused: it is a SQLite database")
    assert other.read_bytes() == content


@pytest.mark.parametrize("command", COMMANDS, ids=["export", "aggregate"])
def test_out_onto_a_device_is_refused(run_cli, data, command):
    for device in ("/dev/full", "/dev/null"):
        result = run_cli(*command, device)
        assert_clean_failure(result, f"{device}: refused: it is a device")


def test_out_onto_a_fifo_or_a_folder_is_refused_without_blocking(run_cli, data, tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result = run_cli("export", "--out", str(fifo))  # would wait for a reader if it opened it
    assert_clean_failure(result, "refused: it is a named pipe (FIFO)")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    result = run_cli("aggregate", "--out", str(tmp_path))
    assert_clean_failure(result, "refused: it is a folder")


def test_out_under_a_regular_file_is_refused(run_cli, data, tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("mine\n")
    result = run_cli("export", "--out", str(plain / "x.json"))
    assert_clean_failure(result, f"{plain / 'x.json'}: cannot write", "not a folder")
    assert plain.read_text() == "mine\n"


def test_created_folders_and_files_are_owner_only_and_existing_folders_keep_their_mode(
    run_cli, data, tmp_path
):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    out = shared / "new" / "deeper" / "x.json"
    result = run_cli("export", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755  # the user's folder: untouched
    for folder in (shared / "new", shared / "new" / "deeper"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    result = run_cli("export")  # the default exports folder
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((data / "exports").stat().st_mode) == 0o700
    for f in (data / "exports").iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert [p.name for p in shared.rglob("*.part")] == []


@needs_mount
def test_out_in_a_read_only_folder_says_so(data, tmp_path):
    folder = tmp_path / "stick"
    folder.mkdir()
    result = run_mounted(
        read_only_mount(folder), "--data-dir", str(data), "export", "--out", str(folder / "x.json")
    )
    assert_clean_failure(result, f"{folder / 'x.json'}: cannot write", "read-only disk")
    assert list(folder.iterdir()) == []


@needs_mount
def test_a_full_disk_leaves_the_old_file_whole_and_no_partial_file(data, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    err = tmp_path / "stderr.txt"  # outside the tmpfs, so it survives the namespace
    export = magcheck_command(
        "--data-dir", str(disk / "data"), "export", "--out", f"{disk}/out.json"
    )
    script = (
        f"set -e\n{full_disk_mount(disk, data, before=f'echo old report > {disk}/out.json')}\n"
        f"set +e\n{export} 2> {err}\necho rc=$?\ncat {disk}/out.json\nls -a {disk}\n"
    )
    result = mounted_shell(script)
    message = err.read_text()
    assert "rc=1" in result.stdout, (result.stdout, message)
    assert f"{disk}/out.json: cannot write: the disk is full; nothing was written" in message
    assert "Traceback" not in message
    assert "old report" in result.stdout and ".part" not in result.stdout


def test_atomic_output_removes_its_temporary_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_output(target) as fh:
        fh.write("half a rep")
        raise RuntimeError("the writer broke")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]
    with (
        pytest.raises(OutputError, match="refused: it is a device"),
        atomic_output(Path("/dev/full")),
    ):
        pass
