"""The scan: sources -> tables -> batches -> detector -> merged statistics -> findings -> :class:`ScanResult`.

This is the library entry point the CLI wraps. Errors in one file, sheet or table become error entries and the
scan goes on; a KeyboardInterrupt stops it and returns what was scanned so far, marked ``interrupted``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pdscan import __version__
from pdscan.allowlist import load_allowlist
from pdscan.detect import ColumnStats, DetectOptions, detect_batch, merge_stats
from pdscan.errors import SourceError
from pdscan.findings import column_findings
from pdscan.model import Finding, ScanErrorEntry, ScanResult, SourceSummary, TableInfo
from pdscan.rules import RuleSet, load_rules
from pdscan.sources import open_source
from pdscan.sources.base import ReadOptions, Table


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

    def read_options(self) -> ReadOptions:
        return ReadOptions(limit=None if self.full else self.sample_size, chunk_rows=self.chunk_rows)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["except"] = out.pop("except_")
        out["rules_dirs"] = [str(p) for p in self.rules_dirs]
        out["ignore_file"] = str(self.ignore_file) if self.ignore_file else None
        for key in ("include", "exclude", "only", "except"):
            out[key] = list(out[key])
        return out


@dataclass
class Progress:
    """Callbacks the CLI uses to draw a progress bar. The library calls them; they must not raise."""

    table_started: Callable[[Table], None] = lambda table: None
    rows_read: Callable[[int], None] = lambda rows: None
    error: Callable[[ScanErrorEntry], None] = lambda entry: None


@dataclass
class _Run:
    result: ScanResult
    rules: RuleSet
    options: ScanOptions
    progress: Progress
    detect_options: DetectOptions = field(default_factory=DetectOptions)


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
    if options.ner_model is not None:
        from pdscan.ner import load as load_ner

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
        detect_options=DetectOptions(
            max_samples=options.max_samples, show_data=options.show_data, ner_model=options.ner_model
        ),
    )
    try:
        for spec in sources:
            _scan_source(run, spec)
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
    return run.result


def _scan_source(run: _Run, spec: str) -> None:
    try:
        source = open_source(spec, include=run.options.include, exclude=run.options.exclude)
    except SourceError as exc:
        summary = SourceSummary(source=exc.source, kind="unknown", errors=1)
        run.result.sources.append(summary)
        _record_error(run, ScanErrorEntry(exc.source, exc.reason))
        return
    summary = SourceSummary(source=source.name, kind=source.kind)
    run.result.sources.append(summary)
    try:
        for item in source.tables():
            if isinstance(item, ScanErrorEntry):
                summary.errors += 1
                _record_error(run, item)
                continue
            summary.tables += 1
            if not _scan_table(run, item):
                summary.errors += 1
    except SourceError as exc:  # the source itself failed while listing (a dropped connection, say)
        summary.errors += 1
        _record_error(run, ScanErrorEntry(source.name, exc.reason))
    finally:
        summary.ignored_files = source.ignored_files
        source.close()


def _scan_table(run: _Run, table: Table) -> bool:
    """Scan one table; returns False when it could not be read to the end (the rows read still count)."""
    run.progress.table_started(table)
    stats: dict[str, ColumnStats] = {}
    ok = True
    try:
        for batch in table.batches(run.options.read_options()):
            stats = merge_stats(stats, detect_batch(batch, run.rules, run.detect_options), run.options.max_samples)
            run.progress.rows_read(batch.num_rows)
    except SourceError as exc:
        ok = False
        reason = exc.reason if not table.info.rows_scanned else f"{exc.reason} (after {table.info.rows_scanned} rows)"
        _record_error(run, ScanErrorEntry(table.source, reason, table.location))
    except KeyboardInterrupt:
        table.info.notes.append("interrupted: only the rows read before the interruption were scanned")
        _finish_table(run, table, stats)
        raise
    _finish_table(run, table, stats)
    return ok


def _finish_table(run: _Run, table: Table, stats: dict[str, ColumnStats]) -> None:
    info: TableInfo = table.info
    if not info.columns:
        info.columns = len(stats)
    run.result.tables.append(info)
    found: list[Finding] = []
    names = list(stats)
    for column in stats.values():
        found.extend(
            column_findings(table.source, table.location, column, run.rules, run.options.min_confidence, names)
        )
    run.result.findings.extend(found)


def _record_error(run: _Run, entry: ScanErrorEntry) -> None:
    run.result.errors.append(entry)
    run.progress.error(entry)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
