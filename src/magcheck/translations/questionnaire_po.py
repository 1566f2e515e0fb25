"""A questionnaire's texts out to a .po file, and a translated .po file back in as a user copy.

The copy keeps the questionnaire's id and version and everything that scores answers (items,
components, reverse keying, scale, bands); only texts change. Its content hash is new, because
the hash covers every text in every language (core/documents.py), so each session keeps the
exact wording it was answered in. See docs/translating.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.checking import check
from ..core.documents import to_document
from ..core.model import LANGUAGES, Questionnaire
from ..core.overrides import replaces
from ..core.yamlsource import parse
from ..errors import Problem
from ..i18n import name as component_name
from ..outputs import atomic_output
from ..paths import locale_dir, user_questionnaire_dir
from .pofiles import (
    Entry,
    TranslationError,
    check_entries,
    check_language,
    check_project,
    read_po,
    write_po,
)

SOURCE = "en"


def entries(q: Questionnaire, lang: str) -> list[Entry]:
    """Every translatable string of `q`: English source, the `lang` text when it has one."""
    if SOURCE not in q.languages:
        raise TranslationError(
            [Problem(q.source, None, "languages", "has no English text to translate from")]
        )
    have = lang in q.languages
    out = [
        Entry(
            f"{q.id}:title",
            q.title[SOURCE],
            q.title[lang] if have else "",
            ("The questionnaire's title.",),
        )
    ]
    if q.description.get(SOURCE):
        out.append(
            Entry(
                f"{q.id}:description",
                q.description[SOURCE],
                q.description.get(lang, "") if have else "",
                ("The introduction shown before the first question.",),
            )
        )
    lo, hi = q.scale.min, q.scale.max
    for value in q.scale.points:
        out.append(
            Entry(
                f"{q.id}:scale:{value}",
                q.scale.label(value, SOURCE),
                q.scale.label(value, lang) if have else "",
                (
                    f"Answer option {value} on the scale {lo} to {hi} "
                    f"({q.scale.label(lo, SOURCE)} ... {q.scale.label(hi, SOURCE)}): "
                    "keep the options in the same order of how often.",
                ),
            )
        )
    who = "A member speaks about themselves" if q.role == "member" else f"Asked of the {q.role}"
    for item in q.items:
        direction = (
            "REVERSE-KEYED: the more often this happens, the weaker the component. "
            "Keep that direction: add or remove no negation."
            if item.reverse
            else "Not reverse-keyed: the more often this happens, the stronger the component."
        )
        notes = [
            f"Component: {component_name(item.component)} ({item.component}). {who}.",
            direction,
        ]
        if item.parallel:
            notes.append(f"Mirrors the member item {item.parallel}, in the third person.")
        out.append(
            Entry(
                f"{q.id}:item:{item.id}",
                item.text[SOURCE],
                item.text[lang] if have else "",
                tuple(notes),
            )
        )
    return out


def export_po(q: Questionnaire, lang: str, path: Path) -> int:
    about = (
        f"Questionnaire {q.id}, version {q.version}, content hash {q.content_hash}, "
        f"from English into {lang}."
    )
    return write_po(
        path, lang, f"magcheck-questionnaire-{q.id}", str(q.version), about, entries(q, lang)
    )


@dataclass(frozen=True)
class Imported:
    questionnaire: Questionnaire
    language: str
    path: Path
    added: bool  # the language is new to this questionnaire


def import_po(q: Questionnaire, po_path: Path, data_dir: Path, lang: str | None = None) -> Imported:
    """Check every entry of the .po file against `q`'s English, then write `q` with the
    language into the user folder. Nothing is written when anything is wrong."""
    po = read_po(po_path)
    wrong = check_project(po, f"magcheck-questionnaire-{q.id}")
    if wrong:
        raise TranslationError(wrong)
    language, problems = check_language(po, lang)
    expected = {e.context: e.source for e in entries(q, SOURCE)}
    texts, more = check_entries(po, expected, every_one=True)
    problems += more
    if problems:
        raise TranslationError(problems)
    doc = _with_language(to_document(q), q, language, texts)
    folder = user_questionnaire_dir(data_dir)
    target = _target(q, folder)
    text = _yaml(doc, q, po_path, language)
    parsed, problems = parse(text, str(target))
    new, problems = check(parsed, str(target)) if not problems else (None, problems)
    if new is None:
        raise TranslationError(problems)
    reason = replaces(q, new)
    if reason:  # cannot happen: only texts changed; kept so a bug never writes a bad copy
        raise TranslationError([Problem(str(target), None, "scoring", reason)])
    with atomic_output(target) as fh:
        fh.write(text)
    catalogue = locale_dir(data_dir) / f"{language}.json"
    if language not in LANGUAGES and not catalogue.exists():
        # the app offers a language that has a catalogue, even an empty one
        with atomic_output(catalogue) as fh:
            fh.write("{}\n")
    return Imported(new, language, target, language not in q.languages)


def _with_language(
    doc: dict[str, Any], q: Questionnaire, lang: str, texts: dict[str, str]
) -> dict[str, Any]:
    del doc["content_hash"]
    if lang not in doc["languages"]:
        doc["languages"].append(lang)
    doc["title"][lang] = texts[f"{q.id}:title"]
    if f"{q.id}:description" in texts:
        doc["description"][lang] = texts[f"{q.id}:description"]
    doc["scale"]["labels"][lang] = [texts[f"{q.id}:scale:{v}"] for v in q.scale.points]
    for item in doc["items"]:
        item["text"][lang] = texts[f"{q.id}:item:{item['id']}"]
    return doc


def _target(q: Questionnaire, folder: Path) -> Path:
    """The user copy's file: the one it was loaded from when it is already a user copy."""
    source = Path(q.source)
    if folder.is_dir() and source.is_file() and source.parent.resolve() == folder.resolve():
        return source
    target = folder / f"{q.id}.yaml"
    if target.exists():
        raise TranslationError(
            [
                Problem(
                    str(target),
                    None,
                    "file",
                    f"exists but does not hold questionnaire '{q.id}'; move it away first",
                )
            ]
        )
    return target


def _yaml(doc: dict[str, Any], q: Questionnaire, po_path: Path, lang: str) -> str:
    import yaml

    head = (
        f"# {q.id} version {q.version} with '{lang}' added from {po_path.name} by magcheck "
        "questionnaires po-import.\n"
        "# Only texts differ from the questionnaire it was made from: answers score the same.\n"
        "# To change a translation, export a .po file, correct it, and import it again.\n"
    )
    body = yaml.safe_dump(
        doc, allow_unicode=True, sort_keys=False, width=100000, default_flow_style=False
    )
    return head + body
