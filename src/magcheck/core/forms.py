"""Paper forms' identity: the short form number people type and the QR code a scanner reads.

A form number is a serial (unique in the store that printed it) followed by one check digit
(Damm's algorithm: it catches every single mistyped digit and every swap of two neighbouring
digits). It is printed as ``0042-7`` and typed as digits only (``00427`` or ``427``).

The QR code carries the whole identity as QR alphanumeric text (digits, capitals, ``/``, ``-``),
so a keyboard-wedge scanner types it the same on any keyboard layout::

    MC1/00427/<questionnaire content hash>/<LANGUAGE>/<group id>/<check id>

Entry looks the form number up in the store; a scanned code is also checked against what the
store printed, so a form from another device or another questionnaire is refused, never merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError

PAYLOAD_PREFIX = "MC1"
SERIAL_WIDTH = 4  # printed serials are zero-padded to at least this many digits

# Damm's quasigroup of order 10 (weakly totally anti-symmetric): Damm (2004).
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_HEX = re.compile(r"[0-9a-f]{32,64}")
_LANG = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")


def damm_digit(digits: str) -> int:
    """The check digit that makes digits + it valid (interim digit 0)."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return interim


def form_number(serial: int) -> str:
    """The digits of a form number: the zero-padded serial and its check digit."""
    if serial < 1:
        raise ValueError(serial)
    body = f"{serial:0{SERIAL_WIDTH}d}"
    return f"{body}{damm_digit(body)}"


def printed_number(serial: int) -> str:
    """As printed on the form: ``0042-7``."""
    number = form_number(serial)
    return f"{number[:-1]}-{number[-1]}"


def parse_number(text: str) -> int:
    """The serial of a typed form number (``0042-7``, ``00427`` or ``427``); a number whose check
    digit does not match is refused, so a mistyped digit never opens another person's form."""
    raw = text.strip()
    digits = raw.replace("-", "").replace(" ", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) < 2 or len(digits) > 12:
        raise InputError(f"form number '{raw[:20]}': type the digits printed under the QR code")
    if damm_digit(digits) != 0:
        raise InputError(
            f"form number '{raw}': the check digit does not match; a digit was mistyped or two "
            "digits swapped: look at the form again"
        )
    serial = int(digits[:-1])
    if serial < 1:
        raise InputError(f"form number '{raw}' is not a form number")
    return serial


@dataclass(frozen=True)
class FormIdentity:
    """What one printed form stands for."""

    serial: int
    questionnaire_hash: str
    language: str
    group_id: str
    check_id: str

    @property
    def number(self) -> str:
        return printed_number(self.serial)

    def payload(self) -> str:
        """The QR code's text (QR alphanumeric mode)."""
        parts = (
            PAYLOAD_PREFIX,
            form_number(self.serial),
            self.questionnaire_hash,
            self.language,
            self.group_id,
            self.check_id,
        )
        return "/".join(parts).upper()


def parse_payload(text: str) -> FormIdentity:
    """A scanned QR code's text back to the identity it carries (refused when malformed)."""
    parts = text.strip().split("/")
    if len(parts) != 6 or parts[0].upper() != PAYLOAD_PREFIX:
        raise InputError("scanned code: not a magcheck form code")
    _, number, qhash, lang, group_id, check_id = (p.lower() for p in parts)
    serial = parse_number(number)
    for value, what in ((qhash, "questionnaire"), (group_id, "group"), (check_id, "check")):
        if not _HEX.fullmatch(value):
            raise InputError(f"scanned code: the {what} part is damaged; type the form number")
    if not _LANG.fullmatch(lang):
        raise InputError("scanned code: the language part is damaged; type the form number")
    return FormIdentity(serial, qhash, lang, group_id, check_id)


def read_form_ref(text: str) -> int | FormIdentity:
    """What a keyer typed or scanned: a form number (its serial) or a whole QR identity."""
    if text.strip().upper().startswith(PAYLOAD_PREFIX + "/"):
        return parse_payload(text)
    return parse_number(text)
