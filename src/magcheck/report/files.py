"""Write a check's report as a Markdown file the user can find, readable by its owner only."""

from __future__ import annotations

import os
import re
from contextlib import suppress
from pathlib import Path

from ..errors import MagcheckError
from ..paths import export_dir
from .build import CheckReport
from .render import to_markdown


class ExportError(MagcheckError):
    title = "Export problem"


def report_filename(rep: CheckReport) -> str:
    c = rep.check
    group = re.sub(r"[^A-Za-z0-9]+", "-", c.group_name).strip("-").lower()[:40] or "group"
    return f"report-{group}-{c.date}-{c.id[:8]}.md"


def write_report_markdown(rep: CheckReport, data_dir: Path) -> Path:
    """The report goes to <data dir>/exports (folder 0o700, file 0o600); returns the file's path.

    Written to a temporary name and renamed, so a full disk never leaves half a report behind.
    """
    folder = export_dir(data_dir)
    path = folder / report_filename(rep)
    tmp = path.with_suffix(".md.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(to_markdown(rep))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        with suppress(OSError):
            tmp.unlink()
        raise ExportError(
            f"could not write the report to {folder}: {exc.strerror or exc}"
        ) from None
    return path
