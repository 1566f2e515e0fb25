"""Helpers for the bad-input corpus: a demo store, its exact bytes, and real hostile places
(a read-only disk, a full disk) made with a private mount namespace when the tests run as root."""

from __future__ import annotations

import functools
import hashlib
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from magcheck.core.questionnaires import load_all
from magcheck.demo import create_demo
from magcheck.store import Store

from .conftest import magcheck_exe


def demo_store(data: Path) -> list[str]:
    """A store with the demo group in `data`, closed cleanly; returns its session ids."""
    found, problems = load_all()
    assert not problems
    with Store.open(data) as store:
        _group, sessions = create_demo(store, found)
    return [s.id for s in sessions]


def fingerprint(data: Path) -> dict[str, str]:
    """sha256 of every file of the store (database, -wal, -shm): equal means byte-for-byte equal."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data.glob("magcheck.db*"))
        if p.stat().st_size  # an empty -wal left by a clean close says nothing
    }


def assert_clean_failure(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    """Non-zero, no traceback, every expected text in the one-line message."""
    assert result.returncode not in (0, 70), (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    for text in expected:
        assert text in result.stderr, (text, result.stderr)


@functools.cache
def can_mount() -> bool:
    """True when `unshare -m` can mount in a private namespace (root with CAP_SYS_ADMIN)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(
    not can_mount(), reason="needs root with mount rights (unshare -m) for a real read-only disk"
)


def mounted_shell(
    script: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a shell script in a private mount namespace: its mounts vanish with it and nobody
    else ever sees them."""
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "100", **(env or {})},
        timeout=60,
        check=False,
    )


def magcheck_command(*args: str) -> str:
    return " ".join(shlex.quote(a) for a in [*magcheck_exe(), *args])


def run_mounted(
    setup: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`magcheck args` after the shell `setup` (mounts), in a private mount namespace."""
    return mounted_shell(f"set -e\n{setup}\nset +e\nexec {magcheck_command(*args)}\n", env)


def read_only_mount(folder: Path) -> str:
    q = shlex.quote(str(folder))
    return f"mount --bind {q} {q}\nmount -o remount,bind,ro {q}"


def full_disk_mount(folder: Path, store_from: Path, before: str = "") -> str:
    """A 2 MB tmpfs at `folder` holding a copy of the store in `store_from` (and whatever the
    shell `before` writes), then filled up."""
    q, src = shlex.quote(str(folder)), shlex.quote(str(store_from))
    return (
        f"mount -t tmpfs -o size=2m tmpfs {q}\ncp -a {src} {q}/data\n{before}\n"
        f"dd if=/dev/zero of={q}/filler bs=4k 2>/dev/null || true"
    )
