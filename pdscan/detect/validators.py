"""Checksum and format validators, in the spirit of presidio's ``validate_result``.

A validator looks at one candidate string that a rule's pattern extracted and says CONFIRM (the check digit or
number plan proves it), REJECT (it has the shape but cannot be one) or UNKNOWN (no check possible). Validators run on
pattern candidates only, never on every cell, so they may be plain Python.

Every validator is registered once, in :data:`VALIDATORS`; rules name them in their ``value.validator`` field.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from stdnum import iban as stdnum_iban
from stdnum import luhn as stdnum_luhn
from stdnum.exceptions import ValidationError
from stdnum.fi import ytunnus as stdnum_ytunnus

from pdscan.resources import builtin_rules_dir


class Outcome(enum.Enum):
    CONFIRM = "confirm"
    REJECT = "reject"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    # A short label for the report's reasons, e.g. "temporary identity code". Never contains the value.
    detail: str | None = None


CONFIRM = Verdict(Outcome.CONFIRM)
REJECT = Verdict(Outcome.REJECT)

# --- HETU (henkilötunnus) ---------------------------------------------------------------------------------
# Source: Digital and Population Data Services Agency (DVV), "Henkilötunnus" and the 2023 reform (laki
# väestötietojärjestelmästä 661/2009 as amended 1.1.2023): DDMMYY + century sign + individual number NNN +
# check character. Check character = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(DDMMYYNNN) % 31].
# Century signs: '+' 1800s; '-' and Y X W V U 1900s; 'A' and B C D E F 2000s (the new signs from 2023).
# Individual numbers 002-899 are issued; 900-999 are temporary codes used e.g. by hospitals.
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_HETU_CENTURY = {"+": 1800, "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000}
_HETU_CENTURY.update(dict.fromkeys("-YXWVU", 1900))


def fi_hetu(candidate: str) -> Verdict:
    value = candidate.strip().upper()
    if len(value) != 11:
        return REJECT
    date_part, sign, individual, check = value[:6], value[6], value[7:10], value[10]
    if not (date_part.isdigit() and individual.isdigit()) or sign not in _HETU_CENTURY:
        return REJECT
    try:
        dt.date(_HETU_CENTURY[sign] + int(date_part[4:6]), int(date_part[2:4]), int(date_part[0:2]))
    except ValueError:
        return REJECT  # the date must exist in its century (presidio's recognizer misses this)
    number = int(individual)
    if number < 2:
        return REJECT
    if _HETU_CHECK[int(date_part + individual) % 31] != check:
        return REJECT
    if number >= 900:
        return Verdict(Outcome.CONFIRM, "temporary identity code (900-999)")
    return CONFIRM


# --- Y-tunnus (Finnish business ID) ----------------------------------------------------------------------
# Source: Finnish Tax Administration / PRH, "Y-tunnuksen tarkistusmerkki": 7 digits weighted 7,9,10,5,8,4,2,
# mod 11; implemented by python-stdnum's stdnum.fi.ytunnus. The VAT form is FI + the 8 digits; the older
# 6-digit form is padded with a leading zero.
def fi_business_id(candidate: str) -> Verdict:
    value = candidate.strip().upper().replace(" ", "")
    if value.startswith("FI"):
        value = value[2:]
    value = value.replace("-", "")
    if len(value) == 7:
        value = "0" + value
    if len(value) != 8 or not value.isdigit():
        return REJECT
    try:
        stdnum_ytunnus.validate(value)
    except ValidationError:
        return REJECT
    return CONFIRM


# --- Strings as bytes ------------------------------------------------------------------------------------
def _offsets_and_data(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A string array's offsets (n + 1, as int64) and its data buffer as bytes, read from Arrow's buffers."""
    n = len(values)
    if pa.types.is_large_string(values.type) or pa.types.is_large_binary(values.type):
        offsets_type: type = np.int64
    else:
        offsets_type = np.int32
    buffers = values.buffers()
    if n == 0 or buffers[1] is None:
        return np.zeros(n + 1, dtype=np.int64), _NO_BYTES
    offsets = np.frombuffer(buffers[1], dtype=offsets_type)[values.offset : values.offset + n + 1].astype(np.int64)
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None and buffers[2].size else _NO_BYTES
    return offsets, data


def _byte_matrix(values: pa.Array, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``width`` bytes of every string as one row of a uint8 matrix (0 past its end), and each string's
    length in bytes: read straight from Arrow's buffers, so a validator reads digit positions with numpy alone."""
    n = len(values)
    offsets, data = _offsets_and_data(values)
    if n == 0:
        return np.zeros((n, width), dtype=np.uint8), np.zeros(n, dtype=np.int64)
    lengths = np.diff(offsets)
    size = int(lengths[0])
    if size >= width and (lengths == size).all() and offsets[-1] <= len(data):
        # Values of one length (a column of HETUs, of Finnish IBANs): the bytes are already a matrix.
        rows = data[offsets[0] : offsets[-1]].reshape(n, size)
        return np.ascontiguousarray(rows[:, :width]), lengths
    columns = np.arange(width)
    inside = columns[None, :] < lengths[:, None]
    where = np.minimum(offsets[:-1, None] + columns[None, :], len(data) - 1)
    return np.where(inside, data[where], 0).astype(np.uint8), lengths


_NO_BYTES = np.zeros(1, dtype=np.uint8)


def _dropping(values: pa.Array, drop: np.ndarray) -> pa.Array:
    """The strings with every byte that ``drop`` (256 booleans) marks taken out, by numpy over the data buffer: a
    regex replacement (``[^0-9+]`` -> "") cost RE2 half a microsecond a value, this a few nanoseconds. ``drop`` takes
    either every byte from 0x80 up or none: a character beyond ASCII is dropped whole or kept whole, so what is left
    is still UTF-8. Nulls stay null."""
    assert drop[0x80:].all() or not drop[0x80:].any()
    n = len(values)
    offsets, data = _offsets_and_data(values)
    if n == 0:
        return values
    start, end = int(offsets[0]), int(offsets[-1])
    kept = ~drop[data[start:end]]
    # Each value's new end: the kept bytes before its old end.
    before = np.concatenate([[0], np.cumsum(kept, dtype=np.int64)])
    new_offsets = before[offsets - start]
    large = pa.types.is_large_string(values.type)
    make = pa.LargeStringArray if large else pa.StringArray
    return make.from_buffers(
        n,
        pa.py_buffer(new_offsets if large else new_offsets.astype(np.int32)),
        pa.py_buffer(np.ascontiguousarray(data[start:end][kept])),
        values.is_valid().buffers()[1] if values.null_count else None,
        values.null_count,
    )


def _byte_set(chars: str, complement: bool = False) -> np.ndarray:
    """256 booleans: the bytes of these ASCII characters, or with ``complement`` every byte but them (every character
    beyond ASCII included, as a regex's ``[^...]`` takes it)."""
    mask = np.zeros(256, dtype=bool)
    mask[[ord(ch) for ch in chars]] = True
    return ~mask if complement else mask


# --- IBAN -------------------------------------------------------------------------------------------------
# Source: ISO 13616-1, mod-97-10 check digits (ISO 7064) and per-country BBAN formats; python-stdnum's
# stdnum.iban implements both.
def iban(candidate: str) -> Verdict:
    try:
        stdnum_iban.validate(candidate)
    except ValidationError:
        return REJECT
    return CONFIRM


@functools.lru_cache(maxsize=256)
def _iban_structure(country: str) -> str | None:
    """The IBAN of a country as a regular expression (country, check digits, BBAN structure from the IBAN registry
    that python-stdnum ships), or None for a country without IBANs."""
    info = stdnum_iban._ibandb.info(country)
    bban = info[0][1].get("bban") if info and info[0][1] else None
    if bban is None:
        return None
    return f"^{country}[0-9]{{2}}{stdnum_iban._struct_to_re(bban).pattern.lstrip('^')}"


_IBAN_WIDTH = 34  # ISO 13616: at most 34 characters
_IBAN_SEPARATORS = _byte_set(" .-")


def _iban_many(values: pa.Array) -> Outcomes:
    """``iban`` for a whole column: the registry's structure per country by one regex pass each, ISO 7064 mod 97-10
    by numpy over the rotated characters. Countries whose account numbers have a national check of their own in
    python-stdnum (Belgium, Spain...) go through the scalar validator."""
    compact = pc.utf8_upper(_dropping(pc.utf8_trim_whitespace(values), _IBAN_SEPARATORS))
    length = np.asarray(pc.utf8_length(compact).to_numpy(zero_copy_only=False), dtype=np.int64)
    shaped = np.asarray(
        pc.match_substring_regex(compact, pattern="^[A-Z]{2}[0-9]{2}[A-Z0-9]+$").to_numpy(zero_copy_only=False)
    )
    shaped &= (length >= 5) & (length <= _IBAN_WIDTH)
    codes = np.full(len(values), REJECT_CODE, dtype=np.int8)
    if not shaped.any():
        return Outcomes(codes)
    countries = pc.utf8_slice_codeunits(compact, 0, 2)
    structured = np.zeros(len(values), dtype=bool)
    national = np.zeros(len(values), dtype=bool)
    for country in pc.unique(countries.filter(pa.array(shaped))).to_pylist():
        pattern = _iban_structure(country)
        rows = shaped & np.asarray(pc.equal(countries, country).to_numpy(zero_copy_only=False))
        if pattern is None:
            continue
        if stdnum_iban._get_cc_module(country) is not None:
            national |= rows
            continue
        fits = np.asarray(pc.match_substring_regex(compact, pattern=pattern).to_numpy(zero_copy_only=False))
        structured |= rows & fits
    # ISO 7064 mod 97-10: the first four characters move to the end, letters count as two digits (A=10), and the
    # number must leave 1 modulo 97. By Horner's rule, one column of characters at a time over all values (a letter
    # shifts the remainder by 100, a digit by 10): 22 vector steps for Finnish IBANs, no matrix of powers.
    safe = pc.if_else(pa.array(structured), compact, pa.scalar("AA00", compact.type))
    widest = int(length[structured].max()) if structured.any() else 4  # Finnish IBANs: 18 of the 34 columns
    chars, size = _byte_matrix(safe, widest)  # ASCII once structured: bytes are characters
    code = np.ascontiguousarray(chars.T).astype(np.int32)  # a row per character position
    letter = code >= 65
    inside = np.arange(widest)[:, None] < size[None, :]
    value = np.where(inside, np.where(letter, code - 55, code - 48), 0)
    shift = np.where(inside, np.where(letter, 100, 10), 1).astype(np.int32)  # past a value's end: no step
    remainder = np.zeros(len(values), dtype=np.int32)  # below 97 * 100 + 35 throughout
    for j in [*range(4, widest), *range(4)]:
        remainder *= shift[j]
        remainder += value[j]
        remainder %= 97
    codes[structured & (remainder == 1)] = CONFIRM_CODE
    for i in np.flatnonzero(national).tolist():
        codes[i] = _CODES[iban(values[i].as_py()).outcome]
    return Outcomes(codes)


# --- Payment card numbers ---------------------------------------------------------------------------------
# Source: ISO/IEC 7812-1 Luhn check digit, via python-stdnum's stdnum.luhn.
def luhn(candidate: str) -> Verdict:
    digits = "".join(ch for ch in candidate if ch.isdigit())
    if not 13 <= len(digits) <= 19:
        return REJECT
    return CONFIRM if stdnum_luhn.is_valid(digits) else REJECT


# --- Phone numbers ----------------------------------------------------------------------------------------
# Source: Google's libphonenumber metadata (the ``phonenumbers`` package), default region FI. The rule's pattern
# has already limited candidates to phone-shaped strings: phonenumbers.parse() alone accepts dates and ids.
# Finnish numbers, by far the most common here, are checked against the same metadata directly (a number is
# valid when its national significant number fits the general description and one number type, as
# PhoneNumberUtil.isValidNumberForRegion does): parse() costs some 30 microseconds a value, this one 2.
_FI_TYPES = (
    "fixed_line",
    "mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "personal_number",
    "voip",
    "pager",
    "uan",
    "voicemail",
)


_Desc = tuple[re.Pattern[str], frozenset[int]]


def _compile_region(region: str) -> tuple[re.Pattern[str], list[_Desc]]:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    assert metadata is not None and metadata.general_desc is not None
    descs = []
    for name in _FI_TYPES:
        desc = getattr(metadata, name)
        if desc is not None and desc.national_number_pattern:
            descs.append((re.compile(desc.national_number_pattern), frozenset(desc.possible_length or ())))
    return re.compile(metadata.general_desc.national_number_pattern or "(?!)"), descs


# +358 is shared by Finland and the Åland Islands (AX, numbers 018...): valid in either region is valid.
_REGIONS_358 = [_compile_region(r) for r in phonenumbers.region_codes_for_country_code(358)]
_NON_DIGITS = re.compile(r"[^0-9+]")


def _finnish_nsn(candidate: str) -> str | None:
    """The national significant number of a Finnish number, or None when the candidate is not Finnish."""
    compact = _NON_DIGITS.sub("", candidate.replace("(0)", ""))
    for prefix in ("+358", "00358"):
        if compact.startswith(prefix):
            return compact[len(prefix) :]
    if compact.startswith("0") and not compact.startswith("00"):
        return compact[1:]
    return None


# Finnish numbers are written with the area or operator code as their first group (09, 040, 0400, 050): a first
# group of five or more digits followed by more (04401-5112, a US ZIP+4 code) is not a phone number written by hand.
# A UK number is written that way (07700 900123, 01632 960123): after a space, such a number may still be valid in
# another country's plan, never a Finnish one. A first group of 00 and a country code (00358 40 123 4567) is no
# trunk prefix and area code: it is the international prefix.
_LONG_FIRST_GROUP = re.compile(r"^\(?0[1-9]\d{3,}[ ./)-]")
# Middle dots as separators, as some CV templates print them: (201) · 555 · 0123.
_MIDDLE_DOTS = re.compile(r" *\u00b7 *")
# Numbers written the national way of another country, without their country code: North American (202-224-3441,
# (201) 555-0123), British (07400 123456), Chinese mobiles (13123456789), Indian mobiles (98765 43210). They are
# valid in that plan, but a column of them is phone numbers only where its header says so, and a passage only next
# to a label (order and case numbers take the same shapes). Tried in this order after Finland, with libphonenumber's
# parse(number, region) and is_valid_number. Germany is left out: its plan accepts some 80 % of all digit strings of
# phone length, so "valid in Germany" says nothing about a candidate.
NATIONAL_REGIONS = ("US", "GB", "SE", "CN", "IN")
NATIONAL_ELSEWHERE = "number without its country code"
_INTERNATIONAL = re.compile(r"^\(?(?:\+|00)")


def _finnish_valid(nsn: str) -> bool:
    return any(
        general.fullmatch(nsn) and any(len(nsn) in lengths and p.fullmatch(nsn) for p, lengths in descs)
        for general, descs in _REGIONS_358
    )


def _national_elsewhere(text: str) -> Verdict:
    """A number without its country code that one of :data:`NATIONAL_REGIONS` has in its plan: UNKNOWN, labelled."""
    for region in NATIONAL_REGIONS:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return Verdict(Outcome.UNKNOWN, NATIONAL_ELSEWHERE)
    return REJECT


def phone_number(candidate: str) -> Verdict:
    text = _MIDDLE_DOTS.sub(" ", candidate.strip())
    long_first = _LONG_FIRST_GROUP.match(text)
    if long_first is not None and not long_first.group().endswith(" "):
        return REJECT  # 04401-5112: a ZIP+4 code
    nsn = _finnish_nsn(text)
    if nsn is not None:
        if long_first is None and _finnish_valid(nsn):
            return CONFIRM
        if _INTERNATIONAL.match(text):
            return REJECT  # +358 or 00358 and not in the Finnish plan
        return _national_elsewhere(text)  # 0...: a trunk prefix, Finland's or another country's
    if not _INTERNATIONAL.match(text):
        return _national_elsewhere(text)  # (202) 224-3441, 13123456789, 98765 43210
    try:
        number = phonenumbers.parse(text, "FI")
    except phonenumbers.NumberParseException:
        return REJECT
    if not phonenumbers.is_valid_number(number):
        return REJECT
    if number.country_code != 358:
        return Verdict(Outcome.CONFIRM, "international number")
    return CONFIRM


# --- Payment cards ----------------------------------------------------------------------------------------
# Source: ISO/IEC 7812-1 (Luhn) and the card schemes' published IIN ranges and lengths: Visa 4 (13, 16, 19 digits),
# Mastercard 51-55 and 2221-2720 (16), American Express 34/37 (15), Discover 6011/644-649/65 (16-19),
# Diners 36/38/300-305 (14-19), JCB 3528-3589 (16-19), UnionPay 62 (16-19), UATP 1 (15), Dankort 5019 (16),
# Maestro 50/56-58/639/67 (12-19, e.g. 6759 in the UK), Mir 2200-2204 (16-19), Verve 506099-506198 (16, 18, 19),
# Troy 9792 (16). Luhn alone passes one random number in ten.
_CARD_RANGES: tuple[tuple[tuple[int, int], int, frozenset[int]], ...] = (
    ((4, 4), 1, frozenset({13, 16, 19})),
    ((51, 55), 2, frozenset({16})),
    ((2221, 2720), 4, frozenset({16})),
    ((34, 34), 2, frozenset({15})),
    ((37, 37), 2, frozenset({15})),
    ((6011, 6011), 4, frozenset({16, 17, 18, 19})),
    ((644, 649), 3, frozenset({16, 17, 18, 19})),
    ((65, 65), 2, frozenset({16, 17, 18, 19})),
    ((36, 36), 2, frozenset({14, 15, 16, 17, 18, 19})),
    ((38, 38), 2, frozenset({16, 17, 18, 19})),
    ((300, 305), 3, frozenset({14, 15, 16, 17, 18, 19})),
    ((3528, 3589), 4, frozenset({16, 17, 18, 19})),
    ((62, 62), 2, frozenset({16, 17, 18, 19})),
    ((1, 1), 1, frozenset({15})),
    ((5019, 5019), 4, frozenset({16})),
    ((50, 50), 2, frozenset(range(12, 20))),
    ((56, 58), 2, frozenset(range(12, 20))),
    ((639, 639), 3, frozenset(range(12, 20))),
    ((67, 67), 2, frozenset(range(12, 20))),
    ((2200, 2204), 4, frozenset({16, 17, 18, 19})),
    ((9792, 9792), 4, frozenset({16})),
)


def payment_card(candidate: str) -> Verdict:
    digits = "".join(ch for ch in candidate if ch.isdigit())
    for (low, high), width, lengths in _CARD_RANGES:
        if len(digits) in lengths and low <= int(digits[:width]) <= high:
            return CONFIRM if stdnum_luhn.is_valid(digits) else REJECT
    return REJECT


# --- Email addresses --------------------------------------------------------------------------------------
# Source: RFC 5321/5322 (dot-atom local part of at most 64 characters, a domain of dot-separated labels of at most
# 63, the whole at most 254), RFC 6531 (internationalised local parts) and RFC 5891 (IDN domains), as the
# email-validator package implements them, without DNS lookups. Special-use domains (RFC 6761: localhost, .test,
# .invalid...) are not addresses of anyone.
# A "domain" whose last label is a file extension is a file name: logo@2x.png (a retina image), icon@3x.jpg,
# bundle@1.2.js. None of these is a top-level domain (.zip, .mov and .md, which are, are not listed).
FILE_EXTENSIONS = frozenset(
    {
        *("png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "avif", "heic", "pdf"),
        *("js", "mjs", "ts", "css", "scss", "less", "html", "htm", "php", "json", "xml", "yaml", "yml", "txt", "csv"),
        *("woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4", "m4a", "wav", "ogg", "webm", "avi", "mkv"),
        *("doc", "docx", "xls", "xlsx", "ppt", "pptx", "gz", "tgz", "rar", "7z"),
    }
)
_FILE_DOMAIN = "(?i)\\.(?:" + "|".join(sorted(FILE_EXTENSIONS)) + ")$"


def email(candidate: str) -> Verdict:
    if candidate.strip().rsplit(".", 1)[-1].lower() in FILE_EXTENSIONS:
        return REJECT
    # Imported here: most addresses are plain ASCII and decided by the column pass alone, and importing the package
    # (it compiles its patterns) was 0.03 s of every run's start.
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(candidate, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        return REJECT
    return CONFIRM


# Obfuscated addresses, written so that harvesters miss them: etunimi.sukunimi(at)example.fi, matti [at] example
# [dot] fi, matti at example dot fi, anna[ät]example.fi, matti@example(dot)fi. The rule's pattern only takes
# candidates holding such a token; here every token becomes its character again and the address is checked as one.
_OBFUSCATED_AT = re.compile(r"\s*[\[({<]\s*(?:at|ät)\s*[\])}>]\s*|\s+(?:at|ät)\s+", re.IGNORECASE)
_OBFUSCATED_DOT = re.compile(r"\s*[\[({<]\s*(?:dot|piste|punkt)\s*[\])}>]\s*|\s+(?:dot|piste|punkt)\s+", re.IGNORECASE)


def email_obfuscated(candidate: str) -> Verdict:
    text = candidate.strip()
    plain = _OBFUSCATED_DOT.sub(".", _OBFUSCATED_AT.sub("@", text))
    if plain == text or any(ch.isspace() for ch in plain):
        return REJECT  # nothing was obfuscated, or words remain around the address
    return email(plain)


_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
# The common case, plain ASCII: decided by one pass over the column; anything else goes to email-validator.
# Labels with "--" in their third and fourth characters (xn--, IDNA's reserved form) and special-use domains take the
# slow path, where email-validator checks them.
_PLAIN_EMAIL = f"^{_ATOM}(?:\\.{_ATOM})*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\\.)+[A-Za-z]{{2,63}}$"
_SPECIAL_USE = "(?i)[.@](?:arpa|invalid|local|localhost|onion|test)$|--"


def _email_many(values: pa.Array) -> Outcomes:
    plain = pc.and_(
        pc.match_substring_regex(values, pattern=_PLAIN_EMAIL),
        pc.invert(pc.match_substring_regex(values, pattern=_SPECIAL_USE)),
    )
    plain = pc.and_(plain, pc.invert(pc.match_substring_regex(values, pattern=_FILE_DOMAIN)))  # logo@2x.png
    lengths = pc.and_(
        pc.less_equal(pc.utf8_length(values), pa.scalar(254, pa.int64())),  # the whole address
        pc.less_equal(pc.find_substring(values, "@"), pa.scalar(64, pa.int64())),  # the local part
    )
    ok = np.asarray(pc.and_(plain, lengths).to_numpy(zero_copy_only=False))
    codes = np.where(ok, CONFIRM_CODE, REJECT_CODE).astype(np.int8)
    rest = np.flatnonzero(~ok)
    for i, text in zip(rest.tolist(), values.take(pa.array(rest)).to_pylist(), strict=True):
        codes[i] = _CODES[email(text).outcome]
    return Outcomes(codes)


# --- IP addresses -----------------------------------------------------------------------------------------
# Source: RFC 791 / RFC 4291 text forms, parsed by Python's ipaddress module (which refuses leading zeros,
# so 010.001.002.003 style codes are not addresses). The unspecified address 0.0.0.0 / :: identifies nobody.
def ip_address(candidate: str) -> Verdict:
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return REJECT
    if address.is_unspecified:
        return REJECT
    return Verdict(Outcome.CONFIRM, "IPv6 address") if address.version == 6 else CONFIRM


# --- Dates of birth ---------------------------------------------------------------------------------------
# A date of birth is a date that exists, in the past, of someone born after 1900. Formats: ISO 8601 (1985-03-12),
# Finnish and European day first (12.3.1985, 12.3.85), slashed dates read both ways (12/03/1985 is 12 March or,
# the US way, 3 December: either reading that exists will do), month names in English (28-Nov-1999, Feb 28, 1997,
# October 11, 1961, 24th April 1996, 11 October 1961), Finnish (12. maaliskuuta 1985) and Swedish (12 mars 1985),
# and Chinese (1991年12月23日). A two-digit year is the most recent one that puts the date in the past (85 is 1985,
# 05 is 2005).
_EN_MONTHS: tuple[str, ...] = ("january", "february", "march", "april", "may", "june", "july")
_EN_MONTHS += ("august", "september", "october", "november", "december")
_SV_MONTHS: tuple[str, ...] = ("januari", "februari", "mars", "april", "maj", "juni", "juli")
_SV_MONTHS += ("augusti", "september", "oktober", "november", "december")
_MONTH_NAMES = {name: i for names in (_EN_MONTHS, _SV_MONTHS) for i, name in enumerate(names, 1)}
_MONTH_NAMES.update({name[:3]: i for i, name in enumerate(_EN_MONTHS, 1)} | {"sept": 9, "okt": 10})
_FI_MONTHS = {
    "tammi": 1, "helmi": 2, "maalis": 3, "huhti": 4, "touko": 5, "kesä": 6, "heinä": 7, "elo": 8, "syys": 9,
    "loka": 10, "marras": 11, "joulu": 12,
}  # fmt: skip
_ISO_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_NUMERIC_DATE = re.compile(r"^(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})$")
_NAMED_DATES = (
    re.compile(r"^(?P<d>\d{1,2})-(?P<m>[a-z]+)\.?-(?P<y>\d{4}|\d{2})$", re.IGNORECASE),  # 28-Nov-1999
    re.compile(r"^(?P<m>[a-z]+)\.? (?P<d>\d{1,2})(?:st|nd|rd|th)?,? (?P<y>\d{4})$", re.IGNORECASE),  # Feb 28, 1997
    # 24th April 1996, 11 October 1961, 12. maaliskuuta 1985, 12 mars 1985
    re.compile(r"^(?P<d>\d{1,2})(?:st|nd|rd|th|\.)? (?:of )?(?P<m>[a-zäö]+)\.?,? (?P<y>\d{4})$", re.IGNORECASE),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$"),  # 1991年12月23日
)
_EARLIEST_BIRTH = dt.date(1900, 1, 1)


def _month_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    name = text.lower()
    if name.endswith("kuuta"):
        return _FI_MONTHS.get(name[: -len("kuuta")])
    return _MONTH_NAMES.get(name)


def _past_date(year: str, month: int | None, day: int) -> bool:
    """Whether the date exists between 1900 and today; a two-digit year in its most recent century that does."""
    if month is None:
        return False
    today = dt.date.today()
    years = [int(year)] if len(year) == 4 else [2000 + int(year), 1900 + int(year)]
    for full in years:
        try:
            born = dt.date(full, month, day)
        except ValueError:
            continue
        if born <= today:
            return born >= _EARLIEST_BIRTH
    return False


def date_of_birth(candidate: str) -> Verdict:
    text = " ".join(candidate.split())
    iso = _ISO_DATE.match(text)
    if iso is not None:
        ok = _past_date(iso["y"], int(iso["m"]), int(iso["d"]))
        return CONFIRM if ok else REJECT
    numeric = _NUMERIC_DATE.match(text)
    if numeric is not None:
        a, b = int(numeric["a"]), int(numeric["b"])
        readings = [(b, a)] + ([(a, b)] if numeric["sep"] == "/" else [])  # (month, day): day first; US month first
        return CONFIRM if any(_past_date(numeric["y"], m, d) for m, d in readings) else REJECT
    for form in _NAMED_DATES:
        named = form.match(text)
        if named is not None:
            return CONFIRM if _past_date(named["y"], _month_number(named["m"]), int(named["d"])) else REJECT
    return REJECT


# --- Finnish postal codes -----------------------------------------------------------------------------------
# Source: GeoNames' postal code data for Finland and Åland (CC BY 4.0), rules/lexicons/fi_postal_codes.tsv. Five
# digits are a postal code only when Posti uses them; with the name of its own post office after it ("00100
# Helsinki") the code is an address line.
WITH_POST_OFFICE = "postal code with its post office"


@functools.lru_cache(maxsize=1)
def _fi_postal_codes() -> dict[str, frozenset[str]]:
    offices: dict[str, set[str]] = {}
    path = builtin_rules_dir() / "lexicons" / "fi_postal_codes.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        code, office = line.split("\t", 1)
        offices.setdefault(code, set()).add(office.casefold())
    return {code: frozenset(names) for code, names in offices.items()}


def fi_postal_code(candidate: str) -> Verdict:
    code, _, town = candidate.strip().partition(" ")
    offices = _fi_postal_codes().get(code)
    if offices is None:
        return REJECT
    if town and town.strip().casefold() in offices:
        return Verdict(Outcome.CONFIRM, WITH_POST_OFFICE)
    return CONFIRM


# --- Column-wide forms ------------------------------------------------------------------------------------
# The same checks over a whole Arrow array of candidates at once (numpy and Arrow kernels, no Python per value).
# Each must agree with its scalar form; tests/test_validators.py proves it on random input.
REJECT_CODE, UNKNOWN_CODE, CONFIRM_CODE = -1, 0, 1
_CODES = {Outcome.CONFIRM: CONFIRM_CODE, Outcome.UNKNOWN: UNKNOWN_CODE, Outcome.REJECT: REJECT_CODE}


@dataclass
class Outcomes:
    codes: np.ndarray  # int8 per value: CONFIRM_CODE, UNKNOWN_CODE or REJECT_CODE
    details: dict[str, np.ndarray] = field(default_factory=dict)  # detail label -> mask of values


def _digit_values(matrix: np.ndarray) -> np.ndarray:
    """Digits as numbers, anything else as 0 (so a malformed candidate fails its check rather than raising)."""
    d = matrix.astype(np.int64) - 48
    return np.where((d >= 0) & (d <= 9), d, 0)


def _number(digits: np.ndarray, start: int, length: int) -> np.ndarray:
    """The number written by ``length`` digit columns from ``start``."""
    total = np.zeros(len(digits), dtype=np.int64)
    for j in range(start, start + length):
        total = total * 10 + digits[:, j]
    return total


_SIGN_CENTURY = pa.array(list(_HETU_CENTURY), pa.string())
_CENTURIES = np.array(list(_HETU_CENTURY.values()), dtype=np.int64)
_CHECK_CHARS = pa.array(list(_HETU_CHECK), pa.string())
_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _fi_hetu_many(values: pa.Array) -> Outcomes:
    upper = pc.utf8_upper(values)
    sign = pc.index_in(pc.utf8_slice_codeunits(upper, 6, 7), value_set=_SIGN_CENTURY).to_numpy(zero_copy_only=False)
    check = pc.index_in(pc.utf8_slice_codeunits(upper, 10, 11), value_set=_CHECK_CHARS)
    check_index = np.asarray(pc.fill_null(check, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    sign_ok = ~np.isnan(sign.astype(np.float64)) if sign.dtype.kind == "f" else sign >= 0
    sign_index = np.where(sign_ok, np.nan_to_num(sign.astype(np.float64), nan=0), 0).astype(np.int64)
    matrix, size = _byte_matrix(upper, 11)
    digits = _digit_values(matrix)
    numeric = (matrix >= 48) & (matrix <= 57)  # "0"-"9": the date and the individual number are digits, as in fi_hetu
    numeric = np.asarray(numeric[:, :6].all(axis=1) & numeric[:, 7:10].all(axis=1), dtype=bool)
    day, month, yy = _number(digits, 0, 2), _number(digits, 2, 2), _number(digits, 4, 2)
    number = _number(digits, 7, 3)
    year = _CENTURIES[sign_index] + yy
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    max_day = _DAYS[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
    expected = (_number(digits, 0, 6) * 1000 + number) % 31
    ok = (size == 11) & numeric & sign_ok & month_ok & (day >= 1) & (day <= max_day) & (number >= 2)
    ok &= check_index == expected
    codes = np.where(ok, CONFIRM_CODE, REJECT_CODE).astype(np.int8)
    return Outcomes(codes, {"temporary identity code (900-999)": ok & (number >= 900)})


_YT_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_DASH_SPACE = _byte_set("- ")


def _fi_business_id_many(values: pa.Array) -> Outcomes:
    upper = pc.utf8_upper(values)
    compact = _dropping(pc.if_else(pc.starts_with(upper, "FI"), pc.utf8_slice_codeunits(upper, 2), upper), _DASH_SPACE)
    compact = pc.utf8_lpad(compact, width=8, padding="0")
    shaped = np.asarray(
        pc.and_(pc.equal(pc.utf8_length(compact), pa.scalar(8, pa.int64())), pc.utf8_is_digit(compact)).to_numpy(
            zero_copy_only=False
        )
    )
    safe = pc.if_else(pa.array(shaped), compact, pa.scalar("00000000", compact.type))
    digits = _digit_values(_byte_matrix(safe, 8)[0]).T
    remainder = (digits[:7] * _YT_WEIGHTS[:, None]).sum(axis=0) % 11
    check = np.where(remainder == 0, 0, 11 - remainder)
    ok = shaped & (remainder != 1) & (check == digits[7])
    return Outcomes(np.where(ok, CONFIRM_CODE, REJECT_CODE).astype(np.int8))


def _luhn_ok(digits: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Luhn over rows of digits (left-aligned, ``lengths`` long): every second digit from the right doubled."""
    width = digits.shape[1]
    from_right = lengths[:, None] - 1 - np.arange(width)[None, :]  # 0 for the last digit, negative past the end
    doubled = np.where(digits * 2 > 9, digits * 2 - 9, digits * 2)
    terms = np.where(from_right % 2 == 1, doubled, digits)
    total = np.where(from_right >= 0, terms, 0).sum(axis=1)
    return np.asarray(total % 10 == 0)


_NOT_DIGITS = _byte_set("0123456789", complement=True)


def _payment_card_many(values: pa.Array) -> Outcomes:
    digits = _dropping(values, _NOT_DIGITS)
    length = np.asarray(pc.utf8_length(digits).to_numpy(zero_copy_only=False))
    sized = (length >= 12) & (length <= 19)
    safe = pc.if_else(pa.array(sized), digits, pa.scalar("000000000000", digits.type))
    matrix, size = _byte_matrix(safe, 19)
    numbers = _digit_values(matrix)
    scheme = np.zeros(len(values), dtype=bool)
    for (low, high), width, lengths in _CARD_RANGES:
        prefix = _number(numbers, 0, width)
        scheme |= (prefix >= low) & (prefix <= high) & np.isin(length, list(lengths))
    ok = scheme & _luhn_ok(numbers, size)
    return Outcomes(np.where(ok, CONFIRM_CODE, REJECT_CODE).astype(np.int8))


_NOT_PHONE_CHARACTERS = _byte_set("0123456789+", complement=True)


def _phone_number_many(values: pa.Array) -> Outcomes:
    """``phone_number`` for a whole column: Finnish numbers, by far the most common, by Arrow kernels over the
    numbering plan's patterns; every value that is not a valid Finnish number (another country's, a look-alike)
    through the scalar validator, one by one."""
    compact = _dropping(pc.replace_substring(values, "(0)", ""), _NOT_PHONE_CHARACTERS)
    plus = pc.starts_with(compact, "+358")
    zeros = pc.starts_with(compact, "00358")
    national = pc.and_(pc.starts_with(compact, "0"), pc.invert(pc.starts_with(compact, "00")))
    nsn = pc.if_else(
        plus,
        pc.utf8_slice_codeunits(compact, 4),
        pc.if_else(zeros, pc.utf8_slice_codeunits(compact, 5), pc.utf8_slice_codeunits(compact, 1)),
    )
    finnish = np.asarray(pc.or_(pc.or_(plus, zeros), national).to_numpy(zero_copy_only=False))
    length = pc.utf8_length(nsn)
    valid = np.zeros(len(values), dtype=bool)
    for general, descs in _REGIONS_358_TEXT:
        fits = np.asarray(pc.match_substring_regex(nsn, pattern=f"^(?:{general})$").to_numpy(zero_copy_only=False))
        # The number types are tried on the values that fit the region and are not valid yet only (the type
        # patterns were most of this validator's time, each over the whole column).
        index = np.flatnonzero(fits & ~valid)
        if index.size == 0:
            continue
        taken = pa.array(index)
        subset, sizes = nsn.take(taken), length.take(taken)
        typed = np.zeros(index.size, dtype=bool)
        for pattern, lengths in descs:
            hit = pc.and_(
                pc.match_substring_regex(subset, pattern=f"^(?:{pattern})$"),
                pc.is_in(sizes, value_set=pa.array(sorted(lengths), pa.int32())),
            )
            typed |= np.asarray(hit.to_numpy(zero_copy_only=False))
        valid[index[typed]] = True
    grouped_wrong = pc.match_substring_regex(pc.utf8_trim_whitespace(values), pattern=_LONG_FIRST_GROUP.pattern)
    valid &= finnish & ~np.asarray(grouped_wrong.to_numpy(zero_copy_only=False))
    codes = np.where(valid, CONFIRM_CODE, REJECT_CODE).astype(np.int8)
    details: dict[str, np.ndarray] = {}
    rest = np.flatnonzero(~valid)
    if rest.size:  # other countries' numbers and look-alikes: the full check, one by one
        labels = {label: np.zeros(len(values), dtype=bool) for label in ("international number", NATIONAL_ELSEWHERE)}
        for i, text in zip(rest.tolist(), values.take(pa.array(rest)).to_pylist(), strict=True):
            verdict = phone_number(text)
            codes[i] = _CODES[verdict.outcome]
            if verdict.detail in labels:
                labels[verdict.detail][i] = True
        details.update(labels)
    return Outcomes(codes, details)


_REGIONS_358_TEXT = [(g.pattern, [(p.pattern, lengths) for p, lengths in descs]) for g, descs in _REGIONS_358]


def _one_by_one(one: Callable[[str], Verdict]) -> Callable[[pa.Array], Outcomes]:
    """The column form of a validator that only has a scalar form: a Python loop over the candidates."""

    def many(values: pa.Array) -> Outcomes:
        codes = np.empty(len(values), dtype=np.int8)
        details: dict[str, list[int]] = {}
        for i, text in enumerate(values.to_pylist()):
            verdict = one(text)
            codes[i] = _CODES[verdict.outcome]
            if verdict.detail and verdict.outcome is not Outcome.REJECT:
                details.setdefault(verdict.detail, []).append(i)
        masks = {}
        for label, rows in details.items():
            mask = np.zeros(len(values), dtype=bool)
            mask[rows] = True
            masks[label] = mask
        return Outcomes(codes, masks)

    return many


@dataclass(frozen=True)
class Validator:
    one: Callable[[str], Verdict]  # one candidate
    label: str  # how a finding's reasons name the check
    column: Callable[[pa.Array], Outcomes] | None = None  # all candidates of a column at once
    # Detail labels of values that count only where the column name backs the rule (a US number without +1).
    name_backed: tuple[str, ...] = ()
    # Detail labels of values that carry their own context and back a weak rule in a document by themselves (a
    # postal code followed by the name of its own post office).
    backs: tuple[str, ...] = ()

    def many(self, values: pa.Array) -> Outcomes:
        return (self.column or _one_by_one(self.one))(values)


# The one registry of validators: rules name them in value.validator.
VALIDATORS: dict[str, Validator] = {
    "fi_hetu": Validator(fi_hetu, "checksum mod 31 + date", _fi_hetu_many),
    "fi_business_id": Validator(fi_business_id, "checksum mod 11", _fi_business_id_many),
    "iban": Validator(iban, "checksum mod 97", _iban_many),
    "luhn": Validator(luhn, "Luhn checksum"),
    "payment_card": Validator(payment_card, "Luhn + card scheme", _payment_card_many),
    "phone_number": Validator(
        phone_number, "libphonenumber plan", _phone_number_many, name_backed=(NATIONAL_ELSEWHERE,)
    ),
    "ip_address": Validator(ip_address, "valid IP address"),
    "email": Validator(email, "RFC 5322 address (email-validator)", _email_many),
    "email_obfuscated": Validator(email_obfuscated, "RFC 5322 address once de-obfuscated"),
    "fi_postal_code": Validator(fi_postal_code, "Finnish postal code in use (GeoNames)", backs=(WITH_POST_OFFICE,)),
    "date_of_birth": Validator(date_of_birth, "existing past date"),
}
