"""Device settings kept in the store: the local crisis text per language, the privacy floor,
whether exports must be encrypted and the evaluators' public keys (age recipients) to encrypt to."""

from __future__ import annotations

import json
import re
import unicodedata

from ..core.checkscore import PRIVACY_FLOOR, privacy_floor
from ..core.model import LANGUAGES
from ..errors import InputError
from ..i18n import is_language_code
from .connection import Connection

MAX_CRISIS_TEXT = 400
RECIPIENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,39}")


class Settings(Connection):
    """What a programme sets once per device."""

    def crisis_text(self, lang: str) -> str | None:
        return self.get_meta(f"crisis_text:{lang}")

    def set_crisis_text(self, text: str, lang: str) -> None:
        if lang not in LANGUAGES and not is_language_code(lang):
            raise InputError(f"language '{lang}' is not a language code (e.g. en, es, pt, fr)")
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

    def require_encryption(self) -> bool:
        return self.get_meta("require_encryption") == "on"

    def set_require_encryption(self, on: bool) -> None:
        self.set_meta("require_encryption", "on" if on else "off")

    def recipients(self) -> dict[str, str]:
        """Stored public keys (name -> age1… recipient), checked by exports.crypto when added."""
        found = json.loads(self.get_meta("recipients") or "{}")
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}

    def add_recipient(self, name: str, key: str) -> None:
        if not RECIPIENT_NAME.fullmatch(name):
            raise InputError(
                f"recipient name {name!r}: 1 to 40 letters, digits, '.', '_', '-' or '@'"
            )
        found = self.recipients()
        if name in found and found[name] != key:
            raise InputError(f"a recipient named {name!r} exists; remove it first or pick a name")
        found[name] = key
        self.set_meta("recipients", json.dumps(found, sort_keys=True))

    def remove_recipient(self, name: str) -> None:
        found = self.recipients()
        if name not in found:
            raise InputError(f"no recipient named {name!r} (see magcheck keys list)")
        del found[name]
        self.set_meta("recipients", json.dumps(found, sort_keys=True))
