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

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name in columns:
        table.add_column(name, no_wrap=name != wrap, min_width=None if name == wrap else len(name))
    return table


def open_store(args: argparse.Namespace) -> Store:
    from ..paths import data_dir
    from ..store import Store

    return Store.open(data_dir(getattr(args, "data_dir", None)))


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
    p.set_defaults(handler=handler)
    return p
