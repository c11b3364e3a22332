"""Synthetic Finnish identifiers with valid (or deliberately invalid) check digits, for sample data and tests.

Shared by sample_data/generate.py and the quality benchmark; nothing here is real personal data.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from pathlib import Path

HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
SIGNS_1900 = "-YXWVU"
SIGNS_2000 = "ABCDEF"
_YT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def hetu(rng: random.Random, born: dt.date, valid: bool = True) -> str:
    """A HETU; some use the century signs introduced in 2023. ``valid=False`` breaks the check character."""
    digits = born.strftime("%d%m%y")
    number = f"{rng.randint(2, 899):03d}"
    if born.year < 2000:
        sign = "-" if rng.random() < 0.8 else rng.choice(SIGNS_1900[1:])
    else:
        sign = "A" if rng.random() < 0.6 else rng.choice(SIGNS_2000[1:])
    check = HETU_CHECK[int(digits + number) % 31]
    if not valid:
        check = HETU_CHECK[(HETU_CHECK.index(check) + rng.randint(1, 30)) % 31]
    return digits + sign + number + check


def birth_date(rng: random.Random, start: int = 1940, years: int = 65) -> dt.date:
    return dt.date(start, 1, 1) + dt.timedelta(days=rng.randint(0, years * 365))


def ytunnus(rng: random.Random, valid: bool = True) -> str:
    """A Y-tunnus: 7 digits and the mod-11 check digit (weights 7, 9, 10, 5, 8, 4, 2)."""
    while True:
        body = f"{rng.randint(100000, 3299999):07d}"
        remainder = sum(int(d) * w for d, w in zip(body, _YT_WEIGHTS, strict=True)) % 11
        if remainder == 1:
            continue  # no valid check digit exists for this body
        check = 0 if remainder == 0 else 11 - remainder
        if not valid:
            check = (check + rng.randint(1, 9)) % 10
        return f"{body}-{check}"


def iban_fi(rng: random.Random, spaced: bool = False) -> str:
    """A Finnish IBAN with ISO 13616 mod-97 check digits."""
    bban = rng.choice(["1", "4", "5", "8"]) + "".join(str(rng.randint(0, 9)) for _ in range(13))
    numeric = "".join(str(int(c, 36)) for c in bban + "FI00")
    code = f"FI{98 - int(numeric) % 97:02d}{bban}"
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4)) if spaced else code


def phone(rng: random.Random, style: int | None = None) -> str:
    """A Finnish mobile number in one of the ways people write them."""
    prefix = rng.choice(["40", "41", "44", "45", "50"])
    a, b = rng.randint(100, 999), rng.randint(1000, 9999)
    forms = [
        f"0{prefix} {a} {b}",
        f"0{prefix}{a}{b}",
        f"+358 {prefix} {a}{b}",
        f"0{prefix}-{a} {b}",
        f"(+358) {prefix}{a}{b}",
        f"00358{prefix}{a}{b}",
        f"+358{prefix}{a}{b}",
    ]
    return forms[rng.randrange(len(forms)) if style is None else style]


def landline(rng: random.Random) -> str:
    area = rng.choice(["09", "02", "03", "013", "014", "017"])
    return f"{area}-{rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def ean13(rng: random.Random) -> str:
    body = "64" + "".join(str(rng.randint(0, 9)) for _ in range(10))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def card(rng: random.Random) -> str:
    """A Visa-range number with a valid Luhn digit, grouped as printed on receipts."""
    body = "4" + "".join(str(rng.randint(0, 9)) for _ in range(14))
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    number = body + str((10 - total % 10) % 10)
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def reference_number(rng: random.Random) -> str:
    """A Finnish invoice reference number (viitenumero) with its 7-3-1 check digit."""
    base = str(rng.randint(1000, 9_999_999))
    weights = (7, 3, 1)
    check = (10 - sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(base))) % 10) % 10
    return base + str(check)


def ascii_local(text: str) -> str:
    table = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u"})
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum() or ch in ".-")


@functools.lru_cache(maxsize=1)
def _postal_codes() -> list[str]:
    lexicon = Path(__file__).resolve().parent.parent / "rules" / "lexicons" / "fi_postal_codes.tsv"
    lines = lexicon.read_text(encoding="utf-8").splitlines()
    return sorted({line.split("\t")[0] for line in lines if line and not line.startswith("#")})


def postcode(rng: random.Random) -> str:
    """A Finnish postal code in use (GeoNames' list that pdscan's validator checks against)."""
    return rng.choice(_postal_codes())
