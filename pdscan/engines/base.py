"""What every engine shares: the options of a scan, its running state (:class:`ScanContext`), the unit of work
(:func:`table_stats`), and the one finishing step (allow-list, sort, declaration) that turns a run into a result.

An engine (:class:`Engine`) decides only *where* tables are read and detected: in this process (``local``), on a
Dask cluster, or on Spark executors. It reports each table's outcome through :meth:`ScanContext.record`, in listing
order, and :func:`finish` does the rest the same way for all of them, so their results are identical.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol

from pdscan import __version__
from pdscan.compliance.allowlist import AllowList, load_allowlist
from pdscan.detect.core import DetectOptions, detect_batches
from pdscan.detect.dates import date_columns
from pdscan.detect.documents import document_facts
from pdscan.detect.evidence import header_only
from pdscan.detect.findings import column_findings, document_findings, with_table_context
from pdscan.detect.ner import load as load_ner
from pdscan.detect.rules import RuleSet, load_rules
from pdscan.detect.stats import ColumnStats, merge_stats
from pdscan.engines.options import ScanOptions as ScanOptions  # re-exported: engines import it from here
from pdscan.errors import SourceError
from pdscan.model import Batch, Finding, ScanErrorEntry, ScanResult, SourceSummary, TableInfo, utc_now
from pdscan.sources.base import ReadOptions, Table

if TYPE_CHECKING:
    from pdscan.compliance.declaration import Declaration


@dataclass
class Progress:
    """Callbacks the CLI uses to draw a progress bar. The library calls them; they must not raise."""

    table_started: Callable[[Table], None] = lambda table: None
    rows_read: Callable[[int], None] = lambda rows: None
    error: Callable[[ScanErrorEntry], None] = lambda entry: None
    note: Callable[[str], None] = lambda message: None  # one line about the run (a cluster's dashboard address)


@dataclass
class TableOutcome:
    """One table scanned: its coverage, its findings, the read error that stopped it, whether Ctrl-C did."""

    info: TableInfo
    findings: list[Finding]
    error: ScanErrorEntry | None = None
    interrupted: bool = False


def _declaration(path: str | None) -> Declaration | None:
    """The declaration to compare with, loaded only when one is given (most scans compare with none, and start-up
    imports run on one core before anything is read: issue 25)."""
    if not path:
        return None
    from pdscan.compliance.declaration import load_declaration

    return load_declaration(path)


@dataclass
class ScanContext:
    """A scan under way: its options, rules and the result it fills. Engines add to it only through its methods."""

    result: ScanResult
    rules: RuleSet
    options: ScanOptions
    progress: Progress = field(default_factory=Progress)
    detect_options: DetectOptions = field(default_factory=DetectOptions)
    read_options: ReadOptions = field(default_factory=ReadOptions)
    allow: AllowList | None = None
    declaration: Declaration | None = None

    @classmethod
    def start(cls, options: ScanOptions, rules: RuleSet | None = None, progress: Progress | None = None) -> ScanContext:
        """Load what the scan needs up front: a bad rule, allow-list, declaration or NER model is a usage error
        now, before any source is read."""
        rules = (rules or load_rules(options.rules_dirs)).select(options.only, options.except_)
        if options.ner_model is not None:
            load_ner(options.ner_model)  # spaCy loads here, only when --ner is asked for
        started = utc_now()
        return cls(
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
            allow=load_allowlist(options.ignore_file) if options.ignore_file else None,
            declaration=_declaration(options.declaration),
        )

    def add_source(self, source: str, kind: str) -> SourceSummary:
        summary = SourceSummary(source=source, kind=kind)
        self.result.sources.append(summary)
        return summary

    def source_failed(self, exc: SourceError) -> SourceSummary:
        """A source that cannot be opened at all: one error entry, and the scan goes on with the others."""
        summary = self.add_source(exc.source, "unknown")
        summary.errors = 1
        self.record_error(ScanErrorEntry(exc.source, exc.reason))
        return summary

    def record(self, summary: SourceSummary, outcome: ScanErrorEntry | TableOutcome) -> None:
        """Add one table's outcome (or one error entry) to the result, in the main thread, in listing order."""
        if isinstance(outcome, ScanErrorEntry):
            summary.errors += 1
            self.record_error(outcome)
            return
        summary.tables += 1
        self.result.tables.append(outcome.info)
        self.result.findings.extend(outcome.findings)
        if outcome.error is not None:
            summary.errors += 1
            self.record_error(outcome.error)
        if outcome.interrupted:
            raise KeyboardInterrupt

    def record_error(self, entry: ScanErrorEntry) -> None:
        self.result.errors.append(entry)
        self.progress.error(entry)

    def outcome(
        self, info: TableInfo, stats: dict[str, ColumnStats], error: ScanErrorEntry | None = None
    ) -> TableOutcome:
        """A table's outcome from its merged column statistics."""
        return TableOutcome(info, table_findings(info, stats, self.rules, self.options.min_confidence), error)


class Engine(Protocol):
    """Where a scan runs. ``run`` reads every source and records each table through the context, in order."""

    name: ClassVar[str]

    def run(self, context: ScanContext, sources: Sequence[str]) -> None: ...


def finish(context: ScanContext) -> ScanResult:
    """The one finishing step of every engine: allow-list, stable sort, declared-vs-found comparison."""
    result = context.result
    result.finished_at = utc_now()
    if context.allow is not None:
        kept, used = [], set()
        for finding in result.findings:
            entry = context.allow.entry_for(finding)
            if entry is None:
                kept.append(finding)
            else:
                used.add(entry)
                result.suppressed.append({"fingerprint": finding.fingerprint, "reason": entry.reason})
        result.findings = kept
        for i, entry in enumerate(context.allow.entries):
            if entry not in used and not result.interrupted:
                result.warnings.append(
                    f"{context.allow.path}: ignore[{i}] '{entry.fingerprint}' matched no finding (renamed, fixed, "
                    "or a typo?)"
                )
    result.findings.sort(key=lambda f: (f.source, f.location.sort_key(), -f.score, f.entity))
    result.document_facts = document_facts(result.tables, result.findings, context.rules)
    if context.declaration is not None:
        from pdscan.compliance.compare import compare
        from pdscan.compliance.taxonomy import taxonomy

        compare(result, context.declaration, taxonomy(), context.rules)
    return result


def table_stats(
    table: Table,
    rules: RuleSet,
    read_options: ReadOptions,
    detect_options: DetectOptions,
    max_samples: int,
    rows_read: Callable[[int], None] = lambda rows: None,
    batches: Iterable[Batch] | None = None,
) -> tuple[dict[str, ColumnStats], ScanErrorEntry | None, bool]:
    """Read a table (or one partition of it) and return its merged column statistics, the read error that
    stopped it if any, and whether Ctrl-C did. The unit of work of every engine: local threads, Dask tasks.
    ``batches``: the table's batches when the caller has begun reading them (the first ones, then the rest)."""
    stats: dict[str, ColumnStats] = {}
    error = None
    interrupted = False
    merged = 0  # rows whose statistics are merged: the reader may be a batch ahead of the detector
    try:
        read = batches if batches is not None else table.batches(read_options)
        for batch, batch_stats in detect_batches(read, rules, detect_options):
            stats = merge_stats(stats, batch_stats, max_samples)
            merged += batch.num_rows
            rows_read(batch.num_rows)
    except SourceError as exc:
        reason = exc.reason if not table.info.rows_scanned else f"{exc.reason} (after {table.info.rows_scanned} rows)"
        error = ScanErrorEntry(table.source, reason, table.location)
        if not table.info.rows_scanned:
            table.info.sampling = "not scanned (see errors)"
    except KeyboardInterrupt:
        table.info.notes.append("interrupted: only the rows read before the interruption were scanned")
        table.info.rows_scanned = merged  # what the statistics hold, not what the reader had reached
        interrupted = True
    return stats, error, interrupted


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
    if info.document is not None:
        found = document_findings(info.source, info.location, list(stats.values()), rules, min_confidence)
    else:
        for column in stats.values():
            found.extend(column_findings(info.source, info.location, column, rules, min_confidence, names))
        for column in stats.values():
            if column.values:
                continue  # header_only notes empty columns only
            notes = {note for rule in rules if (note := header_only(rule, column)) is not None}
            info.notes.extend(sorted(n for n in notes if n not in info.notes))
    found = with_table_context(found, rules, document=info.document is not None)
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
