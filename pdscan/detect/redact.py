"""Masking personal data inside free text that pdscan quotes back (a privacy notice's sentences in a drafted
declaration): every rule's validated matches and the person names in it, each masked by its rule's masker."""

from __future__ import annotations

from collections.abc import Collection

from pdscan.detect.masking import MASKERS
from pdscan.detect.names import person_spans
from pdscan.detect.rules import RuleSet
from pdscan.detect.validators import VALIDATORS, Outcome


def redact(text: str, rules: RuleSet, keep: Collection[str] = ()) -> str:
    """``text`` with the personal data pdscan finds in it masked; values in ``keep`` (the controller's own
    published contact details) stay as written."""
    spans: list[tuple[int, int, str]] = []
    for rule in rules:
        if rule.pattern is None or not rule.personal:
            continue
        group = "v" if "v" in rule.pattern.groupindex else 0
        for match in rule.pattern.finditer(text):
            value = match.group(group)
            if value in keep:
                continue
            if rule.validator is not None and VALIDATORS[rule.validator].one(value).outcome is Outcome.REJECT:
                continue
            spans.append((*match.span(group), rule.mask))
    spans.extend((start, end, "name") for start, end in person_spans(text) if text[start:end] not in keep)
    out = []
    position = 0
    for start, end, mask in sorted(spans):
        if start < position:
            continue  # an overlap: the earlier span is masked already
        out.append(text[position:start])
        out.append(MASKERS[mask](text[start:end]))
        position = end
    out.append(text[position:])
    return "".join(out)
