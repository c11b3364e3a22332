"""Storage limitation checked against the data (issue 27, section 2): declared retention periods, counted on every
row of each table or export of the group, on SQLite, PostgreSQL and MariaDB and in a CSV export the scan samples."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from click.testing import CliRunner
from databases import mariadb_empty, postgres_empty

from pdscan.cli.main import main
from pdscan.compliance.declaration import parse_declaration, period_start
from pdscan.compliance.draft import draft
from pdscan.compliance.taxonomy import taxonomy
from pdscan.errors import ConfigError
from pdscan.scan import ScanOptions, scan

NOW = "2025-06-30"  # the fixed reference day: P3Y -> rows dated before 2022-06-30 are over

DECLARATION: dict[str, Any] = {
    "version": 1,
    "controller": {"name": "Testi Oy"},
    "subjects": [
        {"id": "customers", "name": "Asiakkaat", "source": "Asiakkaat."},
        {"id": "employees", "name": "Työntekijät", "source": "Työntekijät."},
    ],
    "categories": [
        {"name": "yhteystiedot", "keys": ["user.name", "user.contact"], "source": "Nimi ja yhteystiedot."},
        {"name": "syntymäaika", "keys": ["user.demographic.date_of_birth"], "source": "Syntymäaika."},
    ],
    "systems": [{"match": "*asiakkaat*", "subject": "customers"}, {"match": "*henkilosto*", "subject": "employees"}],
    "retention": {
        "statement": "Asiakkaan tiedot säilytetään 3 vuotta asiakassuhteen päättymisestä.",
        "periods": [{"subjects": ["customers"], "period": "P3Y", "counted_from": "latest"}],
    },
}

# (luotu, viimeisin_tilaus, paivitetty (text), count): the rows of `asiakkaat`, each group with a known fate on NOW.
ROWS: list[tuple[str | None, str | None, str | None, int]] = [
    ("2023-01-15", "2024-03-01 10:00:00", None, 40),  # recent
    ("2018-05-01", "2019-02-03 12:30:00", None, 5),  # over: latest 2019-02-03
    ("2017-01-01", None, None, 3),  # over: latest 2017-01-01, the oldest
    ("2016-01-01", "2023-01-01 08:00:00", None, 2),  # created long ago, active since: not over by its latest
    ("2022-06-30", None, None, 1),  # exactly three years old: not over
    ("2022-06-29", None, None, 1),  # a day more: over
    (None, None, None, 2),  # no date
    (None, None, "ei tiedossa", 1),  # a text that is no date: no date
    (None, None, "2024-01-05 10:00:00", 1),  # a date kept as text (ISO): dated, recent
]
TOTAL = sum(r[3] for r in ROWS)  # 56
OVER, OLDEST, UNDATED = 9, "2017-01-01", 3
# counted_from: [luotu] (the creation day only): the two rows created in 2016 are over too, and the text-dated row
# has no date in that column.
OVER_LUOTU, OLDEST_LUOTU, UNDATED_LUOTU = 11, "2016-01-01", 4


def _declaration(tmp_path: Path, **retention: Any) -> Path:
    data = json.loads(json.dumps(DECLARATION))
    data["retention"].update(retention)
    path = tmp_path / "notice.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _fill(url: str) -> None:
    """asiakkaat (customers, known dates; a birth date that must not count), henkilosto (employees: no period) and
    tuotteet (no personal data)."""
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    customers = sa.Table(
        "asiakkaat",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("nimi", sa.String(80)),
        sa.Column("sahkoposti", sa.String(120)),
        sa.Column("puhelin", sa.String(40)),
        sa.Column("syntymaaika", sa.Date),
        sa.Column("luotu", sa.Date),
        sa.Column("viimeisin_tilaus", sa.DateTime),
        sa.Column("paivitetty", sa.String(40)),
    )
    staff = sa.Table(
        "henkilosto",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("sahkoposti", sa.String(120)),
        sa.Column("luotu", sa.Date),
    )
    products = sa.Table(
        "tuotteet",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("lisatty", sa.Date),
    )
    rows = []
    for luotu, tilaus, paivitetty, n in ROWS:
        for _ in range(n):
            i = len(rows)
            rows.append(
                {
                    "id": i,
                    "nimi": ["Matti Virtanen", "Liisa Korhonen", "Juha Nieminen"][i % 3],
                    "sahkoposti": f"asiakas{i}@example.fi",
                    "puhelin": f"+358 40 {1000000 + i * 7919 % 8999999}",
                    "syntymaaika": dt.date(1950 + i % 40, 1 + i % 12, 1 + i % 28),
                    "luotu": dt.date.fromisoformat(luotu) if luotu else None,
                    "viimeisin_tilaus": dt.datetime.fromisoformat(tilaus) if tilaus else None,
                    "paivitetty": paivitetty,
                }
            )
    with engine.begin() as conn:
        meta.create_all(conn)
        conn.execute(customers.insert(), rows)
        conn.execute(
            staff.insert(),
            [{"id": i, "sahkoposti": f"tyontekija{i}@example.fi", "luotu": dt.date(2001, 1, 1)} for i in range(20)],
        )
        conn.execute(products.insert(), [{"id": i, "lisatty": dt.date(2000, 1, 1)} for i in range(20)])
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
        _fill(url)
        yield url
    elif request.param == "postgresql":
        with postgres_empty() as url:
            _fill(url)
            yield url
    else:
        with mariadb_empty() as (url, _name):
            _fill(url)
            yield url


def _only(result: Any) -> dict[str, Any]:
    assert result.retention is not None
    entries = [r.to_dict() for r in result.retention]
    assert len(entries) == 1, entries  # asiakkaat only: henkilosto has no period, tuotteet no personal data
    return entries[0]


def test_a_database_reports_exactly_the_rows_older_than_the_period(database: str, tmp_path: Path) -> None:
    # Sampled at 10 rows of 56: the count is still of every row (one aggregate query).
    options = ScanOptions(declaration=str(_declaration(tmp_path)), now=NOW, sample_size=10)
    entry = _only(scan([database], options))
    assert entry["location"]["table"] == "asiakkaat" and entry["display"].endswith("asiakkaat")
    assert entry["subjects"] == ["customers"] and entry["subject"] == "Asiakkaat"
    assert (entry["period"], entry["counted_from"], entry["cutoff"]) == ("P3Y", "latest", "2022-06-30")
    assert (entry["rows_checked"], entry["rows_over"], entry["oldest_over"], entry["rows_without_date"]) == (
        TOTAL,
        OVER,
        OLDEST,
        UNDATED,
    )
    # The date of birth is personal data, not the row's age: it is never a counting date.
    assert sorted(entry["columns"]) == ["luotu", "paivitetty", "viimeisin_tilaus"]


def test_counted_from_named_columns(database: str, tmp_path: Path) -> None:
    periods = [{"subjects": ["customers"], "period": "P3Y", "counted_from": ["LUOTU"]}]
    options = ScanOptions(declaration=str(_declaration(tmp_path, periods=periods)), now=NOW)
    entry = _only(scan([database], options))
    assert entry["counted_from"] == ["LUOTU"] and entry["columns"] == ["luotu"]
    assert (entry["rows_checked"], entry["rows_over"], entry["oldest_over"], entry["rows_without_date"]) == (
        TOTAL,
        OVER_LUOTU,
        OLDEST_LUOTU,
        UNDATED_LUOTU,
    )


def test_retention_changes_no_finding(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    _fill(url)
    with_periods = scan([url], ScanOptions(declaration=str(_declaration(tmp_path)), now=NOW))
    plain = _declaration(tmp_path)
    data = yaml.safe_load(plain.read_text(encoding="utf-8"))
    del data["retention"]["periods"]
    plain.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    without = scan([url], ScanOptions(declaration=str(plain), now=NOW))
    assert without.retention is None and "retention" not in without.to_dict()
    assert [f.to_dict() for f in with_periods.findings] == [f.to_dict() for f in without.findings]
    assert with_periods.findings and with_periods.retention


def _expected(rows: int) -> tuple[int, str, int]:
    """(rows over, the oldest of them, rows without a date) of :func:`_export` on NOW."""
    old = [i for i in range(rows) if i % 40 and i % 25 == 0]
    return len(old), min(f"2019-03-{1 + i % 28:02d}" for i in old), len(range(0, rows, 40))


def _export(path: Path, rows: int) -> None:
    """A customer export: every 40th row has no date, every 25th (not 40th) a Finnish date of 2019, the rest 2024."""
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["nimi", "sahkoposti", "luotu", "paivitetty"])
        for i in range(rows):
            if i % 40 == 0:
                dates = ["", ""]
            elif i % 25 == 0:
                dates = [f"{1 + i % 28}.3.2019", ""]
            else:
                dates = ["2023-02-01", "2024-05-06T10:00:00"]
            out.writerow([["Matti Virtanen", "Liisa Korhonen"][i % 2], f"asiakas{i}@example.fi", *dates])


def test_a_csv_export_is_counted_in_full_even_when_the_scan_samples(tmp_path: Path) -> None:
    export = tmp_path / "asiakkaat_export.csv"
    _export(export, 1000)
    options = ScanOptions(declaration=str(_declaration(tmp_path)), now=NOW, sample_size=100, chunk_rows=64)
    result = scan([str(export)], options)
    assert result.tables[0].truncated and result.tables[0].rows_scanned == 100  # the scan sampled...
    entry = _only(result)
    over, oldest, undated = _expected(1000)
    assert (entry["rows_checked"], entry["rows_over"], entry["rows_without_date"]) == (1000, over, undated)
    assert entry["oldest_over"] == oldest and entry["columns"] == ["luotu", "paivitetty"]
    assert entry["location"] == {"file": str(export)}


def test_a_period_for_every_group_and_the_older_single_period(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    _fill(url)
    data = json.loads(json.dumps(DECLARATION))
    data["retention"] = {"statement": "Viisi vuotta.", "period": "P5Y"}  # the format before periods: still read
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = scan([url], ScanOptions(declaration=str(path), now=NOW))
    assert result.retention is not None
    by_table = {r.location["table"]: r for r in result.retention}
    assert set(by_table) == {"asiakkaat", "henkilosto"}  # tuotteet holds no personal data
    assert by_table["henkilosto"].rows_over == 20 and by_table["henkilosto"].oldest_over == "2001-01-01"
    assert by_table["asiakkaat"].cutoff == "2020-06-30" and by_table["asiakkaat"].subjects == []


def test_the_declaration_format(tmp_path: Path) -> None:
    data = json.loads(json.dumps(DECLARATION))
    declaration = parse_declaration(data, "notice.yaml", taxonomy())
    assert [p.to_dict() for p in declaration.retention_periods] == [
        {"subjects": ["customers"], "period": "P3Y", "counted_from": "latest"}
    ]
    assert declaration.retention == {"statement": DECLARATION["retention"]["statement"]}  # text stays text
    assert declaration.to_dict()["retention"]["periods"][0]["period"] == "P3Y"


@pytest.mark.parametrize(
    ("period", "field"),
    [
        ({"subjects": ["customers"], "period": "three years"}, "retention.periods[0].period"),
        ({"subjects": ["customers"]}, "retention.periods[0].period"),
        ({"subjects": ["nobody"], "period": "P3Y"}, "retention.periods[0].subjects"),
        ({"period": "P3Y", "counted_from": [1]}, "retention.periods[0].counted_from"),
        ({"period": "P3Y", "from": "luotu"}, "retention.periods[0].from"),
    ],
)
def test_an_invalid_period_is_one_clear_error_naming_the_field(period: dict[str, Any], field: str) -> None:
    data = json.loads(json.dumps(DECLARATION))
    data["retention"]["periods"] = [period]
    with pytest.raises(ConfigError) as caught:
        parse_declaration(data, "notice.yaml", taxonomy())
    assert caught.value.field == field
    assert str(caught.value).startswith(f"notice.yaml: field '{field}': ")


def test_an_invalid_period_stops_the_scan_before_it_starts(tmp_path: Path) -> None:
    path = _declaration(tmp_path, periods=[{"subjects": ["customers"], "period": "P3X"}])
    run = CliRunner().invoke(main, ["scan", str(tmp_path), "--declaration", str(path)])
    assert run.exit_code == 2
    assert "field 'retention.periods[0].period': an ISO 8601 duration" in run.output


def test_periods_are_counted_by_the_calendar() -> None:
    assert period_start("P3Y", dt.date(2025, 6, 30)) == dt.date(2022, 6, 30)
    assert period_start("P6M", dt.date(2025, 8, 31)) == dt.date(2025, 2, 28)
    assert period_start("P1Y", dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert period_start("P2W3D", dt.date(2025, 1, 20)) == dt.date(2025, 1, 3)


def _cli(tmp_path: Path, *args: str, now: str = NOW) -> Any:
    return CliRunner().invoke(main, ["scan", *args], env={"PDSCAN_NOW": now, "NO_COLOR": "1"})


def test_fail_on_retention_and_the_json_shape(tmp_path: Path) -> None:
    export = tmp_path / "asiakkaat.csv"
    _export(export, 200)
    notice = str(_declaration(tmp_path))
    run = _cli(tmp_path, str(export), "--declaration", notice, "--fail-on", "retention", "--format", "json", "-q")
    assert run.exit_code == 1, run.output
    document = json.loads(run.stdout)
    assert document["schema_version"] == 1
    (entry,) = document["retention"]
    assert set(entry) == {
        "source", "location", "display", "subjects", "subject", "subject_from", "period", "counted_from", "cutoff",
        "columns", "rows_checked", "rows_over", "oldest_over", "rows_without_date",
    }  # fmt: skip
    assert (entry["rows_over"], entry["oldest_over"], entry["rows_without_date"]) == _expected(200)
    assert all("@" not in str(v) for v in entry.values())  # counts and a day, never a value
    # Counted back from 2018: nothing is over, the run passes.
    passed = _cli(tmp_path, str(export), "--declaration", notice, "--fail-on", "retention", "-q", now="2018-01-01")
    assert passed.exit_code == 0, passed.output
    # Without a declaration there is nothing to check: a usage error.
    assert _cli(tmp_path, str(export), "--fail-on", "retention").exit_code == 2
    bad = _cli(tmp_path, str(export), "--declaration", notice, now="30.6.2025")
    assert bad.exit_code == 2 and "PDSCAN_NOW" in bad.output
    # A saved scan keeps its counts: `report --fail-on retention` reads them.
    saved = tmp_path / "scan.json"
    saved.write_text(run.stdout, encoding="utf-8")
    again = CliRunner().invoke(main, ["report", str(saved), "--fail-on", "retention", "--format", "json"])
    assert again.exit_code == 1 and json.loads(again.stdout)["retention"] == document["retention"]


def test_the_text_and_html_reports_show_it_beside_declared_vs_found(tmp_path: Path) -> None:
    export = tmp_path / "asiakkaat.csv"
    _export(export, 200)
    notice = str(_declaration(tmp_path))
    text = _cli(tmp_path, str(export), "--declaration", notice, "--lang", "en").stdout
    declared, retention = text.index("Declared vs found"), text.index("Retention: the declared periods")
    assert declared < retention < text.index("Findings per folder")
    section = " ".join(text[retention:].split())
    over, oldest, undated = _expected(200)
    assert f"OVER {export}" in section
    assert f"{over} of 200 rows older than P3Y (dated before 2022-06-30), the oldest {oldest}" in section
    assert f"{undated} rows without a date; counted from luotu, paivitetty" in section and "asiakas1@" not in text
    html = tmp_path / "report.html"
    assert _cli(tmp_path, str(export), "--declaration", notice, "--format", "html", "-o", str(html)).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert page.index('id="not-found"') < page.index('id="retention"') < page.index('id="findings"')


def test_the_draft_proposes_periods_for_review() -> None:
    notice = (
        "Tietosuojaseloste\n\nKeräämme asiakkaidemme ja työnhakijoiden tietoja.\n\n"
        "Rekisterin tietosisältö\n\nNimi ja sähköpostiosoite.\n\nTietojen säilytys\n\n"
        "Asiakkaiden tiedot säilytetään asiakassuhteen päättymisestä 3 vuotta. "
        "Työnhakijoiden tiedot poistetaan hakuprosessin päätyttyä 6 kk.\n"
    )
    drafted = draft(notice, "seloste.txt").data
    periods = [{k: p[k] for k in ("subjects", "period", "counted_from")} for p in drafted["retention"]["periods"]]
    assert periods == [
        {"subjects": ["customers"], "period": "P3Y", "counted_from": "latest"},
        {"subjects": ["applicants"], "period": "P6M", "counted_from": "latest"},
    ]
    review = [r for r in drafted["draft"]["review"] if r.startswith("retention: ")]
    assert len(review) == 2 and '"6 kk"' in review[1]
    parse_declaration(drafted, "draft", taxonomy())  # a valid declaration once reviewed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Uppgifterna om kunder sparas i tre år efter det senaste köpet.", ("customers", "P3Y")),
        ("We keep customer data for 5 years after the last order.", ("customers", "P5Y")),
        ("Säilytämme hakijoiden tiedot kuusi kuukautta rekrytoinnin päätyttyä.", ("applicants", "P6M")),
    ],
)
def test_the_draft_reads_periods_in_three_languages(text: str, expected: tuple[str, str]) -> None:
    scope = {
        "Uppgifterna": "Denna policy gäller våra kunder och arbetssökande.\n\n",
        "We": "This notice concerns our customers and job applicants.\n\n",
        "Säilytämme": "Keräämme asiakkaidemme ja työnhakijoiden tietoja.\n\n",
    }[text.split()[0]]
    drafted = draft(scope + text + "\n", "notice.txt").data
    (period,) = drafted["retention"]["periods"]
    assert (period["subjects"][0], period["period"]) == expected
