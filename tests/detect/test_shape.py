"""What a pattern needs of a column (pdscan.detect.shape): a necessary condition, so skipping a column that fails it
never loses a match; and the value group read as the whole match only where nothing but assertions surrounds it."""

from __future__ import annotations

import functools
import random
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from realworld import DATA
from vectors import Unavailable, all_vectors

import pdscan.detect.columns as columns_module
from pdscan.detect.core import DetectOptions, detect_batch
from pdscan.detect.rules import Rule, load_rules
from pdscan.detect.shape import bytes_present, digit_blind, digits_zeroed, min_length, requirement, value_is_whole
from pdscan.model import Batch, Column

RULES = [r for r in load_rules() if r.pattern is not None]


def _texts() -> list[str]:
    """Every example of every rule, the library test vectors, the real-world columns, and random mixtures of them."""
    texts = [t for r in RULES for t in (*r.examples.match, *r.examples.no_match)]
    try:
        texts += [v.value for v in all_vectors()]
    except Unavailable as exc:  # offline: the other texts still test the requirement; the vector test says why
        _MISSING.append(str(exc))
    texts += re.findall(r"^\s+- (.+)$", DATA.read_text(encoding="utf-8"), flags=re.M)
    rng = random.Random(16)
    texts += [" ".join(rng.sample(texts, 3)) for _ in range(500)]
    return texts


_MISSING: list[str] = []
TEXTS = _texts()


def test_the_library_vectors_were_part_of_the_texts() -> None:
    if _MISSING:
        pytest.skip(f"library test vectors unavailable (offline?): {_MISSING[0]}")
    assert any("@" in text for text in TEXTS)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_a_value_that_matches_meets_the_requirement(rule: Rule) -> None:
    assert rule.pattern is not None
    matching = [t for t in TEXTS if rule.pattern.search(t)]
    assert matching or rule.id in {"religion", "ethnicity", "trade-union"}, "no text exercises this rule"
    for text in matching:
        assert rule.needs.met(bytes_present(pa.array([text]))), text


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_no_match_is_shorter_than_the_rules_minimum_length(rule: Rule) -> None:
    """Values of fewer bytes than ``min_length`` are never searched: no text may hold a shorter match."""
    assert rule.pattern is not None
    spans = [m.end() - m.start() for t in TEXTS for m in rule.pattern.finditer(t)]
    assert spans or rule.id in {"religion", "ethnicity", "trade-union"}
    assert all(span >= rule.min_length for span in spans), (min(spans), rule.min_length)


@pytest.mark.parametrize("rule", [r for r in RULES if r.prefilter is not None], ids=lambda r: r.id)
def test_every_match_holds_the_rules_prefilter(rule: Rule) -> None:
    """A prefilter is a necessary condition: values without it are never searched (and where a sample says nearly
    all values have it, all are searched, which may not change what is found)."""
    assert rule.pattern is not None and rule.prefilter is not None
    holds = re.compile(
        "[0-9]" if rule.prefilter == "digit" else re.escape(rule.prefilter), re.I if rule.ignore_case else 0
    )
    matches = [m.group() for t in TEXTS for m in rule.pattern.finditer(t)]
    assert matches and all(holds.search(m) for m in matches)


@pytest.mark.parametrize(
    ("pattern", "fewest"),
    [
        (r"\b(?P<v>\d{6}[-+A]\d{3}[0-9A-Y])\b", 11),
        (r"(?:^|[^\w-])(?P<v>\d{4}(?:[ -]?\d{4}){2})", 12),  # the boundary may be the start: nothing
        ("ab|c", 1),
        ("(?:ää){2,}", 4),  # characters, not bytes: a value of 4 characters has 8 bytes here
        ("x*", 0),
    ],
)
def test_min_length(pattern: str, fewest: int) -> None:
    assert min_length(pattern) == fewest


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_whole_value_group_equals_the_anchored_match(rule: Rule) -> None:
    assert rule.pattern is not None and rule.pattern_text is not None
    if not rule.value_is_whole:
        return
    anchored = re.compile(f"^(?:{rule.pattern_text})$", rule.pattern.flags)
    for text in TEXTS:
        match = anchored.match(text)
        if match and "v" in anchored.groupindex:
            assert match.group("v") == text


def test_digit_columns_skip_rules_that_need_letters_or_punctuation() -> None:
    digits = bytes_present(pa.array(["20240001", "20240002", "4711"]))
    by_id = {r.id: r for r in RULES}
    assert not by_id["fi-hetu"].needs.met(digits)  # a century sign is needed
    assert not by_id["email"].needs.met(digits)
    assert not by_id["iban"].needs.met(digits)
    assert by_id["fi-business-id-compact"].needs.met(digits)
    assert by_id["customer-number"].needs.met(digits)


@pytest.mark.parametrize(
    ("pattern", "column", "met"),
    [
        ("ab", ["xaxb"], True),  # bytes anywhere in the column: necessary, not sufficient
        ("ab", ["xa"], False),
        ("a(?:b|c)", ["ac"], True),
        ("a(?:b|c)", ["ad"], False),
        ("a?b*", ["z"], True),  # nothing required
        ("[^a]", ["a"], True),  # negated classes are "anything"
        ("(?i)k", ["\u212a"], True),  # RE2 folds the Kelvin sign to k: non-ASCII kept under ignore-case
        ("ä", ["a"], False),
        ("ä", ["ö"], True),  # non-ASCII: any byte >= 0x80 counts
        (r"\d{3}", ["abc"], False),
    ],
)
def test_requirement_formula(pattern: str, column: list[str], met: bool) -> None:
    assert requirement(pattern).met(bytes_present(pa.array(column))) is met


def test_bytes_present_reads_slices_and_empty_columns() -> None:
    column = pa.array(["ab", "cd", "ef"]).slice(1, 1)
    present = bytes_present(column)
    assert present[ord("c")] and present[ord("d")] and not present[ord("a")] and not present[ord("e")]
    assert not bytes_present(pa.array([], pa.string())).any()
    assert not bytes_present(pa.array([""], pa.string())).any()


def test_value_is_whole() -> None:
    assert value_is_whole(r"\b(?P<v>\d{6})\b")
    assert value_is_whole(r"(?P<v>x@y)")
    assert not value_is_whole(r"(?:^|[^\w])(?P<v>\d{5})")
    assert value_is_whole(r"\d+")


def test_prose_columns_read_as_holding_every_byte() -> None:
    prose = pa.array(["Asiakas soitti ja kysyi tilauksen tilaa, lupasin soittaa takaisin huomenna"] * 3)
    assert bytes_present(prose).all()
    assert not bytes_present(pa.array(["20240001"] * 3))[ord("a")]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_many_columns_at_once_agree_with_one_at_a_time(rule: Rule) -> None:
    """met_each (a matrix product over many columns' bytes, issue 25) gives met's verdict for every column: columns
    of single texts, of random byte sets and of random mixtures, so both outcomes occur for most rules."""
    rng = random.Random(25)
    rows = [bytes_present(pa.array([text])) for text in TEXTS[:400]]
    rows += [np.asarray([rng.random() < share for _ in range(256)]) for share in (0.01, 0.03, 0.1) for _ in range(100)]
    present = np.stack(rows)
    expected = np.asarray([rule.needs.met(row) for row in rows])
    assert (rule.needs.met_each(present) == expected).all()
    # One column at a time (a large table's batch) takes the plain Python path: the same verdicts.
    rule.needs._met.clear()
    assert [bool(rule.needs.met_each(row[None, :])[0]) for row in rows] == expected.tolist()


@pytest.mark.parametrize(
    ("pattern", "blind"),
    [
        (r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y]\b", True),  # every class holds all ten digits or none
        (r"[^\s@0-9]+@x", True),  # a negated class without digits matches none of them
        (r"\D+\w", True),
        (r"[1-9]\d{2}", False),  # 0 is not like the others here
        (r"(?:\+358|0)\d{9}", False),  # digits of its own
        (r"[05]x", False),
        (r"(\d)\1", False),  # a back-reference compares two digits
        (r"(?:19|20)\d{2}", False),
        (r"ID\d{,3}", False),  # RE2 reads {,3} as text, with a digit of its own
    ],
)
def test_digit_blind(pattern: str, blind: bool) -> None:
    assert digit_blind(pattern) is blind


def test_digits_zeroed_reads_slices_large_strings_and_non_ascii() -> None:
    values = pa.array(["a1", "ä9ö", "", None, "2019-02-20 17:30:40"])
    assert digits_zeroed(values.slice(1)).to_pylist() == ["ä0ö", "", None, "0000-00-00 00:00:00"]
    assert digits_zeroed(values.cast(pa.large_string())).to_pylist()[0] == "a0"
    assert digits_zeroed(pa.array([], pa.string())).to_pylist() == []
    with pytest.raises(TypeError):  # a dictionary or a view keeps its text elsewhere: refused, not half zeroed
        digits_zeroed(pa.array(["a1"]).dictionary_encode())


@pytest.mark.parametrize("rule", [r for r in RULES if r.digit_blind], ids=lambda r: r.id)
def test_a_digit_blind_rule_finds_the_same_in_a_value_and_in_its_shape(rule: Rule) -> None:
    """The premise of Segments.shapes: with RE2, as the scan runs it, a value matches exactly when its shape does,
    and when its digits are any others (here each text with its digits shuffled at random)."""
    assert rule.pattern_text is not None
    rng = random.Random(7)

    def shuffled(text: str) -> str:
        return "".join(rng.choice("0123456789") if c in "0123456789" else c for c in text)

    texts = pa.array(TEXTS + [shuffled(t) for t in TEXTS])
    found = pc.match_substring_regex(texts, pattern=rule.pattern_text, ignore_case=rule.ignore_case)
    in_shapes = pc.match_substring_regex(digits_zeroed(texts), pattern=rule.pattern_text, ignore_case=rule.ignore_case)
    assert found.to_pylist() == in_shapes.to_pylist()
    assert any(found.to_pylist()) or rule.id in {"religion", "ethnicity", "trade-union"}


def test_columns_searched_as_shapes_give_the_same_statistics(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch of columns with few shapes (timestamps, phone numbers, HETUs, business IDs, IBANs, amounts) and
    some that have many, detected with shapes and without: every statistic is equal, and shapes were used."""
    rng = random.Random(25)
    digits = "0123456789"

    def fill(form: str) -> str:
        return "".join(rng.choice(digits) if c == "9" else c for c in form)

    examples = [t for r in RULES for t in r.examples.match]
    forms = {
        "luotu": ["9999-99-99 99:99:99"],
        "puhelin": ["099 999 9999", "+358 99 999 9999", "0999999999", "(09) 999 999"],
        "hetu": [f"999999{sign}999{check}" for sign in "-+A" for check in "0ABHY"],
        "ytunnus": ["9999999-9", "FI99999999"],
        "tili": ["FI99 9999 9999 9999 99", "FI9999999999999999"],
        "summa": ["9999.99", "999,99 €"],
    }
    columns = {name: [fill(rng.choice(f)) for _ in range(3000)] for name, f in forms.items()}
    columns["muistiinpano"] = [f"{rng.choice(examples)} {fill('99 99')} {rng.choice(examples)}" for _ in range(3000)]
    for name in ("luotu", "puhelin", "hetu"):  # a few values of another kind among the shapes
        columns[name][::97] = [rng.choice(examples) for _ in columns[name][::97]]
    batch = Batch([Column(name, pa.array(values)) for name, values in columns.items()], 3000)
    rules = load_rules()
    used: list[int] = []
    shapes = columns_module.Segments.shapes.func  # type: ignore[attr-defined]

    def counting(self: columns_module.Segments) -> columns_module.Shapes | None:
        found = shapes(self)
        used.append(found is not None)
        return found

    monkeypatch.setattr(columns_module.Segments, "shapes", functools.cached_property(counting))
    columns_module.Segments.shapes.__set_name__(columns_module.Segments, "shapes")
    with_shapes = detect_batch(batch, rules, DetectOptions())
    assert sum(used) >= 6
    monkeypatch.setattr(columns_module, "_SHAPES_MIN_VALUES", 10**9)
    without = detect_batch(batch, rules, DetectOptions())
    assert with_shapes == without
    assert any(stats.rules for stats in without.values())
