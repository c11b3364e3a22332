"""The evidence model (pdscan/detect/evidence.py): each item with a vector that tests it alone."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from pdscan.detect.core import DetectOptions, detect_batch, detect_small
from pdscan.detect.evidence import header_only
from pdscan.detect.findings import column_findings, document_findings
from pdscan.detect.rules import load_rules
from pdscan.detect.validators import Outcome, fi_postal_code
from pdscan.engines.options import ScanOptions
from pdscan.model import Batch, Column, Location
from pdscan.scan import scan

RULES = load_rules()


def _column(name: str, values: list[str | None]) -> dict[str, str]:
    stats = detect_batch(Batch([Column(name, pa.array(values, pa.string()))], len(values)), RULES, DetectOptions())
    return {f.entity: f.confidence for f in column_findings("s", Location(file="t.csv"), stats[name], RULES)}


def _document(parts: dict[str, list[str]]) -> dict[str, str]:
    longest = max(len(v) for v in parts.values())
    columns = [
        Column(part, pa.array(values + [None] * (longest - len(values)), pa.string()), prose=True)
        for part, values in parts.items()
    ]
    stats = detect_batch(Batch(columns, longest), RULES, DetectOptions())
    found = document_findings("s", Location(file="cv.pdf"), list(stats.values()), RULES)
    assert all(f.location.column is None and f.parts for f in found)  # one finding per entity, for the document
    return {f.entity: f.confidence for f in found}


def test_a_header_raises_what_the_values_give_but_never_creates_it() -> None:
    products = [f"Tuote {i}" for i in range(95)] + ["Matti Virtanen", "Anna Korhonen", "Liisa Laine", "Pekka Salo"]
    # 4 % of the values are names: under "Nimi" as under any other header, no more than low.
    assert _column("Nimi", products).get("PERSON") in (None, "low")
    assert _column("x", products).get("PERSON") in (None, "low")
    people = ["Matti Virtanen", "Anna Korhonen", "Liisa Laine", "Pekka Salo", "Jussi Niemi"] * 4
    assert _column("Nimi", people) == {"PERSON": "high"}


def test_values_that_are_not_names_contradict_a_name_header() -> None:
    assert _column("partyResults.name", ["KOK", "SDP", "PS", "KESK", "VIHR"] * 3) == {}
    assert _column("name.suffix", ["Jr.", "III", "Sr.", "II"] * 3) == {}


def test_json_paths_are_read_by_their_last_segment_and_its_parent() -> None:
    names = ["Brandon Lowe", "Lisa Rodman", "Ava Oneil", "Mark Brown", "John Smith"] * 3
    assert _column("user.name", names) == {"PERSON": "high"}
    assert _column("retweeted_status.user.name", names) == {"PERSON": "high"}
    assert "PERSON" not in _column("company.name", names)


def test_lone_words_count_only_under_a_first_name_or_surname_header() -> None:
    places = ["Aldershot", "Barnsley", "Bolton", "Preston", "Warrington", "Crewe", "Bury", "Wigan"] * 2
    assert "PERSON" not in _column("pcon_name", places)
    surnames = ["Butt", "Darakjy", "Venere", "Paprocki", "Foller", "Morasca", "Tollner", "Dilliard"] * 2
    surnames += ["Smith", "Brown", "Miller", "Moore"]
    assert _column("last_name", surnames).get("PERSON") in ("medium", "high")


def test_most_name_shaped_values_not_being_names_is_evidence_against() -> None:
    zones = [f"{a} {b}" for a in ("Upper", "Lower", "Midtown", "East", "West") for b in ("Side", "Village", "Park")]
    zones = [*zones * 10, "Lincoln Square", "Clinton Hill", "Morris Heights"]
    assert "PERSON" not in {e for e, c in _column("pickup_zone", zones).items() if c != "low"}


def test_an_empty_column_named_for_an_entity_is_a_note_not_a_finding() -> None:
    stats = detect_batch(
        Batch([Column("henkilötunnus", pa.array([None, None], pa.string()))], 2), RULES, DetectOptions()
    )
    hetu = next(r for r in RULES if r.dsar_identifier == "hetu")
    assert column_findings("s", Location(file="t.csv"), stats["henkilötunnus"], RULES) == []
    note = header_only(hetu, stats["henkilötunnus"])
    assert note is not None and "header only" in note


def test_a_categorical_column_named_for_a_special_category_holds_it() -> None:
    assert _column("HispanicLatino", ["No", "Yes", "No", "no", "No", "Yes"] * 5) == {"ETHNICITY": "medium"}
    assert _column("HispanicLatino", [f"note {i}" for i in range(30)]) == {}  # not categories


def test_a_proven_value_is_real_whatever_its_share() -> None:
    notes = [f"Asiakas soitti {i}" for i in range(990)] + [f"Soita 040 123 45{i:02d}" for i in range(10)]
    assert _column("muistiinpano", notes)["PHONE_NUMBER"] == "high"
    log = [f"worker {i} done in {i} ms" for i in range(980)] + [f"client 85.76.12.{i} connected" for i in range(20)]
    assert _column("message", log)["IP_ADDRESS"] == "high"


def test_a_document_weighs_labels_lines_of_their_own_and_contact_cards() -> None:
    cv = {
        "page 1": [
            "Matti Virtanen",
            "Puh. 040 123 4567",
            "matti.virtanen@example.fi",
            "Mannerheimintie 12 A 3, 00100 Helsinki",
            "Syntymäaika: 12.3.1985",
        ],
        "page 2": ["Työkokemus", "Ohjelmistokehittäjä, Esimerkki Oy 2015-2020"],
    }
    found = _document(cv)
    assert {e: found[e] for e in ("PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "STREET_ADDRESS")} == dict.fromkeys(
        ("PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "STREET_ADDRESS"), "high"
    )
    assert found["DATE_OF_BIRTH"] in ("medium", "high")


def test_a_number_without_its_country_code_counts_beside_a_label_or_on_a_contact_card() -> None:
    assert "PHONE_NUMBER" not in _document({"body": ["Invoice 2024 total (201) 555-0123 units"]})
    assert "PHONE_NUMBER" in _document({"body": ["Phone: (201) 555-0123"]})
    card = {"body": ["Leila Marston", "1209 Page St, Apt 7, San Francisco, CA 94117", "(201) 555-0123"]}
    assert _document(card).get("PHONE_NUMBER") in ("medium", "high")


def test_an_email_address_spells_a_name_the_lexicons_lack() -> None:
    assert _document({"body": ["Veeraj Tandalkar", "tandalkarveeraj07@example.com"]}).get("PERSON") == "high"
    assert "PERSON" not in _document({"body": ["Veeraj Tandalkar", "info@example.com"]})


def test_a_document_spells_names_for_itself_when_documents_are_detected_together() -> None:
    """Documents go through the name matcher in one call (detect_small): each keeps its own e-mail handles."""

    def batch(lines: list[str]) -> Batch:
        return Batch([Column("body", pa.array(lines, pa.string()), prose=True)], len(lines))

    unknown = batch(["Veeraj Tandalkar", "info@example.com"])  # the name, but its address is in another document
    spelling = batch(["Kiitos viestistä", "tandalkarveeraj07@example.com"])
    named = batch(["Veeraj Tandalkar", "tandalkarveeraj07@example.com"])
    stats = list(detect_small([unknown, spelling, named], RULES, DetectOptions()))
    found = [
        {f.entity for f in document_findings("s", Location(file=f"{i}.pdf"), list(s.values()), RULES)}
        for i, s in enumerate(stats)
    ]
    assert "PERSON" not in found[0] and "PERSON" not in found[1]
    assert "PERSON" in found[2]


def test_finnish_postal_codes_are_the_codes_in_use() -> None:
    assert fi_postal_code("00100").outcome is Outcome.CONFIRM
    assert fi_postal_code("33100 Tampere").detail == "postal code with its post office"
    assert fi_postal_code("33100 Oulu").detail is None  # in use, but not that town's code
    assert fi_postal_code("70116").outcome is Outcome.REJECT  # a US ZIP code (New Orleans), not Finnish
    assert "FI_POSTAL_CODE" not in _column("zip", ["70116", "99501", "10001", "60614", "94105"] * 4)


@pytest.mark.parametrize(
    ("name", "html", "entity"),
    [
        ("cv.html", "<figure><figcaption>Date of birth</figcaption>\n  26.06.1987\n</figure>", "DATE_OF_BIRTH"),
        ("profile.html", "<dl><dt>Puhelin</dt><dd>(201) 555-0123</dd></dl>", "PHONE_NUMBER"),
    ],
)
def test_html_labels_stay_beside_their_values(tmp_path: Path, name: str, html: str, entity: str) -> None:
    (tmp_path / name).write_text(f"<html><body>{html}</body></html>", encoding="utf-8")
    result = scan([str(tmp_path / name)], ScanOptions())
    assert entity in {f.entity for f in result.findings}


def test_a_text_file_without_a_delimiter_is_a_document(tmp_path: Path) -> None:
    (tmp_path / "cv.txt").write_text(
        "ANSIOLUETTELO\nMatti Virtanen\nPuhelin: 040 123 4567\nmatti.virtanen@example.fi\n", encoding="utf-8"
    )
    result = scan([str(tmp_path / "cv.txt")], ScanOptions())
    assert result.tables[0].document == "text"
    assert {f.entity for f in result.findings} >= {"PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS"}
    assert all(f.location.column is None for f in result.findings)
