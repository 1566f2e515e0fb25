"""Write a check's report as a Markdown file the user can find, readable by its owner only."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import MagcheckError
from ..outputs import OutputError, write_text
from ..paths import export_dir, store_path
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

    Written through magcheck.outputs (temporary name, fsync, rename), so a full disk never leaves
    half a report behind.
    """
    path = export_dir(data_dir) / report_filename(rep)
    try:
        return write_text(path, to_markdown(rep), protect=[store_path(data_dir)])
    except OutputError as exc:
        raise ExportError(f"could not write the report: {exc}") from None
