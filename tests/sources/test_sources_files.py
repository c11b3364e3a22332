"""File connectors, beyond the per-format basics of test_sources.py: chunk sizes, padded and skipped rows, sheets
without headers, streamed JSON objects, nested Parquet types, gzip and zip edge cases, folder walking and globs.

Every input is built here, in tmp_path.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import os
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from faker import Faker
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from pdscan.errors import SourceError
from pdscan.model import Batch, ScanErrorEntry
from pdscan.sources import file_url_path, open_source
from pdscan.sources.base import ReadOptions, SourceOptions, Table

ALL = ReadOptions(limit=None, chunk_rows=1000)
Key = tuple[str | None, str | None, str | None]


class Scan:
    """Everything a source yields, read to the end: tables, error entries (also those raised while reading),
    column values and kinds per table, and the batch sizes."""

    def __init__(self, path: Path | str, options: ReadOptions = ALL, **kwargs: Any) -> None:
        self.source = open_source(str(path), SourceOptions(**kwargs))
        self.tables: list[Table] = []
        self.errors: list[tuple[str | None, str]] = []
        self.values: dict[Key, dict[str, list[str | None]]] = {}
        self.kinds: dict[Key, dict[str, str]] = {}
        self.sizes: dict[Key, list[int]] = {}
        for item in self.source.tables():
            if isinstance(item, ScanErrorEntry):
                self.errors.append((item.location.file if item.location else None, item.reason))
                continue
            self.tables.append(item)
            key = (item.location.file, item.location.sheet, item.location.table)
            values = self.values.setdefault(key, {})
            kinds = self.kinds.setdefault(key, {})
            try:
                for batch in item.batches(options):
                    self.sizes.setdefault(key, []).append(batch.num_rows)
                    _check_batch(batch)
                    for column in batch.columns:
                        values.setdefault(column.name, []).extend(column.values.to_pylist())
                        kinds[column.name] = column.kind
            except SourceError as exc:
                self.errors.append((exc.location, exc.reason))

    def only(self) -> dict[str, list[str | None]]:
        assert len(self.values) == 1, list(self.values)
        return next(iter(self.values.values()))

    def files(self) -> list[str | None]:
        return [t.location.file for t in self.tables]


def _check_batch(batch: Batch) -> None:
    """What every connector promises about a batch: string values, unique column names."""
    names = [c.name for c in batch.columns]
    assert len(names) == len(set(names)), names
    for column in batch.columns:
        assert column.values.type == pa.string(), (column.name, column.values.type)


def _first_table(path: Path) -> Table:
    return next(t for t in open_source(str(path)).tables() if isinstance(t, Table))


# --- delimited text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        # Decimal commas must not make ',' win in a Finnish ';' export.
        ("fi.csv", "nimi;saldo\nMatti;12,50\nLiisa;3,20\n", {"nimi": ["Matti", "Liisa"], "saldo": ["12,50", "3,20"]}),
        ("en.csv", 'name,note\nMatti,"a; b"\nLiisa,c\n', {"name": ["Matti", "Liisa"], "note": ["a; b", "c"]}),
        ("tab.txt", "nimi\tpuhelin\nMatti\t040 1\n", {"nimi": ["Matti"], "puhelin": ["040 1"]}),
        (
            "pipe.csv",
            "nimi|kaupunki\nMatti|Oulu\nLiisa|Espoo\n",
            {"nimi": ["Matti", "Liisa"], "kaupunki": ["Oulu", "Espoo"]},
        ),
        # A .tsv prefers the tab when a comma splits the lines just as consistently.
        ("both.tsv", "a,b\tc,d\n1,2\t3,4\n", {"a,b": ["1,2"], "c,d": ["3,4"]}),
        ("both.csv", "a,b\tc,d\n1,2\t3,4\n", {"a": ["1"], "b c": ["2\t3"], "d": ["4"]}),
    ],
)
def test_delimiter_is_sniffed_from_the_file(tmp_path: Path, name: str, text: str, expected: dict[str, Any]) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert Scan(path).only() == expected


def test_faker_register_round_trips_through_cp1252_in_small_chunks(tmp_path: Path) -> None:
    fake = Faker("fi_FI")
    fake.seed_instance(2024)
    rows = [[fake.first_name(), fake.last_name(), fake.postcode(), fake.city()] for _ in range(2000)]
    assert any("ä" in "".join(r) or "ö" in "".join(r) for r in rows), "the sample must exercise cp1252 letters"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Etunimi", "Sukunimi", "Postinumero", "Kunta"])
    writer.writerows(rows)
    path = tmp_path / "jasenet.csv"
    path.write_bytes(buffer.getvalue().encode("cp1252"))

    scan = Scan(path, ReadOptions(limit=None, chunk_rows=128))
    assert not scan.errors
    cols = scan.only()
    assert cols["Etunimi"] == [r[0] for r in rows]
    assert cols["Sukunimi"] == [r[1] for r in rows]
    assert cols["Postinumero"] == [r[2] for r in rows]  # leading zeros kept
    sizes = next(iter(scan.sizes.values()))
    assert max(sizes) <= 128 and sum(sizes) == 2000
    info = scan.tables[0].info
    assert (info.rows_scanned, info.columns, info.truncated, info.sampling) == (2000, 4, False, "all rows")


@pytest.mark.parametrize(
    ("limit", "scanned", "truncated", "sampling"),
    [(1000, 1000, True, "first 1000 rows"), (5000, 5000, False, "first 5000 rows"), (None, 5000, False, "all rows")],
)
def test_batches_never_exceed_chunk_rows(
    tmp_path: Path, limit: int | None, scanned: int, truncated: bool, sampling: str
) -> None:
    path = tmp_path / "n.csv"
    path.write_text("n,email\n" + "".join(f"{i},u{i}@example.fi\n" for i in range(5000)), encoding="utf-8")
    scan = Scan(path, ReadOptions(limit=limit, chunk_rows=64))
    sizes = next(iter(scan.sizes.values()))
    assert max(sizes) <= 64
    assert sum(sizes) == scanned
    assert scan.only()["n"][-1] == str(scanned - 1)
    info = scan.tables[0].info
    assert (info.rows_scanned, info.truncated, info.sampling) == (scanned, truncated, sampling)


def test_short_rows_are_padded_and_long_rows_keep_their_extra_fields(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("nimi;email;puhelin\nMatti;m@example.fi\nLiisa;l@example.fi;050 1;x;y\nAino;a@example.fi;040 2\n")
    scan = Scan(path)
    cols = scan.only()
    assert sorted(zip(cols["nimi"], cols["email"], cols["puhelin"], strict=True), key=str) == [
        ("Aino", "a@example.fi", "040 2"),
        ("Liisa", "l@example.fi", "050 1"),
        ("Matti", "m@example.fi", None),
    ]
    extra = sorted(zip(cols["nimi"], cols["column_4"], cols["column_5"], strict=True), key=str)
    assert extra == [("Aino", None, None), ("Liisa", "x", "y"), ("Matti", None, None)]  # null in the other rows
    notes = scan.tables[0].info.notes
    assert "1 rows with missing fields read with the missing fields empty" in notes
    assert "1 rows with more fields than the header: extra fields in column_4 to column_5" in notes
    assert not any("Liisa" in n or "050" in n for n in notes)  # counted, never shown


def test_trailing_delimiter_on_data_rows_still_reads_every_row(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("nimi;email\nMatti;m@example.fi;\nLiisa;l@example.fi;\n")
    scan = Scan(path)
    assert scan.only() == {"nimi": ["Matti", "Liisa"], "email": ["m@example.fi", "l@example.fi"], "column_3": ["", ""]}
    assert scan.tables[0].info.columns == 3


def test_header_names_are_one_line_and_unique(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text('"Koko\nnimi";nimi;nimi.1;nimi\nMatti Meikäläinen;a;b;c\n')
    assert list(Scan(path).only()) == ["Koko nimi", "nimi", "nimi.1", "nimi.2"]


def test_plain_text_lines_with_a_limit(tmp_path: Path) -> None:
    path = tmp_path / "muistiinpanot.txt"
    path.write_text("".join(f"Soita asiakkaalle numero {i}\n" for i in range(30)), encoding="utf-8")
    scan = Scan(path, ReadOptions(limit=25, chunk_rows=10))
    assert list(scan.only()) == ["text"]
    assert scan.only()["text"][:2] == ["Soita asiakkaalle numero 0", "Soita asiakkaalle numero 1"]
    assert scan.sizes[(str(path), None, None)] == [10, 10, 5]
    info = scan.tables[0].info
    assert (info.rows_scanned, info.truncated) == (25, True)
    assert "no delimiter found: read as lines of text" in info.notes


def test_utf16_export_without_trailing_newline_in_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "excel.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Unicode.txt", "Nimi\tKotikunta\r\nÄijä Öljynen\tIi".encode("utf-16"))
    scan = Scan(path)
    assert scan.values == {(f"{path}!Unicode.txt", None, None): {"Nimi": ["Äijä Öljynen"], "Kotikunta": ["Ii"]}}
    assert "encoding utf-16" in scan.tables[0].info.notes


# --- Excel ------------------------------------------------------------------------------------------------


def test_excel_sheet_without_header_uses_column_letters(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Raaka"
    ws.append([100234, "Matti Meikäläinen", "matti@example.fi"])
    ws.append([100235, "Liisa Laine", "liisa@example.fi"])
    path = tmp_path / "raaka.xlsx"
    wb.save(path)
    scan = Scan(path)
    assert scan.only() == {
        "column_A": ["100234", "100235"],  # the first row is data, not names: no value becomes a column name
        "column_B": ["Matti Meikäläinen", "Liisa Laine"],
        "column_C": ["matti@example.fi", "liisa@example.fi"],
    }
    assert scan.kinds[(str(path), "Raaka", None)]["column_A"] == "integer"
    assert "no header row: columns are named by their letters" in scan.tables[0].info.notes


def test_excel_offset_table_blank_header_cells_and_data_past_the_header(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["C3"], ws["E3"] = "Nimi", "Email"
    ws["C4"], ws["D4"], ws["E4"], ws["F4"] = "Aino", "x", "a@example.fi", "040 123 4567"
    ws["C5"], ws["E5"] = "Eino", "e@example.fi"
    path = tmp_path / "siirretty.xlsx"
    wb.save(path)
    scan = Scan(path)
    assert scan.only() == {
        "Nimi": ["Aino", "Eino"],
        "column_D": ["x", None],  # letters follow the sheet, which starts at column C
        "Email": ["a@example.fi", "e@example.fi"],
        "column_F": ["040 123 4567", None],  # unlabelled data is scanned too
    }
    info = scan.tables[0].info
    assert "header found on row 3" in info.notes
    assert info.columns == 4


def test_excel_header_wins_over_wider_data_rows(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Nimi", "Email"])
    ws.append(["Aino", "a@example.fi", "040 1", "lisätieto"])
    path = tmp_path / "leveä.xlsx"
    wb.save(path)
    assert Scan(path).only() == {
        "Nimi": ["Aino"],
        "Email": ["a@example.fi"],
        "column_C": ["040 1"],
        "column_D": ["lisätieto"],
    }


def test_excel_hidden_sheets_are_scanned_and_chart_sheets_skipped(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Näkyvä"
    ws.append(["tuote", "määrä"])
    ws.append(["kahvi", 3])
    hidden = wb.create_sheet("Piilotettu")
    hidden.append(["email", "nimi"])
    hidden.append(["a@example.fi", "Aino"])
    hidden.sheet_state = "hidden"
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=2))
    wb.create_chartsheet("Kaavio").add_chart(chart)
    path = tmp_path / "kirja.xlsx"
    wb.save(path)
    scan = Scan(path)
    assert [t.location.sheet for t in scan.tables] == ["Näkyvä", "Piilotettu"]
    assert scan.values[(str(path), "Piilotettu", None)] == {"email": ["a@example.fi"], "nimi": ["Aino"]}
    assert scan.tables[1].info.notes == ["hidden sheet"]
    assert scan.kinds[(str(path), "Näkyvä", None)] == {"tuote": "string", "määrä": "integer"}


def test_excel_values_and_kinds(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Arvot"
    ws.append(["nro", "osuus", "aktiivinen", "syntynyt", "kirjattu", "seka"])
    ws.append([123, 1.5, True, dt.date(1980, 5, 17), dt.datetime(2024, 1, 2, 3, 4, 5), "teksti"])
    ws.append([1e15, 0.25, False, dt.date(1990, 1, 1), dt.datetime(2024, 2, 3, 4, 5, 6), 7])
    path = tmp_path / "arvot.xlsx"
    wb.save(path)
    scan = Scan(path)
    assert scan.only() == {
        "nro": ["123", "1000000000000000"],
        "osuus": ["1.5", "0.25"],
        "aktiivinen": ["true", "false"],
        "syntynyt": ["1980-05-17", "1990-01-01"],
        "kirjattu": ["2024-01-02T03:04:05", "2024-02-03T04:05:06"],
        "seka": ["teksti", "7"],
    }
    assert scan.kinds[(str(path), "Arvot", None)] == {
        "nro": "integer",
        "osuus": "float",
        "aktiivinen": "boolean",
        "syntynyt": "datetime",
        "kirjattu": "datetime",
        "seka": "string",
    }


@pytest.mark.parametrize(("limit", "sizes", "truncated"), [(None, [100, 100, 50], False), (120, [100, 20], True)])
def test_excel_chunks_and_limit(tmp_path: Path, limit: int | None, sizes: list[int], truncated: bool) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["n", "email"])
    for i in range(250):
        ws.append([i, f"u{i}@example.fi"])
    path = tmp_path / "iso.xlsx"
    wb.save(path)
    scan = Scan(path, ReadOptions(limit=limit, chunk_rows=100))
    assert next(iter(scan.sizes.values())) == sizes
    info = scan.tables[0].info
    assert (info.rows_scanned, info.truncated) == (sum(sizes), truncated)


def test_excel_inside_gzip_and_zip(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Lista"
    ws.append(["email"])
    ws.append(["a@example.fi"])
    raw = io.BytesIO()
    wb.save(raw)
    (tmp_path / "lista.xlsx.gz").write_bytes(gzip.compress(raw.getvalue()))
    with zipfile.ZipFile(tmp_path / "paketti.zip", "w") as zf:
        zf.writestr("kansio/lista.xlsx", raw.getvalue())
    scan = Scan(tmp_path)
    assert not scan.errors
    assert scan.values == {
        (f"{tmp_path}/lista.xlsx.gz", "Lista", None): {"email": ["a@example.fi"]},
        (f"{tmp_path}/paketti.zip!kansio/lista.xlsx", "Lista", None): {"email": ["a@example.fi"]},
    }


# --- JSON -------------------------------------------------------------------------------------------------


def test_json_object_tables_are_streamed_per_key(tmp_path: Path) -> None:
    doc = (
        '{"exported": "2024-06-01", "meta": {"system": "CRM", "version": 3},'
        ' "customers": [{"email": "a@example.fi", "saldo": 1.10}, {"email": "b@example.fi", "saldo": 2}],'
        ' "codes": ["A1", "B2"], "nothing": [],'
        ' "orders": [{"id": 1, "lines": [{"sku": "K-1"}, {"sku": "K-2"}]}],'
        ' "crm.v2": [{"puhelin": "040 1"}]}'
    )
    path = tmp_path / "vienti.json"
    path.write_bytes(b"\xef\xbb\xbf" + doc.encode())  # a BOM, as Windows tools write it
    scan = Scan(path)
    assert not scan.errors
    assert [t.location.table for t in scan.tables] == ["customers", "orders", "crm.v2", None]
    f = str(path)
    assert scan.values[(f, None, "customers")] == {
        "email": ["a@example.fi", "b@example.fi"],
        "saldo": ["1.10", "2"],  # numbers as written
    }
    assert scan.kinds[(f, None, "customers")] == {"email": "string", "saldo": "string"}  # float and integer mixed
    assert scan.values[(f, None, "orders")] == {"id": ["1"], "lines[].sku": ["K-1", "K-2"]}
    assert scan.values[(f, None, "crm.v2")] == {"puhelin": ["040 1"]}  # a dotted key is found all the same
    assert scan.values[(f, None, None)] == {
        "exported": ["2024-06-01"],
        "meta.system": ["CRM"],
        "meta.version": ["3"],
        "codes[]": ["A1", "B2"],
    }
    assert scan.tables[0].info.rows_scanned == 2


def test_json_array_limit_and_chunks(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"n": i, "ok": i % 2 == 0} for i in range(25)]))
    scan = Scan(path, ReadOptions(limit=20, chunk_rows=8))
    assert scan.sizes[(str(path), None, None)] == [8, 8, 4]
    assert scan.only()["n"] == [str(i) for i in range(20)]
    assert scan.only()["ok"][:2] == ["true", "false"]
    assert scan.kinds[(str(path), None, None)] == {"n": "integer", "ok": "boolean"}
    info = scan.tables[0].info
    assert (info.rows_scanned, info.truncated, info.sampling, info.columns) == (20, True, "first 20 records", 2)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("unquoted.json", b'[{"nimi": Virtanen}]'),
        ("missing-comma.json", b'[{"email": "virtanen@example.fi"} {"b": 1}]'),
        ("latin1.json", '[{"nimi": "Mäkinen"}]'.encode("latin-1")),
        ("object.json", b'{"asiakkaat": [{"nimi": "Virtanen"}], "x": Virtanen}'),
        ("trailing.json", b'[{"nimi": "Virtanen"}] Virtanen'),
        ("cut.json", b'{"asiakkaat": [{"nimi": "Virtanen"'),
    ],
)
def test_invalid_json_reason_is_one_line_without_content(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    scan = Scan(path)
    assert len(scan.errors) == 1, scan.errors
    location, reason = scan.errors[0]
    assert location == str(path)
    assert reason.startswith("invalid JSON")
    assert "\n" not in reason and "\\n" not in reason
    for secret in ("Virtanen", "virtanen", "Mäkinen", "M\\xe4kinen"):
        assert secret not in reason


def test_jsonl_kinds_and_numbers_as_written(tmp_path: Path) -> None:
    path = tmp_path / "t.ndjson"
    lines = [
        '{"id": 1, "osuus": 1.10, "ok": true, "seka": 1, "tyhja": null, "iso": 12345678901234567890}',
        '{"id": 2, "osuus": 2.5e3, "ok": false, "seka": "x", "tyhja": null, "iso": 1}',
    ]
    path.write_text("\n".join(lines) + "\n")
    scan = Scan(path)
    assert scan.only() == {
        "id": ["1", "2"],
        "osuus": ["1.10", "2.5E+3"],
        "ok": ["true", "false"],
        "seka": ["1", "x"],
        "tyhja": [None, None],
        "iso": ["12345678901234567890", "1"],
    }
    assert scan.kinds[(str(path), None, None)] == {
        "id": "integer",
        "osuus": "float",
        "ok": "boolean",
        "seka": "string",
        "tyhja": "string",
        "iso": "integer",
    }


def test_jsonl_bad_lines_are_counted_even_when_the_limit_stops_reading(tmp_path: Path) -> None:
    path = tmp_path / "loki.jsonl"
    path.write_text('{"a": "1"}\n{"a": Virtanen}\n{"a": "2"}\n{"a": "3"}\n{"a": "4"}\n')
    scan = Scan(path, ReadOptions(limit=2, chunk_rows=10))
    assert scan.only() == {"a": ["1", "2"]}
    info = scan.tables[0].info
    assert info.truncated is True
    assert info.notes == ["1 invalid lines skipped"]


# --- Parquet ----------------------------------------------------------------------------------------------


def test_parquet_maps_dictionaries_and_kinds(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int32()),
            "saldo": pa.array([1.5, None, 3.0]),
            "aktiivinen": [True, False, None],
            "syntynyt": pa.array([dt.date(1980, 5, 17), None, dt.date(1990, 1, 1)], pa.date32()),
            "kunta": pa.array(["Oulu", "Espoo", "Oulu"]).dictionary_encode(),
            "lisat": pa.array(
                [[("email", "a@example.fi")], None, [("puhelin", "040 1"), ("email", "c@example.fi")]],
                pa.map_(pa.string(), pa.string()),
            ),
            "asiakas": [{"nimi": "Aino", "osoite": {"kaupunki": "Oulu"}}, None, {"nimi": "Eino", "osoite": None}],
        }
    )
    path = tmp_path / "t.pq"
    pq.write_table(table, path)
    scan = Scan(path)
    cols = scan.only()
    assert cols["id"] == ["1", "2", "3"]
    assert cols["saldo"][0] == "1.5" and cols["saldo"][1] is None
    assert cols["aktiivinen"] == ["true", "false", None]
    assert cols["syntynyt"] == ["1980-05-17", None, "1990-01-01"]
    assert cols["kunta"] == ["Oulu", "Espoo", "Oulu"]
    assert cols["lisat[].key"] == ["email", "puhelin", "email"]
    assert cols["lisat[].value"] == ["a@example.fi", "040 1", "c@example.fi"]
    assert cols["asiakas.nimi"] == ["Aino", None, "Eino"]
    assert cols["asiakas.osoite.kaupunki"] == ["Oulu", None, None]
    assert scan.kinds[(str(path), None, None)] == {
        "id": "integer",
        "saldo": "float",
        "aktiivinen": "boolean",
        "syntynyt": "datetime",
        "kunta": "string",
        "lisat[].key": "string",
        "lisat[].value": "string",
        "asiakas.nimi": "string",
        "asiakas.osoite.kaupunki": "string",
    }


@pytest.mark.parametrize(
    ("limit", "sizes", "truncated"), [(700, [300, 300, 100], True), (None, [300, 300, 300, 100], False)]
)
def test_parquet_chunks_and_limit(tmp_path: Path, limit: int | None, sizes: list[int], truncated: bool) -> None:
    path = tmp_path / "n.parquet"
    pq.write_table(pa.table({"n": list(range(1000))}), path, row_group_size=250)
    scan = Scan(path, ReadOptions(limit=limit, chunk_rows=300))
    assert scan.sizes[(str(path), None, None)] == sizes
    info = scan.tables[0].info
    assert (info.rows_scanned, info.truncated, info.estimated_rows) == (sum(sizes), truncated, 1000)


def test_truncated_parquet_file(tmp_path: Path) -> None:
    path = tmp_path / "cut.parquet"
    pq.write_table(pa.table({"email": ["a@example.fi"] * 100}), path)
    path.write_bytes(path.read_bytes()[:-40])
    scan = Scan(path)
    assert len(scan.errors) == 1
    assert scan.errors[0][1].startswith("not a valid Parquet file: ")


# --- gzip and zip -----------------------------------------------------------------------------------------


def test_broken_gzip_files(tmp_path: Path) -> None:
    (tmp_path / "notgzip.csv.gz").write_bytes(b"email\na@example.fi\n")
    (tmp_path / "nothing.csv.gz").write_bytes(gzip.compress(b""))
    (tmp_path / "cut.csv.gz").write_bytes(gzip.compress(b"email\n" + b"a@example.fi\n" * 1000)[:40])
    scan = Scan(tmp_path)
    # A bad header or no content is found when the file is opened: an error entry, no table. A cut stream
    # decompresses until its end, so it fails while being read (after its first rows).
    assert scan.files() == [f"{tmp_path}/cut.csv.gz"]
    assert scan.errors == [
        (f"{tmp_path}/cut.csv.gz", "unexpected end of file (truncated)"),
        (f"{tmp_path}/notgzip.csv.gz", "corrupt gzip data"),
        (f"{tmp_path}/nothing.csv.gz", "empty file"),
    ]


def _encrypt_flag(data: bytes, member: bytes) -> bytes:
    """Set the "encrypted" flag bit (APPNOTE 4.4.4) of one member, in its local header and central directory."""
    out = bytearray(data)
    for signature, name_at, flag_at in ((b"PK\x03\x04", 30, 6), (b"PK\x01\x02", 46, 8)):
        start = 0
        while (start := out.find(signature, start)) != -1:
            if out[start + name_at : start + name_at + len(member)] == member:
                out[start + flag_at] |= 0x1
            start += 4
    return bytes(out)


def _set_method(data: bytes, member: bytes, method: int) -> bytes:
    """Give one member another compression method number (both headers), as another archiver would write."""
    out = bytearray(data)
    for signature, name_at, method_at in ((b"PK\x03\x04", 30, 8), (b"PK\x01\x02", 46, 10)):
        start = 0
        while (start := out.find(signature, start)) != -1:
            if out[start + name_at : start + name_at + len(member)] == member:
                out[start + method_at : start + method_at + 2] = method.to_bytes(2, "little")
            start += 4
    return bytes(out)


def test_zip_members_every_format_ignored_hidden_and_broken(tmp_path: Path) -> None:
    parquet = io.BytesIO()
    pq.write_table(pa.table({"email": ["p@example.fi"]}), parquet)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("c.csv", "email\nc@example.fi\n")
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("b.csv", "email\nb@example.fi\n")
        zf.writestr("b.zip", inner.getvalue())
        zf.writestr("data/p.parquet", parquet.getvalue())
        zf.writestr("data/r.jsonl.gz", gzip.compress(b'{"email": "j@example.fi"}\n'))
        zf.writestr("data/empty.csv", "")
        zf.writestr("data/locked.csv", "email\nx@example.fi\n")
        zf.writestr("data/deflate64.csv", "email\ny@example.fi\n")
        zf.writestr("docs/readme.pages", b"\x00")
        zf.writestr("docs/photo.jpg", b"\xff\xd8")
        zf.writestr("__MACOSX/._b.csv", b"\x00\x05\x16\x07")
        zf.writestr(".hidden/h.csv", "email\nh@example.fi\n")
    data = _encrypt_flag(path.read_bytes(), b"data/locked.csv")
    path.write_bytes(_set_method(data, b"data/deflate64.csv", 9))

    scan = Scan(path)
    z = str(path)
    assert scan.files() == [f"{z}!b.csv", f"{z}!b.zip!c.csv", f"{z}!data/p.parquet", f"{z}!data/r.jsonl.gz"]
    assert scan.values[(f"{z}!b.zip!c.csv", None, None)] == {"email": ["c@example.fi"]}
    assert scan.values[(f"{z}!data/r.jsonl.gz", None, None)] == {"email": ["j@example.fi"]}
    assert scan.values[(f"{z}!data/p.parquet", None, None)] == {"email": ["p@example.fi"]}
    assert scan.errors == [
        (f"{z}!data/deflate64.csv", "unsupported zip compression method 9"),
        (f"{z}!data/empty.csv", "empty file"),
        (f"{z}!data/locked.csv", "encrypted zip member (password-protected)"),
    ]
    assert scan.source.ignored_files == 2  # readme.pages and photo.jpg; resource forks and hidden files not counted


def test_corrupt_member_data_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "crc.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.csv", "email\n" + "a@example.fi\n" * 10)
    data = bytearray(path.read_bytes())
    at = data.find(b"a@example.fi")
    data[at] = ord("b")  # stored bytes no longer match the CRC
    path.write_bytes(bytes(data))
    scan = Scan(path)
    assert scan.errors == [(f"{path}!a.csv", "corrupt zip archive")]


# --- folders ----------------------------------------------------------------------------------------------


def _tree(root: Path) -> None:
    (root / "sub").mkdir(parents=True)
    (root / "a.csv").write_text("x\n1\n")
    (root / "old.csv.gz").write_bytes(gzip.compress(b"x\n2\n"))
    (root / "sub" / "b.json").write_text('[{"x": 3}]')
    (root / "notes.pages").write_bytes(b"PK")
    with zipfile.ZipFile(root / "sub" / "arkisto.zip", "w") as zf:
        zf.writestr("c.csv", "x\n4\n")
        zf.writestr("d.json", '[{"x": 5}]')


@pytest.mark.parametrize(
    ("include", "exclude", "expected"),
    [
        ((), (), ["a.csv", "old.csv.gz", "sub/arkisto.zip!c.csv", "sub/arkisto.zip!d.json", "sub/b.json"]),
        # *.csv also selects compressed CSV files and the CSV files inside archives.
        (("*.csv",), (), ["a.csv", "old.csv.gz", "sub/arkisto.zip!c.csv"]),
        (("sub/*",), (), ["sub/arkisto.zip!c.csv", "sub/arkisto.zip!d.json", "sub/b.json"]),
        ((), ("*.zip",), ["a.csv", "old.csv.gz", "sub/b.json"]),
        ((), ("sub/*", "*.gz"), ["a.csv"]),
        (("*.json",), ("b.json",), ["sub/arkisto.zip!d.json"]),
    ],
)
def test_include_and_exclude_globs(
    tmp_path: Path, include: tuple[str, ...], exclude: tuple[str, ...], expected: list[str]
) -> None:
    _tree(tmp_path)
    scan = Scan(tmp_path, include=include, exclude=exclude)
    assert not scan.errors
    assert [os.path.relpath(f or "", tmp_path) for f in scan.files()] == expected


def test_display_names_keep_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    folder = Scan("data/")
    assert folder.source.kind == "directory"
    assert folder.files()[:2] == ["data/a.csv", "data/old.csv.gz"]
    assert folder.source.ignored_files == 1  # notes.pages
    single = Scan("data/a.csv")
    assert single.source.kind == "file"
    assert single.files() == ["data/a.csv"]
    url = Scan("file://data/sub/b.json")
    assert url.files() == ["data/sub/b.json"]


def test_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.csv").write_text("x\n1\n")
    (tmp_path / "sub" / "back").symlink_to(tmp_path, target_is_directory=True)
    scan = Scan(tmp_path)
    assert scan.files() == [f"{tmp_path}/sub/a.csv"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_named_pipes_never_block_the_scan(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.csv")
    (tmp_path / "a.csv").write_text("x\n1\n")
    assert Scan(tmp_path).files() == [f"{tmp_path}/a.csv"]
    assert Scan(tmp_path / "pipe.csv").errors == [
        (f"{tmp_path}/pipe.csv", "special file (a named pipe): not read, it could block the scan")
    ]


def test_unlistable_folder_is_an_error_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod cannot stop root, so the listing itself is refused where pdscan asks for it.
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.csv").write_text("x\n1\n")
    (tmp_path / "b.csv").write_text("x\n1\n")
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    scan = Scan(tmp_path)
    assert scan.files() == [f"{tmp_path}/b.csv"]
    assert scan.errors == [(f"{tmp_path}/locked", "permission denied")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("x\n1\n")
    (tmp_path / "secret.csv").chmod(0)
    try:
        scan = Scan(tmp_path)
    finally:
        (tmp_path / "secret.csv").chmod(0o600)
    assert scan.errors == [(f"{tmp_path}/secret.csv", "permission denied")]


# --- open_source ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("file:///data/a%20b.csv", "/data/a b.csv"),
        ("file://localhost/data/x.csv", "/data/x.csv"),
        ("FILE://exports/", "exports/"),
    ],
)
def test_file_urls(url: str, path: str) -> None:
    assert file_url_path(url) == path


def test_urls_with_a_scheme_are_databases(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    with sqlite3.connect(db) as conn:
        conn.execute("create table t (email text)")
    source = open_source(f"sqlite:///{db}")
    try:
        assert source.kind == "database"
        assert type(source).__module__ == "pdscan.sources.sql.source"
    finally:
        source.close()
    with pytest.raises(SourceError, match="no such file or directory"):
        open_source(f"file://{tmp_path}/missing.csv")
