"""Device settings kept in the store: the local crisis text per language and the privacy floor."""

from __future__ import annotations

import unicodedata

from ..core.checkscore import PRIVACY_FLOOR, privacy_floor
from ..core.model import LANGUAGES
from ..errors import InputError
from .connection import Connection

MAX_CRISIS_TEXT = 400


class Settings(Connection):
    """What a programme sets once per device."""

    def crisis_text(self, lang: str) -> str | None:
        return self.get_meta(f"crisis_text:{lang}")

    def set_crisis_text(self, text: str, lang: str) -> None:
        if lang not in LANGUAGES:
            raise InputError(f"language '{lang}' is not one of {', '.join(LANGUAGES)}")
        text = " ".join(unicodedata.normalize("NFC", text).split())
        for i, ch in enumerate(text, 1):
            if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn"):
                raise InputError(f"crisis text: U+{ord(ch):04X} at position {i} is not allowed")
        if not text:
            raise InputError("crisis text: give the text to show, e.g. a local phone line")
        if len(text) > MAX_CRISIS_TEXT:
            raise InputError(f"crisis text: at most {MAX_CRISIS_TEXT} characters")
        self.set_meta(f"crisis_text:{lang}", text)

    def privacy_floor(self) -> int:
        return privacy_floor(self.get_meta("privacy_floor"))

    def set_privacy_floor(self, value: int) -> None:
        if value < PRIVACY_FLOOR:
            raise InputError(
                f"privacy floor: {value} is below {PRIVACY_FLOOR}; it can be raised, never lowered"
            )
        self.set_meta("privacy_floor", str(value))
