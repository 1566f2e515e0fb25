"""Encrypted hand-over (age): evaluator keys, exports encrypted to them, imports that open them,
and a device that refuses to export in clear. Everything through the real `magcheck` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .export_support import dump, fill_store, run

pyrage = pytest.importorskip("pyrage")

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An evaluator key pair made by `magcheck keys new`, a backup identity in the plain
    age-keygen form, a stranger's, and a field store with data."""
    work = tmp_path_factory.mktemp("keys")
    (work / "pass").write_text(PASSPHRASE + "\n")
    out = run(
        "keys",
        "new",
        "--out",
        str(work / "evaluator"),
        "--passphrase-file",
        str(work / "pass"),
        data_dir=work / "unused",
    )
    assert out.returncode == 0, out.stderr
    for name in ("backup", "stranger"):
        identity = pyrage.x25519.Identity.generate()
        (work / f"{name}.txt").write_text(f"# plain identity\n{identity}\n")
        (work / f"{name}.pub").write_text(f"{identity.to_public()}\n")
    fill_store(work / "field", groups=2)
    return {
        "work": work,
        "pass": work / "pass",
        "pub": work / "evaluator.pub",
        "key": work / "evaluator.key",
        "backup": work / "backup.txt",
        "backup_pub": work / "backup.pub",
        "stranger": work / "stranger.txt",
        "field": work / "field",
    }


def _export(keys: dict[str, Path], out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run("export", "--out", str(out), *extra, data_dir=keys["field"])


def _import(keys: dict[str, Path], store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run("import", *args, "--passphrase-file", str(keys["pass"]), data_dir=store)


def test_keys_new_writes_an_owner_only_pair_with_a_passphrase_protected_identity(keys):
    pub, key = keys["pub"], keys["key"]
    assert oct(pub.stat().st_mode & 0o777) == "0o600" and oct(key.stat().st_mode & 0o777) == "0o600"
    [recipient] = pub.read_text().splitlines()
    assert recipient.startswith("age1")
    sealed = key.read_bytes()
    assert b"AGE-SECRET-KEY" not in sealed and sealed.startswith(b"-----BEGIN AGE ENCRYPTED FILE")
    secret = pyrage.passphrase.decrypt(sealed, PASSPHRASE).decode()
    [line] = [s for s in secret.splitlines() if s.startswith("AGE-SECRET-KEY-1")]
    assert str(pyrage.x25519.Identity.from_str(line).to_public()) == recipient
    with pytest.raises(pyrage.DecryptError):
        pyrage.passphrase.decrypt(sealed, "not the passphrase")


def test_keys_new_never_overwrites_and_wants_a_real_passphrase(keys, tmp_path):
    before = keys["key"].read_bytes()
    again = run(
        "keys", "new", "--out", str(keys["pub"]), "--passphrase-file", str(keys["pass"]),
        data_dir=tmp_path,
    )  # fmt: skip
    assert again.returncode == 1 and "never overwritten" in again.stderr
    assert keys["key"].read_bytes() == before
    (tmp_path / "short").write_text("short\n")
    weak = run(
        "keys", "new", "--out", str(tmp_path / "k"), "--passphrase-file", str(tmp_path / "short"),
        data_dir=tmp_path,
    )  # fmt: skip
    assert weak.returncode == 1 and "at least 10 characters" in weak.stderr
    assert not list(tmp_path.glob("k.*"))
    no_tty = subprocess.run(
        [*_magcheck(), "--data-dir", str(tmp_path), "keys", "new", "--out", str(tmp_path / "k")],
        capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert no_tty.returncode == 1 and "--passphrase-file" in no_tty.stderr


def _magcheck() -> list[str]:
    return [str(Path(sys.executable).with_name("magcheck"))]


def test_encrypted_bundle_imports_with_the_right_identity_and_nothing_is_in_clear(keys, tmp_path):
    out = tmp_path / "out"
    result = _export(keys, out / "tuesday.json", "--encrypt-to", str(keys["pub"]))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["tuesday.json.age"]
    sealed = out / "tuesday.json.age"
    assert oct(sealed.stat().st_mode & 0o777) == "0o600"
    assert b"magcheck-bundle" not in sealed.read_bytes()

    plain = _export(keys, tmp_path / "plain.json")
    assert plain.returncode == 0
    run("import", str(tmp_path / "plain.json"), data_dir=tmp_path / "from-plain", check=True)
    got = _import(keys, tmp_path / "eval", str(sealed), "--identity", str(keys["key"]))
    assert got.returncode == 0, got.stderr
    assert "4 session(s) imported" in got.stdout
    assert dump(tmp_path / "eval") == dump(tmp_path / "from-plain")


def test_without_identity_an_encrypted_bundle_is_rejected_with_what_to_give(keys, tmp_path):
    _export(keys, tmp_path / "b.json", "--encrypt-to", str(keys["pub"]))
    got = run("import", str(tmp_path / "b.json.age"), data_dir=tmp_path / "eval")
    assert got.returncode == 1 and "give --identity KEYFILE" in got.stdout


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


@pytest.mark.parametrize(
    ("damage", "identity", "reason"),
    [
        (lambda d: d, "stranger", "encrypted to other keys"),
        (lambda d: _flip(d, len(d) // 2), "key", "damaged or cut short"),
        (lambda d: _flip(d, len(d) - 5), "key", "damaged or cut short"),
        (lambda d: _flip(d, 60), "key", "encrypted"),
        (lambda d: d[: len(d) // 2], "key", "damaged or cut short"),
        (lambda d: d[:-1], "key", "damaged or cut short"),
    ],
    ids=["wrong key", "flipped byte", "flipped tag", "flipped header", "truncated", "last byte"],
)
def test_a_wrong_key_or_a_damaged_file_imports_nothing(keys, tmp_path, damage, identity, reason):
    _export(keys, tmp_path / "b.json", "--encrypt-to", str(keys["pub"]))
    store = tmp_path / "eval"
    fill_store(store, groups=1, seed=3)
    db = store / "magcheck.db"
    before, before_bytes = dump(store), db.read_bytes()
    bad = tmp_path / "bad.json.age"
    bad.write_bytes(damage((tmp_path / "b.json.age").read_bytes()))
    got = _import(keys, store, str(bad), "--identity", str(keys[identity]))
    assert got.returncode == 1
    [line] = [s for s in got.stdout.splitlines() if "rejected:" in s]
    assert reason in line and "Traceback" not in got.stderr
    assert dump(store) == before and db.read_bytes() == before_bytes


def test_a_wrong_passphrase_is_refused_in_one_line(keys, tmp_path):
    _export(keys, tmp_path / "b.json", "--encrypt-to", str(keys["pub"]))
    (tmp_path / "wrong").write_text("not the passphrase at all\n")
    got = run(
        "import", str(tmp_path / "b.json.age"), "--identity", str(keys["key"]),
        "--passphrase-file", str(tmp_path / "wrong"), data_dir=tmp_path / "eval",
    )  # fmt: skip
    assert got.returncode == 1
    assert (
        got.stderr.strip()
        == f"magcheck: error: {keys['key']}: wrong passphrase (or a damaged key file)"
    )


def test_two_recipients_either_key_opens_it(keys, tmp_path):
    sealed = tmp_path / "b.json.age"
    made = _export(
        keys, sealed, "--encrypt-to", str(keys["pub"]), "--encrypt-to", str(keys["backup_pub"])
    )
    assert made.returncode == 0 and made.stdout.strip() == f"Wrote {sealed}"
    for name in ("key", "backup"):
        got = _import(keys, tmp_path / name, str(sealed), "--identity", str(keys[name]))
        assert got.returncode == 0 and "4 session(s) imported" in got.stdout


def test_stored_recipients_and_require_encryption(keys, tmp_path):
    field = tmp_path / "field"
    shutil.copytree(keys["field"], field)
    bad = run("keys", "add-recipient", "age1notakey", data_dir=field)
    assert bad.returncode == 1 and "not a valid age public key" in bad.stderr
    secret = run("keys", "add-recipient", "AGE-SECRET-KEY-1ABC", data_dir=field)
    assert secret.returncode == 1 and "secret key" in secret.stderr
    run("keys", "add-recipient", str(keys["pub"]), "--name", "national", data_dir=field, check=True)
    listed = run("keys", "list", data_dir=field, check=True).stdout
    assert "national" in listed and keys["pub"].read_text().strip() in listed

    run("config", "set", "require-encryption", "on", data_dir=field, check=True)
    for fmt in ("bundle", "csv", "fhir"):
        refused = run("export", "--format", fmt, "--out", str(tmp_path / "p.csv"), data_dir=field)
        assert refused.returncode == 1 and "requires encrypted exports" in refused.stderr
    assert not list(tmp_path.glob("p*"))
    allowed = run("export", "--out", str(tmp_path / "p.json"), "--unencrypted", data_dir=field)
    assert allowed.returncode == 0 and (tmp_path / "p.json").is_file()

    tables = run(
        "export", "--format", "csv", "--out", str(tmp_path / "t.csv"), "--encrypt", data_dir=field
    )
    assert tables.returncode == 0, tables.stderr
    assert sorted(p.name for p in tmp_path.glob("t*")) == [
        "t-answers.csv.age",
        "t-csv-datapackage.json.age",  # the codebook travels encrypted too
        "t-scores.csv.age",
    ]
    identity = pyrage.passphrase.decrypt(keys["key"].read_bytes(), PASSPHRASE).decode()
    [secret_line] = [s for s in identity.splitlines() if s.startswith("AGE-SECRET")]
    me = pyrage.x25519.Identity.from_str(secret_line)
    answers = pyrage.decrypt((tmp_path / "t-answers.csv.age").read_bytes(), [me])
    assert answers.startswith("\ufeffgroup_id,".encode())

    run("keys", "remove-recipient", "national", data_dir=field, check=True)
    none = run("export", "--encrypt", "--out", str(tmp_path / "x.json"), data_dir=field)
    assert none.returncode == 1 and "no recipient stored" in none.stderr


def test_aggregate_opens_encrypted_bundles(keys, tmp_path):
    _export(keys, tmp_path / "b.json", "--encrypt-to", str(keys["pub"]))
    _export(keys, tmp_path / "p.json")
    sealed = run(
        "aggregate", str(tmp_path / "b.json.age"), "--identity", str(keys["backup"]),
        "--identity", str(keys["key"]), "--passphrase-file", str(keys["pass"]),
        "--format", "json", data_dir=tmp_path / "eval",
    )  # fmt: skip
    plain = run("aggregate", str(tmp_path / "p.json"), "--format", "json", data_dir=tmp_path / "e")
    assert sealed.returncode == 0, sealed.stderr
    assert sealed.stdout.replace("b.json.age", "p.json") == plain.stdout


def test_without_the_extra_the_command_says_what_to_install(keys, tmp_path):
    code = (
        "import sys; sys.modules['pyrage'] = None\n"
        "from magcheck.cli import main\n"
        f"sys.exit(main(['--data-dir', {str(keys['field'])!r}, 'export', '--out', "
        f"{str(tmp_path / 'x.json')!r}, '--encrypt-to', {str(keys['pub'])!r}]))"
    )
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert got.returncode == 1
    assert 'pip install "magcheck[crypto]"' in got.stderr and not list(tmp_path.iterdir())


AGE = shutil.which("age") or shutil.which("rage")


@pytest.mark.skipif(AGE is None, reason="neither age nor rage is on PATH (apt-get install age)")
def test_the_age_tool_opens_what_magcheck_writes_and_the_other_way(keys, tmp_path):
    assert AGE is not None
    _export(keys, tmp_path / "b.json", "--encrypt-to", str(keys["backup_pub"]))
    opened = subprocess.run(
        [AGE, "-d", "-i", str(keys["backup"]), str(tmp_path / "b.json.age")],
        capture_output=True,
        check=True,
    )
    assert opened.stdout.startswith(b'{"app_version"') and b'"sha256":"' in opened.stdout
    _export(keys, tmp_path / "p.json")
    recipient = keys["pub"].read_text().strip()
    subprocess.run(
        [AGE, "-r", recipient, "-o", str(tmp_path / "by-age.age"), str(tmp_path / "p.json")],
        check=True,
    )
    got = _import(
        keys, tmp_path / "eval", str(tmp_path / "by-age.age"), "--identity", str(keys["key"])
    )
    assert got.returncode == 0 and "4 session(s) imported" in got.stdout


@pytest.mark.skipif(AGE is None, reason="neither age nor rage is on PATH (apt-get install age)")
def test_the_age_tool_opens_the_key_file_with_the_passphrase(keys):
    """`age -d evaluator.key` asks the passphrase on the terminal: given it through a pty."""
    assert AGE is not None
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child becomes age
        os.execv(AGE, [AGE, "-d", str(keys["key"])])
    seen = b""
    sent = False
    while True:
        ready, _, _ = select.select([fd], [], [], 20)
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not sent and b"passphrase" in seen.lower():
            os.write(fd, PASSPHRASE.encode() + b"\n")
            sent = True
    os.waitpid(pid, 0)
    assert b"AGE-SECRET-KEY-1" in seen


def test_a_writer_failing_half_way_leaves_no_file(tmp_path):
    from magcheck.exports.crypto import encrypted_output

    recipient = str(pyrage.x25519.Identity.generate().to_public())
    with pytest.raises(RuntimeError), encrypted_output(tmp_path / "x.json", [recipient]) as fh:
        fh.write("x" * 1_000_000)  # more than a pipe holds: the encryptor is streaming
        raise RuntimeError("the store went away")
    assert list(tmp_path.iterdir()) == []
