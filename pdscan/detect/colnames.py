"""Column-name evidence: normalise a header and match it against a rule's vocabulary.

Headers come in every style (``Sähköposti``, ``sahkoposti_osoite``, ``customerEmail``, ``E-mail address``,
``fields.email``), and Finnish glues words into compounds (``matkapuhelinnumero``). Names are ASCII-folded,
split on camelCase and on any non-alphanumeric character, and compared token-wise; long vocabulary words also
match as the start or end of a compound token.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# A vocabulary word this long or longer may be the head or tail of a Finnish compound word.
_COMPOUND_MIN = 5


def fold(text: str) -> str:
    """Lower-case ASCII: ``Sähköposti`` -> ``sahkoposti``, ``Förnamn`` -> ``fornamn``, ``ß`` -> ``ss``."""
    text = text.replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


_MEMO_SIZE = 65536


@functools.lru_cache(maxsize=65536)
def tokens(name: str) -> tuple[str, ...]:
    """``customerEmailAddress`` -> ``('customer', 'email', 'address')``; ``Y-tunnus`` -> ``('y', 'tunnus')``."""
    split = _CAMEL.sub(" ", name)
    return tuple(t for t in _NON_ALNUM.split(fold(split)) if t)


@dataclass(frozen=True)
class Vocabulary:
    """Phrases (already tokenised) that a column name is compared with."""

    phrases: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, words: Iterable[str]) -> Vocabulary:
        return cls(tuple(t for t in (tokens(w) for w in words) if t))

    @functools.cached_property
    def _memo(self) -> dict[str, str | None]:
        # Many files share a header, and every rule asks about every column of each: remember the answers.
        return {}

    def match(self, name: str) -> str | None:
        """The first vocabulary phrase found in ``name``, as words, or None."""
        memo = self._memo
        if name not in memo:
            if len(memo) > _MEMO_SIZE:
                memo.clear()
            memo[name] = self._match(name)
        return memo[name]

    def _match(self, name: str) -> str | None:
        name_tokens = tokens(name)
        joined = "".join(name_tokens)
        for phrase in self.phrases:
            if _contains(name_tokens, phrase):
                return " ".join(phrase)
            if len(phrase) > 1 and "".join(phrase) in name_tokens:
                return " ".join(phrase)  # "y tunnus" also matches "ytunnus"
            if len(phrase) == 1 and len(phrase[0]) >= _COMPOUND_MIN:
                word = phrase[0]
                if any(t.startswith(word) or t.endswith(word) for t in name_tokens):
                    return word
                if joined.startswith(word) or joined.endswith(word):
                    return word  # camelCase or snake_case spelling of one word: postCode, e_mail
            elif len(phrase) > 1 and len("".join(phrase)) >= _COMPOUND_MIN and joined.endswith("".join(phrase)):
                return " ".join(phrase)
        return None


def _contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    return any(tuple(haystack[i : i + n]) == tuple(needle) for i in range(len(haystack) - n + 1))
