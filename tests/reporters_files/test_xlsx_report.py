"""``--format xlsx``: three sheets read back with openpyxl; every row has the header's fields; never a formula."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet
from reporter_results import FORMULA_SAMPLE, ODD_COLUMN

from pdscan.model import ScanResult
from pdscan.reporters import REPORTERS, xlsx_report
from pdscan.reporters.style import ReportStyle

SHEETS = {
    xlsx_report.FINDINGS: xlsx_report.FINDINGS_HEADER,
    xlsx_report.DECLARED: xlsx_report.DECLARED_HEADER,
    xlsx_report.NOT_SCANNED: xlsx_report.NOT_SCANNED_HEADER,
}


def _xlsx(result: ScanResult) -> bytes:
    reporter = REPORTERS["xlsx"]
    assert reporter.binary and reporter.extension == ".xlsx"
    stream = io.BytesIO()
    reporter.render(result, stream, ReportStyle())
    return stream.getvalue()


def _rows(ws: Worksheet) -> list[tuple[Any, ...]]:
    return list(ws.iter_rows(values_only=True))


def _check_sheets(data: bytes) -> openpyxl.Workbook:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == list(SHEETS)
    for name, header in SHEETS.items():
        ws = wb[name]
        rows = _rows(ws)
        assert list(rows[0]) == header
        assert ws.max_column == len(header)  # no cell right of the header in any row
        assert len(rows) >= 2
        assert all(len(row) == len(header) for row in rows)
        assert ws.freeze_panes == "A2"  # the header row stays in view
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{len(rows)}"
        for letter in (openpyxl.utils.get_column_letter(i) for i in range(1, len(header) + 1)):
            assert 8 <= (ws.column_dimensions[letter].width or 0) <= 60
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (name, cell.coordinate, cell.value)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", archive.read(member)), member  # no formula element at all
    return wb


def test_findings_sheet(made_up_result: ScanResult) -> None:
    wb = _check_sheets(_xlsx(made_up_result))
    rows = _rows(wb[xlsx_report.FINDINGS])
    header = rows[0]
    records = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert len(records) == len(made_up_result.findings)
    first = records[0]
    assert first["Source"] == "exports"
    assert first["Location"].startswith("asiakkaat; vanhat")  # inside the folder the Source column names
    assert first["Column"] == ODD_COLUMN  # ä and ö intact
    assert first["Category"] == "Email address"  # the category's name, not its key
    assert (first["Matches"], first["Values scanned"], first["Rows"]) == (12, 40, 40)  # numbers, not text
    assert first["Declared as"] is None  # no declaration
    assert first["Reasons"].splitlines()[1] == "name 'sähköposti' ~ sähköposti; context"
    phone = wb[xlsx_report.FINDINGS]["J3"]
    assert phone.value == f"{FORMULA_SAMPLE}, +358***67"  # as it was, not prefixed with an apostrophe...
    assert phone.data_type == "s" and phone.quotePrefix  # ...but text, also when Excel edits it
    database = records[5]
    assert (database["Source"], database["Location"], database["Column"]) == (
        "postgresql://scanner@db.example.fi/crm",
        "public.asiakkaat",
        "henkilötunnus",
    )
    assert wb[xlsx_report.FINDINGS]["C8"].quotePrefix  # '-sähköposti'


def test_not_scanned_sheet(made_up_result: ScanResult) -> None:
    wb = _check_sheets(_xlsx(made_up_result))
    rows = _rows(wb[xlsx_report.NOT_SCANNED])[1:]
    assert [row[0] for row in rows] == ["error", "error", "error", "skipped", "skipped"]
    assert rows[0][1:] == ("exports", "palkat.xlsx", "encrypted or password-protected workbook")
    assert rows[2][1:] == ("missing/", None, "no such file or directory")
    assert rows[3][1:3] == ("exports", "ohjelma.exe")
    assert rows[4][2] == "ctrl\ufffd\ufffdname.bin"  # control characters an XLSX cannot hold, replaced

    made_up_result.errors, made_up_result.skipped, made_up_result.interrupted = [], [], True
    rows = _rows(_check_sheets(_xlsx(made_up_result))[xlsx_report.NOT_SCANNED])[1:]
    assert [row[0] for row in rows] == ["interrupted"]


def test_without_a_declaration_one_row_says_so(sample_result: ScanResult) -> None:
    wb = _check_sheets(_xlsx(sample_result))
    assert len(_rows(wb[xlsx_report.FINDINGS])) == len(sample_result.findings) + 1
    rows = _rows(wb[xlsx_report.DECLARED])[1:]
    assert len(rows) == 1 and rows[0][0].startswith("No declaration was given")
    skipped = _rows(wb[xlsx_report.NOT_SCANNED])[1:]
    assert [(row[0], row[2]) for row in skipped] == [
        ("skipped", s.path.removeprefix("sample_data/")) for s in sample_result.skipped
    ]


def test_declared_vs_found_sheet(declared_result: ScanResult) -> None:
    compliance = declared_result.compliance
    assert compliance is not None
    wb = _check_sheets(_xlsx(declared_result))
    rows = _rows(wb[xlsx_report.DECLARED])[1:]
    statuses = [row[0] for row in rows]
    assert sum(s.startswith("undeclared") for s in statuses) == len(compliance.undeclared)
    assert statuses.count("declared and found") == len(compliance.found_declared)
    assert statuses.count("declared, not found") == len(compliance.declared_not_found)
    high = [row for row in rows if row[0] == "undeclared, high risk"]
    assert high and all(row[3] == "high" for row in high)
    assert all(isinstance(row[6], int) for row in rows)  # Locations: a count
    findings = [dict(zip(xlsx_report.FINDINGS_HEADER, row, strict=True)) for row in _rows(wb[xlsx_report.FINDINGS])[1:]]
    assert any(f["Declared as"] == "UNDECLARED" for f in findings)
    assert all(f["Category"] for f in findings)
