"""A bug never ends in a traceback on the terminal: one line for the user, the details in a log.

The log goes to <data dir>/logs/magcheck-<timestamp>.log (folder 0700, file 0600: a traceback can
quote answers), or to a private temporary file when the data folder cannot be written.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import traceback
from contextlib import suppress
from datetime import datetime
from pathlib import Path

EX_SOFTWARE = 70  # sysexits.h: an internal software error


def _one_line(text: str, limit: int = 300) -> str:
    """The message on one line, with no byte that a terminal would act on."""
    flat = " ".join(text.split())
    safe = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in flat)
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


def _details(exc: BaseException, doing: str) -> str:
    from . import __version__

    head = (
        f"magcheck {__version__} internal error while {doing}\n"
        f"time: {datetime.now().astimezone().isoformat(timespec='seconds')}\n"
        f"python: {platform.python_version()} on {platform.platform()}\n\n"
    )
    return head + "".join(traceback.format_exception(exc))


def write_log(exc: BaseException, doing: str, data_dir: Path | None) -> tuple[Path | None, str]:
    """Where the details were written (None if nowhere) and a note when not in the data folder."""
    from .errors import MagcheckError
    from .outputs import write_text

    text = _details(exc, doing)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    if data_dir is not None:
        path = data_dir / "logs" / f"magcheck-{stamp}-{os.getpid()}.log"
        try:
            return write_text(path, text), ""
        except (MagcheckError, OSError):
            pass
    try:
        fd, name = tempfile.mkstemp(prefix=f"magcheck-{stamp}-", suffix=".log")  # 0600
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(text)
        return Path(name), " (the data folder could not be written)"
    except OSError:
        return None, ""


def report_crash(exc: BaseException, doing: str, data_dir: Path | None) -> int:
    """Log an unexpected exception, print one line on stderr, and return the exit code (70)."""
    try:
        path, note = write_log(exc, doing, data_dir)
    except Exception:  # the report of a bug must not become a second traceback
        path, note = None, ""
    where = f"details in {path}{note}" if path else "the details could not be saved"
    line = f"magcheck: internal error while {doing}: {type(exc).__name__}: {exc}"
    text = f"{_one_line(line)}; {where}"
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    with suppress(Exception):
        print(text.encode(encoding, "backslashreplace").decode(encoding), file=sys.stderr)
    return EX_SOFTWARE
