"""``--engine spark`` and ``scan_dataframe``: pdscan on Spark (and Databricks), pdscan[spark].

Two ways in, one finishing step (:func:`pdscan.engines.base.finish`, allow-list and declaration included):
- ``pdscan scan SOURCES --engine spark [--scheduler local[2]|spark://host:7077]`` plans the same tasks as the Dask
  engine (files, Parquet row groups, CSV blocks, key ranges of database tables) and runs them as a Spark job, one
  task per partition; results are merged per table in task order, so the findings equal ``--engine local``.
  Executors must have pdscan installed and reach the sources.
- ``scan_dataframe(spark_df)`` scans a DataFrame where it lives, on ``DataFrame.mapInPandas``: every Spark
  partition runs the detector core (:func:`pdscan.detect.core.detect_batch`) over its rows and returns its mergeable
  column statistics; the driver merges them in partition order. Rows travel nowhere: only statistics and masked
  samples leave the executors. Columns are read as the Parquet reader reads them (nested fields flattened, binary
  skipped), so a DataFrame and the Parquet file it was written to give the same findings.
"""

from __future__ import annotations

import base64
import pickle
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import pyarrow as pa

from pdscan.detect.core import detect_batch
from pdscan.detect.stats import ColumnStats, merge_stats
from pdscan.engines.base import ScanContext, ScanOptions, finish
from pdscan.engines.tasks import (
    TASK_ERRORS,
    Task,
    TaskResult,
    run_distributed,
    run_task,
    task_location,
    task_source,
    worker_rules,
)
from pdscan.errors import UsageError, one_line
from pdscan.model import Batch, Column, Location, ScanErrorEntry, ScanResult, TableInfo
from pdscan.sources.formats.parquet import arrow_kind, as_text, flatten_array

RETRIES = 2


class SparkEngine:
    name: ClassVar[str] = "spark"

    def run(self, context: ScanContext, sources: Sequence[str]) -> None:
        run_distributed(context, sources, _run_on_spark)


def _run_on_spark(tasks: list[Task], context: ScanContext) -> dict[int, TaskResult | ScanErrorEntry]:
    """Every task as one partition of a Spark job; results come back in task order."""
    spark = _session(context.options.scheduler)
    context.progress.note(f"Spark {spark.version}, master {spark.sparkContext.master}: {len(tasks)} tasks")
    options = context.options
    outcomes = spark.sparkContext.parallelize(tasks, len(tasks)).map(lambda t: _run_task(t, options)).collect()
    results: dict[int, TaskResult | ScanErrorEntry] = {}
    for task, outcome in zip(tasks, outcomes, strict=True):
        results[id(task)] = outcome
        if isinstance(outcome, ScanErrorEntry):
            context.progress.error(outcome)
        else:
            context.progress.rows_read(outcome.rows)
    return results


def _session(master: str | None) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise UsageError("--engine spark needs the spark extra: pip install '.[spark]' in the pdscan checkout") from exc
    builder = SparkSession.builder.appName("pdscan")
    if master:
        builder = builder.master(master)
    return builder.getOrCreate()


def _run_task(task: Task, options: ScanOptions) -> TaskResult | ScanErrorEntry:
    """A task on an executor; one that still fails after the retries becomes its error entry, as on Dask.
    Spark would fail the whole job instead, and the other partitions' results with it."""
    for attempt in range(RETRIES + 1):
        try:
            return run_task(task, options)
        except TASK_ERRORS as exc:
            if attempt == RETRIES:
                reason = f"partition failed after {RETRIES} retries: {type(exc).__name__}: {one_line(exc)}"
                return ScanErrorEntry(task_source(task), reason, task_location(task))
    raise AssertionError("unreachable")


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
    sample of its rows (sizes proportional to the partitions), about ``options.sample_size`` rows in all.
    The options' allow-list and declaration apply as in any scan."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise UsageError("scan_dataframe needs the spark extra: pip install '.[spark]' in the pdscan checkout") from exc
    options = options or ScanOptions(full=True)
    context = ScanContext.start(options, worker_rules(options))
    context.result.options["engine"] = "spark"
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
    context.record(context.add_source(name, "spark"), context.outcome(info, stats))
    return finish(context)
