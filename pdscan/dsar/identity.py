"""The person a request is about: identifiers normalised once, and the checks that decide whether a value or a row
is about them.

Normalisation: an email is trimmed and case-folded; a phone number becomes E.164 whatever its written form
(libphonenumber, Finland as the default region); a HETU is upper-cased; a Y-tunnus keeps its digits and dash. A name
matches case- and accent-insensitively, in either order (``Virtanen Matti``, ``Virtanen, Matti``), in one column
or split over first-name and surname columns, and in free text with Finnish case endings (``Matti Virtaselle``).

Search is two-stage. A cheap prefilter (SQL ``LIKE`` in the database, Arrow substring kernels in files) keeps every
row that *could* hold an identifier: it is a superset by construction (lower-case substrings, phone numbers compared
on their digits with separators removed). Then :meth:`Person.match_row` decides in Python, on those few rows only.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import phonenumbers

from pdscan.detect.colnames import fold
from pdscan.detect.masking import mask_generic
from pdscan.detect.names import inflections, lexicon
from pdscan.detect.rules import Rule, load_rules
from pdscan.detect.validators import VALIDATORS, Outcome
from pdscan.errors import UsageError

DEFAULT_REGION = "FI"
KINDS = ("email", "phone", "hetu", "business_id", "name")
DIRECT = ("email", "phone", "hetu", "business_id")  # identifiers: a match is about this person

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def _in_text(address: str) -> set[str]:
    """An address as text shows it, and without a ``key=`` before it (logs and URLs: ``applicant=a@b.fi``; ``=``
    is legal in a local part, so the pattern keeps it)."""
    return {address, address.rsplit("=", 1)[-1]}


PHONE = re.compile(r"(?<![\w+])(?:\+|00)?[\d(][\d\s().\-/]{5,}\d(?!\w)")
_BUSINESS_ID = re.compile(r"(?<!\d)\d{7}-\d(?!\d)")
_PHONE_SHAPED = re.compile(r"(?:\+|00)?[\d\s().\-/]{6,}")
# Characters phone numbers are written with between digits: removed before comparing digits.
PHONE_SEPARATORS = (" ", "-", "(", ")", ".", "/", "+", "\u00a0")
_WORDS = re.compile(r"[^\W\d_][\w'’-]*")


@functools.lru_cache(maxsize=1)
def hetu_pattern() -> re.Pattern[str]:
    """The HETU pattern of the shipped rule (rules/fi_hetu.yaml): scans and DSAR searches share one definition.

    Its group ``v`` is the code; the rule's boundaries keep it out of longer digit runs.
    """
    rule: Rule = next(r for r in load_rules() if r.dsar_identifier == "hetu" and r.pattern is not None)
    assert rule.pattern is not None  # a pattern rule by its file
    return rule.pattern


@dataclass(frozen=True)
class Hit:
    """One identifier found in one value: which kind, whether the value is exactly it or mentions it in text."""

    kind: str
    exact: bool


@dataclass(frozen=True)
class RowMatch:
    """Why a row is about the person: the columns and the identifier kinds that matched there."""

    columns: dict[str, tuple[Hit, ...]]

    @property
    def kinds(self) -> list[str]:
        return sorted({h.kind for hits in self.columns.values() for h in hits})

    @property
    def direct(self) -> bool:
        """An identifier matched (not only a name)."""
        return any(h.kind in DIRECT for hits in self.columns.values() for h in hits)

    @property
    def strength(self) -> str:
        if any(h.kind in DIRECT and h.exact for hits in self.columns.values() for h in hits):
            return "exact identifier"
        if self.direct:
            return "identifier in text"
        return "name only"


@dataclass(frozen=True)
class Name:
    first: str  # folded, lower case: "matti"
    last: str  # "virtanen"
    first_forms: frozenset[str]  # every case form, folded: matti, matin, matille...
    last_forms: frozenset[str]
    prefixes: tuple[str, ...]  # substrings every written form of the surname contains (for the prefilter)


@dataclass(frozen=True)
class Person:
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()  # E.164
    hetus: tuple[str, ...] = ()
    business_ids: tuple[str, ...] = ()
    names: tuple[Name, ...] = ()
    _phone_digits: tuple[str, ...] = field(default=(), repr=False)  # national significant numbers

    @classmethod
    def from_identifiers(
        cls,
        emails: Iterable[str] = (),
        phones: Iterable[str] = (),
        hetus: Iterable[str] = (),
        names: Iterable[str] = (),
        business_ids: Iterable[str] = (),
        region: str = DEFAULT_REGION,
    ) -> Person:
        normal_emails = tuple(dict.fromkeys(normalise_email(e) for e in emails))
        parsed = [_parse_phone(p, region) for p in phones]
        normal_phones = tuple(
            dict.fromkeys(phonenumbers.format_number(p, phonenumbers.PhoneNumberFormat.E164) for p in parsed)
        )
        digits = tuple(dict.fromkeys(str(p.national_number) for p in parsed))
        normal_hetus = tuple(dict.fromkeys(normalise_hetu(h) for h in hetus))
        normal_ids = tuple(dict.fromkeys(normalise_business_id(b) for b in business_ids))
        person = cls(normal_emails, normal_phones, normal_hetus, normal_ids, tuple(_name(n) for n in names), digits)
        if not person.kinds:
            raise UsageError("give at least one identifier: --email, --phone, --hetu, --business-id or --name")
        return person

    @property
    def kinds(self) -> list[str]:
        present = {
            "email": self.emails,
            "phone": self.phones,
            "hetu": self.hetus,
            "business_id": self.business_ids,
            "name": self.names,
        }
        return [k for k in KINDS if present[k]]

    def fingerprints(self, key: bytes) -> list[dict[str, str]]:
        """Keyed hashes of the normalised identifiers, for the audit log: comparable, never readable without the
        key, which is kept outside the inventory (pdscan.inventory.keys)."""
        out = []
        for kind, values in (
            ("email", self.emails),
            ("phone", self.phones),
            ("hetu", self.hetus),
            ("business_id", self.business_ids),
            ("name", tuple(f"{n.first} {n.last}" for n in self.names)),
        ):
            for value in values:
                digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
                out.append({"kind": kind, "hmac_sha256": digest})
        return out

    # -- the prefilter: lower-case substrings, and digit strings of phone numbers ---------------------------

    def lower_terms(self) -> list[str]:
        """Substrings of the lower-cased value: a row holding an identifier or a name form contains one of them."""
        terms = list(self.emails) + [h.lower() for h in self.hetus] + list(self.business_ids)
        for name in self.names:
            terms.extend(name.prefixes)
        return list(dict.fromkeys(terms))

    def upper_terms(self) -> list[str]:
        """Substrings of the raw value for databases whose lower() folds only ASCII (SQLite): upper-case names."""
        return list(dict.fromkeys(p.upper() for n in self.names for p in n.prefixes if not p.isascii()))

    def phone_numbers(self) -> list[int]:
        """Each phone number as an integer column stores it: with its country code (358401234567) and as the
        national number, whose trunk 0 an integer cannot keep (401234567)."""
        out: list[int] = []
        for phone in self.phones:
            number = phonenumbers.parse(phone)
            national = int(number.national_number or 0)
            out += [int(f"{number.country_code}{national}"), national]
        return list(dict.fromkeys(out))

    def digit_terms(self) -> list[str]:
        """Digits of each phone number without its trunk prefix: found in any written form, separators removed."""
        return list(self._phone_digits)

    # -- the decision ---------------------------------------------------------------------------------------

    def match_value(self, value: str) -> list[Hit]:
        """Identifiers of this person in one value (names only when the value holds a whole name)."""
        hits: list[Hit] = []
        stripped = value.strip()
        if self.emails:
            lowered = stripped.casefold()
            if lowered in self.emails:
                hits.append(Hit("email", True))
            elif any(_in_text(m.group(0).casefold()).intersection(self.emails) for m in EMAIL.finditer(value)):
                hits.append(Hit("email", False))
        if self.hetus:
            upper = stripped.upper()
            if upper in self.hetus:
                hits.append(Hit("hetu", True))
            elif any(m.group("v").upper() in self.hetus for m in hetu_pattern().finditer(value)):
                hits.append(Hit("hetu", False))
        if self.business_ids:
            if stripped in self.business_ids:
                hits.append(Hit("business_id", True))
            elif any(m.group(0) in self.business_ids for m in _BUSINESS_ID.finditer(value)):
                hits.append(Hit("business_id", False))
        if self.phones:
            # libphonenumber finds a number inside any text: only a value written as a number is one exactly.
            whole = _e164(stripped) if _PHONE_SHAPED.fullmatch(stripped) else None
            if whole is not None and whole in self.phones:
                hits.append(Hit("phone", True))
            elif any(_e164(m.group(0)) in self.phones for m in PHONE.finditer(value)):
                hits.append(Hit("phone", False))
        if self.names:
            kind = self._name_in(value)
            if kind is not None:
                hits.append(Hit("name", kind))
        return hits

    def match_row(self, row: Mapping[str, str | None]) -> RowMatch | None:
        """Whether a row is about the person, and why. ``row`` maps column names to values as text."""
        columns: dict[str, tuple[Hit, ...]] = {}
        for column, value in row.items():
            if value:
                hits = self.match_value(value)
                if hits:
                    columns[column] = tuple(hits)
        if self.names and not any(h.kind == "name" for hits in columns.values() for h in hits):
            split = self._split_name(row)
            if split:
                for column in split:
                    columns[column] = (*columns.get(column, ()), Hit("name", True))
        return RowMatch(columns) if columns else None

    def _name_in(self, value: str) -> bool | None:
        """True: the value is the name (either order, a comma allowed); False: it mentions it in text; else None."""
        # An email address spells a name too (matti.virtanen@...): it is matched as an email, not as a name.
        words = [fold(w).lower() for w in _WORDS.findall(EMAIL.sub(" ", value))]
        if len(words) < 2:
            return None
        for name in self.names:
            if len(words) <= 3 and {words[0], words[-1]} == {name.first, name.last}:
                return True
            for a, b in itertools.pairwise(words):
                # Finnish inflects the last word of a name: "Matti Virtaselle", "Virtasen Matin" (rarer) too.
                if (a in name.first_forms and b in name.last_forms) or (a in name.last_forms and b in name.first_forms):
                    return False
        return None

    def _split_name(self, row: Mapping[str, str | None]) -> list[str]:
        """First name and surname in two columns of the row (``etunimi`` = Matti, ``sukunimi`` = Virtanen)."""
        folded = {c: fold(v).strip().lower() for c, v in row.items() if v}
        for name in self.names:
            # Either way round: a register may keep the surname in the first column.
            for given, family in ((name.first, name.last), (name.last, name.first)):
                firsts = [c for c, v in folded.items() if v == given or v.split(" ")[0] == given]
                lasts = [c for c, v in folded.items() if v == family]
                for first in firsts:
                    for last in lasts:
                        if first != last:
                            return [first, last]
        return []


def normalise_email(value: str) -> str:
    email = value.strip().casefold()
    if not EMAIL.fullmatch(email):
        raise UsageError(f"--email: not an email address ({_mask(value)})")
    return email


def normalise_hetu(value: str) -> str:
    hetu = value.strip().upper()
    if not hetu_pattern().fullmatch(hetu) or VALIDATORS["fi_hetu"].one(hetu).outcome is Outcome.REJECT:
        raise UsageError(f"--hetu: not a valid henkilötunnus ({_mask(value)})")
    return hetu


def normalise_business_id(value: str) -> str:
    digits = re.sub(r"\s", "", value)
    if not _BUSINESS_ID.fullmatch(digits):
        raise UsageError(f"--business-id: not a Y-tunnus of the form 1234567-8 ({_mask(value)})")
    return digits


def _parse_phone(value: str, region: str) -> phonenumbers.PhoneNumber:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise UsageError(f"--phone: not a phone number ({_mask(value)})") from exc
    if not phonenumbers.is_possible_number(number):
        raise UsageError(f"--phone: not a possible phone number ({_mask(value)})")
    return number


def _e164(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _name(text: str) -> Name:
    words = [w for w in re.split(r"[\s,]+", text.strip()) if w]
    if len(words) < 2:
        raise UsageError("--name: give a first name and a surname, e.g. --name 'Matti Virtanen'")
    if "," in text:  # "Virtanen, Matti"
        last, first = words[0], words[1]
    else:
        first, last = words[0], words[-1]
        lex = lexicon()
        a, b = first.lower(), last.lower()
        if a in lex.last and a not in lex.first and b in lex.first and b not in lex.last:
            first, last = last, first  # "Virtanen Matti": surname first, as Finnish registers write it

    def forms(word: str) -> frozenset[str]:
        capitalised = word[:1].upper() + word[1:].lower()
        return frozenset(fold(f).lower() for f in {capitalised, *inflections(capitalised)})

    last_forms = forms(last)
    written = {f.lower() for f in {last, *inflections(last[:1].upper() + last[1:].lower())}}
    common = _common_prefix(sorted(written))
    # Accent-insensitive both ways: "Makinen" asked finds "Mäkinen" written, and the other way round.
    prefixes = {common, fold(common).lower(), *_umlauts(fold(common).lower())}
    return Name(fold(first).lower(), fold(last).lower(), forms(first), last_forms, tuple(sorted(prefixes)))


def _umlauts(word: str) -> set[str]:
    """The Finnish and Swedish letters an ASCII spelling may stand for: a -> ä/å, o -> ö (bounded)."""
    options = {"a": "aäå", "o": "oö"}
    variants = {""}
    for ch in word:
        variants = {v + c for v in variants for c in options.get(ch, ch)}
        if len(variants) > 64:
            return set()  # a long prefix full of a's: the plain and folded forms will have to do
    return variants


def _common_prefix(words: list[str]) -> str:
    first, last = words[0], words[-1]
    i = 0
    while i < min(len(first), len(last)) and first[i] == last[i]:
        i += 1
    return first[: max(i, 3)]


def _mask(value: str) -> str:
    return mask_generic(value)  # the one masking module
