"""A person planted across a database and an export folder in many written forms, with look-alikes.

The person: Matti Virtanen, matti.virtanen@example.fi, 040 123 4567, 131052-308T. Every planted row is listed in
``EXPECTED`` with how it must be found; everything else (hundreds of other people, a namesake with other
identifiers, a phone number one digit off) must not be a direct match.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

import sqlalchemy as sa

EMAIL, PHONE, HETU, NAME = "matti.virtanen@example.fi", "040 123 4567", "131052-308T", "Matti Virtanen"

metadata = sa.MetaData()
customers = sa.Table(
    "asiakkaat",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("etunimi", sa.String(100)),
    sa.Column("sukunimi", sa.String(100)),
    sa.Column("sahkoposti", sa.String(200)),
    sa.Column("puhelin", sa.String(50)),
    sa.Column("hetu", sa.String(20)),
)
orders = sa.Table(
    "tilaukset",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("asiakas_id", sa.Integer, sa.ForeignKey("asiakkaat.id")),
    sa.Column("tuote", sa.String(100)),
    sa.Column("lisatiedot", sa.Text),
)
order_lines = sa.Table(
    "tilausrivit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("tilaus_id", sa.Integer, sa.ForeignKey("tilaukset.id")),
    sa.Column("tuote", sa.String(100)),
    sa.Column("maara", sa.Integer),
)
tickets = sa.Table(
    "tukipyynnot",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("viesti", sa.Text),
)

# (location suffix, key) -> kind it must be found as: direct, name, related
EXPECTED_DB: dict[tuple[str, int], str] = {
    ("asiakkaat", 1): "direct",  # every identifier, the email in other case, the HETU in lower case
    ("asiakkaat", 2): "name",  # a namesake: same name, other email, phone and HETU
    ("tilaukset", 10): "related",
    ("tilaukset", 11): "related",
    ("tilausrivit", 100): "related",  # two hops: a line of order 10
    ("tilausrivit", 101): "related",
    ("tukipyynnot", 1): "direct",  # phone in free text without separators
    ("tukipyynnot", 2): "direct",  # upper-case email in free text, next to another person's email and name
    ("tukipyynnot", 3): "name",  # "Matti Virtaselle": an inflected name only
}
EXPECTED_FILES: dict[tuple[str, int], str] = {
    ("crm.csv", 3): "direct",  # "Virtanen Matti", a padded email, (+358) 401234567
    ("crm.csv", 5): "name",  # "Matti Virtanen" with other identifiers
    ("asiakkaat.xlsx", 2): "direct",  # "Virtanen, Matti" and 040-123 4567
    ("lomakkeet.jsonl", 4): "direct",  # HETU inside a message
}


def build_database(url: str, others: int = 400, seed: int = 5) -> None:
    from faker import Faker

    fake = Faker("fi_FI")
    Faker.seed(seed)
    rng = random.Random(seed)
    engine = sa.create_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    people: list[dict[str, Any]] = [
        {
            "id": 1,
            "etunimi": "Matti",
            "sukunimi": "Virtanen",
            "sahkoposti": "Matti.Virtanen@Example.fi",
            "puhelin": "+358 40 123 4567",
            "hetu": "131052-308t",
        },
        {
            "id": 2,
            "etunimi": "Matti",
            "sukunimi": "Virtanen",
            "sahkoposti": "matti.virtanen2@example.fi",
            "puhelin": "040 765 4321",
            "hetu": "010101A123N",
        },
        {
            "id": 3,
            "etunimi": "Liisa",
            "sukunimi": "Virtanen",
            "sahkoposti": "liisa.virtanen@example.fi",
            "puhelin": "040 123 4568",
            "hetu": None,
        },
    ]
    for i in range(4, 4 + others):
        first, last = fake.first_name(), fake.last_name()
        if (first, last) == ("Matti", "Virtanen"):
            last = "Laine"
        people.append(
            {
                "id": i,
                "etunimi": first,
                "sukunimi": last,
                "sahkoposti": f"user{i}@example.com",
                "puhelin": f"050 {rng.randint(1000000, 9999999)}",
                "hetu": None,
            }
        )
    with engine.begin() as conn:
        conn.execute(customers.insert(), people)
        conn.execute(
            orders.insert(),
            [
                {"id": 10, "asiakas_id": 1, "tuote": "Hammasporakone", "lisatiedot": "Toimitus ovelle"},
                {"id": 11, "asiakas_id": 1, "tuote": "Huolto", "lisatiedot": None},
                {"id": 12, "asiakas_id": 2, "tuote": "Huolto", "lisatiedot": None},  # the namesake's: not related
                *({"id": 20 + i, "asiakas_id": 4 + i, "tuote": "Tarvike", "lisatiedot": None} for i in range(50)),
            ],
        )
        conn.execute(
            order_lines.insert(),
            [
                {"id": 100, "tilaus_id": 10, "tuote": "Pora", "maara": 1},
                {"id": 101, "tilaus_id": 10, "tuote": "Terä", "maara": 3},
                {"id": 102, "tilaus_id": 12, "tuote": "Terä", "maara": 1},
            ],
        )
        conn.execute(
            tickets.insert(),
            [
                {"id": 1, "viesti": "Asiakas soitti numerosta 0401234567 ja pyysi soittoa takaisin"},
                {
                    "id": 2,
                    "viesti": "Sähköposti MATTI.VIRTANEN@EXAMPLE.FI ei toimi, kysy Liisa Nieminen "
                    "(liisa.nieminen@example.fi, 050 555 1234)",
                },
                {"id": 3, "viesti": "Lähetetty Matti Virtaselle kuittaus"},
                {"id": 4, "viesti": "Soitto numeroon 040 123 4568, ei vastannut"},  # one digit off
                {"id": 5, "viesti": "Virtanen & Laine Oy tilasi lisää"},
            ],
        )
    engine.dispose()


def build_folder(folder: Path) -> None:
    from openpyxl import Workbook

    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "crm.csv").open("w", encoding="cp1252", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["Nimi", "Sähköposti", "Puhelin", "Huomiot"])
        writer.writerow(["Aino Korhonen", "aino@example.com", "040 111 2222", ""])
        writer.writerow(["Juha Mäkinen", "juha@example.com", "040 123 4568", "soita"])
        writer.writerow(["Virtanen Matti", "  matti.virtanen@example.fi ", "(+358) 401234567", "VIP"])
        writer.writerow(["Liisa Laine", "liisa.laine@example.com", "", ""])
        writer.writerow(["Matti Virtanen", "mv@muu.example", "044 999 8888", "eri henkilö"])
    book = Workbook()
    sheet = book.active
    sheet.title = "Asiakkaat"
    sheet.append(["Nimi", "Puhelin"])
    sheet.append(["Korhonen, Aino", "050 222 3333"])
    sheet.append(["Virtanen, Matti", "040-123 4567"])
    book.save(folder / "asiakkaat.xlsx")
    with (folder / "lomakkeet.jsonl").open("w", encoding="utf-8") as f:
        for i, message in enumerate(["Hei", "Kiitos", "Tilaus peruttu", f"Henkilötunnukseni on {HETU}, korjatkaa"]):
            f.write(json.dumps({"id": i, "viesti": message}, ensure_ascii=False) + "\n")
