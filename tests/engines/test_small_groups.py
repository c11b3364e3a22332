"""Issue 25: small tables are detected in groups (one pattern run over all their columns); each table's findings are
exactly those it gets alone, in listing order, and a bad file among them is reported as before."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pdscan.engines import local
from pdscan.engines.options import ScanOptions
from pdscan.scan import scan

FIRST = ["Matti", "Liisa", "Juha", "Anna", "Aino", "Eero", "Sanna"]
LAST = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Laine"]


def _folder(root: Path) -> Path:
    rng = random.Random(25)  # fixed: the same files every run
    headers = [["nimi", "sahkoposti", "puhelin"], ["name", "email", "notes"], ["id", "kaupunki", "huomio"]]
    for i in range(40):
        header = headers[i % len(headers)]
        rows = []
        for _ in range(rng.randint(3, 30)):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            values = {
                "nimi": f"{first} {last}",
                "name": f"{first} {last}",
                "sahkoposti": f"{first.lower()}.{i}{rng.randint(1, 999)}@example.fi",
                "email": f"{last.lower()}{rng.randint(1, 999)}@example.com",
                "puhelin": f"040 {rng.randint(1000000, 9999999)}",
                "notes": rng.choice(["soita 050 123 4567", "ei huomioita", f"{first} {last} kävi"]),
                "id": str(rng.randint(1, 10**6)),
                "kaupunki": rng.choice(["Helsinki", "Espoo", "Oulu"]),
                "huomio": rng.choice(["", "ok", "toimitettu"]),
            }
            rows.append(";".join(values[h] for h in header))
        (root / f"f{i:02d}.csv").write_text(";".join(header) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    # Cases where a column's decisions are its own: prose with its own e-mail handles (a name the lexicon lacks),
    # weak rules backed by a header or not, a HETU that a phone pattern must not reuse, a vetoed school name, dates.
    for i, handle in enumerate(["tandalkarveeraj07", "qmoore", "opearson"]):
        text = (
            f"Yhteyshenkilö Veeraj Tandalkar, {handle}@example.com\nQuilla Moore kävi 3.4.2021, puh. 040 765 4321\n"
            "Postinumero 00100 Helsinki. Otto K. Pearson soitti.\n"
        )
        (root / f"g{i}_notes.txt").write_text(text, encoding="utf-8")
    (root / "h0_codes.csv").write_text("postinumero;koodi\n00100;00100\n33100;33100\n", encoding="utf-8")
    (root / "h1_mixed.csv").write_text(
        "huomio;nimi;luotu\n"
        "hetu 131052-308T puh 0401234567;Ylitalon koulu;2019-05-01\n"
        "soita 131052-308T;Matti Ylitalo;31.12.2020\n"
        "vanha 010203-123X;Liisa Laine;2015-01-05\n",
        encoding="utf-8",
    )
    big = "\n".join(f"{rng.choice(FIRST)} {rng.choice(LAST)};x{j}@example.fi" for j in range(2500))
    (root / "f20_big.csv").write_text("nimi;sahkoposti\n" + big + "\n", encoding="utf-8")  # not small: alone
    (root / "f21_bad.xlsx").write_bytes(b"not a workbook")  # fails: reported, the groups around it go on
    return root


def _shape(result: object) -> list[tuple[object, ...]]:
    findings = result.findings  # type: ignore[attr-defined]
    return [
        (f.location.display(), f.entity, f.confidence, round(f.score, 6), f.match_count, f.values_scanned, f.samples)
        for f in findings
    ]


def test_grouped_small_tables_find_exactly_what_they_find_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    grouped = scan([str(folder)], ScanOptions(full=True))
    monkeypatch.setattr(local, "GROUP_TABLES", 1)  # every table alone
    alone = scan([str(folder)], ScanOptions(full=True))
    assert _shape(grouped) == _shape(alone)
    assert [t.location.file for t in grouped.tables] == [t.location.file for t in alone.tables]
    assert [t.dates for t in grouped.tables] == [t.dates for t in alone.tables]
    assert any(t.dates for t in grouped.tables)
    assert [e.one_line() for e in grouped.errors] == [e.one_line() for e in alone.errors]
    assert len(grouped.tables) == 46 and len(grouped.errors) == 1
    assert {f.entity for f in grouped.findings} >= {"EMAIL_ADDRESS", "PERSON", "PHONE_NUMBER"}
    documents = [f for f in grouped.findings if f.location.file and f.location.file.endswith("_notes.txt")]
    assert {f.entity for f in documents} >= {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"}
