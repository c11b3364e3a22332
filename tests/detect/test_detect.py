"""The detector core: a pure function of one batch, with an associative merge of its statistics."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from pdscan.detect import columns
from pdscan.detect.core import DetectOptions, detect_batch
from pdscan.detect.findings import column_findings
from pdscan.detect.rules import load_rules
from pdscan.detect.stats import ColumnStats, merge_stats
from pdscan.model import Batch, Column, Location

RULES = load_rules()
OPTIONS = DetectOptions(max_samples=3)


def _batch(**columns: list[str | None]) -> Batch:
    rows = max(len(v) for v in columns.values())
    return Batch([Column(name, pa.array(values, pa.string())) for name, values in columns.items()], rows)


def _values(n: int, seed: int) -> list[str | None]:
    rng = random.Random(seed)
    pool = [
        "matti@example.fi",
        "040 123 4567",
        "131052-308T",
        "FI21 1234 5600 0007 85",
        "Helsinki",
        None,
        "",
        "x",
    ]
    return [rng.choice(pool) for _ in range(n)]


def test_counts_are_per_value_with_repeats_and_blanks() -> None:
    stats = detect_batch(_batch(c=["a@b.fi", "a@b.fi", " a@b.fi ", None, "", "  ", "text"]), RULES, OPTIONS)["c"]
    assert stats.rows == 7
    assert stats.values == 4  # blanks and nulls are not values
    email = stats.rules["email"]
    assert email.match_count == 3
    assert email.full_match_count == 3
    assert email.samples == ("a***@b.fi",)


def test_show_data_keeps_raw_samples_only_when_asked() -> None:
    raw = detect_batch(_batch(c=["matti@example.fi"]), RULES, DetectOptions(show_data=True))["c"]
    masked = detect_batch(_batch(c=["matti@example.fi"]), RULES, OPTIONS)["c"]
    assert raw.rules["email"].samples == ("matti@example.fi",)
    assert masked.rules["email"].samples == ("m***@example.fi",)


def test_a_rule_yields_its_characters_to_the_rules_it_names() -> None:
    # A valid HETU is not also a phone number, and a Y-tunnus is not a phone number.
    stats = detect_batch(_batch(c=["131052-308T", "0737546-2"]), RULES, OPTIONS)["c"]
    assert stats.rules["fi-hetu"].match_count == 1
    assert stats.rules["fi-business-id"].match_count == 1
    assert "phone" not in stats.rules


def test_checksum_failures_are_counted_as_rejected() -> None:
    stats = detect_batch(_batch(c=["131052-308X", "131052-308T"]), RULES, OPTIONS)["c"]
    hetu = stats.rules["fi-hetu"]
    assert (hetu.match_count, hetu.confirmed, hetu.rejected) == (1, 1, 1)


def test_text_mentions_are_matches_but_not_full_matches() -> None:
    stats = detect_batch(_batch(c=["Soita 040 123 4567 huomenna", "0401234567"]), RULES, OPTIONS)["c"]
    phone = stats.rules["phone"]
    assert (phone.match_count, phone.full_match_count) == (2, 1)


def test_binary_columns_are_not_scanned() -> None:
    batch = Batch([Column("blob", pa.array(["matti@example.fi"]), kind="binary")], 1)
    assert detect_batch(batch, RULES, OPTIONS)["blob"].rules == {}


def _as_tuple(stats: dict[str, ColumnStats]) -> dict[str, object]:
    return {
        name: (
            s.rows,
            s.values,
            {
                k: (v.match_count, v.full_match_count, v.confirmed, v.rejected, v.samples)
                for k, v in sorted(s.rules.items())
            },
        )
        for name, s in stats.items()
    }


def test_merge_is_associative_and_equals_one_big_batch() -> None:
    values = _values(3000, seed=7)
    parts = [values[i : i + 700] for i in range(0, len(values), 700)]
    results = [detect_batch(_batch(c=p), RULES, OPTIONS) for p in parts]
    left = results[0]
    for r in results[1:]:
        left = merge_stats(left, r, 3)
    right = results[-1]
    for r in reversed(results[:-1]):
        right = merge_stats(r, right, 3)
    whole = detect_batch(_batch(c=values), RULES, OPTIONS)
    assert _as_tuple(left) == _as_tuple(right)
    counts = {k: v[:4] for k, v in _as_tuple(whole)["c"][2].items()}  # type: ignore[index]
    assert {k: v[:4] for k, v in _as_tuple(left)["c"][2].items()} == counts  # type: ignore[index]


def test_detect_is_pure() -> None:
    batch = _batch(c=_values(500, seed=3))
    assert _as_tuple(detect_batch(batch, RULES, OPTIONS)) == _as_tuple(detect_batch(batch, RULES, OPTIONS))


def _finding(column: str, values: list[str | None]) -> list[tuple[str, str]]:
    stats = detect_batch(_batch(**{column: values}), RULES, OPTIONS)[column]
    return [(f.entity, f.confidence) for f in column_findings("src", Location(file="f.csv"), stats, RULES)]


def test_confidence_from_values_and_name() -> None:
    emails = [f"user{i}@example.fi" for i in range(50)]
    assert _finding("Sähköposti", emails) == [("EMAIL_ADDRESS", "high")]
    # A number in its country's numbering plan proves itself; a shape no validator proves needs more values.
    assert _finding("x", ["040 123 4567"]) == [("PHONE_NUMBER", "high")]
    assert _finding("x", ["Mannerheimintie 12 A 3"]) == [("STREET_ADDRESS", "medium")]
    assert _finding("osoite", ["Mannerheimintie 12 A 3"]) == [("STREET_ADDRESS", "high")]
    assert _finding("x", ["Matti Virtanen"]) == [("PERSON", "low")]
    phones = [f"040 123 45{i:02d}" for i in range(20)]
    assert _finding("x", phones) == [("PHONE_NUMBER", "high")]
    assert _finding("puhelin", phones) == [("PHONE_NUMBER", "high")]
    # Values that are not phone numbers contradict the column name; an empty column is a note, not a finding.
    assert _finding("puhelin", ["ei ole", "-"]) == []
    assert _finding("email", [None, None]) == []
    # Nothing personal, nothing reported.
    assert _finding("tuotenimi", ["Kahvinkeitin", "Vedenkeitin"]) == []


def test_many_checksum_failures_lower_the_confidence() -> None:
    # 30 HETU-shaped values of which one passes by chance: not a HETU column.
    shaped = [f"{d:02d}0190-{n:03d}A" for d, n in zip(range(1, 31), range(100, 130), strict=True)]
    stats = detect_batch(_batch(c=[*shaped, "131052-308T"]), RULES, OPTIONS)["c"]
    findings = column_findings("src", Location(file="f.csv"), stats, RULES)
    hetu = [f for f in findings if f.entity == "FI_PERSONAL_IDENTITY_CODE"]
    assert stats.rules["fi-hetu"].rejected >= 29
    assert not hetu or hetu[0].confidence == "low"
    if hetu:
        assert any("look-alikes rejected" in r for r in hetu[0].reasons)


def test_confidence_follows_the_share_of_matching_values() -> None:
    # Fifteen surnames in a thousand notes: a coincidence of words, not a column of names.
    notes = [f"Tilaus {i} toimitettu ajallaan" for i in range(985)]
    names = [f"Matti Virtanen {i}" for i in range(15)]
    mixed = _finding("kommentti", notes + [f"Yhteyshenkilö Matti Virtanen, tilaus {i}" for i in range(15)])
    assert mixed == [("PERSON", "low")]
    assert _finding("kommentti", notes[:60] + [f"Soitti Matti Virtanen asiasta {i}" for i in range(40)]) == [
        ("PERSON", "high")
    ]
    assert names and _finding(
        "x",
        [
            f"{f} {s}"
            for f, s in zip(["Matti", "Anna", "Pekka"] * 10, ["Virtanen", "Korhonen", "Laine"] * 10, strict=True)
        ],
    ) == [("PERSON", "high")]
    # A check digit proves one HETU in a hundred notes.
    hetu_notes = [f"Asiakas soitti {i}" for i in range(99)] + ["Asiakkaan henkilötunnus 131052-308T"]
    assert ("FI_PERSONAL_IDENTITY_CODE", "high") in _finding("muistiinpano", hetu_notes)
    # So do an address's syntax and a phone number's plan, whatever their share of the texts.
    mail_notes = [f"Asiakas soitti {i}" for i in range(95)] + [
        f"Vastaus osoitteeseen u{i}@example.fi" for i in range(5)
    ]
    assert ("EMAIL_ADDRESS", "high") in _finding("muistiinpano", mail_notes)
    phone_notes = [f"Asiakas soitti {i}" for i in range(95)] + [f"Soita 040 123 45{i:02d}" for i in range(5)]
    assert ("PHONE_NUMBER", "high") in _finding("muistiinpano", phone_notes)


def test_one_shape_where_few_validate_is_coincidence() -> None:
    batch_codes = [f"{n}-{n % 7}" for n in range(4_620_710, 4_620_740)]  # a code shape, some valid Luhn by chance
    assert not any(e == "CREDIT_CARD" for e, _ in _finding("koodi", batch_codes))
    assert _finding("batch", [f"0462{n:03d}/8" for n in range(71, 86)]) == []  # not phones cut out of codes
    zips = _finding("zip", ["04401-5112", "02134-1420", "10001-2310", "94105-1804", "60614-3302"])
    assert not any(e == "PHONE_NUMBER" for e, _ in zips)  # US ZIP+4 codes, not Finnish mobiles


def test_lone_words_need_a_header_that_says_names() -> None:
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] * 2
    assert _finding("Month", months) == []
    first_names = ["Matti", "Anna", "Jussi", "Liisa", "Pekka", "Sari", "Juha", "Tiina", "Mikko", "Päivi"]
    assert _finding("x", first_names) == []
    assert _finding("etunimi", first_names) == [("PERSON", "high")]
    assert _finding("kunta", ["HELSINKI", "ESPOO", "VANTAA", "TURKU", "SALO", "PORI", "KEMI", "RAAHE"]) == []
    assert _finding("Sex", ["M", "F", "F", "M", "M", "F"] * 4) == []


def test_names_of_places_and_institutions_are_not_persons() -> None:
    places = [
        "Eliel Saarisen tie",
        "Aleksis Kiven katu",
        "Sibeliuksen puisto",
        "Jarkko Nieminen Areena",
        "Robert Gordon University",
        "Paavo Nurmen stadion",
        "Tove Janssonin puisto",
        "Urho Kekkosen katu",
    ]
    assert _finding("kohde", places) == []
    people = ["Matti Puisto", "Anna Talo", "Pekka Torni", "Liisa Satama", "Jussi Halli", "Sari Laine"]
    assert _finding("x", people) == [("PERSON", "high")]
    assert _finding("stop_name", ["Kamppi", "Eliel Saarisen tie", "Mannerheimintie", "Lasipalatsi"] * 3) == []


def test_health_words_in_names_of_institutions_are_not_health_data() -> None:
    institutions = [
        "Allergiasairaala",
        "Institute of Cancer Research",
        "Cancer Research UK",
        "Diabetesliitto",
        "Syöpäsäätiö",
        "Mielenterveystalo",
        "cancer_registry",
        "diabetes_stats",
    ]
    assert _finding("laitos", institutions) == []
    about_people = ["Asiakkaalla pähkinäallergia", "keliakia", "Diabetes tyyppi 1", "sairauslomalla viikon"] * 3
    assert _finding("lisätiedot", about_people) == [("HEALTH_DATA", "medium")]
    assert _finding("terveystiedot", about_people) == [("HEALTH_DATA", "high")]


def test_short_rare_and_place_names_are_weak_alone_and_together() -> None:
    codes = ["PA MI", "KA PA", "MI KA", "S C", "PA KA", "MI PA"] * 3
    assert _finding("x", codes) == []
    places = ["Suomi Saksa", "Lappi Uusimaa", "Kamppi Vanda", "Lovisa Suomi", "Saksa Lappi", "Uusimaa Kamppi"] * 2
    assert _finding("x", places) == []
    people = ["Matti Suomi", "Anna Lappi", "Pekka Saksa", "Liisa Uusimaa", "Jussi Kamppi", "Sari Neste"] * 2
    assert _finding("x", people) == [("PERSON", "high")]


def test_a_prefilter_skipped_on_a_sample_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A column where nearly every value holds a digit skips the digit prefilter's pass (issue 25); the statistics
    are those of the prefilter run on every value, and of no prefilter at all."""
    rng = random.Random(25)
    values: list[str | None] = [
        f"asiakas {rng.randrange(10**9)} soitti numerosta 040 {i:03d} 4567" for i in range(6000)
    ]
    values += ["ei numeroa tässä", "131052-308T", "matti@example.fi"] * 50
    batch = _batch(notes=values, ids=[f"{i:07d}" for i in range(len(values))])
    seen = {}
    for worth in (0.0, 0.9, 2.0):  # always skipped, decided by the sample, never skipped
        monkeypatch.setattr(columns, "_PREFILTER_WORTH", worth)
        seen[worth] = detect_batch(batch, RULES, OPTIONS)
    assert seen[0.0] == seen[0.9] == seen[2.0]
    assert seen[0.9]["notes"].rules["phone"].match_count == 6000
