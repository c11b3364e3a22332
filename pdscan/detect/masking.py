"""Masking of sample values. Samples are masked where they are made (in the detector), so a raw value never
reaches a report unless the user asked for ``--show-data``.

Every masker is registered once, in :data:`MASKERS`; rules name them in their ``mask`` field.
"""

from __future__ import annotations

from collections.abc import Callable

STARS = "***"


def _digits_positions(value: str) -> list[int]:
    return [i for i, ch in enumerate(value) if ch.isdigit()]


def mask_generic(value: str) -> str:
    """First and last character: ``Mannerheimintie 12`` -> ``M***2``."""
    value = value.strip()
    if len(value) <= 2:
        return STARS
    if len(value) <= 5:
        return value[0] + STARS
    return value[0] + STARS + value[-1]  # one character at each end: the kind of value, not which one


def mask_email(value: str) -> str:
    """``matti.meikalainen@gmail.com`` -> ``m***@gmail.com``: the domain tells the kind of address, not the person."""
    local, at, domain = value.strip().rpartition("@")
    if not at or not local:
        return mask_generic(value)
    return local[0] + STARS + "@" + domain


def mask_phone(value: str) -> str:
    """``+358 40 123 4567`` -> ``+358***67``, ``040 123 4567`` -> ``***67``: at most the country code (written with
    its ``+`` or ``00``) and the last two digits. An operator prefix and the digits around it narrow a number down
    to a few hundred people; the country and two digits do not."""
    value = value.strip()
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) < 7:
        return STARS  # short numbers (an extension, a service number) are whole: nothing of them is shown
    country = ""
    if value.startswith("+") or value.startswith("00"):
        national = digits[2:] if value.startswith("00") else digits
        country = "+" + _country_code(national)
    return country + STARS + digits[-2:]


def _country_code(digits: str) -> str:
    """The calling code a number starts with (one to three digits), as libphonenumber knows them."""
    import phonenumbers  # imported on use: masking is otherwise pure Python

    for size in (1, 2, 3):
        if phonenumbers.region_code_for_country_code(int(digits[:size] or "0")) != "ZZ":
            return digits[:size]
    return ""


def mask_hetu(value: str) -> str:
    """``131052-308T`` -> ``******-****``: at most the century sign. The date of birth and the check character
    with a name identify a person (the birth date alone narrows a name to a handful of people)."""
    value = value.strip()
    if len(value) != 11:
        return STARS
    sign = value[6] if value[6] in _CENTURY_SIGNS else "*"
    return "******" + sign + "****"


_CENTURY_SIGNS = frozenset("+-ABCDEFUVWXYabcdefuvwxy")


def mask_business_id(value: str) -> str:
    """``1234567-8`` -> ``123***7-8``; a sole trader's business ID points to a person."""
    value = value.strip()
    pos = _digits_positions(value)
    if len(pos) < 6:
        return mask_generic(value)
    return value[: pos[2] + 1] + STARS + value[pos[-2] :]


def mask_account(value: str) -> str:
    """``FI21 1234 5600 0007 85`` -> ``FI21***85``; card numbers keep only the last four digits (PCI DSS)."""
    compact = value.strip().replace(" ", "")
    if len(compact) < 8:
        return mask_generic(value)
    if compact[:2].isalpha():
        return compact[:4] + STARS + compact[-2:]
    return STARS + compact[-4:]


def mask_name(value: str) -> str:
    """``Matti Virtanen`` -> ``M*** V***``: initials tell a reviewer it is a name, not whose."""
    parts = [p for p in value.replace(",", " ").split() if p]
    if not parts:
        return STARS
    return " ".join(p[0] + STARS for p in parts)


MASKERS: dict[str, Callable[[str], str]] = {
    "name": mask_name,
    "generic": mask_generic,
    "email": mask_email,
    "phone": mask_phone,
    "hetu": mask_hetu,
    "business_id": mask_business_id,
    "account": mask_account,
}
