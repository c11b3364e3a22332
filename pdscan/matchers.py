"""Matchers: value detectors that a regular expression cannot express (a lexicon of names, say).

A matcher takes the distinct values of a column (an Arrow string array) and returns which of them hold the entity.
Rules name a matcher in their ``value.matcher`` field; every matcher is registered once, in :data:`MATCHERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa


@dataclass(frozen=True)
class MatcherResult:
    index: np.ndarray  # indices of the distinct values that hold the entity
    full: np.ndarray  # per accepted value: True when the whole value is the entity (a name column, not a text)
    found: list[str]  # the matched text in the first accepted values, for samples (the engine masks them)


Matcher = Callable[[pa.Array, int], MatcherResult]


def _person_name(values: pa.Array, max_samples: int) -> MatcherResult:
    from pdscan.names import match_person_names  # the lexicon loads on first use, not at import

    return match_person_names(values, max_samples)


MATCHERS: dict[str, Matcher] = {
    "person_name": _person_name,
}
