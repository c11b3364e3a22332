"""Mergeable per-column statistics: what the detector core returns for one batch, merged across batches.

``merge`` is associative and keeps the left operand's order first, so the same statistics come out whether a table
is read in one batch, in chunks, or in partitions on Dask workers or Spark executors, merged in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from pdscan.detect.dates import DateRange, merge_ranges


@dataclass
class RuleStats:
    """What one rule saw in one column. Counts are of values (cells), not of distinct values."""

    match_count: int = 0  # values with at least one accepted match
    full_match_count: int = 0  # values that are entirely one match (a column of emails, not text mentioning one)
    confirmed: int = 0  # values whose match a validator confirmed
    rejected: int = 0  # values that had the pattern's shape but every candidate failed its validator
    details: dict[str, int] = field(default_factory=dict)  # validator labels, e.g. temporary identity code
    # Distinct values with an accepted match. Merged as the maximum over batches: a lower bound of the column's
    # distinct matches, exact for a sampled table (one batch), and associative like every other field.
    distinct: int = 0
    samples: tuple[str, ...] = ()  # masked unless DetectOptions.show_data
    # Working state of one batch (not merged): distinct values accepted by the column-wide path, and every distinct
    # value the rule accepted (for the context-word count).
    sample_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False, compare=False)
    accepted_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False, compare=False)

    def merge(self, other: RuleStats, max_samples: int) -> RuleStats:
        details = dict(self.details)
        for key, count in other.details.items():
            details[key] = details.get(key, 0) + count
        return RuleStats(
            match_count=self.match_count + other.match_count,
            full_match_count=self.full_match_count + other.full_match_count,
            confirmed=self.confirmed + other.confirmed,
            rejected=self.rejected + other.rejected,
            details=details,
            distinct=max(self.distinct, other.distinct),
            samples=_merge_samples(self.samples, other.samples, max_samples),
        )


@dataclass
class ColumnStats:
    name: str
    kind: str
    rows: int = 0  # rows of the batches this column was seen in
    values: int = 0  # non-empty values looked at
    rules: dict[str, RuleStats] = field(default_factory=dict)
    # Distinct non-empty values: merged as the maximum over batches (a lower bound, exact for one batch).
    distinct: int = 0
    dates: DateRange | None = None  # date profile, for retention-relevant date columns only

    def merge(self, other: ColumnStats, max_samples: int) -> ColumnStats:
        rules = dict(self.rules)
        for rule_id, stats in other.rules.items():
            mine = rules.get(rule_id)
            rules[rule_id] = stats if mine is None else mine.merge(stats, max_samples)
        # A column that is text in one batch and numeric in another is text: the wider kind wins.
        kind = self.kind if self.kind == other.kind else "string"
        return ColumnStats(
            self.name,
            kind,
            self.rows + other.rows,
            self.values + other.values,
            rules,
            max(self.distinct, other.distinct),
            merge_ranges(self.dates, other.dates),
        )


def merge_stats(
    left: Mapping[str, ColumnStats], right: Mapping[str, ColumnStats], max_samples: int
) -> dict[str, ColumnStats]:
    """Merge two results of :func:`detect_batch`. Associative; keeps the left operand's column order first."""
    out = dict(left)
    for name, stats in right.items():
        mine = out.get(name)
        out[name] = stats if mine is None else mine.merge(stats, max_samples)
    return out


def _merge_samples(left: tuple[str, ...], right: tuple[str, ...], limit: int) -> tuple[str, ...]:
    # Ordered union truncated to a prefix: associative, so merge order (not grouping) decides the samples.
    if len(left) >= limit:
        return left[:limit]
    seen = set(left)
    merged = list(left)
    for sample in right:
        if sample not in seen:
            merged.append(sample)
            seen.add(sample)
            if len(merged) == limit:
                break
    return tuple(merged)
