"""Display texts in English, Spanish and Portuguese: domain names, band words, guidance, UI strings.

UI strings live in data/ui.json, one key a line: {"key": {"en": ..., "es": ..., "pt": ...}}.
They are JSON, not YAML, because the app reads them before its first frame and importing the
YAML parser alone costs more than drawing that frame's lists. `{name}` placeholders are filled
by the caller.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from .core.model import LANGUAGES
from .paths import package_data

DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "es": "Español", "pt": "Português"}


@cache
def _yaml(name: str) -> Any:
    import yaml  # only the report needs these files; the app's first frame does not

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: same result
    with open(package_data(name), encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader


def lang_or_default(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


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
    return entry["name"].get(lang_or_default(lang)) or entry["name"][DEFAULT_LANGUAGE]


def definition(thing_id: str, lang: str = DEFAULT_LANGUAGE) -> str:
    entry = _domain_index().get(thing_id, {})
    texts = entry.get("definition", {})
    return texts.get(lang_or_default(lang)) or texts.get(DEFAULT_LANGUAGE, "")


def band_word(band: str, lang: str = DEFAULT_LANGUAGE) -> str:
    words = _yaml("domain.yaml")["bands"].get(band, {})
    return words.get(lang_or_default(lang)) or words.get(DEFAULT_LANGUAGE, band)


def guidance(component: str, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    texts = _yaml("guidance.yaml").get(component, {})
    return list(texts.get(lang_or_default(lang)) or texts.get(DEFAULT_LANGUAGE, []))


def group_advice(key: str, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """A list of group-level advice from guidance.yaml (e.g. 'differences')."""
    return guidance(key, lang)


def group_text(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A paragraph from guidance.yaml (e.g. 'safety')."""
    texts = _yaml("guidance.yaml").get(key, {})
    return str(texts.get(lang_or_default(lang)) or texts.get(DEFAULT_LANGUAGE, ""))


@cache
def _catalog(lang: str) -> dict[str, str]:
    with open(package_data("ui.json"), encoding="utf-8") as fh:
        doc = json.load(fh)
    return {key: (texts.get(lang) or texts[DEFAULT_LANGUAGE]) for key, texts in doc.items()}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """A UI string in the language asked for, falling back to English, then to the key itself."""
    text = _catalog(lang_or_default(lang)).get(key, key)
    return text.format(**values) if values else text
