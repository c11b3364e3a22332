"""A read error in the middle of a table keeps what was read before it, though the detector runs a batch behind
the reader (detect_batches queues the next batch while this one is detected)."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from pdscan.detect.core import DetectOptions
from pdscan.detect.rules import load_rules
from pdscan.engines.base import table_stats
from pdscan.errors import SourceError
from pdscan.model import Batch, Column, Location
from pdscan.sources.base import ReadOptions, Table


class BreaksAfterTwoBatches(Table):
    def read(self, options: ReadOptions) -> Iterator[Batch]:
        for i in range(2):
            emails = [f"asiakas{i}.{n}@example.fi" for n in range(100)]
            self.info.rows_scanned += len(emails)
            yield Batch([Column("email", pa.array(emails, pa.string()))], len(emails))
        raise SourceError(self.source, "corrupt data at byte 12345", self.location.display())


def test_batches_read_before_an_error_are_merged() -> None:
    table = BreaksAfterTwoBatches("exports/", Location(file="exports/broken.csv"))
    stats, error, interrupted = table_stats(table, load_rules(), ReadOptions(limit=None), DetectOptions(), 3)
    assert error is not None and error.reason == "corrupt data at byte 12345 (after 200 rows)"
    assert not interrupted
    assert stats["email"].values == 200  # both batches, not only the one the detector had finished
    assert stats["email"].rules["email"].match_count == 200
