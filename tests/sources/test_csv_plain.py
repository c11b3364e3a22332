"""Small plain CSV files are split in Python instead of Arrow's reader (issue 25): the tables must be the same.

Each text is read twice, once as is and once with the plain path turned off, and the batches (names, values,
nulls, row order) and the table's notes compared. Texts are generated with rows of the wrong width, header-less
data, one column, trailing delimiters and no final line end; what the plain path refuses (quotes, carriage
returns, blank lines, undecodable bytes) is checked to go to Arrow.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pdscan.sources.formats.csv as csv_format
from pdscan.errors import SourceError
from pdscan.sources.base import FileRef, ReadOptions

FIELD = st.text(alphabet="abcÄö 019-@.,:+", max_size=8)


def _read(data: bytes, chunk_rows: int, plain: bool) -> tuple[list, list[str]]:
    with pytest.MonkeyPatch.context() as patch:
        if not plain:
            patch.setattr(csv_format, "_plain_text", lambda head, encoding: None)
        ref = FileRef("t.csv", ".csv", lambda: io.BytesIO(data), size=len(data))
        table = csv_format.CsvTable(ref, "src")
        batches = [
            [(c.name, c.values.to_pylist()) for c in batch.columns]
            for batch in table.read(ReadOptions(limit=None, chunk_rows=chunk_rows))
        ]
        return batches, list(table.info.notes)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    header=st.lists(st.sampled_from(["nimi", "puhelin", "email", "x", ""]), min_size=1, max_size=5),
    rows=st.lists(st.lists(FIELD, min_size=0, max_size=7), max_size=12),
    delimiter=st.sampled_from([";", ",", "\t"]),
    final_newline=st.booleans(),
    line_end=st.sampled_from(["\n", "\r\n"]),
    chunk_rows=st.sampled_from([1, 3, 1000]),
)
def test_plain_split_gives_arrows_table(
    header: list[str],
    rows: list[list[str]],
    delimiter: str,
    final_newline: bool,
    line_end: str,
    chunk_rows: int,
) -> None:
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    lines = [line for line in lines if line]  # blank lines go to Arrow (tested below)
    if not lines:
        return
    data = (line_end.join(lines) + (line_end if final_newline else "")).encode()
    assert csv_format._plain_text(data, "utf-8") is not None
    try:
        arrow = _read(data, chunk_rows, plain=False)
    except SourceError as exc:
        # Arrow cannot skip a header that has no line end after it ("Could not skip initial 1 rows"): a file that
        # is only a header is an empty table, not malformed text.
        assert "malformed" in exc.reason and len(lines) == 1 and not final_newline
        assert _read(data, chunk_rows, plain=True)[0] == []
        return
    assert _read(data, chunk_rows, plain=True) == arrow


def test_ragged_rows_are_read_as_arrow_reads_them() -> None:
    data = b"nimi;puhelin;email\nMatti;040 123;a@b.fi\nLiisa;050\nJuha;1;2;3;4\n;;\n"
    plain = _read(data, 1000, plain=True)
    assert plain == _read(data, 1000, plain=False)
    batches, notes = plain
    values = dict(batches[0])
    assert values["nimi"] == ["Matti", "", "Liisa", "Juha"]  # the good rows first, then the reparsed ones
    assert values["email"] == ["a@b.fi", "", None, "2"]
    assert any("missing fields" in note for note in notes) and any("more fields" in note for note in notes)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b'nimi;x\n"Matti; Virtanen";1\n', "utf-8"),  # a quoted field: Arrow's quoting rules
        (b"nimi;x\rMatti;1\r\n", "utf-8"),  # a bare carriage return
        (b"nimi;x\n\nMatti;1\n", "utf-8"),  # a blank line, which Arrow skips
        (b"\nnimi;x\nMatti;1\n", "utf-8"),  # a blank first line
        (b"nimi;x\nM\xe4tti;1\n", "utf-8"),  # not UTF-8: decoded by the stream's fallback, with a note
    ],
)
def test_what_the_plain_path_refuses(data: bytes, encoding: str) -> None:
    assert csv_format._plain_text(data, encoding) is None


def test_plain_path_keeps_a_bom_out_of_the_header() -> None:
    data = "\ufeffnimi;puhelin\nMatti;040 1234567\n".encode("utf-8")
    batches, _ = _read(data, 1000, plain=True)
    assert batches == _read(data, 1000, plain=False)[0]
    assert [name for name, _ in batches[0]] == ["nimi", "puhelin"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    line=st.text(alphabet="ab ;,\t|\\'\x00é", min_size=1, max_size=20), delimiter=st.sampled_from(csv_format.DELIMITERS)
)
def test_sniffing_counts_fields_of_unquoted_lines_as_the_csv_module_does(line: str, delimiter: str) -> None:
    # sniff_delimiter counts delimiters in a sample without quotes instead of running the csv module over it.
    assert line.count(delimiter) + 1 == len(next(csv.reader([line], delimiter=delimiter)))
