"""magcheck enter: key paper forms twice (a blind second pass), compare, resolve, see status.

Keys come from stdin, one line per form: the form number (or its scanned QR code), then one key
per item (docs/paper-entry.md). Each key is saved before the next is read.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, TextIO

from ..text import shown
from .common import add_command, console, make_table, open_store

if TYPE_CHECKING:
    from ..core.keying import Keyed
    from ..store import Store
    from ..store.entry import Outcome
    from ..store.keyer import PassCursor

BACKSPACE = "<"  # in a keys line: go back one item and clear it


def _said(value: Keyed) -> str:
    """A keyed value with its key: '3', '9 (not applicable)', '. (blank)'."""
    from ..core.keying import key_of

    key = key_of(value)
    return key if isinstance(value, int) else f"{key} ({value.replace('_', ' ')})"


def _outcome_line(cursor: PassCursor) -> str:
    form, n = cursor.form, len(cursor.items)
    done = sum(1 for it in cursor.items if it.id in cursor.values)
    head = f"form {form.number} ({form.position} of {form.batch_size}), pass {cursor.entry.pass_no}"
    out: Outcome | None = cursor.outcome
    if out is None:
        return f"{head}: {done} of {n} items keyed; the rest can follow on another line"
    if out.verified:
        extra = (
            f" ({_plural(out.disagreements, 'disagreement')} resolved)" if out.disagreements else ""
        )
        return f"{head}: {n} of {n} keyed; both passes agree: verified{extra}"
    if out.unresolved:
        return (
            f"{head}: {n} of {n} keyed; {_plural(out.unresolved, 'disagreement')} with the "
            "other pass: "
            "magcheck enter compare"
        )
    return f"{head}: {n} of {n} keyed; waiting for the other pass"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _key_line(store: Store, text: str, pass_no: int, keyer: str) -> str:
    """One line: a form and its keys. Checked whole before anything of it is saved."""
    from ..core.keying import key_of, keymap, legend, next_index
    from ..errors import InputError
    from ..store.entry import AlreadyKeyed
    from ..store.keyer import PassCursor, find_form

    ref, _, rest = text.strip().partition(" ")
    keys = "".join(rest.split())
    form = find_form(store, ref)
    q = store.questionnaire(form.questionnaire_hash)
    allowed = keymap(q.scale)
    keyed = store.keyed_pass(form.serial, pass_no)
    saved = keyed.values if keyed is not None else {}
    typed = "".join(key_of(saved[it.id]) for it in q.items if it.id in saved)
    if keyed is not None and keyed.complete:
        if keys == typed:
            return f"form {form.number}, pass {pass_no}: already keyed with these keys; skipped"
        raise AlreadyKeyed(form, pass_no, keyed.keyer)
    n, start = len(q.items), next_index(q.items, saved)
    if len(keys) == n and start > 0:  # the whole form again after a stop: what is saved must match
        if keys[:start] != typed[:start]:
            raise InputError(
                f"form {form.number}, pass {pass_no}: {start} keys were saved before and they "
                f"differ from this line's first {start}; nothing was changed"
            )
        keys = keys[start:]
    position = start
    for key in keys:
        position = max(position - 1, 0) if key == BACKSPACE else position + 1
        if key != BACKSPACE and key not in allowed:
            raise InputError(
                f"form {form.number}: key '{shown(key)}' for item {position} is not one of "
                f"{legend(allowed)} (or {BACKSPACE} to go back); nothing of this line was saved"
            )
        if position > n:
            already = f"items 1-{start} are keyed already, so " if start else ""
            raise InputError(
                f"form {form.number}, pass {pass_no}: {already}{_plural(n - start, 'item')} "
                f"left and this line has {len(keys)} keys; give the keys left or all {n}; "
                "nothing of this line was saved"
            )
    cursor = PassCursor(store, form, pass_no, keyer)
    for key in keys:
        if key == BACKSPACE:
            cursor.back()
        else:
            cursor.press(key)
    return _outcome_line(cursor)


def _lines(stream: TextIO, prompt: bool) -> Any:
    number = 0
    while True:
        if prompt:
            print("form number and keys (empty line to stop): ", end="", file=sys.stderr)
            sys.stderr.flush()
        line = stream.readline()
        if not line:
            return
        number += 1
        text = line.strip()
        if prompt and not text:
            return
        if text and not text.startswith("#"):
            yield number, text


def cmd_enter(args: argparse.Namespace) -> int:
    from ..core.keying import check_keyer_code, check_pass
    from ..errors import InputError, MagcheckError

    if args.pass_no is None or args.keyer is None:
        raise InputError(
            "enter: give --pass 1 or 2 and --keyer CODE (e.g. magcheck enter "
            "--pass 1 --keyer K1 < keys.txt)"
        )
    pass_no, keyer = check_pass(args.pass_no), check_keyer_code(args.keyer)
    done = 0
    with open_store(args, writes=True) as store:
        for number, text in _lines(sys.stdin, sys.stdin.isatty()):
            try:
                print(_key_line(store, text, pass_no, keyer), flush=True)
            except MagcheckError as exc:
                saved = f"; lines before it are saved ({done})" if done else ""
                exc.args = (f"line {number}: {exc}{saved}",)
                raise
            done += 1
    print(f"{done} lines keyed in pass {pass_no} by {keyer}")
    return 0


def _check_of(store: Store, ref: str | None) -> Any:
    return store.check(ref) if ref else None


def cmd_compare(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        check = _check_of(store, args.check)
        rows = []
        both = 0
        for status in store.entry_status(check):
            if status.verified or status.disagreements is None:
                continue
            both += 1
            form = status.form
            q = store.questionnaire(form.questionnaire_hash)
            resolved = store.resolutions(form.serial)
            for d in store.disagreements(form, q):
                if d.item_id not in resolved:
                    rows.append((form.number, str(d.number), d.item_id, d.first, d.second))
    if not rows:
        print(f"No disagreements to resolve ({both} forms wait for nothing but verification).")
        return 0
    table = make_table("form", "item", "id", "first pass", "second pass")
    for number, n, item, first, second in rows:
        table.add_row(number, n, shown(item), _said(first), _said(second))
    console().print(table)
    forms = len({r[0] for r in rows})
    print(
        f"{_plural(len(rows), 'disagreement')} on {_plural(forms, 'form')}. With the paper "
        "form at hand: "
        "magcheck enter resolve FORM ITEM first|second|KEY --keyer CODE"
    )
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from ..core.keying import item_ref, keymap, read_key
    from ..errors import InputError
    from ..store.keyer import find_form

    with open_store(args, writes=True) as store:
        form = find_form(store, args.form)
        q = store.questionnaire(form.questionnaire_hash)
        item = item_ref(q.items, args.item)
        found = {d.item_id: d for d in store.disagreements(form, q)}
        if item.id not in found:
            raise InputError(
                f"form {form.number}, item {item.id}: the two passes do not disagree here (or "
                "are not both complete); see 'magcheck enter compare'"
            )
        choice = args.value.strip().lower()
        if choice in ("first", "second"):
            d = found[item.id]
            value = d.first if choice == "first" else d.second
        else:
            value = read_key(keymap(q.scale), args.value.strip())
        out = store.resolve(form, q, item.id, value, args.keyer)
    if out.verified:
        print(
            f"form {form.number}: item {item.id} = {_said(value)}; every disagreement is "
            "resolved: verified"
        )
    else:
        print(f"form {form.number}: item {item.id} = {_said(value)}; {out.unresolved} left")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        statuses = store.entry_status(_check_of(store, args.check))
    if not statuses:
        print("No paper forms printed on this device yet (see 'magcheck paper').")
        return 0
    table = make_table("form", "group", "stack", "pass 1", "pass 2", "state", wrap="group")
    for s in statuses:
        cells = []
        for p in (1, 2):
            keyer, typed, _ = s.passes.get(p, ("", 0, False))
            cells.append(f"{shown(keyer)} {typed}/{s.items}" if keyer else "-")
        table.add_row(
            s.form.number,
            shown(s.form.group_name),
            f"{s.form.position} of {s.form.batch_size}",
            *cells,
            s.state,
        )
    console().print(table)
    verified = sum(1 for s in statuses if s.verified)
    print(f"{len(statuses)} forms printed, {verified} verified, {len(statuses) - verified} not yet")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from ..core.keying import check_pass
    from ..errors import NotFoundError
    from ..store.keyer import find_form

    with open_store(args) as store:
        form = find_form(store, args.form)
        q = store.questionnaire(form.questionnaire_hash)
        keyed = store.keyed_pass(form.serial, check_pass(args.pass_no))
    if keyed is None:
        raise NotFoundError(f"form {form.number} has no pass {args.pass_no} yet")
    table = make_table("item", "id", "key")
    for n, item in enumerate(q.items, start=1):
        table.add_row(
            str(n), shown(item.id), _said(keyed.values[item.id]) if item.id in keyed.values else "-"
        )
    console().print(table)
    state = "complete" if keyed.complete else "open"
    print(f"form {form.number}, pass {keyed.pass_no} by {shown(keyed.keyer)}: {state}")
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    ep = add_command(
        sub,
        "enter",
        cmd_enter,
        "key paper forms from stdin: one line per form, its number then one key per item "
        "(1-5, 0 prefer not to say, 9 doesn't apply, 8 don't know, . blank)",
        "magcheck enter --pass 1 --keyer K1 < keys.txt   # lines like: 00427 12345 01.9",
        common,
    )
    ep.add_argument("--pass", dest="pass_no", type=int, choices=[1, 2], help="1 or 2 (blind)")
    ep.add_argument("--keyer", help="your keyer code, such as K1 (never your name)")
    esub = ep.add_subparsers(title="commands", metavar="COMMAND")
    p = add_command(
        esub,
        "compare",
        cmd_compare,
        "list every disagreement between the two passes: form, item, first and second value",
        "magcheck enter compare --check 3fa2c1d0",
        common,
    )
    p.add_argument("--check", help="only this check's forms")
    p = add_command(
        esub,
        "resolve",
        cmd_resolve,
        "settle one disagreement with the value on the paper form (first, second or a key)",
        "magcheck enter resolve 0042-7 5 second --keyer K3",
        common,
    )
    p.add_argument("form", help="form number (0042-7) or scanned code")
    p.add_argument("item", help="item id or its number on the form")
    p.add_argument("value", help="first, second, or the key for what the paper says")
    p.add_argument("--keyer", required=True, help="your keyer code, such as K3")
    p = add_command(
        esub,
        "status",
        cmd_status,
        "every printed form: passes keyed, disagreements, verified",
        "magcheck enter status --check 3fa2c1d0",
        common,
    )
    p.add_argument("--check", help="only this check's forms")
    p = add_command(
        esub,
        "show",
        cmd_show,
        "review the keys of one pass of a form (not while keying the other pass blind)",
        "magcheck enter show 0042-7 --pass 1",
        common,
    )
    p.add_argument("form", help="form number (0042-7) or scanned code")
    p.add_argument("--pass", dest="pass_no", type=int, choices=[1, 2], required=True)
