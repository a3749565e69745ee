"""Progress bars for long client work, drawn on stderr; ASSAY_PROGRESS=0 turns them off."""

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
    display = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=not progress_enabled(),
    )
    with display:
        yield display
