"""The scan: sources -> tables -> batches -> detector -> merged statistics -> findings -> :class:`ScanResult`.

This is the library entry point the CLI wraps. Errors in one file, sheet or table become error entries and the
scan goes on; a KeyboardInterrupt stops it and returns what was scanned so far, marked ``interrupted``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pdscan import __version__
from pdscan.compliance.allowlist import load_allowlist
from pdscan.compliance.compare import compare
from pdscan.compliance.declaration import load_declaration
from pdscan.compliance.taxonomy import taxonomy
from pdscan.detect.core import ColumnStats, DetectOptions, detect_batch, merge_stats
from pdscan.detect.dates import date_columns
from pdscan.detect.findings import column_findings
from pdscan.detect.rules import RuleSet, load_rules
from pdscan.errors import SourceError, UsageError
from pdscan.model import Finding, ScanErrorEntry, ScanResult, SourceSummary, TableInfo
from pdscan.sources import open_source
from pdscan.sources.base import ReadOptions, Source, SourceOptions, Table


@dataclass(frozen=True)
class ScanOptions:
    sample_size: int = 10_000
    full: bool = False  # scan every row instead of at most sample_size per table
    chunk_rows: int = 50_000
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    only: tuple[str, ...] = ()  # entities to look for (all when empty)
    except_: tuple[str, ...] = ()  # entities not to look for
    min_confidence: str = "low"
    show_data: bool = False
    max_samples: int = 3
    rules_dirs: tuple[Path, ...] = ()
    ignore_file: Path | None = None  # an allow-list (.pdscanignore) of accepted findings
    ner_model: str | None = None  # a spaCy model for PERSON and LOCATION in free text (needs the presidio extra)
    schemas: tuple[str, ...] = ()  # database schema globs
    include_tables: tuple[str, ...] = ()
    exclude_tables: tuple[str, ...] = ()
    table_timeout: float = 60.0
    workers: int = 1
    declaration: str | None = None  # a declaration file (or a shipped one by name) to compare the findings with
    engine: str = "local"  # "local", or "dask" (pdscan[dask]): partitions scanned on a Dask cluster
    scheduler: str | None = None  # dask: a scheduler address (tcp://host:8786); None starts a local cluster
    partition_rows: int = 250_000  # dask --full: rows per partition of a database table or Parquet file
    partition_bytes: int = 64 << 20  # dask --full: bytes per block of a big CSV file

    def read_options(self, rules: RuleSet) -> ReadOptions:
        dated = date_columns()

        def wants_column(name: str) -> bool:
            # Numbers, dates and flags are fetched from a database only when a rule's column names speak for them,
            # or (dates) when the name says when the row was created or last used: retention hints need those.
            return any(rule.name_evidence(name).supports for rule in rules) or dated.role(name) is not None

        return ReadOptions(
            limit=None if self.full else self.sample_size, chunk_rows=self.chunk_rows, wants_column=wants_column
        )

    def detect_options(self) -> DetectOptions:
        return DetectOptions(
            max_samples=self.max_samples,
            show_data=self.show_data,
            ner_model=self.ner_model,
            date_columns=date_columns(),
        )

    def source_options(self) -> SourceOptions:
        return SourceOptions(
            include=self.include,
            exclude=self.exclude,
            schemas=self.schemas,
            include_tables=self.include_tables,
            exclude_tables=self.exclude_tables,
            table_timeout=self.table_timeout,
            workers=self.workers,
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["except"] = out.pop("except_")
        out["rules_dirs"] = [str(p) for p in self.rules_dirs]
        out["ignore_file"] = str(self.ignore_file) if self.ignore_file else None
        for key in ("include", "exclude", "only", "except", "schemas", "include_tables", "exclude_tables"):
            out[key] = list(out[key])
        return out


@dataclass
class Progress:
    """Callbacks the CLI uses to draw a progress bar. The library calls them; they must not raise."""

    table_started: Callable[[Table], None] = lambda table: None
    rows_read: Callable[[int], None] = lambda rows: None
    error: Callable[[ScanErrorEntry], None] = lambda entry: None
    note: Callable[[str], None] = lambda message: None  # one line about the run (a cluster's dashboard address)


@dataclass
class _Run:
    result: ScanResult
    rules: RuleSet
    options: ScanOptions
    progress: Progress
    detect_options: DetectOptions = field(default_factory=DetectOptions)
    read_options: ReadOptions = field(default_factory=ReadOptions)


def scan(
    sources: Sequence[str],
    options: ScanOptions | None = None,
    rules: RuleSet | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan every source and return the result. Raises only for usage errors (bad rules, unknown entities)."""
    options = options or ScanOptions()
    rules = (rules or load_rules(options.rules_dirs)).select(options.only, options.except_)
    allow = load_allowlist(options.ignore_file) if options.ignore_file else None
    declaration = load_declaration(options.declaration) if options.declaration else None
    if options.ner_model is not None:
        from pdscan.detect.ner import load as load_ner

        load_ner(options.ner_model)  # a missing model is a usage error now, not an error per column later
    started = _now()
    run = _Run(
        result=ScanResult(
            tool={"name": "pdscan", "version": __version__, "rules_version": rules.version},
            started_at=started,
            finished_at=started,
            options=options.to_dict(),
        ),
        rules=rules,
        options=options,
        progress=progress or Progress(),
        detect_options=options.detect_options(),
        read_options=options.read_options(rules),
    )
    try:
        if options.engine == "dask":
            from pdscan.engines.dask import scan_with_dask

            scan_with_dask(run, sources)
        elif options.engine == "local":
            for spec in sources:
                _scan_source(run, spec)
        else:
            raise UsageError(f"unknown engine '{options.engine}'; choose local or dask")
    except KeyboardInterrupt:
        run.result.interrupted = True
    run.result.finished_at = _now()
    if allow is not None:
        kept = []
        for finding in run.result.findings:
            reason = allow.reason_for(finding)
            if reason is None:
                kept.append(finding)
            else:
                run.result.suppressed.append({"fingerprint": finding.fingerprint, "reason": reason})
        run.result.findings = kept
    run.result.findings.sort(key=lambda f: (f.source, f.location.sort_key(), -f.score, f.entity))
    if declaration is not None:
        compare(run.result, declaration, taxonomy(), rules)
    return run.result


def _scan_source(run: _Run, spec: str) -> None:
    try:
        source = open_source(spec, run.options.source_options())
    except SourceError as exc:
        summary = SourceSummary(source=exc.source, kind="unknown", errors=1)
        run.result.sources.append(summary)
        _record_error(run, ScanErrorEntry(exc.source, exc.reason))
        return
    summary = SourceSummary(source=source.name, kind=source.kind)
    run.result.sources.append(summary)
    try:
        if run.options.workers > 1:
            _scan_tables_in_parallel(run, source, summary)
        else:
            for item in source.tables():
                _record(run, summary, item if isinstance(item, ScanErrorEntry) else _scan_table(run, item))
    except SourceError as exc:  # the source itself failed while listing (a dropped connection, say)
        summary.errors += 1
        _record_error(run, ScanErrorEntry(source.name, exc.reason))
    finally:
        summary.ignored_files = source.ignored_files
        source.close()


def _scan_tables_in_parallel(run: _Run, source: Source, summary: SourceSummary) -> None:
    """Tables on ``--workers`` threads (each with its own connection from the pool); results in listing order."""
    with ThreadPoolExecutor(max_workers=run.options.workers, thread_name_prefix="pdscan-table") as pool:
        pending: list[ScanErrorEntry | Future[_TableOutcome]] = [
            item if isinstance(item, ScanErrorEntry) else pool.submit(_scan_table, run, item)
            for item in source.tables()
        ]
        try:
            for item in pending:
                _record(run, summary, item if isinstance(item, ScanErrorEntry) else item.result())
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


@dataclass
class _TableOutcome:
    info: TableInfo
    findings: list[Finding]
    error: ScanErrorEntry | None
    interrupted: bool = False


def _record(run: _Run, summary: SourceSummary, outcome: ScanErrorEntry | _TableOutcome) -> None:
    """Add one table's outcome (or one error entry) to the result, in the main thread, in order."""
    if isinstance(outcome, ScanErrorEntry):
        summary.errors += 1
        _record_error(run, outcome)
        return
    summary.tables += 1
    run.result.tables.append(outcome.info)
    run.result.findings.extend(outcome.findings)
    if outcome.error is not None:
        summary.errors += 1
        _record_error(run, outcome.error)
    if outcome.interrupted:
        raise KeyboardInterrupt


def _scan_table(run: _Run, table: Table) -> _TableOutcome:
    """Scan one table. A read error keeps what was read before it; an interruption keeps it too."""
    run.progress.table_started(table)
    stats, error, interrupted = table_stats(
        table, run.rules, run.read_options, run.detect_options, run.options.max_samples, run.progress.rows_read
    )
    return _TableOutcome(table.info, _table_findings(run, table.info, stats), error, interrupted)


def table_stats(
    table: Table,
    rules: RuleSet,
    read_options: ReadOptions,
    detect_options: DetectOptions,
    max_samples: int,
    rows_read: Callable[[int], None] = lambda rows: None,
) -> tuple[dict[str, ColumnStats], ScanErrorEntry | None, bool]:
    """Read a table (or one partition of it) and return its merged column statistics, the read error that
    stopped it if any, and whether Ctrl-C did. The unit of work of every engine: local threads, Dask tasks."""
    stats: dict[str, ColumnStats] = {}
    error = None
    interrupted = False
    try:
        for batch in table.batches(read_options):
            stats = merge_stats(stats, detect_batch(batch, rules, detect_options), max_samples)
            rows_read(batch.num_rows)
    except SourceError as exc:
        reason = exc.reason if not table.info.rows_scanned else f"{exc.reason} (after {table.info.rows_scanned} rows)"
        error = ScanErrorEntry(table.source, reason, table.location)
        if not table.info.rows_scanned:
            table.info.sampling = "not scanned (see errors)"
    except KeyboardInterrupt:
        table.info.notes.append("interrupted: only the rows read before the interruption were scanned")
        interrupted = True
    return stats, error, interrupted


def _table_findings(run: _Run, info: TableInfo, stats: dict[str, ColumnStats]) -> list[Finding]:
    return table_findings(info, stats, run.rules, run.options.min_confidence)


def table_findings(
    info: TableInfo, stats: dict[str, ColumnStats], rules: RuleSet, min_confidence: str
) -> list[Finding]:
    """Findings of one table from its merged column statistics; fills in the table's schema and date ranges."""
    if not info.columns:
        info.columns = len(stats)
    if not info.schema:  # files: the columns as read (databases describe theirs when the table is opened)
        info.schema = [{"name": c.name, "type": c.kind} for c in stats.values()]
    dated = date_columns()
    dates = {c.name: c for c in stats.values() if c.dates is not None}
    found: list[Finding] = []
    names = list(stats)
    for column in stats.values():
        found.extend(column_findings(info.source, info.location, column, rules, min_confidence, names))
    personal = {f.location.column for f in found}
    # A date that is personal data itself (a date of birth) says nothing about how old the row is.
    info.dates = [
        {"column": name, "role": dated.role(name) or "date", **column.dates.to_dict()}
        for name, column in dates.items()
        if name not in personal and column.dates is not None
    ]
    for finding in found:
        finding.primary_key = info.primary_key
        finding.estimated_rows = info.estimated_rows
    return found


def _record_error(run: _Run, entry: ScanErrorEntry) -> None:
    run.result.errors.append(entry)
    run.progress.error(entry)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
