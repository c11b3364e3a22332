"""Full-scan throughput of pdscan on two generated CRM exports, against reading alone and peers (issue 25).

Generates two synthetic 200k-row, 17-column Finnish CRM exports (no real data), seeded:
  * low-cardinality: the original generator (7 distinct comments, about 80 names, 7 streets), so every
    per-distinct-value cache hits: it flatters;
  * high-cardinality (HighCardinality): unique customer numbers, e-mails, phones in eleven Finnish forms, HETUs and
    IBANs with valid check characters per row, first names and surnames drawn from DVV's whole frequency
    distribution (../shared/data/dvv-names, weighted by holders; the case is skipped with a message without it),
    about 2,000 streets, 3,600 postal codes, and generated notes that are all different with embedded phones (8 %),
    e-mail addresses (3 %), HETUs (0.5 %) and names (6 %).
For each it measures whole processes, as a user runs them (imports included), alternating, medians of 3 (wall time,
cores busy = CPU time / wall time of the child, peak RSS):
  * pandas.read_csv of the file with every column as text (the floor: reading alone);
  * ``pdscan scan FILE --full -q -f json -o /dev/null`` with all built-in rules, validators included;
then the peak RSS of the same scan on a long high-cardinality file (--rss-rows; it should not grow with the length),
and the peers on both files: a plain Python ``re`` loop over every cell with the same email/phone/HETU shapes, and
presidio-analyzer's BatchAnalyzerEngine with its pattern recognizers (a blank spaCy pipeline, so no NER cost) on the
first rows only (it is slow), as cells/s. Ends with a table against the goals of issue 25 and the machine it ran on.
Run: ``python bench/bench_scan.py [--rows 200000] [--repeats 3] [--rss-rows 1000000] [--no-peers]``.
Timings are printed, never asserted: they depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
FIRST = ["Matti", "Liisa", "Juha", "Anna", "Mikko", "Maria", "Jari", "Aino", "Timo", "Helena"]
LAST = ["Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen", "Koskinen"]
CITIES = ["Helsinki", "Espoo", "Tampere", "Vantaa", "Oulu", "Turku", "Jyväskylä", "Lahti"]


def _hetu(rng: random.Random) -> str:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(40, 99)
    number = rng.randint(2, 899)
    digits = f"{day:02d}{month:02d}{year:02d}"
    return f"{digits}-{number:03d}{_CHECK[int(digits + f'{number:03d}') % 31]}"


STREETS = ["Mannerheimintie", "Hämeenkatu", "Koivukuja", "Rantatie", "Kirkkokatu", "Puistotie", "Aleksanterinkatu"]
COMPANIES = ["Esimerkki Oy", "Testi Ab", "Malli Ky", "Demo Oyj", "Kokeilu Tmi"]
COMMENTS = [
    "Toimitus ok",
    "Soita 050 123 4567 iltapäivällä",
    "Ei kommenttia",
    "",
    "Asiakas Matti Virtanen pyysi tarjousta",
    "Laskutus sähköpostilla, viite 12345",
    "Tapasin Korhosen messuilla, kiinnostunut",
]
HEADER = [
    "asiakasnumero", "etunimi", "sukunimi", "sahkoposti", "puhelin", "henkilotunnus", "katuosoite", "postinumero",
    "postitoimipaikka", "yritys", "y_tunnus", "tilinumero", "luotu", "tila", "summa", "tilausnumero", "kommentti",
]  # fmt: skip


def _ytunnus(rng: random.Random) -> str:
    digits = [rng.randint(0, 9) for _ in range(7)]
    remainder = sum(d * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    if remainder == 1:
        return _ytunnus(rng)
    return "".join(map(str, digits)) + f"-{0 if remainder == 0 else 11 - remainder}"


def _iban(rng: random.Random) -> str:
    bban = f"{rng.randint(100000, 999999)}{rng.randint(10000000, 99999999)}"
    check = 98 - int(bban + "151800") % 97  # F=15, I=18, then 00
    return f"FI{check:02d}{bban}"


def generate(path: Path, rows: int, seed: int = 42) -> int:
    """A Finnish CRM export: 17 columns, ';'-separated, UTF-8 (about 310 bytes a row)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            local = f"{first.lower()}.{last.lower()}{i}".replace("ä", "a").replace("ö", "o")
            writer.writerow(
                [
                    100000 + i,
                    first,
                    last,
                    f"{local}@example.fi",
                    f"040 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                    _hetu(rng),
                    f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                    f"{rng.randint(0, 99):02d}{rng.randint(0, 9)}{rng.randint(0, 9)}0",
                    rng.choice(CITIES),
                    rng.choice(COMPANIES),
                    _ytunnus(rng),
                    _iban(rng),
                    f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    rng.choice(["aktiivinen", "passiivinen", "uusi"]),
                    f"{rng.randint(1, 99999) / 100:.2f}",
                    f"2024{i:06d}",
                    rng.choice(COMMENTS),
                ]
            )
    return rows * len(HEADER)


# --- The high-cardinality CRM export: what a real one looks like -------------------------------------------------
# Every identifier is distinct per row, names follow DVV's whole frequency distribution, streets and companies are
# drawn from thousands of values and every note is different, so no per-distinct-value cache can carry the scan.

DVV_NAMES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "dvv-names"
POSTAL = Path(__file__).resolve().parents[1] / "rules" / "lexicons" / "fi_postal_codes.tsv"
# Stems of Finnish street names (nature, buildings, trades, places) and their suffixes: about 2,000 streets.
_STEMS = """
koivu mänty kuusi pihlaja tammi vaahtera lehmus haapa leppä paju kataja tuomi saarni jalava kaski kanerva kielo
ranta järvi lampi joki puro koski salmi niemi saari lahti laakso mäki kallio kivi harju rinne nummi kangas niitty
pelto metsä suo lähde kaivo silta portti tori kirkko koulu asema satama mylly paja saha tehdas talli aitta riihi
pappila kartano kylä linna vallila kaupunki keskus puisto tähti kuu aurinko sateenkaari tuuli kevät kesä syys talvi
pursi vene laiva airo purje majakka luoto kari hiekka sora savi multa heinä ruis ohra kaura vehnä pellava humala
marja mansikka mustikka puolukka karpalo lakka vadelma omena kirsikka luumu kettu karhu susi ilves hirvi jänis orava
kurki joutsen haukka pöllö tikka kiuru peippo västäräkki sorsa lokki kalastaja metsästäjä seppä muurari räätäli
suutari leipuri kauppias nimismies tuomari pormestari kanttori lukkari ratsumies rakuuna tykkimies merimies luotsi
"""
STREET_STEMS = _STEMS.split()


def _items(text: str) -> list[str]:
    """A word list written compactly: items separated by '|', white space around them dropped."""
    return [item.strip() for item in text.split("|") if item.strip()]


STREET_SUFFIXES = _items("katu | tie | kuja | polku | rinne | tanhua | piha | väylä | raitti | kaari | mäki | ranta")
STREET_PREFIXES = ["Iso ", "Pikku ", "Vanha ", "Uusi ", "Ala-", "Ylä-", "Etelä-", "Pohjois-"]
# E-mail domains of Finnish consumers, with weights.
EMAIL_DOMAINS = {"gmail.com": 30, "hotmail.com": 10, "outlook.com": 8, "yahoo.com": 4, "icloud.com": 3,
                 "luukku.com": 2, "suomi24.fi": 2, "elisanet.fi": 3, "kolumbus.fi": 1, "welho.com": 1,
                 "pp.inet.fi": 2, "netti.fi": 1, "live.fi": 2, "hotmail.fi": 2, "protonmail.com": 1}  # fmt: skip
MOBILE_PREFIXES = ["40", "41", "42", "44", "45", "46", "50", "400", "440", "500", "457", "451"]
AREA_CODES = ["2", "3", "5", "6", "8", "9", "9", "9", "13", "14", "15", "16", "17", "19"]
TRADES = _items("""rakennus | kuljetus | sähkö | putki | maalaus | siivous | kiinteistö | konsultointi | tilitoimisto |
    kauneushoitola | autokorjaamo | kahvila | leipomo | puutarha | metalli | muovi | ohjelmisto | media | kone | lvi |
    remontti | catering | hieroja | valokuvaamo | kukkakauppa""")
COMPANY_FORMS = {"Oy": 60, "Tmi": 15, "Ky": 10, "Oyj": 2, "Ab": 5, "Ay": 3, "osk": 1}
STATUSES = ["aktiivinen", "passiivinen", "uusi", "poistettu", "odottaa", "VIP", "kielto"]
# Free-text notes: sentences from word lists; phones, e-mails, HETUs and names are embedded at realistic shares.
NOTE_SUBJECTS = _items("""Asiakas | Asiakkaan puoliso | Yhteyshenkilö | Myyjä | Tukihenkilö | Laskutus | Varasto |
    Kuljetusliike | Huoltomies | Asiakaspalvelu | Tilaaja | Vastaanottaja""")
NOTE_VERBS = _items("""soitti | lähetti viestin | kysyi | pyysi | vahvisti | peruutti | muutti | reklamoi | kiitti |
    ilmoitti | kyseli | toivoi | unohti | maksoi | palautti | tilasi lisää""")
NOTE_OBJECTS = _items("""tilauksesta | toimitusajasta | laskusta | hyvityksestä | takuusta | osoitteenmuutoksesta |
    maksuerästä | alennuksesta | uutiskirjeestä | tarjouksesta | varaosista | asennuksesta | huoltokäynnistä |
    sopimuksen jatkosta | kanta-asiakasedusta | toimituskuluista | lahjakortista | palautuksesta | laskun eräpäivästä |
    tuotteen värivaihtoehdoista""")
NOTE_TAILS = _items("""Palataan asiaan ensi viikolla. | Hoidettu. | Odottaa varaston vastausta. | Ei toimenpiteitä. |
    Lähetetty uusi lasku. | Sovittu takaisinsoitto. | Siirretty myynnille. | Asiakas tyytyväinen. |
    Muistutus lähetetty. | Hyvitys kirjattu. | Tarkista saldo. | Kuittaus puuttuu. |
    Toimitus myöhässä kuljetusliikkeen takia. | Asiakas harkitsee. | Ei vastannut puhelimeen.""")
NOTE_EN = _items("Customer asked about | Called regarding | Emailed about | Complaint about | Follow up on")
NOTE_EN_OBJECTS = _items("""the invoice | delivery time | a refund | the warranty | the contract | the discount code |
    a missing parcel | the newsletter | spare parts | the installation""")
WEEKDAYS = _items("""maanantaina | tiistaina | keskiviikkona | torstaina | perjantaina | lauantaina | eilen | tänään |
    aamulla | iltapäivällä""")
# Shares of notes that hold: a phone number, an e-mail address, a HETU, a person's name, a street address.
NOTE_SHARES = {"phone": 0.08, "email": 0.03, "hetu": 0.005, "name": 0.06, "address": 0.01}


def _read_counts(path: Path) -> tuple[list[str], list[int]]:
    """Names and holder counts of one DVV file (UTF-8 with a BOM, ';', counts with a space as thousands separator)."""
    names: list[str] = []
    counts: list[int] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader)
        for row in reader:
            digits = "".join(ch for ch in row[1] if ch.isdigit()) if len(row) >= 2 else ""
            if row and row[0].strip() and digits:
                names.append(row[0].strip())
                counts.append(int(digits))
    return names, counts


def _cumulative(counts: list[int]) -> list[int]:
    out, total = [], 0
    for count in counts:
        total += count
        out.append(total)
    return out


def dvv_missing(root: Path = DVV_NAMES) -> str | None:
    """Why the high-cardinality case cannot run (the DVV name files are not there), or None."""
    needed = [
        "etunimitilasto-miehet-ensimmainen.csv",
        "etunimitilasto-naiset-ensimmainen.csv",
        "etunimitilasto-miehet-muut.csv",
        "etunimitilasto-naiset-muut.csv",
        "sukunimitilasto.csv",
    ]
    missing = [name for name in needed if not (root / name).is_file()]
    if missing:
        return f"DVV name statistics not found in {root} ({', '.join(missing)}): high-cardinality case skipped"
    return None


class HighCardinality:
    """Rows of a realistic Finnish CRM export (the 17 columns of HEADER), seeded: call ``rows(n)`` repeatedly.

    Distinct in every row, across calls: customer number, e-mail, phone, HETU, IBAN, order number and note. First
    names by sex and surnames follow DVV's holder counts (about 38,000 names in all), 8 % of people have a second
    given name and 3 % a double surname; streets come from about 2,000 names, post offices from 3,600 postal codes.
    Phones are written in eleven Finnish ways (040 123 4567, +358401234567, (09) 123 4567...), IBANs compact or in
    groups of four, amounts with a decimal comma or point. Notes are generated sentences; 8 % hold a phone, 3 % an
    e-mail address, 0.5 % a HETU, 6 % a person's name, 1 % a street address.
    """

    # Affine permutations (a * i + b mod N, a coprime with N): distinct values without remembering them.
    _IDS = 10_000_000

    def __init__(self, seed: int = 42, root: Path = DVV_NAMES) -> None:
        why = dvv_missing(root)
        if why:
            raise FileNotFoundError(why)
        self.rng = random.Random(seed)
        self.index = 0
        self.first: dict[str, tuple[list[str], list[int]]] = {}
        self.other: dict[str, tuple[list[str], list[int]]] = {}
        for sex, part in (("m", "miehet"), ("f", "naiset")):
            names, counts = _read_counts(root / f"etunimitilasto-{part}-ensimmainen.csv")
            self.first[sex] = (names, _cumulative(counts))
            names, counts = _read_counts(root / f"etunimitilasto-{part}-muut.csv")
            self.other[sex] = (names, _cumulative(counts))
        names, counts = _read_counts(root / "sukunimitilasto.csv")
        self.last = (names, _cumulative(counts))
        self.streets = [stem.capitalize() + suffix for stem in STREET_STEMS for suffix in STREET_SUFFIXES]
        self.postal: list[tuple[str, str]] = []
        with POSTAL.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.startswith("#") and "\t" in line:
                    code, office = line.rstrip("\n").split("\t")[:2]
                    self.postal.append((code, office))
        self.domains, self.domain_weights = list(EMAIL_DOMAINS), _cumulative(list(EMAIL_DOMAINS.values()))
        self.forms, self.form_weights = list(COMPANY_FORMS), _cumulative(list(COMPANY_FORMS.values()))
        self.days = [(d, m, y) for y in range(1935, 2009) for m in range(1, 13) for d in range(1, _days_in(m, y) + 1)]
        self.seen_email: set[int] = set()
        self.seen_note: set[int] = set()

    # -- values ------------------------------------------------------------------------------------------------------

    def _names(self, n: int) -> list[tuple[str, str]]:
        rng = self.rng
        out = []
        lasts = rng.choices(self.last[0], cum_weights=self.last[1], k=n)
        women = rng.choices(self.first["f"][0], cum_weights=self.first["f"][1], k=n)
        men = rng.choices(self.first["m"][0], cum_weights=self.first["m"][1], k=n)
        for last, woman, man in zip(lasts, women, men, strict=True):
            sex, first = ("f", woman) if rng.random() < 0.5 else ("m", man)
            if rng.random() < 0.08:
                others, other_weights = self.other[sex]
                first = f"{first} {rng.choices(others, cum_weights=other_weights)[0]}"
            if rng.random() < 0.03:
                last = f"{last}-{rng.choices(self.last[0], cum_weights=self.last[1])[0]}"
            out.append((first, last))
        return out

    def phone(self, i: int) -> str:
        """A Finnish number, distinct for each ``i``, in one of eleven written forms."""
        rng = self.rng
        sub = f"{(i * 7_368_787 + 5_820_913) % self._IDS:07d}"  # 7 digits, distinct per row (a permutation)
        if i % 5 == 0 and sub[0] in "12345678":  # a landline: the subscriber number starts with 1-8
            prefix = AREA_CODES[i // 5 % len(AREA_CODES)]
        else:
            prefix = MOBILE_PREFIXES[i % len(MOBILE_PREFIXES)]
        head, tail = sub[:3], sub[3:]
        form = rng.random()
        if form < 0.35:
            return f"0{prefix} {head} {tail}"
        if form < 0.55:
            return f"0{prefix}{sub}"
        if form < 0.70:
            return f"+358 {prefix} {head} {tail}"
        if form < 0.80:
            return f"+358{prefix}{sub}"
        if form < 0.87:
            return f"0{prefix}-{sub}"
        if form < 0.91:
            return f"0{prefix}-{head} {tail}"
        if form < 0.94:
            return f"(0{prefix}) {head} {tail}"
        if form < 0.96:
            return f"+358 (0){prefix} {head} {tail}"
        if form < 0.98:
            return f"00358 {prefix} {sub}"
        if form < 0.99:
            return f"0{prefix} {sub[:4]} {sub[4:]}"
        return f"+358-{prefix}-{sub}"

    def hetu(self, i: int) -> str:
        """A valid HETU (date, century sign, individual number, check character), distinct for each ``i``."""
        space = len(self.days) * 898
        j = (i * 15_485_863 + 2_750_159) % space  # a prime multiplier: coprime with the space (not a multiple)
        day, month, year = self.days[j // 898]
        number = j % 898 + 2
        digits = f"{day:02d}{month:02d}{year % 100:02d}"
        sign = ("-" if self.rng.random() < 0.97 else "Y") if year < 2000 else ("A" if self.rng.random() < 0.97 else "B")
        return f"{digits}{sign}{number:03d}{_CHECK[int(digits + f'{number:03d}') % 31]}"

    def iban(self, i: int) -> str:
        """A Finnish IBAN with valid check digits, distinct for each ``i``; 40 % written in groups of four."""
        bank = "12345678"[i % 8]
        j = (i * 982_451_653 + 4_213_370_000_123) % 10**13
        bban = f"{bank}{j:013d}"
        check = 98 - int(bban + "151800") % 97
        iban = f"FI{check:02d}{bban}"
        if self.rng.random() < 0.4:
            return " ".join(iban[k : k + 4] for k in range(0, len(iban), 4))
        return iban

    def email(self, first: str, last: str, domain: str) -> str:
        """first.last@, firstlast85@, f.last@... made distinct with a number where a person already took it."""
        rng = self.rng
        f, s = _ascii(first.split()[0]), _ascii(last)
        form = rng.random()
        if form < 0.45:
            local = f"{f}.{s}"
        elif form < 0.60:
            local = f"{f}{s}"
        elif form < 0.72:
            local = f"{f[0]}.{s}"
        elif form < 0.80:
            local = f"{f}_{s}"
        elif form < 0.88:
            local = f"{f}.{s}{_int(rng, 50, 99)}"
        elif form < 0.94:
            local = f"{s}.{f}"
        else:
            local = f"{f}{_int(rng, 1, 9999)}"
        address = f"{local}@{domain}"
        suffix = 1
        while hash(address) in self.seen_email:
            suffix += 1
            address = f"{local}{suffix}@{domain}"
        self.seen_email.add(hash(address))
        return address

    def street(self) -> str:
        rng = self.rng
        street = rng.choice(self.streets)
        if rng.random() < 0.06:
            street = rng.choice(STREET_PREFIXES) + (street if rng.random() < 0.5 else street.lower())
        number = _int(rng, 1, 140)
        shape = rng.random()
        if shape < 0.45:
            return f"{street} {number}"
        if shape < 0.80:
            return f"{street} {number} {'ABCDEFGH'[_int(rng, 0, 7)]} {_int(rng, 1, 60)}"
        if shape < 0.92:
            return f"{street} {number} as {_int(rng, 1, 40)}"
        return f"{street} {number}{'abc'[_int(rng, 0, 2)]}"

    def note(self, i: int, phone: str, email: str, hetu: str, street: str) -> str:
        rng = self.rng
        parts: list[str] = []
        if rng.random() < 0.1:
            parts.append(
                f"{rng.choice(NOTE_EN)} {rng.choice(NOTE_EN_OBJECTS)} on {_int(rng, 1, 28)}.{_int(rng, 1, 12)}."
            )
        else:
            parts.append(
                f"{rng.choice(NOTE_SUBJECTS)} {rng.choice(NOTE_VERBS)} {rng.choice(WEEKDAYS)} "
                f"{rng.choice(NOTE_OBJECTS)} {_int(rng, 1, 28)}.{_int(rng, 1, 12)}."
            )
        if rng.random() < NOTE_SHARES["name"]:
            other = self._names(1)[0]
            parts.append(
                rng.choice(
                    [
                        f"Yhteyshenkilö {other[0]} {other[1]}.",
                        f"Puhuttu: {other[0]} {other[1]}.",
                        f"Tilaajana {other[1]} {other[0]}.",
                    ]
                )
            )
        if rng.random() < NOTE_SHARES["phone"]:
            parts.append(
                rng.choice(
                    [
                        f"Soita numeroon {self.phone(i + 5_000_000)}.",
                        f"Uusi numero {phone}.",
                        f"puh. {self.phone(i + 6_000_000)}",
                        f"Tavoittaa parhaiten {phone} klo 16 jälkeen.",
                    ]
                )
            )
        if rng.random() < NOTE_SHARES["email"]:
            parts.append(
                rng.choice(
                    [
                        f"Laskut osoitteeseen {email}.",
                        f"Vastaus lähetetty: {email}",
                        f"Uusi sähköposti {email}, päivitä rekisteriin.",
                    ]
                )
            )
        if rng.random() < NOTE_SHARES["hetu"]:
            parts.append(rng.choice([f"Hetu {hetu} tarkistettu.", f"Henkilötunnus {hetu}", f"(hetu {hetu})"]))
        if rng.random() < NOTE_SHARES["address"]:
            parts.append(f"Toimitus osoitteeseen {street}.")
        if rng.random() < 0.6:
            parts.append(rng.choice(NOTE_TAILS))
        if rng.random() < 0.3:
            parts.append(f"Viite {_int(rng, 1000, 999999)}.")
        text = " ".join(parts)
        while hash(text) in self.seen_note:
            text = f"{text} #{_int(rng, 1, 99999)}"
        self.seen_note.add(hash(text))
        return text

    # -- rows --------------------------------------------------------------------------------------------------------

    def rows(self, n: int) -> list[list[str]]:
        rng = self.rng
        out = []
        domains = rng.choices(self.domains, cum_weights=self.domain_weights, k=n)
        for (first, last), domain in zip(self._names(n), domains, strict=True):
            i = self.index
            self.index += 1
            phone, hetu, street = self.phone(i), self.hetu(i), self.street()
            email = self.email(first, last, domain)
            code, office = rng.choice(self.postal)
            if rng.random() < 0.35:
                company, business_id = "", ""
            else:
                trade = rng.choice(TRADES)
                form = rng.choices(self.forms, cum_weights=self.form_weights)[0]
                company = rng.choice(
                    [
                        f"{last} {form}",
                        f"{trade.capitalize()} {last} {form}",
                        f"{rng.choice(STREET_STEMS).capitalize()}{trade} {form}",
                    ]
                )
                business_id = _ytunnus_fast(rng)
            amount = f"{_int(rng, 1, 999999) / 100:.2f}"
            out.append(
                [
                    str(1_000_000 + (i * 3_141_593 + 271_828) % 9_000_000),
                    first,
                    last,
                    email,
                    phone,
                    hetu,
                    street,
                    code,
                    office,
                    company,
                    business_id,
                    self.iban(i),
                    f"{_int(rng, 2015, 2025)}-{_int(rng, 1, 12):02d}-{_int(rng, 1, 28):02d} "
                    f"{_int(rng, 6, 21):02d}:{_int(rng, 0, 59):02d}:{_int(rng, 0, 59):02d}",
                    rng.choice(STATUSES),
                    amount.replace(".", ",") if rng.random() < 0.5 else amount,
                    f"T{(i * 2_654_435_761 + 387_420_489) % 10**9:09d}",
                    self.note(i, phone, email, hetu, street),
                ]
            )
        return out


def _days_in(month: int, year: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _ascii(name: str) -> str:
    """A name as people write it in an e-mail address: Mäkelä-Åberg -> makela-aberg, O'Neil -> oneil."""
    plain = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain if ch.isalnum() or ch in "-.")


def _int(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint(low, high)``, three times faster (the generator draws 30 numbers a row)."""
    return low + int(rng.random() * (high - low + 1))


def _ytunnus_fast(rng: random.Random) -> str:
    while True:
        digits = [int(rng.random() * 10) for _ in range(7)]
        remainder = sum(d * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
        if remainder != 1:
            return "".join(map(str, digits)) + f"-{0 if remainder == 0 else 11 - remainder}"


def generate_high(path: Path, rows: int, seed: int = 42) -> int:
    """The high-cardinality CRM export (HighCardinality), ';'-separated, UTF-8; the number of cells."""
    generator = HighCardinality(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        for start in range(0, rows, 10_000):
            writer.writerows(generator.rows(min(10_000, rows - start)))
    return rows * len(HEADER)


NAIVE = [
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"),
    re.compile(r"(?:\+358|0)[ -]?\d{1,3}[ -]?\d{3,4}[ -]?\d{3,4}"),
    re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b"),
]


def naive_loop(path: Path) -> int:
    hits = 0
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter=";"):
            for cell in row:
                for pattern in NAIVE:
                    if pattern.search(cell):
                        hits += 1
    return hits


def presidio_cells_per_second(path: Path, rows: int) -> float | None:
    """presidio-analyzer's batch engine with its pattern recognizers over the first ``rows`` rows, cell by cell."""
    try:
        import spacy
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
    except ImportError:
        print("  presidio-analyzer not installed (pip install 'pdscan[presidio]'): no presidio ratio")
        return None
    with tempfile.TemporaryDirectory() as model:
        spacy.blank("en").to_disk(model)
        engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}])
        batch = BatchAnalyzerEngine(AnalyzerEngine(nlp_engine=engine, supported_languages=["en"]))
        frame = pd.read_csv(path, sep=";", dtype=str, nrows=rows).fillna("")
        cells = [v for column in frame.columns for v in frame[column].tolist()]
        batch.analyzer_engine.analyze("warm up matti@example.fi", language="en")
        start = time.perf_counter()
        for _ in batch.analyze_iterator(cells, language="en"):
            pass
        elapsed = time.perf_counter() - start
    print(f"  {'presidio BatchAnalyzerEngine (patterns)':<38} {elapsed:7.2f} s for {len(cells):,} cells")
    return len(cells) / elapsed


def timed(label: str, func: object) -> float:
    start = time.perf_counter()
    func()  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    print(f"  {label:<38} {elapsed:7.2f} s")
    return elapsed


@dataclass
class Run:
    wall: float
    cpu: float  # user + system seconds of the process
    peak_mb: float

    @property
    def cores(self) -> float:
        return self.cpu / self.wall if self.wall else 0.0


def run_process(command: list[str]) -> Run:
    """A whole process (imports included, as a user runs it), its wall time, CPU time and peak memory.

    The peak is the child's own high-water mark (VmHWM), read every 20 ms while it runs: ``ru_maxrss`` of a child
    started by vfork (as subprocess does) counts the *parent's* peak too, so after this script had generated the
    5,000,000-row file (about 800 MB in this process) every child "peaked" at 821 MB."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    status_file = Path(f"/proc/{process.pid}/status")
    peak_kb = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        with contextlib.suppress(OSError):
            for line in status_file.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        time.sleep(0.02)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1: findings over the threshold is a successful scan
        raise RuntimeError(f"{command[:4]} failed: {process.stderr.read().decode()[-500:] if process.stderr else ''}")
    return Run(wall, usage.ru_utime + usage.ru_stime, peak_kb / 1024)


def median_runs(commands: dict[str, list[str]], repeats: int) -> dict[str, Run]:
    """Each command ``repeats`` times, alternating (so a busy moment hits both alike); the median of each."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            runs[name].append(run_process(command))
    out = {}
    for name, results in runs.items():
        out[name] = Run(
            statistics.median(r.wall for r in results),
            statistics.median(r.cpu for r in results),
            max(r.peak_mb for r in results),
        )
    return out


# --- Shared by bench_small_files.py and bench_documents_speed.py -----------------------------------------------------


def pdscan_command(*sources: str) -> list[str]:
    """``pdscan scan SOURCES --full`` as a user runs it, the JSON report thrown away."""
    return [sys.executable, "-m", "pdscan.cli.main", "scan", *sources, "--full", "-q", "-f", "json", "-o", os.devnull]


def compile_bytecode() -> str:
    """Compile pdscan's modules to bytecode before anything is timed, as pip does when it installs a package (pandas
    and the other libraries arrived compiled). Run from a checkout with ``PYTHONDONTWRITEBYTECODE`` set (as on the
    machines these figures come from), every pdscan process otherwise compiled its 70 modules again: 0.35 s of
    each scan's start-up that no installed pdscan pays (figures before 2026-12-07 include it). The package is found
    by a child started as the timed ones are (same interpreter, same working directory), so the copy compiled is
    the copy timed; written to its ``__pycache__`` folders (ignored by git)."""
    compile_it = (
        "import compileall, os, sys, pdscan; package = os.path.dirname(pdscan.__file__); print(package); "
        "sys.exit(0 if compileall.compile_dir(package, quiet=1) else 1)"
    )
    done = subprocess.run([sys.executable, "-c", compile_it], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no reason given"])[-1]
        return f"bytecode: pdscan's modules NOT compiled ({reason}): timings include compiling them"
    return f"bytecode: pdscan's modules compiled first, as an installed package has them ({done.stdout.strip()})"


def machine() -> str:
    """The CPU model, cores, Python, the load average and the state of the checkout, for the printed figures."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    version = sys.version.split()[0]
    commit = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "-C", str(Path(__file__).resolve().parent), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    return f"machine: {model}, {os.cpu_count()} cores ({usable} usable), Python {version}, load average {load()}" + (
        f", checkout {commit}" if commit else ""
    )


def load() -> str:
    """The 1-minute load average: other processes on the machine slow every figure alike (runs alternate)."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def print_table(rows: list[tuple[str, str, str, str, str, str]]) -> None:
    """case, pdscan, floor, ratio, goal, status: the figures against the goals of issue 25 (printed, not asserted)."""
    header = ("case", "pdscan", "floor", "ratio", "goal", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each process, alternating; medians")
    parser.add_argument(
        "--rss-rows",
        type=int,
        default=1_000_000,
        help="rows of the long high-cardinality file for peak memory (the goal is stated for "
        "5,000,000: --rss-rows 5000000 takes a few minutes; 0 skips it)",
    )
    parser.add_argument("--presidio-rows", type=int, default=300, help="rows given to presidio (it is slow)")
    parser.add_argument("--no-peers", action="store_true", help="skip the plain re loop and presidio")
    args = parser.parse_args()
    print(machine())
    print(compile_bytecode())
    cores = os.cpu_count() or 1
    table: list[tuple[str, str, str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        files: dict[str, Path] = {}
        low = Path(tmp) / f"contacts_low_{args.rows}.csv"
        cells = generate(low, args.rows)
        files["low-cardinality"] = low
        why = dvv_missing()
        if why:
            print(f"NOTE: {why}")
        else:
            started = time.perf_counter()
            high = Path(tmp) / f"contacts_high_{args.rows}.csv"
            generate_high(high, args.rows)
            files["high-cardinality"] = high
            print(f"generated the high-cardinality file in {time.perf_counter() - started:.1f} s")
        print(
            f"files: {args.rows:,} rows x {len(HEADER)} columns = {cells:,} cells each; whole processes "
            f"(imports included), alternating, median of {args.repeats}"
        )
        print("  low-cardinality: today's generator (7 comments, 80 names, 7 streets: per-value caches always hit)")
        print("  high-cardinality: unique ids, e-mails, phones, HETUs, IBANs and notes per row; DVV names by holders")
        results: dict[str, dict[str, Run]] = {}
        for case, path in files.items():
            size = path.stat().st_size / 1e6
            read = f"import pandas as pd; pd.read_csv({str(path)!r}, sep=';', dtype=str)"
            commands = {"pandas": [sys.executable, "-c", read], "pdscan": pdscan_command(str(path))}
            results[case] = median_runs(commands, args.repeats)
            print(f"{case} ({size:.1f} MB), load {load()}:")
            print(f"  {'':<38} {'wall':>7} {'cores':>6} {'peak':>8} {'cells/s':>11}")
            for name, label in (("pandas", "pandas.read_csv(sep=';', dtype=str)"), ("pdscan", "pdscan scan --full")):
                run = results[case][name]
                print(f"  {label:<38} {run.wall:6.2f}s {run.cores:6.2f} {run.peak_mb:6.0f}MB {cells / run.wall:11,.0f}")
            pandas_run, pdscan_run = results[case]["pandas"], results[case]["pdscan"]
            ratio = pdscan_run.wall / pandas_run.wall
            table.append(
                (
                    f"{case} --full, {args.rows:,} rows",
                    f"{pdscan_run.wall:.2f} s",
                    f"{pandas_run.wall:.2f} s pandas",
                    f"{ratio:.2f}x",
                    "<= 2.0x",
                    verdict(ratio <= 2.0),
                )
            )
            table.append(
                (
                    f"{case} cores busy",
                    f"{pdscan_run.cores:.2f} of {cores}",
                    f"{pandas_run.cores:.2f} pandas",
                    "",
                    ">= 1.5 of 2",
                    verdict(pdscan_run.cores >= 1.5),
                )
            )
        # Peak memory must not grow with the file's length (it is bounded by --chunk-rows): the same scan of a long
        # file, once, next to the figure above.
        long_case = "high-cardinality" if "high-cardinality" in files else "low-cardinality"
        if args.rss_rows:
            started = time.perf_counter()
            long = Path(tmp) / f"contacts_long_{args.rss_rows}.csv"
            (generate_high if long_case == "high-cardinality" else generate)(long, args.rss_rows, seed=7)
            size = long.stat().st_size / 1e6
            print(
                f"peak memory on a long {long_case} file: {args.rss_rows:,} rows ({size:.0f} MB), generated in "
                f"{time.perf_counter() - started:.0f} s; one run, load {load()}"
            )
            long_run = run_process(pdscan_command(str(long)))
            long.unlink()
            short_run = results[long_case]["pdscan"]
            print(
                f"  pdscan scan --full, {args.rows:>10,} rows: {short_run.peak_mb:6.0f} MB peak, "
                f"{short_run.wall:7.2f} s, {short_run.cores:.2f} cores"
            )
            print(
                f"  pdscan scan --full, {args.rss_rows:>10,} rows: {long_run.peak_mb:6.0f} MB peak, "
                f"{long_run.wall:7.2f} s, {long_run.cores:.2f} cores, "
                f"{args.rss_rows * len(HEADER) / long_run.wall:,.0f} cells/s"
            )
            print("  peak RSS should not grow with the file's length (bounded by --chunk-rows, not by the file)")
            goal = "<= 500 MB at 5M rows"
            status = verdict(long_run.peak_mb <= 500) if args.rss_rows >= 5_000_000 else "(run --rss-rows 5000000)"
            table.append((f"peak RSS, {long_case} {args.rows:,} rows", f"{short_run.peak_mb:.0f} MB", "", "", "", ""))
            table.append(
                (
                    f"peak RSS, {long_case} {args.rss_rows:,} rows",
                    f"{long_run.peak_mb:.0f} MB",
                    "",
                    f"{long_run.peak_mb / short_run.peak_mb:.2f}x the short",
                    goal,
                    status,
                )
            )
        if not args.no_peers:
            for case, path in files.items():
                print(f"peers on the {case} file:")
                pdscan_run = results[case]["pdscan"]
                t_naive = timed("plain re loop, 3 patterns per cell", lambda path=path: naive_loop(path))
                print(f"  ratio plain re loop / pdscan time: {t_naive / pdscan_run.wall:5.2f}x (higher is better)")
                presidio = presidio_cells_per_second(path, args.presidio_rows)
                if presidio:
                    ratio = cells / pdscan_run.wall / presidio
                    print(
                        f"  presidio: {presidio:,.0f} cells/s; pdscan throughput / presidio: {ratio:,.0f}x "
                        "(goal >= 200)"
                    )
    print(f"summary (issue 25 goals; timings are printed, never asserted; load average now {load()}):")
    print_table(table)


if __name__ == "__main__":
    main()
