"""A Rich progress bar on stderr for commands that work through a list of files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def file_progress(total: int, verb: str) -> Iterator[Callable[[Path, str], None]]:
    """Yields a callback(path, phase); phase "done" advances the bar by one file."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..text import shown

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}", table_column=None),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(verb, total=total)

        def update(path: Path, phase: str) -> None:
            if phase == "done":
                bar.advance(task)
            else:
                # A file name is never markup, nor a control sequence.
                name = escape(shown(path.name))
                bar.update(task, description=f"{verb} {name}: {phase}")

        yield update
