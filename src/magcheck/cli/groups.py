"""magcheck groups and magcheck sessions: add and list groups, list and show sessions."""

from __future__ import annotations

import argparse
from typing import Any

from ..text import shown
from .common import add_command, console, help_of, make_table, open_store


def cmd_groups_add(args: argparse.Namespace) -> int:
    with open_store(args, writes=True) as store:
        group = store.add_group(args.name, args.region, args.focus)
    print(f"Added group '{shown(group.name)}' ({group.id[:8]})")
    return 0


def cmd_groups_list(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        groups = store.groups()
        counts = {g.id: len(store.sessions(g)) for g in groups}
    if not groups:
        print(
            'No groups yet. Add one: magcheck groups add "Tuesday group"  (or try: magcheck demo)'
        )
        return 0
    table = make_table("name", "region", "focus", "sessions", "id", wrap="name")
    for g in groups:
        table.add_row(
            shown(g.name), shown(g.region or ""), shown(g.focus or ""), str(counts[g.id]), g.id[:8]
        )
    console().print(table)
    return 0


def cmd_sessions_list(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        group = store.group(args.group) if args.group else None
        sessions = store.sessions(group)
    if not sessions:
        print("No sessions yet. Start one: magcheck answer --group G --questionnaire member")
        return 0
    table = make_table(
        "id", "check", "group", "date", "questionnaire", "people", "status", wrap="group"
    )
    for s in sessions:
        table.add_row(
            s.id[:8],
            (s.check_id or "")[:8],
            shown(s.group_name),
            shown(s.date),
            f"{shown(s.questionnaire_id)} v{s.questionnaire_version}",
            str(s.respondents),
            s.status,
        )
    console().print(table)
    return 0


def cmd_sessions_show(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        session = store.session(args.session)
        q = store.questionnaire(session.questionnaire_hash)
        rows = store.session_answers(session)
    con = console()
    con.print(
        f"Session {session.id} · {shown(session.group_name)} · {shown(session.date)} · "
        f"{shown(q.id)} v{q.version} · {shown(session.language)} · {session.status}"
    )
    table = make_table("response", "role", "code", "answered", "status", wrap="code")
    for response, answers in rows:
        table.add_row(
            response.id[:8],
            response.role,
            shown(response.respondent_code or ""),
            f"{len(answers)} / {len(q.items)}",
            "complete" if response.complete else "unfinished",
        )
    con.print(table)
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    gp = add_command(
        sub,
        "groups",
        help_of(lambda: gp),
        "add and list groups",
        'magcheck groups add "Tuesday group" --region North --focus depression',
        common,
    )
    gsub = gp.add_subparsers(title="commands", metavar="COMMAND")
    p = add_command(
        gsub,
        "add",
        cmd_groups_add,
        "add a group",
        'magcheck groups add "Tuesday group" --region North --focus depression',
        common,
    )
    p.add_argument("name")
    p.add_argument("--region", help="optional region, for evaluators' summaries")
    p.add_argument("--focus", help="the condition or situation the group is about")
    add_command(gsub, "list", cmd_groups_list, "list groups", "magcheck groups list", common)

    sp = add_command(
        sub,
        "sessions",
        help_of(lambda: sp),
        "list sessions and their respondents",
        'magcheck sessions list --group "Tuesday group"',
        common,
    )
    ssub = sp.add_subparsers(title="commands", metavar="COMMAND")
    p = add_command(
        ssub,
        "list",
        cmd_sessions_list,
        "list sessions: id, group, date, questionnaire, respondents, status",
        'magcheck sessions list --group "Tuesday group"',
        common,
    )
    p.add_argument("--group", help="only this group's sessions")
    p = add_command(
        ssub,
        "show",
        cmd_sessions_show,
        "show a session's responses (to find one to resume)",
        "magcheck sessions show 3fa2c1d0",
        common,
    )
    p.add_argument("session", help="session id (the first 8 characters are enough)")
