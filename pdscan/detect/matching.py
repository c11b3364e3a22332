"""The types every matcher shares: what it is given (:class:`MatchContext`) and returns (:class:`MatcherResult`).

Kept apart from the registry (:mod:`pdscan.detect.matchers`) so the matchers themselves (names, NER) import only
these types, and the registry imports the matchers: no import circle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pdscan import options as defaults

# The detail label a matcher's lone-word matches are counted under (RuleStats.details).
SINGLE_WORD = "one-word values"
# The detail label of values that have the entity's shape, accepted by the matcher or not.
SHAPED = "values of the shape"
# The detail label of a weak rule's matches in prose that share their passage with one of its context words.
IN_CONTEXT = "next to a context word"


@dataclass(frozen=True)
class MatchContext:
    max_samples: int = defaults.MAX_SAMPLES
    ner_model: str | None = None  # a spaCy model (package name or path) for named-entity recognition, if any
    # Per column (segment): lower-case words its document itself spells elsewhere (the local parts of its e-mail
    # addresses), evidence for a name the lexicon does not know (Veeraj Tandalkar, tandalkarveeraj07@...). Per
    # column, so that the columns of many documents go through a matcher in one call. Empty: none spells any.
    spelled: tuple[frozenset[str], ...] = ()
    entity: str = ""  # the rule's entity: a NER model's label (presidio's entity names are pdscan's)
    # Each value's column when the values of several columns come together (pdscan.detect.columns): samples are
    # taken per column, max_samples each. None: one column.
    segments: np.ndarray | None = None

    def spelled_at(self, index: np.ndarray) -> list[frozenset[str]]:
        """The words spelled by the document of each of these values."""
        if not any(self.spelled):
            return [frozenset()] * index.size
        if self.segments is None:
            assert len(self.spelled) == 1, "several columns' spelled words need segments"
            return [self.spelled[0]] * index.size
        if len(set(self.spelled)) == 1:  # one document's columns (a table): no per-value lookup
            return [self.spelled[0]] * index.size
        return [self.spelled[s] for s in self.segments[index].tolist()]

    def first(self, index: np.ndarray) -> np.ndarray:
        """The first ``max_samples`` of these ascending value indices in each column."""
        if self.segments is None:
            return index[: self.max_samples]
        owner = self.segments[index]
        rank = np.arange(index.size) - np.searchsorted(owner, owner, side="left")
        return np.asarray(index[rank < self.max_samples])


@dataclass(frozen=True)
class MatcherResult:
    index: np.ndarray  # indices of the distinct values that hold the entity
    full: np.ndarray  # per accepted value: True when the whole value is the entity (a name column, not a text)
    # (value index, matched text) of the first accepted values of each column, for samples (the engine masks them)
    found: list[tuple[int, str]]
    # Per accepted value: True when it is one lone word (Liisa, Salo): weak alone, a column of them counts only
    # where its header backs the rule (a column of month names or codes is not a column of first names).
    single: np.ndarray | None = None
    # Indices of the distinct values that have the entity's shape whether or not the matcher accepted them (a column
    # of capitalised lone words under a surname header: the shape of the whole column is evidence too).
    shaped: np.ndarray | None = None

    def single_words(self) -> np.ndarray:
        return self.single if self.single is not None else np.zeros(len(self.index), dtype=bool)

    @classmethod
    def empty(cls) -> MatcherResult:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool), [], np.zeros(0, dtype=bool))


@dataclass(frozen=True)
class Matcher:
    run: Callable[[pa.Array, MatchContext], MatcherResult]
    needs_model: bool = False  # finds nothing unless a NER model is given (--ner)
    # A word the matcher knows as its own whatever the rule's veto words say: the surname Ylitalo ends in "talo"
    # (a building) and Koskinen holds no veto, but Ylitalo must not be vetoed. Called with the word in lower case.
    own_word: Callable[[str], bool] | None = None
    # A pattern every value it accepts contains: a column whose bytes cannot hold it is not looked at (a column of
    # customer numbers holds no name), as a rule's pattern skips such columns (pdscan.detect.shape).
    needs: str | None = None


def union(first: MatcherResult, second: MatcherResult) -> MatcherResult:
    index = np.concatenate([first.index, second.index])
    full = np.concatenate([first.full, second.full])
    single = np.concatenate([first.single_words(), second.single_words()])
    order = np.argsort(index, kind="stable")
    return MatcherResult(index[order], full[order], first.found + second.found, single[order])
