"""pdscan's rules as presidio recognizers, for presidio users who want Finnish detection in their own
AnalyzerEngine: HETU (with the 2023 century signs and real dates), Y-tunnus, Finnish phone forms, Finnish names
with case endings, street addresses, special categories... each with its checksum validator and Finnish context
words.

    from presidio_analyzer import AnalyzerEngine
    from pdscan.presidio import add_to

    analyzer = AnalyzerEngine(...)          # any NLP engine; the recognizers need no model
    add_to(analyzer, language="fi")
    analyzer.analyze("Soita Matille, 040 123 4567", language="fi")

Needs the optional extra: ``pip install '.[presidio]' in the pdscan checkout``.
"""

from __future__ import annotations

from typing import Any

from pdscan.detect.colnames import tokens
from pdscan.detect.names import person_spans
from pdscan.detect.rules import Rule, RuleSet, load_rules
from pdscan.detect.validators import VALIDATORS, Outcome
from pdscan.errors import UsageError

try:
    from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise UsageError(
        "pdscan.presidio needs presidio-analyzer: pip install '.[presidio]' in the pdscan checkout"
    ) from exc

# Score of a match its validator confirmed (presidio's maximum) and of a weak shape without context: presidio's
# context enhancer raises it when a context word (puhelin, hetu, tilinumero...) stands near.
CONFIRMED_SCORE = 1.0
WEAK_SCORE = 0.3
# Finnish words carry case endings and compounds that spaCy's lemmas rarely undo (puhelinnumeroon), so the
# recognizer looks for its context words itself, in the folded text just before a match, as presidio's
# enhancer would: the same boost, whatever NLP engine the analyzer runs.
CONTEXT_BOOST = 0.35
CONTEXT_WINDOW = 40


class PdscanRecognizer(EntityRecognizer):
    """One pdscan rule as a presidio recognizer."""

    def __init__(self, rule: Rule, language: str = "fi") -> None:
        context = list(rule.context_words) + [" ".join(phrase) for phrase in rule.names.phrases]
        super().__init__(
            supported_entities=[rule.entity], name=f"pdscan:{rule.id}", supported_language=language, context=context
        )
        self.rule = rule
        self._context_phrases = [tokens(word) for word in context if tokens(word)]

    def load(self) -> None:
        """Nothing to load: patterns are compiled and lexicons load on first use."""

    def validate_result(self, pattern_text: str) -> bool | None:
        """presidio's convention: True confirmed, False rejected, None no opinion."""
        if self.rule.validator is None:
            return None
        outcome = VALIDATORS[self.rule.validator].one(pattern_text).outcome
        if outcome is Outcome.CONFIRM and not self.rule.proves:
            return None  # a check that only supports the value (a postal code in use, a date that exists)
        return {Outcome.CONFIRM: True, Outcome.REJECT: False}.get(outcome)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        if entities and self.rule.entity not in entities:
            return []
        if self.rule.matcher == "person_name":
            return [self._result(start, end, self.rule.precision, None) for start, end in person_spans(text)]
        if self.rule.pattern is None:
            return []
        group = "v" if "v" in self.rule.pattern.groupindex else 0
        results = []
        for match in self.rule.pattern.finditer(text):
            start, end = match.span(group)
            validation = self.validate_result(match.group(group))
            if validation is False:
                continue
            if validation:
                score = CONFIRMED_SCORE
            else:
                score = WEAK_SCORE if self.rule.weak else self.rule.precision
                if self._context_before(text, start):
                    score = min(CONFIRMED_SCORE, score + CONTEXT_BOOST)
            results.append(self._result(start, end, score, validation))
        return results

    def _context_before(self, text: str, start: int) -> bool:
        window = set(tokens(text[max(0, start - CONTEXT_WINDOW) : start]))
        return any(
            all(word in window or any(w.startswith(word) for w in window) for word in phrase)
            for phrase in self._context_phrases
        )

    def _result(self, start: int, end: int, score: float, validation: bool | None) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=f"pdscan:{self.rule.id}",
            original_score=score,
            pattern_name=self.rule.id,
            pattern=self.rule.pattern_text or self.rule.matcher or "",
            validation_result=validation,  # type: ignore[arg-type]  # presidio documents None as "not validated"
            textual_explanation=self.rule.description,
        )
        return RecognizerResult(self.rule.entity, start, end, score, analysis_explanation=explanation)


def recognizers(rules: RuleSet | None = None, language: str = "fi") -> list[PdscanRecognizer]:
    """A recognizer for every value rule (rules with column names only have nothing to find in text)."""
    return [PdscanRecognizer(rule, language) for rule in (rules or load_rules()) if rule.has_value_channel]


def add_to(analyzer: Any, rules: RuleSet | None = None, language: str = "fi") -> None:
    """Add every pdscan recognizer to a presidio AnalyzerEngine's registry."""
    for recognizer in recognizers(rules, language):
        analyzer.registry.add_recognizer(recognizer)
