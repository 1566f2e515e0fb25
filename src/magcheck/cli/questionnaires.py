"""magcheck questionnaires: list, show and validate questionnaire files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..text import shown
from .common import add_command, console, help_of, load_questionnaires, make_table
from .odk import cmd_xlsform
from .translations import register_questionnaire_commands


def cmd_q_list(args: argparse.Namespace) -> int:

    table = make_table("id", "version", "role", "languages", "items", "title", wrap="title")
    for q in load_questionnaires(args).values():
        table.add_row(
            shown(q.id),
            str(q.version),
            shown(q.role),
            shown(",".join(q.languages)),
            str(len(q.items)),
            shown(q.title[q.languages[0]]),
        )
    console().print(table)
    return 0


def cmd_q_show(args: argparse.Namespace) -> int:
    from ..core.questionnaires import get

    q = get(load_questionnaires(args), args.id)
    lang = q.text_lang(args.lang)
    con = console()
    con.print(
        f"{shown(q.title[lang])} ({shown(q.id)} v{q.version}, role {q.role}, {len(q.items)} items)"
    )
    if q.description.get(lang):
        con.print(shown(q.description[lang]))
    labels = ", ".join(f"{v} = {shown(q.scale.label(v, lang))}" for v in q.scale.points)
    con.print(
        f"Scale: {labels}" + ("; prefer not to say offered" if q.scale.prefer_not_to_say else "")
    )
    con.print(f"Content hash: {q.content_hash}")
    for i, item in enumerate(q.items, 1):
        flag = " (reverse)" if item.reverse else ""
        con.print(f"{i:>3}. [{item.component}{flag}] {shown(item.id)}: {shown(item.text[lang])}")
    return 0


def cmd_q_validate(args: argparse.Namespace) -> int:
    from ..core.questionnaires import load_questionnaire
    from ..errors import QuestionnaireError

    bad = 0
    for name in args.paths:
        path = Path(name)
        try:
            q = load_questionnaire(path)
        except QuestionnaireError as exc:
            bad += 1
            for problem in exc.problems:
                print(shown(problem))
            continue
        print(
            f"{shown(path)}: ok ({shown(q.id)} v{q.version}, {len(q.items)} items, {len(q.components)} components)"
        )
    if bad:
        print(f"{bad} of {len(args.paths)} file(s) invalid", file=sys.stderr)
    return 1 if bad else 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    qp = add_command(
        sub,
        "questionnaires",
        help_of(lambda: qp),
        "list, show and validate questionnaires, or write one as an XLSForm",
        "magcheck questionnaires validate my-questionnaire.yaml",
        common,
    )
    qsub = qp.add_subparsers(title="commands", metavar="COMMAND")
    add_command(
        qsub,
        "list",
        cmd_q_list,
        "list the questionnaires magcheck can use",
        "magcheck questionnaires list",
        common,
    )
    p = add_command(
        qsub,
        "show",
        cmd_q_show,
        "show a questionnaire's items",
        "magcheck questionnaires show member --lang es",
        common,
    )
    p.add_argument("id")
    p.add_argument("--lang", default="en", help="language of the text shown (default en)")
    p = add_command(
        qsub,
        "validate",
        cmd_q_validate,
        "check questionnaire files; prints file:line: field: problem",
        "magcheck questionnaires validate questionnaires/*.yaml",
        common,
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p = add_command(
        qsub,
        "xlsform",
        cmd_xlsform,
        "write a questionnaire as an XLSForm for ODK Central or KoboToolbox (needs the odk extra)",
        "magcheck questionnaires xlsform member --out member.xlsx",
        common,
    )
    p.add_argument("id")
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help="the XLSForm to write")
    register_questionnaire_commands(qsub, common)
