"""Parquet files: read in batches of ``chunk_rows``; nested columns flattened, binary columns skipped.

Structs become dotted paths (``address.city``), lists and maps are exploded (``tags[]``, ``attrs[].key``,
``attrs[].value``), so a column can hold more values than the batch has rows. Every other column is cast to text.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pdscan.errors import SourceError, one_line
from pdscan.model import Batch, Column, Location, ScanErrorEntry
from pdscan.sources.base import IO_ERRORS, FileRef, Format, ReadOptions, Table


def tables(ref: FileRef, source: str) -> Iterator[Table]:
    yield ParquetTable(ref, source)


def arrow_kind(dtype: pa.DataType) -> str:
    """The column kind of an Arrow type."""
    if pa.types.is_dictionary(dtype):
        return arrow_kind(dtype.value_type)
    if pa.types.is_boolean(dtype):
        return "boolean"
    if pa.types.is_integer(dtype):
        return "integer"
    if pa.types.is_floating(dtype) or pa.types.is_decimal(dtype):
        return "float"
    if pa.types.is_temporal(dtype):
        return "datetime"
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype) or pa.types.is_string_view(dtype):
        return "string"
    if (
        pa.types.is_binary(dtype)
        or pa.types.is_large_binary(dtype)
        or pa.types.is_fixed_size_binary(dtype)
        or pa.types.is_binary_view(dtype)
    ):
        return "binary"
    return "other"


def flatten_array(name: str, array: pa.Array) -> Iterator[tuple[str, pa.Array]]:
    """Structs to ``a.b``, lists to ``a[]`` with one value per element, maps to ``a[].key`` and ``a[].value``."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    dtype = array.type
    if pa.types.is_struct(dtype):
        for i in range(dtype.num_fields):
            yield from flatten_array(f"{name}.{dtype.field(i).name}", pc.struct_field(array, [i]))
    elif pa.types.is_map(dtype):
        # MapArray.keys ignores slicing; as a list of {key, value} structs it flattens like any list.
        entries = pa.struct([dtype.key_field.with_name("key"), dtype.item_field.with_name("value")])
        yield from flatten_array(name, array.cast(pa.list_(entries)))
    elif (
        pa.types.is_list(dtype)
        or pa.types.is_large_list(dtype)
        or pa.types.is_fixed_size_list(dtype)
        or pa.types.is_list_view(dtype)
        or pa.types.is_large_list_view(dtype)
    ):
        yield from flatten_array(f"{name}[]", pc.list_flatten(array))
    else:
        yield name, array


class ParquetTable(Table):
    def __init__(self, ref: FileRef, source: str, row_groups: list[int] | None = None) -> None:
        super().__init__(source, Location(file=ref.name))
        self.ref = ref
        self.row_groups = row_groups  # a partition of the file (distributed --full scans); None reads them all

    def read(self, options: ReadOptions) -> Iterator[Batch]:
        skipped: dict[str, str] = {}  # column -> why ("binary" or its Arrow type), in order of appearance
        self.info.sampling = "all rows" if options.limit is None else f"first {options.limit} rows"
        with self.ref.local_path() as path:
            try:
                parquet = pq.ParquetFile(path)
                total = parquet.metadata.num_rows
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:  # no footer, bad magic
                raise SourceError(self.source, f"not a valid Parquet file: {one_line(exc)}", self.ref.name) from exc
            self.info.estimated_rows = total
            try:
                batches = parquet.iter_batches(batch_size=max(1, options.chunk_rows), row_groups=self.row_groups)
                for record_batch in batches:
                    if options.limit is not None:
                        record_batch = record_batch.slice(0, options.limit - self.info.rows_scanned)
                    columns = list(self._columns(record_batch, skipped))
                    self.info.columns = len(columns)
                    self.info.rows_scanned += record_batch.num_rows
                    yield Batch(columns, record_batch.num_rows)
                    if options.limit is not None and self.info.rows_scanned >= options.limit:
                        break  # the row count is in the footer: no need to read on to know there is more
                if self.row_groups is None:
                    self.info.truncated = self.info.rows_scanned < total
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
                # A valid footer but unreadable pages: a truncated or corrupt file.
                raise SourceError(self.source, f"not a valid Parquet file: {one_line(exc)}", self.ref.name) from exc
            finally:
                parquet.close()  # before the temporary copy of an archive member is deleted
                binary = [name for name, why in skipped.items() if why == "binary"]
                other = [f"{name} ({why})" for name, why in skipped.items() if why != "binary"]
                if binary:
                    self.info.notes.append("skipped binary columns: " + ", ".join(binary))
                if other:
                    self.info.notes.append("skipped columns of a type without a text form: " + ", ".join(other))

    def _columns(self, record_batch: pa.RecordBatch, skipped: dict[str, str]) -> Iterator[Column]:
        for field, array in zip(record_batch.schema, record_batch.columns, strict=True):
            for name, flat in flatten_array(field.name, array):
                kind = arrow_kind(flat.type)
                if kind == "binary":
                    skipped.setdefault(name, "binary")  # images and blobs: no text to look at
                    continue
                try:
                    yield Column(name, as_text(flat), kind)
                except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
                    skipped.setdefault(name, str(flat.type))  # unions and some extension types have no text form


def as_text(array: pa.Array) -> pa.Array:
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pa.types.is_string(array.type):
        return array
    return pc.cast(array, pa.string())  # timestamps become "2024-01-02 03:04:05", ISO 8601 with a space


def split(path: Path, rows: int, nbytes: int) -> list[tuple[int, ...]]:
    """Consecutive row groups gathered into parts of about ``rows`` rows."""
    try:
        with pq.ParquetFile(path) as parquet:
            sizes = [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)]
    except (*IO_ERRORS, pa.ArrowInvalid):
        return []  # the worker reading it whole reports the problem, as a local scan would
    parts: list[list[int]] = []
    count = 0
    for index, size in enumerate(sizes):
        if not parts or count >= rows:
            parts.append([])
            count = 0
        parts[-1].append(index)
        count += size
    return [tuple(p) for p in parts]


def read_part(path: Path, display: str, source: str, part: tuple[int, ...]) -> Iterator[Table | ScanErrorEntry]:
    ref = FileRef(display, ".parquet", functools.partial(_open_binary, path), path=path)
    yield ParquetTable(ref, source, list(part))


def _open_binary(path: Path) -> BinaryIO:
    return path.open("rb")


FORMAT = Format("parquet", (".parquet", ".pq"), tables, split, read_part)
