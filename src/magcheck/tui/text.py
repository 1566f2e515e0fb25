"""The app's UI language: cycling through languages and translating footer key labels."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from ..core.model import LANGUAGES
from ..i18n import t

LANGUAGE_META_KEY = "ui_language"

# The home screen's list and filter texts. They belong in data/ui.json with the other tui.* texts
# and move there once that catalogue is free to change; `tr` reads both, these first.
APP_TEXTS: dict[str, dict[str, str]] = {
    "tui.key.filter": {"en": "Filter", "es": "Filtrar", "pt": "Filtrar"},
    "tui.key.clear_filter": {"en": "Clear filter", "es": "Borrar filtro", "pt": "Limpar filtro"},
    "tui.home.sessions": {"en": "Sessions ({n})", "es": "Sesiones ({n})", "pt": "Sessões ({n})"},
    "tui.home.sessions_filtered": {
        "en": "Sessions ({shown} of {n})",
        "es": "Sesiones ({shown} de {n})",
        "pt": "Sessões ({shown} de {n})",
    },
    "tui.home.filter_placeholder": {
        "en": "Part of a group's name; Enter goes to the list",
        "es": "Parte del nombre de un grupo; Enter va a la lista",
        "pt": "Parte do nome de um grupo; Enter vai para a lista",
    },
    "tui.home.no_match": {
        "en": "No group name contains “{text}”. Esc clears the filter.",
        "es": "Ningún nombre de grupo contiene «{text}». Esc borra el filtro.",
        "pt": "Nenhum nome de grupo contém “{text}”. Esc limpa o filtro.",
    },
}


def tr(key: str, lang: str, **values: object) -> str:
    """A tui.* text: the app's own (APP_TEXTS) or the shared catalogue's (i18n.t)."""
    texts = APP_TEXTS.get(key)
    if texts is None:
        return t(key, lang, **values)
    text = texts.get(lang, texts["en"])
    return text.format(**values) if values else text


def next_language(lang: str) -> str:
    index = LANGUAGES.index(lang) if lang in LANGUAGES else -1
    return LANGUAGES[(index + 1) % len(LANGUAGES)]


def _tr(text: str, lang: str) -> str:
    return tr(text, lang) if text.startswith("tui.") else text


def translate_bindings(node: DOMNode, lang: str) -> None:
    """Give `node` its own copy of its bindings with descriptions translated.

    Textual fixes binding descriptions per class; the footer and the command palette read them
    from the node, so a translated per-node copy switches the footer's language. Descriptions in
    BINDINGS are ui.json keys (tui.key.*).
    """
    source = type(node)._merged_bindings
    if source is None:
        return
    bindings = source.copy()
    for key, items in list(bindings.key_to_bindings.items()):
        bindings.key_to_bindings[key] = [
            replace(
                b,
                description=_tr(b.description, lang),
                tooltip=_tr(b.tooltip, lang) if b.tooltip else b.tooltip,
            )
            for b in items
        ]
    node._bindings = bindings
    node.refresh_bindings()
