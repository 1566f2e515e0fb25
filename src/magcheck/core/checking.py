"""Validate a parsed questionnaire document; every problem is located by file, line and field."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import replace
from fractions import Fraction
from typing import Any

from ..errors import Problem
from ..text import clean_text, problem_in, shown
from .documents import questionnaire_hash
from .model import COMPONENT_IDS, ROLES, Bands, Item, Questionnaire, Scale
from .yamlsource import LineDict, LineList

TOP_KEYS = ("id", "version", "role", "languages", "title", "description", "scale", "items", "bands")


REQUIRED_TOP = ("id", "version", "role", "languages", "title", "scale", "items")


SCALE_KEYS = ("min", "max", "labels", "prefer_not_to_say", "dont_know", "not_applicable")


ITEM_KEYS = ("id", "component", "text", "reverse", "parallel")


BAND_KEYS = ("strong", "developing", "weak")


MIN_ITEMS_PER_COMPONENT = 2


_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class _Checker:
    """Collects problems for one file while walking its parsed content."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []

    def add(self, line: int | None, field: str, message: str) -> None:
        self.problems.append(Problem(self.name, line, field, message))

    def keys(self, mapping: LineDict, allowed: tuple[str, ...], prefix: str) -> None:
        for key, line in mapping.duplicate_keys:
            self.add(line, f"{prefix}{key}", "appears twice in the same mapping")
        for key in mapping:
            if key in allowed:
                continue
            hint = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            more = f"; did you mean '{hint[0]}'?" if hint else f"; allowed: {', '.join(allowed)}"
            self.add(mapping.key_lines.get(key), f"{prefix}{key}", f"unknown key{more}")

    def texts(
        self, parent: LineDict, key: str, field: str, languages: list[str], required: bool = True
    ) -> dict[str, str]:
        line = parent.key_lines.get(key, parent.line)
        value = parent.get(key)
        if value is None:
            if required:
                self.add(line, field, "missing (a text per language is required)")
            return {}
        if not isinstance(value, LineDict):
            self.add(line, field, "must be a mapping of language to text, e.g. en: ...")
            return {}
        out: dict[str, str] = {}
        for lang in languages:
            text = value.get(lang)
            if text is None:
                self.add(value.line, f"{field}.{lang}", "missing text for declared language")
            elif not isinstance(text, str) or not text.strip():
                self.add(value.key_lines.get(lang), f"{field}.{lang}", "must be non-empty text")
            elif self.text_ok(value.key_lines.get(lang), f"{field}.{lang}", text):
                out[lang] = clean_text(text, field)
        for lang in value:
            if lang not in languages:
                self.add(
                    value.key_lines.get(lang),
                    f"{field}.{lang}",
                    f"language '{shown(lang)}' is not in languages {languages}",
                )
        return out

    def text_ok(self, line: int | None, field: str, text: str) -> bool:
        """The text policy (magcheck.text): no control, bidi or invisible characters."""
        problem = problem_in(text, multiline=True)
        if problem:
            self.add(line, field, problem)
        return problem is None


def _number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Fraction(str(value))


def check(doc: Any, name: str) -> tuple[Questionnaire | None, list[Problem]]:
    """Validate a parsed document; return the questionnaire when it has no problems."""
    c = _Checker(name)
    if not isinstance(doc, LineDict):
        c.add(1, "(top)", "the file must be a YAML mapping with id, version, items, ...")
        return None, c.problems
    c.keys(doc, TOP_KEYS, "")
    for key in REQUIRED_TOP:
        if key not in doc:
            c.add(doc.line, key, "required key is missing")

    def line_of(key: str) -> int:
        return doc.key_lines.get(key, doc.line)

    qid: Any = doc.get("id")
    if qid is not None and (not isinstance(qid, str) or not _ID_RE.fullmatch(qid)):
        c.add(line_of("id"), "id", "must be letters, digits, '_' or '-' (e.g. member_checkin)")
    version: Any = doc.get("version")
    if version is not None and (
        isinstance(version, bool) or not isinstance(version, int) or version < 1
    ):
        c.add(line_of("version"), "version", "must be a positive whole number")
    role: Any = doc.get("role")
    if role is not None and role not in ROLES:
        c.add(line_of("role"), "role", f"'{shown(role)}' is not one of {', '.join(ROLES)}")

    languages: list[str] = []
    raw_langs = doc.get("languages")
    if raw_langs is not None:
        if not isinstance(raw_langs, LineList) or not raw_langs:
            c.add(line_of("languages"), "languages", "must be a non-empty list, e.g. [en, es, pt]")
        else:
            for i, lang in enumerate(raw_langs):
                if not isinstance(lang, str) or not _LANG_RE.fullmatch(lang):
                    c.add(
                        raw_langs.item_lines[i],
                        f"languages[{i}]",
                        f"'{shown(lang)}' is not a language code",
                    )
                elif lang in languages:
                    c.add(
                        raw_langs.item_lines[i],
                        f"languages[{i}]",
                        f"'{shown(lang)}' is listed twice",
                    )
                else:
                    languages.append(lang)

    title = c.texts(doc, "title", "title", languages)
    description = c.texts(doc, "description", "description", languages, required=False)
    scale = _check_scale(c, doc, languages)
    items = _check_items(c, doc, languages)
    bands = _check_bands(c, doc)

    if c.problems or scale is None or items is None:
        return None, c.problems
    q = Questionnaire(
        id=qid,
        version=version,
        role=role,
        languages=tuple(languages),
        title=title,
        description=description,
        scale=scale,
        items=items,
        bands=bands,
        source=name,
    )
    # The hash of the meaning with every default spelled out, so a store snapshot or a bundle
    # carrying this questionnaire recomputes exactly this hash from its document.
    return replace(q, content_hash=questionnaire_hash(q)), []


def _check_scale(c: _Checker, doc: LineDict, languages: list[str]) -> Scale | None:
    raw = doc.get("scale")
    if raw is None:
        return None
    if not isinstance(raw, LineDict):
        c.add(doc.key_lines.get("scale"), "scale", "must be a mapping with min, max and labels")
        return None
    c.keys(raw, SCALE_KEYS, "scale.")
    lo: Any = raw.get("min")
    hi: Any = raw.get("max")
    ok = True
    for key, value in (("min", lo), ("max", hi)):
        if value is None:
            c.add(raw.line, f"scale.{key}", "required key is missing")
            ok = False
        elif isinstance(value, bool) or not isinstance(value, int):
            c.add(raw.key_lines.get(key), f"scale.{key}", "must be a whole number")
            ok = False
    if ok and lo >= hi:
        c.add(raw.key_lines.get("min"), "scale.min", f"min ({lo}) must be less than max ({hi})")
        ok = False
    flags: dict[str, bool] = {}
    for flag in ("prefer_not_to_say", "dont_know", "not_applicable"):
        value = raw.get(flag, False)
        if not isinstance(value, bool):
            c.add(raw.key_lines.get(flag), f"scale.{flag}", "must be true or false")
        flags[flag] = value is True
    labels_raw = raw.get("labels")
    labels: dict[str, tuple[str, ...]] = {}
    if labels_raw is None:
        c.add(raw.line, "scale.labels", "missing: give one label per point for every language")
        return None
    if not isinstance(labels_raw, LineDict):
        c.add(
            raw.key_lines.get("labels"),
            "scale.labels",
            "must map each language to a list of labels",
        )
        return None
    for lang in languages:
        lst = labels_raw.get(lang)
        field = f"scale.labels.{lang}"
        if lst is None:
            c.add(labels_raw.line, field, "missing labels for declared language")
        elif not isinstance(lst, LineList) or not all(
            isinstance(x, str) and x.strip() for x in lst
        ):
            c.add(labels_raw.key_lines.get(lang), field, "must be a list of non-empty labels")
        elif ok and len(lst) != hi - lo + 1:
            c.add(
                labels_raw.key_lines.get(lang),
                field,
                f"has {len(lst)} labels; the scale {lo}..{hi} needs {hi - lo + 1}",
            )
        else:
            good = [c.text_ok(lst.item_lines[i], f"{field}[{i}]", x) for i, x in enumerate(lst)]
            if all(good):
                labels[lang] = tuple(clean_text(x, field) for x in lst)
    for lang in labels_raw:
        if lang not in languages:
            c.add(
                labels_raw.key_lines.get(lang),
                f"scale.labels.{lang}",
                f"language '{shown(lang)}' is not in languages",
            )
    if not ok:
        return None
    return Scale(min=lo, max=hi, labels=labels, **flags)


def _check_items(c: _Checker, doc: LineDict, languages: list[str]) -> tuple[Item, ...] | None:
    raw = doc.get("items")
    if raw is None:
        return None
    if not isinstance(raw, LineList) or not raw:
        c.add(doc.key_lines.get("items"), "items", "must be a non-empty list of items")
        return None
    items: list[Item] = []
    seen: dict[str, int] = {}
    first_line: dict[str, int] = {}
    for i, entry in enumerate(raw):
        line = raw.item_lines[i]
        prefix = f"items[{i}]"
        if not isinstance(entry, LineDict):
            c.add(line, prefix, "must be a mapping with id, component, text and reverse")
            continue
        c.keys(entry, ITEM_KEYS, f"{prefix}.")
        iid = entry.get("id")
        if iid is None:
            c.add(entry.line, f"{prefix}.id", "required key is missing")
        elif not isinstance(iid, str) or not _ID_RE.fullmatch(iid):
            c.add(entry.key_lines.get("id"), f"{prefix}.id", "must be letters, digits, '_' or '-'")
            iid = None
        elif iid in seen:
            c.add(
                entry.key_lines.get("id"),
                f"{prefix}.id",
                f"duplicate item id '{shown(iid)}' (first used on line {seen[iid]})",
            )
        else:
            seen[iid] = entry.key_lines.get("id", line)
        comp = entry.get("component")
        if comp is None:
            c.add(entry.line, f"{prefix}.component", "required key is missing")
        elif comp not in COMPONENT_IDS:
            hint = difflib.get_close_matches(str(comp), COMPONENT_IDS, n=1, cutoff=0.5)
            more = (
                f"; did you mean '{hint[0]}'?"
                if hint
                else f"; use one of {', '.join(COMPONENT_IDS)}"
            )
            c.add(
                entry.key_lines.get("component"),
                f"{prefix}.component",
                f"unknown component '{shown(comp)}'{more}",
            )
            comp = None
        else:
            first_line.setdefault(comp, entry.key_lines.get("component", line))
        reverse = entry.get("reverse", False)
        if not isinstance(reverse, bool):
            c.add(entry.key_lines.get("reverse"), f"{prefix}.reverse", "must be true or false")
        text = c.texts(entry, "text", f"{prefix}.text", languages)
        parallel = entry.get("parallel")
        if parallel is not None and (
            not isinstance(parallel, str) or not _ID_RE.fullmatch(parallel)
        ):
            c.add(
                entry.key_lines.get("parallel"),
                f"{prefix}.parallel",
                "must be the id of the member item this item mirrors (letters, digits, '_' or '-')",
            )
            parallel = None
        if iid and comp and isinstance(reverse, bool):
            items.append(
                Item(id=iid, component=comp, text=text, reverse=reverse, parallel=parallel)
            )
    counts = Counter(entry.get("component") for entry in raw if isinstance(entry, LineDict))
    for comp, n in counts.items():
        if comp in COMPONENT_IDS and n < MIN_ITEMS_PER_COMPONENT:
            c.add(
                first_line.get(comp),
                "items",
                f"component '{comp}' has {n} item; each component needs at least {MIN_ITEMS_PER_COMPONENT}",
            )
    return tuple(items)


def _check_bands(c: _Checker, doc: LineDict) -> Bands:
    raw = doc.get("bands")
    if raw is None:
        return Bands()
    if not isinstance(raw, LineDict):
        c.add(
            doc.key_lines.get("bands"), "bands", "must be a mapping with strong, developing, weak"
        )
        return Bands()
    c.keys(raw, BAND_KEYS, "bands.")
    default = Bands()
    edges: dict[str, Fraction] = {}
    for key in BAND_KEYS:
        given = raw.get(key)
        value = getattr(default, key) if given is None and key not in raw else _number(given)
        if value is None:
            c.add(raw.key_lines.get(key), f"bands.{key}", "must be a number from 0 to 100")
            return Bands()
        edges[key] = value
    strong, developing, weak = edges["strong"], edges["developing"], edges["weak"]
    if not (0 <= weak < developing < strong <= 100):
        c.add(
            raw.line,
            "bands",
            f"need 0 <= weak ({weak}) < developing ({developing}) < strong ({strong}) <= 100",
        )
        return Bands()
    return Bands(strong=strong, developing=developing, weak=weak)
