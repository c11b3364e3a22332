"""Progress on standard error: a rich bar on a terminal, plain one-line errors (or silence) otherwise."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import click

from pdscan.engines.base import Progress
from pdscan.model import ScanErrorEntry


def print_error(entry: ScanErrorEntry) -> None:
    click.echo(f"pdscan: skipped {entry.one_line()}", err=True)


@contextlib.contextmanager
def progress_for(quiet: bool) -> Iterator[Progress]:
    """A rich progress bar on standard error when it is a terminal; plain error lines (or silence) otherwise."""
    if quiet:
        yield Progress()
        return
    if not sys.stderr.isatty():
        yield Progress(error=print_error, note=lambda message: click.echo(f"pdscan: {message}", err=True))
        return
    from rich.console import Console
    from rich.progress import Progress as Bar
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Bar(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("scanning", total=None)
    callbacks = Progress(
        table_started=lambda table: bar.update(task, description=table.location.display(False) or table.source),
        rows_read=lambda rows: bar.advance(task, rows),
        error=lambda entry: bar.console.print(f"pdscan: skipped {entry.one_line()}", markup=False, highlight=False),
        note=lambda message: bar.console.print(f"pdscan: {message}", markup=False, highlight=False),
    )
    with bar:
        yield callbacks
