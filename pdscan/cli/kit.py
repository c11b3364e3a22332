"""What the click commands share: exit codes, the error type, the options several commands take, the exit code of
a scan, and atomic report writing."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import click

from pdscan.detect.findings import at_least
from pdscan.errors import PdscanError
from pdscan.model import ScanResult
from pdscan.reporters import REPORTERS, render
from pdscan.reporters.style import LANGUAGES, ReportStyle

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class PdscanClickError(click.ClickException):
    """A library error shown as ``Error: ...`` with exit code 2."""

    exit_code = EXIT_ERROR


def tell(notices: list[str]) -> None:
    """One-time news from the library (an inventory's key made or moved): one line each on standard error, even
    with -q, because each is said once."""
    for notice in notices:
        click.echo(f"pdscan: {notice}", err=True)
    notices.clear()


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
    with _replacing(output) as fd, os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
        write(stream)


def write_binary(output: Path, write: Callable[[BinaryIO], object]) -> None:
    """As :func:`write_output`, for bytes (XLSX)."""
    with _replacing(output) as fd, os.fdopen(fd, "wb") as stream:
        write(stream)


@contextlib.contextmanager
def _replacing(output: Path) -> Iterator[int]:
    """A file descriptor next to ``output`` that replaces it when the block ends, and is removed if it fails."""
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        yield fd
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    os.replace(tmp, output)


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
        from pdscan.compliance.compare import has_undeclared  # loads only with a declaration: issue 25

        return EXIT_FINDINGS if has_undeclared(result) else EXIT_OK
    if fail_on == "retention":
        return EXIT_FINDINGS if any(r.rows_over for r in result.retention or []) else EXIT_OK
    if fail_on != "never" and any(at_least(f.confidence, fail_on) for f in result.findings):
        return EXIT_FINDINGS
    return EXIT_OK


def write_report(result: ScanResult, fmt: str, output: Path | None, style: ReportStyle | None = None) -> None:
    if result.interrupted:
        click.echo("pdscan: interrupted; reporting what was scanned so far", err=True)
    reporter = REPORTERS[fmt]
    if reporter.binary and output is None:
        raise click.UsageError(f"--format {fmt} writes a binary file: give -o FILE{reporter.extension}")
    # The scan's objects live until the process ends, and a report of many findings allocates hundreds of thousands
    # of small dicts and lists: frozen, the garbage collector does not walk them again on every collection the
    # rendering triggers (a third of writing a 23,000-finding JSON report).
    gc.freeze()
    try:
        if reporter.binary:
            assert output is not None
            write_binary(output, lambda stream: reporter.render(result, stream, style or ReportStyle()))
        else:
            write_output(output, lambda stream: render(result, fmt, stream, style))
    finally:
        gc.unfreeze()


def split_inventory(value: str | None) -> tuple[str | None, str | None]:
    """``--inventory`` takes an optional value, so click gives it the next word: ``scan --inventory exports/``.
    A word that does not look like an inventory (a URL, a .sqlite/.db file or an existing SQLite file) is given
    back to be the command's argument, and the inventory is the default one. Returns (inventory, stray word)."""
    if not value or looks_like_inventory(value):
        return value, None
    return "", value


def looks_like_inventory(value: str) -> bool:
    if "://" in value or value.lower().endswith((".sqlite", ".sqlite3", ".db")):
        return True
    path = Path(value)
    try:
        with path.open("rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return not path.exists()  # a new inventory file to be created


def report_style(values: dict[str, Any], declaration: str | None = None) -> ReportStyle:
    """The report's layout from a command's settings; the language by the rule every command follows."""
    return ReportStyle(
        lang=resolve_lang(values.get("lang"), declaration),
        verbose=bool(values.get("verbose")),
        color=values.get("color"),
        csv_dialect=values.get("csv_dialect") or "excel",
    )


def resolve_lang(explicit: str | None, declaration: str | None = None) -> str:
    """--lang, else the declaration's notice language, else the locale, else English."""
    if explicit:
        return explicit
    if declaration:
        from pdscan.compliance.declaration import load_declaration

        with contextlib.suppress(PdscanError):  # a bad declaration is reported where it is used, not here
            language = str(load_declaration(declaration).notice.get("language", ""))[:2].lower()
            if language in LANGUAGES:
                return language
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:  # the first one set decides, as in POSIX
            language = value[:2].lower()
            return language if language in LANGUAGES else "en"
    return "en"
