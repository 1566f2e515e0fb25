"""The app's UI language: cycling through languages and translating footer key labels."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from ..i18n import t, ui_languages

LANGUAGE_META_KEY = "ui_language"


def next_language(lang: str) -> str:
    languages = ui_languages()  # built in, then those translators added
    index = languages.index(lang) if lang in languages else -1
    return languages[(index + 1) % len(languages)]


def _tr(text: str, lang: str) -> str:
    return t(text, lang) if text.startswith("tui.") else text


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
