"""magcheck config: the device's settings (the local crisis text per language, the privacy floor)."""

from __future__ import annotations

import argparse
from typing import Any

from .common import add_command, console, help_of, make_table, open_store

SETTINGS = ("crisis-text", "privacy-floor", "require-encryption")


def cmd_config_set(args: argparse.Namespace) -> int:
    from ..errors import InputError

    with open_store(args) as store:
        if args.name == "crisis-text":
            store.set_crisis_text(args.value, args.lang)
            print(f"Crisis text ({args.lang}) set: it appears on every report in that language.")
        elif args.name == "require-encryption":
            if args.value not in ("on", "off"):
                raise InputError(f"require-encryption: '{args.value}' is not on or off")
            store.set_require_encryption(args.value == "on")
            print(
                "Exports must now be encrypted (--encrypt-to KEY or --encrypt; --unencrypted "
                "overrides)."
                if args.value == "on"
                else "Exports may be written in clear again."
            )
        else:
            try:
                value = int(args.value)
            except ValueError:
                raise InputError(f"privacy floor: '{args.value}' is not a whole number") from None
            store.set_privacy_floor(value)
            print(f"Privacy floor set: member results appear from {value} people.")
    return 0


def cmd_config_show(args: argparse.Namespace) -> int:
    from ..i18n import ui_languages

    with open_store(args) as store:
        rows = [("privacy-floor", "", str(store.privacy_floor()))]
        rows += [("require-encryption", "", "on" if store.require_encryption() else "off")]
        rows += [
            ("crisis-text", lang, store.crisis_text(lang) or "(not set)") for lang in ui_languages()
        ]
    table = make_table("setting", "language", "value", wrap="value")
    for row in rows:
        table.add_row(*row)
    console().print(table)
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    cp = add_command(
        sub,
        "config",
        help_of(lambda: cp),
        "show and change this device's settings: crisis text, privacy floor, require-encryption",
        'magcheck config set crisis-text "Línea 106, las 24 horas" --lang es',
        common,
    )
    csub = cp.add_subparsers(title="commands", metavar="COMMAND")
    p = add_command(
        csub,
        "set",
        cmd_config_set,
        "set the local crisis text (per language, shown on every report and at the end of a "
        "member round), raise the privacy floor (member results from N people; at least 3) or "
        "require encrypted exports (require-encryption on|off)",
        'magcheck config set crisis-text "Call 988, day or night" --lang en',
        common,
    )
    p.add_argument("name", choices=SETTINGS)
    p.add_argument("value")
    p.add_argument("--lang", default="en", help="language of the crisis text (default en)")
    add_command(csub, "show", cmd_config_show, "show the settings", "magcheck config show", common)
