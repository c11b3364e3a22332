"""Matchers: value detectors that a regular expression cannot express (a lexicon of names, a NER model).

A matcher takes the distinct values of a column (an Arrow string array) and returns which of them hold the entity.
Rules name a matcher in their ``value.matcher`` field; every matcher is registered once, in :data:`MATCHERS`.
The types matchers share live in :mod:`pdscan.detect.matching`, so names.py and ner.py import no registry.
"""

from __future__ import annotations

import pyarrow as pa

from pdscan.detect.matching import MatchContext, Matcher, MatcherResult, union
from pdscan.detect.names import is_lexicon_name, match_person_names
from pdscan.detect.ner import ner_matches


def _person_name(values: pa.Array, context: MatchContext) -> MatcherResult:
    result = match_person_names(values, context)
    if context.ner_model is None:
        return result
    return union(result, ner_matches(values, context, context.entity, exclude=result.index))


def _ner_location(values: pa.Array, context: MatchContext) -> MatcherResult:
    if context.ner_model is None:
        return MatcherResult.empty()
    return ner_matches(values, context, context.entity)


# A letter: ASCII, or any character beyond ASCII (its UTF-8 bytes are >= 0x80). A name or a place has one.
_LETTER = "[A-Za-z\u00c0-\uffff]"

MATCHERS: dict[str, Matcher] = {
    "person_name": Matcher(_person_name, own_word=is_lexicon_name, needs=_LETTER),
    "ner_location": Matcher(_ner_location, needs_model=True, needs=_LETTER),
}
