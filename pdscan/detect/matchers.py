"""Matchers: value detectors that a regular expression cannot express (a lexicon of names, a NER model).

A matcher takes the distinct values of a column (an Arrow string array) and returns which of them hold the entity.
Rules name a matcher in their ``value.matcher`` field; every matcher is registered once, in :data:`MATCHERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa


@dataclass(frozen=True)
class MatchContext:
    max_samples: int = 3
    ner_model: str | None = None  # a spaCy model (package name or path) for named-entity recognition, if any


@dataclass(frozen=True)
class MatcherResult:
    index: np.ndarray  # indices of the distinct values that hold the entity
    full: np.ndarray  # per accepted value: True when the whole value is the entity (a name column, not a text)
    found: list[str]  # the matched text in the first accepted values, for samples (the engine masks them)

    @classmethod
    def empty(cls) -> MatcherResult:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool), [])


@dataclass(frozen=True)
class Matcher:
    run: Callable[[pa.Array, MatchContext], MatcherResult]
    needs_model: bool = False  # finds nothing unless a NER model is given (--ner)


def _person_name(values: pa.Array, context: MatchContext) -> MatcherResult:
    from pdscan.detect.names import match_person_names  # the lexicon loads on first use, not at import

    result = match_person_names(values, context.max_samples)
    if context.ner_model is None:
        return result
    from pdscan.detect.ner import ner_matches

    return union(result, ner_matches(values, context, "PERSON", exclude=result.index))


def _ner_location(values: pa.Array, context: MatchContext) -> MatcherResult:
    if context.ner_model is None:
        return MatcherResult.empty()
    from pdscan.detect.ner import ner_matches

    return ner_matches(values, context, "LOCATION")


def union(first: MatcherResult, second: MatcherResult) -> MatcherResult:
    index = np.concatenate([first.index, second.index])
    full = np.concatenate([first.full, second.full])
    order = np.argsort(index, kind="stable")
    return MatcherResult(index[order], full[order], first.found + second.found)


MATCHERS: dict[str, Matcher] = {
    "person_name": Matcher(_person_name),
    "ner_location": Matcher(_ner_location, needs_model=True),
}
