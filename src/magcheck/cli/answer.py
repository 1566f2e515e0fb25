"""magcheck answer: a questionnaire line by line on the terminal, or from an answer file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..text import shown
from .common import add_command, load_questionnaires, open_store

if TYPE_CHECKING:
    from ..core.model import Questionnaire
    from ..store import Store


def cmd_answer(args: argparse.Namespace) -> int:
    from ..core.answering import check_language, read_answer_file
    from ..core.questionnaires import get
    from ..i18n import t
    from ..store import check_respondent_code, next_item_index

    with open_store(args, writes=True) as store:
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
                if not (args.group or args.check) or not args.questionnaire:
                    from ..errors import InputError

                    raise InputError(
                        "give --group (or --check ID) and --questionnaire "
                        "(or --session ID, or --resume RESPONSE)"
                    )
                q = get(load_questionnaires(args), args.questionnaire)
                lang = args.lang or q.languages[0]
            check_language(q, lang)
            role = args.role or q.role
            code = check_respondent_code(args.respondent)
            preset = read_answer_file(Path(args.answers), q) if args.answers else None
            if not args.session:
                check = store.check(args.check) if args.check else None
                group = store.group(args.group) if args.group else None
                joined = check.part(q.role) if check is not None else None
                if check is not None and group is not None and group.id != check.group_id:
                    from ..errors import InputError

                    raise InputError(
                        f"check {check.id[:8]} is for group '{check.group_name}', not '{group.name}'"
                    )
                if joined is not None and joined.questionnaire_id == q.id:
                    session = joined  # the round already started: this is one more respondent
                elif check is not None:
                    session = store.create_session(
                        store.group(check.group_id), q, lang, check=check
                    )
                else:
                    assert group is not None
                    session = store.create_session(group, q, lang, args.date)
            response = store.start_response(session, role, code)
            if preset is not None:
                store.record_answers(response, preset)
                store.complete_response(response)
                print(
                    f"Saved {sum(isinstance(v, int) for v in preset.values())} answers "
                    f"({len(preset)} given) for {len(q.items)} items."
                )
                print(f"Session {session.id}")
                print(f"Check {session.check_id}")
                return 0
        print(f"Session {session.id[:8]} · {shown(session.group_name)} · {shown(q.title[lang])}")
        print(t("cli.resume_hint", lang, response=response.id[:8]))
        answers: dict[str, int | str | None] = dict(store.answers(response))
        answers.update(store.non_answers(response))
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
    answers: dict[str, int | str | None],
) -> bool | None:
    """Ask items from index on. True = all answered, False = stopped by 'q', None = input ended."""
    from ..core.answering import NON_ANSWER_KEYS, parse_typed_answer
    from ..core.model import NON_ANSWERS
    from ..i18n import t

    out = sys.stdout
    offered = q.scale.non_answers
    extra = "".join(f"   {NON_ANSWER_KEYS[k]} = {t(f'cli.{k}', lang)}" for k in offered)
    scale_line = (
        "   ".join(f"{v} = {shown(q.scale.label(v, lang))}" for v in q.scale.points) + extra
    )
    out.write(t("cli.keys_help", lang) + "\n")
    total = len(q.items)
    while index < total:
        item = q.items[index]
        out.write(f"\n[{index + 1}/{total}] {shown(item.text[lang])}\n  {scale_line}\n")
        if item.id in answers:
            saved = answers[item.id]
            label = (
                t(f"cli.{saved or 'prefer_not_to_say'}", lang)
                if not isinstance(saved, int)
                else saved
            )
            out.write("  " + t("cli.previous_answer", lang, value=label) + "\n")
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
            keys = " / ".join(NON_ANSWER_KEYS[k] for k in offered)
            more = t("cli.invalid_or", lang, keys=keys) if offered else ""
            out.write(t("cli.invalid", lang, lo=q.scale.min, hi=q.scale.max, pnts=more) + "\n")
            continue
        value: int | str = got
        if isinstance(got, str) and got not in NON_ANSWERS:  # cannot happen: parse checks it
            continue
        store.record_answer(response, item.id, value)
        answers[item.id] = value
        index += 1
    out.write("\n" + t("cli.thanks", lang) + "\n")
    return True


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
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
        help="language: en, es, pt or one a translator added (default: the session's, else "
        "the questionnaire's first)",
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
    p.add_argument(
        "--check",
        metavar="ID",
        help="join this check (one meeting's assessment): a member round joins a facilitator "
        "self-assessment, or the other way round",
    )
    p.add_argument("--date", help="meeting date for a new session, YYYY-MM-DD (default today)")
    p.add_argument(
        "--answers", metavar="FILE", help="YAML or JSON file of item-id: value instead of typing"
    )
    p.add_argument(
        "--resume", metavar="RESPONSE", help="continue an unfinished response where it stopped"
    )
