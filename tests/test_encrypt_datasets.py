"""Encrypted Parquet, SPSS and Stata exports (nothing in clear on disk) and `magcheck decrypt`:
round trips through the real command, the other age implementation, damaged files refused, and a
device that requires encryption. Everything through the real `magcheck` command."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .export_support import fill_store, run

pyrage = pytest.importorskip("pyrage")
pq = pytest.importorskip("pyarrow.parquet")
pyreadstat = pytest.importorskip("pyreadstat")
pd = pytest.importorskip("pandas")

PASSPHRASE = "correct horse battery staple"
AGE = shutil.which("age") or shutil.which("rage")
AGE_MAGIC = b"age-encryption.org/v1\n"


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An evaluator key pair (passphrase-protected), its identity in the plain form the age tool
    reads, a stranger's identity, a field store, and the clear exports to compare with."""
    w = tmp_path_factory.mktemp("enc")
    (w / "pass").write_text(PASSPHRASE + "\n")
    run("keys", "new", "--out", str(w / "ev"), "--passphrase-file", str(w / "pass"),
        data_dir=w / "unused", check=True)  # fmt: skip
    secret = pyrage.passphrase.decrypt((w / "ev.key").read_bytes(), PASSPHRASE).decode()
    (w / "ev.txt").write_text(secret)
    stranger = pyrage.x25519.Identity.generate()
    (w / "stranger.txt").write_text(f"{stranger}\n")
    fill_store(w / "field", groups=3)
    clear = w / "clear"
    run("export", "--format", "parquet", "--out", str(clear / "pq"), data_dir=w / "field",
        check=True)  # fmt: skip
    for fmt in ("sav", "dta"):
        run("export", "--format", fmt, "--out", str(clear / f"t.{fmt}"), data_dir=w / "field",
            check=True)  # fmt: skip
    return {"w": w, "field": w / "field", "pub": w / "ev.pub", "key": w / "ev.key",
            "pass": w / "pass", "plain_id": w / "ev.txt", "stranger": w / "stranger.txt",
            "clear": clear}  # fmt: skip


def _export(work: dict[str, Path], fmt: str, out: Path, *extra: str):
    return run("export", "--format", fmt, "--out", str(out), "--encrypt-to", str(work["pub"]),
               *extra, data_dir=work["field"])  # fmt: skip


def _decrypt(work: dict[str, Path], src: Path, out: Path, identity: str = "key"):
    extra = ["--passphrase-file", str(work["pass"])] if identity == "key" else []
    return run("decrypt", str(src), "--identity", str(work[identity]), "--out", str(out), *extra,
               data_dir=work["w"] / "evaluator")  # fmt: skip


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _assert_nothing_in_clear(files: list[Path]) -> None:
    """Every file is age ciphertext: no Parquet magic, no SPSS/Stata header, no JSON, no text
    from the data."""
    assert files
    for path in files:
        raw = path.read_bytes()
        assert path.name.endswith(".age") and raw.startswith(AGE_MAGIC), path
        body = raw[raw.index(b"\n---") :]
        for clear in (b"PAR1", b"$FL2", b"<stata_dta>", b'"fields"', b"Group 1", b"member"):
            assert clear not in body, (path, clear)
        assert path.stat().st_mode & 0o777 == 0o600


def _table(folder: Path, name: str):
    """A table of a Parquet dataset read with its Hive partitions, rows in a fixed order."""
    import pyarrow.dataset as ds

    table = ds.dataset(folder / name, format="parquet", partitioning="hive").to_table()
    return sorted(table.to_pylist(), key=repr)


def test_parquet_every_file_encrypted_layout_kept_and_decrypt_gives_the_clear_dataset(
    work, tmp_path
):
    got = _export(work, "parquet", tmp_path / "ds")
    assert got.returncode == 0, got.stderr
    sealed = _files(tmp_path / "ds")
    _assert_nothing_in_clear(sealed)
    clear = work["clear"] / "pq"
    assert [str(p.relative_to(tmp_path / "ds")) for p in sealed] == [
        str(p.relative_to(clear)) + ".age" for p in _files(clear)
    ]  # the Hive layout kept: answers/year=2026/region=Region 1/part-0.parquet.age ...
    assert (tmp_path / "ds").stat().st_mode & 0o777 == 0o700
    assert [p.name for p in tmp_path.iterdir()] == ["ds"]  # no temporary folder left

    opened = _decrypt(work, tmp_path / "ds", tmp_path / "open")
    assert opened.returncode == 0, opened.stderr
    assert "Wrote" in opened.stdout
    out = tmp_path / "open"
    assert [p.relative_to(out) for p in _files(out)] == [
        p.relative_to(clear) for p in _files(clear)
    ]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in _files(out))
    tables = sorted(p.name for p in clear.iterdir() if p.is_dir() and p.name != "questionnaires")
    assert "answers" in tables and any(t.startswith("wide_") for t in tables)
    for name in tables:
        assert _table(out, name) == _table(clear, name), name
    codebook, before = (json.loads((d / "datapackage.json").read_text()) for d in (out, clear))
    codebook.pop("created"), before.pop("created")
    assert codebook == before
    for q in (clear / "questionnaires").iterdir():
        assert (out / "questionnaires" / q.name).read_bytes() == q.read_bytes()
    duckdb = pytest.importorskip("duckdb")
    glob = str(out / "answers" / "**" / "*.parquet")
    [(n,)] = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{glob}', hive_partitioning=true)"
    ).fetchall()
    assert n == len(_table(clear, "answers"))


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_sav_and_dta_encrypted_open_with_pyrage_and_read_back_with_labels(work, tmp_path, fmt):
    got = _export(work, fmt, tmp_path / f"t.{fmt}")
    assert got.returncode == 0, got.stderr
    sealed = _files(tmp_path)
    clear = sorted(p for p in work["clear"].iterdir() if p.name.startswith("t-"))
    clear = [p for p in clear if p.name.endswith((f".{fmt}", f"-{fmt}-datapackage.json"))]
    assert [p.name for p in sealed] == [p.name + ".age" for p in clear]
    assert any(p.name.endswith("datapackage.json.age") for p in sealed)
    _assert_nothing_in_clear(sealed)

    identity = pyrage.x25519.Identity.from_str(
        next(s for s in work["plain_id"].read_text().splitlines() if s.startswith("AGE-SECRET"))
    )
    for enc, plain in zip(sealed, clear, strict=True):
        data = pyrage.decrypt(enc.read_bytes(), [identity])
        if plain.suffix == ".json":
            a, b = json.loads(data), json.loads(plain.read_bytes())
            a.pop("created"), b.pop("created")
            assert a == b
            continue
        path = tmp_path / ("back-" + plain.name)
        path.write_bytes(data)
        read = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
        frame, meta = read(str(path), user_missing=True)
        want, want_meta = read(str(plain), user_missing=True)
        pd.testing.assert_frame_equal(frame, want)
        assert meta.column_names_to_labels == want_meta.column_names_to_labels
        assert meta.variable_value_labels == want_meta.variable_value_labels
        assert any(meta.variable_value_labels.values())  # the scale anchors came through
        if fmt == "dta":
            stata = pd.read_stata(io.BytesIO(data), convert_categoricals=False)
            labels = pd.io.stata.StataReader(io.BytesIO(data)).variable_labels()
            assert len(stata) == len(want) and labels == want_meta.column_names_to_labels


@pytest.mark.skipif(AGE is None, reason="neither age nor rage is on PATH (apt-get install age)")
@pytest.mark.parametrize("fmt", ["sav", "dta", "parquet"])
def test_the_age_tool_opens_every_encrypted_file(work, tmp_path, fmt):
    assert AGE is not None
    out = tmp_path / ("ds" if fmt == "parquet" else f"t.{fmt}")
    assert _export(work, fmt, out).returncode == 0
    for enc in _files(tmp_path):
        opened = subprocess.run(
            [AGE, "-d", "-i", str(work["plain_id"]), str(enc)], capture_output=True, check=True
        )
        head = opened.stdout[:12]
        if enc.name.endswith(".json.age"):
            assert head.startswith(b"{")
        else:
            assert head[:4] in (b"PAR1", b"$FL2") or head.startswith(b"<stata_dta>"), enc


def _damaged(work, tmp_path, damage):
    """An encrypted Parquet folder with one part file damaged (or encrypted to another key)."""
    if damage == "wrong identity":
        return "stranger", None
    target = next(p for p in _files(tmp_path / "ds") if "scores" in str(p))
    raw = bytearray(target.read_bytes())
    if damage == "flipped byte":
        raw[-40] ^= 0x01
    else:
        raw = raw[: len(raw) - 20]
    target.write_bytes(bytes(raw))
    return "key", target


@pytest.mark.parametrize("damage", ["wrong identity", "flipped byte", "truncated"])
def test_a_folder_with_one_bad_file_is_refused_in_one_line_and_nothing_is_written(
    work, tmp_path, damage
):
    assert _export(work, "parquet", tmp_path / "ds").returncode == 0
    identity, bad = _damaged(work, tmp_path, damage)
    got = _decrypt(work, tmp_path / "ds", tmp_path / "open", identity)
    assert got.returncode == 1
    [line] = got.stderr.splitlines()
    assert line.startswith("magcheck: error: ") and ".parquet.age: " in line
    if bad is not None:
        assert str(bad) in line and "damaged or cut short" in line
    else:
        assert "encrypted to other keys" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]  # no folder, no hidden sibling


@pytest.mark.parametrize("damage", ["wrong identity", "flipped byte", "truncated"])
def test_a_bad_single_file_is_refused_and_nothing_is_written(work, tmp_path, damage):
    assert _export(work, "sav", tmp_path / "t.sav").returncode == 0
    enc = next(p for p in _files(tmp_path) if p.name.endswith(".sav.age"))
    raw = enc.read_bytes()
    if damage == "flipped byte":
        enc.write_bytes(raw[:-40] + bytes([raw[-40] ^ 1]) + raw[-39:])
    elif damage == "truncated":
        enc.write_bytes(raw[: len(raw) // 2])
    before = sorted(p.name for p in tmp_path.iterdir())
    got = _decrypt(
        work, enc, tmp_path / "t.sav", "stranger" if damage == "wrong identity" else "key"
    )
    assert got.returncode == 1
    [line] = got.stderr.splitlines()
    assert str(enc) in line
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_decrypt_never_overwrites_and_wants_age_files(work, tmp_path):
    assert _export(work, "dta", tmp_path / "t.dta").returncode == 0
    enc = next(p for p in _files(tmp_path) if p.name.endswith(".dta.age"))
    (tmp_path / "taken.dta").write_bytes(b"mine")
    got = _decrypt(work, enc, tmp_path / "taken.dta")
    assert got.returncode == 1 and "exists" in got.stderr
    assert (tmp_path / "taken.dta").read_bytes() == b"mine"
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    assert _decrypt(work, tmp_path, tmp_path / "full").returncode == 1
    got = _decrypt(work, work["clear"] / "t-dta-datapackage.json", tmp_path / "c.json")
    assert got.returncode == 1 and "not an age-encrypted file" in got.stderr
    assert not (tmp_path / "c.json").exists()
    got = _decrypt(work, work["clear"] / "pq", tmp_path / "clear-again")
    assert got.returncode == 1 and "not encrypted (no .age)" in got.stderr
    assert not (tmp_path / "clear-again").exists()


def test_require_encryption_covers_parquet_sav_dta_and_fhir(work, tmp_path):
    store = tmp_path / "device"
    fill_store(store, groups=1)
    run("config", "set", "require-encryption", "on", data_dir=store, check=True)
    outs = {"parquet": "ds", "sav": "t.sav", "dta": "t.dta", "fhir": "t.json"}
    for fmt, name in outs.items():
        out = tmp_path / "out" / fmt / name
        got = run("export", "--format", fmt, "--out", str(out), data_dir=store)
        assert got.returncode == 1 and "requires encrypted exports" in got.stderr, fmt
        assert not (tmp_path / "out").exists()
    for fmt, name in outs.items():
        out = tmp_path / "ok" / fmt / name
        got = run("export", "--format", fmt, "--out", str(out), "--unencrypted", data_dir=store)
        assert got.returncode == 0, got.stderr
        sealed = run("export", "--format", fmt, "--out", str(tmp_path / "enc" / fmt / name),
                     "--encrypt-to", str(work["pub"]), data_dir=store)  # fmt: skip
        assert sealed.returncode == 0, sealed.stderr
        _assert_nothing_in_clear(_files(tmp_path / "enc" / fmt))


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_without_in_memory_files_sav_and_dta_refuse_encryption_and_write_nothing(
    work, tmp_path, fmt
):
    """A system without memfd (macOS, Windows): simulated by removing os.memfd_create."""
    code = (
        "import os, sys; del os.memfd_create\n"
        "from magcheck.cli import main\n"
        f"sys.exit(main(['--data-dir', {str(work['field'])!r}, 'export', '--format', {fmt!r}, "
        f"'--out', {str(tmp_path / ('t.' + fmt))!r}, '--encrypt-to', {str(work['pub'])!r}]))"
    )
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert got.returncode == 1
    [line] = got.stderr.splitlines()
    assert f"--format {fmt} cannot be encrypted on this system" in line
    assert "--format parquet or csv" in line and not list(tmp_path.iterdir())
