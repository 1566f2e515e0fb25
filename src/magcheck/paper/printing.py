"""One print run: check everything a user can get wrong, number the forms in the store, then
write the PDF whole (owner-only) or not at all.

Order matters. Bad input (an unknown questionnaire or group, a language the questionnaire lacks,
a copy count out of range, an --out that is a folder or the store, the extra not installed) is
refused before any form is numbered. Once numbered, forms stay numbered even if writing the PDF
then fails (a full disk): a number that is never printed is never entered, so it does no harm,
and a second run simply prints the next numbers. The error says which numbers were skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..core.model import Questionnaire
from ..errors import InputError
from ..outputs import OutputError, atomic_output, check_target
from ..store import Store
from ..store.paper import MAX_COPIES, PaperForm
from ..store.rows import Check, Group
from .draw import Cover, render
from .sheet import SIZES, need


@dataclass(frozen=True)
class PrintRun:
    path: Path
    forms: list[PaperForm]
    pages: int  # in the whole PDF, cover sheet included
    pages_per_form: int


def check_request(q: Questionnaire, language: str, copies: int, size: str) -> None:
    """Everything about a print run that can be refused without the store."""
    if size not in SIZES:
        raise InputError(f"--size '{size}': choose {' or '.join(SIZES)}")
    if not 1 <= copies <= MAX_COPIES:
        raise InputError(f"--copies {copies}: give a number from 1 to {MAX_COPIES}")
    if language not in q.languages:
        raise InputError(
            f"questionnaire '{q.id}' has no '{language}' text (it has {', '.join(q.languages)})"
        )
    need("fpdf")
    need("segno")


def print_paper(
    store: Store,
    q: Questionnaire,
    language: str,
    copies: int,
    out: Path,
    group: Group | None = None,
    check: Check | None = None,
    on: date | str | None = None,
    size: str = "a4",
) -> PrintRun:
    """Number `copies` forms of q for a check (the given one, or a new one of `group` on `on`)
    and write the cover sheet and the forms to `out`."""
    check_request(q, language, copies, size)
    if check is None and group is None:
        raise InputError("give the group (--group NAME) or an existing check (--check ID)")
    if check is not None and group is not None and check.group_id != group.id:
        raise InputError(
            f"check {check.id[:8]} belongs to the group '{check.group_name}', not '{group.name}'"
        )
    if check is not None and on is not None:
        raise InputError("--date is for a new check; an existing check keeps its own date")
    check_target(out, protect=[store.path])
    if group is None:
        assert check is not None
        group = store.group(check.group_id)
    forms = store.print_forms(group, q, language, copies, check=check, on=on)
    made = store.check(forms[0].check_id)
    cover = Cover(group.name, made.date, made.id, store.crisis_text(language))
    try:
        data, per_form = render(q, language, forms, cover, size)
        with atomic_output(out, protect=[store.path], binary=True) as fh:
            fh.write(data)
    except OutputError as exc:
        raise OutputError(
            f"{exc} (forms {forms[0].number} to {forms[-1].number} were numbered but not "
            "printed: they do no harm, as they are never entered; run the command again)"
        ) from None
    return PrintRun(out, forms, 1 + per_form * len(forms), per_form)
