"""magcheck questionnaires po-export/po-import and magcheck ui po-export/po-import: translations
by translators as gettext .po files (docs/translating.md). Babel is loaded only here."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..text import shown
from .common import add_command, help_of, load_questionnaires


def _data_dir(args: argparse.Namespace) -> Path:
    from ..paths import data_dir

    return data_dir(getattr(args, "data_dir", None))


def _lang(args: argparse.Namespace) -> str:
    from ..errors import InputError
    from ..i18n import is_language_code

    lang = str(args.lang).replace("_", "-")
    if not is_language_code(lang):
        raise InputError(f"--lang: '{shown(lang)}' is not a language code (e.g. fr, sw, pt-BR)")
    return lang


def cmd_q_po_export(args: argparse.Namespace) -> int:
    from ..core.questionnaires import get
    from ..translations.questionnaire_po import export_po

    q = get(load_questionnaires(args), args.id)
    lang = _lang(args)
    out = Path(args.out or f"{q.id}-{lang}.po")
    n = export_po(q, lang, out)
    state = "with its current translation" if lang in q.languages else "to translate"
    print(f"{shown(out)}: {n} strings of {shown(q.id)} v{q.version} {state} ({lang})")
    return 0


def cmd_q_po_import(args: argparse.Namespace) -> int:
    from ..core.questionnaires import get
    from ..translations.questionnaire_po import import_po

    q = get(load_questionnaires(args), args.id)
    lang = _lang(args) if args.lang else None
    done = import_po(q, Path(args.po), _data_dir(args), lang)
    new = done.questionnaire
    how = "added to" if done.added else "updated in"
    print(
        f"{done.language} {how} {shown(new.id)} v{new.version}: {shown(done.path)} "
        f"(content hash {new.content_hash[:12]}; answers score as before)"
    )
    return 0


def cmd_ui_po_export(args: argparse.Namespace) -> int:
    from ..translations.ui_po import export_po

    lang = _lang(args)
    out = Path(args.out or f"magcheck-{lang}.po")
    n = export_po(lang, out)
    print(f"{shown(out)}: {n} strings of the magcheck app and reports ({lang})")
    return 0


def cmd_ui_po_import(args: argparse.Namespace) -> int:
    from ..translations.ui_po import import_po

    lang = _lang(args) if args.lang else None
    done = import_po(Path(args.po), _data_dir(args), lang)
    left = done.total - done.translated
    print(
        f"{done.language}: {done.translated} of {done.total} strings installed in "
        f"{shown(done.path)}" + (f"; {left} will show in English" if left else "")
    )
    return 0


def register_questionnaire_commands(qsub: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        qsub,
        "po-export",
        cmd_q_po_export,
        "write a questionnaire's texts as a .po file for a translator (English source, "
        "the language's text when it has one)",
        "magcheck questionnaires po-export member --lang fr --out fr.po",
        common,
    )
    p.add_argument("id")
    p.add_argument(
        "--lang", required=True, help="the language to translate into, e.g. fr, sw, pt-BR"
    )
    p.add_argument("--out", metavar="FILE", help="the .po file to write (default ID-LANG.po)")
    p = add_command(
        qsub,
        "po-import",
        cmd_q_po_import,
        "check a translated .po file and add its language to a copy of the questionnaire in "
        "the data folder (nothing is written if any entry is wrong)",
        "magcheck questionnaires po-import member fr.po",
        common,
    )
    p.add_argument("id")
    p.add_argument("po", metavar="FILE.po")
    p.add_argument("--lang", help="the file's language (default: its Language header)")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    up = add_command(
        sub,
        "ui",
        help_of(lambda: up),
        "translate the app and report texts with .po files",
        "magcheck ui po-export --lang fr --out magcheck-fr.po",
        common,
    )
    usub = up.add_subparsers(title="commands", metavar="COMMAND")
    p = add_command(
        usub,
        "po-export",
        cmd_ui_po_export,
        "write the app, report and guidance texts as a .po file for a translator",
        "magcheck ui po-export --lang fr --out magcheck-fr.po",
        common,
    )
    p.add_argument(
        "--lang", required=True, help="the language to translate into, e.g. fr, sw, pt-BR"
    )
    p.add_argument("--out", metavar="FILE", help="the .po file to write (default magcheck-LANG.po)")
    p = add_command(
        usub,
        "po-import",
        cmd_ui_po_import,
        "check a translated .po file and install it as this device's catalogue for its "
        "language (strings left empty show in English)",
        "magcheck ui po-import magcheck-fr.po",
        common,
    )
    p.add_argument("po", metavar="FILE.po")
    p.add_argument("--lang", help="the file's language (default: its Language header)")
