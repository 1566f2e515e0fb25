"""Find and load questionnaire files (bundled and the user's folder); a broken file never hides the good ones."""

from __future__ import annotations

from pathlib import Path

from ..errors import NotFoundError, Problem, QuestionnaireError
from ..paths import bundled_questionnaire_dir
from .checking import check
from .documents import content_hash, from_document, to_document
from .model import Questionnaire
from .overrides import replaces
from .yamlsource import load_file

__all__ = [
    "check",
    "content_hash",
    "from_document",
    "get",
    "load_all",
    "load_questionnaire",
    "questionnaire_files",
    "to_document",
    "validate_file",
]


def validate_file(path: Path) -> list[Problem]:
    doc, problems = load_file(path)
    if problems:
        return problems
    return check(doc, str(path))[1]


def load_questionnaire(path: Path) -> Questionnaire:
    doc, problems = load_file(path)
    if not problems:
        q, problems = check(doc, str(path))
        if q is not None:
            return q
    raise QuestionnaireError(problems)


def questionnaire_files(extra_dirs: list[Path] | None = None) -> list[Path]:
    dirs = [bundled_questionnaire_dir(), *(extra_dirs or [])]
    files: list[Path] = []
    for d in dirs:
        if d.is_dir():
            files.extend(sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml")))
    return files


def load_all(
    extra_dirs: list[Path] | None = None,
) -> tuple[dict[str, Questionnaire], list[Problem]]:
    """Every questionnaire that loads cleanly, plus the problems of those that do not.

    A broken file never hides the good ones: the caller shows its problems and goes on.
    """
    found: dict[str, Questionnaire] = {}
    problems: list[Problem] = []
    bundled: set[str] = set()  # ids a user copy may take over (a translation: core/overrides)
    for path in questionnaire_files(extra_dirs):
        try:
            q = load_questionnaire(path)
        except QuestionnaireError as exc:
            problems.extend(exc.problems)
            continue
        if path.parent == bundled_questionnaire_dir():
            bundled.add(q.id)
        elif q.id in bundled and q.id in found:
            reason = replaces(found[q.id], q)
            if reason is None:
                found[q.id] = q
                bundled.discard(q.id)
            else:
                problems.append(Problem(str(path), None, "id", reason))
            continue
        if q.id in found:
            problems.append(
                Problem(
                    str(path), None, "id", f"'{q.id}' is already defined by {found[q.id].source}"
                )
            )
            continue
        found[q.id] = q
    return found, problems


def get(questionnaires: dict[str, Questionnaire], qid: str) -> Questionnaire:
    try:
        return questionnaires[qid]
    except KeyError:
        known = ", ".join(sorted(questionnaires)) or "none"
        raise NotFoundError(f"no questionnaire '{qid}' (known: {known})") from None
