"""Date profile of a column: how many values are dates, the oldest and the newest, for retention hints.

Which columns are profiled is data (``rules/retention/date_columns.yaml``): columns whose name says when a row was
created or when the person was last active, and every column a database declares as a date or timestamp. The
profile is computed column-wide with Arrow kernels and merges associatively (count sums, min of oldest, max of
newest), like the detector's statistics it travels with. Only day precision is kept.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pdscan.detect.colnames import Vocabulary
from pdscan.errors import ConfigError
from pdscan.resources import builtin_rules_dir
from pdscan.yamlfile import load_yaml

ROLES = ("created", "activity")
# ISO 8601 (2024-01-31, 2024-01-31T12:00:00, 2024-01-31 12:00:00+02) and Finnish d.m.yyyy (31.1.2024 12.00).
_ISO = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:$|[T ])"
_FINNISH = r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?:$|[ ])"
_YEARS = (1900, 2200)
_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass(frozen=True)
class DateRange:
    """Dates seen in one column: how many values parsed, and the oldest and newest as ISO dates."""

    count: int
    oldest: str
    newest: str

    def merge(self, other: DateRange | None) -> DateRange:
        if other is None:
            return self
        return DateRange(self.count + other.count, min(self.oldest, other.oldest), max(self.newest, other.newest))

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "oldest": self.oldest, "newest": self.newest}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DateRange:
        return cls(int(data["count"]), str(data["oldest"]), str(data["newest"]))


def merge_ranges(left: DateRange | None, right: DateRange | None) -> DateRange | None:
    return right if left is None else left.merge(right)


@dataclass(frozen=True)
class DateColumns:
    """The vocabulary of retention-relevant date columns, by role."""

    vocabularies: dict[str, Vocabulary]

    def role(self, column: str) -> str | None:
        """``created`` or ``activity`` when the column name says so, else None."""
        for role in ROLES:
            if self.vocabularies[role].match(column) is not None:
                return role
        return None


def load_date_columns(path: Path | None = None) -> DateColumns:
    path = path or builtin_rules_dir() / "retention" / "date_columns.yaml"
    data = load_yaml(path, what="the date column vocabulary")
    missing = [role for role in ROLES if not isinstance(data, dict) or not isinstance(data.get(role), list)]
    if missing:
        raise ConfigError(str(path), missing[0], "a list of column names")
    return DateColumns({role: Vocabulary.of(str(w) for w in data[role]) for role in ROLES})


@functools.lru_cache(maxsize=1)
def date_columns() -> DateColumns:
    return load_date_columns()


def profile_dates(values: pa.Array) -> DateRange | None:
    """The date range of a string column (ISO or Finnish dates, timestamps cut to the day), or None if no dates."""
    return profile_dates_each(values, np.zeros(len(values), dtype=np.int64), 1)[0]


def profile_dates_each(values: pa.Array, owner: np.ndarray, columns: int) -> list[DateRange | None]:
    """:func:`profile_dates` of several columns side by side (``owner``: each value's column), in one pass."""
    if len(values) == 0:
        return [None] * columns
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.string())
    found: list[np.ndarray] = []
    whose: list[np.ndarray] = []
    for pattern in (_ISO, _FINNISH):
        parts = pc.extract_regex(values, pattern)  # null where the value does not match
        if parts.null_count == len(parts):
            continue
        matched = pc.is_valid(parts)
        parts = pc.filter(parts, matched)
        y, m, d = (pc.cast(parts.field(k), pa.int64()).to_numpy(zero_copy_only=False) for k in ("y", "m", "d"))
        ok = (y >= _YEARS[0]) & (y < _YEARS[1]) & (m >= 1) & (m <= 12) & (d >= 1)
        leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
        ok &= d <= _DAYS[np.clip(m, 1, 12) - 1] + ((m == 2) & leap)  # 31.2. is no date
        found.append((y * 10_000 + m * 100 + d)[ok])
        whose.append(owner[np.asarray(matched.to_numpy(zero_copy_only=False), dtype=bool)][ok])
    if not found:
        return [None] * columns
    keys, who = np.concatenate(found), np.concatenate(whose)
    counts = np.bincount(who, minlength=columns)
    if columns == 1:
        return [DateRange(int(keys.size), _iso(int(keys.min())), _iso(int(keys.max())))] if keys.size else [None]
    lo = np.full(columns, np.iinfo(np.int64).max)
    hi = np.full(columns, np.iinfo(np.int64).min)
    np.minimum.at(lo, who, keys)
    np.maximum.at(hi, who, keys)
    return [
        DateRange(int(counts[c]), _iso(int(lo[c])), _iso(int(hi[c]))) if counts[c] else None for c in range(columns)
    ]


def date_keys(values: pa.Array) -> np.ndarray:
    """Each value's date as an integer ``yyyymmdd`` (0 where the value is no date): the per-row form of
    :func:`profile_dates`, for counting rows by age (retention)."""
    out = np.zeros(len(values), dtype=np.int64)
    if len(values) == 0:
        return out
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.string())
    for pattern in (_ISO, _FINNISH):
        parts = pc.extract_regex(values, pattern)
        if parts.null_count == len(parts):
            continue
        matched = pc.is_valid(parts)
        where = np.flatnonzero(np.asarray(matched.to_numpy(zero_copy_only=False), dtype=bool))
        parts = pc.filter(parts, matched)
        y, m, d = (pc.cast(parts.field(k), pa.int64()).to_numpy(zero_copy_only=False) for k in ("y", "m", "d"))
        ok = (out[where] == 0) & (y >= _YEARS[0]) & (y < _YEARS[1]) & (m >= 1) & (m <= 12) & (d >= 1)
        leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
        ok &= d <= _DAYS[np.clip(m, 1, 12) - 1] + ((m == 2) & leap)
        out[where[ok]] = (y * 10_000 + m * 100 + d)[ok]
    return out


def iso_key(day: str) -> int:
    """``2024-01-31`` as ``20240131``."""
    return int(day[:10].replace("-", ""))


def key_iso(key: int) -> str:
    return _iso(key)


def _iso(key: int) -> str:
    return f"{key // 10_000:04d}-{key // 100 % 100:02d}-{key % 100:02d}"
