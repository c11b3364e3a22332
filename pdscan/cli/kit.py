"""What the click commands share: exit codes, the error type, the inventory option and atomic report writing."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import click

from pdscan.inventory.store import ENV_VAR, default_inventory_path

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class PdscanClickError(click.ClickException):
    """A library error shown as ``Error: ...`` with exit code 2."""

    exit_code = EXIT_ERROR


def inventory_option(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``--inventory [URL]``: given alone it means ``$PDSCAN_INVENTORY`` or the default SQLite file."""
    return click.option(
        "--inventory",
        "inventory",
        is_flag=False,
        flag_value="",
        default=None,
        metavar="URL",
        help=f"{help_text} A SQLAlchemy URL or a file path; alone, ${ENV_VAR} or {default_inventory_path()}.",
    )


def write_output(output: Path | None, write: Callable[[TextIO], object]) -> None:
    """Write to standard output, or to FILE atomically: next to it, then renamed, so an interrupted run never
    leaves half a report behind."""
    if output is None:
        write(sys.stdout)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            write(stream)
        os.replace(tmp, output)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
