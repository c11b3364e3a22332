"""pdscan on Spark (and Databricks): ``scan_dataframe(spark_df)`` scans a DataFrame where it lives.

Built on ``DataFrame.mapInPandas``: every Spark partition runs the detector core (:func:`pdscan.detect.detect_batch`)
over its rows and returns its mergeable column statistics; the driver merges them in partition order with the same
associative merge as the local and Dask engines, and turns them into the same findings structure
(:class:`~pdscan.model.ScanResult`). Rows travel nowhere: only statistics and masked samples leave the executors.
Columns are read as the Parquet reader reads them (nested fields flattened, binary skipped), so a DataFrame and the
Parquet file it was written to give the same findings. pyspark is an optional extra: ``pip install 'pdscan[spark]'``.
"""

from __future__ import annotations

import base64
import datetime as dt
import pickle
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from pdscan import __version__
from pdscan.detect.core import ColumnStats, detect_batch, merge_stats
from pdscan.engines.tasks import worker_rules
from pdscan.errors import UsageError
from pdscan.model import Batch, Column, Location, ScanResult, SourceSummary, TableInfo
from pdscan.scan import ScanOptions, table_findings
from pdscan.sources.formats.parquet import arrow_kind, as_text, flatten_array

_SCHEMA = "part long, rows long, stats string"


def batch_of(record_batch: pa.RecordBatch) -> Batch:
    """A Spark partition's rows as a detector batch, columns as the Parquet reader makes them."""
    columns: list[Column] = []
    for field, array in zip(record_batch.schema, record_batch.columns, strict=True):
        for name, flat in flatten_array(field.name, array):
            kind = arrow_kind(flat.type)
            if kind == "binary":
                continue
            try:
                columns.append(Column(name, as_text(flat), kind))
            except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
                continue  # a type without a text form (unions): the Parquet reader skips it too
    return Batch(columns, record_batch.num_rows)


def _partition_function(options: ScanOptions) -> Any:
    def scan_partition(frames: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd
        from pyspark import TaskContext

        rules = worker_rules(options)
        detect = options.detect_options()
        stats: dict[str, ColumnStats] = {}
        rows = 0
        for frame in frames:
            record_batch = pa.RecordBatch.from_pandas(frame, preserve_index=False)
            stats = merge_stats(stats, detect_batch(batch_of(record_batch), rules, detect), options.max_samples)
            rows += len(frame)
        context = TaskContext.get()
        part = context.partitionId() if context is not None else 0
        encoded = base64.b64encode(pickle.dumps(stats)).decode("ascii")
        yield pd.DataFrame({"part": [part], "rows": [rows], "stats": [encoded]})

    return scan_partition


def scan_dataframe(df: Any, name: str = "dataframe", options: ScanOptions | None = None, seed: int = 0) -> ScanResult:
    """Scan a Spark DataFrame. ``options.full`` scans every row; otherwise each partition keeps a Bernoulli
    sample of its rows (sizes proportional to the partitions), about ``options.sample_size`` rows in all."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise UsageError("scan_dataframe needs the spark extra: pip install 'pdscan[spark]'") from exc
    options = options or ScanOptions(full=True)
    rules = worker_rules(options)
    started = _now()
    source = df
    sampling = "all rows (Spark)"
    if not options.full:
        total = df.count()
        if total > options.sample_size:
            source = df.sample(withReplacement=False, fraction=options.sample_size / total, seed=seed)
            sampling = f"random sample: about {options.sample_size} of {total} rows (Spark, per partition)"
    parts = source.mapInPandas(_partition_function(options), schema=_SCHEMA).collect()
    stats: dict[str, ColumnStats] = {}
    rows = 0
    for row in sorted(parts, key=lambda r: r["part"]):
        stats = merge_stats(stats, pickle.loads(base64.b64decode(row["stats"])), options.max_samples)
        rows += int(row["rows"])
    info = TableInfo(
        source=name,
        location=Location(table=name),
        rows_scanned=rows,
        truncated=not options.full and sampling.startswith("random"),
        sampling=f"{sampling}, {len(parts)} partitions",
    )
    findings = table_findings(info, stats, rules, options.min_confidence)
    findings.sort(key=lambda f: (f.location.sort_key(), -f.score, f.entity))
    result = ScanResult(
        tool={"name": "pdscan", "version": __version__, "rules_version": rules.version},
        started_at=started,
        finished_at=_now(),
        options={**options.to_dict(), "engine": "spark"},
        sources=[SourceSummary(source=name, kind="spark", tables=1)],
        tables=[info],
        findings=findings,
    )
    return result


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
