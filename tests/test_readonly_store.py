"""A store that cannot be written (write-protected stick, read-only folder, full disk) can still be
read by every command that only reads; commands that write say why they cannot; opening a store
never loosens the modes of the user's folders and files."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from magcheck.errors import StoreError
from magcheck.store import Store
from magcheck.store import readonly as readonly_module

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

NOTE = "is read-only"


def reading_commands(session: str, out: Path) -> list[list[str]]:
    return [
        ["groups", "list"],
        ["sessions", "list"],
        ["sessions", "show", session[:8]],
        ["report", session[:8]],
        ["aggregate"],
        ["export", "--out", str(out)],
    ]


@needs_mount
def test_every_reading_command_works_on_a_write_protected_disk(tmp_path):
    stick = tmp_path / "stick"
    sessions = demo_store(stick / "data")
    data = stick / "data"
    before = fingerprint(data)
    for args in reading_commands(sessions[-1], tmp_path / "out.json"):
        result = run_mounted(read_only_mount(stick), "--data-dir", str(data), *args)
        assert result.returncode == 0, (args, result.stderr)
        assert result.stderr.count(NOTE) == 1, (args, result.stderr)
        assert f"the store at {data / 'magcheck.db'} is read-only (it is on a read-only disk)" in (
            result.stderr
        )
        assert "Traceback" not in result.stderr
    assert "Demo: Riverside peer support" in result.stdout + (tmp_path / "out.json").read_text()
    assert fingerprint(data) == before


@needs_mount
@pytest.mark.parametrize(
    "args",
    [["groups", "add", "New group"], ["demo"], ["export", "--pseudonymize"]],
    ids=["groups add", "demo", "pseudonymised export needs a salt"],
)
def test_writing_commands_say_why_they_cannot_on_a_write_protected_disk(tmp_path, args):
    stick = tmp_path / "stick"
    demo_store(stick / "data")
    data = stick / "data"
    before = fingerprint(data)
    if args[0] == "export":
        args = [*args, "--out", str(tmp_path / "p.json")]
    result = run_mounted(read_only_mount(stick), "--data-dir", str(data), *args)
    assert_clean_failure(
        result, f"the store at {data / 'magcheck.db'} is read-only (it is on a read-only disk)"
    )
    assert fingerprint(data) == before
    assert not (tmp_path / "p.json").exists()


@needs_mount
def test_a_store_left_with_its_wal_reads_from_a_read_only_disk(tmp_path):
    stick = tmp_path / "stick"
    data = stick / "data"
    demo_store(data)
    # A process that stops without closing the store (pulled stick, kill -9) leaves -wal + -shm.
    code = (
        "import os, sys\nfrom pathlib import Path\nfrom magcheck.store import Store\n"
        "s = Store.open(Path(sys.argv[1]))\ns.add_group('Only in the WAL')\nos._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(data)], check=True)
    assert (data / "magcheck.db-wal").stat().st_size > 0
    assert (data / "magcheck.db-shm").exists()
    result = run_mounted(read_only_mount(stick), "--data-dir", str(data), "groups", "list")
    assert result.returncode == 0, result.stderr
    assert "Only in the WAL" in result.stdout and NOTE in result.stderr
    # Without the -shm index SQLite cannot read the WAL from a read-only folder: say so.
    (data / "magcheck.db-shm").unlink()
    result = run_mounted(read_only_mount(stick), "--data-dir", str(data), "groups", "list")
    assert result.returncode == 0, result.stderr
    assert "Demo: Riverside peer support" in result.stdout
    assert "the latest changes, still in magcheck.db-wal, are not shown" in result.stderr


@needs_mount
def test_a_full_disk_still_lets_reading_commands_work(tmp_path):
    source = tmp_path / "source"
    sessions = demo_store(source)
    disk = tmp_path / "disk"
    disk.mkdir()
    err = tmp_path / "err.txt"
    data = disk / "data"
    steps = [
        f"{magcheck_command('--data-dir', str(data), 'report', sessions[-1][:8])} > /dev/null"
        f" 2> {err}; echo report=$?",
        f"{magcheck_command('--data-dir', str(data), 'groups', 'add', 'X')} 2>> {err}; echo add=$?",
        f"rm {disk}/filler",
        f"{magcheck_command('--data-dir', str(data), 'groups', 'add', 'After')} 2>> {err};"
        " echo after=$?",
    ]
    script = f"set -e\n{full_disk_mount(disk, source)}\nset +e\n" + "\n".join(steps)
    result = mounted_shell(script)
    message = err.read_text()
    assert "report=0" in result.stdout, message
    assert "is read-only (the disk is full); showing what it holds" in message
    assert "add=1" in result.stdout
    assert "is read-only (the disk is full): 'groups add' needs to save to it" in message
    assert "after=0" in result.stdout  # nothing was damaged: once there is room, it writes
    assert "Traceback" not in message


def test_a_read_only_folder_is_decided_from_os_access_and_opened_for_reading(tmp_path, monkeypatch):
    """The decision itself (root can write anywhere, so chmod cannot show it when tests run as
    root): a folder os.access says is not writable makes a read-only store, read with SQLite's
    mode=ro / immutable=1, and every write refused before SQLite sees it."""
    data = tmp_path / "data"
    demo_store(data)
    before = fingerprint(data)
    real_access = os.access

    def no_writes_here(path, mode, *args, **kwargs):  # type: ignore[no-untyped-def]
        if mode & os.W_OK and Path(path).resolve().is_relative_to(data.resolve()):
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(readonly_module.os, "access", no_writes_here)
    with Store.open(data) as store:
        assert store.read_only == f"its folder {data} cannot be written"
        assert [g.name for g in store.groups()] == ["Demo: Riverside peer support"]
        assert len(store.sessions()) == 6
        with pytest.raises(StoreError, match="is read-only .*: this cannot be saved"):
            store.add_group("Another")
    assert fingerprint(data) == before
    assert not (data / "magcheck.db-wal").exists()


def test_opening_a_store_never_loosens_modes(run_cli, tmp_path):
    data = run_cli.data_dir
    sessions = demo_store(data)
    os.chmod(data / "magcheck.db", 0o400)
    os.chmod(data, 0o500)
    try:
        before = fingerprint(data)
        result = run_cli("report", sessions[-1][:8])
        assert result.returncode == 0, result.stderr
        if os.geteuid() != 0:  # root may write anyway, so only a non-root run sees the note
            assert NOTE in result.stderr
        assert stat.S_IMODE(data.stat().st_mode) == 0o500
        assert stat.S_IMODE((data / "magcheck.db").stat().st_mode) == 0o400
        assert fingerprint(data) == before
    finally:
        os.chmod(data, 0o700)


def test_an_existing_store_only_ever_loses_group_and_other_permissions(tmp_path):
    data = tmp_path / "data"
    demo_store(data)
    os.chmod(data / "magcheck.db", 0o644)
    os.chmod(data, 0o755)
    Store.open(data).close()
    assert stat.S_IMODE((data / "magcheck.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o755  # the user's folder is theirs
    fresh = tmp_path / "new" / "store"
    Store.open(fresh).close()
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700
    assert stat.S_IMODE(fresh.parent.stat().st_mode) == 0o700
