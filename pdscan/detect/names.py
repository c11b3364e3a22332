"""Person names: a lexicon of Finnish first names and surnames (DVV open data), inflection for Finnish text.

Two kinds of values hold names:
- name-shaped values (``Matti Virtanen``, ``Virtanen, Matti``, ``Anna-Maija``): checked for a whole column at once
  with Arrow kernels: split into tokens, looked up in the lexicon, counted per value;
- free text (``Soita Matille huomenna``): every capitalised word that is not the first of a sentence is looked up,
  Finnish case endings removed (Virtasen, Korhoselta, Matille). :func:`mentions` says where, one text at a time;
  for a column, :func:`_mentioning` decides which texts mention a name with Arrow kernels over all their words at
  once (the same rules, proven equal by tests), so free text no longer holds the GIL word by word.

Names that are also words or places (Salo, Lahti, Koski, Tuuli) are weak: alone they are not a person.
Company forms (Oy, Ab, Ky...) veto a value: ``Virtanen & Laine Oy`` is a company.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pdscan.detect.matching import MatchContext, MatcherResult
from pdscan.resources import builtin_rules_dir, user_cache_dir

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_TOKEN = f"[{_UPPER}][{_LOWER}{_UPPER}'’]*(?:-[{_UPPER}][{_LOWER}{_UPPER}'’]*)*"
_PARTICLE = "(?:von|van|der|den|de|af|da|di|du|la|le|al|bin|el)"
# Initials (J.D., J. D., A) and titles written with a full stop (Mr., Dr., Jr.).
_INITIALS = f"[{_UPPER}]\\.(?:[{_UPPER}]\\.?)*"
_PART = f"(?:{_TOKEN}\\.?|{_INITIALS}|{_PARTICLE})"
# A value that is only a name: 1 to 8 capitalised tokens (particles, initials and titles allowed), "Surname, First"
# and "Surname, Mr. First" included.
NAME_SHAPE = f"^{_PART}(?:,? {_PART}){{0,7}}$"
# Free text worth a closer look: a capitalised word after a lower-case word or a comma, or two capitalised words.
_TEXT_HINT = f"[{_LOWER}0-9,:;)] +[{_UPPER}][{_LOWER}]|[{_UPPER}][{_LOWER}]+,? [{_UPPER}][{_LOWER}]"
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# _WORD in RE2, for texts of Latin-1 characters (and ’): Python's [^\W\d_] and \w there, spelled out (letters, the
# ordinal indicators, micro, and the superscript digits and fractions, which Python counts as word characters).
_LATIN1_LETTER = "A-Za-zªµºÀ-ÖØ-öø-ÿ²³¹¼-¾"
_WORD_RE2 = f"([{_LATIN1_LETTER}][0-9_{_LATIN1_LETTER}'’-]*)"
_OUTSIDE_LATIN1 = r"[^\x00-\x{ff}’]|\x1f"  # such texts take the Python path (\x1f marks words below)
_PY_SPACE_TAIL = r"[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0]+$"  # what str.rstrip() removes, within Latin-1
COMPANY_FORMS = frozenset(
    [
        "oy",
        "oyj",
        "ky",
        "ay",
        "tmi",
        "osk",
        "ab",
        "ltd",
        "inc",
        "gmbh",
        "ry",
        "llc",
        "plc",
        "corp",
        "co",
        "group",
        "sr",
        "rf",
        "kb",
        "hb",
        "aps",
        "bv",
        "nv",
        "ag",
        "sa",
        "asa",
        "oü",
        "ou",
    ]
)
PARTICLES = frozenset(["von", "van", "der", "den", "de", "af", "da", "di", "du", "la", "le", "al", "bin", "el"])
# Honorifics and post-nominal letters: a value that holds one beside a name is a person's name (Rt Hon Sir Keir
# Starmer KCB KC MP, Vance, Mr. J.D.).
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "dame",
        "lord",
        "lady",
        "rt",
        "hon",
        "rev",
        "baroness",
        "baron",
        "herr",
        "frau",
        "fru",
        "rouva",
        "herra",
        "neiti",
        "jr",
        "sr",
        "ii",
        "iii",
        "iv",
        "mp",
        "kc",
        "qc",
        "obe",
        "cbe",
        "mbe",
        "kcb",
        "dbe",
        "phd",
        "md",
        "esq",
    ]
)
_VOWELS = "aeiouyäöå"
_BACK = "aou"
# Inflected forms are generated for names this common; rarer names are matched in their base form only.
_INFLECT_MIN_HOLDERS = 500
# Names borne by fewer people, and names of one or two letters, are weak like the ambiguous ones: among 35,000 names
# of ten holders or more are codes and words (M, PA, Jun, Tesla, Lager); beside a strong name they still count.
_STRONG_MIN_HOLDERS = 100
_STRONG_MIN_LENGTH = 3
_CODES_MEMO = 200_000  # words whose word sets are remembered (a few tens of MB at most)


@dataclass(frozen=True)
class Lexicon:
    first: frozenset[str]
    last: frozenset[str]
    ambiguous: frozenset[str]
    common_first: frozenset[str]  # first names borne by many: enough to vouch for an unknown surname beside them
    lemma: dict[str, str]  # inflected form -> base name
    # DVV's names: the Finnish ones, which alone in running text are names (Virtasen, Matille); a name known only from
    # the world lists (Bianco, Asti) alone in English prose is as often a place, a grape or a brand.
    finnish: frozenset[str] = frozenset()
    weak_alone: frozenset[str] = frozenset()
    # First names so common that, leading a surname, they make a name even where both are also words (John Smith,
    # Mark Brown): the dictionary words among the names of the world are weak alone, not in that order.
    leading_first: frozenset[str] = frozenset()

    @functools.cached_property
    def sets(self) -> dict[str, AbstractSet[str]]:
        """The word sets by name, as Python sets: looked up once per distinct token (:class:`_Tokens`)."""
        return {
            "first": self.first,
            "last": self.last,
            "ambiguous": self.ambiguous,
            "common_first": self.common_first,
            "leading_first": self.leading_first,
            "finnish": self.finnish,
            "weak_alone": self.weak_alone,
            "company": COMPANY_FORMS,
            "particle": PARTICLES,
            "title": TITLES,
            "lemma": self.lemma.keys(),
        }

    @functools.cached_property
    def _bits(self) -> tuple[tuple[int, AbstractSet[str]], ...]:
        return tuple((1 << k, words) for k, words in enumerate(self.sets.values()))

    def bit(self, name: str) -> int:
        """The bit of word set ``name`` in :meth:`codes`."""
        return 1 << list(self.sets).index(name)

    @functools.cached_property
    def _codes(self) -> dict[str, int]:
        return {}

    def codes(self, words: list[str | None]) -> np.ndarray:
        """Each word's word sets as bits (see :meth:`bit`). A word is looked up in the sets once per process (up to
        _CODES_MEMO words): the same first names, surnames and words come back in every batch and every small file,
        and one dictionary lookup replaces eleven set lookups (name matching was a fifth of a high-cardinality
        scan)."""
        known = self._codes
        codes = [known.get(word) for word in words]  # type: ignore[arg-type]
        for i in [i for i, code in enumerate(codes) if code is None]:
            word = words[i]
            code = 0
            for bit, members in self._bits:
                if word in members:
                    code |= bit
            codes[i] = code
            if len(known) < _CODES_MEMO:
                known[word] = code  # type: ignore[index]
        return np.asarray(codes, dtype=np.int64)

    def base(self, word: str) -> str | None:
        """The lexicon name behind ``word`` (lower-case), inflected or not, or None."""
        if word in self.first or word in self.last:
            return word
        return self.lemma.get(word)


# Names of the world (rules/lexicons/names_world.tsv, holders per million where the name is most common): strong
# from these frequencies; common first names from COMMON_FIRST_PER_MILLION vouch for an unknown surname beside them.
_WORLD_STRONG = {"first": 150, "last": 15}
_WORLD_COMMON_FIRST = 1000
_WORLD_LEADING_FIRST = 3000
_WORLD_LEADING_WORD = 15000  # a first name that is also an English word leads only when it is that common (John)


# The files the lexicon is built from (rules/lexicons), and this module, whose rules build it: the cache's key.
_LEXICON_SOURCES = ("names.tsv", "names_world.tsv", "name_ambiguous.txt", "name_ambiguous_world.txt")
_LEXICON_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """DVV's Finnish names (the authority for Finnish names) and the names of the world, with what is weak.

    Building it reads 66,000 lines and inflects 9,000 names: a quarter of a second of a core in every process (each
    small-files worker too), the longest single step of a scan's first batch. The built lexicon is kept as JSON in
    the user's cache (:func:`pdscan.resources.user_cache_dir`), keyed by the content of its sources and of this
    module, and read back in 0.04 s; JSON, not pickle, so that a file in the cache can never run code. One thread
    builds it while the others wait and then read it: two columns of names in a first batch built it twice."""
    with _LEXICON_LOCK:
        directory = builtin_rules_dir() / "lexicons"
        key = hashlib.sha256(Path(__file__).read_bytes())
        for name in _LEXICON_SOURCES:
            key.update((directory / name).read_bytes())
        cache = user_cache_dir()
        path = cache / f"{_LEXICON_PREFIX}{key.hexdigest()[:32]}.json" if cache is not None else None
        cached = _read_lexicon(path) if path is not None else None
        if cached is not None:
            return cached
        built = _build_lexicon(directory)
        if path is not None:
            _write_lexicon(path, built)
        return built


_LEXICON_PREFIX = "lexicon-"


def _read_lexicon(path: Path) -> Lexicon | None:
    """The cached lexicon, or None when there is none or it is not one, field for field (it is then built again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or set(data) != {f.name for f in fields(Lexicon)}:
        return None
    lemma = data.pop("lemma")
    if not isinstance(lemma, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in lemma.items()):
        return None
    if not all(isinstance(words, list) and all(isinstance(w, str) for w in words) for words in data.values()):
        return None
    return Lexicon(lemma=lemma, **{name: frozenset(words) for name, words in data.items()})


def _write_lexicon(path: Path, built: Lexicon) -> None:
    """Writes the cache file whole (a temporary file renamed), or not at all: a read-only home only costs time. The
    lexicons of earlier keys (an earlier pdscan) are removed, so the folder holds one."""
    data = {f.name: getattr(built, f.name) for f in fields(Lexicon)}
    text = json.dumps({k: v if isinstance(v, dict) else sorted(v) for k, v in data.items()}, ensure_ascii=False)
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as fh:
            temporary = Path(fh.name)
            fh.write(text)
        os.replace(temporary, path)
        temporary = None
        for old in path.parent.glob(f"{_LEXICON_PREFIX}*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def _build_lexicon(directory: Path) -> Lexicon:
    first: set[str] = set()
    last: set[str] = set()
    common: list[str] = []
    common_first: set[str] = set()
    strong: set[str] = set()  # names common as at least one kind (Esa, the first name, whatever else it is)
    for name, kind, holders in _rows(directory / "names.tsv"):
        (first if kind == "first" else last).add(name)
        # 0 holders: the international names the build script adds, common by choice.
        if len(name) >= _STRONG_MIN_LENGTH and (holders == 0 or holders >= _STRONG_MIN_HOLDERS):
            strong.add(name)
        if holders >= _INFLECT_MIN_HOLDERS:
            common.append(name)
            if kind == "first":
                common_first.add(name)
    finnish = first | last
    words = _words(directory / "name_ambiguous_world.txt")
    world_common_first: set[str] = set()
    leading: set[str] = set()
    for name, kind, per_million in _rows(directory / "names_world.tsv"):
        (first if kind == "first" else last).add(name)
        if name not in finnish and len(name) >= _STRONG_MIN_LENGTH and per_million >= _WORLD_STRONG[kind]:
            strong.add(name)
        if kind == "first" and per_million >= _WORLD_COMMON_FIRST:
            world_common_first.add(name)
        if kind == "first" and per_million >= (_WORLD_LEADING_WORD if name in words else _WORLD_LEADING_FIRST):
            leading.add(name)
    places = _words(directory / "name_ambiguous.txt")  # Finnish words and places (Tuuli, Lahti), months, brands
    rare = (first | last) - strong
    ambiguous = places | words | rare
    lemma: dict[str, str] = {}
    for name in common:
        if name in ambiguous:
            continue
        for form in inflections(name):
            lemma.setdefault(form, name)
    leading |= common_first  # DVV's common first names
    leading -= places  # but not the Finnish words and places
    common_first |= world_common_first
    return Lexicon(
        frozenset(first),
        frozenset(last),
        frozenset(ambiguous),
        frozenset(common_first - ambiguous),
        lemma,
        finnish=frozenset(finnish),
        leading_first=frozenset(leading),
        # Weak even as a lone value under a surname header: places and Finnish words, rare names, one or two letters.
        # English dictionary words that are common names (Smith, Brown) are a column of surnames under that header.
        weak_alone=frozenset(places | rare),
    )


def _rows(path: Path) -> Iterator[tuple[str, str, int]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            name, kind, count = line.rstrip("\n").split("\t")
            yield name, kind, int(count)


def _words(path: Path) -> set[str]:
    return {w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip() and not w.startswith("#")}


def _harmony(name: str, back: str) -> str:
    """Finnish vowel harmony: back-vowel names take -lla, -ssa; front-vowel names -llä, -ssä."""
    if any(ch in _BACK for ch in name):
        return back
    return back.replace("a", "ä").replace("o", "ö").replace("u", "y")


def _weak_grade(name: str) -> str:
    """Consonant gradation before a closed syllable: Matti -> Mati(n), Pekka -> Peka(n), Ranta -> Ranna(n)."""
    if len(name) < 4 or name[-1] not in _VOWELS:
        return name
    stem, vowel = name[:-1], name[-1]
    for strong, weak in (
        ("kk", "k"),
        ("pp", "p"),
        ("tt", "t"),
        ("nt", "nn"),
        ("nk", "ng"),
        ("lt", "ll"),
        ("rt", "rr"),
        ("mp", "mm"),
    ):
        if stem.endswith(strong):
            return stem[: -len(strong)] + weak + vowel
    return name


def inflections(name: str) -> set[str]:
    """Common case forms of a Finnish name, e.g. Virtanen -> Virtasen, Virtaselle, Virtasta; Matti -> Matille."""
    endings = ("n", "lla", "lle", "lta", "ssa", "sta", "ksi", "na")
    forms: set[str] = set()
    if name.endswith("nen"):
        stem = name[:-3] + "se"
        forms.update(stem + _harmony(name, e) for e in endings)
        forms.add(stem + "en")  # illative: Virtaseen
        forms.add(name[:-3] + _harmony(name, "sta"))  # partitive: Virtasta
        return forms
    if name[-1] in _VOWELS:
        for stem in {name, _weak_grade(name)}:
            forms.update(stem + _harmony(name, e) for e in endings)
        forms.add(name + _harmony(name, "a"))  # partitive: Mattia, Liisaa
        forms.add(name + name[-1] + "n")  # illative: Mattiin, Liisaan
        return forms
    stem = name + "i"  # Mikael -> Mikaelin, Mikaelille
    forms.update(stem + _harmony(name, e) for e in endings)
    forms.update({name + _harmony(name, "ia"), name + "iin"})
    return forms


def is_lexicon_name(word: str) -> bool:
    """Whether a lower-case word is a first name or surname of the lexicon (its base form)."""
    lex = lexicon()
    return word in lex.first or word in lex.last


def match_person_names(values: pa.Array, context: MatchContext) -> MatcherResult:
    lex = lexicon()
    n = len(values)
    accepted = np.zeros(n, dtype=bool)
    full = np.zeros(n, dtype=bool)
    found: dict[int, str] = {}
    shaped = pc.match_substring_regex(values, pattern=NAME_SHAPE).to_numpy(zero_copy_only=False)
    single = np.zeros(n, dtype=bool)
    shaped_idx = np.flatnonzero(shaped)
    if shaped_idx.size:
        subset = values.take(pa.array(shaped_idx))
        ok, lone = _names_by_lexicon(subset, lex)
        if any(context.spelled) and not ok.all():
            rest = np.flatnonzero(~ok)  # only the values the lexicon left: their documents' words, looked up
            ok[rest] = _spelled_names(subset.take(pa.array(rest)), lex, context.spelled_at(shaped_idx[rest]))
        accepted[shaped_idx[ok]] = True
        full[shaped_idx[ok]] = True
        single[shaped_idx[ok & lone]] = True
        chosen = context.first(shaped_idx[ok])
        found.update(zip(chosen.tolist(), values.take(pa.array(chosen)).to_pylist(), strict=True))
    text_idx = np.flatnonzero(
        ~shaped & pc.match_substring_regex(values, pattern=_TEXT_HINT).to_numpy(zero_copy_only=False)
    )
    if text_idx.size:
        mentioning = text_idx[_mentioning(values.take(pa.array(text_idx)), lex)]
        accepted[mentioning] = True
        _mention_samples(values, mentioning, context, found, lex)
    index = np.flatnonzero(accepted)
    # Samples: each column's first accepted values that have one, in value order.
    order = context.first(np.asarray(sorted(found), dtype=np.int64))
    # The shape alone: capitalised, not written in capitals (codes and registers' place names are).
    plain = shaped & ~np.asarray(pc.equal(values, pc.utf8_upper(values)).to_numpy(zero_copy_only=False))
    return MatcherResult(
        index=index,
        full=full[index],
        found=[(i, found[i]) for i in order.tolist()],
        single=single[index],
        shaped=np.flatnonzero(plain),
    )


def _mention_samples(
    values: pa.Array, mentioning: np.ndarray, context: MatchContext, found: dict[int, str], lex: Lexicon
) -> None:
    """Samples from the texts that mention a name: the mention itself, from each column's first texts until the
    column has ``max_samples`` samples (its name values' samples count too)."""
    owner = context.segments[mentioning] if context.segments is not None else np.zeros(mentioning.size, np.int64)
    held: dict[int, int] = {}
    for i in found:
        s = int(context.segments[i]) if context.segments is not None else 0
        held[s] = held.get(s, 0) + 1
    pending = {int(s) for s in np.unique(owner)} - {s for s, k in held.items() if k >= context.max_samples}
    for i, s in zip(mentioning.tolist(), owner.tolist(), strict=True):
        if not pending:
            break
        if s not in pending:
            continue
        mention = _mention(values[i].as_py(), lex)
        if mention is not None:
            found[i] = mention
            held[s] = held.get(s, 0) + 1
            if held[s] >= context.max_samples:
                pending.discard(s)


class _Tokens:
    """Which tokens of a column are in the lexicon's word sets: each distinct token is looked up once.

    ``pc.is_in`` builds a hash table of its value set on every call: with the lexicon's sets of 100,000+ names that
    was most of the time of a small table's scan (issue 25), whereas a column has few distinct tokens.
    """

    def __init__(self, tokens: pa.Array, lex: Lexicon) -> None:
        unique = pc.unique(tokens)
        self._lex = lex
        # A null token: the 0 appended below.
        self._codes = np.append(lex.codes(unique.to_pylist()), 0)
        index = pc.fill_null(pc.index_in(tokens, value_set=unique), pa.scalar(-1, pa.int32()))
        self._index = np.asarray(index.to_numpy(zero_copy_only=False), dtype=np.int64)

    def member(self, name: str) -> np.ndarray:
        """Per token: whether it is in the lexicon's word set ``name`` (a key of :attr:`Lexicon.sets`)."""
        return np.asarray((self._codes & self._lex.bit(name)) != 0)[self._index]


def _names_by_lexicon(values: pa.Array, lex: Lexicon) -> tuple[np.ndarray, np.ndarray]:
    """For name-shaped values: True where the tokens are names by the lexicon (vectorised over the column), and
    which of them are a lone word."""
    # One-word values in capitals are codes and place names as registers print them (HELSINKI, KOK), not names.
    capitals = np.asarray(pc.equal(values, pc.utf8_upper(values)).to_numpy(zero_copy_only=False))
    tokens = pc.split_pattern_regex(pc.utf8_lower(values), pattern="[ ,-]+")
    written = pc.list_flatten(tokens)
    flat = pc.utf8_rtrim(written, characters=".")  # Mr. and Jr. are Mr and Jr; J.D. stays an initial
    parents = pc.list_parent_indices(tokens).to_numpy()
    n = len(values)
    lookup = _Tokens(flat, lex)

    def per_value(mask: np.ndarray) -> np.ndarray:
        return np.bincount(parents, weights=mask.astype(np.float64), minlength=n)

    def member(key: str) -> np.ndarray:
        return lookup.member(key)

    is_known = member("first") | member("last")
    initial = np.asarray(
        pc.match_substring_regex(written, pattern=r"^[^\W\d_](?:\.[^\W\d_])*\.?$").to_numpy(zero_copy_only=False),
        dtype=bool,
    )
    is_title = member("title")
    is_particle = member("particle") | is_title | initial
    total = np.bincount(parents, minlength=n)
    known = per_value(is_known) + per_value(is_particle & ~is_known)
    strong = per_value(is_known & ~member("ambiguous"))
    strong_first = per_value(member("common_first"))
    company = per_value(member("company"))
    titles = per_value(is_title & ~is_known)
    names = per_value(is_known & ~is_title)
    # One known name alone, even one that is also a word (Smith, May): a lone word, which counts only where the
    # column's header says first names or surnames (the evidence model decides).
    alone = per_value(is_known & ~member("weak_alone"))
    single = (total == 1) & (alone == 1) & ~capitals
    all_known = (total >= 2) & (known == total) & (strong >= 1)
    # One unknown token beside a well-known first name: a surname the lexicon lacks (Matti Meikäläinen).
    one_unknown = (total == 2) & (known == 1) & (strong_first == 1)
    long_name = (total >= 3) & (known >= total - 1) & (strong >= 2)
    # A title beside a name and at most one unknown token: Sir Keir Starmer, Dr. Ava Oneil, Vance, Mr. J.D.
    titled = (titles >= 1) & (names >= 1) & (known >= total - 1)
    # Initials beside a name, one word unknown at most: Otto K. Pearson, J.D. Vance (an initial is how people write
    # their names, not places or products).
    initials = per_value(initial & ~is_known)
    initialled = (initials >= 1) & (names >= 1) & (total >= 3) & (known >= total - 1)
    # A very common first name leading a surname: John Smith, even though both are also words.
    offsets = np.asarray(tokens.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    offsets -= offsets[0]
    nonempty = total > 0
    lead_first = np.zeros(n, dtype=bool)
    end_last = np.zeros(n, dtype=bool)
    leading = member("leading_first")
    surname = member("last")
    lead_first[nonempty] = leading[offsets[:-1][nonempty]]
    end_last[nonempty] = surname[offsets[1:][nonempty] - 1]
    led = (total >= 2) & (total <= 3) & lead_first & end_last & (known == total)
    accepted = (company == 0) & (single | all_known | one_unknown | long_name | titled | initialled | led)
    return np.asarray(accepted), np.asarray(total == 1)


def _spelled_names(values: pa.Array, lex: Lexicon, spelled: list[frozenset[str]]) -> np.ndarray:
    """Which name-shaped values the lexicon does not know, of two or more words, their document (``spelled``: per
    value) spells in an e-mail address (``Veeraj Tandalkar`` beside ``tandalkarveeraj07@``): names. Few values
    (documents)."""
    out = np.zeros(len(values), dtype=bool)
    letters: dict[frozenset[str], set[str]] = {}
    for i in range(len(values)):
        if not spelled[i]:
            continue
        handles = letters.get(spelled[i])
        if handles is None:
            handles = letters[spelled[i]] = {_LETTERS_ONLY.sub("", h) for h in spelled[i]}
        words = [w for w in _WORD.findall(values[i].as_py().lower()) if w not in PARTICLES and w not in TITLES]
        if not 2 <= len(words) <= 4 or any(w in COMPANY_FORMS for w in words):
            continue
        words = [w for w in words if len(w) > 1 or w.isalpha()]
        out[i] = any(_spells(words, handle) for handle in handles)
    return out


_LETTERS_ONLY = re.compile(r"[^a-zß-öø-ÿ]")


def _spells(words: list[str], handle: str) -> bool:
    """Whether an e-mail address's local part spells the name, each word whole or as its initial, in either order
    (``qmoore`` for Quilla Moore, ``tandalkarveeraj`` for Veeraj Tandalkar, ``opearson`` for Otto K. Pearson),
    with one word of four letters or more written whole."""
    for order in (words, words[::-1]):
        for mask in range(1 << len(order)):
            parts = [w if mask >> k & 1 else w[0] for k, w in enumerate(order)]
            if not any(mask >> k & 1 and len(w) >= 4 for k, w in enumerate(order)):
                continue
            if "".join(parts) in handle:
                return True
    return False


def _mentioning(texts: pa.Array, lex: Lexicon) -> np.ndarray:
    """Which texts mention a person name by the rules of :func:`mentions`, for a whole column at once.

    Each word is marked (``\x1f``) and the texts split, so every text becomes separators and words alternating;
    the word tests (capitalised, in the lexicon, ambiguous, a company form) are set lookups over all words, and a
    word's neighbours are the next entries of the same text. A text mentions a name when some word starts a pair
    (a name, " " or ", ", a capitalised name, no company form after, not both ambiguous) or is a lone name that is
    not ambiguous and does not start a sentence. Texts with characters beyond Latin-1 go through Python, where
    the regular expression engines could read word characters differently."""
    n = len(texts)
    result = np.zeros(n, dtype=bool)
    other = np.asarray(pc.match_substring_regex(texts, pattern=_OUTSIDE_LATIN1).to_numpy(zero_copy_only=False))
    for i in np.flatnonzero(other).tolist():
        result[i] = _mention(texts[i].as_py(), lex) is not None
    inside = np.flatnonzero(~other)
    if inside.size == 0:
        return result
    subset = texts.take(pa.array(inside))
    pieces = pc.split_pattern(pc.replace_substring_regex(subset, pattern=_WORD_RE2, replacement="\x1f\\1\x1f"), "\x1f")
    flat = pc.list_flatten(pieces)
    parents = np.asarray(pc.list_parent_indices(pieces).to_numpy(zero_copy_only=False), dtype=np.int64)
    starts = np.asarray(pieces.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    position = np.arange(len(flat)) - starts[parents]
    odd = position % 2 == 1
    word_at = np.flatnonzero(odd)  # flat index of every word; the separator before word j is at word_at[j] - 1
    if word_at.size == 0:
        return result
    words = flat.take(pa.array(word_at))
    owner = parents[word_at]
    order = (position[word_at] - 1) // 2  # the word's number in its text

    def column(mask: pa.Array) -> np.ndarray:
        return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)

    lower = pc.utf8_lower(words)
    lookup = _Tokens(lower, lex)
    named = lookup.member("first") | lookup.member("last")
    based = named | lookup.member("lemma")
    ambiguous = named & lookup.member("ambiguous")
    company = lookup.member("company")
    capital = column(pc.match_substring_regex(words, pattern=f"^[{_UPPER}]"))
    candidate = based & capital & ~column(pc.utf8_is_upper(words))
    # The next word and the one after, within the same text.
    same_next = np.zeros(len(words), dtype=bool)
    same_next[:-1] = owner[1:] == owner[:-1]
    same_after = np.zeros(len(words), dtype=bool)
    same_after[:-2] = owner[2:] == owner[:-2]
    between = flat.take(pa.array(word_at + 1))  # the separator after each word (before the next one)
    joined = column(pc.is_in(between, value_set=pa.array([" ", ", "])))
    nxt = np.flatnonzero(same_next)
    pair = np.zeros(len(words), dtype=bool)
    pair[nxt] = candidate[nxt] & capital[nxt + 1] & based[nxt + 1] & joined[nxt]
    leads = lookup.member("leading_first")
    surnames = lookup.member("last")
    pair[nxt] &= ~(ambiguous[nxt] & ambiguous[nxt + 1]) | (leads[nxt] & surnames[nxt + 1])
    after = np.flatnonzero(same_after)
    pair[after] &= ~company[after + 2]
    # A sentence starts where nothing but white space precedes the word, or ".", "!" or "?" ends what does.
    before = pc.replace_substring_regex(flat.take(pa.array(word_at - 1)), pattern=_PY_SPACE_TAIL, replacement="")
    blank = column(pc.equal(before, pa.scalar("", before.type)))
    stop = column(pc.match_substring_regex(before, pattern="[.!?]$"))
    sentence_start = (blank & (order == 0)) | (~blank & stop)
    before_company = np.zeros(len(words), dtype=bool)
    before_company[nxt] = company[nxt + 1]  # Esimerkki Oy is a company, not a person named Esimerkki
    finnish = lookup.member("finnish") | (based & ~named)  # inflected: Finnish
    lone = candidate & ~sentence_start & ~ambiguous & ~before_company & finnish
    hit = np.bincount(owner[pair | lone], minlength=inside.size) > 0
    result[inside] = hit
    return result


def _mention(text: str, lex: Lexicon) -> str | None:
    """The first person name mentioned in free text, or None."""
    return next((text[start:end] for start, end in mentions(text, lex)), None)


def mentions(text: str, lex: Lexicon | None = None) -> Iterator[tuple[int, int]]:
    """Spans of the person names mentioned in free text: two adjacent capitalised names (either order), or one
    capitalised name, inflected or not, that does not start a sentence and is not also a word or a place."""
    lex = lex or lexicon()
    words = list(_WORD.finditer(text))
    skip_to = -1
    for k, word in enumerate(words):
        if k <= skip_to:
            continue
        token = word.group()
        if not token[0].isupper() or token.isupper():
            continue
        name = lex.base(token.lower())
        if name is None:
            continue
        nxt = words[k + 1] if k + 1 < len(words) else None
        if nxt is not None and nxt.group()[0].isupper() and text[word.end() : nxt.start()] in (" ", ", "):
            other = lex.base(nxt.group().lower())
            after = words[k + 2].group().lower() if k + 2 < len(words) else ""
            if (
                other is not None
                and after not in COMPANY_FORMS
                and (
                    name not in lex.ambiguous
                    or other not in lex.ambiguous
                    or (token.lower() in lex.leading_first and nxt.group().lower() in lex.last)
                )
            ):
                yield word.start(), nxt.end()
                skip_to = k + 1
                continue
        before = text[: word.start()].rstrip()
        sentence_start = not before or before[-1] in ".!?\n"
        company = nxt is not None and nxt.group().lower() in COMPANY_FORMS
        finnish = token.lower() in lex.finnish or token.lower() in lex.lemma
        if not sentence_start and name not in lex.ambiguous and not company and finnish:
            yield word.start(), word.end()


def person_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds person names: all of it for a name-shaped value, else the mentions in it."""
    value = text.strip()
    if value and _shape().fullmatch(value):
        if bool(_names_by_lexicon(pa.array([value], pa.string()), lexicon())[0][0]):
            start = text.index(value)
            return [(start, start + len(value))]
        return []
    return list(mentions(text))


@functools.lru_cache(maxsize=1)
def _shape() -> re.Pattern[str]:
    return re.compile(NAME_SHAPE)
