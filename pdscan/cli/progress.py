"""Progress on standard error: a rich bar on a terminal, plain one-line errors (or silence) otherwise.

On a terminal the bar counts files and, once a background count of the folders given has finished, shows the
percentage done and the time left (databases and single files count as one each). The count runs beside the scan,
so a big tree never delays the start.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator, Sequence

import click

from pdscan.engines.base import Progress
from pdscan.model import ScanErrorEntry
from pdscan.sources.base import Table


def print_error(entry: ScanErrorEntry) -> None:
    click.echo(f"pdscan: skipped {entry.one_line()}", err=True)


def count_files(sources: Sequence[str], stop: threading.Event) -> int:
    """Regular files under the folders given (hidden ones left out, as the walker does); anything else counts 1."""
    total = 0
    for spec in sources:
        if not os.path.isdir(spec):
            total += 1
            continue
        for _base, dirs, files in os.walk(spec):
            if stop.is_set():
                return total
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            total += sum(1 for f in files if not f.startswith("."))
    return total


def _file_of(location: str) -> str:
    return location.split("!", 1)[0].split(" [", 1)[0]


@contextlib.contextmanager
def progress_for(quiet: bool, sources: Sequence[str] = ()) -> Iterator[Progress]:
    """A rich progress bar on standard error when it is a terminal; plain error lines (or silence) otherwise."""
    if quiet:
        yield Progress()
        return
    if not sys.stderr.isatty():
        yield Progress(error=print_error, note=lambda message: click.echo(f"pdscan: {message}", err=True))
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bar

    bar = Bar(
        SpinnerColumn(),
        TextColumn("{task.description}", style="bold"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.completed:,.0f} files, {task.fields[rows]:,} rows"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("scanning", total=None, rows=0)
    seen: set[str] = set()
    rows = [0]
    stop = threading.Event()

    def counted() -> None:
        total = count_files(sources, stop)
        if not stop.is_set():
            bar.update(task, total=max(total, len(seen)))

    def started(table: Table) -> None:
        location = table.location.display(False) or table.source
        name = _file_of(location)
        if name not in seen:
            if seen:
                bar.advance(task, 1)  # the previous file is done
            seen.add(name)
        bar.update(task, description=os.path.basename(name.rstrip("/")) or name)

    def read(count: int) -> None:
        rows[0] += count
        bar.update(task, rows=rows[0])

    callbacks = Progress(
        table_started=started,
        rows_read=read,
        error=lambda entry: bar.console.print(f"pdscan: skipped {entry.one_line()}", markup=False, highlight=False),
        note=lambda message: bar.console.print(f"pdscan: {message}", markup=False, highlight=False),
    )
    counter = threading.Thread(target=counted, name="pdscan-count", daemon=True)
    with bar:
        counter.start()
        try:
            yield callbacks
        finally:
            stop.set()
