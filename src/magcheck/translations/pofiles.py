"""Read and write gettext .po files through Babel; every problem names the file and the line."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import MagcheckError, Problem
from ..i18n import is_language_code
from ..inputs import read_regular
from ..outputs import atomic_output
from ..text import problem_in

MAX_PO_BYTES = 4 * 1024 * 1024
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


class TranslationError(MagcheckError):
    """A .po file that cannot be taken in: every problem on its own line, file:line: what."""

    title = "Translation problem"

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems) + "\nnothing was written")


class MissingBabel(MagcheckError):
    title = "Needs an optional package"


def babel() -> Any:
    """Babel's pofile module, or a message naming the pip command that brings it."""
    try:
        from babel.messages import pofile
    except ImportError:
        raise MissingBabel(
            "translating with .po files needs the 'babel' package: pip install \"magcheck[i18n]\""
        ) from None
    return pofile


@dataclass(frozen=True)
class Entry:
    """One translatable string: what it is (context), the English source, its translation."""

    context: str
    source: str
    translation: str = ""
    notes: tuple[str, ...] = ()  # comments for the translator
    line: int | None = None  # where it was read
    fuzzy: bool = False


@dataclass(frozen=True)
class PoFile:
    path: Path
    language: str | None
    project: str
    entries: tuple[Entry, ...]


def write_po(
    path: Path, language: str, project: str, version: str, about: str, entries: Iterable[Entry]
) -> int:
    """Write the entries as a .po file (owner-only, whole or not at all); how many were written."""
    pofile = babel()
    from babel.messages.catalog import Catalog

    catalog = Catalog(
        locale=None,
        project=project,
        version=version,
        header_comment=f"# {about}\n# Written by magcheck {__version__}.",
        msgid_bugs_address="",
        last_translator="",
        language_team="",
        charset="utf-8",
    )
    catalog.fuzzy = False  # the header is magcheck's own, not a guess to review
    n = 0
    for e in entries:
        catalog.add(e.source, e.translation, auto_comments=e.notes, context=e.context)
        n += 1
    buffer = io.BytesIO()
    pofile.write_po(buffer, catalog, width=0, omit_header=False, include_previous=False)
    text = buffer.getvalue().decode("utf-8")
    # Babel writes no Language header without a locale it knows; a translator's tool needs it
    text = text.replace('"Language-Team: ', f'"Language: {language}\\n"\n"Language-Team: ', 1)
    with atomic_output(path) as fh:
        fh.write(text)
    return n


def read_po(path: Path) -> PoFile:
    """A .po file's entries with their lines; a file Babel cannot parse is refused at its line."""
    pofile = babel()
    name = str(path)
    raw = read_regular(path, MAX_PO_BYTES)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise TranslationError(
            [Problem(name, line, "encoding", "not UTF-8; save the file as UTF-8")]
        ) from None
    language, header_line = _language(raw)
    if language is not None and not is_language_code(language):
        raise TranslationError(
            [
                Problem(
                    name,
                    header_line,
                    "Language",
                    f"'{language}' is not a language code (e.g. fr, sw, pt-BR)",
                )
            ]
        )
    try:
        catalog = pofile.read_po(io.BytesIO(raw), abort_invalid=True, ignore_obsolete=True)
    except pofile.PoFileError as exc:
        what = str(exc).rsplit(" on ", 1)[0]
        # Babel counts lines from 0 here
        raise TranslationError([Problem(name, exc.lineno + 1, "po", what)]) from None
    except Exception as exc:  # Babel's own errors on a header it cannot read
        raise TranslationError(
            [Problem(name, None, "po", f"not a .po file Babel can read: {exc}")]
        ) from None
    entries = tuple(
        Entry(
            context=m.context or "",
            source=m.id if isinstance(m.id, str) else m.id[0],
            translation=(m.string if isinstance(m.string, str) else (m.string or [""])[0]) or "",
            line=m.lineno,
            fuzzy=m.fuzzy,
        )
        for m in catalog
        if m.id
    )
    return PoFile(path, language, catalog.project or "", entries)


def _language(raw: bytes) -> tuple[str | None, int | None]:
    """The Language header as written, and its line (Babel knows only the locales it knows)."""
    found = re.search(rb'^"Language: *([^\\"]*)', raw, re.M)
    if not found:
        return None, None
    line = raw.count(b"\n", 0, found.start()) + 1
    code = found.group(1).decode("utf-8", "replace").strip().replace("_", "-")
    return code or None, line


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def _what(project: str) -> str:
    name = project.removeprefix("magcheck-")
    return "the app texts" if name == "ui" else name.replace("questionnaire-", "questionnaire ")


def check_project(po: PoFile, project: str) -> list[Problem]:
    """A file made for another questionnaire (or for the app) is named as such, once."""
    if po.project.startswith("magcheck-") and po.project != project:
        message = f"this file was made for {_what(po.project)}, not {_what(project)}"
        return [Problem(str(po.path), None, "Project-Id-Version", message)]
    return []


def check_language(po: PoFile, given: str | None = None) -> tuple[str, list[Problem]]:
    """The language a .po file is in: --lang when given, else its Language header."""
    lang = given or po.language or ""
    if not lang:
        return "", [Problem(str(po.path), None, "Language", "the header names no language")]
    if not is_language_code(lang):
        return lang, [
            Problem(
                str(po.path),
                None,
                "Language",
                f"'{lang}' is not a language code (e.g. fr, sw, pt-BR)",
            )
        ]
    if lang == "en":
        return lang, [
            Problem(
                str(po.path),
                None,
                "Language",
                "English is the source language; change it in the questionnaire itself",
            )
        ]
    return lang, []


def check_entries(
    po: PoFile, expected: dict[str, str], every_one: bool, plain: bool = False
) -> tuple[dict[str, str], list[Problem]]:
    """The translations by context, or every problem: an unknown context, an English source
    that changed since the file was made, a placeholder dropped or added, a refused character,
    (when `plain`) square brackets the app would read as styling, and (when `every_one`) an
    entry left untranslated or marked fuzzy."""
    name = str(po.path)
    problems: list[Problem] = []
    out: dict[str, str] = {}
    for e in po.entries:
        where = e.context or "(no msgctxt)"
        if e.context not in expected:
            problems.append(
                Problem(
                    name,
                    e.line,
                    where,
                    "unknown msgctxt: not a string of this catalogue; do not edit msgctxt",
                )
            )
            continue
        if e.source != expected[e.context]:
            problems.append(
                Problem(
                    name,
                    e.line,
                    where,
                    "the English source (msgid) changed since this file was made; export a new .po and translate this entry again",
                )
            )
            continue
        text = e.translation
        if e.fuzzy or not text.strip():
            if every_one:
                why = "marked fuzzy (needs review)" if e.fuzzy else "not translated (empty msgstr)"
                problems.append(Problem(name, e.line, where, why))
            continue
        bad = problem_in(text, multiline=True)
        if bad:
            problems.append(Problem(name, e.line, where, bad))
            continue
        if plain and ("[" in text or "]" in text) and "[" not in e.source:
            problems.append(
                Problem(
                    name,
                    e.line,
                    where,
                    "square brackets are not allowed here (the app reads them as styling); use ( )",
                )
            )
            continue
        if placeholders(text) != placeholders(e.source):
            want = ", ".join(sorted(placeholders(e.source))) or "none"
            problems.append(
                Problem(
                    name,
                    e.line,
                    where,
                    f"placeholders must stay exactly as in the English ({want})",
                )
            )
            continue
        out[e.context] = unicodedata.normalize(
            "NFC", text
        )  # line breaks kept: some UI texts have them
    if every_one:
        seen = {e.context for e in po.entries}
        for ctx in expected:
            if ctx not in seen:
                problems.append(Problem(name, None, ctx, "missing from the file; export a new .po"))
    return out, problems
