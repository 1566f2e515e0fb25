"""The magcheck command: the parser assembled from the command families, and main()."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from .. import __version__
from . import (
    answer,
    config,
    decrypt,
    enter,
    exchange,
    groups,
    keys,
    paper,
    questionnaires,
    report,
    translations,
)

FAMILIES = (
    questionnaires,
    groups,
    answer,
    report,
    paper,
    exchange,
    keys,
    decrypt,
    config,
    translations,
    enter,
)


def cmd_tui(args: argparse.Namespace) -> int:
    try:
        from ..tui.app import run
    except ImportError:
        build_parser().print_help()
        return 0
    return run(getattr(args, "data_dir", None))


class _Parser(argparse.ArgumentParser):
    """argparse quotes what was typed in its errors ("invalid choice: '...'"): shown literally."""

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        from ..text import shown_lines

        super().exit(status, shown_lines(message) if message else message)


def _safe_streams() -> None:
    """A terminal that cannot show a character (PYTHONIOENCODING=latin-1, LANG=C) gets a
    backslash escape for it instead of a crash after the data is stored."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or odd stream: leave it
                reconfigure(errors="backslashreplace")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="where the store lives (default: MAGCHECK_DATA_DIR, else the user data folder)",
    )
    parser = _Parser(
        prog="magcheck",
        description="Check a mental health mutual aid group against the eight core components. "
        "With no command, opens the app.",
        epilog="example:\n  magcheck demo            # a demo group and its report\n"
        '  magcheck answer --group "Tuesday group" --questionnaire member --lang es',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"magcheck {__version__}")
    parser.set_defaults(handler=cmd_tui, command="running the app")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for family in FAMILIES:
        family.register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from ..errors import MagcheckError
    from ..text import shown_lines

    _safe_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if hasattr(args, "data_dir"):  # user UI catalogues live in the data folder
            from ..i18n import use_data_dir

            use_data_dir(args.data_dir)
        return int(args.handler(args))
    except MagcheckError as exc:
        print(f"magcheck: error: {shown_lines(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nmagcheck: stopped; everything answered so far is saved.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: one line here, the traceback in a log file
        return crashed(exc, args)


def crashed(exc: BaseException, args: argparse.Namespace) -> int:
    from ..crashlog import report_crash
    from ..paths import data_dir

    try:
        where = data_dir(getattr(args, "data_dir", None))
    except Exception:
        where = None
    return report_crash(exc, getattr(args, "command", "running magcheck"), where)


if __name__ == "__main__":
    sys.exit(main())
