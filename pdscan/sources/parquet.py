"""Parquet files: read a row group at a time; nested columns flattened, binary columns skipped."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pdscan.errors import SourceError
from pdscan.model import Batch, Column, Location
from pdscan.sources.base import FileRef, ReadOptions, Table


def tables(ref: FileRef, source: str) -> Iterator[Table]:
    yield ParquetTable(ref, source)


def arrow_kind(dtype: pa.DataType) -> str:
    if pa.types.is_boolean(dtype):
        return "boolean"
    if pa.types.is_integer(dtype):
        return "integer"
    if pa.types.is_floating(dtype) or pa.types.is_decimal(dtype):
        return "float"
    if pa.types.is_temporal(dtype):
        return "datetime"
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype) or pa.types.is_dictionary(dtype):
        return "string"
    if pa.types.is_binary(dtype) or pa.types.is_large_binary(dtype) or pa.types.is_fixed_size_binary(dtype):
        return "binary"
    return "other"


def flatten_array(name: str, array: pa.Array) -> Iterator[tuple[str, pa.Array]]:
    """Structs to ``a.b``, lists to ``a[]`` with one value per element."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    dtype = array.type
    if pa.types.is_struct(dtype):
        for i in range(dtype.num_fields):
            yield from flatten_array(f"{name}.{dtype.field(i).name}", pc.struct_field(array, [i]))
    elif pa.types.is_list(dtype) or pa.types.is_large_list(dtype) or pa.types.is_fixed_size_list(dtype):
        yield from flatten_array(f"{name}[]", pc.list_flatten(array))
    else:
        yield name, array


class ParquetTable(Table):
    def __init__(self, ref: FileRef, source: str) -> None:
        super().__init__(source, Location(file=ref.name))
        self.ref = ref

    def read(self, options: ReadOptions) -> Iterator[Batch]:
        skipped: list[str] = []
        with self.ref.local_path() as path:
            try:
                parquet = pq.ParquetFile(path)
                total = parquet.metadata.num_rows
                self.info.estimated_rows = total
                self.info.sampling = "all rows" if options.limit is None else f"first {options.limit} rows"
                for record_batch in parquet.iter_batches(batch_size=options.chunk_rows):
                    if options.limit is not None:
                        keep = options.limit - self.info.rows_scanned
                        if keep <= 0:
                            break
                        record_batch = record_batch.slice(0, keep)
                    columns: list[Column] = []
                    for field, array in zip(record_batch.schema, record_batch.columns, strict=True):
                        for name, flat in flatten_array(field.name, array):
                            kind = arrow_kind(flat.type)
                            if kind == "binary":
                                if name not in skipped:
                                    skipped.append(name)
                                continue
                            columns.append(Column(name, _as_text(flat), kind))
                    self.info.columns = len(columns)
                    self.info.rows_scanned += record_batch.num_rows
                    yield Batch(columns, record_batch.num_rows)
                self.info.truncated = self.info.rows_scanned < total
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
                reason = (str(exc).splitlines() or ["unreadable"])[0][:200]
                raise SourceError(self.source, f"not a valid Parquet file: {reason}", self.ref.name) from exc
            finally:
                if skipped:
                    self.info.notes.append("skipped binary columns: " + ", ".join(skipped))


def _as_text(array: pa.Array) -> pa.Array:
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    return pc.cast(array, pa.string())  # timestamps become "2024-01-02 03:04:05", ISO 8601 with a space
