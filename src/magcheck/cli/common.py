"""What every command shares: the Rich console and tables, the store, questionnaires, the parser's parts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.model import Questionnaire
    from ..store import Store

Handler = Callable[[argparse.Namespace], int]


def console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, markup=False)  # user text is never markup


def make_table(*columns: str, wrap: str = "") -> Any:
    """A compact table; only the `wrap` column (a free-text one) may wrap when space is short."""
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for name in columns:
        wraps = name == wrap
        table.add_column(name, no_wrap=not wraps, min_width=max(len(name), 10 if wraps else 0))
    return table


def open_store(args: argparse.Namespace, writes: bool = False) -> Store:
    """The store; for a command that only reads, a read-only store is noted once on stderr.

    A command that writes is refused at once when the store is read-only, saying why.
    """
    from ..paths import data_dir
    from ..store import Store

    store = Store.open(data_dir(getattr(args, "data_dir", None)))
    if store.read_only and writes:
        store.close()
        from ..errors import StoreError

        raise StoreError(
            f"the store at {store.path} is read-only ({store.read_only}): "
            f"'{getattr(args, 'command', 'this command')}' needs to save to it; nothing was changed"
        )
    if store.read_only:
        print(
            f"magcheck: note: the store at {store.path} is read-only ({store.read_only}); "
            "showing what it holds",
            file=sys.stderr,
        )
    return store


def load_questionnaires(args: argparse.Namespace) -> dict[str, Questionnaire]:
    """Bundled questionnaires plus any in the data folder; broken extra files are reported, not fatal."""
    from ..core.questionnaires import load_all
    from ..paths import data_dir, user_questionnaire_dir
    from ..text import shown

    found, problems = load_all([user_questionnaire_dir(data_dir(getattr(args, "data_dir", None)))])
    for p in problems:
        print(f"magcheck: warning: skipped questionnaire: {shown(p)}", file=sys.stderr)
    return found


def help_of(parser: Callable[[], argparse.ArgumentParser]) -> Handler:
    """A command group run without a subcommand prints its help."""

    def show(_args: argparse.Namespace) -> int:
        parser().print_help()
        return 0

    return show


def add_command(
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
    p.set_defaults(handler=handler, command=p.prog.removeprefix("magcheck "))
    return p
