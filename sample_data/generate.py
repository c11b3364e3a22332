"""Recreate the synthetic sample data of pdscan: a small data estate of a Finnish B2B company, Esimerkki Oy.

Everything is generated (Faker ``fi_FI`` and a fixed seed): no real person is in these files. Identifiers are
valid by their check digits so that pdscan's validators confirm them. Run ``python sample_data/generate.py``;
the output is the same on every run. tests/sample_expected.json is the ground truth the tests assert.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

from faker import Faker
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from synth import ascii_local, ean13, hetu, iban_fi, phone, postcode, ytunnus  # noqa: E402  (shared with the tests)

SEED = 20261124
FIXED = dt.datetime(2024, 6, 1, 12, 0, 0)


def write_csv(path: Path, header: list[str], rows: list[list[Any]], encoding: str, delimiter: str, eol: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=eol)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


DOMAINS = ["example.fi", "example.com", "posti.example"]
AGENTS = ["Mozilla/5.0 (Windows NT 10.0)", "Mozilla/5.0 (Macintosh)"]


def newsletter(fake: Faker, rng: random.Random) -> None:
    header = ["Etunimi", "Sukunimi", "Sähköposti", "Puhelin", "Postinumero", "Postitoimipaikka", "Tilattu", "Kieli"]
    rows = []
    for _ in range(180):
        first, last = fake.first_name(), fake.last_name()
        day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
        rows.append(
            [
                first,
                last,
                f"{ascii_local(first)}.{ascii_local(last)}@{rng.choice(DOMAINS)}",
                phone(rng) if rng.random() < 0.85 else "",
                postcode(rng),
                fake.city(),
                f"{day.day}.{day.month}.{day.year}",
                rng.choice(["fi", "fi", "fi", "sv"]),
            ]
        )
    write_csv(HERE / "newsletter_tilaajat.csv", header, rows, "cp1252", ";", "\r\n")


def crm(fake: Faker, rng: random.Random) -> None:
    header = [
        "contact_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "company",
        "business_id",
        "title",
        "created_at",
        "notes",
    ]
    plain_notes = [
        "Kiinnostunut laajennuksesta",
        "Soita takaisin Q3",
        "Tarjous lähetetty",
        "Ei tarvetta nyt",
        "Demo pidetty 12.3.",
        "Sopimus uusitaan vuodenvaihteessa",
        "",
    ]
    rows = []
    for i in range(240):
        first, last = fake.first_name(), fake.last_name()
        created = FIXED - dt.timedelta(days=rng.randint(0, 1500), minutes=rng.randint(0, 1440))
        note = rng.choice(plain_notes)
        if rng.random() < 0.1:
            deputy = fake.first_name()
            note = f"Varahenkilö {deputy}: {ascii_local(deputy)}@example.fi, puh {phone(rng, 0)}"
        rows.append(
            [
                f"C-{100 + i:06d}",
                first,
                last,
                f"{ascii_local(first)}.{ascii_local(last)}@{ascii_local(fake.last_name())}.example.com",
                phone(rng, 2),
                fake.company(),
                ytunnus(rng),
                rng.choice(["Toimitusjohtaja", "Talousjohtaja", "Hankintapäällikkö", "IT-päällikkö", "CTO"]),
                created.isoformat(timespec="seconds"),
                note,
            ]
        )
    write_csv(HERE / "crm_contacts.csv", header, rows, "utf-8", ",", "\n")


def workbook(fake: Faker, rng: random.Random) -> None:
    wb = Workbook()
    wb.properties.creator = "Esimerkki Oy"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    customers = wb.active
    assert customers is not None
    customers.title = "Asiakkaat"
    customers.append(["Asiakasrekisteri 2024 – Esimerkki Oy"])
    customers.append([])
    customers.append(
        [
            "Asiakasnumero",
            "Nimi",
            "Henkilötunnus",
            "Tilinumero",
            "Puhelinnumero",
            "Katuosoite",
            "Postinumero",
            "Kaupunki",
            "Asiakkaaksi",
            "Saldo",
        ]
    )
    numbers = []
    for i in range(150):
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 65 * 365))
        number = 100200 + i * 7
        numbers.append(number)
        street = f"{fake.street_name()} {rng.randint(1, 80)}"
        if rng.random() < 0.5:
            street += f" {rng.choice('ABCDEF')} {rng.randint(1, 40)}"
        customers.append(
            [
                number,
                f"{fake.first_name()} {fake.last_name()}",
                hetu(rng, born),
                iban_fi(rng, spaced=rng.random() < 0.5),
                phone(rng),
                street,
                postcode(rng),
                fake.city(),
                dt.datetime(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3400)),
                round(rng.uniform(-200, 5000), 2),
            ]
        )
    orders = wb.create_sheet("Tilaukset")
    orders.append(["Tilaukset 2024"])
    orders.append(["Tilausnumero", "Asiakasnumero", "Tuote", "Määrä", "Hinta", "Tilauspäivä", "Viitenumero"])
    products = ["Kahvinkeitin", "Vedenkeitin", "Leivänpaahdin", "Sauvasekoitin", "Tehosekoitin", "Mikroaaltouuni"]
    for i in range(200):
        base = f"{rng.randint(1000, 99999)}"
        weights = (7, 3, 1)
        check = (10 - sum(int(d) * weights[j % 3] for j, d in enumerate(reversed(base))) % 10) % 10
        orders.append(
            [
                2024000100 + i,
                rng.choice(numbers),
                rng.choice(products),
                rng.randint(1, 12),
                round(rng.uniform(9.9, 399), 2),
                dt.datetime(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 300)),
                base + str(check),
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    (HERE / "asiakasrekisteri.xlsx").write_bytes(stable_zip(buffer.getvalue()))


def stable_zip(data: bytes) -> bytes:
    """The workbook with fixed timestamps: openpyxl stamps the save time into docProps/core.xml and every zip entry."""
    out = io.BytesIO()
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), body)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, body)
    return out.getvalue()


def webform(fake: Faker, rng: random.Random) -> None:
    lines = []
    for i in range(160):
        name = f"{fake.first_name()} {fake.last_name()}"
        message = rng.choice(
            [
                "Haluaisin demon ensi viikolla.",
                "Pyydän tarjousta 20 lisenssistä.",
                "Toimiiko integraatio Netvisoriin?",
                "Voitteko soittaa?",
            ]
        )
        if rng.random() < 0.15:
            message += f" Numeroni on {phone(rng, 0)}."
        ip = fake.ipv4_public() if rng.random() < 0.8 else fake.ipv6()
        record = {
            "ts": (FIXED - dt.timedelta(minutes=37 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "form": rng.choice(["contact", "demo"]),
            "client": {"ip": ip, "user_agent": rng.choice(AGENTS)},
            "fields": {
                "name": name,
                "email": f"{ascii_local(name.replace(' ', '.'))}@example.fi",
                "phone": phone(rng) if rng.random() < 0.7 else None,
                "company": fake.company(),
                "message": message,
            },
            "consent": rng.random() < 0.9,
            "tags": ["web", rng.choice(["fi", "sv", "en"])],
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    (HERE / "webform_log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def staff(fake: Faker, rng: random.Random) -> None:
    """An HR export: identity codes, bank accounts, union membership and special diets (GDPR Art. 9)."""
    header = [
        "Henkilönumero",
        "Etunimet",
        "Sukunimi",
        "Syntymäaika",
        "Henkilötunnus",
        "Katuosoite",
        "Postinumero",
        "Postitoimipaikka",
        "Tilinumero",
        "Ammattiliitto",
        "Erityisruokavalio",
        "Aloituspäivä",
        "Titteli",
    ]
    diets = [
        "",
        "",
        "",
        "",
        "laktoositon",
        "gluteeniton",
        "keliakia",
        "pähkinäallergia",
        "kasvis",
        "vegaani",
        "laktoositon, gluteeniton",
        "kala-allergia",
    ]
    unions = ["", "", "PAM", "Pro", "JHL", "Teollisuusliitto", "YTN", "Tehy"]
    rows = []
    for i in range(60):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 40 * 365))
        first = fake.first_name()
        middle = fake.first_name() if rng.random() < 0.6 else ""
        street = f"{fake.street_name()} {rng.randint(1, 80)}"
        if rng.random() < 0.5:
            street += f" {rng.choice('ABCDE')} {rng.randint(1, 30)}"
        start = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randint(0, 5000))
        rows.append(
            [
                f"{1000 + i}",
                f"{first} {middle}".strip(),
                fake.last_name(),
                f"{born.day}.{born.month}.{born.year}",
                hetu(rng, born),
                street,
                postcode(rng),
                fake.city(),
                iban_fi(rng, spaced=True),
                rng.choice(unions),
                rng.choice(diets),
                start.isoformat(),
                fake.job(),
            ]
        )
    write_csv(HERE / "hr_henkilosto.csv", header, rows, "utf-8", ";", "\n")


def products(rng: random.Random) -> None:
    header = ["sku", "ean", "tuotenimi", "kategoria", "hinta", "varastossa", "paivitetty", "kuvaus"]
    names = [
        "Kahvinkeitin Aroma",
        "Vedenkeitin Kuohu",
        "Leivänpaahdin Rapea",
        "Sauvasekoitin Pyörre",
        "Tehosekoitin Myrsky",
        "Mikroaaltouuni Lämpö",
        "Pölynimuri Tuuli",
        "Silitysrauta Sileä",
    ]
    rows = []
    for _ in range(120):
        name = rng.choice(names)
        rows.append(
            [
                f"ESM-{rng.randint(1000, 9999)}-{rng.choice('ABCDEFG')}",
                ean13(rng),
                name,
                rng.choice(["Keittiö", "Koti", "Siivous"]),
                f"{rng.randint(9, 299)}.{rng.choice(['00', '50', '90', '95'])}",
                rng.randint(0, 500),
                (dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 300))).isoformat(),
                f"{name.split()[0]}, teho {rng.choice([800, 1000, 1200, 2000])} W, takuu {rng.choice([1, 2, 3])} v",
            ]
        )
    write_csv(HERE / "tuotteet.csv", header, rows, "utf-8", ",", "\n")


def documents(fake: Faker, rng: random.Random) -> dict[str, dict[str, Any]]:
    """Job applications on the HR share (the notices declare CVs and applications): a CV as PDF, a cover letter as
    Word, and the application mail with the CV attached. Returns their ground truth, part by part."""
    from docx import Document
    from fpdf import FPDF

    folder = HERE / "hakemukset"
    folder.mkdir(exist_ok=True)
    first, last = fake.first_name(), fake.last_name()
    email = f"{ascii_local(first)}.{ascii_local(last)}@example.fi"
    mobile = phone(rng, 0)
    born = dt.date(1988, 4, 17)
    code = hetu(rng, born)
    street = f"{fake.street_name()} {rng.randint(1, 60)} B {rng.randint(1, 30)}"
    cv_name = f"ansioluettelo_{ascii_local(last)}.pdf"

    pdf = FPDF()
    pdf.set_creation_date(FIXED)
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for line in ["ANSIOLUETTELO", f"{first} {last}", f"Sähköposti: {email}", f"Puhelin: {mobile}",
                 f"Osoite: {street}, 00100 Helsinki", f"Henkilötunnus: {code}"]:  # fmt: skip
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    history = ["TYÖKOKEMUS", "2019-2024 Projektipäällikkö, Esimerkki Oy, Tampere", "2014-2019 Suunnittelija, Malli Ab",
               "KOULUTUS", "Diplomi-insinööri, Aalto-yliopisto"]  # fmt: skip
    for line in history:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    cv = bytes(pdf.output())
    (folder / cv_name).write_bytes(cv)

    letter = Document()
    letter.core_properties.created = letter.core_properties.modified = FIXED
    letter.add_paragraph("Työhakemus: projektipäällikkö")
    letter.add_paragraph(
        "Hyvä vastaanottaja, haen ilmoittamaanne projektipäällikön tehtävää. Olen työskennellyt viisi vuotta "
        "projektien parissa ja johtanut kymmenen hengen tiimiä."
    )
    letter.add_paragraph(f"Ystävällisin terveisin\n{first} {last}\n{email}")
    buffer = io.BytesIO()
    letter.save(buffer)
    letter_name = f"tyohakemus_{ascii_local(last)}.docx"
    (folder / letter_name).write_bytes(stable_zip(buffer.getvalue()))

    from email.message import EmailMessage

    mail = EmailMessage()
    mail["From"] = f"{first} {last} <{email}>"
    mail["To"] = "rekrytointi@esimerkki.example"
    mail["Subject"] = "Hakemus: projektipäällikkö"
    mail["Date"] = "Mon, 03 Jun 2024 09:15:00 +0300"
    mail["Message-ID"] = "<hakemus-2024-06-03@example.fi>"
    mail.set_content(f"Hei,\n\nliitteenä ansioluetteloni.\n\nTerveisin\n{first} {last}\n")
    mail.add_attachment(cv, maintype="application", subtype="pdf", filename=cv_name)
    mail_name = f"hakemus_{ascii_local(last)}.eml"
    (folder / mail_name).write_bytes(bytes(mail))

    cv_truth = {
        "personal": {
            "page 1": ["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS", "FI_PERSONAL_IDENTITY_CODE"]
        },
        "context": [],
        "not_personal": ["page 2"],
    }
    return {
        cv_name: cv_truth,
        letter_name: {"personal": {"body": ["PERSON", "EMAIL_ADDRESS"]}, "context": [], "not_personal": []},
        mail_name: {
            "personal": {"header From": ["PERSON", "EMAIL_ADDRESS"], "body": ["PERSON"]},
            "context": ["header To"],
            "not_personal": ["subject"],
        },
        f"{mail_name}!{cv_name}": cv_truth,
    }


# Ground truth: which columns hold which entities ("personal"), which hold none ("not_personal"), and columns
# that are context rather than personal data on their own and are not asserted either way ("context").
EXPECTED: dict[str, dict[str, Any]] = {
    "newsletter_tilaajat.csv": {
        "personal": {
            "Etunimi": ["PERSON"],
            "Sukunimi": ["PERSON"],
            "Sähköposti": ["EMAIL_ADDRESS"],
            "Puhelin": ["PHONE_NUMBER"],
            "Postinumero": ["FI_POSTAL_CODE"],
        },
        "context": ["Postitoimipaikka"],
        "not_personal": ["Tilattu", "Kieli"],
    },
    "crm_contacts.csv": {
        "personal": {
            "first_name": ["PERSON"],
            "last_name": ["PERSON"],
            "email": ["EMAIL_ADDRESS"],
            "phone": ["PHONE_NUMBER"],
            "business_id": ["FI_BUSINESS_ID"],
            "notes": ["EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON"],
        },
        "context": [],
        "not_personal": ["contact_id", "company", "title", "created_at"],
    },
    "asiakasrekisteri.xlsx!Asiakkaat": {
        "personal": {
            "Asiakasnumero": ["CUSTOMER_NUMBER"],
            "Nimi": ["PERSON"],
            "Henkilötunnus": ["FI_PERSONAL_IDENTITY_CODE"],
            "Tilinumero": ["IBAN_CODE"],
            "Puhelinnumero": ["PHONE_NUMBER"],
            "Katuosoite": ["STREET_ADDRESS"],
            "Postinumero": ["FI_POSTAL_CODE"],
        },
        "context": ["Kaupunki"],
        "not_personal": ["Asiakkaaksi", "Saldo"],
    },
    "asiakasrekisteri.xlsx!Tilaukset": {
        "personal": {"Asiakasnumero": ["CUSTOMER_NUMBER"]},
        "context": [],
        "not_personal": ["Tilausnumero", "Tuote", "Määrä", "Hinta", "Tilauspäivä", "Viitenumero"],
    },
    "webform_log.jsonl": {
        "personal": {
            "fields.name": ["PERSON"],
            "fields.email": ["EMAIL_ADDRESS"],
            "fields.phone": ["PHONE_NUMBER"],
            "fields.message": ["PHONE_NUMBER"],
            "client.ip": ["IP_ADDRESS"],
        },
        "context": [],
        "not_personal": ["ts", "form", "client.user_agent", "fields.company", "consent", "tags[]"],
    },
    "hr_henkilosto.csv": {
        "personal": {
            "Etunimet": ["PERSON"],
            "Sukunimi": ["PERSON"],
            "Syntymäaika": ["DATE_OF_BIRTH"],
            "Henkilötunnus": ["FI_PERSONAL_IDENTITY_CODE"],
            "Katuosoite": ["STREET_ADDRESS"],
            "Postinumero": ["FI_POSTAL_CODE"],
            "Tilinumero": ["IBAN_CODE"],
            "Ammattiliitto": ["TRADE_UNION"],
            "Erityisruokavalio": ["HEALTH_DATA"],
        },
        "context": ["Postitoimipaikka", "Henkilönumero"],
        "not_personal": ["Aloituspäivä", "Titteli"],
    },
    "tuotteet.csv": {
        "personal": {},
        "context": [],
        "not_personal": ["sku", "ean", "tuotenimi", "kategoria", "hinta", "varastossa", "paivitetty", "kuvaus"],
    },
}


def main() -> None:
    fake = Faker("fi_FI")
    Faker.seed(SEED)
    rng = random.Random(SEED)
    newsletter(fake, rng)
    crm(fake, rng)
    workbook(fake, rng)
    webform(fake, rng)
    products(rng)
    staff(fake, rng)
    expected = {**EXPECTED, **documents(fake, rng)}
    # The ground truth lives with the tests, not here: pdscan scans every file of sample_data/.
    text = json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    (HERE.parent / "tests" / "sample_expected.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
