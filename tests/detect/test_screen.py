"""The screen of free text (pdscan.detect.columns._Screen): one pass of the applicable rules' patterns side by side
must keep every value any of them matches, so that each rule searching only the kept values finds what it finds alone.
"""

from __future__ import annotations

import dataclasses
import random
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from test_shape import TEXTS

import pdscan.detect.columns as columns_module
from pdscan.detect.core import DetectOptions, detect_batch
from pdscan.detect.rules import load_rules
from pdscan.model import Batch, Column

RULES = [r for r in load_rules() if r.pattern_text is not None]


def test_the_alternation_of_all_patterns_keeps_every_value_a_rule_matches() -> None:
    """The premise, under RE2 as the scan runs it: each rule's matches (case-insensitive ones, and patterns with
    their named value group, among them) are matched by the alternation, on every rule example, library vector and
    real-world column, alone and mixed."""
    texts = pa.array(TEXTS)
    screen = columns_module._Screen(_segments(texts), RULES)
    kept = np.asarray(pc.match_substring_regex(texts, pattern=screen.pattern).to_numpy(zero_copy_only=False))
    assert any(rule.ignore_case for rule in RULES) and any("(?P<" in (rule.pattern_text or "") for rule in RULES)
    for rule in RULES:
        found = pc.match_substring_regex(texts, pattern=rule.pattern_text, ignore_case=rule.ignore_case)
        lost = np.asarray(found.to_numpy(zero_copy_only=False)) & ~kept
        assert not lost.any(), (rule.id, [TEXTS[i] for i in np.flatnonzero(lost)[:3]])
    assert 0 < kept.sum() < len(TEXTS)


def _segments(texts: pa.Array) -> columns_module.Segments:
    part = columns_module.Part(Column("text", texts), len(texts), ("text",))
    item = columns_module.prepare(part.column)
    assert item is not None
    return columns_module.Segments([part], [item])


def _notes(rng: random.Random, n: int) -> list[str]:
    """Notes that are all different, most holding nothing a rule matches, one in eight a rule's example."""
    examples = [t for r in RULES for t in r.examples.match]
    words = ["asiakas", "soitti", "kysyi", "laskusta", "toimitus", "myöhässä", "palaute", "kiitos", "ok", "sovittu"]
    notes = []
    for i in range(n):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(3, 9))) + f" #{i}"
        if rng.random() < 0.125:
            text = f"{text} {rng.choice(examples)}"
        notes.append(text)
    return notes


def _screens_computed(monkeypatch: pytest.MonkeyPatch) -> list[np.ndarray]:
    """What each screen computed from now on (an empty array: the screen decided not to run)."""
    computed: list[np.ndarray] = []
    compute = columns_module._Screen._compute

    def counting(self: columns_module._Screen) -> np.ndarray:
        found = compute(self)
        computed.append(found)
        return found

    monkeypatch.setattr(columns_module._Screen, "_compute", counting)
    return computed


def test_a_screened_column_gives_the_same_statistics(monkeypatch: pytest.MonkeyPatch) -> None:
    """A column of 17,000 different notes with rule examples in some, detected with the screen and without: every
    statistic is equal, the screen ran and kept a small share, and several rules found something."""
    rng = random.Random(27)
    batch = Batch([Column("muistiinpano", pa.array(_notes(rng, 17000)))], 17000)
    rules = load_rules()
    computed = _screens_computed(monkeypatch)
    screened = detect_batch(batch, rules, DetectOptions())
    assert len(computed) == 1 and 0 < computed[0].mean() < 0.5
    monkeypatch.setattr(columns_module, "_SCREEN_MIN_VALUES", 10**9)
    alone = detect_batch(batch, rules, DetectOptions())
    assert screened == alone
    assert len(alone["muistiinpano"].rules) >= 5


def test_no_screen_where_most_values_would_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """A column of phone numbers: a sample shows that nearly every value passes, so the column is not screened (the
    pass would only cost), and the statistics are those without a screen."""
    rng = random.Random(28)
    phones = [f"040 {rng.randrange(10**6, 10**7)}" for _ in range(17000)]
    batch = Batch([Column("puhelin", pa.array(phones))], 17000)
    computed = _screens_computed(monkeypatch)
    screened = detect_batch(batch, load_rules(), DetectOptions())
    assert [c.size for c in computed] == [0]
    monkeypatch.setattr(columns_module, "_SCREEN_MIN_VALUES", 10**9)
    assert screened == detect_batch(batch, load_rules(), DetectOptions())


@pytest.mark.parametrize(
    ("pattern", "unnamed"),
    [
        (r"(?P<v>\d{6})[-+A]", r"(?:\d{6})[-+A]"),
        (r"a(?P<v>b)|(?P<w>c)", r"a(?:b)|(?:c)"),
        (r"\(?P<v>", r"\(?P<v>"),  # an escaped bracket, then the letters: text, not a group
        (r"\\(?P<v>x)", r"\\(?:x)"),  # an escaped backslash, then a group
    ],
)
def test_group_names_are_dropped_only_from_groups(pattern: str, unnamed: str) -> None:
    assert columns_module._NAMED_GROUP.sub(r"\1(?:", pattern) == unnamed


def test_an_alternation_re2_refuses_leaves_the_rules_to_search_alone() -> None:
    """An alternation RE2 will not compile (too large for its memory, or a user rule's pattern that only makes sense
    alone): no screen, no error."""
    values = pa.array([f"note {i}" for i in range(17000)])
    screen = columns_module._Screen(_segments(values), RULES)
    screen.pattern = "(?:a)|(?:(b)"
    assert screen.passing(RULES[0]) is True


def test_rules_the_alternation_would_change_or_slow_search_alone() -> None:
    """A "(?P<" inside a character class is text, not a group (rewriting it would change what the rule matches), and
    a pattern of thousands of characters (a user's vocabulary) slows the alternation more than it saves: neither
    rule is covered; the built-in rules all are."""
    base = RULES[0]
    in_class = r"ID(?P<v>\d{3})[(?P<x>]"
    odd = dataclasses.replace(base, id="odd", pattern_text=in_class, pattern=re.compile(in_class))
    words = "|".join(f"sana{i}" for i in range(400))
    long = dataclasses.replace(base, id="long", pattern_text=f"(?P<v>{words})", pattern=re.compile(f"(?P<v>{words})"))
    screen = columns_module._Screen(_segments(pa.array(["ID123P"])), [*RULES, odd, long])
    assert screen.covered == {rule.id for rule in RULES}
    assert screen.passing(odd) is True and screen.passing(long) is True
