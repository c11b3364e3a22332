"""``--format csv``: one header that matches every row, in both dialects, read back with the csv module."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from reporter_results import FORMULA_SAMPLE, ODD_COLUMN, ODD_FILE

from pdscan.errors import UsageError
from pdscan.model import ScanResult
from pdscan.reporters import REPORTERS, csv_report
from pdscan.reporters.style import CSV_DIALECTS, ReportStyle

DELIMITER = {"excel": ",", "excel-fi": ";"}


def _write(result: ScanResult, dialect: str, path: Path) -> bytes:
    # As the CLI opens its output: UTF-8, newline="" so that the writer's CRLF is kept as it is.
    with path.open("w", encoding="utf-8", newline="") as stream:
        REPORTERS["csv"].render(result, stream, ReportStyle(csv_dialect=dialect))
    return path.read_bytes()


def _read(data: bytes, dialect: str) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER[dialect]))


def test_every_dialect_of_the_style_has_a_writer() -> None:
    assert set(csv_report.DIALECTS) == set(CSV_DIALECTS)
    assert ReportStyle().csv_dialect == "excel"


@pytest.mark.parametrize("dialect", CSV_DIALECTS)
def test_every_row_has_the_headers_fields(
    tmp_path: Path, dialect: str, made_up_result: ScanResult, declared_result: ScanResult
) -> None:
    for result in (made_up_result, declared_result):
        rows = _read(_write(result, dialect, tmp_path / "out.csv"), dialect)
        assert rows[0] == csv_report.HEADER
        assert len(rows) == len(result.findings) + 1  # a newline inside a value did not start a row
        assert {len(row) for row in rows} == {len(csv_report.HEADER)}


@pytest.mark.parametrize("dialect", CSV_DIALECTS)
def test_bom_crlf_and_letters(tmp_path: Path, dialect: str, made_up_result: ScanResult) -> None:
    data = _write(made_up_result, dialect, tmp_path / "out.csv")
    assert data.startswith(b"\xef\xbb\xbf") == (dialect == "excel-fi")
    assert data.count(b"\xef\xbb\xbf") == (1 if dialect == "excel-fi" else 0)
    header_line = data.removeprefix(b"\xef\xbb\xbf").split(b"\r\n", 1)[0].decode("utf-8")
    assert header_line == DELIMITER[dialect].join(csv_report.HEADER)  # CRLF line ends, the dialect's delimiter
    assert "Sähköposti, työ; koti".encode() in data  # UTF-8, ä and ö intact
    rows = [dict(zip(csv_report.HEADER, row, strict=True)) for row in _read(data, dialect)[1:]]
    odd = rows[0]
    assert (odd["file"], odd["column"]) == (ODD_FILE, ODD_COLUMN)  # delimiters, quotes, newline: one field each
    assert odd["reasons"] == "12/40 values match (30%) | name 'sähköposti' ~ sähköposti; context\nsecond line"
    assert odd["categories"] == "user.contact.email"
    assert odd["score"] == ("0,987" if dialect == "excel-fi" else "0.987")  # Finnish Excel reads a number
    assert odd["match_count"] == "12"
    assert rows[1]["samples"] == f"'{FORMULA_SAMPLE} | +358***67"  # never a formula in a spreadsheet
    assert rows[-1]["column"] == "'-sähköposti"
    assert rows[4]["parts"] == "page 1 | page 2"
    assert rows[5]["schema"] == "public" and rows[5]["table"] == "asiakkaat" and rows[5]["file"] == ""


def test_declared_findings_name_their_categories(tmp_path: Path, declared_result: ScanResult) -> None:
    rows = list(csv.DictReader(io.StringIO(_write(declared_result, "excel", tmp_path / "d.csv").decode(), newline="")))
    assert all(row["categories"] for row in rows)
    assert any(row["declared"] == "UNDECLARED" for row in rows)
    assert None not in rows[0]  # no value without a header name (DictReader's restkey)


def test_a_result_without_findings_is_a_header(tmp_path: Path, made_up_result: ScanResult) -> None:
    made_up_result.findings = []
    assert _read(_write(made_up_result, "excel-fi", tmp_path / "e.csv"), "excel-fi") == [csv_report.HEADER]


def test_an_unknown_dialect_is_a_usage_error(made_up_result: ScanResult) -> None:
    with pytest.raises(UsageError, match="excel-fi"):
        csv_report.render(made_up_result, io.StringIO(), ReportStyle(csv_dialect="tab"))
