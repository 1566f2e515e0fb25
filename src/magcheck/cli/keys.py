"""magcheck keys: evaluator key pairs (age) and the public keys a field device encrypts to."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..text import shown
from .common import add_command, console, help_of, make_table, open_store

MAX_PASSPHRASE_FILE = 4096


def passphrase_from(args: argparse.Namespace, what: str, confirm: bool = False) -> str:
    """--passphrase-file's first line, else asked on the terminal (twice when confirm)."""
    from ..errors import InputError
    from ..inputs import FileRefused, read_regular

    if getattr(args, "passphrase_file", None):
        try:
            raw = read_regular(Path(args.passphrase_file), MAX_PASSPHRASE_FILE)
        except FileRefused as exc:
            raise InputError(f"--passphrase-file {exc}") from None
        try:
            lines = raw.decode("utf-8-sig").splitlines()
        except UnicodeDecodeError:
            raise InputError(f"--passphrase-file {args.passphrase_file}: not UTF-8 text") from None
        if not lines or not lines[0]:
            raise InputError(f"--passphrase-file {args.passphrase_file}: its first line is empty")
        return lines[0]
    if not sys.stdin.isatty():
        raise InputError(
            f"no terminal to ask the passphrase {what} on; give --passphrase-file FILE"
        )
    import getpass

    first = getpass.getpass(f"Passphrase {what}: ")
    if confirm and getpass.getpass("The same passphrase again: ") != first:
        raise InputError("the two passphrases differ; nothing was written")
    return first


def identities_from(args: argparse.Namespace) -> list[Any]:
    """The secret keys of every --identity file (each passphrase asked or read once)."""
    from ..exports.crypto import load_identities

    found: list[Any] = []
    for name in args.identity or []:
        found += load_identities(Path(name), lambda p: passphrase_from(args, f"for {shown(p)}"))
    return found


def add_identity_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--identity",
        action="append",
        metavar="KEYFILE",
        help="evaluator key file to open .age files with (repeatable)",
    )
    p.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help="read the key file's passphrase from this file's first line (for scripts)",
    )


def cmd_keys_new(args: argparse.Namespace) -> int:
    from ..exports.crypto import new_key_pair, pyrage

    pyrage()  # say what to install before asking for a passphrase
    passphrase = passphrase_from(args, "to protect the secret key", confirm=True)
    pub, key = new_key_pair(Path(args.out), passphrase)
    print(f"Wrote {shown(pub)} (public: give it to field devices)")
    print(f"Wrote {shown(key)} (secret, passphrase-protected: keep it, back it up, never share it)")
    print(f"Public key: {pub.read_text().strip()}")
    return 0


def cmd_keys_add(args: argparse.Namespace) -> int:
    from ..exports.crypto import check_recipient, recipients_in_file

    key = args.key
    if key.strip().startswith("age1") or key.strip().upper().startswith("AGE-SECRET"):
        keys = [check_recipient(key)]
        default = "evaluator"
    else:
        keys = recipients_in_file(Path(key))
        default = Path(key).name.removesuffix(".pub")
    name = args.name or default
    with open_store(args, writes=True) as store:
        for i, k in enumerate(keys):
            store.add_recipient(name if len(keys) == 1 else f"{name}-{i + 1}", k)
    print(f"Stored {len(keys)} public key(s) as {shown(name)}: magcheck export --encrypt uses them")
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        found = store.recipients()
        required = store.require_encryption()
    if not found:
        print("No public keys stored (add one with magcheck keys add-recipient FILE.pub).")
    else:
        table = make_table("name", "public key")
        for name, key in sorted(found.items()):
            table.add_row(shown(name), key)
        console().print(table)
    print(f"require-encryption: {'on' if required else 'off'}")
    return 0


def cmd_keys_remove(args: argparse.Namespace) -> int:
    with open_store(args, writes=True) as store:
        store.remove_recipient(args.name)
    print(f"Removed {shown(args.name)}; exports are no longer encrypted to it.")
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    kp = add_command(
        sub,
        "keys",
        help_of(lambda: kp),
        "encrypted hand-over: evaluator key pairs and the public keys exports are encrypted to",
        "magcheck keys add-recipient evaluator.pub --name national",
        common,
    )
    ksub = kp.add_subparsers(title="commands", metavar="COMMAND")
    p = add_command(
        ksub,
        "new",
        cmd_keys_new,
        "make an evaluator key pair (age): OUT.pub (public) and OUT.key (secret, protected by "
        "a passphrase); run it on the evaluator's machine",
        "magcheck keys new --out evaluator",
        common,
    )
    p.add_argument("--out", required=True, metavar="NAME", help="writes NAME.pub and NAME.key")
    p.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help="read the passphrase from this file's first line instead of asking (for scripts)",
    )
    p = add_command(
        ksub,
        "add-recipient",
        cmd_keys_add,
        "store an evaluator's public key (an age1… line or a .pub file) on this device",
        "magcheck keys add-recipient evaluator.pub --name national",
        common,
    )
    p.add_argument("key", metavar="FILE|KEY", help="a .pub file or the age1… key itself")
    p.add_argument("--name", help="what to call it (default: the file's name, or 'evaluator')")
    add_command(
        ksub,
        "list",
        cmd_keys_list,
        "show the stored public keys and whether exports must be encrypted",
        "magcheck keys list",
        common,
    )
    p = add_command(
        ksub,
        "remove-recipient",
        cmd_keys_remove,
        "forget a stored public key",
        "magcheck keys remove-recipient national",
        common,
    )
    p.add_argument("name")
