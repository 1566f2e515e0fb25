"""The shipped JSON Schema, held against a bundle's envelope (everything but the sessions).

jsonschema is the reference implementation of the standard the schema is written in, so the
published schema is the rule that runs, not a description beside it. It checks the envelope
only: validating a million answers with it takes about 30 s (benchmarks/aggregate.py), so the
sessions meet the same rules, and more, in exports/reading.py, and the tests hold that code to
the whole schema.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from .fields import Invalid, shown

SCHEMA_FILE = "data/bundle.schema.json"


@cache
def schema() -> dict[str, Any]:
    return json.loads(files("magcheck").joinpath(SCHEMA_FILE).read_text("utf-8"))  # type: ignore[no-any-return]


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def _message(error: Any) -> str:
    """One line naming the field and the rule, never echoing more than a short, escaped value."""
    where, kind, rule = _path(error.absolute_path), error.validator, error.validator_value
    instance = error.instance
    if kind == "required":
        missing = next((k for k in rule if k not in instance), "?")
        return f"{where}.{missing}: is missing" if where != "(top)" else f"{missing}: is missing"
    if kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = next((k for k in instance if k not in known), "?")
        return f"{where}.{shown(extra)[1:-1]}: is not a field of this record"
    if kind == "type":
        return f"{where}: must be {' or '.join(rule) if isinstance(rule, list) else rule}"
    if kind in ("const", "enum"):
        options = [rule] if kind == "const" else rule
        return f"{where}: must be {' or '.join(json.dumps(o) for o in options)}"
    if kind in ("pattern", "oneOf", "propertyNames", "format"):
        return f"{where}: {shown(instance)} is not in the expected form"
    if kind in ("minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum"):
        return f"{where}: breaks the rule {kind} {rule}"
    return f"{where}: does not meet the bundle schema ({kind})"


def check_envelope(doc: dict[str, Any]) -> None:
    """Raise Invalid for the first place the envelope breaks the shipped schema."""
    envelope = {**doc, "sessions": []}
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(envelope))
    if error is not None:
        raise Invalid(_message(error))
