"""An Aggregate as JSON-ready data and as the JSON text `magcheck aggregate --format json` writes.

Kept apart from aggregate_render so the JSON output does not load Rich.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, replace
from json.encoder import encode_basestring as _encode_string  # type: ignore[attr-defined]
from typing import Any

from ..core.model import COMPONENT_IDS
from .results import Aggregate


def to_data(agg: Aggregate) -> dict[str, Any]:
    # asdict copies recursively and slowly; the trends (one point per session) are built by hand
    data = {"about": list(agg.about), **asdict(replace(agg, trends=()))}
    data["trends"] = [
        {
            "group_id": tr.group_id,
            "group": tr.group,
            "questionnaire": tr.questionnaire,
            "change": tr.change,
            "component_change": {c: tr.component_change(c) for c in COMPONENT_IDS},
            "points": [
                {
                    "date": p.date,
                    "session_id": p.session_id,
                    "people": p.people,
                    "score": p.score,
                    "components": dict(p.components),
                }
                for p in tr.points
            ],
        }
        for tr in agg.trends
    ]
    return data


def _float_text(x: float) -> str:
    if x != x:
        return "NaN"
    if x in (_INF, -_INF):
        return "Infinity" if x > 0 else "-Infinity"
    return float.__repr__(x)


_INF = float("inf")
_SCALAR: dict[type, Callable[[Any], str]] = {
    str: _encode_string,
    float: _float_text,
    int: int.__repr__,
    bool: lambda v: "true" if v else "false",
    type(None): lambda v: "null",
}


def _json_text(value: Any, newline: str) -> str:
    """The text json.dumps(value, indent=2, ensure_ascii=False) gives, at this depth.

    KeyError or TypeError for anything else than str keys, lists, tuples, dicts and scalars."""
    kind = type(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = newline + "  "
        return (
            "{"
            + inner
            + ("," + inner).join(
                [
                    _encode_string(k)
                    + ": "
                    + (_SCALAR[type(v)](v) if type(v) in _SCALAR else _json_text(v, inner))
                    for k, v in value.items()
                ]
            )
            + newline
            + "}"
        )
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = newline + "  "
        return (
            "["
            + inner
            + ("," + inner).join(
                [_SCALAR[type(v)](v) if type(v) in _SCALAR else _json_text(v, inner) for v in value]
            )
            + newline
            + "]"
        )
    return _SCALAR[kind](value)


def to_json(agg: Aggregate) -> str:
    """json.dumps(to_data(agg), indent=2, ensure_ascii=False), byte for byte, in less time:
    the standard library pretty-prints in pure Python through layers of generators."""
    data = to_data(agg)
    try:
        return _json_text(data, "\n")
    except (KeyError, TypeError):  # a type this writer does not know: let json decide
        return json.dumps(data, indent=2, ensure_ascii=False)
