"""Free text holding one match (pdscan.detect.columns._found_matches): a note with one phone number is cut out by two
RE2 passes over all candidates instead of a Python search, its characters claimed lazily. The statistics must be
those of the Python search: the same matches, verdicts, whole-text matches, samples, and the same characters held
against the rules that yield (a HETU's digits are no phone number)."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

import pdscan.detect.columns as columns_module
from pdscan.detect.core import DetectOptions, detect_batch
from pdscan.detect.rules import load_rules
from pdscan.model import Batch, Column

RULES = load_rules()
EXAMPLES = [t for r in RULES if r.pattern_text is not None for t in r.examples.match]
REJECTED = [t for r in RULES if r.validator is not None for t in r.examples.no_match]


def _notes(rng: random.Random, n: int) -> list[str]:
    """Notes with none, one or two rule examples (valid and invalid ones), some of them nothing but the example."""
    words = ["asiakas", "soitti", "numerosta", "kysyi", "laskusta", "sovittu", "hetu", "tilille", "ok"]
    notes = []
    for i in range(n):
        picked = [rng.choice(EXAMPLES if rng.random() < 0.7 else REJECTED) for _ in range(rng.choice((0, 1, 1, 1, 2)))]
        if picked and rng.random() < 0.1:
            notes.append(picked[0])  # the whole text is the value
            continue
        text = " ".join(rng.choice(words) for _ in range(rng.randint(2, 6)))
        notes.append(" ".join([text, *picked, f"#{i % 500}"]))
    return notes


def test_one_match_texts_give_the_statistics_of_the_python_search(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(25)
    notes = _notes(rng, 6000)
    batch = Batch([Column("kommentti", pa.array(notes))], len(notes))
    options = DetectOptions(max_samples=50)
    cut_out: list[int] = []
    found = columns_module._found_matches

    def counting(*args: object) -> list[list[tuple[tuple[int, int], str]]]:
        out = found(*args)  # type: ignore[arg-type]
        cut_out.append(sum(matches == [(columns_module._ONE, matches[0][1])] for matches in out if matches))
        return out

    monkeypatch.setattr(columns_module, "_found_matches", counting)
    fast = detect_batch(batch, RULES, options)
    assert sum(cut_out) > 500  # the column passes did the work for most texts
    monkeypatch.setattr(columns_module, "_ONE_MATCH_MIN", 10**9)
    assert detect_batch(batch, RULES, options) == fast
    stats = fast["kommentti"]
    assert len(stats.rules) >= 6 and any(r.rejected for r in stats.rules.values())
    assert any(r.full_match_count for r in stats.rules.values())


def test_a_character_claimed_lazily_is_held_against_the_rules_that_yield(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notes whose one IBAN was cut out by the column passes: the card and phone rules, which yield to it, must not
    see its digits as a candidate of theirs (not even a rejected one), as with the Python search."""
    notes = [f"sovittu kysyi numerosta ok FI21 1234 5600 0007 85 #{i}" for i in range(100)]
    batch = Batch([Column("kommentti", pa.array(notes))], len(notes))
    fast = detect_batch(batch, RULES, DetectOptions())["kommentti"]
    assert set(fast.rules) == {"iban"} and fast.rules["iban"].match_count == 100
    monkeypatch.setattr(columns_module, "_ONE_MATCH_MIN", 10**9)
    assert detect_batch(batch, RULES, DetectOptions())["kommentti"] == fast


@pytest.mark.parametrize(
    "note",
    [
        "viesti a\x0bmatti.virtanen@example.fi #{i}",  # RE2's \s lacks the vertical tab that Python's holds
        "tunnus 131052-308\u212ax #{i}",  # RE2 folds the Kelvin sign to k under (?i), Python's ASCII flag does not
    ],
)
def test_where_re2_and_python_read_apart_python_decides(note: str, monkeypatch: pytest.MonkeyPatch) -> None:
    notes = [note.format(i=i) for i in range(100)]
    batch = Batch([Column("kommentti", pa.array(notes))], len(notes))
    fast = detect_batch(batch, RULES, DetectOptions(max_samples=100))
    monkeypatch.setattr(columns_module, "_ONE_MATCH_MIN", 10**9)
    assert detect_batch(batch, RULES, DetectOptions(max_samples=100)) == fast
