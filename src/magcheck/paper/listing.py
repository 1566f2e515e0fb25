"""The printed forms as `magcheck paper list` shows them: each with its check's date and status."""

from __future__ import annotations

from dataclasses import dataclass

from ..store import Store
from ..store.paper import PaperForm
from ..store.rows import Check


@dataclass(frozen=True)
class PrintedForm:
    form: PaperForm
    date: str  # the check's date
    status: str  # printed, being entered, entered once, entered twice, verified


def printed_forms(store: Store, check: Check | None = None) -> list[PrintedForm]:
    dates = {c.id: c.date for c in ([check] if check else store.checks())}
    return [
        PrintedForm(s.form, dates.get(s.form.check_id, ""), s.progress)
        for s in store.entry_status(check)
    ]
