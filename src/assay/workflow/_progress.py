"""Progress bars for long client work, drawn on stderr when it is a terminal; ASSAY_PROGRESS=0 turns them off."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def progress_enabled() -> bool:
    """Whether progress bars are drawn in this process."""
    return os.environ.get("ASSAY_PROGRESS", "1") not in {"0", "false", "no"}


@contextmanager
def progress() -> Iterator[Progress]:
    """A rich progress display that disappears when done."""
    console = Console(stderr=True)
    display = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        # In a log file, a transient bar leaves only blank lines behind.
        disable=not (progress_enabled() and console.is_terminal),
    )
    with display:
        yield display
