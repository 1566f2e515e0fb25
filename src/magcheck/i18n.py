"""Display texts in English, Spanish and Portuguese: domain names, band words, guidance, UI strings.

More languages come from translators: `magcheck ui po-import` writes a user catalogue,
`<data dir>/locale/LL.json` ({context: text}, contexts as in the .po file), which is read here
first for its language; every string it lacks falls back to English (docs/translating.md).

UI strings live in data/ui.json, one key a line: {"key": {"en": ..., "es": ..., "pt": ...}}.
They are JSON, not YAML, because the app reads them before its first frame and importing the
YAML parser alone costs more than drawing that frame's lists. `{name}` placeholders are filled
by the caller.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from .core.model import COMPONENT_IDS, LANGUAGES
from .paths import package_data

DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "es": "Español", "pt": "Português"}
# BCP 47-ish: a language (fr, sw, ewo), maybe a region or script (pt-BR, sr-Latn)
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
MAX_CATALOGUE_BYTES = 2 * 1024 * 1024
_locale_dir: list[Path] = []  # set by use_data_dir; else the default data folder's


def is_language_code(code: object) -> bool:
    return isinstance(code, str) and LANGUAGE_CODE.fullmatch(code) is not None


def use_data_dir(directory: Path | None) -> None:
    """Read user catalogues from this data folder (the CLI's --data-dir, the app's folder)."""
    from .paths import data_dir, locale_dir

    _locale_dir[:] = [locale_dir(data_dir(directory))]
    _user_catalogue.cache_clear()
    _catalog.cache_clear()
    ui_languages.cache_clear()


def _locale() -> Path:
    if not _locale_dir:
        use_data_dir(None)
    return _locale_dir[0]


@cache
def _user_catalogue(lang: str) -> dict[str, str]:
    """The translator's catalogue for `lang`, or nothing. A catalogue that cannot be read or
    holds a text the text policy refuses gives nothing of that text: English is shown instead."""
    if not is_language_code(lang):
        return {}
    from .errors import MagcheckError
    from .inputs import read_regular
    from .text import problem_in

    try:
        doc = json.loads(read_regular(_locale() / f"{lang}.json", MAX_CATALOGUE_BYTES))
    except (OSError, ValueError, MagcheckError):  # missing, unreadable or not JSON: English
        return {}
    if not isinstance(doc, dict):
        return {}
    return {
        k: v
        for k, v in doc.items()
        if isinstance(k, str) and isinstance(v, str) and v.strip() and problem_in(v) is None
    }


def user_text(context: str, lang: str) -> str | None:
    """A translator's text for one context (e.g. 'component:trust:name'), if there is one."""
    return _user_catalogue(lang).get(context) if lang != DEFAULT_LANGUAGE else None


@cache
def ui_languages() -> tuple[str, ...]:
    """The built-in languages, then those with a user catalogue in the data folder."""
    try:
        extra = sorted(p.stem for p in _locale().glob("*.json") if is_language_code(p.stem))
    except OSError:
        extra = []
    return LANGUAGES + tuple(code for code in extra if code not in LANGUAGES)


def language_name(code: str) -> str:
    """A language's own name: built in, else from its catalogue, else the code."""
    return LANGUAGE_NAMES.get(code) or user_text("language:name", code) or code


@cache
def _yaml(name: str) -> Any:
    import yaml  # only the report needs these files; the app's first frame does not

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: same result
    with open(package_data(name), encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader


def lang_or_default(lang: str | None) -> str:
    """A language to show texts in: any well-formed code (its missing strings are English)."""
    if lang is not None and (lang in LANGUAGES or is_language_code(lang)):
        return lang
    return DEFAULT_LANGUAGE


@cache
def _domain_index() -> dict[str, dict[str, Any]]:
    doc = _yaml("domain.yaml")
    index: dict[str, dict[str, Any]] = {}
    for kind in ("components", "benefits"):
        for entry in doc[kind]:
            index[entry["id"]] = entry
    return index


def name(thing_id: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The display name of a component or benefit."""
    entry = _domain_index().get(thing_id)
    if entry is None:
        return thing_id
    lang = lang_or_default(lang)
    mine = user_text(f"{_kind(thing_id)}:{thing_id}:name", lang)
    return mine or entry["name"].get(lang) or entry["name"][DEFAULT_LANGUAGE]


def _kind(thing_id: str) -> str:
    return "component" if thing_id in COMPONENT_IDS else "benefit"


def definition(thing_id: str, lang: str = DEFAULT_LANGUAGE) -> str:
    entry = _domain_index().get(thing_id, {})
    texts = entry.get("definition", {})
    lang = lang_or_default(lang)
    mine = user_text(f"{_kind(thing_id)}:{thing_id}:definition", lang)
    return mine or texts.get(lang) or texts.get(DEFAULT_LANGUAGE, "")


def band_word(band: str, lang: str = DEFAULT_LANGUAGE) -> str:
    words = _yaml("domain.yaml")["bands"].get(band, {})
    lang = lang_or_default(lang)
    return user_text(f"band:{band}", lang) or words.get(lang) or words.get(DEFAULT_LANGUAGE, band)


def guidance(component: str, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    texts = _yaml("guidance.yaml").get(component, {})
    lang = lang_or_default(lang)
    english = list(texts.get(DEFAULT_LANGUAGE, []))
    mine = [user_text(f"guidance:{component}:{i}", lang) for i in range(1, len(english) + 1)]
    if english and all(mine):  # a list is shown in one language: all its ideas, else English
        return [m for m in mine if m]
    return list(texts.get(lang) or english)


def group_advice(key: str, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """A list of group-level advice from guidance.yaml (e.g. 'differences')."""
    return guidance(key, lang)


def group_text(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A paragraph from guidance.yaml (e.g. 'safety')."""
    texts = _yaml("guidance.yaml").get(key, {})
    lang = lang_or_default(lang)
    mine = user_text(f"guidance:{key}", lang)
    return mine or str(texts.get(lang) or texts.get(DEFAULT_LANGUAGE, ""))


@cache
def _catalog(lang: str) -> dict[str, str]:
    with open(package_data("ui.json"), encoding="utf-8") as fh:
        doc = json.load(fh)
    mine = _user_catalogue(lang) if lang != DEFAULT_LANGUAGE else {}
    return {
        key: (mine.get(f"ui:{key}") or texts.get(lang) or texts[DEFAULT_LANGUAGE])
        for key, texts in doc.items()
    }


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """A UI string in the language asked for, falling back to English, then to the key itself."""
    text = _catalog(lang_or_default(lang)).get(key, key)
    return text.format(**values) if values else text
