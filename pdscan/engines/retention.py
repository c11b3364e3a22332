"""Storage limitation checked against the data (GDPR Art. 5(1)(e)): the declaration's retention periods, counted
row by row in every table or export that holds a subject group's personal data.

Which group a location holds is told as declared vs found tells it (:func:`pdscan.compliance.subjects.subject_of`:
the declaration's ``systems`` globs, else the location's name). A period names its groups; a period without
groups covers the groups no other period names. The counting date of a row is its latest date (the date columns of
``rules/retention/date_columns.yaml`` and every DATE/TIMESTAMP column, except dates that are personal data
themselves, a date of birth) or the latest of the columns the period names (``counted_from``). Sampling never
under-counts: a database table is counted by one aggregate query (read-only, under the statement timeout), a file is
read again in full, its date columns only parsed. Counts and the oldest counting date are reported, never a value.

This pass runs after every engine, in the process that started the scan; it reopens the sources it needs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from pdscan.compliance.declaration import Declaration, RetentionPeriod, period_start
from pdscan.compliance.subjects import subject_of
from pdscan.detect.dates import date_columns, date_keys, iso_key, key_iso
from pdscan.engines.options import ScanOptions
from pdscan.errors import ConfigError, SourceError
from pdscan.model import Finding, Location, RetentionCheck, ScanResult, TableInfo
from pdscan.sources import open_source
from pdscan.sources.base import ReadOptions, Source, Table

NOW_VARIABLE = "PDSCAN_NOW"
Chooser = Callable[[str, str], bool]  # (column name, column kind) -> is a date the row is counted from


def reference_day(options: ScanOptions) -> dt.date:
    """The day periods are counted back from: the options' ``now``, else $PDSCAN_NOW, else today (read once per
    scan, so that a run and its tests are reproducible). A malformed value is a usage error naming it."""
    value, where = (options.now, "now") if options.now else (os.environ.get(NOW_VARIABLE), NOW_VARIABLE)
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise ConfigError(where, "", f"an ISO date such as 2025-06-30, not {value!r}") from None


def periods_for(declaration: Declaration, subject: str | None) -> list[RetentionPeriod]:
    """The periods that bind a location of this group: those naming it, else those naming no group."""
    named = [p for p in declaration.retention_periods if subject is not None and subject in p.subjects]
    return named or [p for p in declaration.retention_periods if not p.subjects]


def check_retention(
    result: ScanResult, sources: Sequence[str], options: ScanOptions, declaration: Declaration, today: dt.date
) -> None:
    """Set ``result.retention``: one entry per table with personal data and each period binding its group."""
    if not declaration.retention_periods:
        return
    by_table: dict[tuple[str, Location], list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_table[(finding.source, finding.location.container())].append(finding)
    plan: list[tuple[TableInfo, list[Finding], RetentionPeriod]] = []
    unassigned = 0
    for info in result.tables:
        found = by_table.get((info.source, info.location))
        if not found or info.document is not None or info.sampling.startswith("not scanned"):
            continue
        subject, _ = subject_of(found[0], declaration)
        periods = periods_for(declaration, subject)
        unassigned += subject is None and not periods
        plan.extend((info, found, period) for period in periods)
    result.retention = []
    if unassigned:
        result.warnings.append(
            f"retention: {unassigned} table(s) with personal data belong to no subject group the retention periods "
            "name, and were not checked (give them a group with systems: in the declaration)"
        )
    if not plan:
        return
    opened = _Sources(sources, options)
    try:
        for info, found, period in plan:
            result.retention.append(_check(info, found, period, declaration, today, opened, options))
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        opened.close()


def _check(
    info: TableInfo,
    found: list[Finding],
    period: RetentionPeriod,
    declaration: Declaration,
    today: dt.date,
    opened: _Sources,
    options: ScanOptions,
) -> RetentionCheck:
    subject, told = subject_of(found[0], declaration)
    cutoff = period_start(period.period, today).isoformat()
    entry = RetentionCheck(
        source=info.source,
        location=info.location.to_dict(),
        display=info.location.display(),
        subjects=list(period.subjects),
        subject=declaration.subject_names((subject,))[0] if subject else None,
        subject_from=told,
        period=period.period,
        counted_from=list(period.counted_from) if period.counted_from else "latest",
        cutoff=cutoff,
    )
    personal = {f.location.column for f in found}
    named = {c.casefold() for c in period.counted_from}
    dated = date_columns()

    def choose(name: str, kind: str) -> bool:
        if named:
            return name.casefold() in named
        return name not in personal and (kind == "datetime" or dated.role(name) is not None)

    try:
        source = opened.get(info.source)
        if source.kind == "database":
            from pdscan.sources.sql import DatabaseSource
            from pdscan.sources.sql.retention import count_by_age

            assert isinstance(source, DatabaseSource)
            counts = count_by_age(source, info.location, choose, cutoff)
            entry.rows_checked, entry.rows_over = counts.rows, counts.over
            entry.oldest_over, entry.rows_without_date, entry.columns = (
                counts.oldest_over,
                counts.without_date,
                counts.columns,
            )
        else:
            _count_file(entry, opened.table(source, info.location), choose, iso_key(cutoff), options)
    except SourceError as exc:
        entry.error = exc.reason
    return entry


def _count_file(entry: RetentionCheck, table: Table, choose: Chooser, cutoff: int, options: ScanOptions) -> None:
    """Every row of a file, its date columns parsed (ISO or Finnish dates), whatever the scan sampled."""
    columns: dict[str, None] = {}
    oldest = 0
    for batch in table.batches(ReadOptions(limit=None, chunk_rows=options.chunk_rows)):
        chosen = [c for c in batch.columns if len(c.values) == batch.num_rows and choose(c.name, c.kind)]
        columns.update(dict.fromkeys(c.name for c in chosen))
        keys = [date_keys(c.values) for c in chosen]
        latest = np.maximum.reduce(keys) if keys else np.zeros(batch.num_rows, dtype=np.int64)
        over = (latest > 0) & (latest < cutoff)
        entry.rows_checked += batch.num_rows
        entry.rows_over += int(over.sum())
        entry.rows_without_date += int((latest == 0).sum())
        if over.any():
            low = int(latest[over].min())
            oldest = low if not oldest else min(oldest, low)
    entry.columns = list(columns)
    entry.oldest_over = key_iso(oldest) if oldest else None


class _Sources:
    """The sources of the scan, reopened by the names the result gives them (a database URL is named masked)."""

    def __init__(self, specs: Sequence[str], options: ScanOptions) -> None:
        self.options = options.source_options()
        self.specs = list(dict.fromkeys(specs))
        self.by_name: dict[str, Source] = {}
        self.files: dict[str, Source] = {}

    def get(self, name: str) -> Source:
        if name in self.by_name:
            return self.by_name[name]
        for spec in self.specs:
            try:
                source = open_source(spec, self.options)
            except SourceError:
                continue
            self.specs.remove(spec)
            self.by_name[source.name] = source
            if source.name == name:
                return source
        raise SourceError(name, "could not be opened again to count its rows")

    def table(self, source: Source, location: Location) -> Table:
        """The table at ``location``, opening only its file (a folder is not listed again)."""
        outer = (location.file or "").split("!", 1)[0]
        if outer and outer != source.name and Path(outer).is_file():
            if outer not in self.files:
                self.files[outer] = open_source(outer, self.options)
            source = self.files[outer]
        for table in source.tables():
            if isinstance(table, Table) and table.location == location:
                return table
        raise SourceError(source.name, "could not be found again to count its rows", location.display())

    def close(self) -> None:
        for source in [*self.by_name.values(), *self.files.values()]:
            source.close()
