"""``pdscan scan``: the main job."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import click

from pdscan import options as defaults
from pdscan.cli.kit import (
    DECLARATION_OPTION,
    EXIT_ERROR,
    KEEP_GOING_OPTION,
    RULES_OPTION,
    STRICT_OPTION,
    PdscanClickError,
    exit_code,
    format_option,
    inventory_option,
    output_option,
    split_list,
    write_report,
)
from pdscan.cli.progress import progress_for
from pdscan.compliance.allowlist import DEFAULT_FILE as DEFAULT_IGNORE
from pdscan.engines import ENGINES
from pdscan.errors import PdscanError
from pdscan.model import CONFIDENCE_LEVELS
from pdscan.reporters import REPORTERS
from pdscan.scan import ScanOptions, check_sources, scan


@click.command("scan")
@click.argument("sources", nargs=-1, required=True)
@format_option(sorted(REPORTERS), "text", "Output format.")
@output_option()
@click.option(
    "--sample-size",
    type=click.IntRange(min=1),
    default=defaults.SAMPLE_SIZE,
    show_default=True,
    help="Rows scanned per table, sheet or file (the first rows of files).",
)
@click.option("--full", is_flag=True, help="Scan every row instead of a sample.")
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="In folders, scan only files matching GLOB (repeatable), e.g. --include '*.csv'.",
)
@click.option("--exclude", multiple=True, metavar="GLOB", help="In folders, skip files matching GLOB (repeatable).")
@click.option(
    "--only",
    multiple=True,
    callback=split_list,
    metavar="ENTITY,...",
    help="Look only for these entities, e.g. --only EMAIL_ADDRESS,PHONE_NUMBER.",
)
@click.option(
    "--except",
    "except_",
    multiple=True,
    callback=split_list,
    metavar="ENTITY,...",
    help="Do not look for these entities.",
)
@click.option(
    "--min-confidence",
    type=click.Choice(CONFIDENCE_LEVELS),
    default=defaults.MIN_CONFIDENCE,
    show_default=True,
    help="Report only findings at or above this confidence.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["never", *CONFIDENCE_LEVELS, "undeclared"]),
    default="never",
    show_default=True,
    help="Exit with 1 when a finding has at least this confidence, or with 'undeclared' when personal data the "
    "declaration does not cover is found (for CI and cron).",
)
@DECLARATION_OPTION
@click.option(
    "--show-data",
    is_flag=True,
    help="Show raw sample values instead of masked ones. They are other people's personal data.",
)
@RULES_OPTION
@click.option(
    "--chunk-rows",
    type=click.IntRange(min=100),
    default=defaults.CHUNK_ROWS,
    show_default=True,
    help="Rows read at a time: bounds memory on big files and tables.",
)
@click.option(
    "--ignore-file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help=f"Allow-list of accepted findings (default: {DEFAULT_IGNORE} in the current folder, when present).",
)
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    metavar="GLOB",
    help="Databases: scan only schemas matching GLOB (repeatable; default every non-system schema).",
)
@click.option(
    "--include-table",
    "include_tables",
    multiple=True,
    metavar="GLOB",
    help="Databases: scan only tables or views matching GLOB ('orders', 'crm.*'; repeatable).",
)
@click.option(
    "--exclude-table",
    "exclude_tables",
    multiple=True,
    metavar="GLOB",
    help="Databases: skip tables or views matching GLOB (repeatable).",
)
@click.option(
    "--table-timeout",
    type=click.FloatRange(min=0.1),
    default=defaults.TABLE_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Databases: a statement running longer is cancelled and its table skipped with that reason.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=64),
    default=1,
    show_default=True,
    help="Tables scanned at once (database connections in the pool).",
)
@click.option(
    "--ner",
    "ner_model",
    metavar="MODEL",
    help="Also run a spaCy NER model (name or path, e.g. fi_core_news_md) over free text for names and places.",
)
@click.option(
    "--ocr",
    is_flag=True,
    help="Documents: read scanned PDF pages (no text layer) with tesseract (apt-get install tesseract-ocr "
    "tesseract-ocr-fin). Without it such files are listed as 'no text layer (OCR not enabled)'.",
)
@inventory_option("Store the run in this inventory (history, diff, periodic reports).")
@click.option(
    "--engine",
    type=click.Choice(list(ENGINES)),
    default="local",
    show_default=True,
    help="Where tables and partitions are scanned: this process, a Dask cluster (pip install 'pdscan[dask]') or "
    "Spark (pip install 'pdscan[spark]').",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="With --engine dask: the scheduler to run on (tcp://host:8786), default a local cluster with one worker "
    "per core; with --engine spark: the master URL (local[2], spark://host:7077), default Spark's own.",
)
@KEEP_GOING_OPTION
@STRICT_OPTION
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no error lines on standard error.")
def scan_command(
    sources: tuple[str, ...],
    fmt: str,
    output: Path | None,
    sample_size: int,
    full: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    only: tuple[str, ...],
    except_: tuple[str, ...],
    min_confidence: str,
    fail_on: str,
    show_data: bool,
    rules_dirs: tuple[Path, ...],
    chunk_rows: int,
    ignore_file: Path | None,
    schemas: tuple[str, ...],
    include_tables: tuple[str, ...],
    exclude_tables: tuple[str, ...],
    table_timeout: float,
    workers: int,
    ner_model: str | None,
    ocr: bool,
    declaration: str | None,
    inventory: str | None,
    engine: str,
    scheduler: str | None,
    keep_going: bool,
    strict: bool,
    quiet: bool,
) -> None:
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
    options = ScanOptions(
        sample_size=sample_size,
        full=full,
        chunk_rows=chunk_rows,
        include=include,
        exclude=exclude,
        only=only,
        except_=except_,
        min_confidence=min_confidence,
        show_data=show_data,
        rules_dirs=rules_dirs,
        ignore_file=ignore_file or (Path(DEFAULT_IGNORE) if Path(DEFAULT_IGNORE).is_file() else None),
        ner_model=ner_model,
        schemas=schemas,
        include_tables=include_tables,
        exclude_tables=exclude_tables,
        table_timeout=table_timeout,
        workers=workers,
        ocr=ocr,
        declaration=declaration,
        engine=engine,
        scheduler=scheduler,
    )
    if scheduler is not None and engine == "local":
        raise click.UsageError("--scheduler needs --engine dask or spark")
    if fail_on == "undeclared" and declaration is None:
        raise click.UsageError("--fail-on undeclared needs --declaration FILE")
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

            store: Inventory | None = Inventory(inventory)
        else:
            store = None
        run_id = store.start_run(sources, options.to_dict(), declaration) if store is not None else None
        try:
            with progress_for(quiet) as progress, _signals_interrupt():
                result = scan(good, options, progress=progress, failed=list(failed.values()))
        except BaseException:  # a usage error found late, or a crash: the run must not stay 'running'
            if store is not None and run_id is not None:
                store.fail_run(run_id)
            raise
        if store is not None and run_id is not None:
            with _signals_interrupt():  # SIGTERM while storing: rolled back and marked failed, as Ctrl-C is
                store.finish_run(run_id, result)
            store.close()
            if not quiet:
                click.echo(f"pdscan: stored as run {run_id} in {store.name}", err=True)
        write_report(result, fmt, output)
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    sys.exit(EXIT_ERROR if failed else exit_code(result, fail_on, strict))


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
