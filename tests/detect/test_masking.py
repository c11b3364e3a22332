"""Masks never keep what identifies: property tests for every masker (hypothesis), and every output format of a scan
checked for the raw values and their identifying parts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pdscan.cli.main import main
from pdscan.detect.masking import (
    MASKERS,
    STARS,
    mask_account,
    mask_business_id,
    mask_email,
    mask_generic,
    mask_hetu,
    mask_name,
    mask_phone,
)

TEXT = st.text(alphabet="0123456789ABCDEFHJKLMNPRSTUVWXYabcdefghijklmnopqrstuvwxyzäö +-.()@", max_size=40)


def _shown(masked: str) -> str:
    return masked.replace(STARS, "")


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_a_hetu_mask_keeps_at_most_the_century_sign(value: str) -> None:
    shown = _shown(mask_hetu(value)).replace("*", "")
    assert len(shown) <= 1
    assert not any(ch.isdigit() for ch in shown)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_a_phone_mask_keeps_at_most_the_country_code_and_two_digits(value: str) -> None:
    shown = _shown(mask_phone(value))
    digits = "".join(ch for ch in value if ch.isdigit())
    assert len([ch for ch in shown if ch.isdigit()]) <= 5  # +358 and 67
    if len(digits) >= 7:
        assert shown.endswith(digits[-2:])
    else:
        assert shown == ""  # a short number is shown not at all


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöABCDEFGHIJKLMNOPQRSTUVWXYZÄÖ-'", min_size=1), max_size=4))
def test_a_name_mask_keeps_initials_only(words: list[str]) -> None:
    masked = mask_name(" ".join(words))
    letters = [ch for ch in _shown(masked) if not ch.isspace()]
    assert len(letters) <= max(len(words), 1)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_generic_and_account_masks_keep_a_few_characters(value: str) -> None:
    assert len(_shown(mask_generic(value))) <= 2
    assert len(_shown(mask_account(value)).replace(" ", "")) <= 6  # FI21 and 85, or a card's last four


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r"[a-z]{2,12}\.[a-z]{2,12}@[a-z]{2,10}\.fi", fullmatch=True))
def test_an_email_mask_keeps_one_letter_of_the_local_part(address: str) -> None:
    local, _, domain = address.partition("@")
    masked_local, _, masked_domain = mask_email(address).partition("@")
    # The local part alone is compared: in ai.fi@ai.fi the domain holds "i.fi", the local part's tail, by chance.
    assert masked_local == local[0] + STARS
    assert masked_domain == domain


@pytest.mark.parametrize(
    ("masker", "value", "masked"),
    [
        # generic: nothing of two characters, the first of three to five, the first and the last of six or more
        (mask_generic, "ab", STARS),
        (mask_generic, "abc", "a***"),
        (mask_generic, "abcde", "a***"),
        (mask_generic, "abcdef", "a***f"),
        # e-mail: the domain is what follows the last @ (a quoted local part may hold one); no local part, or no
        # address at all, is masked as any value
        (mask_email, '"a@b"@example.fi', '"***@example.fi'),
        (mask_email, "@example.fi", "@***i"),
        (mask_email, "no address", "n***s"),
        # phone: seven digits are a number, shown by its last two; a two-digit country code; an unknown one is not shown
        (mask_phone, "123 4567", "***67"),
        (mask_phone, "+44 20 7946 0958", "+44***58"),
        (mask_phone, "+999 1234 5678", "+***78"),
        # HETU: a digit where the century sign belongs is not shown
        (mask_hetu, "13105213080", "***********"),
        # business ID: too few digits to be one, masked as any value
        (mask_business_id, "12-3", "1***"),
        # account: the last characters of the number, not of how it was grouped (the IBAN registry's Swiss example)
        (mask_account, "CH93 0076 2011 6238 5295 7", "CH93***57"),
        # names: initials, a comma separating names too; nothing, masked whole
        (mask_name, "Matti Virtanen", "M*** V***"),
        (mask_name, "Virtanen,Matti", "V*** M***"),
        (mask_name, "", STARS),
    ],
)
def test_mask_boundaries(masker: Callable[[str], str], value: str, masked: str) -> None:
    assert masker(value) == masked


def test_every_masker_is_tested() -> None:
    # A new masker needs a property test above (business IDs are about companies: kept as they are tested in
    # test_validators). This list fails when one is added without one.
    assert set(MASKERS) == {"name", "generic", "email", "phone", "hetu", "business_id", "account"}


@pytest.mark.parametrize("fmt", ["text", "json", "ndjson", "csv", "markdown", "html"])
def test_no_output_format_shows_a_raw_value_or_its_identifying_part(tmp_path: Path, fmt: str) -> None:
    rows = [
        "nimi;henkilötunnus;puhelin;sähköposti;tilinumero;katuosoite;postinumero",
        "Matti Virtanen;131052-308T;040 765 4321;matti.virtanen@example.fi;FI21 1234 5600 0007 85;"
        "Mannerheimintie 12 A 3;00100",
        "Anna Korhonen;010594Y9021;+358 50 112 2334;anna.korhonen@example.fi;FI27 5000 1520 0000 23;"
        "Hämeenkatu 15 B 22;33100",
        "Liisa Laine;290200A998H;045 678 9012;liisa.laine@example.fi;FI21 1234 5600 0007 85;Koivukuja 5 as. 2;90100",
    ]
    (tmp_path / "asiakkaat.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / f"report.{fmt}"
    result = CliRunner().invoke(main, ["scan", str(tmp_path / "asiakkaat.csv"), "-f", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output  # findings, but --fail-on is never by default
    report = out.read_text(encoding="utf-8")
    assert "henkilötunnus" in report.lower() or "FI_PERSONAL_IDENTITY_CODE" in report
    secrets = [
        "Mannerheimintie",
        "Hämeenkatu",
        "Koivukuja",
        "33100",
        "Virtanen",
        "Korhonen",
        "131052",
        "010594",
        "290200",
        "308T",
        "7654321",
        "765 4321",
        "1122334",
        "virtanen@",
        "5600 0007",
        "56000007",
    ]
    for secret in secrets:
        assert secret not in report, (fmt, secret)
    assert not re.search(r"\d{6}[-+A-FU-Y]", report)  # no birth date with a century sign
