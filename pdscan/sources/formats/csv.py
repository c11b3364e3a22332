"""Delimited text (CSV, TSV, TXT): encoding found, delimiter sniffed, header found, read in chunks by Arrow.

Every value stays text (``00100`` stays ``00100``). Rows with too few fields are padded with nulls; rows with more
fields than the header keep them in extra columns (``column_15``, numbered as a header-less file's columns are).
Both are counted in a note, never shown. Memory stays bounded: Arrow's streaming reader holds one block at a time,
and only the odd rows Arrow hands back (:class:`pyarrow.csv.InvalidRow`) are parsed again in Python.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import math
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from pdscan.errors import SourceError
from pdscan.model import Batch, Column, Location, ScanErrorEntry
from pdscan.sources.base import IO_ERRORS, FileRef, Format, LimitExceeded, ReadOptions, Table, describe
from pdscan.sources.textio import SNIFF_BYTES, Utf8Stream, detect_encoding

DELIMITERS = (";", ",", "\t", "|")  # ';' first: the Finnish Excel default
_SNIFF_LINES = 50
_BLOCK_BYTES = 1 << 20  # Arrow's default block; blocks are joined into --chunk-rows batches (see _limited)
_NUMERIC = re.compile(r"^[\d\s+\-.,:/]+$")
_DIGITS = re.compile(r"\d")
_ARROW_SAFE = re.compile(r"Expected \d+ columns?, got \d+")
_MAX_EXTRA = 256  # extra columns for rows with more fields than the header
_SNIFF_CHARS = 64 << 10  # characters of each sample line the sniffer looks at: a 10 MB line is not split in fields


def tables(ref: FileRef, source: str) -> Iterator[Table]:
    yield CsvTable(ref, source)


class CsvTable(Table):
    def __init__(self, ref: FileRef, source: str) -> None:
        super().__init__(source, Location(file=ref.name))
        self.ref = ref

    def _fail(self, reason: str) -> SourceError:
        return SourceError(self.source, reason, self.ref.name)

    def read(self, options: ReadOptions) -> Iterator[Batch]:
        with self.ref.open() as raw:
            head = raw.read(SNIFF_BYTES)
        if not head:
            raise self._fail("empty file")
        encoding = detect_encoding(head, complete=len(head) < SNIFF_BYTES)
        if not encoding.startswith("utf-16") and b"\x00" in head[:8192]:
            raise self._fail("binary file, not delimited text")
        text = head.decode(encoding, errors="replace")
        if encoding == "utf-8-sig":
            text = text.lstrip("\ufeff")
        lines = text.splitlines()[:_SNIFF_LINES]
        if len(head) == SNIFF_BYTES and len(lines) > 1:
            lines = lines[:-1]  # the last line of a cut sample is incomplete
        if encoding not in ("utf-8",):
            self.info.notes.append(f"encoding {encoding}")
        sniffed = [line[:_SNIFF_CHARS] for line in lines]
        delimiter = sniff_delimiter(sniffed, prefer_tab=self.ref.ext in (".tsv", ".tab"))
        if delimiter is None and self.ref.ext != ".txt":
            # A .csv without a delimiter is a one-column table (an email list), header first.
            delimiter = "\t" if self.ref.ext in (".tsv", ".tab") else ","
        if delimiter is None:
            yield from self._text_lines(encoding, options)
        else:
            whole = _plain_text(head, encoding) if len(head) < SNIFF_BYTES else None
            yield from self._delimited(encoding, delimiter, text, options, whole)

    def _field_limit(self) -> LimitExceeded:
        limit = self.ref.limits.csv_max_field
        return LimitExceeded(f"a CSV field or row longer than {limit:,} bytes", "csv_max_field", limit)

    def _delimited(
        self, encoding: str, delimiter: str, text: str, options: ReadOptions, whole: str | None = None
    ) -> Iterator[Batch]:
        """The table, read by Arrow's CSV reader; ``whole`` is the whole file's text when it is small and plain
        (see :func:`_plain_text`), split here instead: Arrow's reader costs about a millisecond per file to set up,
        most of the time of a file of a few dozen rows (issue 25)."""
        # The csv module's own cap (128 KB) is process-wide: it follows the configured limit, never lowers it.
        csv.field_size_limit(max(csv.field_size_limit(), self.ref.limits.csv_max_field))
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)  # bare CR line ends too
        try:
            first = next(reader, [])
            header_lines = reader.line_num
            sample = [len(row) for row, _ in zip(reader, range(_SNIFF_LINES), strict=False) if row]
        except csv.Error as exc:
            raise self._field_limit() from exc
        # Checked before the header is named (a loop per repeated name) and judged (a cost per column): a line of
        # 200,000 fields is refused at once.
        most = self.ref.limits.csv_max_columns
        width = max(len(first), *sample, 0)
        if width > most:
            raise LimitExceeded(f"a delimited file of {width:,} columns", "csv_max_columns", most)
        if looks_like_data(first):
            width = max(len(first), len(_fit_header([""] * len(first), sample)))  # the first row is data: keep it
            names = [f"column_{i + 1}" for i in range(width)]
            skip = 0
            self.info.notes.append("no header row: columns are numbered")
        else:
            names = unique_names(_fit_header(first, sample))
            skip = header_lines
        self.info.columns = len(names)
        self.info.sampling = "all rows" if options.limit is None else f"first {options.limit} rows"
        widest = len(names)
        ragged: list[str] = []  # rows with too few or too many fields, parsed again below
        counts = {"short": 0, "long": 0, "unparsed": 0}

        def invalid_row(row: pv.InvalidRow) -> str:
            # Arrow skips a row whose field count is not the header's. Its text is kept and parsed again with the
            # csv module (_ragged): too few fields are padded with nulls, as a spreadsheet would; extra fields go to
            # extra columns, so nothing in the row is lost. Only a row Arrow cannot give back is lost, and counted.
            if row.text is None:
                counts["unparsed"] += 1
            else:
                ragged.append(row.text)
            return "skip"

        def reparsed() -> pa.RecordBatch:
            nonlocal widest
            texts = ragged[:]
            del ragged[: len(texts)]  # Arrow's reader threads may add rows meanwhile: those stay for the next time
            rows = _ragged(texts, names, delimiter)
            widest = max(widest, rows.num_columns)
            counts["short"] += pc.sum(pc.is_null(rows.column(len(names) - 1))).as_py() or 0
            if rows.num_columns > len(names):
                counts["long"] += rows.num_rows - (pc.sum(pc.is_null(rows.column(len(names)))).as_py() or 0)
            return rows

        if whole is not None and len(whole) <= self.ref.limits.csv_max_field:
            good, bad = _split_plain(whole, delimiter, skip, names)
            ragged.extend(bad)

            def split_batches() -> Iterator[pa.RecordBatch]:
                yield good
                if ragged:
                    yield reparsed()

            try:
                yield from self._limited(split_batches(), options)
            finally:
                self.info.columns = widest
                self._ragged_notes(counts, names, widest)
            return
        stream = Utf8Stream(self.ref.open(), encoding)
        try:
            arrow_reader = pv.open_csv(
                stream,
                read_options=pv.ReadOptions(
                    column_names=names,
                    skip_rows=skip,
                    # A row must fit in one block: blocks hold the longest field the limit allows.
                    block_size=max(_BLOCK_BYTES, self.ref.limits.csv_max_field + (64 << 10)),
                    use_threads=True,
                ),
                parse_options=pv.ParseOptions(
                    delimiter=delimiter, newlines_in_values=True, invalid_row_handler=invalid_row
                ),
                convert_options=pv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )

            def record_batches() -> Iterator[pa.RecordBatch]:
                for record_batch in arrow_reader:
                    yield record_batch
                    if ragged:
                        yield reparsed()
                if ragged:
                    yield reparsed()

            yield from self._limited(record_batches(), options)
        except pa.ArrowInvalid as exc:
            if "straddl" in str(exc):  # a row longer than a block: past the field limit
                raise self._field_limit() from exc
            message = _ARROW_SAFE.search(str(exc))
            raise self._fail("malformed delimited text" + (f" ({message.group(0)})" if message else "")) from exc
        except UnicodeDecodeError as exc:
            raise self._fail(f"cannot decode as {encoding}") from exc
        finally:
            stream.close()
            self.info.columns = widest
            if stream.fallback_at is not None:
                self.info.notes.append(f"invalid UTF-8 after byte {stream.fallback_at}; rest decoded as cp1252")
            self._ragged_notes(counts, names, widest)

    def _ragged_notes(self, counts: dict[str, int], names: list[str], widest: int) -> None:
        if counts["short"]:
            self.info.notes.append(f"{counts['short']} rows with missing fields read with the missing fields empty")
        if counts["long"]:
            extra = unique_names(names + [""] * (widest - len(names)))[len(names) :]
            where = f"{extra[0]} to {extra[-1]}" if len(extra) > 1 else extra[0]
            self.info.notes.append(f"{counts['long']} rows with more fields than the header: extra fields in {where}")
        if counts["unparsed"]:
            self.info.notes.append(f"{counts['unparsed']} rows could not be parsed, skipped")

    def _limited(self, record_batches: Iterator[pa.RecordBatch], options: ReadOptions) -> Iterator[Batch]:
        """Batches of ``chunk_rows`` rows (the last one shorter), stopping at ``limit``; ``truncated`` when rows
        were left. Arrow's blocks are sized in bytes: they are cut and joined here so that the detector sees whole
        batches (its cost per batch is fixed, its dedup works per batch) and memory stays about one chunk."""
        step = max(1, options.chunk_rows)
        pending: list[pa.RecordBatch] = []
        held = 0
        done = False
        for record_batch in record_batches:
            rows = record_batch.num_rows
            if options.limit is not None and self.info.rows_scanned + held + rows >= options.limit:
                keep = options.limit - self.info.rows_scanned - held
                self.info.truncated = rows > keep
                record_batch = record_batch.slice(0, keep)
                done = True
            pending.append(record_batch)
            held += record_batch.num_rows
            while held >= step:
                yield self._batch(pending, step)
                pending = _joined(pending).slice(step).to_batches()
                held -= step
            if done:
                break
        if held:
            yield self._batch(pending, held)
        if done and not self.info.truncated:
            # Exactly at the limit: the table is truncated only if some row follows (peek one block).
            self.info.truncated = any(b.num_rows for b in record_batches)

    def _batch(self, pending: list[pa.RecordBatch], rows: int) -> Batch:
        self.info.rows_scanned += rows
        if len(pending) == 1:
            piece = pending[0].slice(0, rows)
            return Batch([Column(n, piece.column(i)) for i, n in enumerate(piece.schema.names)], rows)
        table = _joined(pending).slice(0, rows)
        return Batch([Column(n, table.column(i).combine_chunks()) for i, n in enumerate(table.column_names)], rows)

    def _text_lines(self, encoding: str, options: ReadOptions) -> Iterator[Batch]:
        """A file without a delimiter is a text document (a CV, a letter, notes saved as .txt): each line is one
        passage of its part ``text``, judged as a document is, not as a column of a table."""
        self.info.columns = 1
        self.info.document = "text"
        self.info.sampling = "all rows" if options.limit is None else f"first {options.limit} rows"
        self.info.notes.append("no delimiter found: read as lines of text")
        stream = io.BufferedReader(Utf8Stream(self.ref.open(), encoding))
        # A long line is read in pieces of at most text_max_line characters, each a passage: a 10 MB line is never
        # held (or matched) whole.
        piece = self.ref.limits.text_max_line
        pieces = 0
        with io.TextIOWrapper(stream, encoding="utf-8", newline=None) as lines:
            chunk: list[str] = []
            for line in iter(lambda: lines.readline(piece), ""):
                if options.limit is not None and self.info.rows_scanned + len(chunk) >= options.limit:
                    self.info.truncated = True
                    break
                pieces += len(line) >= piece
                chunk.append(line.rstrip("\r\n"))
                if len(chunk) >= options.chunk_rows:
                    self.info.rows_scanned += len(chunk)
                    yield Batch([Column("text", pa.array(chunk, pa.string()), prose=True)], len(chunk))
                    chunk = []
            if chunk:
                self.info.rows_scanned += len(chunk)
                yield Batch([Column("text", pa.array(chunk, pa.string()), prose=True)], len(chunk))
        if pieces:
            self.info.notes.append(f"lines longer than {piece:,} characters read in pieces ({pieces} pieces cut)")


def _plain_text(head: bytes, encoding: str) -> str | None:
    """A whole small file's text when splitting lines and fields gives exactly what Arrow's reader gives: it
    decodes without error and has no quote (no quoted field, so no delimiter or line break inside a value), no
    carriage return but in CRLF line ends and no blank line (which Arrow skips, and counts differently in the header
    lines). Else None."""
    try:
        text = head.decode(encoding)
    except UnicodeDecodeError:
        return None
    if encoding == "utf-8-sig":
        text = text.lstrip("\ufeff")
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None  # a bare carriage return ends a line for Arrow
        text = text.replace("\r\n", "\n")  # Windows line ends, as Excel and Python's csv module write them
    if '"' in text or "\n\n" in text or text.startswith("\n"):
        return None
    return text


def _split_plain(text: str, delimiter: str, skip: int, names: list[str]) -> tuple[pa.RecordBatch, list[str]]:
    """The rows of a plain text (:func:`_plain_text`) after ``skip`` header lines, as a batch of string columns,
    and the lines whose field count is not the header's (parsed again as Arrow's skipped rows are, see _ragged)."""
    width = len(names)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the line end of the last line
    rows: list[list[str]] = []
    bad: list[str] = []
    for line in lines[skip:]:
        fields = line.split(delimiter)
        if len(fields) == width:
            rows.append(fields)
        else:
            bad.append(line)
    if rows:
        # One array of every field, column after column, cut into the columns: one conversion per file instead of
        # one per column (155 against 24 µs for a 17-column file of 27 rows; a file costs about 3 ms in all).
        n = len(rows)
        every = pa.array(list(itertools.chain.from_iterable(zip(*rows, strict=True))), pa.string())
        columns = [every.slice(k * n, n) for k in range(width)]
    else:
        columns = [pa.array([], pa.string())] * width
    return pa.RecordBatch.from_arrays(columns, names=names), bad


def _fit_header(header: list[str], sample: list[int]) -> list[str]:
    """The header widened or narrowed to the width most data rows have.

    Exports often end data rows with a delimiter the header lacks (or the other way round); without this every
    row would have "the wrong number of fields" and nothing would be scanned.
    """
    if not sample:
        return header
    width = max(set(sample), key=sample.count)
    if width > len(header):
        return header + [""] * (width - len(header))  # blank names become column_N
    if width < len(header) and not any(cell.strip() for cell in header[width:]):
        return header[:width]
    return header


def _joined(batches: list[pa.RecordBatch]) -> pa.Table:
    """Record batches as one table; rows with extra fields add columns, null in the batches without them."""
    schema = batches[0].schema
    if all(batch.schema.equals(schema) for batch in batches):
        return pa.Table.from_batches(batches, schema)
    return pa.concat_tables([pa.Table.from_batches([batch]) for batch in batches], promote_options="default")


def _ragged(texts: list[str], names: list[str], delimiter: str) -> pa.RecordBatch:
    """Rows Arrow skipped for their field count, parsed again: missing fields null, extra fields in extra columns
    named as a header-less file's are (``column_15``; a name the header already uses gets a suffix)."""
    rows = [next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), []) for text in texts]
    width = max(len(names), *(len(row) for row in rows))
    if width > len(names) + _MAX_EXTRA:  # a junk line of delimiters: the rest of it in the last column, not dropped
        width = len(names) + _MAX_EXTRA
        rows = [[*row[: width - 1], delimiter.join(row[width - 1 :])] if len(row) > width else row for row in rows]
    columns = [pa.array([row[i] if i < len(row) else None for row in rows], pa.string()) for i in range(width)]
    return pa.RecordBatch.from_arrays(columns, names=unique_names(names + [""] * (width - len(names))))


def sniff_delimiter(lines: list[str], prefer_tab: bool = False) -> str | None:
    """The delimiter giving the most consistent field count above one across the sample lines, or None."""
    lines = [line for line in lines if line.strip()]
    if not lines:
        return None
    order = ("\t", ";", ",", "|") if prefer_tab else DELIMITERS
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    quoted = any('"' in line for line in lines)
    for rank, delimiter in enumerate(order):
        if not quoted:  # without quotes the csv module splits at every delimiter: count them (a tenth of the time)
            counts = [line.count(delimiter) + 1 for line in lines]
        else:
            try:
                counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
            except csv.Error:  # a field past the csv module's cap: this delimiter cannot split the sample
                continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        consistency = counts.count(mode) / len(counts)
        score = (consistency, min(mode, 2), -rank)
        if best is None or score > best:
            best, chosen = score, delimiter
    if best is None or best[0] < 0.5:
        return None
    return chosen


def looks_like_data(row: list[str]) -> bool:
    """A first row that holds an email, a value of five digits or more (a phone number, a HETU, a postal code, an
    account) or only numbers is data, not a header: headers are words, at most with a year (Myynti 2023)."""
    cells = [c.strip() for c in row if c.strip()]
    if not cells:
        return False
    return any("@" in c or len(_DIGITS.findall(c)) >= 5 for c in cells) or all(_NUMERIC.match(c) for c in cells)


def unique_names(header: list[str]) -> list[str]:
    """Header names made usable: blanks become ``column_N``, repeats get ``.1``, ``.2``...

    Line breaks inside a quoted header cell become spaces: a column name is shown on one line in every report.
    """
    used: set[str] = set()
    names = []
    for i, raw in enumerate(header):
        base = " ".join(raw.split()) or f"column_{i + 1}"
        name, n = base, 0
        while name in used:  # a loop, not a counter: a header may already hold "nimi.1" next to two "nimi"
            n += 1
            name = f"{base}.{n}"
        used.add(name)
        names.append(name)
    return names


# Encodings where a byte offset can start a block: single-byte ones, and UTF-8 (a line break is never inside a
# multi-byte character).
_SPLIT_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "ascii")


def split(path: Path, rows: int, nbytes: int) -> list[tuple[int, ...]]:
    """Byte ranges of about ``nbytes`` (whole lines: a line belongs to the block its first byte is in)."""
    try:
        size = path.stat().st_size
        if size <= nbytes or not _splittable(path):
            return []
    except IO_ERRORS:
        return []  # the worker reading it whole reports the problem, as a local scan would
    blocks = math.ceil(size / nbytes)
    step = math.ceil(size / blocks)
    return [(start, min(size, start + step)) for start in range(0, size, step)]


def read_part(path: Path, display: str, source: str, part: tuple[int, ...]) -> Iterator[Table | ScanErrorEntry]:
    start, end = part
    ext = os.path.splitext(path.name.lower())[1]
    ref = FileRef(display, ext, functools.partial(_block, path, start, end))
    try:
        yield from tables(ref, source)
    except IO_ERRORS as exc:
        yield ScanErrorEntry(source, describe(exc), Location(file=display))


def _splittable(path: Path) -> bool:
    """A single-byte encoding or UTF-8 whose first line is the header (no title rows above it)."""
    with path.open("rb") as f:
        head = f.read(64 * 1024)
    if detect_encoding(head, complete=False) not in _SPLIT_ENCODINGS:
        return False
    lines = head.splitlines()[:3]
    if len(lines) < 3:
        return False
    counts = [max(line.count(d) for d in (b";", b",", b"\t", b"|")) for line in lines]
    if not (counts[0] > 0 and counts[0] == counts[1] == counts[2]):
        return False
    # A quoted field may hold a line break, and a block boundary inside it would cut a row in two. Without any
    # quote character in the file there is no quoted field: read it once (fast, bytes only) to be sure.
    with path.open("rb") as f:
        while chunk := f.read(8 << 20):
            if b'"' in chunk:
                return False
    return True


def _block(path: Path, start: int, end: int) -> BinaryIO:
    """The header line and the whole lines whose first byte lies in [start, end)."""
    with path.open("rb") as f:
        header = f.readline()
        if start == 0:
            f.seek(len(header))
        else:
            f.seek(start - 1)
            f.readline()  # the line straddling `start` belongs to the block before
        body = bytearray()
        while f.tell() < end:
            line = f.readline()
            if not line:
                break
            body += line
    return io.BytesIO(header + bytes(body))


FORMAT = Format("csv", (".csv", ".tsv", ".txt", ".tab"), tables, split, read_part)
