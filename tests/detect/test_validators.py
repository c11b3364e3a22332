from __future__ import annotations

import zlib

import pytest

from pdscan.detect.masking import mask_account, mask_business_id, mask_email, mask_generic, mask_hetu, mask_phone
from pdscan.detect.validators import Outcome, Verdict, email, fi_business_id, fi_hetu, iban, luhn, phone_number

TEMPORARY = "temporary identity code (900-999)"
# Every vector but the two of WRONG_CHECK has the RIGHT check character (mod 31 of its digits, checked by
# test_hetu_vectors_have_the_right_check_character), so only the rule it names rejects it. All are made up.
HETU_VECTORS = [
    ("131052-308T", Outcome.CONFIRM, None),
    ("010594Y9021", Outcome.CONFIRM, TEMPORARY),  # 2023 sign Y, temporary number
    ("131052-308X", Outcome.REJECT, None),  # wrong check character
    ("131052-129I", Outcome.REJECT, None),  # I is no check character (the right one is 1, which it looks like)
    ("131052G308T", Outcome.REJECT, None),  # G is not a century sign
    ("150307B123V", Outcome.CONFIRM, None),  # 2023 sign B: born 2007
    ("311299+1236", Outcome.CONFIRM, None),  # born 1899
    ("290201A998S", Outcome.REJECT, None),  # 29 Feb 2001 does not exist
    ("310252-308Y", Outcome.REJECT, None),  # 31 Feb does not exist
    ("310404-1237", Outcome.REJECT, None),  # 31 Apr does not exist, even in a leap year
    ("011352-123H", Outcome.REJECT, None),  # no month 13
    ("290200A998H", Outcome.CONFIRM, TEMPORARY),  # 2000 was a leap year (divisible by 400)
    ("290200-1239", Outcome.REJECT, None),  # 1900 was not (divisible by 100)
    ("290200+1239", Outcome.REJECT, None),  # nor 1800
    ("290204-123A", Outcome.CONFIRM, None),  # 1904 was
    ("290212-123C", Outcome.CONFIRM, None),  # 1912 was (the year is both digits, not the last one)
    ("290202-123T", Outcome.REJECT, None),  # 1902 was not
    ("131052-000V", Outcome.REJECT, None),  # individual numbers start at 002
    ("131052-001W", Outcome.REJECT, None),
    ("131052-002X", Outcome.CONFIRM, None),  # the first number issued
    ("131052-899V", Outcome.CONFIRM, None),  # the last ordinary number
    ("131052-900W", Outcome.CONFIRM, TEMPORARY),  # the first temporary one
]
# Not digits where the date or the individual number is: the check character is the one a reader that took the
# odd character for 0 would compute (the column form once did), so only the digit rule rejects them.
HETU_NOT_DIGITS = [
    ("13105A-3089", Outcome.REJECT, None),  # a letter in the date
    ("13105:-3089", Outcome.REJECT, None),  # ":", the character after "9"
    ("1310 2-308W", Outcome.REJECT, None),  # a space in the date (int() would read " 2")
    ("131052-3A8T", Outcome.REJECT, None),  # a letter in the individual number
    ("131052-A084", Outcome.REJECT, None),  # ... at its start
]


@pytest.mark.parametrize(("value", "outcome", "detail"), HETU_VECTORS + HETU_NOT_DIGITS)
def test_hetu(value: str, outcome: Outcome, detail: str | None) -> None:
    verdict = fi_hetu(value)
    assert verdict.outcome is outcome
    assert verdict.detail == detail


def _check_character(digits: str) -> str:
    # DVV: the check character is "0123456789ABCDEFHJKLMNPRSTUVWXY"[DDMMYYNNN mod 31], written here independently.
    return "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(digits) % 31]


WRONG_CHECK = {"131052-308X", "131052-129I"}


@pytest.mark.parametrize("vector", [value for value, _, _ in HETU_VECTORS if value not in WRONG_CHECK])
def test_hetu_vectors_have_the_right_check_character(vector: str) -> None:
    # So each one tests the rule it is meant to (the date, the number range), not the checksum.
    assert vector[10] == _check_character(vector[:6] + vector[7:10])


def test_hetu_vectors_without_digits_have_the_check_character_of_their_zero_reading() -> None:
    for value, _, _ in HETU_NOT_DIGITS:
        zeroed = "".join(ch if ch.isdigit() else "0" for ch in value[:6] + value[7:10])
        assert value[10] == _check_character(zeroed), value
    assert _check_character("131052129") == "1"  # 131052-129I: the I stands where the 1 belongs


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2077474-0", True),
        ("2077474-1", False),
        ("FI20774740", True),
        ("FI 20774740", True),  # the VAT form with a space
        ("123456-2", True),
        ("12-3", False),
    ],
)
def test_business_id(value: str, ok: bool) -> None:
    assert (fi_business_id(value).outcome is Outcome.CONFIRM) is ok


def test_iban_and_luhn() -> None:
    assert iban("FI21 1234 5600 0007 85").outcome is Outcome.CONFIRM
    assert iban("FI21 1234 5600 0007 86").outcome is Outcome.REJECT
    assert luhn("4111 1111 1111 1111").outcome is Outcome.CONFIRM
    assert luhn("4111 1111 1111 1112").outcome is Outcome.REJECT


def _with_luhn_digit(payload: str) -> str:
    # ISO/IEC 7812-1, written here independently: from the right, every second digit of the payload doubled (digits
    # of the product summed), then the digit that makes the total a multiple of ten.
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return payload + str(-total % 10)


@pytest.mark.parametrize(("length", "ok"), [(12, False), (13, True), (16, True), (19, True), (20, False)])
def test_luhn_takes_13_to_19_digits(length: int, ok: bool) -> None:
    # Every vector passes the Luhn check: only its length decides.
    from stdnum import luhn as stdnum_luhn

    number = _with_luhn_digit(("1234567890" * 2)[: length - 1])
    assert len(number) == length and stdnum_luhn.is_valid(number)
    assert (luhn(number).outcome is Outcome.CONFIRM) is ok


def test_ip_addresses() -> None:
    from pdscan.detect.validators import ip_address

    # Documentation addresses (RFC 5737, RFC 3849): an IPv6 address is labelled, an IPv4 one is not.
    assert ip_address("192.0.2.1") == Verdict(Outcome.CONFIRM)
    assert ip_address("2001:db8::1") == Verdict(Outcome.CONFIRM, "IPv6 address")
    assert ip_address("0.0.0.0").outcome is Outcome.REJECT
    assert ip_address("010.001.002.003").outcome is Outcome.REJECT


def test_phone_numbers() -> None:
    assert phone_number("040 123 4567").outcome is Outcome.CONFIRM
    assert phone_number("+44 20 7946 0958").detail == "international number"
    # 00 is Finland's international prefix: read as the +44 number it dials
    assert phone_number("0044 20 7946 0958") == Verdict(Outcome.CONFIRM, "international number")
    # a first group of 00 and a country code is the international prefix, not a long area code (04401-5112)
    for value in ("00358 40 123 4567", "00358-40-1234567", "(00358) 40 1234567"):
        assert phone_number(value) == Verdict(Outcome.CONFIRM), value
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
    "011-28 12 34",  # Swedish (Norrköping): the US plan, tried first, reads 011 as its exit code and fails on +28
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
    for value in ("+91 98765 43210", "+91-9876543210", "+86 131 2345 6789", "+1 (201) 555-0123", "+359 2 912 3456"):
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
        ("matti (at) example (dot) test", False),  # the de-obfuscated domain is example.test, special-use
        ("matti. (at) example.fi", False),  # a dot may not end the local part of the de-obfuscated address
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
    ("1900-01-01", True),  # the earliest date of birth
    ("12.31.1985", False),  # a dotted date is day first: no month 31 (only a slashed one is read both ways)
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


def test_email_length_limits() -> None:
    # RFC 5321: at most 254 characters in all (email-validator checks the 64 of the local part only in strict mode).
    longest, too_long = _long_addresses()
    assert (len(longest), len(too_long)) == (254, 255)
    assert email(longest).outcome is Outcome.CONFIRM
    assert email(too_long).outcome is Outcome.REJECT


def _long_addresses() -> tuple[str, str]:
    """Addresses of 254 and 255 characters: a local part of 64 and labels of at most 63."""
    longest, too_long = ("a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * n, "fi"]) for n in (58, 59))
    return longest, too_long


def test_a_date_of_birth_may_be_today() -> None:
    import datetime as dt

    from pdscan.detect.validators import date_of_birth

    today = dt.date.today()
    assert date_of_birth(today.isoformat()).outcome is Outcome.CONFIRM
    assert date_of_birth((today + dt.timedelta(days=1)).isoformat()).outcome is Outcome.REJECT


def test_two_digit_years_are_the_most_recent_past_one() -> None:
    import datetime as dt

    from pdscan.detect.validators import date_of_birth

    next_year = (dt.date.today().year + 1) % 100
    # 1 January of next year's two-digit year is in the past only in the previous century
    assert date_of_birth(f"1.1.{next_year:02d}").outcome is Outcome.CONFIRM
    assert date_of_birth(f"1.1.{dt.date.today().year + 1}").outcome is Outcome.REJECT
    # 29 February of the next leap year: in the future in this century, so the previous century's, also a leap year
    leap = next(year for year in range(dt.date.today().year + 1, 2100) if year % 4 == 0)
    assert date_of_birth(f"29.2.{leap % 100:02d}").outcome is Outcome.CONFIRM


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
        "fi_hetu": [
            *("290200A998H", "290201A998H", "131052-001T", "010594Y9021", "131052G308T", "310252-308T"),
            *(value for value, _, _ in HETU_VECTORS + HETU_NOT_DIGITS),
        ],
        "fi_business_id": ["FI20774740", "123456-2", "0737546-2", "2077474-1"],
        "payment_card": ["378282246310005", "5500005555555559", "6011111111111117", "4111111111111112"],
        "phone_number": [
            "018 123 4567",
            "+358 (0)40 123 4567",
            "09-123 4567",
            "00358 40 123 4567",
            "00358-40-1234567",
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
            "NL91ABNA0417164300",  # the IBAN registry's example: letters in the account number count as two digits
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
            *_long_addresses(),  # 254 characters, the most there may be, and 255
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
    labels = {v.detail for v in expected if v.detail and v.outcome is not Outcome.REJECT}
    assert labels <= set(outcomes.details), labels - set(outcomes.details)  # and no label is left out
    assert 0 < (codes == CONFIRM_CODE).sum() < len(values)  # both outcomes are exercised


@pytest.mark.parametrize("name", ["fi_hetu", "fi_business_id", "payment_card", "phone_number", "iban", "email", "luhn"])
def test_column_forms_give_one_int8_code_and_boolean_masks_per_value(name: str) -> None:
    # Outcomes.codes is int8 (a column of a million candidates: 1 MB, not 8), empty columns included; a column with
    # no candidate of the validator's kind is rejected value by value.
    import numpy as np
    import pyarrow as pa

    from pdscan.detect.validators import REJECT_CODE, VALIDATORS

    for values in (pa.array([], pa.string()), pa.array(["x", "12", "not a value"])):
        outcomes = VALIDATORS[name].many(values)
        assert outcomes.codes.dtype == np.int8 and outcomes.codes.shape == (len(values),)
        for mask in outcomes.details.values():
            assert mask.dtype == bool and mask.shape == (len(values),)
    assert outcomes.codes.tolist() == [REJECT_CODE] * 3


def test_scalar_only_validators_keep_their_details_column_wide() -> None:
    # A validator without a column form runs one by one: the details of the values it accepts become masks.
    import pyarrow as pa

    from pdscan.detect.validators import CONFIRM_CODE, REJECT_CODE, VALIDATORS

    values = ["192.0.2.1", "2001:db8::1", "not an address", "2001:db8::2"]
    outcomes = VALIDATORS["ip_address"].many(pa.array(values))
    assert outcomes.codes.tolist() == [CONFIRM_CODE, CONFIRM_CODE, REJECT_CODE, CONFIRM_CODE]
    assert {label: mask.tolist() for label, mask in outcomes.details.items()} == {
        "IPv6 address": [False, True, False, True]
    }


def test_byte_matrix_reads_the_strings_of_a_slice_and_zeros_past_their_ends() -> None:
    import numpy as np
    import pyarrow as pa

    from pdscan.detect.validators import _byte_matrix

    for kind in (pa.string(), pa.large_string()):  # 32- and 64-bit offsets
        values = pa.array(["xx", "ab", "", "cde", "yy"], kind).slice(1, 3)  # ab, "", cde
        matrix, lengths = _byte_matrix(values, 4)
        assert matrix.dtype == np.uint8
        assert matrix.tolist() == [[97, 98, 0, 0], [0, 0, 0, 0], [99, 100, 101, 0]]
        assert lengths.tolist() == [2, 0, 3]
    for values in (pa.array([], pa.string()), pa.array(["", ""])):  # no rows; rows but not one byte of data
        matrix, lengths = _byte_matrix(values, 3)
        assert matrix.dtype == np.uint8 and matrix.shape == (len(values), 3) and not matrix.any()
        assert lengths.dtype == np.int64 and lengths.tolist() == [0] * len(values)


def test_digit_values_read_digits_and_nothing_else() -> None:
    import numpy as np

    from pdscan.detect.validators import _digit_values

    matrix = np.array([[ord(ch) for ch in "09/:-A"] + [0]], dtype=np.uint8)  # the neighbours of 0 and 9, and NUL
    assert _digit_values(matrix).tolist() == [[0, 9, 0, 0, 0, 0, 0]]


def test_the_finnish_plan_is_compiled_from_the_metadata_of_each_region_of_358() -> None:
    # _REGIONS_358 is built once, at import; built again here, each region's tables must say what libphonenumber's
    # is_valid_number_for_region says.
    import random

    import phonenumbers

    from pdscan.detect.validators import _compile_region

    rng = random.Random(3580)
    for region in phonenumbers.region_codes_for_country_code(358):
        general, descs = _compile_region(region)
        valid = 0
        for _ in range(2000):
            first = rng.choice(["18", "4", "50", "9", "2", "1", "7", "3"])
            nsn = first + "".join(str(rng.randint(0, 9)) for _ in range(rng.randint(3, 10)))
            expected = phonenumbers.is_valid_number_for_region(phonenumbers.parse("+358" + nsn), region)
            fits = general.fullmatch(nsn) is not None
            assert (fits and any(len(nsn) in lengths and p.fullmatch(nsn) for p, lengths in descs)) is expected, nsn
            valid += expected
        assert valid > 100, region  # both answers are exercised
