from __future__ import annotations

import zlib

import pytest

from pdscan.detect.masking import mask_account, mask_business_id, mask_email, mask_generic, mask_hetu, mask_phone
from pdscan.detect.validators import Outcome, Verdict, email, fi_business_id, fi_hetu, iban, luhn, phone_number


@pytest.mark.parametrize(
    ("value", "outcome", "detail"),
    [
        ("131052-308T", Outcome.CONFIRM, None),
        (
            "010594Y9021",
            Outcome.CONFIRM,
            "temporary identity code (900-999)",
        ),  # 2023 sign Y, temporary number
        ("150307B123V", Outcome.CONFIRM, None),  # 2023 sign B: born 2007
        ("311299+1236", Outcome.CONFIRM, None),  # born 1899
        ("131052-308X", Outcome.REJECT, None),  # wrong check character
        # Each vector below has the RIGHT check character (mod 31 of its digits), so only the rule it names rejects it.
        ("290201A998S", Outcome.REJECT, None),  # 29 Feb 2001 does not exist
        ("310252-308Y", Outcome.REJECT, None),  # 31 Feb does not exist
        ("290200A998H", Outcome.CONFIRM, "temporary identity code (900-999)"),  # 2000 was a leap year
        ("131052-000V", Outcome.REJECT, None),  # individual numbers start at 002
        ("131052-001W", Outcome.REJECT, None),
        ("131052-002X", Outcome.CONFIRM, None),  # the first number issued
        ("131052-899V", Outcome.CONFIRM, None),  # the last ordinary number
        ("131052-900W", Outcome.CONFIRM, "temporary identity code (900-999)"),  # the first temporary one
        ("131052G308T", Outcome.REJECT, None),  # G is not a century sign
    ],
)
def test_hetu(value: str, outcome: Outcome, detail: str | None) -> None:
    verdict = fi_hetu(value)
    assert verdict.outcome is outcome
    assert verdict.detail == detail


def _check_character(digits: str) -> str:
    # DVV: the check character is "0123456789ABCDEFHJKLMNPRSTUVWXY"[DDMMYYNNN mod 31], written here independently.
    return "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(digits) % 31]


@pytest.mark.parametrize("vector", ["290201A998S", "310252-308Y", "131052-000V", "131052-001W", "131052-002X"])
def test_hetu_vectors_have_the_right_check_character(vector: str) -> None:
    # So each one tests the rule it is meant to (the date, the number range), not the checksum.
    assert vector[10] == _check_character(vector[:6] + vector[7:10])


@pytest.mark.parametrize(
    ("value", "ok"),
    [("2077474-0", True), ("2077474-1", False), ("FI20774740", True), ("123456-2", True), ("12-3", False)],
)
def test_business_id(value: str, ok: bool) -> None:
    assert (fi_business_id(value).outcome is Outcome.CONFIRM) is ok


def test_iban_and_luhn() -> None:
    assert iban("FI21 1234 5600 0007 85").outcome is Outcome.CONFIRM
    assert iban("FI21 1234 5600 0007 86").outcome is Outcome.REJECT
    assert luhn("4111 1111 1111 1111").outcome is Outcome.CONFIRM
    assert luhn("4111 1111 1111 1112").outcome is Outcome.REJECT


def test_phone_numbers() -> None:
    assert phone_number("040 123 4567").outcome is Outcome.CONFIRM
    assert phone_number("+44 20 7946 0958").detail == "international number"
    assert phone_number("040 12").outcome is Outcome.REJECT


# Numbers written the national way of another country, without a country code: valid in one of NATIONAL_REGIONS,
# never proven, labelled so that they count only under a phone header or next to a label.
NATIONAL_ELSEWHERE_VECTORS = [
    "(201) 555-0123",  # US
    "(201) · 555 · 0123",  # US, middle dots
    "202-224-3441",
    "07400123456",  # UK mobile
    "07400 123456",
    "13123456789",  # Chinese mobile
    "131 2345 6789",
    "9876543210",  # Indian mobile
    "98765 43210",
    "6024000123",  # a 10-digit order number starting 6-9 is an Indian mobile by shape: unbacked, never proven
]
NOT_A_NUMBER_VECTORS = ["04401-5112", "010 0000 0000 0000", "+358 40 12", "(000) · 000 · 0000", "0000000000"]


@pytest.mark.parametrize("value", NATIONAL_ELSEWHERE_VECTORS)
def test_phone_numbers_without_their_country_code(value: str) -> None:
    from pdscan.detect.validators import NATIONAL_ELSEWHERE, VALIDATORS

    assert phone_number(value) == Verdict(Outcome.UNKNOWN, NATIONAL_ELSEWHERE)
    assert NATIONAL_ELSEWHERE in VALIDATORS["phone_number"].name_backed


@pytest.mark.parametrize("value", NOT_A_NUMBER_VECTORS)
def test_phone_look_alikes_are_rejected(value: str) -> None:
    assert phone_number(value).outcome is Outcome.REJECT


def test_phone_numbers_with_country_code_are_proven() -> None:
    for value in ("+91 98765 43210", "+91-9876543210", "+86 131 2345 6789", "+1 (201) 555-0123"):
        assert phone_number(value) == Verdict(Outcome.CONFIRM, "international number"), value


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("matti@example.fi", True),
        ("logo@2x.png", False),  # a retina image's file name
        ("image@3x.jpg", False),
        ("icon@2x.WEBP", False),
        ("report@final.pdf", False),
        ("bundle@1.2.js", False),
        ("theme@dark.css", False),
        ("me@example.zip", True),  # .zip is a top-level domain
        ("me@example.md", True),  # .md is Moldova's
    ],
)
def test_email_domains_that_are_file_names(value: str, ok: bool) -> None:
    assert (email(value).outcome is Outcome.CONFIRM) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("etunimi.sukunimi(at)helsinki.fi", True),
        ("matti [at] example [dot] fi", True),
        ("matti at example dot fi", True),
        ("anna[ät]example.fi", True),
        ("Matti.Virtanen [AT] Yritys [DOT] FI", True),
        ("matti@example(dot)fi", True),
        ("matti {at} posti (piste) example (piste) com", True),
        ("matti@example.fi", False),  # nothing obfuscated: the e-mail rule's
        ("matti(at)example", False),  # no domain
        ("logo(at)2x.png", False),
        ("a..b(at)example.fi", False),
        ("matti (at) example.test", False),
        ("look at this (at) once", False),
    ],
)
def test_obfuscated_email(value: str, ok: bool) -> None:
    from pdscan.detect.validators import email_obfuscated

    assert (email_obfuscated(value).outcome is Outcome.CONFIRM) is ok


DATES_OF_BIRTH = [
    ("1985-03-12", True),
    ("12.3.1985", True),
    ("12.3.85", True),  # DD.MM.YY: 1985
    ("31.12.05", True),  # 2005, the most recent past century
    ("01/02/1970", True),
    ("12/31/85", True),  # MM/DD/YY, US
    ("31/12/1985", True),  # DD/MM/YYYY: either reading that exists
    ("28-Nov-1999", True),
    ("28-nov-99", True),
    ("Feb 28, 1997", True),
    ("Feb. 28, 1997", True),
    ("October 11, 1961", True),
    ("24th April 1996", True),
    ("11 October 1961", True),
    ("3rd of May 1990", True),
    ("12. maaliskuuta 1985", True),
    ("1. kesäkuuta 2001", True),
    ("12 mars 1985", True),
    ("12 maj 1980", True),
    ("1991年12月23日", True),
    ("29.2.00", True),  # 2000 was a leap year
    ("1899-12-31", False),
    ("31.2.1985", False),
    ("2024-13-01", False),
    ("13/13/1985", False),  # no reading exists
    ("31.02.85", False),
    ("29.2.01", False),
    ("Feb 30, 1997", False),
    ("31 mars 2099", False),  # in the future
    ("12 Marble 1985", False),  # not a month
    ("32. maaliskuuta 1985", False),
    ("12.3.5", False),
]


@pytest.mark.parametrize(("value", "ok"), DATES_OF_BIRTH)
def test_date_of_birth_forms(value: str, ok: bool) -> None:
    from pdscan.detect.validators import date_of_birth

    assert (date_of_birth(value).outcome is Outcome.CONFIRM) is ok


def test_date_of_birth_column_form_agrees() -> None:
    import pyarrow as pa

    from pdscan.detect.validators import _CODES, VALIDATORS

    validator = VALIDATORS["date_of_birth"]
    values = [value for value, _ in DATES_OF_BIRTH]
    assert validator.many(pa.array(values)).codes.tolist() == [_CODES[validator.one(v).outcome] for v in values]


def test_two_digit_years_are_the_most_recent_past_one() -> None:
    import datetime as dt

    from pdscan.detect.validators import date_of_birth

    next_year = (dt.date.today().year + 1) % 100
    # 1 January of next year's two-digit year is in the past only in the previous century
    assert date_of_birth(f"1.1.{next_year:02d}").outcome is Outcome.CONFIRM
    assert date_of_birth(f"1.1.{dt.date.today().year + 1}").outcome is Outcome.REJECT


@pytest.mark.parametrize(
    ("masker", "value", "masked"),
    [
        (mask_email, "matti.meikalainen@gmail.com", "m***@gmail.com"),
        (mask_phone, "0401234567", "***67"),
        (mask_phone, "+358 40 1234567", "+358***67"),
        (mask_phone, "00358401234567", "+358***67"),
        (mask_phone, "+1 202-224-3441", "+1***41"),
        (mask_phone, "112", "***"),
        (mask_phone, "0800 12 34", "***34"),
        (mask_hetu, "131052-308T", "******-****"),
        (mask_hetu, "010594Y9021", "******Y****"),
        (mask_business_id, "2077474-0", "207***4-0"),
        (mask_account, "FI21 1234 5600 0007 85", "FI21***85"),
        (mask_account, "4111 1111 1111 1111", "***1111"),
        (mask_generic, "Mannerheimintie 12", "M***2"),
        (mask_generic, "ab", "***"),
    ],
)
def test_masks_hide_the_identifying_part(masker: object, value: str, masked: str) -> None:
    assert masker(value) == masked  # type: ignore[operator]


def test_finnish_fast_path_agrees_with_libphonenumber() -> None:
    # The validator checks +358 numbers against libphonenumber's metadata itself (15x faster than parse()):
    # it must say exactly what phonenumbers.is_valid_number says, Åland (018...) included.
    import random

    import phonenumbers

    rng = random.Random(358)
    prefixes = ["0", "+358 ", "00358", "+358 (0)", "018", "040", "050", "09"]
    for _ in range(20_000):
        digits = "".join(str(rng.randint(0, 9)) for _ in range(rng.randint(3, 11)))
        number = rng.choice(prefixes) + str(rng.randint(1, 9)) + digits
        expected = phonenumbers.is_valid_number(phonenumbers.parse(number, "FI"))
        assert (phone_number(number).outcome is Outcome.CONFIRM) is expected, number


def _random_cases(name: str) -> list[str]:
    import random
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from synth import birth_date, card, hetu, iban_fi, phone, ytunnus

    rng = random.Random(zlib.crc32(name.encode()))  # hash() of a str changes with PYTHONHASHSEED

    def digits(low: int, high: int) -> str:
        return "".join(str(rng.randint(0, 9)) for _ in range(rng.randint(low, high)))

    makers = {
        "fi_hetu": lambda: hetu(rng, birth_date(rng, 1890, 130), valid=rng.random() < 0.5),
        "fi_business_id": lambda: ytunnus(rng, valid=rng.random() < 0.5),
        "payment_card": lambda: card(rng) if rng.random() < 0.5 else digits(12, 20),
        "phone_number": lambda: (
            phone(rng)
            if rng.random() < 0.5
            else rng.choice(["0", "+358 ", "00358", "+44 ", "+1 ", "9", "13", "(415) ", "07"]) + digits(4, 11)
        ),
        "iban": lambda: (
            iban_fi(rng, spaced=rng.random() < 0.5)
            if rng.random() < 0.5
            else rng.choice(["FI", "DE", "GB", "SE", "NO", "BE", "ES", "fi"]) + digits(14, 22)
        ),
        "email": lambda: (
            rng.choice(["matti", "a.b", "x..y", ".z", "ünï", "o'brien"])
            + "@"
            + rng.choice(
                ["example.fi", "sub.example.com", "example", "ex--ample.org", "exämple.fi", "example.test", "2x.png"]
            )
        ),
    }
    fixed = {
        "fi_hetu": ["290200A998H", "290201A998H", "131052-001T", "010594Y9021", "131052G308T", "310252-308T"],
        "fi_business_id": ["FI20774740", "123456-2", "0737546-2", "2077474-1"],
        "payment_card": ["378282246310005", "5500005555555559", "6011111111111117", "4111111111111112"],
        "phone_number": [
            "018 123 4567",
            "+358 (0)40 123 4567",
            "09-123 4567",
            *NATIONAL_ELSEWHERE_VECTORS,
            *NOT_A_NUMBER_VECTORS,
        ],
        "iban": [
            "FI2112345600000785",
            "fi21 1234 5600 0007 85",
            "GB29NWBK60161331926819",
            "BE68539007547034",
            "BE68539007547035",
            "XX8937040044053",
            "NO07.8380.08.06006",
            "DE89 3704 0044 0532 0130 01",
        ],
        "email": [
            "matti@example.fi",
            "jüri@example.ee",
            "a..b@example.fi",
            "x@y.test",
            "info@xn--mnchen-3ya.de",
            "me@xn--0.tld",
            "a@b",
            "first.last@sub.example.co.uk",
            "logo@2x.png",
            "icon@3x.JPG",
            "bundle@1.2.js",
            "theme@dark.css",
            "me@example.zip",
        ],
    }
    return fixed[name] + [makers[name]() for _ in range(3000)]


@pytest.mark.parametrize("name", ["fi_hetu", "fi_business_id", "payment_card", "phone_number", "iban", "email"])
def test_column_wide_validators_agree_with_the_scalar_ones(name: str) -> None:
    import numpy as np
    import pyarrow as pa

    from pdscan.detect.validators import _CODES, CONFIRM_CODE, VALIDATORS

    validator = VALIDATORS[name]
    assert validator.column is not None
    values = _random_cases(name)
    outcomes = validator.many(pa.array(values))
    expected = [validator.one(v) for v in values]
    codes = np.array([_CODES[v.outcome] for v in expected])
    assert (outcomes.codes == codes).all(), [values[i] for i in np.flatnonzero(outcomes.codes != codes)][:5]
    for label, mask in outcomes.details.items():
        assert mask.tolist() == [v.detail == label for v in expected]
    assert 0 < (codes == CONFIRM_CODE).sum() < len(values)  # both outcomes are exercised
