"""A declaration drafted from the privacy notice itself (``pdscan declarations draft``), for a human to review.

The notice (text, PDF, Word, HTML: read by the document readers) is cut into sentences; every word is stemmed with
the Snowball stemmer of its language (Finnish inflects: "sähköpostiosoitteen", "puhelinnumeroita"), and the terms of
``rules/notices/terms.yaml`` are looked for: data categories (taxonomy keys), data subject groups, legal bases, and
cues for purposes, retention and transfers outside the EU/EEA. Each drafted item quotes the sentence it comes from
and carries a confidence; what needs a human decision is listed under ``draft.review``, and what the notice does
not say (no retention period, no legal basis, no special categories) under ``draft.unsaid``.

A category is drafted for the subject groups named in its own sentence, or failing that in the heading or sentence
before it; with none, it applies to every group (no ``subjects`` field), as in a hand-written declaration.
"""

from __future__ import annotations

import collections
import functools
import json
import re
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdscan.compliance.taxonomy import taxonomy
from pdscan.errors import ConfigError
from pdscan.resources import builtin_rules_dir
from pdscan.yamlfile import load_yaml

LANGUAGES = {"fi": "finnish", "sv": "swedish", "en": "english"}
# Words that tell the languages apart (for --lang auto).
_MARKERS = {
    "fi": {"ja", "tai", "sekä", "henkilötietoja", "tietoja", "on", "ovat", "kuten", "myös", "että", "tietosuoja"},
    "sv": {"och", "eller", "att", "personuppgifter", "som", "är", "för", "vi", "med", "uppgifter"},
    "en": {"and", "or", "the", "personal", "data", "we", "is", "are", "for", "with", "of"},
}
# Sentence ends (not "1." of a numbered heading), blank lines, and the start of a bullet or numbered item.
# A sentence ends at . ! or ? before a capital, a digit or a quote; not at "art.", "kap." or "mom." before the number
# they abbreviate ("GDPR art. 9", "3 kap. 5 §"): a denial before it would be lost to the data named after it. Before a
# capital they do end one ("uppgifter av känslig art. Namn ...": art is also a Swedish word).
_ITEM_MARK = r"(?:[-•*]|\d+[.)]|[a-zåäö]\))\s"  # "- ", "• ", "2) ", "a) ": a bullet or numbered item starts
_SENTENCE = re.compile(
    r"(?<=[^\d\s][.!?])(?:(?<!\b[Aa]rt\.)(?<!\b[Kk]ap\.)(?<!\b[Mm]om\.)\s+(?=[A-ZÅÄÖ0-9\"(])|\s+(?=[A-ZÅÄÖ\"(]))"
    rf"|\n\s*\n|\n(?=\s*{_ITEM_MARK})"
)
# A word keeps its inner hyphens, the typographic ones too ("e\u2011postadress" with a non-breaking hyphen, as word
# processors write it, is one word, not "e" and "postadress").
_WORD = re.compile(r"[^\W\d_][\w:\-\u2010\u2011]*", re.UNICODE)
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-"})
_LETTERED = re.compile(r"[a-zåäö]\)\s")  # "a) Etunimi, sukunimi": an item of a lettered list, not a sentence's rest
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_APPOSITIVE = re.compile(r"\b[^\W\d_][\w-]*,?\s+(?:eli|dvs\.?|i\.e\.,?|that is,?)\s+", re.IGNORECASE)
# "02150 Espoo", "Ratapihantie 9", "PL 800", "Box 8114": an address written out is the controller's or an authority's
_POSTAL_ADDRESS = re.compile(
    r"\b\d{5} [A-ZÅÄÖ][a-zåäö]+"
    r"|\b[A-ZÅÄÖ][a-zåäö-]*(?:tie|katu|kuja|polku|väylä|gatan|gata|vägen|väg|gränd)\s+\d+\b"
    r"|\b(?:PL|Box|PB)\s+\d+\b"
)
# "Puhelin: 09 8391 1234", "Puhelin (vaihde): 09 83911", "Puh. [redacted]": a number (or a redacted detail) written
# out after its label is someone's contact detail, not a kind of data.
_FILLED = re.compile(r"^[^\W\d_][\w ().-]{0,30}[:.]\s*(?:\+?\s?\d[\d ()-]{4,}\d|\[redacted\])", re.IGNORECASE)
# A short line holding a number written out ("Puhelin 040 123 4567", "**Puhelin:** (09) 123 4567", "Puhelinvaihde 029
# 566 6700") or a redacted detail is a line of someone's contact details: it opens no list of data.
_A_NUMBER = re.compile(r"\+?\(?\d[\d ()-]{5,}\d|\[redacted\]")
# "MAS käsittelee muun muassa seuraavia jäsentensä tietoja:", "Vi behandlar följande uppgifter om dig:": a line that
# ends by naming data with a colon opens the list of it, whatever words stand between.
_OPENS_A_LIST = re.compile(
    r"\b(?:henkilö)?(?:tietoja|tiedot)\s*:\s*$|\b(?:person)?uppgifter(?: om dig)?\s*:\s*$"
    r"|\bpersonal (?:data|information)(?: about you)?\s*:\s*$",
    re.IGNORECASE,
)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_URL = re.compile(r"\bhttps?://|\bwww\.[\w-]+\.", re.IGNORECASE)
_REGISTER_WORDS = ("rekisteri", "register", "registret")
_FORM = r"(?:Oyj|Oy|Ab|Abp|Ltd|AB|Inc|GmbH|ry|rf)"
# a name of up to four capitalised words before a company form; no form inside it ("Alfa Oy. Beta Oy" is two)
_ORGANISATION = re.compile(rf"\b((?!{_FORM}\b)[A-ZÅÄÖ][\w&.-]*(?: (?!{_FORM}\b)[A-ZÅÄÖ][\w&.-]*){{0,3}}) ({_FORM})\b")
_PERIOD = re.compile(
    r"(\d+)\s*(vuo(?:si|tta|den|deksi)|vuoden|kuukau(?:si|tta|den|deksi)|år(?:s|en)?|månad(?:er)?|years?|months?)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # stems, in order
    text: str


@dataclass(frozen=True)
class Inference:
    """Data a notice implies without naming it (terms.yaml ``inferences``): proposed for review, with the reason."""

    name: str
    terms: dict[str, tuple[Term, ...]]  # language -> terms
    keys: tuple[str, ...]
    subjects: tuple[str, ...]  # the sentence must be about one of these groups (empty: any)
    reason: str


@dataclass(frozen=True)
class ImpliedGroup:
    """A subject group a notice speaks about without naming it (terms.yaml ``subjects.<id>.implied``): a category of
    ``keys`` whose sentence holds one of ``terms`` ("Sivustomme käyttää evästeitä": the site's visitors), unless the
    notice names one of the groups ``unless`` (a service's users, whose cookies those are)."""

    keys: frozenset[str]
    terms: dict[str, tuple[Term, ...]]  # language -> terms
    unless: frozenset[str]
    reason: str


@dataclass(frozen=True)
class Vocabulary:
    categories: dict[str, dict[str, tuple[Term, ...]]]  # key -> language -> terms
    subjects: dict[str, dict[str, tuple[Term, ...]]]
    subject_names: dict[str, dict[str, str]]
    legal_bases: dict[str, dict[str, tuple[Term, ...]]]
    cues: dict[str, dict[str, tuple[Term, ...]]]
    inferences: tuple[Inference, ...] = ()
    # key -> the keys it stands for when the notice names it as a means of collecting (terms.yaml ``means``)
    means: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # key -> {a key named beside it: the key it then stands for} (terms.yaml ``beside``)
    beside: dict[str, dict[str, str]] = field(default_factory=dict)
    # the categories' terms with those that name data only as an item of a list of data (terms.yaml ``listed``:
    # "Salasana" between "Käyttäjätunnus" and "Sähköpostiosoite" is the password kept; in a sentence on security it
    # is how the register is protected)
    in_lists: dict[str, dict[str, tuple[Term, ...]]] = field(default_factory=dict)
    implied: dict[str, ImpliedGroup] = field(default_factory=dict)  # subject group -> how a notice implies it


@dataclass
class Sentence:
    text: str
    stems: list[str]
    heading: bool = False

    @classmethod
    def of(cls, text: str, language: str, heading: bool = False) -> Sentence:
        """A piece of text read as a sentence: its words stemmed."""
        return cls(text, stems(_WORD.findall(text), language), heading)


@dataclass
class Draft:
    language: str
    data: dict[str, Any] = field(default_factory=dict)


@functools.lru_cache(maxsize=3)
def _stemmer(language: str) -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer(LANGUAGES[language])


# Snowball's Finnish stemmer keeps consonant gradation: "tiedot" -> "tiedo" but "tietoja" -> "tieto". Every
# "…tiedot" of a notice (yhteystiedot, laskutustiedot, henkilötiedot) is one word with its "…tieto" forms. So are
# the inflected stems of nouns in -us/-ys and -uus/-yys (Snowball leaves "luottosopimus" but gives
# "luottosopimuks" for "luottosopimukset", "jäsenyyd" for "jäsenyydestä", "asiakkuud" for "asiakkuuden").
_GRADATION = {
    "fi": (
        (re.compile(r"tiedo$"), "tieto"),
        (re.compile(r"([uy])ks$"), r"\1s"),
        (re.compile(r"(uu|yy)[dt]$"), r"\1s"),
    )
}


# A Finnish prolative names the way, not the data: "ilmoitamme muutoksista sähköpostitse" (by e-mail) says how the
# controller writes, not that the register keeps e-mail addresses. Such a word stems to nothing a term can match.
_CHANNEL = {"fi": re.compile(r"\w{3,}[^\W\d_]tse$")}


# Snowball's Swedish stemmer gives a verbal noun its verb's stem: "meddelanden" (messages, data) and "meddela" (to
# notify) both stem to "meddel". A noun in -ande/-ende keeps its ending, so that "medlemmar meddelas" is no message.
_VERBAL_NOUN = {"sv": re.compile(r"^(.+(?:and|end))(?:e|et|en|ena|es|ets|ens|enas)$")}


# "Kirjautumis- ja istuntotiedot", "kontakt- och företagsuppgifter": the first word stands for itself with the
# second's last part, when that part is the word for data ("kirjautumistiedot", "kontaktuppgifter"). Only that
# part: in "sähköposti- ja puhelinnumero" the shared part is "puhelinnumero", not "numero" (no "sähköpostinumero"),
# and in "koti- ja työsähköpostiosoite" "sähköpostiosoite", not "osoite".
_DATA_TAILS = {"fi": ("tietojen", "tietoja", "tiedot", "tieto"), "sv": ("uppgifterna", "uppgifter")}
_AND = {"fi": ("ja", "tai", "sekä"), "sv": ("och", "eller", "samt")}


def _shared_tails(written: list[str], words: list[str], language: str) -> list[str]:
    """``words`` (the ``written`` words without their punctuation) with each first word of "X- ja Ytiedot" read as
    "Xtiedot" (:data:`_DATA_TAILS`)."""
    out = list(words)
    for i in range(len(words) - 2):
        if not written[i].rstrip(":").endswith("-") or len(words[i]) < 2 or words[i + 1] not in _AND.get(language, ()):
            continue
        tail = next((t for t in _DATA_TAILS.get(language, ()) if words[i + 2].endswith(t)), None)
        if tail is not None and len(words[i + 2]) > len(tail):
            out[i] = words[i] + tail
    return out


def stems(words: Iterable[str], language: str) -> list[str]:
    # A word's trailing colon or hyphen is punctuation ("Jäsenet:", "posti- ja"), not part of its stem; inner ones
    # stay ("EU:n", "e-postadress").
    written = [w.lower().translate(_HYPHENS) for w in words]
    lowered = _shared_tails(written, [w.rstrip(":-") or w for w in written], language)
    out = list(_stemmer(language).stemWords(lowered))
    noun = _VERBAL_NOUN.get(language)
    if noun is not None:
        out = [m.group(1) if (m := noun.match(word)) else stem for word, stem in zip(lowered, out, strict=True)]
    channel = _CHANNEL.get(language)
    if channel is not None:
        out = ["" if channel.match(word) else stem for word, stem in zip(lowered, out, strict=True)]
    unlike = _not_data(language)
    if unlike is not None:
        out = ["" if unlike.fullmatch(word) else stem for word, stem in zip(lowered, out, strict=True)]
    for pattern, replacement in _GRADATION.get(language, ()):
        out = [pattern.sub(replacement, stem) for stem in out]
    return out


def _terms_path() -> Path:
    return builtin_rules_dir() / "notices" / "terms.yaml"


@functools.lru_cache(maxsize=1)
def _terms_file() -> dict[str, Any]:
    path = _terms_path()
    data = load_yaml(path, what="the notice vocabulary")
    if not isinstance(data, dict):
        raise ConfigError(str(path), "", "a mapping of categories, subjects, legal_bases and cues")
    return data


@functools.lru_cache(maxsize=3)
def _not_data(language: str) -> re.Pattern[str] | None:
    """terms.yaml ``not_data``: the words of this language that start like a term and name nothing (see there)."""
    section = _terms_file().get("not_data") or {}
    if not isinstance(section, dict) or not set(section) <= set(LANGUAGES):
        expected = f"a mapping of {', '.join(LANGUAGES)} to lists of expressions"
        raise ConfigError(str(_terms_path()), "not_data", expected)
    words = section.get(language) or []
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise ConfigError(str(_terms_path()), f"not_data.{language}", "a list of regular expressions")
    try:
        return re.compile("|".join(f"(?:{w})" for w in words)) if words else None
    except re.error as exc:
        raise ConfigError(str(_terms_path()), f"not_data.{language}", f"invalid regular expression: {exc}") from exc


@functools.lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    path = _terms_path()
    data = _terms_file()
    known = taxonomy()

    def terms(section: dict[str, Any], where: str) -> dict[str, dict[str, tuple[Term, ...]]]:
        out: dict[str, dict[str, tuple[Term, ...]]] = {}
        for key, by_language in section.items():
            out[key] = {}
            for language in LANGUAGES:
                texts = by_language.get(language, [])
                if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                    raise ConfigError(str(path), f"{where}.{key}.{language}", "a list of terms")
                out[key][language] = tuple(Term(_term_stems(t, language), t) for t in texts)
        return out

    categories = terms(data.get("categories", {}), "categories")
    means = {k: v["means"] for k, v in data.get("categories", {}).items() if v.get("means")}
    for key, keys in means.items():
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise ConfigError(str(path), f"categories.{key}.means", "a list of data category keys")
    means = {k: tuple(v) for k, v in means.items()}
    beside = {k: v["beside"] for k, v in data.get("categories", {}).items() if v.get("beside")}
    for key, pairs in beside.items():
        if not isinstance(pairs, dict) or not all(isinstance(a, str) and isinstance(b, str) for a, b in pairs.items()):
            raise ConfigError(str(path), f"categories.{key}.beside", "a mapping of data category keys to keys")
    listed_raw = {k: v["listed"] for k, v in data.get("categories", {}).items() if v.get("listed")}
    for key, by_language in listed_raw.items():
        if not isinstance(by_language, dict) or not set(by_language) <= set(LANGUAGES):
            expected = f"a mapping of {', '.join(LANGUAGES)} to lists of terms"
            raise ConfigError(str(path), f"categories.{key}.listed", expected)
    listed = terms(listed_raw, "categories.listed")
    in_lists = {
        key: {lang: by_language[lang] + listed.get(key, {}).get(lang, ()) for lang in LANGUAGES}
        for key, by_language in categories.items()
    }
    named = [
        *categories,
        *(m for ks in means.values() for m in ks),
        *(k for p in beside.values() for k in (*p, *p.values())),
    ]
    unknown = [k for k in named if k not in known.categories]
    if unknown:
        raise ConfigError(str(path), "categories", f"unknown data category keys: {', '.join(unknown)}")
    subjects_raw = data.get("subjects", {})
    names = {k: dict(v.get("name", {})) for k, v in subjects_raw.items()}
    subjects = terms({k: {lang: v.get(lang, []) for lang in LANGUAGES} for k, v in subjects_raw.items()}, "subjects")
    implied = {}
    for group, item in ((k, v["implied"]) for k, v in subjects_raw.items() if v.get("implied")):
        where = f"subjects.{group}.implied"
        if not isinstance(item, dict) or not {"keys", "terms", "reason"} <= set(item) <= {"keys", "terms", "reason",
                                                                                          "unless"}:  # fmt: skip
            raise ConfigError(str(path), where, "a mapping with keys, terms, reason and optionally unless")
        lists = {"keys": item["keys"], "unless": item.get("unless") or []}
        for name, value in lists.items():
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(str(path), f"{where}.{name}", "a list of names")
        if not item["keys"] or not isinstance(item["reason"], str) or not item["reason"]:
            raise ConfigError(str(path), where, "keys must name a data category and reason must be a text")
        if not isinstance(item["terms"], dict) or not set(item["terms"]) <= set(LANGUAGES):
            expected = f"a mapping of {', '.join(LANGUAGES)} to lists of terms"
            raise ConfigError(str(path), f"{where}.terms", expected)
        unknown = [k for k in lists["keys"] if k not in known.categories]
        unknown += [g for g in lists["unless"] if g not in subjects_raw]
        if unknown:
            raise ConfigError(str(path), where, f"unknown data category keys or subject groups: {', '.join(unknown)}")
        implied[group] = ImpliedGroup(frozenset(lists["keys"]), terms({"terms": item["terms"]}, where)["terms"],
                                      frozenset(lists["unless"]), item["reason"])  # fmt: skip
    inferences = []
    for i, item in enumerate(data.get("inferences") or []):
        where = f"inferences[{i}]"
        if not isinstance(item, dict) or not {"name", "terms", "keys", "reason"} <= set(item):
            raise ConfigError(str(path), where, "a mapping with name, terms, keys and reason")
        unknown = [k for k in item["keys"] if k not in known.categories]
        if unknown:
            raise ConfigError(str(path), f"{where}.keys", f"unknown data category keys: {', '.join(unknown)}")
        by_language = terms({"terms": item["terms"]}, where)["terms"]
        inferences.append(Inference(str(item["name"]), by_language, tuple(item["keys"]),
                                    tuple(item.get("subjects") or ()), str(item["reason"])))  # fmt: skip
    return Vocabulary(categories, subjects, names, terms(data.get("legal_bases", {}), "legal_bases"),
                      terms(data.get("cues", {}), "cues"), tuple(inferences), means, beside, in_lists,
                      implied)  # fmt: skip


def detect_language(text: str) -> str:
    words = [w.lower() for w in _WORD.findall(text[:20000])]
    counts = {lang: sum(w in markers for w in words) for lang, markers in _MARKERS.items()}
    return max(counts, key=lambda lang: counts[lang])


# A line wrapped inside a sentence, even across a blank line (text taken out of a PDF): no end punctuation before,
# a lower-case letter after.
_ABBREVIATIONS = ("esim.", "mm.", "ns.", "ym.", "jne.", "yms.", "e.g.", "i.e.", "etc.", "t.ex.", "bl.a.", "m.m.")
_WRAPPED = re.compile(r"(?<=[^\s.!?:])[ \t]*\n\s*\n\s*(?=[a-zåäö])")


def _headings_apart(text: str) -> str:
    """A short line without end punctuation before a capitalised line is a heading: a blank line after it keeps it
    out of the sentence that follows ("Retention" / "We keep customer data for 5 years")."""
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        following = lines[i + 1].lstrip() if i + 1 < len(lines) else ""
        stripped = line.strip()
        if (
            stripped
            and following[:1].isupper()
            and len(_WORD.findall(stripped)) <= 8
            and not stripped.endswith((".", ",", ";", ":"))
        ):
            out.append("")
    return "\n".join(out)


_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?\s*$")


def _tables_as_lists(text: str) -> str:
    """Markdown tables read column by column: each column's header, then its cells, each a line of its own. A row
    read across mixes a purpose, its data and its legal basis in one sentence; read down, "Kategorier av
    personuppgifter" heads a list of data as a section of the notice would."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and _TABLE_ROW.match(lines[i]) and _TABLE_RULE.match(lines[i + 1]):
            end = i + 2
            while end < len(lines) and _TABLE_ROW.match(lines[end]):
                end += 1
            rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines[i:end]]
            header, body = rows[0], rows[2:]
            for j, name in enumerate(header):
                out.extend(["", name, ""])
                for row in body:
                    if j < len(row) and row[j]:
                        out.extend([row[j], ""])
            i = end
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


# A notice kept in program source (a page's TSX or JS, or a site's JSON data): a line that is one string literal,
# alone or as an object's field ('title: "Vilka uppgifter vi sparar",', '"title": "5. Rekisterin tietosisältö",',
# '"Vi sparar kontouppgifter som e-postadress, namn ...",'), holds a
# paragraph of its own. Read as prose, '...skolnivå.", "Vi sparar ...' runs the paragraphs together (no sentence
# ends before a quote and a comma), and a heading with them.
_STRING_LINE = re.compile(
    r"^[ \t]*(?:(?:(?P<field>[A-Za-z_$][\w$]*)|\"(?P<key>[\w$-]+)\")\s*:\s*)?(?P<q>[\"'`])"
    r"(?P<text>(?:(?!(?P=q))[^\\\n]|\\.)+)(?P=q)\s*[,;]?[ \t]*$",
    re.M,
)


# A line of program source that holds no text: brackets and commas ("],", "{"), or a field that opens one ("cells: [").
_CODE_LINE = re.compile(r"^[ \t]*(?:(?:[A-Za-z_$][\w$]*|\"[\w$-]+\")\s*:\s*)?[\[\]{}(),;]+[ \t]*$", re.M)


def _string_lines_apart(text: str) -> str:
    """Each line of the text that is one string literal, replaced by the string's text between blank lines; a line
    of brackets between them ends a paragraph too (else "], }, { cookies cells: [" reads as one sentence)."""
    text = _STRING_LINE.sub(_string_line, text)
    return _CODE_LINE.sub("", text)


_SLUG = re.compile(r"[a-z0-9_-]+")
# Fields that name an object rather than say something (id: "cookies", "key": "contact"); a title or a label is text
# (title: "namn").
_ID_FIELDS = frozenset({"id", "key", "slug", "anchor", "icon", "variant", "type"})


def _string_line(match: re.Match[str]) -> str:
    """A string line's text as a paragraph; an id's slug (id: "cookies", "id": "cookies") holds no text."""
    field = match.group("field") or match.group("key")
    if field in _ID_FIELDS and _SLUG.fullmatch(match.group("text")):
        return "\n"
    return "\n" + _unquoted(match.group("q"), match.group("text")) + "\n"


def _unquoted(quote: str, text: str) -> str:
    """A string literal's text: a double-quoted one decoded as JSON does ("S\\u00e4hk\\u00f6posti", "<br\\/>"),
    any other with its escaped quotes undone."""
    if quote == '"':
        try:
            decoded = json.loads(f'"{text}"')
        except ValueError:  # not JSON's escapes (a JavaScript "\\x41"): read as written
            pass
        else:
            if isinstance(decoded, str):
                return decoded
    return text.replace('\\"', '"').replace("\\'", "'")


def sentences(text: str, language: str) -> list[Sentence]:
    out: list[Sentence] = []
    text = _tables_as_lists(_string_lines_apart(text))
    text = _BREAK.sub("\n\n", text)  # a notice kept as Markdown or HTML: "Kotipaikka<br>" ends a line of a list
    for chunk in _SENTENCE.split(_WRAPPED.sub(" ", _headings_apart(text))):
        clean = " ".join(chunk.split())
        if len(clean) < 3:
            continue
        if (
            out
            and clean[0].islower()
            and not _LETTERED.match(clean)
            and (not out[-1].text.endswith((".", "!", "?")) or out[-1].text.lower().endswith(_ABBREVIATIONS))
        ):
            clean = f"{out.pop().text} {clean}"  # the rest of a sentence cut by the layout (or after "esim.")
        words = _WORD.findall(clean)
        bullet = clean[0] in "-•*—–" and not clean.startswith("**")  # Markdown's bold is no bullet
        heading = not bullet and len(words) <= 8 and not clean.endswith((".", ","))
        out.append(Sentence(clean, stems(words, language), heading))
    return out


_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s")
_NUMBERED = re.compile(r"^(?:#{1,6}\s*)?\d+(?:\.\d+)*\.?\s")  # "6. Säännönmukaiset tietolähteet"
# A long line numbered as a section ("7. Evästeet ja seurantatekniikat sivustollamme ja kolmannen osapuolen tuottamat
# palvelut"), not a date, a year or a count ("1.12.2025 alkaen", "2025 började", "30 days after"), without a full
# stop, a comma or a colon: where a section about other things reaches it, the next section's heading.
_SECTION_NUMBER = re.compile(r"^(?:#{1,6}\s*)?(\d{1,2})\.\s+[^\W\d_]")
_SECTION_WORDS = 16
# The cues of a line that ends a numbered list of data anyway (see _Sections.step).
_ENDS_A_NUMBERED_LIST = frozenset({"sources", "security", "rights", "disclosure", "data_section", "negation"})


def _heading_level(text: str) -> int:
    """A Markdown heading's level (``## Syntymävuosi``: 2), 0 for any other line."""
    match = _MARKDOWN_HEADING.match(text)
    return len(match.group(1)) if match else 0


# "…" in a term stands for up to this many words: "eikä … käytä evästeitä" is also "eikä se käytä evästeitä" and
# "eivätkä sovellus ja verkkosivumme käytä evästeitä" (a Finnish denial puts its subject between the negation verb and
# the main verb).
_GAP = "…"
_GAP_WORDS = 3


def _term_stems(text: str, language: str) -> tuple[str, ...]:
    parts = [tuple(stems(_WORD.findall(part), language)) for part in text.split(_GAP)]
    return tuple(word for i, part in enumerate(parts) for word in ((_GAP,) if i else ()) + part)


def _matches(term: Term, sentence_stems: Sequence[str], compounds: bool) -> bool:
    """The term's stems in order, each at the start of a word or (``compounds``, five letters or more) inside a
    compound: "asiakaspalautetiedot" holds "palaute"; a subject group must start its word ("asiakashallinta" is not
    about customers)."""
    return next(_term_spans(term, sentence_stems, compounds), None) is not None


def _term_spans(term: Term, sentence_stems: Sequence[str], compounds: bool) -> Iterator[tuple[int, int]]:
    """(start, end) of each place the term matches the sentence's stems (a gap, "…", skipping the fewest words)."""
    words = term.words
    n = len(words)
    if _GAP not in words:
        for start in range(len(sentence_stems) - n + 1) if n else ():
            if all(_word_matches(t, sentence_stems[start + i], compounds, n == 1) for i, t in enumerate(words)):
                yield start, start + n
        return
    alone = n - words.count(_GAP) == 1
    for start in range(len(sentence_stems)):
        end = _match_end(words, sentence_stems, start, compounds, alone)
        if end is not None:
            yield start, end


def _match_end(
    words: Sequence[str], sentence_stems: Sequence[str], at: int, compounds: bool, alone: bool
) -> int | None:
    """Where the term's stems (with gaps, the fewest words skipped) matched from position ``at`` on end, or None."""
    if not words:
        return at
    if words[0] == _GAP:
        for skip in range(min(_GAP_WORDS, len(sentence_stems) - at) + 1):
            end = _match_end(words[1:], sentence_stems, at + skip, compounds, alone)
            if end is not None:
                return end
        return None
    if at < len(sentence_stems) and _word_matches(words[0], sentence_stems[at], compounds, alone):
        return _match_end(words[1:], sentence_stems, at + 1, compounds, alone)
    return None


# A stem this short starts too many other words: in a term of several words it is matched whole ("ei", "int" of
# inte, "del" of delar, "pas" of passin: not eikä, internt, deltagande, passiivinen), alone with at most one more
# letter (nimi: "nim" of nimiä, "nime" of nimet; not "nimike").
_SHORT_STEM = 3


def _word_matches(term_stem: str, word: str, compounds: bool, alone: bool = True) -> bool:
    if len(term_stem) <= _SHORT_STEM:
        return word.startswith(term_stem) and len(word) - len(term_stem) <= (1 if alone else 0)
    if not compounds:  # a subject group: the word itself, inflected (asiakkaidemme), not a compound of it
        # Three letters more after a stem of five or fewer make another word: "asiak" (asiakkaiden) is not asiakirja.
        return word.startswith(term_stem) and len(word) - len(term_stem) <= (2 if len(term_stem) <= 5 else 3)
    return word.startswith(term_stem) or (len(term_stem) >= 5 and term_stem in word)


def _keys_in(
    terms: dict[str, dict[str, tuple[Term, ...]]],
    sentence: Sentence,
    language: str,
    compounds: bool,
    positions: dict[str, list[int]] | None = None,
) -> dict[str, Term]:
    """The keys whose terms a sentence holds, in order. Where two terms overlap the longer one wins: "asiakkaiden
    yhteyshenkilöille" are contact persons, not customers; "maksutapahtuma" is a payment, not an event."""
    spans: list[tuple[int, int, int, str, Term]] = []
    for key, by_language in terms.items():
        for term in by_language.get(language, ()):
            length = sum(len(w) for w in term.words if w != _GAP)
            for start, end in _term_spans(term, sentence.stems, compounds):
                spans.append((start, end, length, key, term))
    kept: list[tuple[int, int, int, str, Term]] = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], -s[2])):  # most words, then longest stems, first
        # One term may stand for two keys (eväste: the device and the browsing); a longer overlapping term wins.
        if not any(span[0] < k[1] and k[0] < span[1] and k[4] != span[4] for k in kept):
            kept.append(span)
    out: dict[str, Term] = {}
    for _, _, _, key, term in sorted(kept, key=lambda s: s[0]):
        out.setdefault(key, term)
    if positions is not None:
        for start, _, _, key, _ in kept:
            positions.setdefault(key, []).append(start)
    return out


def _subjects_in(vocab: Vocabulary, sentence: Sentence, language: str) -> list[str]:
    # "jäseniä eli asiakkaitamme", "medlemmar, dvs. kunder": one group named twice, by the second name.
    text = _APPOSITIVE.sub("", sentence.text)
    if text != sentence.text:
        sentence = Sentence.of(text, language, sentence.heading)
    return list(_keys_in(vocab.subjects, sentence, language, compounds=False))


def _a_register(vocab: Vocabulary, sentence: Sentence, language: str) -> bool:
    """Whether a heading names a group by a register ("T-Idea käyttäjärekisteri"): a subject term that ends in a
    register word."""
    return sentence.heading and any(
        term.text.endswith(_REGISTER_WORDS) and _matches(term, sentence.stems, False)
        for by_language in vocab.subjects.values()
        for term in by_language.get(language, ())
    )


def _is_a_legal_basis(vocab: Vocabulary, term: Term, language: str) -> bool:
    """Whether a category's term is also a legal basis's (asiakassuhde: a customer record, and the contract)."""
    return any(term.words == basis.words for terms in vocab.legal_bases.values() for basis in terms.get(language, ()))


def _under_rights(parts: list[Sentence], cues_of: list[set[str]]) -> set[int]:
    """The positions of the sentences that speak of the data subject's rights, of who may see the register, of whom
    the data is given to or where it comes from ("Tietoja voidaan luovuttaa asiakkaille", "Tiedot saadaan
    yhteistyötahoilta": recipients and sources, not whom it is about; 5 false groups on the 77 tuned on): those with
    such a cue, and those under a heading on the rights, up to the next heading."""
    out: set[int] = set()
    in_rights = False
    for i, (sentence, cues) in enumerate(zip(parts, cues_of, strict=True)):
        if sentence.heading:
            in_rights = "rights" in cues
        if in_rights or {"access", "rights", "disclosure", "sources"} & cues:
            out.add(i)
    return out


_ASIDE = re.compile(r"\([^()]*\)")


def _negated_asides_left_out(parts: list[Sentence], vocab: Vocabulary, language: str) -> list[Sentence]:
    """The sentences, where a denial stands only in brackets that name data of their own ("Nimi, syntymäaika, osoite
    (henkilötunnus voidaan tarvita ..., mutta sitä ei tallenneta)"), read without those brackets: the aside takes back
    what it names, not the list around it. An aside that names no data ("Personnummer (sparas inte)", "Vi sparar
    (inte) ...") takes back what stands before it: the sentence stays denied whole. The text stays whole, so the
    draft still quotes the notice's own words."""
    out = []
    for sentence in parts:
        if "(" in sentence.text and "negation" in _found(vocab.cues, sentence, language):
            sentence = _without_denied_asides(sentence, vocab, language)
        if ";" in sentence.text and "negation" in _found(vocab.cues, sentence, language):
            sentence = _without_denied_clauses(sentence, vocab, language)
        if _BUT[language].search(sentence.text) and "negation" in _found(vocab.cues, sentence, language):
            sentence = _without_denied_contrast(sentence, vocab, language)
        out.append(sentence)
    return out


# "Emme seuraa käyttäjiä muilla sivustoilla, mutta palvelimemme tallentaa IP-osoitteen": the clause after a contrast
# says what is kept, whatever the clause before it denies.
_BUT = {
    "fi": re.compile(r",\s+mutta\s", re.IGNORECASE),
    "sv": re.compile(r",\s+men\s", re.IGNORECASE),
    "en": re.compile(r",\s+but\s", re.IGNORECASE),
}


def _without_denied_contrast(sentence: Sentence, vocab: Vocabulary, language: str) -> Sentence:
    """A sentence whose clauses a contrast joins ("..., mutta ...", "..., men ..."): a clause that denies takes back
    its own words only, and the others name what is kept (read without the denied ones)."""
    clauses = _BUT[language].split(sentence.text)
    denied = ["negation" in _found(vocab.cues, Sentence.of(c, language), language) for c in clauses]
    if all(denied) or not any(denied):
        return sentence
    rest = " ".join(c for c, no in zip(clauses, denied, strict=True) if not no)
    return Sentence(sentence.text, stems(_WORD.findall(rest), language), sentence.heading)


def _without_denied_clauses(sentence: Sentence, vocab: Vocabulary, language: str) -> Sentence:
    """A list whose items end in commas is one sentence: a denial in one of its clauses ("namn, e-postadress och
    telefonnummer, ...; kortuppgifter hanteras av Stripe och lagras inte av oss") takes back the data of that clause
    only, when the clause names data of its own; one that names none ("...; sparas inte") denies what stands before
    it, and the sentence stays denied whole."""
    kept = []
    for clause in sentence.text.split(";"):
        part = Sentence.of(clause, language)
        if "negation" not in _found(vocab.cues, part, language):
            kept.append(clause)
        elif not _keys_in(vocab.categories, part, language, compounds=True):
            return sentence
    if not kept or len(kept) == sentence.text.count(";") + 1:
        return sentence
    rest = " ; ".join(kept)
    return Sentence(sentence.text, stems(_WORD.findall(rest), language), sentence.heading)


def _without_denied_asides(sentence: Sentence, vocab: Vocabulary, language: str) -> Sentence:
    outside = sentence.text
    for aside in _ASIDE.findall(sentence.text):
        inside = Sentence.of(aside, language)
        if "negation" not in _found(vocab.cues, inside, language):
            continue  # an aside that denies nothing stays ("samt (telefonnummer)")
        if not _keys_in(vocab.categories, inside, language, compounds=True):
            return sentence  # "(sparas inte)": it denies the item before it
        outside = outside.replace(aside, " ", 1)
    rest = Sentence.of(outside, language, sentence.heading)
    if outside == sentence.text or "negation" in _found(vocab.cues, rest, language):
        return sentence  # a denial outside the brackets takes back the whole sentence
    return Sentence(sentence.text, rest.stems, sentence.heading)


def _found(
    terms: dict[str, dict[str, tuple[Term, ...]]], sentence: Sentence, language: str, compounds: bool = True
) -> dict[str, Term]:
    out: dict[str, Term] = {}
    for key, by_language in terms.items():
        for term in by_language.get(language, ()):
            if _matches(term, sentence.stems, compounds):
                out[key] = term
                break
    return out


# Cues of sentences that speak of something other than the data held; outside the list of data they name none.
_ABOUT_OTHER_THINGS = frozenset(
    {"security", "sources", "controller", "rights", "disclosure", "instruction", "reference", "deletion"}
)


def draft(text: str, notice_name: str, language: str | None = None) -> Draft:
    """A declaration draft (the YAML document as a dict) from the text of a privacy notice."""
    detected = detect_language(text)
    review: list[str] = []
    if language is not None and language != detected:
        review.append(f"--lang {language} was given but the text reads as {detected}: check the language")
    language = language or detected
    vocab = vocabulary()
    parts = _negated_asides_left_out(sentences(text, language), vocab, language)
    unsaid: list[str] = []
    if not parts:
        review.append("the notice holds no text pdscan could read (an image-only PDF?): nothing was drafted")

    controller = _controller(text, parts, vocab, language, review)
    subjects: dict[str, dict[str, Any]] = {}
    # The sentences that say whom the notice is about ("on suunnattu", "Keräämme asiakkaidemme ... tietoja") name
    # its groups; a group mentioned only in passing elsewhere is not drafted.
    cues_of = [set(_found(vocab.cues, s, language)) for s in parts]  # each sentence's cues, found once
    scope = [i for i, s in enumerate(parts) if "scope" in cues_of[i] and len(_subjects_in(vocab, s, language)) >= 2]
    # Who may see the register ("Pääsy tietoihin on hallituksen jäsenillä") are not whom it is about; nor is whom the
    # sentences on the data subject's rights speak to ("Rekisterinpitäjä vastaa asiakkaalle ..." under "Rekisteröidyn
    # oikeudet"). The controller's sentences stay: "Acme is the controller of its customers' personal data" says whom.
    elsewhere = _under_rights(parts, cues_of)
    about = [parts[i] for i in scope if i not in elsewhere] or [s for i, s in enumerate(parts) if i not in elsewhere]
    if scope:
        # the register's name ("T-Idea käyttäjärekisteri") says whom it is about, beside the sentences that say so
        about += [
            s for i, s in enumerate(parts) if i not in elsewhere and s not in about and _a_register(vocab, s, language)
        ]
    for sentence in about:
        for key in _subjects_in(vocab, sentence, language):
            subjects.setdefault(key, {"id": key, "name": vocab.subject_names.get(key, {}).get(language, key),
                                      "source": sentence.text, "confidence": "high" if scope else "low"})  # fmt: skip
    categories, inferred, unnamed = _read_categories(parts, cues_of, subjects, vocab, language)
    implied = _implied_groups(categories, subjects, vocab, language)
    if implied:
        # A category with no groups of its own is every group's: it stays the named groups' (visitors keep no
        # customer's name), and the one that implies a group is that group's (with those it names itself).
        named = list(subjects)
        for item in categories.values():
            item_implies = [g for g, source in implied.items() if source == item["source"]]
            if item_implies:
                item["subjects"] = [*item.get("subjects", ()), *item_implies]
            elif named and "subjects" not in item:
                item["subjects"] = named
    for group, source in implied.items():
        name = vocab.subject_names.get(group, {}).get(language, group)
        subjects[group] = {"id": group, "name": name, "source": source, "confidence": "low"}
        review.append(f"inferred the group '{name}' ({vocab.implied[group].reason}): confirm it or remove the group")
    if not subjects:
        review.append("no data subject group found: name who the notice is about")
    for key, item in inferred.items():
        if key not in categories:  # a key the notice names itself needs no inference
            categories[key] = item
            review.append(
                f"inferred {key} from '{item['name']}' ({item['note'].removeprefix('inferred: ')}): "
                "confirm it or remove the category"
            )
    if not categories:
        review.append("no data category found: the notice may list them in a table or an image")
    if unnamed:
        shown = ", ".join(f"'{textwrap.shorten(line, 60, placeholder='…')}'" for line in unnamed[:_UNNAMED_SHOWN])
        more = f" and {len(unnamed) - _UNNAMED_SHOWN} more" if len(unnamed) > _UNNAMED_SHOWN else ""
        review.append(
            f"{len(unnamed)} line(s) of the list of data name nothing pdscan has a category for: {shown}{more}; "
            "add each with its key, or leave it out"
        )
    special = [k for k in categories if _special(k)]
    if not special:
        unsaid.append("no special categories of personal data (GDPR Art. 9) declared")

    purposes = _purposes(parts, vocab, language, unsaid)
    retention = _retention(parts, vocab, language, unsaid, review)
    _retention_periods(retention, parts, vocab, language, list(subjects), unsaid, review)
    transfers = _transfers(parts, vocab, language, review)

    data: dict[str, Any] = {
        "version": 1,
        "controller": controller,
        "notice": {"file": notice_name, "language": language},
        "subjects": list(subjects.values()),
        "categories": list(categories.values()),
        "purposes": purposes,
        "retention": retention,
        "transfers": transfers,
        "draft": {
            "generated_by": "pdscan declarations draft",
            "review": review
            + [
                f"check that '{c['name']}' means {', '.join(c['keys'])} (a short term, read from one word)"
                for c in categories.values()
                if c["confidence"] == "medium"
            ],
            "unsaid": unsaid,
        },
    }
    return Draft(language, data)


@dataclass(frozen=True)
class _Step:
    """What a sentence is to the reader of the list of data: read for data (``read``; ``listed``: an item of the
    data section; ``in_a_list``: one of a run of short lines that name data), a heading (the sentence the groups of
    the next ones are read from), or neither."""

    read: bool
    heading: bool = False
    listed: bool = False
    in_a_list: bool = False


_SKIP = _Step(read=False)
_HEADING = _Step(read=False, heading=True)


@dataclass
class _Sections:
    """Where each sentence of a notice stands, read in order: in its list of data (``data``, opened at Markdown
    ``level``), in a section about other things (``other``: sources, security, rights, the controller), or among
    the items of a denied list (``denied``). ``naming`` says which sentences are short lines that name data;
    ``unnamed`` collects the lines of the list that no term names."""

    parts: list[Sentence]
    naming: list[bool]
    data: bool = False
    other: bool = False
    level: int = 0
    denied: bool = False  # the bullets under "Emme käsittele seuraavia tietoja:" name data not kept
    numbered: bool = False  # the list of data was opened by a numbered heading ("5. Rekisterin tietosisältö")
    section: int | None = None  # the number of the last numbered heading ("6. Rekisterin suojaus": 6)
    unnamed: list[str] = field(default_factory=list)

    def step(self, i: int, cues: set[str]) -> _Step:
        """Moves to sentence ``i`` (its ``cues``) and says what it is."""
        sentence, naming = self.parts[i], self.naming
        number = _section_number(sentence.text)
        if sentence.heading:
            self.section = number if number is not None else self.section
        elif self.other and number is not None and number == (self.section or -1) + 1 and _a_section_heading(sentence):
            # the next section's heading ("7. ..." after "6. Rekisterin suojaus"), not an item of a numbered list
            # inside the section ("1. Manuaalinen aineisto ...")
            sentence = Sentence(sentence.text, sentence.stems, heading=True)
            self.section = number
        if self.denied and _BULLET.match(sentence.text):
            return _SKIP
        # "### Palvelin ei voi käsitellä seuraavia tietoja", "Vi samlar inte in följande uppgifter:": a denial that
        # opens a list denies its items, which name no denial of their own; it opens no list of data held.
        opens = sentence.text.rstrip(" *").endswith(":") or "data_section" in cues
        if "negation" in cues and opens and _NONE_BUT.search(sentence.text):
            self.data, self.other, self.level = True, False, 0
            return _SKIP
        self.denied = "negation" in cues and opens
        if self.denied:
            if sentence.heading:  # a section of what is not kept ends the list of data before it
                self.data = self.other = False
                self.level = 0
            return _SKIP
        listed = self.data and "data_section" not in cues
        # A run of short lines that each name data ("Namn" / "E-postadress" / "Användarspråk", HTML list items)
        # is a list of data wherever it stands.
        in_a_list = naming[i] and ((i > 0 and naming[i - 1]) or (i + 1 < len(self.parts) and naming[i + 1]))
        level = _heading_level(sentence.text)
        # A short line without a full stop that says what is kept and names it ("Rekisteriin tallennetaan asiakkaan
        # nimi ja sähköpostiosoite") is no heading: it opens the list of data and is its first item.
        says_and_names = (
            sentence.heading
            and naming[i]
            and "data_section" in cues
            and level == 0
            and not sentence.text.rstrip(" *").endswith(":")
        )
        if says_and_names:
            self.data, self.other, self.level = True, False, 0
        elif sentence.heading and not ((listed or in_a_list) and naming[i]):
            # A heading names a section; the sentences under it are what a declaration quotes. In the section
            # that lists the data, a short line that names data ("Sähköpostiosoite", "Kotipaikka") is an item.
            if listed and level > self.level > 0:
                return _HEADING  # a sub-heading of the data section ("## Epätoivotut henkilöt") does not end it
            # A plain line of the list is an item even when it is a lone word of security ("Salasana" between
            # "Käyttäjätunnus" and "Nimi"): it does not end the list, as "Rekisterin suojaus" would.
            lone_security = cues == {"security"} and len(sentence.stems) == 1
            # Under a numbered heading, a plain line is an item even where it names the controller, a purpose or
            # how long data is kept ("Rekisterinpitäjän merkinnät", "Tietojen säilytysaika"): the next numbered
            # heading ends the list, and so does a line about sources, security, rights or disclosure.
            plain = not cues or lone_security or (self.numbered and not cues & _ENDS_A_NUMBERED_LIST)
            if listed and level == 0 and plain and not _NUMBERED.match(sentence.text):
                if _AN_ITEM.match(sentence.text) and not _A_TOPIC.match(sentence.text):
                    self.unnamed.append(sentence.text)  # a line of the list naming data pdscan has no term for
                return _HEADING  # ("Juomamieltymys *")
            other = {"sources", "security", "rights", "controller"} & cues
            under_a_number = self.data and self.numbered
            self.data = "data_section" in cues or (not other and bool(_OPENS_A_LIST.search(sentence.text)))
            # where the data comes from, how it is protected, what the person may ask, who keeps it: no section
            # names data held
            self.other = bool(other)
            self.level = level if self.data else 0
            # "Rekisteriin tallennettavia tietoja ovat:" under "5. Rekisterin tietosisältö" keeps the list numbered
            self.numbered = self.data and (bool(_NUMBERED.match(sentence.text)) or under_a_number)
            return _HEADING
        return _Step(read=True, listed=listed, in_a_list=in_a_list)


def _section_number(text: str) -> int | None:
    """The number of a line numbered as a section ("7. Evästeet": 7), or None."""
    match = _SECTION_NUMBER.match(text)
    return int(match.group(1)) if match else None


def _a_section_heading(sentence: Sentence) -> bool:
    """A long line numbered as a section, without a full stop, comma or colon (:data:`_SECTION_NUMBER`)."""
    text = sentence.text
    return (
        len(sentence.stems) <= _SECTION_WORDS
        and bool(_SECTION_NUMBER.match(text))
        and not text.endswith((".", ":"))
        and "," not in text
    )


def _read_categories(
    parts: list[Sentence],
    cues_of: list[set[str]],
    subjects: dict[str, dict[str, Any]],
    vocab: Vocabulary,
    language: str,
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], list[str]]:
    """The data categories the notice names (key -> the draft's category), those it implies (terms.yaml
    ``inferences``, for review) and the lines of its list of data that no term names."""
    categories: dict[str, dict[str, Any]] = {}
    inferred: dict[str, dict[str, Any]] = {}
    previous: Sentence | None = None  # the last heading, or sentence naming data: whose groups a sentence inherits
    means_named: set[str] = set()  # keys the notice names as a means of collecting (its cookies)
    # A heading that names data opens a list of it; a label with its value ("Puhelin: 029 566 6700") is someone's
    # contact detail.
    naming = [
        s.heading and not _A_NUMBER.search(s.text) and bool(_keys_in(vocab.in_lists, s, language, compounds=True))
        for s in parts
    ]
    sections = _Sections(parts, naming)
    # When data is deleted names no data held where the notice lists its data elsewhere; a notice in prose may name
    # its data only there ("Tallennamme nimen ja sähköpostiosoitteen, jotka poistetaan kun jäsenyys päättyy").
    has_a_list = any("data_section" in cues for cues in cues_of)
    about_other_things = _ABOUT_OTHER_THINGS if has_a_list else _ABOUT_OTHER_THINGS - {"deletion"}
    for i, sentence in enumerate(parts):
        cues = cues_of[i]
        step = sections.step(i, cues)
        if step.heading:
            previous = sentence
        if not step.read:
            continue
        if _reaches_the_controller(sentence.text, parts[i + 1].text if i + 1 < len(parts) else ""):
            continue  # "kirjoittamalla seuraaviin osoitteisiin: tietosuoja@...": the controller's address, not data
        if _named_field(vocab, sentence.text, language):
            continue  # "Kaupunki: Helsinki", "Osoite: Helsinki, Suomi": someone's details in a block of fields
        if {"definition", "negation", "controller", "age_limit"} & cues or _UNTICKED.match(sentence.text):
            continue  # what the law calls sensitive data, data not kept, the controller's own details, a children's
            # age limit, a box of a form left unticked: even in a list
        if _PLACEHOLDER.search(sentence.text):
            continue  # "Personnummer → [PERSONNUMMER]": what a service removes from a text before it keeps it
        # "Rekisteri voi sisältää seuraavia tietoja: yhteystiedot, …, salasana, …": the list's opener joined with its
        # items names data held, whatever word of security or sources an item holds.
        opens_its_list = "data_section" in cues and ": " in sentence.text and not sections.other
        if not step.listed and not opens_its_list and (about_other_things & cues or sections.other):
            continue  # how the register is protected, where its data comes from, who keeps it, what the person may
            # ask or do in their own browser, data protection itself: not what it holds
        spelled_out, exemplified, labelled = _spelled_out(vocab, sentence.text, language)
        where: dict[str, list[int]] = {}
        # an item of the list: a bullet or a short line of the data section, a run of lines that name data, or the
        # list's opener with its items (a full sentence there may still say how the data is protected)
        an_item = (
            opens_its_list
            or step.in_a_list
            or (sections.data and (sentence.heading or bool(_BULLET.match(sentence.text))))
        )
        keys = _keys_in(vocab.in_lists if an_item else vocab.categories, sentence, language, True, where)
        # A kind a field's parts spell out is not narrowed by them first ("Osoite: postinumero ja kaupunki"); in
        # brackets it is ("Osoite (katu, postinumero)": the street).
        keys = {k: t for k, t in keys.items() if k not in labelled}
        keys = _denied_by_a_word(_beside(keys, where, vocab), where, sentence.stems, language)
        kept = _general_only(keys, where, sentence.stems, language, spelled_out, exemplified)
        found, used = _as_means(kept, where, vocab, sentence, language)
        means_named |= used
        # The list of data a notice gives is better evidence than a purpose that mentions a kind of data.
        rank = 2 if sections.data else (0 if "purpose" in cues else 1)
        groups = [k for k in _subjects_in(vocab, sentence, language) if k in subjects]
        if not groups and previous is not None:
            groups = [k for k in _subjects_in(vocab, previous, language) if k in subjects]
        for key, term in found.items():
            if key in categories and categories[key]["_rank"] >= rank:
                continue  # a key keeps the quote of its best-ranked sentence, the first of them
            if not sections.data and _is_a_legal_basis(vocab, term, language):
                continue  # "käsittelyn peruste on asiakassuhde": outside the list of data, the basis, not data
            item: dict[str, Any] = {"name": term.text, "keys": [key], "source": sentence.text}
            if groups and len(groups) < len(subjects):
                item["subjects"] = groups
            # A term of several words, a long one, or one in the notice's own list of data says what it means.
            sure = len(term.words) > 1 or len(term.text) >= 8 or rank == 2
            item["confidence"] = "high" if sure else "medium"
            item["_rank"] = rank
            categories[key] = item
        for inference in vocab.inferences:
            said = next((t for t in inference.terms.get(language, ()) if _matches(t, sentence.stems, True)), None)
            if said is None or (inference.subjects and not set(groups) & set(inference.subjects)):
                continue
            if sentence.text.rstrip(" *").endswith(":"):
                continue  # "Jäsenen perustiedot:" opens a list that names the data itself
            for key in inference.keys:
                if key in spelled_out or any(k == key or k.startswith(key + ".") for k in keys):
                    continue  # "perustiedot (nimi, osoite, puhelinnumero)": the sentence names the data itself
                item = {"name": said.text, "keys": [key], "source": sentence.text, "confidence": "low",
                        "note": f"inferred: {inference.reason}"}  # fmt: skip
                if groups and len(groups) < len(subjects):
                    item["subjects"] = groups
                inferred.setdefault(key, item)
        if found:
            previous = sentence
    # A general kind named in passing ("jäsenien henkilö- ja yhteystietoja") where the notice's own list gives the
    # specific ones (e-mail, phone) is those, not a further category.
    for general in [k for k, item in categories.items() if item["_rank"] < 2]:
        if any(k.startswith(general + ".") and item["_rank"] == 2 for k, item in categories.items()):
            del categories[general]
    for key in means_named:
        categories.pop(key, None)  # "Evästeet helpottavat sivustojen käyttöä": the cookies it collects with, again
    for item in categories.values():
        del item["_rank"]
    return categories, inferred, sections.unnamed


def _implied_groups(
    categories: dict[str, dict[str, Any]], subjects: dict[str, dict[str, Any]], vocab: Vocabulary, language: str
) -> dict[str, str]:
    """The groups the drafted categories imply (terms.yaml ``implied``), each with the sentence that implies it; a
    group whose ``unless`` names a group the notice names, or another implied one, is not implied (a service's users
    hold the cookies of its site)."""
    out = {}
    for group, implied in vocab.implied.items():
        if group in subjects:
            continue
        for item in categories.values():
            if implied.keys & set(item["keys"]):
                words = stems(_WORD.findall(item["source"]), language)
                if any(_matches(term, words, True) for term in implied.terms.get(language, ())):
                    out[group] = item["source"]
                    break
    present = set(subjects) | set(out)
    return {group: source for group, source in out.items() if not vocab.implied[group].unless & present}


def _controller(
    text: str, parts: list[Sentence], vocab: Vocabulary, language: str, review: list[str]
) -> dict[str, str]:
    organisations = [m.group(0) for m in _ORGANISATION.finditer(text)]
    named_at = [i for i, s in enumerate(parts) if _found(vocab.cues, s, language).get("controller")]
    named = [parts[i] for i in named_at]
    name = None
    for sentence in named:
        match = _ORGANISATION.search(sentence.text)
        if match:
            name = match.group(0)
            break
    if name is None:  # "Rekisterinpitäjä" / "JahtiPro", "Personuppgiftsansvarig:" / "Namn:" / "Zemichat"
        name = next(filter(None, (_named_below(parts, i, vocab, language) for i in named_at)), None)
        if name is not None:  # a short line may still be a section's title or a person: a human says
            review.append(f"controller read as '{name}' (the line under the controller's heading): check the name")
    if name is not None:  # "Rekisterinpitäjä Kuntokeskus Voimala Oy": a heading run into the name
        words = name.split()
        while len(words) > 2 and _found(vocab.cues, Sentence(words[0], stems(words[:1], language)), language):
            words = words[1:]
        name = " ".join(words)
    if name is None and organisations:
        # the company the notice names most; of those named as often, the first (a set's order changes per run)
        name = collections.Counter(organisations).most_common(1)[0][0]
        if len(set(organisations)) > 1:  # the notice names other companies too (its processors, services it uses)
            review.append(
                f"controller read as '{name}' (the company the notice names most): check it is the controller"
            )
    if name is None:  # a brand without a company form: the capitalised word the notice repeats most, mid-sentence
        names = re.findall(r"(?<=[a-zåäö,] )([A-ZÅÄÖ][a-zåäö]{3,})", text)
        if names:
            name = collections.Counter(names).most_common(1)[0][0]  # of those repeated as often, the first
            # Finnish puts a name in the genitive more often than not ("Entterin tietosuojakäytännöt"): the
            # nominative, where the notice also writes it, is the name.
            if name.endswith("n") and re.search(rf"\b{re.escape(name[:-1])}\b", text):
                name = name[:-1]
            review.append(f"controller read as '{name}' (the name the notice repeats): check the legal name")
    emails = _EMAIL.findall(text)
    controller = {"name": name or "REVIEW: controller not found", "contact": emails[0] if emails else "REVIEW"}
    if name is None:
        review.append("controller not found: write its name")
    if not emails:
        review.append("no contact e-mail address found: write how to reach the controller")
    return controller


_NAME_LABEL = re.compile(r"^(?:nimi|namn|name|yritys|företag|company)\s*:\s*", re.IGNORECASE)
_NAME_LINES = 3


def _named_below(parts: list[Sentence], at: int, vocab: Vocabulary, language: str) -> str | None:
    """The name on the short line under a heading or label that names the controller's role ("1. Rekisterinpitäjä"
    then "JahtiPro"): the first of the next few lines that is neither a label ("Namn:"), a contact detail nor another
    cue's sentence."""
    sentence = parts[at]
    if not (sentence.heading or sentence.text.rstrip(" *").endswith(":")):
        return None
    for line in parts[at + 1 : at + 1 + _NAME_LINES]:
        text = _NAME_LABEL.sub("", line.text.strip(" *#")).strip(" *")
        if not text or text.endswith(":"):
            continue  # a label whose value is on the next line
        if not line.heading or _found(vocab.cues, line, language) or _reaches_the_controller(text, ""):
            return None
        if _heading_level(line.text) or _NUMBERED.match(line.text) or _keys_in(vocab.categories, line, language, True):
            return None  # a section's heading, a line of data ("Rekisterin nimi")
        if _subjects_in(vocab, line, language):
            return None  # "Yhteyshenkilö": whom, not who
        words = text.split()
        lower = sum(1 for w in words if not w[0].isupper())
        if not text[0].isupper() or len(words) > 6 or 2 * lower > len(words) or re.search(r"[\d:\[]", text):
            return None  # a section's heading ("Hantering av medlemskap"), an id or a redacted contact
        return text
    return None


def _named_field(vocab: Vocabulary, text: str, language: str) -> bool:
    """A field whose value is a name ("Kaupunki: Helsinki", "Osoite: Helsinki, Suomi"): the controller's or an
    authority's details filled in, not a kind of data (whose value would name data: "Tietosisältö: Nimi,
    Sähköposti")."""
    label = _FIELD_LABEL.match(text)
    if label is None or not _PROPER_NAMES.match(label.group(2)):
        return False
    value = label.group(2)
    return not _keys_in(vocab.in_lists, Sentence.of(value, language), language, True)


# Capitalised words only, with commas between: "Helsinki", "Helsinki, Suomi", "Esimerkki Oy".
_PROPER_NAMES = re.compile(r"^[A-ZÅÄÖ][\w.-]*(?:,?\s+[A-ZÅÄÖ][\w.-]*)*\.?\s*$")


def _reaches_the_controller(text: str, following: str) -> bool:
    """A sentence that gives an e-mail address or a web address, or ends with ":" before one (or before a phone
    number: "Telefonnummer:" / "0704-831629"), tells how to reach the controller: the words "osoite" and
    "sähköposti" in it are no data category."""
    if _EMAIL.search(text) or _URL.search(text) or _POSTAL_ADDRESS.search(text) or _FILLED.search(text):
        return True
    return text.rstrip().endswith(":") and bool(
        _EMAIL.search(following) or _URL.search(following) or _FILLED.match(f"{text.rstrip()} {following}")
    )


# "(esim. evästeet)", "Esimerkiksi Google Analytics kerää evästetietoja": terms given as examples of other data, in
# the brackets or in the whole sentence.
_EXAMPLE_BRACKET = re.compile(r"\(\s*(?:esim|t\.\s?ex|e\.\s?g)\b[^()]*\)?", re.IGNORECASE)
_EXAMPLE_SENTENCE = re.compile(r"^\s*(?:esimerkiksi|till exempel|for example)\b", re.IGNORECASE)


def _example_words(text: str) -> set[int]:
    """The positions (as in ``Sentence.stems``) of the words a sentence gives as examples."""
    words = list(_WORD.finditer(text))
    if _EXAMPLE_SENTENCE.match(text):
        return set(range(len(words)))
    spans = [m.span() for m in _EXAMPLE_BRACKET.finditer(text)]
    return {i for i, w in enumerate(words) if any(a <= w.start() < b for a, b in spans)}


# A notice written on a form ("☐ Terveystiedot", "☒ Nimi": the research notice template of Finnish universities)
# ticks the data it holds; a box left empty names data it does not hold.
_UNTICKED = re.compile(r"^[\s*•–—-]*☐")  # not □, which some notices print as a plain bullet
# A kind of data and the placeholder in capitals that replaces it ("E-postadresser → [EMAIL]", "→ [PART A]"): data
# removed, not kept. Not a footnote or a note ("Sähköposti -> [1]", "Email -> [newsletter]").
_PLACEHOLDER = re.compile(r"(?:→|->|=>)\s*\[[A-ZÅÄÖ][A-ZÅÄÖ0-9_ .-]*\]")  # [E-POST], [TEL.NR]
# A bullet or numbered item ("- Henkilötunnus", "• Foto", "2) Valokuva"): under a denial that opens a list, denied.
_BULLET = re.compile(rf"^\s*{_ITEM_MARK}")
# "ei tallenneta muita kuin seuraavia tietoja:", "inga andra uppgifter än följande:": the denial restricts the register
# to the list that follows; it names them as held.
_NONE_BUT = re.compile(r"\b(?:kuin|än|than)\b", re.IGNORECASE)

_UNNAMED_SHOWN = 8
# A line that can be an item of a list of data: not a heading over items ("Jäsenen perustiedot:"), a question or a
# note in brackets.
_AN_ITEM = re.compile(r"^(?![\s*_]*\().*[^:?*_\s][\s*_]*$", re.DOTALL)
# "Henkilötietojen käsittelijät", "Personuppgifternas lagring", "Processing of personal data": the processing of the
# data as a topic (a heading), not an item of data.
_A_TOPIC = re.compile(
    r"^\W*(?:henkilö)?tietojen\b|^\W*(?:person)?uppgifternas\b|^\W*\w+ of (?:the )?(?:personal )?data\b",
    re.IGNORECASE,
)


# How many words apart a means and its instrument word may stand: "evästeiden avulla", "med hjälp av kakor".
_INSTRUMENT_REACH = 3


def _as_means(
    found: dict[str, Term], where: dict[str, list[int]], vocab: Vocabulary, sentence: Sentence, language: str
) -> tuple[dict[str, Term], set[str]]:
    """A key named as the means of collecting (an ``instrument`` cue beside its term: "evästeiden avulla") or as an
    example of the data ("(esim. evästeet)") stands for what it collects (terms.yaml ``means``: the device and the
    browsing), not for itself ("Käytämme evästeitä": cookies). Also the keys read so."""
    means = [k for k in found if k in vocab.means]
    if not means:
        return found, set()
    examples = _example_words(sentence.text)
    at: dict[str, list[int]] = {}
    _keys_in(vocab.cues, sentence, language, True, at)
    near = at.get("instrument", [])
    means = [
        k for k in means if any(i in examples or any(abs(i - j) <= _INSTRUMENT_REACH for j in near) for i in where[k])
    ]
    if not means:
        return found, set()
    out: dict[str, Term] = {}
    for key, term in found.items():
        for k in vocab.means.get(key, (key,)) if key in means else (key,):
            out.setdefault(k, term)
    return out, set(means)


def _special(key: str) -> bool:
    """A special category of personal data (GDPR Art. 9) by the taxonomy, or a narrower key of one."""
    known = taxonomy().categories
    parts = key.split(".")
    return any(
        (c := known.get(".".join(parts[:n]))) is not None and c.article == "GDPR Art. 9"
        for n in range(len(parts), 1, -1)
    )


def _general_only(
    found: dict[str, Term],
    where: dict[str, list[int]],
    words: list[str],
    language: str,
    spelled_out: frozenset[str] = frozenset(),
    exemplified: frozenset[str] = frozenset(),
) -> dict[str, Term]:
    """A general key (user.contact: "yhteystiedot") and specific ones of its kind (user.contact.email) in a sentence
    (``found``, in the sentence's order; ``where``: the word positions of each key's terms):

    - the general kind again after them closes an open list of examples ("yhteystiedot, kuten nimi,
      sähköpostiosoite ja muut yhteystiedot": "muut" before it, ``words`` being the sentence's stems), or brackets
      call them examples ("muut yhteystiedot (esim. puhelin)", ``exemplified``): the notice declares the general
      kind, the examples go. Without "muut" a term of the kind after the parts is one more part ("IP-adress,
      enhetstyp"), not the list's end;
    - brackets right after it that list its parts spell it out ("yhteystiedot (sähköposti, puhelin)",
      ``spelled_out``): the specific keys stay, it goes;
    - a closed list after "kuten" / "inklusive" / "such as" (``_SUCH_AS``) names the parts: the kind goes
      ("yhteystiedot, kuten osoite, sähköpostiosoite ja puhelinnumero"). On the 77 notices bench/bench_drafts.py
      tunes on, the labels file such a list as its parts (3 drafts invented the kind; dropping it lost no key);
    - otherwise all stay: a list without such a word names the kind and its parts ("yhteystiedot: osoite,
      sähköpostiosoite"), and after them it adds to them ("sähköpostia, puhelinnumeroa tai jotakin muuta
      yhteystietoa"). Of the three readings (the kind, its parts, both), both scored best: recall 0.78 on 29
      notices and 0.70 on the 8 held out (2026-12-06).

    Keys of other kinds (user.name) stay."""
    drop: set[str] = set(spelled_out)
    for general in found:
        parts = [k for k in found if k.startswith(general + ".")]
        if not parts:
            continue
        first_part = min(min(where[k]) for k in parts)
        last_part = max(max(where[k]) for k in parts)
        closing = [at for at in where[general] if at > last_part and _other_before(words, at, language)]
        if general in exemplified or (min(where[general]) < first_part and closing):
            drop.update(parts)  # an open list: "kuten nimi, sähköpostiosoite ja muut yhteystiedot"
        elif max(where[general]) < first_part and _such_as_between(words, max(where[general]), first_part, language):
            drop.add(general)  # a closed list of its parts: "yhteystiedot, kuten osoite ja puhelinnumero"
    return {k: t for k, t in found.items() if k not in drop}


def _beside(found: dict[str, Term], where: dict[str, list[int]], vocab: Vocabulary) -> dict[str, Term]:
    """A key named in a sentence beside another that narrows it stands for the narrower key (terms.yaml ``beside``):
    the address listed with its postcode is the street part ("Leveransadress, postnummer och ort"). ``where`` (the
    word positions of each key's terms) follows."""
    out: dict[str, Term] = {}
    for key, term in found.items():
        narrower = next((to for other, to in vocab.beside.get(key, {}).items() if other in found), key)
        out.setdefault(narrower, term)
        if narrower != key:
            where[narrower] = sorted(where.get(narrower, []) + where.pop(key, []))
    return out


# The words for "other": a kind named again after its parts with one of these right before it ends an open list.
# Compared as whole stems ("muu" would also start muutos, a change; "ann" annons, an advert).
_OTHER = {
    "fi": ("muu", "muut", "muuta", "muita", "muiden", "muihin", "muun", "muille", "muissa", "muista", "muulla"),
    "sv": ("övrig", "övriga", "övrigt", "andra", "annan", "annat"),
    "en": ("other", "others", "another"),
}


# The words that open a list of a kind's parts ("yhteystiedot, kuten ..."): not Swedish "som", which mostly says
# "which" (it lost a key on the benchmark: "Hälsorelaterad information som vikt, längd").
_SUCH_AS = {"fi": ("kuten",), "sv": ("inklusive", "såsom"), "en": ("including",)}


@functools.lru_cache(maxsize=16)
def _stem_set(words: tuple[str, ...], language: str) -> frozenset[str]:
    """The stems of a few function words (``_SUCH_AS``, ``_OTHER``, ``_NO`` of one language), stemmed once."""
    return frozenset(stems(words, language))


def _such_as_between(words: list[str], start: int, end: int, language: str) -> bool:
    """Whether a word of ``_SUCH_AS`` stands between the two positions of the sentence's stems."""
    return any(w in _stem_set(_SUCH_AS.get(language, ()), language) for w in words[start + 1 : end])


# A word that denies the noun right after it ("tilanne — ei korttitietoja", "aldrig hälsodata", "no card data"): the
# data it names is not kept, whatever the rest of the sentence keeps.
_NO = {"fi": ("ei", "eikä"), "sv": ("inga", "ingen", "inget", "aldrig"), "en": ("no", "never")}


def _denied_by_a_word(
    found: dict[str, Term], where: dict[str, list[int]], words: list[str], language: str
) -> dict[str, Term]:
    """``found`` without the keys whose every term stands right after a word of ``_NO``."""
    no = _stem_set(_NO.get(language, ()), language)
    return {k: t for k, t in found.items() if not all(at > 0 and words[at - 1] in no for at in where.get(k, [-1]))}


def _other_before(words: list[str], at: int, language: str) -> bool:
    """Whether one of the two words before position ``at`` says "other"."""
    other = _stem_set(_OTHER.get(language, ()), language)
    return any(w in other for w in words[max(0, at - 2) : at])


_EXAMPLES = re.compile(
    r"\s*(?:esim\b|esimerkiksi|kuten|mm\b|muun muassa|t\.\s?ex\b|till exempel|bl\.\s?a\b|e\.\s?g\b"
    r"|such as|for example)",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"(?<![\w-])([^\W\d_][\w-]*+)[\s*_]*\(([^()]{3,200})\)")
# A line that opens with a field's label of one to three words and a colon, and its value ("Yhteystiedot: nimi,
# puhelin").
_FIELD_LABEL = re.compile(
    rf"^\s*(?:{_ITEM_MARK})?[\s*_]*([^\W\d_][\w-]*(?: [^\W\d_][\w-]*){{0,2}})[\s*_]*:[*_]*\s+(\S.{{2,300}})$"
)


def _spelled_out(vocab: Vocabulary, text: str, language: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """General keys whose term stands right before brackets that name specific keys of that kind: those the
    brackets spell out ("yhteystiedot (sähköposti, puhelinnumero)"), and those they give examples of ("muut
    yhteystiedot (esim. puhelin)"); then those a field's label spells out (:func:`_labelled`), also among the first."""
    spelled: set[str] = set()
    examples: set[str] = set()
    for word, inside in _BRACKETED.findall(text):
        named = _parts_named(vocab, word, [inside], language, vocab.categories)
        (examples if _EXAMPLES.match(inside) else spelled).update(named)
    labelled, label_examples = _labelled(vocab, text, language)
    return frozenset(spelled | labelled), frozenset(examples | label_examples), labelled


def _labelled(vocab: Vocabulary, text: str, language: str) -> tuple[frozenset[str], frozenset[str]]:
    """General keys a field's label before a colon names where every item after the colon names data, one at least
    a part of the kind, and none the kind again ("Yhteystiedot: sähköpostiosoite ja puhelinnumero"): spelled out, or
    given examples of where the items are examples ("Yhteystiedot: esim. sähköpostiosoite", "... puhelinnumero
    yms."). An item the terms do not know keeps the kind ("Tekniset tiedot: IP-osoite, ruudun koko")."""
    label = _FIELD_LABEL.match(text)
    if label is None:
        return frozenset(), frozenset()
    value = label.group(2)
    items = [item for item in _LIST_SEPARATOR[language].split(value) if _WORD.search(item)]
    named = frozenset(_parts_named(vocab, label.group(1), items, language, vocab.in_lists))  # each an item
    if _EXAMPLES.match(value) or _AND_SO_ON.search(value):
        return frozenset(), named
    return named, frozenset()


# The separators of a field's items: commas, slashes and the words for "and" and "or".
_LIST_SEPARATOR = {
    language: re.compile(rf"[,;/]|\b(?:{'|'.join(words)})\b", re.IGNORECASE)
    for language, words in {**_AND, "en": ("and", "or")}.items()
}
# "... puhelinnumero yms.", "... telefonnummer m.m.": the items are examples of the kind.
_AND_SO_ON = re.compile(r"\b(?:yms|ym|jne|tms|etc|osv|m\.\s?m|m\.\s?fl)\.?\s*$", re.IGNORECASE)


def _parts_named(
    vocab: Vocabulary,
    word: str,
    items: list[str],
    language: str,
    terms: dict[str, dict[str, tuple[Term, ...]]],
) -> set[str]:
    """The general keys ``word`` names whose parts the items name: each item names data, not the kind again, and
    one at least a specific key of the kind (a name beside them is data of another kind)."""
    said = _WORD.findall(word) if " " in word else [word]
    before = _keys_in(vocab.categories, Sentence(word, stems(said, language)), language, compounds=True)
    within = [_keys_in(terms, Sentence.of(item, language), language, True) for item in items]
    return {
        g
        for g in before
        if all(within)
        and any(k.startswith(g + ".") for keys in within for k in keys)
        and all(g not in keys for keys in within)
    }


def _purposes(parts: list[Sentence], vocab: Vocabulary, language: str, unsaid: list[str]) -> list[dict[str, Any]]:
    """The items (bullets, numbered headings) of the section a purpose heading opens, each with the legal bases
    its own text or the sentences under it name."""
    out: list[dict[str, Any]] = []
    in_section = False
    current: dict[str, Any] | None = None
    for sentence in parts:
        is_item = sentence.text[:1] in "-•*—–" or bool(re.match(r"\d+\.\s", sentence.text))
        if sentence.heading and not is_item:
            in_section = "purpose" in _found(vocab.cues, sentence, language)
            current = None
            continue
        if not in_section:
            continue
        bases = sorted(_found(vocab.legal_bases, sentence, language))
        if is_item:
            name = re.sub(r"^(?:[-•*—–]|\d+\.)\s*", "", sentence.text)
            current = {"name": name, "legal_bases": bases, "source": sentence.text, "confidence": "medium"}
            out.append(current)
        elif current is not None:
            current["legal_bases"] = sorted(set(current["legal_bases"]) | set(bases))
            current["source"] = (
                f"{current['source']} {sentence.text}" if len(current["source"]) < 400 else current["source"]
            )
    for item in out:
        item["confidence"] = "medium" if item["legal_bases"] else "low"
    if not out:
        unsaid.append("no purposes found in a section of their own")
    if not any(item["legal_bases"] for item in out):
        unsaid.append("no legal basis (GDPR Art. 6) stated for a purpose")
    return out


def _retention(
    parts: list[Sentence], vocab: Vocabulary, language: str, unsaid: list[str], review: list[str]
) -> dict[str, str]:
    """The first retention sentence with a period (ISO 8601), or "Not stated" with the sentence that speaks of
    retention; the sentences under a retention heading count as retention sentences."""
    about: list[Sentence] = []
    in_section = False
    for sentence in parts:
        cue = "retention" in _found(vocab.cues, sentence, language)
        if sentence.heading:
            in_section = cue
            continue
        if cue or in_section:
            about.append(sentence)
    for sentence in about:
        period = _PERIOD.search(sentence.text)
        if period:
            count, unit = int(period.group(1)), period.group(2).lower()
            iso = f"P{count}{'M' if unit.startswith(('kuukau', 'månad', 'month')) else 'Y'}"
            return {"period": iso, "statement": sentence.text, "source": sentence.text}
    unsaid.append("no retention period stated")
    if about:
        review.append("the notice speaks of retention without a period: decide the period")
        return {"statement": "Not stated: " + about[0].text, "source": about[0].text}
    return {"statement": "Not stated."}


# A retention period in a notice's words: a number (in digits or words) and a unit, in either order of the clause
# ("asiakassuhteen päättymisestä 3 vuotta", "hakuprosessin päätyttyä 6 kk", "i tre år", "for 5 years").
_NUMBER_WORDS = {
    "yksi": 1, "yhden": 1, "kaksi": 2, "kahden": 2, "kolme": 3, "kolmen": 3, "neljä": 4, "neljän": 4, "viisi": 5,
    "viiden": 5, "kuusi": 6, "kuuden": 6, "seitsemän": 7, "kahdeksan": 8, "yhdeksän": 9, "kymmenen": 10,
    "ett": 1, "en": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9, "tio": 10,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_PERIOD_WORDS = re.compile(
    r"\b(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\s*"
    r"(?:(?P<Y>vuo(?:si|tta|den|deksi|teen)|v\.|år(?:s|en)?|years?)"
    r"|(?P<M>kuukau(?:si|tta|den|deksi)|kk|mån(?:ad|ader|aders)?|months?)"
    r"|(?P<W>viik(?:ko|koa|on)|veck(?:a|or|ors)|weeks?)"
    r"|(?P<D>päivä(?:ä|n)?|pv|dag(?:ar|s)?|days?))(?![\wåäö])",
    re.IGNORECASE,
)
# Words of the clause that tell whose data a period is for when the group is not named as such ("hakuprosessin
# päätyttyä": applicants; "asiakassuhteen päättymisestä": customers; "anställningen": employees).
_PERIOD_GROUPS = {
    "customers": ("asiakassuhte", "asiakkuu", "jäsenyy", "kundförhållande", "senaste köp", "customer relationship",
                  "last order"),
    "applicants": ("hakuprosess", "haun päät", "rekrytoin", "rekrytering", "ansökningsprocess", "recruitment"),
    "employees": ("työsuhte", "anställning", "employment"),
}  # fmt: skip


def _retention_periods(
    retention: dict[str, Any],
    parts: list[Sentence],
    vocab: Vocabulary,
    language: str,
    groups: list[str],
    unsaid: list[str],
    review: list[str],
) -> None:
    """``retention.periods``: each period the retention sentences state, with the groups of its clause (a group
    the draft has), counted from the row's latest date. Every one is a review item: the period, its groups and what
    it counts from are a human's decision."""
    periods: list[dict[str, Any]] = []
    in_section = False
    for sentence in parts:
        cue = "retention" in _found(vocab.cues, sentence, language)
        if sentence.heading:
            in_section = cue
            continue
        if not (cue or in_section):
            continue
        found = list(_PERIOD_WORDS.finditer(sentence.text))
        for i, match in enumerate(found):
            # The clause of this period: from the end of the previous one to the start of the next.
            start = found[i - 1].end() if i else 0
            end = found[i + 1].start() if i + 1 < len(found) else len(sentence.text)
            clause = sentence.text[start:end] if len(found) > 1 else sentence.text
            words = _WORD.findall(clause)
            named = _subjects_in(vocab, Sentence(clause, stems(words, language)), language)
            lowered = clause.lower()
            named += [g for g, hints in _PERIOD_GROUPS.items() if any(h in lowered for h in hints)]
            subjects = [g for g in dict.fromkeys(named) if g in groups]
            number = match.group(1).lower()
            count = int(number) if number.isdigit() else _NUMBER_WORDS[number]
            unit = next(u for u in "YMWD" if match.group(u))
            item: dict[str, Any] = {"subjects": subjects} if subjects else {}
            item.update(period=f"P{count}{unit}", counted_from="latest", source=sentence.text)
            if item not in periods:
                periods.append(item)
                whom = ", ".join(subjects) if subjects else "every group (the clause names none)"
                review.append(
                    f'retention: {item["period"]} for {whom} from "{match.group(0)}": check the period, the groups '
                    "and what it counts from (latest: the row's latest date; or name the date columns)"
                )
    if periods:
        retention["periods"] = periods
        if "no retention period stated" in unsaid:
            unsaid.remove("no retention period stated")


def _transfers(parts: list[Sentence], vocab: Vocabulary, language: str, review: list[str]) -> dict[str, Any]:
    for sentence in parts:
        cues = _found(vocab.cues, sentence, language)
        lowered = sentence.text.lower()
        outside = "outside_eea" in cues or any(t.text in lowered for t in vocab.cues["outside_eea"][language])
        if outside:
            negated = "no_transfer" in cues
            return {"outside_eea": not negated, "source": sentence.text}
    review.append("no statement on transfers outside the EU/EEA found")
    return {"outside_eea": False, "source": "Not stated in the notice."}


def read_notice(path: Path) -> str:
    """The text of a notice: plain text, or a PDF, Word, OpenDocument, RTF or HTML file through the readers."""
    from pdscan.sources.base import FileRef
    from pdscan.sources.documents import EXTRACTORS
    from pdscan.sources.documents.common import DocumentError
    from pdscan.sources.documents.passages import Reading
    from pdscan.sources.documents.text import decode

    ext = path.suffix.lower()
    if ext in ("", ".txt") or ext not in EXTRACTORS:
        return decode(path.read_bytes())
    ref = FileRef(str(path), ext, lambda: path.open("rb"), path=path, size=path.stat().st_size)
    try:
        return "\n\n".join(p.text for p in EXTRACTORS[ext][1](ref, Reading()))
    except DocumentError as exc:
        raise ConfigError(str(path), "", exc.reason) from exc


def to_yaml(result: Draft) -> str:
    """The draft as a declaration file, with a header saying it is a draft to review."""
    import yaml

    header = (
        f"# Declaration DRAFTED by pdscan from {result.data['notice']['file']} ({result.language}): review each item.\n"
        "# Each item quotes its sentence and has a confidence; draft.review lists the decisions left to a human and\n"
        "# draft.unsaid what the notice does not say. Check it with: pdscan declarations check THIS_FILE\n"
    )

    class _Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:  # a list written twice stays readable, not &id001 / *id001
            return True

    return header + yaml.dump(result.data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=118)
