"""A labelled benchmark of realistic Finnish tables with decoys, generated (Faker fi_FI, fixed seed).

Each table is a dict of column name -> (label, values): the label is the entity the column holds, or None for a
decoy. Free-text columns come with the number of cells in which each entity was planted.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from faker import Faker
from synth import (
    ascii_local,
    birth_date,
    card,
    ean13,
    hetu,
    iban_fi,
    landline,
    phone,
    postcode,
    reference_number,
    ytunnus,
)

Column = tuple[str | None, list[str | None]]


@dataclass
class Table:
    name: str
    columns: dict[str, Column]
    # free-text column -> entity -> number of cells it was planted in
    planted: dict[str, dict[str, int]] = field(default_factory=dict)


def _col(
    rows: int, label: str | None, make: Callable[[], str | None], blanks: float = 0.0, rng: random.Random | None = None
) -> Column:
    assert rng is not None
    return label, [None if rng.random() < blanks else make() for _ in range(rows)]


def build(seed: int = 4242, rows: int = 1500) -> list[Table]:
    fake = Faker("fi_FI")
    Faker.seed(seed)
    rng = random.Random(seed)

    def col(label: str | None, make: Callable[[], str | None], blanks: float = 0.0) -> Column:
        return _col(rows, label, make, blanks, rng)

    def h(*names: str) -> str:
        """A header in one of the ways exports write it (Finnish, Swedish, English, or meaningless)."""
        return rng.choice(names)

    def day() -> str:
        return (dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 600))).isoformat()

    def street() -> str:
        flat = f" {rng.choice('ABCDEF')} {rng.randint(1, 40)}" if rng.random() < 0.5 else ""
        return f"{fake.street_name()} {rng.randint(1, 120)}{flat}"

    def email() -> str:
        domain = rng.choice(["example.fi", "example.com", "yritys.example"])
        return f"{ascii_local(fake.first_name())}.{rng.randint(1, 999)}@{domain}"

    crm = Table(
        "crm",
        {
            "asiakas_id": col("CUSTOMER_NUMBER", lambda: f"{rng.randint(1, 99999)}"),
            h("Etunimi", "förnamn", "firstName", "etunimi"): col("PERSON", fake.first_name),
            h("Sukunimi", "efternamn", "last_name", "LastName"): col("PERSON", fake.last_name),
            h("Sähköposti", "e-post", "email_address", "sahkoposti"): col("EMAIL_ADDRESS", email, blanks=0.1),
            h("puhnro", "GSM", "mobiili", "telefon", "phoneNumber"): col(
                "PHONE_NUMBER", lambda: phone(rng), blanks=0.15
            ),
            h("Lähiosoite", "gatuadress", "street_address", "Katuosoite"): col("STREET_ADDRESS", street),
            h("Postinumero", "postnummer", "zip", "postal_code"): col("FI_POSTAL_CODE", lambda: postcode(rng)),
            "Postitoimipaikka": col(None, fake.city),
            "Yritys": col(None, fake.company),
            h("Y-tunnus", "business_id", "ytunnus", "FO-nummer"): col("FI_BUSINESS_ID", lambda: ytunnus(rng)),
            "Titteli": col(None, fake.job),
            "Luotu": col(None, lambda: f"{day()}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"),
            "Tila": col(None, lambda: rng.choice(["aktiivinen", "passiivinen", "prospekti"])),
        },
    )

    hr = Table(
        "hr",
        {
            h("Henkilötunnus", "hetu", "personnummer", "ssn"): col(
                "FI_PERSONAL_IDENTITY_CODE", lambda: hetu(rng, birth_date(rng))
            ),
            "koko_nimi": col(
                "PERSON",
                lambda: (
                    f"{fake.last_name()}, {fake.first_name()}"
                    if rng.random() < 0.3
                    else f"{fake.first_name()} {fake.last_name()}"
                ),
            ),
            h("Syntymäaika", "födelsedatum", "date_of_birth", "syntymapvm"): col(
                "DATE_OF_BIRTH", lambda: birth_date(rng).strftime("%-d.%-m.%Y")
            ),
            h("Tilinumero", "IBAN", "kontonummer", "bank_account"): col(
                "IBAN_CODE", lambda: iban_fi(rng, spaced=rng.random() < 0.5)
            ),
            h("Työpuhelin", "tel", "puhelin", "phone"): col("PHONE_NUMBER", lambda: landline(rng)),
            "Ammattiliitto": col(
                "TRADE_UNION",
                lambda: rng.choice(["PAM", "JHL", "Pro", "Tehy", "Teollisuusliitto", "YTN", "Insinööriliitto"]),
                blanks=0.4,
            ),
            "Erityisruokavalio": col(
                "HEALTH_DATA",
                lambda: rng.choice(
                    ["keliakia", "laktoositon", "pähkinäallergia", "gluteeniton, laktoositon", "diabetes"]
                ),
                blanks=0.5,
            ),
            "Uskontokunta": col(
                "RELIGION",
                lambda: rng.choice(["evankelis-luterilainen", "ortodoksinen", "ei uskontokuntaa", "katolinen"]),
                blanks=0.3,
            ),
            "Aloituspäivä": col(None, day),
            "Palkka": col(None, lambda: f"{rng.randint(2200, 8000)}.00"),
            "Osasto": col(None, lambda: rng.choice(["Myynti", "Talous", "IT", "Tuotanto", "HR"])),
            "Henkilöstönumero": col("CUSTOMER_NUMBER", lambda: f"{rng.randint(1000, 9999)}"),
        },
    )

    orders = Table(
        "orders",
        {
            "tilausnumero": col(None, lambda: f"2024{rng.randint(0, 999999):06d}"),
            "viitenumero": col(None, lambda: reference_number(rng)),
            "ean": col(None, lambda: ean13(rng)),
            "tuotenimi": col(
                None,
                lambda: (
                    f"{rng.choice(['Kahvinkeitin', 'Pölynimuri', 'Tehosekoitin', 'Vedenkeitin'])}"
                    f" {rng.choice(['Aroma', 'Tuuli', 'Myrsky', 'Kuohu', 'Lumi', 'Helmi'])}"
                ),
            ),
            "sku": col(None, lambda: f"ESM-{rng.randint(1000, 9999)}-{rng.choice('ABCDEFG')}"),
            "hinta": col(None, lambda: f"{rng.randint(5, 500)},{rng.randint(0, 99):02d}"),
            "määrä": col(None, lambda: str(rng.randint(1, 40))),
            "tilauspäivä": col(None, day),
            "toimituskaupunki": col(None, fake.city),
            "asiakkaan_ip": col("IP_ADDRESS", lambda: fake.ipv4_public() if rng.random() < 0.8 else fake.ipv6()),
            "kortti": col("CREDIT_CARD", lambda: card(rng), blanks=0.6),
            "koodi": col(None, lambda: hetu(rng, birth_date(rng), valid=False)),  # HETU-shaped, checksum wrong
            "toimittaja_tunnus": col(None, lambda: ytunnus(rng, valid=False)),  # Y-tunnus-shaped, checksum wrong
            "versio": col(None, lambda: f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 99)}"),
        },
    )

    # Columns whose names say nothing: only the values can tell.
    anonymous = Table(
        "export_without_headers",
        {
            "c1": col("EMAIL_ADDRESS", lambda: f"{ascii_local(fake.last_name())}{rng.randint(1, 99)}@example.org"),
            "c2": col("PHONE_NUMBER", lambda: phone(rng)),
            "c3": col("FI_PERSONAL_IDENTITY_CODE", lambda: hetu(rng, birth_date(rng, 1950, 70))),
            "c4": col("IBAN_CODE", lambda: iban_fi(rng)),
            "c5": col("PERSON", lambda: f"{fake.first_name()} {fake.last_name()}"),
            "c6": col("FI_BUSINESS_ID", lambda: ytunnus(rng)),
            "c7": col("STREET_ADDRESS", lambda: f"{street()}, {postcode(rng)} {fake.city()}"),
            "c8": col(None, lambda: f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.randint(1950, 2005)}"),
            "c9": col(None, fake.city),
            "c10": col(None, lambda: str(rng.randint(10_000_000, 99_999_999))),
            "c11": col(None, lambda: f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"),
            "c12": col(None, lambda: ean13(rng)),
        },
    )

    texts, planted = _free_text(fake, rng, rows)
    notes = Table("notes", {name: ("FREE_TEXT", values) for name, values in texts.items()}, planted)
    return [crm, hr, orders, anonymous, notes]


_NEUTRAL = [
    "Toimitus siirtyy ensi viikolle.",
    "Tilaus {order} vahvistettu {date}.",
    "Lasku lähetetty, eräpäivä {date}.",
    "Asiakas kiinnostunut laajennuksesta.",
    "Hinta {price} euroa sisältää alv:n.",
    "Kokous siirretty klo 14:30.",
    "Tuote {ean} loppu varastosta.",
    "Palautus käsitelty, viite {ref}.",
    "Versio 2.4.1 asennettu palvelimelle.",
]


def _free_text(
    fake: Faker, rng: random.Random, rows: int
) -> tuple[dict[str, list[str | None]], dict[str, dict[str, int]]]:
    """One free-text column per entity: half of the cells mention it inside a sentence, half are neutral decoys."""

    def neutral() -> str:
        return rng.choice(_NEUTRAL).format(
            order=f"2024{rng.randint(0, 999999):06d}",
            date=f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.2024",
            price=f"{rng.randint(5, 900)},00",
            ean=ean13(rng),
            ref=reference_number(rng),
        )

    mentions: dict[str, Callable[[], str]] = {
        "EMAIL_ADDRESS": lambda: f"Lähetä tarjous osoitteeseen {ascii_local(fake.first_name())}@example.fi kiitos.",
        "PHONE_NUMBER": lambda: f"Soittakaa numeroon {phone(rng)} iltapäivällä.",
        "FI_PERSONAL_IDENTITY_CODE": lambda: f"Henkilötunnus {hetu(rng, birth_date(rng))} tarkistettu.",
        "IBAN_CODE": lambda: f"Palautus tilille {iban_fi(rng, spaced=True)} viikon sisällä.",
        "FI_BUSINESS_ID": lambda: f"Toimittajan Y-tunnus on {ytunnus(rng)}.",
        "PERSON": lambda: rng.choice(
            [
                f"Yhteyshenkilönä toimii {fake.first_name()} {fake.last_name()}.",
                f"Soita {rng.choice(['Matille', 'Liisalle', 'Pekalle', 'Annalle', 'Jukalle'])} huomenna.",
                f"Tapasin eilen {rng.choice(['Virtasen', 'Korhosen', 'Mäkisen', 'Niemisen', 'Heikkisen'])} messuilla.",
            ]
        ),
        "STREET_ADDRESS": lambda: (
            f"Toimitus osoitteeseen {fake.street_name()} {rng.randint(1, 99)} "
            f"{rng.choice('ABC')} {rng.randint(1, 30)}, {postcode(rng)} {fake.city()}."
        ),
        "IP_ADDRESS": lambda: f"Kirjautuminen osoitteesta {fake.ipv4_public()} estettiin.",
        "HEALTH_DATA": lambda: rng.choice(
            [
                "Asiakkaalla pähkinäallergia, huomioi tarjoilussa.",
                "Työntekijä sairauslomalla maaliskuun loppuun.",
                "Osallistujalla keliakia.",
            ]
        ),
    }
    texts: dict[str, list[str | None]] = {}
    planted: dict[str, dict[str, int]] = {}
    for entity, make in mentions.items():
        column = f"muistiinpano_{entity.lower()}"
        values: list[str | None] = []
        count = 0
        for _ in range(rows // 3):
            if rng.random() < 0.5:
                values.append(f"{neutral()} {make()}")
                count += 1
            else:
                values.append(neutral())
        texts[column] = values
        planted[column] = {entity: count}
    return texts, planted


# Filled by test_quality.py as it measures; printed at the end of the run by conftest.py.
REPORT: dict[str, Any] = {}


def quality_summary() -> list[str]:
    lines = []
    if "columns" in REPORT:
        lines.append("column-level detection on the labelled benchmark (precision / recall, TP FP FN):")
        for entity, (p, r, tp, fp, fn) in REPORT["columns"].items():
            lines.append(f"  {entity:<28} P {p:.3f}  R {r:.3f}   {tp:>3} {fp:>3} {fn:>3}")
    if "realworld" in REPORT:
        lines.append("hand-labelled real-world columns (tests/data/realworld_columns.yaml; P / R, TP FP FN):")
        for entity, (p, r, tp, fp, fn) in REPORT["realworld"].items():
            lines.append(f"  {entity:<28} P {p:.3f}  R {r:.3f}   {tp:>3} {fp:>3} {fn:>3}")
    if "vectors" in REPORT:
        lines.append("other projects' test vectors (valid found / invalid accepted as a whole value):")
        for entity, score in sorted(REPORT["vectors"].items()):
            lines.append(f"  {entity:<28} {score.found}/{score.valid} found, {score.accepted}/{score.invalid} accepted")
    if "text" in REPORT:
        lines.append("cell-level recall in free text (planted mentions found):")
        for entity, (recall, _, _) in REPORT["text"].items():
            lines.append(f"  {entity:<28} {recall:.3f}")
    return lines
