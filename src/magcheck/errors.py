"""Errors a user can cause, each carrying a message fit to print as it is."""

from __future__ import annotations

from dataclasses import dataclass


class MagcheckError(Exception):
    """Base class: str(error) is a complete, user-facing message."""

    title = "magcheck"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, located as precisely as we can."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}"


class QuestionnaireError(MagcheckError):
    title = "Questionnaire problem"

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StoreError(MagcheckError):
    title = "Store problem"


class NotFoundError(MagcheckError):
    title = "Not found"


class InputError(MagcheckError):
    title = "Input problem"
