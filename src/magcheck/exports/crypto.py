"""Encrypted hand-over in the age format (through pyrage): recipients, identities, encrypting
outputs while they are written, decrypting bundles in memory. No cryptography is done here by
hand: every primitive is age's (X25519 recipients, scrypt passphrases, the STREAM payload).
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from ..errors import InputError, MagcheckError
from ..inputs import FileRefused, read_regular
from ..outputs import OutputError, atomic_output, check_target

AGE_HEADERS = (b"age-encryption.org/v1\n", b"-----BEGIN AGE ENCRYPTED FILE-----")


class DecryptionRefused(MagcheckError):
    """An encrypted file that cannot be opened; str() is the one-line reason."""


SUFFIX = ".age"
INSTALL = 'pip install "magcheck[crypto]"'
ENCRYPTABLE = ("bundle", "csv", "fhir", "parquet", "sav", "dta")  # see memfile.py for sav/dta
MAX_KEY_FILE = 64 * 1024
MIN_PASSPHRASE = 10


class CryptoError(MagcheckError):
    title = "Encryption"


def pyrage() -> Any:
    """The pyrage module, or a message saying exactly what to install."""
    try:
        import pyrage as module  # type: ignore[import-untyped]
    except ImportError:
        raise CryptoError(f"encryption needs the optional crypto extra: {INSTALL}") from None
    return module


def is_encrypted(head: bytes) -> bool:
    """Whether bytes start like an age file (binary or armored)."""
    return head[:64].lstrip(b"\xef\xbb\xbf").startswith(AGE_HEADERS)


def with_suffix(path: Path) -> Path:
    return path if path.name.endswith(SUFFIX) else path.with_name(path.name + SUFFIX)


# --- recipients (public keys: what a field device holds) ---------------------------------------


def check_recipient(text: str, where: str = "key") -> str:
    """A valid age X25519 recipient (age1…), or CryptoError with a one-line reason."""
    key = text.strip()
    if key.upper().startswith("AGE-SECRET-KEY-"):
        raise CryptoError(
            f"{where}: this is a secret key (an identity); a field device gets only the "
            "public key, the line in the .pub file that starts with age1"
        )
    if not key.startswith("age1"):
        shown = key[:20] + ("…" if len(key) > 20 else "")
        raise CryptoError(
            f"{where}: {shown!r} is not an age public key (one starts with age1, see the .pub file)"
        )
    try:
        pyrage().x25519.Recipient.from_str(key)
    except Exception as exc:  # pyrage.RecipientError: a typo or a cut-off copy
        raise CryptoError(f"{where}: not a valid age public key ({exc}; copied whole?)") from None
    return key


def recipients_in_file(path: Path) -> list[str]:
    """The age1… lines of a recipients file (.pub); '#' comments and blank lines are skipped."""
    try:
        raw = read_regular(path, MAX_KEY_FILE)
    except FileRefused as exc:
        raise CryptoError(str(exc)) from None
    try:
        lines = raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise CryptoError(f"{path}: not a public key file (not text)") from None
    keys = [
        check_recipient(line, f"{path}:{n}")
        for n, line in enumerate(lines, 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not keys:
        raise CryptoError(f"{path}: no public key (age1…) in it")
    return keys


def resolve(keys: Iterable[str], stored: dict[str, str]) -> list[str]:
    """--encrypt-to values: an age1… key as it is, else the name of a stored recipient, else a
    .pub file. Duplicates are dropped, order kept."""
    out: list[str] = []
    for key in keys:
        if key.strip().startswith("age1") or key.strip().upper().startswith("AGE-SECRET"):
            found = [check_recipient(key)]
        elif key in stored:
            found = [stored[key]]
        elif Path(key).exists():
            found = recipients_in_file(Path(key))
        else:
            names = (
                ", ".join(sorted(stored)) or "none stored; add one with magcheck keys add-recipient"
            )
            raise CryptoError(
                f"--encrypt-to {key!r}: not a public key, a stored recipient ({names}) or a file"
            )
        out += [k for k in found if k not in out]
    return out


# --- encrypting while writing --------------------------------------------------------------------


@contextmanager
def encrypted_output(
    path: Path, recipients: list[str], binary: bool = False, encoding: str = "utf-8"
) -> Iterator[IO[Any]]:
    """Write path + ".age" encrypted to the recipients: the writer's plain bytes go through a
    pipe (kernel memory) into age's streaming encryptor, whose output goes to an atomic,
    owner-only file. Nothing in clear reaches a disk; a failure on either side leaves no file."""
    age = pyrage()
    keys = [age.x25519.Recipient.from_str(k) for k in recipients]
    if not keys:
        raise CryptoError("no recipient to encrypt to")
    failed: list[BaseException] = []
    with atomic_output(with_suffix(path), binary=True) as sink:
        read_fd, write_fd = os.pipe()
        reader = os.fdopen(read_fd, "rb")

        def encrypt() -> None:
            try:
                age.encrypt_io(reader, sink, keys)
            except BaseException as exc:  # reported in the writing thread below
                failed.append(exc)
            finally:
                reader.close()  # a writer still writing gets BrokenPipeError, not a hang

        worker = threading.Thread(target=encrypt, name="magcheck-encrypt", daemon=True)
        worker.start()
        raw = os.fdopen(write_fd, "wb")
        plain: IO[Any] = raw if binary else io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            yield plain
        except BaseException as exc:
            with suppress(OSError):
                plain.close()
            worker.join()
            if failed and isinstance(exc, BrokenPipeError):
                raise failed[0] from None  # the encryptor's reason (a full disk), not the pipe's
            raise
        with suppress(BrokenPipeError):  # the encryptor stopped: its own error is raised below
            plain.close()
        worker.join()
        if failed:
            error = failed[0]
            if isinstance(error, OSError | OutputError):
                raise error
            raise CryptoError(f"{with_suffix(path)}: encryption failed ({error})") from None


# --- identities (secret keys: what the evaluator holds) ----------------------------------------

Passphrase = Callable[[Path], str]


def load_identities(path: Path, passphrase: Passphrase) -> list[Any]:
    """The X25519 identities in a key file: a passphrase-encrypted one (asks `passphrase`) as
    `magcheck keys new` writes, or a plain one as `age-keygen` writes."""
    age = pyrage()
    try:
        raw = read_regular(path, MAX_KEY_FILE)
    except FileRefused as exc:
        raise CryptoError(str(exc)) from None
    if is_encrypted(raw):
        try:
            raw = age.passphrase.decrypt(raw, passphrase(path))
        except age.DecryptError:
            raise CryptoError(f"{path}: wrong passphrase (or a damaged key file)") from None
    try:
        lines = raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise CryptoError(f"{path}: not an age key file") from None
    found = []
    for n, line in enumerate(lines, 1):
        if line.strip().upper().startswith("AGE-SECRET-KEY-1"):
            try:
                found.append(age.x25519.Identity.from_str(line.strip()))
            except Exception as exc:  # pyrage.IdentityError
                raise CryptoError(f"{path}:{n}: not a valid age secret key ({exc})") from None
    if not found:
        raise CryptoError(f"{path}: no secret key (AGE-SECRET-KEY-1…) in it")
    return found


def new_key_pair(out: Path, passphrase: str) -> tuple[Path, Path]:
    """OUT.pub (the age1… recipient) and OUT.key (the identity, passphrase-encrypted, armored),
    both owner-only; existing key files are never overwritten."""
    age = pyrage()
    if len(passphrase) < MIN_PASSPHRASE:
        raise InputError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
    stem = out.name.removesuffix(".key").removesuffix(".pub")
    pub, key = out.with_name(stem + ".pub"), out.with_name(stem + ".key")
    for path in (key, pub):
        check_target(path)
        if path.exists() or path.is_symlink():
            raise CryptoError(f"{path}: refused: it exists and key files are never overwritten")
    identity = age.x25519.Identity.generate()
    recipient = str(identity.to_public())
    created = datetime.now(UTC).isoformat(timespec="seconds")
    secret = f"# created: {created}\n# public key: {recipient}\n{identity}\n".encode()
    sealed = age.passphrase.encrypt(secret, passphrase, armored=True)
    with atomic_output(key, binary=True) as fh:
        fh.write(sealed)
    try:
        with atomic_output(pub, binary=True) as fh:
            fh.write(f"{recipient}\n".encode())
    except BaseException:
        with suppress(OSError):
            key.unlink()
        raise
    return pub, key


# --- reading encrypted bundles -------------------------------------------------------------------


def decrypt(data: bytes, identities: list[Any]) -> bytes:
    """The plain bytes, or DecryptionRefused with a one-line reason."""
    age = pyrage()
    try:
        return bytes(age.decrypt(data, identities))
    except age.DecryptError as exc:
        raise refusal(exc) from None


def refusal(exc: BaseException) -> DecryptionRefused:
    """pyrage's decryption error (DecryptError, or the OSError its streaming reader raises) as
    the one-line reason a user reads."""
    why = str(exc)
    if "No matching keys" in why:
        return DecryptionRefused(
            "encrypted to other keys: none of the identities given opens it "
            "(or its header was changed)"
        )
    if "MAC" in why:
        return DecryptionRefused("encrypted file damaged: its header was changed")
    return DecryptionRefused(
        "encrypted file damaged or cut short: the data does not check out "
        "(an interrupted copy or a changed byte)"
    )
