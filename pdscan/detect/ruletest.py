"""A rule's own examples, run through the real engine: used by ``pdscan rules test`` and by the test suite."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from pdscan.detect.core import DetectOptions, detect_batch
from pdscan.detect.matchers import MATCHERS
from pdscan.detect.rules import Rule, RuleSet
from pdscan.model import Batch, Column


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    kind: str  # "match", "no_match", "column_match", "column_no_match"
    example: str
    passed: bool


def value_matches(rule: Rule, rules: RuleSet, value: str, ner_model: str | None = None) -> bool:
    """Whether ``rule`` finds ``value`` with every rule of ``rules`` loaded (overlaps between rules count).

    Weak rules look at values only in a column named for them, so the value sits in such a column.
    """
    column = rule.examples.column_match[0] if rule.weak and rule.examples.column_match else "value"
    options = DetectOptions(ner_model=ner_model)
    stats = detect_batch(Batch([Column(column, pa.array([value], pa.string()))], 1), rules, options)
    seen = stats[column].rules.get(rule.id)
    return seen is not None and seen.match_count == 1


def needs_model(rule: Rule) -> bool:
    """A rule whose values only a NER model can find: its value examples run only when a model is given."""
    return rule.matcher is not None and MATCHERS[rule.matcher].needs_model


def check_examples(rule: Rule, rules: RuleSet, ner_model: str | None = None) -> list[ExampleResult]:
    results = []
    value_kinds: tuple[tuple[str, tuple[str, ...], bool], ...] = (
        ("match", rule.examples.match, True),
        ("no_match", rule.examples.no_match, False),
    )
    if needs_model(rule) and ner_model is None:
        value_kinds = ()  # only a NER model finds these values: run them with --ner
    for kind, examples, expected in value_kinds:
        for example in examples:
            passed = value_matches(rule, rules, example, ner_model) is expected
            results.append(ExampleResult(rule.id, kind, example, passed))
    for kind, examples, expected in (
        ("column_match", rule.examples.column_match, True),
        ("column_no_match", rule.examples.column_no_match, False),
    ):
        for example in examples:
            results.append(ExampleResult(rule.id, kind, example, rule.name_evidence(example).supports is expected))
    return results
