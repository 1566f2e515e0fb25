"""An Aggregate as JSON-ready data and as the JSON text `magcheck aggregate --format json` writes.

Kept apart from aggregate_render so the JSON output does not load Rich.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, replace
from functools import lru_cache
from json.encoder import encode_basestring as _encode_string  # type: ignore[attr-defined]
from typing import IO, Any

from ..core.model import COMPONENT_IDS
from .results import Aggregate, TrendPoint


def to_data(agg: Aggregate) -> dict[str, Any]:
    return _data(agg, _point_dicts)


def _point_dicts(points: tuple[TrendPoint, ...]) -> list[dict[str, Any]]:
    return [
        {
            "date": p.date,
            "session_id": p.session_id,
            "people": p.people,
            "score": p.score,
            "components": dict(p.components),
        }
        for p in points
    ]


def _changes(found: dict[str, float | None]) -> dict[str, float | None]:
    return {c: found.get(c) for c in COMPONENT_IDS}


def _data(agg: Aggregate, points: Callable[[tuple[TrendPoint, ...]], Any]) -> dict[str, Any]:
    # asdict copies recursively and slowly; the trends (one point per session) are built by hand
    data = {"about": list(agg.about), **asdict(replace(agg, trends=()))}
    data["trends"] = [
        {
            "group_id": tr.group_id,
            "group": tr.group,
            "questionnaire": tr.questionnaire,
            "change": tr.change,
            "component_change": _changes(tr.component_changes()),
            "points": points(tr.points),
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

    KeyError or TypeError for anything else than str keys, lists, tuples, dicts, scalars and
    _Points."""
    kind = type(value)
    if kind is _Points:
        return value.text(newline)
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


_PLAIN = {str, int, float, bool, type(None)}


class _Points:
    """A trend's points, written straight from the TrendPoints as _json_text writes their
    dicts: a text template per set of components, filled with the values' JSON texts. The
    texts come from one json.dumps of all the trend's values (its C encoder), split at ", "
    (when no text holds ", " itself; else value by value)."""

    def __init__(self, points: tuple[TrendPoint, ...]) -> None:
        self.points = points

    def text(self, newline: str) -> str:
        points = self.points
        if not points:
            return "[]"
        inner = newline + "  "
        values: list[Any] = []
        for p in points:
            values += (p.date, p.session_id, p.people, p.score)
            values.extend(p.components.values())
        if not set(map(type, values)) <= _PLAIN:
            raise TypeError("a trend point holds something else than plain values")
        texts = json.dumps(values, ensure_ascii=False)[1:-1].split(", ")
        if len(texts) != len(values):
            texts = [_SCALAR[type(v)](v) for v in values]
        shapes = [tuple(p.components) for p in points]
        if shapes.count(shapes[0]) == len(shapes):  # one template for all: one % for all
            template = _point_template(shapes[0], inner)
            body = ("," + inner).join([template] * len(points)) % tuple(texts)
        else:
            out = []
            at = 0
            for names in shapes:
                end = at + 4 + len(names)
                out.append(_point_template(names, inner) % tuple(texts[at:end]))
                at = end
            body = ("," + inner).join(out)
        return "[" + inner + body + newline + "]"


@lru_cache(maxsize=256)
def _point_template(components: tuple[str, ...], newline: str) -> str:
    """The JSON text of a point dict at this depth, its values left as %s."""
    key = newline + "  "
    parts = [f"{_encode_string(k)}: %s" for k in ("date", "session_id", "people", "score")]
    if components:
        inner = key + "  "
        names = [_encode_string(c).replace("%", "%%") for c in components]
        comps = "{" + inner + ("," + inner).join(f"{n}: %s" for n in names) + key + "}"
    else:
        comps = "{}"
    parts.append(f"{_encode_string('components')}: {comps}")
    return "{" + key + ("," + key).join(parts) + newline + "}"


def _chunks(agg: Aggregate) -> Iterator[str]:
    """to_json's text in pieces: the top level member by member, the trends one by one."""
    for n, (key, value) in enumerate(_data(agg, _Points).items()):
        yield ("{" if n == 0 else ",") + "\n  " + _encode_string(key) + ": "
        if key != "trends" or not value:
            yield _json_text(value, "\n  ")
            continue
        for m, trend in enumerate(value):
            yield ("[" if m == 0 else ",") + "\n    " + _json_text(trend, "\n    ")
        yield "\n  ]"
    yield "\n}"


def to_json(agg: Aggregate) -> str:
    """json.dumps(to_data(agg), indent=2, ensure_ascii=False), byte for byte, in less time:
    the standard library pretty-prints in pure Python through layers of generators."""
    try:
        return "".join(_chunks(agg))
    except (KeyError, TypeError):  # a type this writer does not know: let json decide
        return json.dumps(to_data(agg), indent=2, ensure_ascii=False)


def write_json(agg: Aggregate, fh: IO[str]) -> None:
    """to_json(agg) and a newline into an open text file, a trend at a time (the whole text of
    a large programme is hundreds of megabytes)."""
    try:
        for chunk in _chunks(agg):
            fh.write(chunk)
    except (KeyError, TypeError):
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps(to_data(agg), indent=2, ensure_ascii=False))
    fh.write("\n")
