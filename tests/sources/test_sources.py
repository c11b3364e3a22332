"""File connectors: one test per format and per bad-input case, on files the tests build."""

from __future__ import annotations

import gzip
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from pdscan.errors import SourceError
from pdscan.model import ScanErrorEntry
from pdscan.sources import open_source
from pdscan.sources.base import ReadOptions, SourceOptions, Table
from pdscan.sources.formats.csv import sniff_delimiter
from pdscan.sources.textio import SNIFF_BYTES, detect_encoding

ALL = ReadOptions(limit=None, chunk_rows=1000)


def read(
    path: Path | str, options: ReadOptions = ALL, **kwargs: Any
) -> tuple[list[Table], list[ScanErrorEntry], dict[Any, dict[str, list[str | None]]]]:
    """Every table of a source with its columns' values (concatenated over batches), and the error entries."""
    source = open_source(str(path), SourceOptions(**kwargs))
    tables: list[Table] = []
    errors: list[ScanErrorEntry] = []
    data: dict[Any, dict[str, list[str | None]]] = {}
    for item in source.tables():
        if isinstance(item, ScanErrorEntry):
            errors.append(item)
            continue
        tables.append(item)
        columns: dict[str, list[str | None]] = {}
        for batch in item.batches(options):
            for column in batch.columns:
                columns.setdefault(column.name, []).extend(column.values.to_pylist())
        key = (item.location.file, item.location.sheet, item.location.table)
        data[key] = columns
    return tables, errors, data


def only(data: dict[Any, dict[str, list[str | None]]]) -> dict[str, list[str | None]]:
    assert len(data) == 1
    return next(iter(data.values()))


# --- delimited text ---------------------------------------------------------------------------------------


def test_cp1252_semicolon_export(tmp_path: Path) -> None:
    path = tmp_path / "tilaajat.csv"
    path.write_bytes("Etunimi;Sukunimi;Sähköposti;Postinumero\r\nMatti;Mäkinen;m@example.fi;00100\r\n".encode("cp1252"))
    tables, errors, data = read(path)
    assert not errors
    cols = only(data)
    assert list(cols) == ["Etunimi", "Sukunimi", "Sähköposti", "Postinumero"]
    assert cols["Sukunimi"] == ["Mäkinen"]
    assert cols["Postinumero"] == ["00100"]  # values stay text
    assert "encoding cp1252" in tables[0].info.notes


def test_utf8_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "nimi,kaupunki\nÅsa,Jyväskylä\n".encode())
    _, _, data = read(path)
    assert only(data) == {"nimi": ["Åsa"], "kaupunki": ["Jyväskylä"]}


def test_utf16_unicode_text_export(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes("Nimi\tPuhelin\r\nÄijä\t040 123 4567\r\n".encode("utf-16"))
    _, _, data = read(path)
    assert only(data) == {"Nimi": ["Äijä"], "Puhelin": ["040 123 4567"]}


def test_ascii_first_then_cp1252_switches_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    filler = b"".join(b"%d;ascii only\n" % i for i in range(SNIFF_BYTES // 12))
    path.write_bytes(b"id;text\n" + filler + "999999;Hämäläinen\n".encode("cp1252"))
    tables, errors, data = read(path)
    assert not errors
    assert only(data)["text"][-1] == "Hämäläinen"
    assert any(n.startswith("invalid UTF-8 after byte") and "cp1252" in n for n in tables[0].info.notes)


@pytest.mark.parametrize(
    ("head", "encoding"),
    [
        (b"\xef\xbb\xbfa", "utf-8-sig"),
        ("Mäkinen\n".encode("cp1252"), "cp1252"),
        (b"\xff\xfea\x00", "utf-16"),
        ("ä".encode(), "utf-8"),
        ("ä".encode() + b"\xc3", "utf-8"),  # a character cut at the end of the sample is not an error
        (b"M\xe4", "cp1252"),  # ... unless the sample is the whole file
        ("Hämäläinen".encode("cp1252"), "cp1252"),
        (b"M\xe4\x81kinen", "latin-1"),  # 0x81 is undefined in cp1252
    ],
)
def test_encoding_detection(head: bytes, encoding: str) -> None:
    assert detect_encoding(head, complete=head == b"M\xe4") == encoding


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["a;b;c", "1;2,5;3", "4;5,1;6"], ";"),
        (["a,b,c", "1,2,3"], ","),
        (["a\tb", "1\t2"], "\t"),
        (["a|b|c", "1|2|3"], "|"),
        (["just some text", "and more, text here", "no delimiter here"], None),
    ],
)
def test_delimiter_sniffing(lines: list[str], expected: str | None) -> None:
    assert sniff_delimiter(lines) == expected


def test_headerless_csv_gets_numbered_columns(tmp_path: Path) -> None:
    path = tmp_path / "noheader.csv"
    path.write_text("matti@example.fi;040 123 4567\nliisa@example.fi;050 123 4567\n", encoding="utf-8")
    tables, _, data = read(path)
    assert only(data) == {
        "column_1": ["matti@example.fi", "liisa@example.fi"],
        "column_2": ["040 123 4567", "050 123 4567"],
    }
    assert "no header row: columns are numbered" in tables[0].info.notes


def test_headerless_csv_of_names_and_phones_keeps_its_first_row(tmp_path: Path) -> None:
    # No email in the first row, and not only numbers: a phone number or a HETU still says it is data. Read as a
    # header, it would lose the row and put a person's name into every report as a column name.
    path = tmp_path / "export.csv"
    path.write_text("Matti Virtanen;040 123 4567;Helsinki\nLiisa Laine;050 987 6543;Espoo\n", encoding="utf-8")
    tables, _, data = read(path)
    assert only(data)["column_1"] == ["Matti Virtanen", "Liisa Laine"]
    assert "no header row: columns are numbered" in tables[0].info.notes
    # A header with years stays a header.
    years = tmp_path / "vuodet.csv"
    years.write_text("Kunta;2019;2020\nHelsinki;12;14\n", encoding="utf-8")
    assert list(only(read(years)[2])) == ["Kunta", "2019", "2020"]


def test_single_column_csv(tmp_path: Path) -> None:
    path = tmp_path / "emails.csv"
    path.write_text("email\na@example.fi\nb@example.fi\n", encoding="utf-8")
    _, _, data = read(path)
    assert only(data) == {"email": ["a@example.fi", "b@example.fi"]}


def test_plain_text_lines(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Soita Matille\nhuomenna klo 10\nmuista tarjous\n", encoding="utf-8")
    _, _, data = read(path)
    assert only(data) == {"text": ["Soita Matille", "huomenna klo 10", "muista tarjous"]}


def test_quoted_fields_duplicate_and_blank_headers(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('nimi,nimi,,huom\n"Virtanen, Matti",x,y,"rivi 1\nrivi 2"\n', encoding="utf-8")
    _, _, data = read(path)
    assert only(data) == {"nimi": ["Virtanen, Matti"], "nimi.1": ["x"], "column_3": ["y"], "huom": ["rivi 1\nrivi 2"]}


def test_rows_with_extra_fields_are_kept_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4,5\n6,7\n", encoding="utf-8")
    tables, _, data = read(path)
    assert only(data) == {"a": ["1", "6", "3"], "b": ["2", "7", "4"], "column_3": [None, None, "5"]}
    assert "1 rows with more fields than the header: extra fields in column_3" in tables[0].info.notes
    assert tables[0].info.columns == 3


def _numbers_csv(path: Path, rows: int) -> None:
    path.write_text("n;email\n" + "".join(f"{i};u{i}@example.fi\n" for i in range(rows)), encoding="utf-8")


@pytest.mark.parametrize(
    ("rows", "limit", "scanned", "truncated"),
    [(500, 100, 100, True), (100, 100, 100, False), (99, 100, 99, False), (5000, None, 5000, False)],
)
def test_sampling_limit_and_truncation(
    tmp_path: Path, rows: int, limit: int | None, scanned: int, truncated: bool
) -> None:
    path = tmp_path / "n.csv"
    _numbers_csv(path, rows)
    tables, _, data = read(path, ReadOptions(limit=limit, chunk_rows=1000))
    assert tables[0].info.rows_scanned == scanned
    assert len(only(data)["n"]) == scanned
    assert tables[0].info.truncated is truncated


def test_big_file_is_read_in_chunks(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    _numbers_csv(path, 60_000)
    source = open_source(str(path))
    table = next(t for t in source.tables() if isinstance(t, Table))
    sizes = [batch.num_rows for batch in table.batches(ReadOptions(limit=None, chunk_rows=1000))]
    assert sum(sizes) == 60_000
    assert len(sizes) > 1, "a big file must arrive in several batches, not at once"
    assert max(sizes) < 60_000


# --- Excel ------------------------------------------------------------------------------------------------


def _workbook(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Asiakkaat"
    ws.append(["Asiakasrekisteri 2024"])
    ws.append([])
    ws.append(["Asiakasnumero", "Nimi", "Saldo", "Liittynyt", "Aktiivinen"])
    ws.append([100234, "Matti Meikäläinen", 12.5, __import__("datetime").datetime(2024, 3, 1), True])
    ws.append([100235.0, "Liisa Laine", 3, None, False])
    other = wb.create_sheet("Tilaukset")
    other.append(["Tilausnumero", "Tuote"])
    other.append([2024000123, "Kahvinkeitin"])
    wb.save(path)


def test_excel_every_sheet_and_header_below_a_title(tmp_path: Path) -> None:
    path = tmp_path / "rekisteri.xlsx"
    _workbook(path)
    tables, errors, data = read(path)
    assert not errors
    assert [t.location.sheet for t in tables] == ["Asiakkaat", "Tilaukset"]
    customers = data[(str(path), "Asiakkaat", None)]
    assert customers["Asiakasnumero"] == ["100234", "100235"]  # int-valued floats without ".0"
    assert customers["Nimi"] == ["Matti Meikäläinen", "Liisa Laine"]
    assert customers["Saldo"] == ["12.5", "3"]
    assert customers["Liittynyt"] == ["2024-03-01", None]  # calamine gives a midnight datetime as a date
    assert customers["Aktiivinen"] == ["true", "false"]
    assert "header found on row 3" in tables[0].info.notes
    assert data[(str(path), "Tilaukset", None)] == {"Tilausnumero": ["2024000123"], "Tuote": ["Kahvinkeitin"]}


def test_excel_header_with_years_as_numbers(tmp_path: Path) -> None:
    path = tmp_path / "talous.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "Talous"
    sheet.append(["Tili", 2019, 2020, 2021])
    sheet.append(["Myynti", 1200.5, 1300, 1400])
    sheet.append(["Palkat", 800, 850, 900])
    book.save(path)
    tables, _, data = read(path)
    assert list(data[(str(path), "Talous", None)]) == ["Tili", "2019", "2020", "2021"]
    assert data[(str(path), "Talous", None)]["Tili"] == ["Myynti", "Palkat"]
    assert not any("no header row" in n for n in tables[0].info.notes)


def test_excel_two_header_rows_are_joined(tmp_path: Path) -> None:
    path = tmp_path / "asiakkaat.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "Asiakkaat"
    sheet.append(["Asiakas", None, "Yhteystiedot", None])
    sheet.append(["Etunimi", "Sukunimi", "Sähköposti", "Puhelin"])
    sheet.append(["Matti", "Virtanen", "matti@example.fi", "040 123 4567"])
    sheet.append(["Liisa", "Laine", "liisa@example.fi", "050 987 6543"])
    book.save(path)
    tables, _, data = read(path)
    columns = data[(str(path), "Asiakkaat", None)]
    assert list(columns) == ["Asiakas Etunimi", "Asiakas Sukunimi", "Yhteystiedot Sähköposti", "Yhteystiedot Puhelin"]
    assert columns["Asiakas Etunimi"] == ["Matti", "Liisa"]
    assert any("two header rows" in n for n in tables[0].info.notes)
    # One header row above rows of text (names and towns) is not a two-row header.
    plain = tmp_path / "lista.xlsx"
    book = Workbook()
    book.active.append(["Nimi", "Kaupunki"])
    book.active.append(["Matti Virtanen", "Helsinki"])
    book.active.append(["Liisa Laine", "Espoo"])
    book.save(plain)
    assert next(iter(read(plain)[2].values()))["Nimi"] == ["Matti Virtanen", "Liisa Laine"]


def test_ods_workbook(tmp_path: Path) -> None:
    # A minimal OpenDocument spreadsheet written by hand: calamine reads it without LibreOffice.
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Lista">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>email</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>nimi</text:p></table:table-cell></table:table-row>'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>a@example.fi</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>Aino</text:p></table:table-cell></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "lista.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
    _, errors, data = read(path)
    assert not errors, errors
    assert data[(str(path), "Lista", None)] == {"email": ["a@example.fi"], "nimi": ["Aino"]}


def test_corrupt_workbook(tmp_path: Path) -> None:
    path = tmp_path / "rikki.xlsx"
    path.write_bytes(b"PK\x03\x04not really a workbook")
    _, errors, _ = read(path)
    assert len(errors) == 1
    assert errors[0].reason.startswith("corrupt or unreadable workbook")


def test_encrypted_workbook(tmp_path: Path) -> None:
    path = tmp_path / "salainen.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    _, errors, _ = read(path)
    assert [e.reason for e in errors] == ["encrypted or password-protected workbook"]


# --- JSON -------------------------------------------------------------------------------------------------


def test_json_array_of_records(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"name": "Aino", "contact": {"email": "a@example.fi"}}, {"name": "Eino", "n": 5}]))
    tables, _, data = read(path)
    assert only(data) == {"name": ["Aino", "Eino"], "contact.email": ["a@example.fi"], "n": ["5"]}
    assert tables[0].info.rows_scanned == 2


def test_json_object_with_record_lists(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(
        json.dumps({"exported": "2024-06-01", "customers": [{"email": "a@example.fi"}], "orders": [{"id": 1}]})
    )
    tables, _, data = read(path)
    assert [t.location.table for t in tables] == ["customers", "orders", None]
    assert data[(str(path), None, "customers")] == {"email": ["a@example.fi"]}
    assert data[(str(path), None, None)] == {"exported": ["2024-06-01"]}


def test_jsonl_nested_fields_and_arrays_are_flattened(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    records = [
        {
            "fields": {"email": "a@example.fi"},
            "tags": ["web", "fi"],
            "contacts": [{"phone": "040 1"}, {"phone": "050 2"}],
            "ok": True,
        },
        {"fields": {"email": None}, "tags": [], "ok": False},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    tables, _, data = read(path)
    cols = only(data)
    assert cols["fields.email"] == ["a@example.fi", None]
    assert cols["tags[]"] == ["web", "fi"]
    assert cols["contacts[].phone"] == ["040 1", "050 2"]  # more values than records
    assert cols["ok"] == ["true", "false"]
    assert tables[0].info.rows_scanned == 2


def test_jsonl_bad_line_is_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text('{"a": "1"}\n{broken\n{"a": "2"}\n')
    tables, errors, data = read(path)
    assert not errors
    assert only(data) == {"a": ["1", "2"]}
    assert "1 invalid lines skipped" in tables[0].info.notes


def test_invalid_json(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('[{"a": 1}, {"b": ')
    (tmp_path / "worse.jsonl").write_text("not json\nnor this\n")
    (tmp_path / "text.json").write_text("hello")
    source = open_source(str(tmp_path))
    reasons = {}
    for item in source.tables():
        if isinstance(item, ScanErrorEntry):
            reasons[Path(item.location.file or "").name] = item.reason  # type: ignore[union-attr]
            continue
        try:
            for _ in item.batches(ALL):
                pass
        except SourceError as exc:
            reasons[Path(item.location.file or "").name] = exc.reason
    assert reasons["bad.json"].startswith("invalid JSON")
    assert reasons["worse.jsonl"] == "not valid JSON Lines"
    assert reasons["text.json"].startswith("invalid JSON")


# --- Parquet ----------------------------------------------------------------------------------------------


def test_parquet_nested_binary_and_timestamps(tmp_path: Path) -> None:
    import datetime as dt

    table = pa.table(
        {
            "email": ["a@example.fi", None],
            "n": pa.array([1, 2], pa.int64()),
            "when": pa.array([dt.datetime(2024, 1, 2, 3, 4, 5), None], pa.timestamp("s")),
            "address": [{"city": "Oulu", "zip": "90100"}, {"city": "Espoo", "zip": "02100"}],
            "phones": [["040 1", "050 2"], []],
            "photo": pa.array([b"\x00\x01", b"\x02"], pa.binary()),
        }
    )
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)
    tables, _, data = read(path)
    cols = only(data)
    assert cols["email"] == ["a@example.fi", None]
    assert cols["n"] == ["1", "2"]
    assert cols["when"][0].startswith("2024-01-02 03:04:05")  # Parquet stores seconds as milliseconds
    assert cols["when"][1] is None
    assert cols["address.city"] == ["Oulu", "Espoo"]
    assert cols["address.zip"] == ["90100", "02100"]
    assert cols["phones[]"] == ["040 1", "050 2"]
    assert "photo" not in cols
    assert "skipped binary columns: photo" in tables[0].info.notes


def test_corrupt_parquet(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 definitely not parquet")
    source = open_source(str(path))
    table = next(t for t in source.tables() if isinstance(t, Table))
    with pytest.raises(SourceError, match="not a valid Parquet file"):
        list(table.batches(ALL))


# --- compression and archives -----------------------------------------------------------------------------


def test_gzip_csv(tmp_path: Path) -> None:
    path = tmp_path / "export.csv.gz"
    path.write_bytes(gzip.compress(b"email;nimi\na@example.fi;Aino\n"))
    tables, _, data = read(path)
    assert only(data) == {"email": ["a@example.fi"], "nimi": ["Aino"]}
    assert tables[0].location.file == str(path)


def test_corrupt_gzip(tmp_path: Path) -> None:
    # A broken gzip header is found when the file is opened: an error entry naming the file, no table.
    path = tmp_path / "broken.csv.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage-garbage")
    _, errors, _ = read(path)
    assert [e.reason for e in errors] == ["corrupt gzip data"]


def test_zip_members_and_nested_zip(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("deep.csv", "email\nb@example.fi\n")
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("dir/b.csv", "email\na@example.fi\n")
        zf.writestr("inner.zip", inner.getvalue())
        zf.writestr("readme.pages", b"\x00")  # Apple Pages: no reader
    tables, errors, data = read(path)
    assert not errors
    names = [t.location.file for t in tables]
    assert names == [f"{path}!dir/b.csv", f"{path}!inner.zip!deep.csv"]
    assert data[(f"{path}!inner.zip!deep.csv", None, None)] == {"email": ["b@example.fi"]}


def test_encrypted_zip_member(tmp_path: Path) -> None:
    path = tmp_path / "secret.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("open.csv", "a\n1\n")
        zf.writestr("locked.csv", "a\n1\n")
    # zipfile cannot write encrypted members: set the "encrypted" flag bit (APPNOTE 4.4.4) in the local header and
    # the central directory entry of locked.csv, as a password-protecting archiver does.
    data = bytearray(path.read_bytes())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + 10] == b"locked.csv":
                data[start + flag_offset] |= 0x1
            start += 4
    path.write_bytes(bytes(data))
    tables, errors, _ = read(path)
    assert [t.location.file for t in tables] == [f"{path}!open.csv"]
    assert [(e.location.file, e.reason) for e in errors] == [  # type: ignore[union-attr]
        (f"{path}!locked.csv", "encrypted zip member (password-protected)")
    ]


def test_corrupt_zip(tmp_path: Path) -> None:
    path = tmp_path / "bad.zip"
    path.write_bytes(b"PK\x05\x06 nope")
    _, errors, _ = read(path)
    assert [e.reason for e in errors] == ["corrupt zip archive"]


# --- folders and unreadable files -------------------------------------------------------------------------


def test_empty_and_binary_files(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "image.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    source = open_source(str(tmp_path))
    reasons = {}
    for item in source.tables():
        if isinstance(item, ScanErrorEntry):
            reasons[Path(item.location.file or "").name] = item.reason  # type: ignore[union-attr]
        else:
            with pytest.raises(SourceError) as caught:
                list(item.batches(ALL))
            reasons[Path(item.location.file or "").name] = caught.value.reason
    assert reasons == {"empty.csv": "empty file", "image.csv": "binary file, not delimited text"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "secret.csv"
    path.write_text("a\n1\n")
    path.chmod(0)
    try:
        _, errors, _ = read(path)
    finally:
        path.chmod(0o600)
    assert [e.reason for e in errors] == ["permission denied"]


def test_permission_denied_is_reported_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root ignores file modes, so the OS error is provoked where pdscan opens the file.
    path = tmp_path / "secret.csv"
    path.write_text("a\n1\n")
    real_open = Path.open

    def deny(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "secret.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    _, errors, _ = read(path)
    assert [e.reason for e in errors] == ["permission denied"]


def test_folder_walk_include_exclude_and_ignored(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "sub" / "b.csv").write_text("x\n1\n")
    (tmp_path / "sub" / "c.json").write_text("[]")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / ".hidden" / "d.csv").write_text("x\n1\n")
    tables, _, _ = read(tmp_path)
    assert [Path(t.location.file or "").name for t in tables] == ["a.csv", "b.csv", "c.json"]
    only_csv, _, _ = read(tmp_path, include=("*.csv",), exclude=("sub/*",))
    assert [Path(t.location.file or "").name for t in only_csv] == ["a.csv"]
    source = open_source(str(tmp_path))
    list(source.tables())
    assert source.ignored_files == 1  # photo.jpg


def test_explicit_unsupported_file_and_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8")
    _, errors, _ = read(path)
    assert [e.reason for e in errors] == ["unsupported file type '.jpg'"]
    with pytest.raises(SourceError, match="no such file or directory"):
        open_source(str(tmp_path / "nope.csv"))
