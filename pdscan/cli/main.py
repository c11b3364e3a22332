"""The ``pdscan`` command: a thin click layer over the library.

Typed library errors (:class:`~pdscan.errors.PdscanError`) become click errors here, at the edge. Exit codes:
0 nothing at or above ``--fail-on``, 1 findings at or above it, 2 usage or runtime error (including an
interrupted scan and a scan where no source could be read at all).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from pdscan import __version__
from pdscan import options as defaults
from pdscan.cli.dsar import audit_command, find_command
from pdscan.cli.inventory import DATE_FORMATS, diff_command, history_command, periodic_report
from pdscan.cli.kit import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, PdscanClickError, inventory_option, write_output
from pdscan.compliance.allowlist import DEFAULT_FILE as DEFAULT_IGNORE
from pdscan.compliance.compare import compare, has_undeclared
from pdscan.compliance.declaration import builtin_declarations, load_declaration
from pdscan.compliance.taxonomy import taxonomy
from pdscan.detect.findings import at_least
from pdscan.detect.rules import load_rules, parse_rule
from pdscan.detect.ruletest import check_examples
from pdscan.errors import PdscanError
from pdscan.inventory import Inventory
from pdscan.model import CONFIDENCE_LEVELS, ScanErrorEntry, ScanResult
from pdscan.reporters import REPORTERS, render
from pdscan.engines import ENGINES
from pdscan.scan import Progress, ScanOptions, scan


def _split_list(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
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


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="pdscan")
def main() -> None:
    """pdscan finds personal data (emails, phone numbers, HETUs, Y-tunnus, IBANs...) in files and databases.

    \b
    Example:
      pdscan scan sample_data/
    """


@main.command("scan")
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(sorted(REPORTERS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
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
    callback=_split_list,
    metavar="ENTITY,...",
    help="Look only for these entities, e.g. --only EMAIL_ADDRESS,PHONE_NUMBER.",
)
@click.option(
    "--except",
    "except_",
    multiple=True,
    callback=_split_list,
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
    declaration: str | None,
    inventory: str | None,
    engine: str,
    scheduler: str | None,
    quiet: bool,
) -> None:
    """Scan files, folders and databases for personal data.

    A SOURCE is a file (CSV, TSV, TXT, Excel, ODS, JSON, JSON Lines, Parquet, also .gz and .zip), a folder
    (scanned recursively), a SQLite database file, a SQLAlchemy database URL or an fsspec URL (s3://, memory://).

    \b
    Examples:
      pdscan scan sample_data/
      pdscan scan exports/ --include '*.csv' --format json --output scan.json
      pdscan scan asiakkaat.xlsx --only FI_PERSONAL_IDENTITY_CODE,IBAN_CODE --fail-on medium
      pdscan scan sqlite:///crm.sqlite --full
      pdscan scan postgresql://scanner@db.example/crm --schema public --workers 4
      pdscan scan exports/ crm.sqlite --declaration entrack --inventory -q
      pdscan scan lake/ --engine dask --full --format json --output lake.json
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
        declaration=declaration,
        engine=engine,
        scheduler=scheduler,
    )
    if scheduler is not None and engine == "local":
        raise click.UsageError("--scheduler needs --engine dask or spark")
    if fail_on == "undeclared" and declaration is None:
        raise click.UsageError("--fail-on undeclared needs --declaration FILE")
    try:
        store = Inventory(inventory) if inventory is not None else None
        run_id = store.start_run(sources, options.to_dict(), declaration) if store is not None else None
        try:
            with _progress(quiet) as progress:
                result = scan(sources, options, progress=progress)
        except BaseException:  # a usage error found late, or a crash: the run must not stay 'running'
            if store is not None and run_id is not None:
                store.fail_run(run_id)
            raise
        if store is not None and run_id is not None:
            store.finish_run(run_id, result)
            store.close()
            if not quiet:
                click.echo(f"pdscan: stored as run {run_id} in {store.name}", err=True)
        _write_report(result, fmt, output)
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    sys.exit(_exit_code(result, fail_on))


@main.group("rules")
def rules_group() -> None:
    """Inspect the detection rules.

    \b
    Example:
      pdscan rules list
    """


@rules_group.command("list")
@RULES_OPTION
def rules_list(rules_dirs: tuple[Path, ...]) -> None:
    """List the rules: id, entity, validator and description.

    \b
    Example:
      pdscan rules list --rules my_rules/
    """
    try:
        rules = load_rules(rules_dirs)
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    click.echo(f"{len(rules)} rules (rules version {rules.version})")
    for rule in rules:
        validator = rule.validator or "-"
        click.echo(f"{rule.id:<20} {rule.entity:<28} {validator:<16} {rule.description}")


@rules_group.command("test")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@RULES_OPTION
def rules_test(files: tuple[Path, ...], rules_dirs: tuple[Path, ...]) -> None:
    """Check rule files: their fields, and their match / no_match examples run through the engine.

    The rules run together with the built-in ones (a rule with a built-in id replaces it), so overlaps between
    rules are part of the test. Exit code 0 when every example passes, 1 when one fails, 2 for a malformed rule.

    \b
    Example:
      pdscan rules test my_rules/customer_number.yaml
    """
    try:
        base = load_rules(rules_dirs)
        own = [parse_rule(path.read_text(encoding="utf-8"), str(path)) for path in files]
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    rules = base.with_rules(own)
    failed = 0
    for rule in own:
        results = check_examples(rule, rules)
        bad = [r for r in results if not r.passed]
        failed += len(bad)
        click.echo(f"{rule.id}: {len(results) - len(bad)}/{len(results)} examples pass ({rule.path})")
        for result in bad:
            expectation = "should" if result.kind in ("match", "column_match") else "should not"
            what = "match" if result.kind in ("match", "no_match") else "be a column name for it"
            click.echo(f"  FAIL {result.kind}: {result.example!r} {expectation} {what}")
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


def _exit_code(result: ScanResult, fail_on: str) -> int:
    if result.interrupted:
        return EXIT_ERROR
    if result.errors and not result.tables:
        return EXIT_ERROR  # nothing could be read at all: not a clean scan
    if fail_on == "undeclared":
        return EXIT_FINDINGS if has_undeclared(result) else EXIT_OK
    if fail_on != "never" and any(at_least(f.confidence, fail_on) for f in result.findings):
        return EXIT_FINDINGS
    return EXIT_OK


@main.command("report")
@click.argument(
    "scan_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), metavar="[SCAN.json]", required=False
)
@DECLARATION_OPTION
@inventory_option("Build the periodic inventory report from this inventory instead of a saved scan.")
@click.option(
    "--since",
    type=click.DateTime(formats=DATE_FORMATS),
    help="Inventory report: the period starts here (default: 30 days ago); changes are counted from the last run "
    "before it.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(sorted(REPORTERS)),
    default="html",
    show_default=True,
    help="Output format (the inventory report: html, markdown or json).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["never", "undeclared"]),
    default="never",
    show_default=True,
    help="Exit with 1 when the scan holds personal data the declaration does not cover.",
)
def report_command(
    scan_file: Path | None,
    declaration: str | None,
    inventory: str | None,
    since: dt.datetime | None,
    fmt: str,
    output: Path | None,
    fail_on: str,
) -> None:
    """Render a saved scan (pdscan scan ... --format json) as a report compared with a declaration, or, with
    --inventory, the periodic inventory report: overview, changes in the period, undeclared gaps, trend,
    retention hints and coverage.

    \b
    Examples:
      pdscan scan exports/ crm.sqlite --format json --output scan.json
      pdscan report scan.json --declaration entrack --format html --output report.html
      pdscan report scan.json --declaration my_notice.yaml --format markdown --fail-on undeclared
      pdscan report --inventory --since 2026-11-01 --declaration entrack --output inventory-2026-11.html
    """
    if (scan_file is None) == (inventory is None):
        raise click.UsageError("give either SCAN.json or --inventory [URL]")
    if inventory is not None:
        sys.exit(periodic_report(inventory, since, declaration, fmt, output, fail_on))
    assert scan_file is not None
    try:
        result = ScanResult.from_dict(json.loads(scan_file.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise PdscanClickError(f"{scan_file}: not a pdscan JSON scan ({str(exc).splitlines()[0]})") from exc
    try:
        if declaration is not None:
            compare(result, load_declaration(declaration), taxonomy(), load_rules())
        elif fail_on == "undeclared":
            raise click.UsageError("--fail-on undeclared needs --declaration FILE")
        _write_report(result, fmt, output)
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    sys.exit(_exit_code(result, fail_on))


main.add_command(history_command)
main.add_command(diff_command)
main.add_command(find_command)
main.add_command(audit_command)


@main.group("declarations")
def declarations_group() -> None:
    """Privacy-notice declarations: the shipped examples, and checking your own.

    \b
    Example:
      pdscan declarations check my_notice.yaml
    """


@declarations_group.command("list")
def declarations_list() -> None:
    """List the declarations shipped with pdscan (use them by name with --declaration).

    \b
    Example:
      pdscan declarations list
    """
    for name, path in builtin_declarations().items():
        declaration = load_declaration(path)
        click.echo(
            f"{name:<10} {declaration.controller['name']}: {len(declaration.categories)} categories, "
            f"{len(declaration.subjects)} subject groups ({path})"
        )


@declarations_group.command("check")
@click.argument("files", nargs=-1, required=True)
def declarations_check(files: tuple[str, ...]) -> None:
    """Validate declaration files; an error names the file and the field.

    \b
    Example:
      pdscan declarations check rules/declarations/entrack.yaml my_notice.yaml
    """
    for spec in files:
        try:
            declaration = load_declaration(spec)
        except PdscanError as exc:
            raise PdscanClickError(str(exc)) from exc
        keys = sorted({k for c in declaration.categories for k in c.keys})
        click.echo(
            f"{spec}: valid ({declaration.controller['name']}; {len(declaration.categories)} categories "
            f"over {len(keys)} data category keys)"
        )


def _print_error(entry: ScanErrorEntry) -> None:
    click.echo(f"pdscan: skipped {entry.one_line()}", err=True)


def _write_report(result: ScanResult, fmt: str, output: Path | None) -> None:
    if result.interrupted:
        click.echo("pdscan: interrupted; reporting what was scanned so far", err=True)
    write_output(output, lambda stream: render(result, fmt, stream))


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Progress]:
    """A rich progress bar on standard error when it is a terminal; plain error lines (or silence) otherwise."""
    if quiet:
        yield Progress()
        return
    if not sys.stderr.isatty():
        yield Progress(error=_print_error, note=lambda message: click.echo(f"pdscan: {message}", err=True))
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


if __name__ == "__main__":
    main()
