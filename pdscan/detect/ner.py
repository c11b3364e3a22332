"""Optional named-entity recognition for free text: presidio-analyzer's AnalyzerEngine with a spaCy model.

``pdscan scan --ner fi_core_news_md`` (or any spaCy model name or path) runs the model over free-text values
(three words or more) for PERSON and LOCATION, next to pdscan's own lexicon and patterns. Models are not bundled:
install one with ``python -m spacy download fi_core_news_md`` and the presidio extra (``pip install '.[presidio]'`` in
the pdscan checkout).
"""

from __future__ import annotations

import functools
import threading
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pdscan.detect.matching import MatchContext, MatcherResult
from pdscan.errors import UsageError

FREE_TEXT_MIN_WORDS = 3
# presidio's entity names for what spaCy models call PER/PERSON and LOC/GPE.
_LOCK = threading.Lock()  # one model load at a time, even with the detector's thread pool


@functools.lru_cache(maxsize=4)
def _engine(model: str) -> tuple[Any, str]:
    try:
        import spacy
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer
    except ImportError as exc:
        raise UsageError(
            "--ner needs presidio-analyzer and spaCy: pip install '.[presidio]' in the pdscan checkout"
        ) from exc
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise UsageError(
            f"spaCy model '{model}' not found: install it (python -m spacy download {model}) or give a model path"
        ) from exc
    language = str(nlp.lang)
    engine = SpacyNlpEngine(models=[{"lang_code": language, "model_name": model}])
    engine.nlp = {language: nlp}  # type: ignore[assignment]  # the model is loaded already: hand it over instead of loading it twice
    registry = RecognizerRegistry(
        # presidio's own entity labels (PERSON, LOCATION...), which are pdscan's: the rules ask for theirs.
        recognizers=[SpacyRecognizer(supported_language=language)],
        supported_languages=[language],
    )
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=[language])
    return BatchAnalyzerEngine(analyzer_engine=analyzer), language


def load(model: str) -> None:
    """Load the model now, so that a missing model is a usage error before the scan starts."""
    with _LOCK:
        _engine(model)


def ner_matches(
    values: pa.Array, context: MatchContext, entity: str, exclude: np.ndarray | None = None
) -> MatcherResult:
    """Free-text values in which the NER model finds ``entity`` (values in ``exclude`` are not looked at)."""
    assert context.ner_model is not None
    words = np.asarray(pc.count_substring_regex(values, pattern=r"\S+").to_numpy(zero_copy_only=False))
    candidates = words >= FREE_TEXT_MIN_WORDS
    if exclude is not None and exclude.size:
        candidates[exclude] = False
    index = np.flatnonzero(candidates)
    if index.size == 0:
        return MatcherResult.empty()
    with _LOCK:
        batch, language = _engine(context.ner_model)
        texts: list[str] = values.take(pa.array(index)).to_pylist()
        results = list(batch.analyze_iterator(texts, language=language, entities=[entity]))
    hits = np.asarray([i for i, found in enumerate(results) if found], dtype=np.int64)
    position = {int(i): k for k, i in enumerate(index[hits].tolist())}
    found = []
    for i in context.first(index[hits]).tolist():
        k = int(hits[position[i]])
        found.append((i, texts[k][results[k][0].start : results[k][0].end]))
    return MatcherResult(index[hits], np.zeros(len(hits), dtype=bool), found)
