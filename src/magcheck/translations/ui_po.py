"""The UI catalogue out to a .po file and back in as `<data dir>/locale/LL.json`.

The catalogue is everything the app, the command line and the report say in words: ui.json,
the component and benefit names and definitions and band words (domain.yaml) and the guidance
(guidance.yaml). i18n reads the JSON with no Babel; a string left out is shown in English.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import i18n
from ..core.model import LANGUAGES
from ..outputs import atomic_output
from ..paths import locale_dir, package_data
from .pofiles import (
    Entry,
    TranslationError,
    check_entries,
    check_language,
    check_project,
    placeholders,
    read_po,
    write_po,
)

KEEP = "Keep each {placeholder} exactly as it is: magcheck puts a value there."


def _existing(lang: str, context: str, builtin: dict[str, Any] | str | None) -> str:
    mine = i18n.user_text(context, lang)
    if mine:
        return mine
    if isinstance(builtin, dict) and lang in LANGUAGES:
        value = builtin.get(lang)
        return value if isinstance(value, str) else ""
    return ""


def entries(lang: str) -> list[Entry]:
    """Every UI string: English source and the `lang` text where there is one."""
    out = [
        Entry(
            "language:name",
            "English",
            i18n.language_name(lang)
            if lang in LANGUAGES or i18n.user_text("language:name", lang)
            else "",
            ("The name of your language, written in your language (e.g. Français, Kiswahili).",),
        )
    ]
    with open(package_data("ui.json"), encoding="utf-8") as fh:
        ui = json.load(fh)
    for key, texts in ui.items():
        notes = (f"Shown by magcheck as {key}.",) + ((KEEP,) if placeholders(texts["en"]) else ())
        out.append(Entry(f"ui:{key}", texts["en"], _existing(lang, f"ui:{key}", texts), notes))
    domain = i18n._yaml("domain.yaml")
    for kind, plural in (("component", "components"), ("benefit", "benefits")):
        for thing in domain[plural]:
            for part in ("name", "definition"):
                texts = thing.get(part) or {}
                if not texts.get("en"):
                    continue
                ctx = f"{kind}:{thing['id']}:{part}"
                note = f"The {part} of the {kind} '{thing['id']}' (names and definitions come from the research review)."
                out.append(Entry(ctx, texts["en"], _existing(lang, ctx, texts), (note,)))
    for band, words in domain["bands"].items():
        ctx = f"band:{band}"
        out.append(
            Entry(
                ctx,
                words["en"],
                _existing(lang, ctx, words),
                ("A word for how a component stands (a band), used in reports.",),
            )
        )
    for key, texts in i18n._yaml("guidance.yaml").items():
        english = texts.get("en")
        if isinstance(english, str):
            ctx = f"guidance:{key}"
            out.append(
                Entry(
                    ctx,
                    english,
                    _existing(lang, ctx, texts),
                    (f"Guidance paragraph '{key}' in reports.",),
                )
            )
            continue
        theirs = texts.get(lang) if lang in LANGUAGES else None
        for i, idea in enumerate(english or [], 1):
            ctx = f"guidance:{key}:{i}"
            mine = i18n.user_text(ctx, lang) or (
                theirs[i - 1] if theirs and i <= len(theirs) else ""
            )
            note = (
                f"Idea {i} for '{key}' in reports: an invitation to the group, never advice on "
                "medication. Translate all ideas of a list, or the list shows in English."
            )
            out.append(Entry(ctx, idea, mine, (note,)))
    return out


def export_po(lang: str, path: Path) -> int:
    from .. import __version__

    about = f"magcheck {__version__} user interface and report texts, from English into {lang}."
    return write_po(path, lang, "magcheck-ui", __version__, about, entries(lang))


@dataclass(frozen=True)
class ImportedUi:
    language: str
    path: Path
    translated: int
    total: int


def import_po(po_path: Path, data_dir: Path, lang: str | None = None) -> ImportedUi:
    """Check the .po file against the current English, then write the catalogue; a string not
    translated (or fuzzy) is shown in English. Nothing is written when anything is wrong."""
    po = read_po(po_path)
    wrong = check_project(po, "magcheck-ui")
    if wrong:
        raise TranslationError(wrong)
    language, problems = check_language(po, lang)
    expected = {e.context: e.source for e in entries("en")}
    texts, more = check_entries(po, expected, every_one=False, plain=True)
    problems += more
    if problems:
        raise TranslationError(problems)
    target = locale_dir(data_dir) / f"{language}.json"
    body = (
        "{\n"
        + ",\n".join(
            f" {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
            for k, v in texts.items()
        )
        + "\n}\n"
    )
    with atomic_output(target) as fh:
        fh.write(body)
    return ImportedUi(language, target, len(texts), len(expected))
