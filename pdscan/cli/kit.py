"""What the click commands share: exit codes, the error type, the options several commands take, the exit code of
a scan, and atomic report writing."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import click

from pdscan.compliance.compare import has_undeclared
from pdscan.detect.findings import at_least
from pdscan.inventory.paths import ENV_VAR, default_inventory_path
from pdscan.model import ScanResult
from pdscan.reporters import render

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
    if output.exists() and not output.is_file():
        # /dev/null, /dev/stdout, a named pipe: written in place. Renaming over them would replace the device
        # itself with a regular file (as root, /dev/null for the whole machine).
        with output.open("w", encoding="utf-8", newline="") as stream:
            write(stream)
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


def split_list(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


# Shared by the commands that compare findings with a privacy notice.
DECLARATION_OPTION = click.option(
    "--declaration",
    metavar="FILE",
    help="A declaration of the privacy notice (YAML) to compare the findings with: a file, or a shipped example "
    "by name (entrack, entteri). Adds 'declared as' to every finding and the gaps to the report.",
)

# Shared by every command that loads rules.
RULES_OPTION = click.option(
    "--rules",
    "rules_dirs",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    metavar="DIR",
    help="Also load the YAML rules in DIR (a rule with an existing id replaces the built-in one).",
)


# `pdscan scan` and `pdscan find`: what a source that cannot be opened, or a file that cannot be read, does.
KEEP_GOING_OPTION = click.option(
    "--keep-going",
    is_flag=True,
    help="When a SOURCE does not exist or cannot be opened, go on with the other sources (the run still exits "
    "with 2). Without it such a source stops the run before anything is read.",
)
STRICT_OPTION = click.option(
    "--strict",
    is_flag=True,
    help="Exit with 2 when any file was skipped or could not be read, even inside a folder (for CI).",
)


def output_option() -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``-o/--output FILE``: the report goes to FILE (written atomically) instead of standard output."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        help="Write the report to FILE instead of standard output.",
    )


def format_option(
    choices: list[str], default: str, help_text: str
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``-f/--format``: the output format, from a reporter registry."""
    return click.option(
        "-f", "--format", "fmt", type=click.Choice(choices), default=default, show_default=True, help=help_text
    )


def exit_code(result: ScanResult, fail_on: str, strict: bool = False) -> int:
    if result.interrupted:
        return EXIT_ERROR
    if result.errors and not result.tables:
        return EXIT_ERROR  # nothing could be read at all: not a clean scan
    if any(e.location is None for e in result.errors):
        return EXIT_ERROR  # a whole source could not be opened or listed: never reported as clean
    if strict and (result.errors or result.skipped or any(s.ignored_files for s in result.sources)):
        return EXIT_ERROR  # --strict: a skipped or failed file inside a folder fails the run too
    if fail_on == "undeclared":
        return EXIT_FINDINGS if has_undeclared(result) else EXIT_OK
    if fail_on != "never" and any(at_least(f.confidence, fail_on) for f in result.findings):
        return EXIT_FINDINGS
    return EXIT_OK


def write_report(result: ScanResult, fmt: str, output: Path | None) -> None:
    if result.interrupted:
        click.echo("pdscan: interrupted; reporting what was scanned so far", err=True)
    write_output(output, lambda stream: render(result, fmt, stream))
