"""Display texts in English, Spanish and Portuguese: domain names, band words, guidance, UI strings."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from .model import LANGUAGES
from .paths import package_data

DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "es": "Español", "pt": "Português"}


# libyaml's safe loader when installed: same documents, about 20x faster, which matters for the
# app's first frame (ui.yaml is read before anything is drawn).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _yaml(name: str) -> Any:
    with open(package_data(name), encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader


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


@cache
def _catalog(lang: str) -> dict[str, str]:
    doc = _yaml("ui.yaml")
    return {key: (texts.get(lang) or texts[DEFAULT_LANGUAGE]) for key, texts in doc.items()}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """A UI string in the language asked for, falling back to English, then to the key itself."""
    text = _catalog(lang_or_default(lang)).get(key, key)
    return text.format(**values) if values else text
