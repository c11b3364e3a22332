"""Names in free text for a whole column (names._mentioning, Arrow kernels) must decide exactly as the word-by-word
Python rules (names.mentions) do, on texts written to trip them: names in every case and capitalisation, company
forms, sentence ends, odd white space, Latin-1 word characters and characters beyond Latin-1."""

from __future__ import annotations

import random
import re

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from quality_data import build
from realworld import DATA

from pdscan.detect import names

LEX = names.lexicon()


def _python(texts: list[str]) -> list[bool]:
    return [names._mention(t, LEX) is not None for t in texts]


def _vectorised(texts: list[str]) -> list[bool]:
    return names._mentioning(pa.array(texts, pa.string()), LEX).tolist()


def _fuzzed(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    first = sorted(LEX.common_first)[:400]
    last = sorted(LEX.last)[:400]
    ambiguous = sorted(LEX.ambiguous)[:200]
    inflected = sorted(LEX.lemma)[:400]
    plain = ["asiakas", "soitti", "tilaus", "toimitettu", "huomenna", "ja", "kanssa", "the", "meeting", "with"]
    odd = ["²", "ª", "µ", "ß", "1", "_", "’", "'", "-", "Ж", "ł", "€", "\xa0", "\x85", "\x1c", "é", "ÿ"]
    separators = [" ", ", ", ". ", "! ", "? ", ": ", "\n", "\t", "  ", " - ", "; ", "\xa0", " \x85", "(", ") "]

    def word() -> str:
        kind = rng.random()
        if kind < 0.25:
            w = rng.choice(first)
        elif kind < 0.45:
            w = rng.choice(last)
        elif kind < 0.55:
            w = rng.choice(ambiguous)
        elif kind < 0.65:
            w = rng.choice(inflected)
        elif kind < 0.72:
            w = rng.choice(sorted(names.COMPANY_FORMS))
        elif kind < 0.8:
            w = rng.choice(odd) + rng.choice(plain)
        else:
            w = rng.choice(plain)
        style = rng.random()
        if style < 0.6:
            return w.capitalize()
        if style < 0.7:
            return w.upper()
        return w

    texts = []
    for _ in range(count):
        parts = [rng.choice(["", "", " ", ". ", "\n"])]
        for _ in range(rng.randint(1, 8)):
            parts += [word(), rng.choice(separators)]
        texts.append("".join(parts[:-1]) if rng.random() < 0.5 else "".join(parts))
    return texts


def test_word_characters_agree_with_python_within_latin1() -> None:
    chars = [chr(c) for c in range(1, 256)] + ["’"]
    column = pa.array(chars)
    first = pc.match_substring_regex(column, pattern=f"^[{names._LATIN1_LETTER}]$").to_pylist()
    assert first == [bool(re.fullmatch(r"[^\W\d_]", c)) for c in chars]
    continuation = f"^[0-9_{names._LATIN1_LETTER}'’-]$"
    assert pc.match_substring_regex(column, pattern=continuation).to_pylist() == [
        bool(re.fullmatch(r"[\w'’-]", c)) for c in chars
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fuzzed_texts_decide_alike(seed: int) -> None:
    texts = _fuzzed(seed, 3000)
    python = _python(texts)
    assert 0.2 < sum(python) / len(python) < 0.9  # both answers are exercised
    vectorised = _vectorised(texts)
    assert vectorised == python, [t for t, a, b in zip(texts, vectorised, python, strict=True) if a != b][:5]


def test_generated_and_real_world_texts_decide_alike() -> None:
    texts = [v for table in build(7) for _, values in table.columns.values() for v in values if v and " " in v]
    texts += re.findall(r"^\s+- (.+)$", DATA.read_text(encoding="utf-8"), flags=re.M)
    assert _vectorised(texts) == _python(texts)


def test_empty_and_wordless_texts() -> None:
    texts = ["", " ", "123 456", "...", "Matti"]
    assert _vectorised(texts) == _python(texts)
