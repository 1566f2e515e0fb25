"""Safe YAML loading that remembers the line of every key and list element.

Bounded for files from anywhere: at most MAX_FILE_BYTES, regular files only (a FIFO or
/dev/zero is refused unread), no anchors or aliases (so no "billion laughs" expansion, and
no merge keys), and at most MAX_DEPTH levels of nesting (so no RecursionError).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from ..inputs import FileRefused, read_regular

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping that knows the 1-based line of itself and of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]
    duplicate_keys: list[tuple[Any, int]]


class LineList(list):  # type: ignore[type-arg]
    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader (no Python object tags) that records line numbers, refuses anchors and aliases
    and limits nesting, all while composing: before anything could be expanded or recursed into.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors and aliases (&name, *name, <<) are not allowed; write each value out",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.duplicate_keys = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            ) from None
        line = key_node.start_mark.line + 1
        if key in result:
            result.duplicate_keys.append((key, line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[str | None, list[Problem]]:
    """Read a regular file as UTF-8 text, refusing oversized files and naming the line of a bad byte."""
    name = str(path)
    try:
        raw = read_regular(path, max_bytes)
    except FileRefused as exc:
        return None, [Problem(name, None, "file", exc.reason)]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        return None, [
            Problem(name, line, "encoding", f"byte 0x{bad} is not UTF-8; save the file as UTF-8")
        ]


def parse(text: str, name: str) -> tuple[Any, list[Problem]]:
    """Parse YAML (or JSON, which is YAML) safely; problems carry the file and line."""
    try:
        return yaml.load(text, Loader=_LineLoader), []  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in what:
            what = f"{what} (only plain YAML is allowed)"
        return None, [Problem(name, line, "yaml", what)]
    except yaml.YAMLError as exc:
        return None, [Problem(name, None, "yaml", str(exc).splitlines()[0])]
    except RecursionError:  # cannot happen below MAX_DEPTH; kept so it never is a traceback
        return None, [Problem(name, None, "yaml", "nested too deeply")]


def load_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[Any, list[Problem]]:
    text, problems = read_text(path, max_bytes)
    if text is None:
        return None, problems
    return parse(text, str(path))
