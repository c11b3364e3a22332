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
    return value[0] + STARS + value[-1]


def mask_email(value: str) -> str:
    """``matti.meikalainen@gmail.com`` -> ``m***@gmail.com``: the domain tells the kind of address, not the person."""
    local, at, domain = value.strip().rpartition("@")
    if not at or not local:
        return mask_generic(value)
    return local[0] + STARS + "@" + domain


def mask_phone(value: str) -> str:
    """``0401234567`` -> ``0401***67``: keep the operator prefix and the last two digits, formatting included."""
    value = value.strip()
    pos = _digits_positions(value)
    if len(pos) < 7:
        return mask_generic(value)
    return value[: pos[3] + 1] + STARS + value[pos[-2] :]


def mask_hetu(value: str) -> str:
    """``131052-308T`` -> ``131052-***T``: the individual number is what identifies a person born that day."""
    value = value.strip()
    if len(value) != 11:
        return mask_generic(value)
    return value[:7] + STARS + value[10]


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
