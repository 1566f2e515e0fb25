"""Command line: parse arguments, call the library, print. No logic of its own."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__

if TYPE_CHECKING:
    from ..core.model import Questionnaire
    from ..store import Store

Handler = Callable[[argparse.Namespace], int]


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, markup=False)  # user text is never markup


def _table(*columns: str, wrap: str = "") -> Any:
    """A compact table; only the `wrap` column (a free-text one) may wrap when space is short."""
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name in columns:
        table.add_column(name, no_wrap=name != wrap, min_width=None if name == wrap else len(name))
    return table


def _open_store(args: argparse.Namespace) -> Store:
    from ..paths import data_dir
    from ..store import Store

    return Store.open(data_dir(getattr(args, "data_dir", None)))


def _questionnaires(args: argparse.Namespace) -> dict[str, Questionnaire]:
    """Bundled questionnaires plus any in the data folder; broken extra files are reported, not fatal."""
    from ..core.questionnaires import load_all
    from ..paths import data_dir, user_questionnaire_dir

    found, problems = load_all([user_questionnaire_dir(data_dir(getattr(args, "data_dir", None)))])
    for p in problems:
        print(f"magcheck: warning: skipped questionnaire: {p}", file=sys.stderr)
    return found


# -- questionnaires --------------------------------------------------------------------------


def cmd_q_list(args: argparse.Namespace) -> int:

    table = _table("id", "version", "role", "languages", "items", "title", wrap="title")
    for q in _questionnaires(args).values():
        table.add_row(
            q.id,
            str(q.version),
            q.role,
            ",".join(q.languages),
            str(len(q.items)),
            q.title[q.languages[0]],
        )
    _console().print(table)
    return 0


def cmd_q_show(args: argparse.Namespace) -> int:
    from ..core.questionnaires import get

    q = get(_questionnaires(args), args.id)
    lang = q.text_lang(args.lang)
    con = _console()
    con.print(f"{q.title[lang]} ({q.id} v{q.version}, role {q.role}, {len(q.items)} items)")
    if q.description.get(lang):
        con.print(q.description[lang])
    labels = ", ".join(f"{v} = {q.scale.label(v, lang)}" for v in q.scale.points)
    con.print(
        f"Scale: {labels}" + ("; prefer not to say offered" if q.scale.prefer_not_to_say else "")
    )
    con.print(f"Content hash: {q.content_hash}")
    for i, item in enumerate(q.items, 1):
        flag = " (reverse)" if item.reverse else ""
        con.print(f"{i:>3}. [{item.component}{flag}] {item.id}: {item.text[lang]}")
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
                print(problem)
            continue
        print(
            f"{path}: ok ({q.id} v{q.version}, {len(q.items)} items, {len(q.components)} components)"
        )
    if bad:
        print(f"{bad} of {len(args.paths)} file(s) invalid", file=sys.stderr)
    return 1 if bad else 0


# -- groups -----------------------------------------------------------------------------------


def cmd_groups_add(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        group = store.add_group(args.name, args.region, args.focus)
    print(f"Added group '{group.name}' ({group.id[:8]})")
    return 0


def cmd_groups_list(args: argparse.Namespace) -> int:

    with _open_store(args) as store:
        groups = store.groups()
        counts = {g.id: len(store.sessions(g)) for g in groups}
    if not groups:
        print(
            'No groups yet. Add one: magcheck groups add "Tuesday group"  (or try: magcheck demo)'
        )
        return 0
    table = _table("name", "region", "focus", "sessions", "id", wrap="name")
    for g in groups:
        table.add_row(g.name, g.region or "", g.focus or "", str(counts[g.id]), g.id[:8])
    _console().print(table)
    return 0


# -- sessions -----------------------------------------------------------------------------------


def cmd_sessions_list(args: argparse.Namespace) -> int:

    with _open_store(args) as store:
        group = store.group(args.group) if args.group else None
        sessions = store.sessions(group)
    if not sessions:
        print("No sessions yet. Start one: magcheck answer --group G --questionnaire member")
        return 0
    table = _table("id", "group", "date", "questionnaire", "respondents", "status", wrap="group")
    for s in sessions:
        table.add_row(
            s.id[:8],
            s.group_name,
            s.date,
            f"{s.questionnaire_id} v{s.questionnaire_version}",
            str(s.respondents),
            s.status,
        )
    _console().print(table)
    return 0


def cmd_sessions_show(args: argparse.Namespace) -> int:

    with _open_store(args) as store:
        session = store.session(args.session)
        q = store.questionnaire(session.questionnaire_hash)
        rows = store.session_answers(session)
    con = _console()
    con.print(
        f"Session {session.id} · {session.group_name} · {session.date} · "
        f"{q.id} v{q.version} · {session.language} · {session.status}"
    )
    table = _table("response", "role", "code", "answered", "status", wrap="code")
    for response, answers in rows:
        table.add_row(
            response.id[:8],
            response.role,
            response.respondent_code or "",
            f"{len(answers)} / {len(q.items)}",
            "complete" if response.complete else "unfinished",
        )
    con.print(table)
    return 0


# -- answer ---------------------------------------------------------------------------------------


def cmd_answer(args: argparse.Namespace) -> int:
    from ..core.answering import check_language, read_answer_file
    from ..core.questionnaires import get
    from ..i18n import t
    from ..store import check_respondent_code, next_item_index

    with _open_store(args) as store:
        if args.resume:
            response = store.response(args.resume)
            session = store.session(response.session_id)
            q = store.questionnaire(session.questionnaire_hash)
            if response.complete:
                print(f"Response {response.id[:8]} is already complete.")
                print(f"Session {session.id}")
                return 0
            lang = args.lang or session.language
        else:
            if args.session:
                session = store.session(args.session)
                q = store.questionnaire(session.questionnaire_hash)
                if args.questionnaire and args.questionnaire != q.id:
                    from ..errors import InputError

                    raise InputError(
                        f"session {session.id[:8]} uses questionnaire '{q.id}', not '{args.questionnaire}'"
                    )
                lang = args.lang or session.language
            else:
                if not args.group or not args.questionnaire:
                    from ..errors import InputError

                    raise InputError(
                        "give --group and --questionnaire (or --session ID, or --resume RESPONSE)"
                    )
                q = get(_questionnaires(args), args.questionnaire)
                lang = args.lang or q.languages[0]
            check_language(q, lang)
            role = args.role or q.role
            code = check_respondent_code(args.respondent)
            preset = read_answer_file(Path(args.answers), q) if args.answers else None
            if not args.session:
                group = store.group(args.group)
                session = store.create_session(group, q, lang, args.date)
            response = store.start_response(session, role, code)
            if preset is not None:
                store.record_answers(response, preset)
                store.complete_response(response)
                print(
                    f"Saved {sum(v is not None for v in preset.values())} answers ({len(preset)} given) for {len(q.items)} items."
                )
                print(f"Session {session.id}")
                return 0
        print(f"Session {session.id[:8]} · {session.group_name} · {q.title[lang]}")
        print(t("cli.resume_hint", lang, response=response.id[:8]))
        answers = store.answers(response)
        start = next_item_index(q, answers)
        finished = _ask(store, response, q, lang, start, answers)
        if finished:
            store.complete_response(response)
        print(f"Session {session.id}")
        return 0 if finished is not None else 1


def _ask(
    store: Store,
    response: Any,
    q: Questionnaire,
    lang: str,
    index: int,
    answers: dict[str, int | None],
) -> bool | None:
    """Ask items from index on. True = all answered, False = stopped by 'q', None = input ended."""
    from ..core.answering import parse_typed_answer
    from ..i18n import t

    out = sys.stdout
    pnts = f"   0 = {t('cli.prefer_not', lang)}" if q.scale.prefer_not_to_say else ""
    scale_line = "   ".join(f"{v} = {q.scale.label(v, lang)}" for v in q.scale.points) + pnts
    out.write(t("cli.keys_help", lang) + "\n")
    total = len(q.items)
    while index < total:
        item = q.items[index]
        out.write(f"\n[{index + 1}/{total}] {item.text[lang]}\n  {scale_line}\n")
        if item.id in answers:
            saved = answers[item.id]
            out.write(
                "  "
                + t(
                    "cli.previous_answer",
                    lang,
                    value=t("cli.prefer_not", lang) if saved is None else saved,
                )
                + "\n"
            )
        out.write(f"{t('cli.item_prompt', lang)}> ")
        out.flush()
        line = sys.stdin.readline()
        if not line:
            out.write("\n" + t("cli.stopped", lang, n=index + 1, total=total) + "\n")
            return None
        got = parse_typed_answer(line, q)
        if got == "quit":
            out.write(t("cli.stopped", lang, n=index + 1, total=total) + "\n")
            return False
        if got == "back":
            if index == 0:
                out.write(t("cli.first_item", lang) + "\n")
            index = max(0, index - 1)
            continue
        if got == "invalid":
            extra = t("cli.invalid_pnts", lang) if q.scale.prefer_not_to_say else ""
            out.write(t("cli.invalid", lang, lo=q.scale.min, hi=q.scale.max, pnts=extra) + "\n")
            continue
        value = got if isinstance(got, int) else None
        store.record_answer(response, item.id, value)
        answers[item.id] = value
        index += 1
    out.write("\n" + t("cli.thanks", lang) + "\n")
    return True


# -- report and demo ----------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    from ..report.build import build_report
    from ..report.render import to_data, to_markdown, to_rich

    with _open_store(args) as store:
        rep = build_report(store, store.session(args.session), args.lang)
    if args.format == "json":
        print(json.dumps(to_data(rep), indent=2, ensure_ascii=False))
    elif args.format == "markdown":
        print(to_markdown(rep))
    else:
        con = _console()
        con.print(to_rich(rep, con.width))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ..demo import create_demo
    from ..report.build import build_report
    from ..report.render import to_rich

    with _open_store(args) as store:
        group, sessions = create_demo(store, _questionnaires(args))
        latest = [s for s in sessions if s.questionnaire_id == "member"][-1]
        con = _console()
        con.print(to_rich(build_report(store, latest), con.width))
    print(
        f"\nDemo group '{group.name}' has {len(sessions)} sessions: magcheck sessions list --group \"{group.name}\""
    )
    return 0


def cmd_tui(args: argparse.Namespace) -> int:
    try:
        from ..tui.app import run
    except ImportError:
        build_parser().print_help()
        return 0
    return run(getattr(args, "data_dir", None))


# -- export, import, aggregate -----------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from ..exports import default_path, export
    from ..paths import data_dir

    with _open_store(args) as store:
        out = (
            Path(args.out)
            if args.out
            else default_path(data_dir(getattr(args, "data_dir", None)), args.format)
        )
        written = export(store, args.format, out, args.group, args.since, args.pseudonymize)
    for path in written:
        print(f"Wrote {path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..exports.importing import import_files
    from .progress import file_progress

    paths = [Path(p) for p in args.files]
    with _open_store(args) as store, file_progress(len(paths), "importing") as progress:
        summary = import_files(store, paths, int(args.max_size * 1024 * 1024), progress)
    for f in summary.files:
        if f.rejected:
            print(f"{f.path}: rejected: {f.rejected}")
            continue
        print(f"{f.path}: {f.imported} session(s) imported, {f.skipped} skipped")
        for line in f.conflicts:
            print(f"{f.path}: conflict: {line}")
        for line in f.notes:
            print(f"{f.path}: note: {line}")
    print(summary.line())
    return 1 if summary.rejected or summary.conflicts else 0


def cmd_aggregate(args: argparse.Namespace) -> int:
    from ..aggregate.sources import aggregate_files, aggregate_store

    if args.files:
        sources = list(args.files)
        result = aggregate_files(
            [Path(p) for p in args.files], args.by, int(args.max_size * 1024 * 1024)
        )
    else:
        with _open_store(args) as store:
            sources = [str(store.path)]
            result = aggregate_store(store, args.by)
    if args.format == "table":
        from rich.console import Console

        from ..aggregate.render_text import to_rich

        if not args.out:
            con = _console()
            width = min(con.width, 100) if con.is_terminal else 100
            Console(highlight=False, width=width).print(to_rich(result))
            return 0
        text_console = Console(record=True, width=100, file=__import__("io").StringIO())
        text_console.print(to_rich(result))
        text = text_console.export_text()
    elif args.format == "csv":
        from ..aggregate.render_text import to_csv

        text = to_csv(result)
    elif args.format == "json":
        from ..aggregate.render_json import to_json

        text = to_json(result) + "\n"
    else:
        from ..aggregate.render_html import to_html

        text = to_html(result, sources)
    if not args.out:
        sys.stdout.write(text)
        return 0
    from ..exports.common import owner_only

    encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
    with owner_only(Path(args.out), encoding=encoding) as fh:
        fh.write(text)
    print(f"Wrote {args.out}", file=sys.stderr)
    return 0


# -- parser -------------------------------------------------------------------------------------


def _help_of(parser: Callable[[], argparse.ArgumentParser]) -> Handler:
    """A command group run without a subcommand prints its help."""

    def show(_args: argparse.Namespace) -> int:
        parser().print_help()
        return 0

    return show


def _add(
    sub: Any, name: str, handler: Handler, help: str, example: str, common: argparse.ArgumentParser
) -> argparse.ArgumentParser:
    p = sub.add_parser(
        name,
        help=help,
        description=help,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    p.set_defaults(handler=handler)
    return p


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="where the store lives (default: MAGCHECK_DATA_DIR, else the user data folder)",
    )
    parser = argparse.ArgumentParser(
        prog="magcheck",
        description="Check a mental health mutual aid group against the eight core components. "
        "With no command, opens the app.",
        epilog="example:\n  magcheck demo            # a demo group and its report\n"
        '  magcheck answer --group "Tuesday group" --questionnaire member --lang es',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"magcheck {__version__}")
    parser.set_defaults(handler=cmd_tui)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    qp = _add(
        sub,
        "questionnaires",
        _help_of(lambda: qp),
        "list, show and validate questionnaires",
        "magcheck questionnaires validate my-questionnaire.yaml",
        common,
    )
    qsub = qp.add_subparsers(title="commands", metavar="COMMAND")
    _add(
        qsub,
        "list",
        cmd_q_list,
        "list the questionnaires magcheck can use",
        "magcheck questionnaires list",
        common,
    )
    p = _add(
        qsub,
        "show",
        cmd_q_show,
        "show a questionnaire's items",
        "magcheck questionnaires show member --lang es",
        common,
    )
    p.add_argument("id")
    p.add_argument("--lang", default="en", help="language of the text shown (default en)")
    p = _add(
        qsub,
        "validate",
        cmd_q_validate,
        "check questionnaire files; prints file:line: field: problem",
        "magcheck questionnaires validate questionnaires/*.yaml",
        common,
    )
    p.add_argument("paths", nargs="+", metavar="PATH")

    gp = _add(
        sub,
        "groups",
        _help_of(lambda: gp),
        "add and list groups",
        'magcheck groups add "Tuesday group" --region North --focus depression',
        common,
    )
    gsub = gp.add_subparsers(title="commands", metavar="COMMAND")
    p = _add(
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
    _add(gsub, "list", cmd_groups_list, "list groups", "magcheck groups list", common)

    sp = _add(
        sub,
        "sessions",
        _help_of(lambda: sp),
        "list sessions and their respondents",
        'magcheck sessions list --group "Tuesday group"',
        common,
    )
    ssub = sp.add_subparsers(title="commands", metavar="COMMAND")
    p = _add(
        ssub,
        "list",
        cmd_sessions_list,
        "list sessions: id, group, date, questionnaire, respondents, status",
        'magcheck sessions list --group "Tuesday group"',
        common,
    )
    p.add_argument("--group", help="only this group's sessions")
    p = _add(
        ssub,
        "show",
        cmd_sessions_show,
        "show a session's responses (to find one to resume)",
        "magcheck sessions show 3fa2c1d0",
        common,
    )
    p.add_argument("session", help="session id (the first 8 characters are enough)")

    p = _add(
        sub,
        "answer",
        cmd_answer,
        "answer a questionnaire line by line on the terminal, or from a file",
        'magcheck answer --group "Tuesday group" --questionnaire member --lang pt --respondent M3',
        common,
    )
    p.add_argument("--group", help="group name (starts a new session)")
    p.add_argument(
        "--questionnaire", metavar="ID", help="questionnaire id, e.g. member or facilitator"
    )
    p.add_argument(
        "--lang",
        help="language: en, es or pt (default: the session's, else the questionnaire's first)",
    )
    p.add_argument(
        "--role",
        choices=["facilitator", "member", "observer"],
        help="who answers (default: the questionnaire's role)",
    )
    p.add_argument(
        "--respondent", metavar="CODE", help="optional respondent code such as M3 (never a name)"
    )
    p.add_argument("--session", metavar="ID", help="add this respondent to an existing session")
    p.add_argument("--date", help="meeting date for a new session, YYYY-MM-DD (default today)")
    p.add_argument(
        "--answers", metavar="FILE", help="YAML or JSON file of item-id: value instead of typing"
    )
    p.add_argument(
        "--resume", metavar="RESPONSE", help="continue an unfinished response where it stopped"
    )

    p = _add(
        sub,
        "report",
        cmd_report,
        "a session's report: component bands, blind spots, benefits, guidance",
        "magcheck report 3fa2c1d0 --format markdown > report.md",
        common,
    )
    p.add_argument("session", help="session id (the first 8 characters are enough)")
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    p.add_argument("--lang", help="report language (default: the session's)")

    _add(
        sub,
        "demo",
        cmd_demo,
        "create a demo group with realistic sessions and show a report",
        "magcheck demo",
        common,
    )
    p = _add(
        sub,
        "export",
        cmd_export,
        "export sessions for an evaluator: bundle (JSON), csv (two tables) or fhir (R4)",
        "magcheck export --format bundle --out tuesday.json --pseudonymize",
        common,
    )
    p.add_argument("--format", choices=["bundle", "csv", "fhir"], default="bundle")
    p.add_argument(
        "--out",
        metavar="PATH",
        help="file to write (csv: NAME.csv writes NAME-answers.csv and NAME-scores.csv); "
        "default: the exports folder in the data folder",
    )
    p.add_argument("--group", help="only this group (name or id)")
    p.add_argument("--since", metavar="DATE", help="only sessions on or after this date")
    p.add_argument(
        "--pseudonymize",
        action="store_true",
        help="replace group names and respondent codes with stable salted codes",
    )

    p = _add(
        sub,
        "import",
        cmd_import,
        "import bundles from other devices; sessions already here are skipped, never overwritten",
        "magcheck import exports/*.json",
        common,
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--max-size", type=float, default=256, metavar="MB", help="largest file accepted (256)"
    )

    p = _add(
        sub,
        "aggregate",
        cmd_aggregate,
        "statistics across groups from bundles or the local store: means, CIs, gaps, trends",
        "magcheck aggregate exports/*.json --by region --format html --out report.html",
        common,
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="bundles (default: the local store)")
    p.add_argument("--by", choices=["group", "questionnaire", "month", "region", "focus"])
    p.add_argument("--format", choices=["table", "csv", "json", "html"], default="table")
    p.add_argument("--out", metavar="PATH", help="write here instead of printing")
    p.add_argument(
        "--max-size", type=float, default=256, metavar="MB", help="largest file accepted (256)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from ..errors import MagcheckError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except MagcheckError as exc:
        print(f"magcheck: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nmagcheck: stopped; everything answered so far is saved.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
