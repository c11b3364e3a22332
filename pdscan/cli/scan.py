"""``pdscan scan``: the main job."""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from pdscan.cli.config import current
from pdscan.cli.kit import (
    EXIT_ERROR,
    PdscanClickError,
    exit_code,
    report_style,
    split_inventory,
    tell,
    write_report,
)
from pdscan.cli.progress import progress_for
from pdscan.cli.settings import options_for, scan_options
from pdscan.compliance.allowlist import DEFAULT_FILE as DEFAULT_IGNORE
from pdscan.errors import PdscanError
from pdscan.scan import check_sources, scan


@click.command("scan")
@click.argument("sources", nargs=-1)
@options_for("scan")
@click.pass_context
def scan_command(ctx: click.Context, /, sources: tuple[str, ...], **values: Any) -> None:
    """Scan files, folders and databases for personal data.

    A SOURCE is a file (CSV, TSV, TXT, Excel, ODS, JSON, JSON Lines, Parquet; documents: PDF, DOCX, DOC, ODT,
    RTF, HTML, Markdown, logs, e-mail as EML or MSG with their attachments; also .gz and .zip), a folder (scanned
    recursively), a SQLite database file, a SQLAlchemy database URL or an fsspec URL (s3://, memory://).

    \b
    Examples:
      pdscan scan sample_data/
      pdscan scan exports/ --include '*.csv' --format json --output scan.json
      pdscan scan asiakkaat.xlsx --only FI_PERSONAL_IDENTITY_CODE,IBAN_CODE --fail-on medium
      pdscan scan sqlite:///crm.sqlite --full
      pdscan scan postgresql://scanner@db.example/crm --schema public --workers 4
      pdscan scan exports/ crm.sqlite --declaration entrack --inventory -q
      pdscan scan lake/ --engine dask --full --format json --output lake.json
      pdscan scan hr_share/ --ocr
      pdscan scan exports/ crm.sqlite --keep-going --strict
    """
    ignore_file = values["ignore_file"]
    options = scan_options(
        values,
        ignore_file=ignore_file or (Path(DEFAULT_IGNORE) if Path(DEFAULT_IGNORE).is_file() else None),
        patterns_base=current(ctx).patterns_base(ctx, "scan"),
    )
    style = report_style(values, options.declaration)
    fmt, output, fail_on, quiet = values["fmt"], values["output"], values["fail_on"], values["quiet"]
    keep_going, strict = values["keep_going"], values["strict"]
    inventory, stray = split_inventory(values["inventory"])
    if stray is not None:  # `scan --inventory exports/`: the word after a bare --inventory is a source
        sources = (stray, *sources)
    if not sources:
        raise click.UsageError("Missing argument 'SOURCES...': a file, folder or database URL to scan.")
    declaration, engine, scheduler = options.declaration, options.engine, options.scheduler
    if scheduler is not None and engine == "local":
        raise click.UsageError("--scheduler needs --engine dask or spark")
    if fail_on in ("undeclared", "retention") and declaration is None:
        raise click.UsageError(f"--fail-on {fail_on} needs --declaration FILE")
    try:
        # Every source named is opened (and every database connected to) before anything is scanned: a typo in
        # one of them must not cost a long scan of the others, nor pass as a clean result.
        failed = check_sources(sources, options.source_options())
        for exc in failed.values():
            click.echo(f"Error: {exc}", err=True)  # one line each, even with -q: the run fails because of them
        if failed and not keep_going:
            sys.exit(EXIT_ERROR)
        good = [spec for spec in sources if spec not in failed]
        if inventory is not None:
            from pdscan.inventory.store import Inventory  # SQLAlchemy loads only when the run is stored

            opened = Inventory(inventory)
            tell(opened.notices)
            store: Inventory | None = opened
        else:
            store = None
        run_id = store.start_run(sources, options.to_dict(), declaration) if store is not None else None
        # What start-up loaded (modules, about 67,000 objects) lives until the process ends: frozen, the collector's
        # full collections during the scan do not walk it again (they hold the GIL the detection threads share;
        # 0.04 s of a 200,000-row scan, issue 25). write_report unfreezes after the report.
        gc.freeze()
        try:
            with progress_for(quiet, good) as progress, _signals_interrupt():
                result = scan(good, options, progress=progress, failed=list(failed.values()))
        except BaseException as exc:  # a usage error found late, or a crash: the run must not stay 'running'
            if store is not None and run_id is not None:
                store.fail_run(run_id)
            if isinstance(exc, KeyboardInterrupt):  # before the scan proper began (loading rules): nothing to report
                click.echo("pdscan: interrupted before anything was scanned", err=True)
                _quiet_exit()
                sys.exit(EXIT_ERROR)
            raise
        if store is not None and run_id is not None:
            try:
                with _signals_interrupt():  # SIGTERM while storing: rolled back and marked failed, as Ctrl-C is
                    store.finish_run(run_id, result)
            except KeyboardInterrupt:
                click.echo(f"pdscan: interrupted while storing run {run_id}: not stored, marked failed", err=True)
                _quiet_exit()
                sys.exit(EXIT_ERROR)
            store.close()
            if not quiet:
                click.echo(f"pdscan: stored as run {run_id} in {store.name}", err=True)
        if not quiet:
            for warning in result.warnings:
                click.echo(f"pdscan: warning: {warning}", err=True)
        write_report(result, fmt, output, style)
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    sys.exit(EXIT_ERROR if failed else exit_code(result, fail_on, strict))


def _quiet_exit() -> None:
    """The run is already ended as interrupted: a further Ctrl-C or SIGTERM during the last clean-up must not turn
    exit code 2 into death by a signal."""
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP end the scan as Ctrl-C does: cron, systemd and Kubernetes stop a job with SIGTERM, a
    closed terminal sends SIGHUP; either way the run is stored as interrupted with what was scanned, never left
    'running'. Signal handlers can only be set from the main thread (an embedding program may call us elsewhere)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {sig: signal.signal(sig, signal.default_int_handler) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
