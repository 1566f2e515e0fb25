"""magcheck paper: print numbered paper forms (PDF), and list the forms printed on this device."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..text import shown
from .common import add_command, console, load_questionnaires, make_table, open_store

EXAMPLE = (
    'magcheck paper --questionnaire member --lang es --copies 15 --group "Tuesday group" '
    "--out forms.pdf"
)


def _questionnaire(args: argparse.Namespace) -> Any:
    from ..errors import NotFoundError

    found = load_questionnaires(args)
    if args.questionnaire not in found:
        raise NotFoundError(
            f"no questionnaire '{shown(args.questionnaire)}' (there are: {', '.join(sorted(found))})"
        )
    return found[args.questionnaire]


def cmd_paper(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..paper.printing import check_request, print_paper

    missing = [
        option
        for option, value in (
            ("--questionnaire", args.questionnaire),
            ("--copies", args.copies),
            ("--out", args.out),
        )
        if value is None
    ]
    if missing:
        raise InputError(f"give {', '.join(missing)} (see: magcheck paper --help)")
    q = _questionnaire(args)
    check_request(q, args.lang, args.copies, args.size)  # before the store is opened for writing
    with open_store(args, writes=True) as store:
        check = store.check(args.check) if args.check else None
        group = store.group(args.group) if args.group else None
        run = print_paper(
            store, q, args.lang, args.copies, Path(args.out), group, check, args.date, args.size
        )
    first, last = run.forms[0], run.forms[-1]
    several = len(run.forms) > 1
    numbers = f"numbers {first.number} to {last.number}" if several else f"number {first.number}"
    print(
        f"Printed {len(run.forms)} {q.id} form{'s' if several else ''} in {args.lang} for "
        f"'{shown(first.group_name)}' (check {first.check_id[:8]}): {numbers}, "
        f"{run.pages} pages ({run.pages_per_form} a form, after the cover sheet) "
        f"in {shown(str(run.path))}"
    )
    print(
        "Print one-sided and keep the cover sheet for yourself. See also: magcheck paper list",
        file=sys.stderr,
    )
    return 0


def cmd_paper_list(args: argparse.Namespace) -> int:
    from ..paper.listing import printed_forms

    with open_store(args) as store:
        check = store.check(args.list_check) if args.list_check else None
        rows = printed_forms(store, check)
    if not rows:
        print(
            "No paper forms printed on this device yet. Print some: "
            'magcheck paper --questionnaire member --copies 10 --group "Tuesday group" '
            "--out forms.pdf"
        )
        return 0
    table = make_table(
        "form", "group", "date", "questionnaire", "lang", "stack", "check", "status",
        wrap="group",
    )  # fmt: skip
    for row in rows:
        f = row.form
        table.add_row(
            f.number,
            shown(f.group_name),
            shown(row.date),
            f"{shown(f.questionnaire_id)} v{f.questionnaire_version}",
            shown(f.language),
            f"{f.position}/{f.batch_size}",
            f.check_id[:8],
            row.status,
        )
    console().print(table)
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        sub,
        "paper",
        cmd_paper,
        "print numbered paper forms (PDF): a cover sheet for the facilitator, then one form "
        "per respondent with large tick boxes, a QR code and a form number; no names",
        EXAMPLE,
        common,
    )
    p.add_argument("--questionnaire", metavar="ID", help="member or facilitator (or your own)")
    p.add_argument("--lang", default="en", help="language of the forms (default en)")
    p.add_argument("--copies", type=int, metavar="N", help="how many forms to number and print")
    p.add_argument("--group", metavar="NAME", help="the group (needed unless --check is given)")
    p.add_argument("--check", metavar="ID", help="add the forms to this existing check")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="date of a new check (default today)")
    p.add_argument("--size", default="a4", help="paper: a4 (default) or letter")
    p.add_argument("--out", metavar="FILE", help="the PDF to write, e.g. forms.pdf")
    psub = p.add_subparsers(title="commands", metavar="COMMAND")
    lp = add_command(
        psub,
        "list",
        cmd_paper_list,
        "list the paper forms printed on this device: number, group, date, questionnaire, "
        "language, position in the stack, and whether each is entered yet",
        "magcheck paper list --check 3fa2c1d0",
        common,
    )
    lp.add_argument("--check", dest="list_check", metavar="ID", help="only this check's forms")
