"""magcheck report and magcheck demo: a check's report as text, Markdown or JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..text import json_shown, shown, shown_lines
from .common import add_command, console, load_questionnaires, open_store


def cmd_report(args: argparse.Namespace) -> int:
    from ..report.build import report_for
    from ..report.render import to_data, to_markdown, to_rich

    with open_store(args) as store:
        rep = report_for(store, args.check, args.lang)
    if args.format == "json":
        print(json_shown(json.dumps(to_data(rep), indent=2, ensure_ascii=False)))
    elif args.format == "markdown":
        print(shown_lines(to_markdown(rep)))
    else:
        con = console()
        con.print(to_rich(rep, con.width))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ..demo import create_demo
    from ..report.build import build_report
    from ..report.render import to_rich

    with open_store(args, writes=True) as store:
        group, sessions = create_demo(store, load_questionnaires(args))
        checks = store.checks(group)
        latest = checks[0]
        con = console()
        con.print(to_rich(build_report(store, latest), con.width))
    print(
        f"\nDemo group '{shown(group.name)}' has {len(sessions)} sessions in {len(checks)} "
        f'checks: magcheck sessions list --group "{shown(group.name)}"'
    )
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        sub,
        "report",
        cmd_report,
        "a check's report: each part's components, facilitator and members compared, "
        "the review's benefit links, guidance",
        "magcheck report 3fa2c1d0 --format markdown > report.md",
        common,
    )
    p.add_argument(
        "check", metavar="ID", help="check or session id (the first 8 characters are enough)"
    )
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    p.add_argument("--lang", help="report language (default: the session's)")
    add_command(
        sub,
        "demo",
        cmd_demo,
        "create a demo group with realistic sessions and show a report",
        "magcheck demo",
        common,
    )
