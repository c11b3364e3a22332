"""Detection accuracy on three kinds of labelled data, and presidio's pattern recognizers on the same vectors.

    python bench/bench_accuracy.py

1. The generated estates (tests/quality_data.py: CRM, HR, orders, header-less exports, free text; three seeds):
   column-level precision and recall per entity. Data pdscan's authors generated: it flatters the detector.
2. Hand-labelled columns in the shapes of real public files (tests/data/realworld_columns.yaml: codes,
   abbreviations, places, organisations, brands, log lines, ZIP codes, EAN, GTFS ids, and personal columns as real
   exports write them): precision and recall at the default confidence (low) and at medium.
3. Other projects' own test vectors (python-stdnum's IBAN and HETU doctests, email-validator's syntax tests,
   phonenumbers' example numbers of every region): valid ones found, invalid ones accepted as a whole value; and
   presidio-analyzer's predefined recognizers (EMAIL_ADDRESS, PHONE_NUMBER, IBAN_CODE) on the same vectors.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import pyarrow as pa  # noqa: E402
from quality_data import build  # noqa: E402
from realworld import columns, precision_recall  # noqa: E402
from vectors import Unavailable, Vector, all_vectors, value_scores  # noqa: E402

from pdscan.detect.core import DetectOptions, detect_batch  # noqa: E402
from pdscan.detect.findings import column_findings  # noqa: E402
from pdscan.detect.rules import load_rules  # noqa: E402
from pdscan.model import Batch, Column, Location  # noqa: E402


def _table(rows: dict[str, tuple[float, float, int, int, int]]) -> None:
    print(f"  {'entity':<28} {'precision':>9} {'recall':>7}   TP  FP  FN")
    for entity, (p, r, tp, fp, fn) in rows.items():
        print(f"  {entity:<28} {p:>9.3f} {r:>7.3f}  {tp:>3} {fp:>3} {fn:>3}")


def generated() -> None:
    rules = load_rules()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for seed in (4242, 7, 2026):
        for table in build(seed):
            if table.planted:
                continue  # free-text tables are measured per cell by the tests
            batch = Batch(
                [Column(n, pa.array(v, pa.string())) for n, (_, v) in table.columns.items()],
                max(len(v) for _, v in table.columns.values()),
            )
            stats = detect_batch(batch, rules, DetectOptions())
            names = list(table.columns)
            for name, (label, _) in table.columns.items():
                found = {
                    f.entity for f in column_findings("g", Location(table=table.name), stats[name], rules, "low", names)
                }
                expected = {label} if label is not None else set()
                for e in found & expected:
                    tp[e] += 1
                for e in found - expected:
                    fp[e] += 1
                for e in expected - found:
                    fn[e] += 1
    rows = {}
    for e in sorted(set(tp) | set(fp) | set(fn)):
        rows[e] = (
            tp[e] / (tp[e] + fp[e]) if tp[e] + fp[e] else 1.0,
            tp[e] / (tp[e] + fn[e]) if tp[e] + fn[e] else 1.0,
            tp[e],
            fp[e],
            fn[e],
        )
    print("1. generated estates (3 seeds), column level:")
    _table(rows)


def realworld() -> None:
    labelled = columns()
    decoys = [c for c in labelled if not c.expect]
    print(f"\n2. hand-labelled real-world columns: {len(labelled)} columns, {len(decoys)} of them decoys")
    for minimum in ("low", "medium"):
        print(f" findings at {minimum} or above:")
        _table(precision_recall(labelled, minimum))
    loud = [c.name for c in decoys if any(conf != "low" for conf in c.found.values())]
    print(f"  decoy columns with a medium or high finding: {len(loud)} {loud if loud else ''}")


def presidio_scores(vectors: list[Vector]) -> dict[str, tuple[int, int, int, int]] | None:
    try:
        from presidio_analyzer.predefined_recognizers import EmailRecognizer, IbanRecognizer, PhoneRecognizer
    except ImportError:
        print("  presidio-analyzer not installed (pip install 'pdscan[presidio]'): no comparison")
        return None
    # presidio's e-mail recognizer asks tldextract, which tries to fetch the public suffix list and falls back to the
    # copy it ships; this machine has no network beyond the package registries, so silence that attempt's log.
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    recognizers = {
        "EMAIL_ADDRESS": EmailRecognizer(),
        "IBAN_CODE": IbanRecognizer(),
        # presidio's phone recognizer tries these regions for numbers without a +; FI first, as pdscan does.
        "PHONE_NUMBER": PhoneRecognizer(supported_regions=("FI", "US", "GB", "DE", "SE")),
    }
    out: dict[str, list[int]] = {}
    for vector in vectors:
        recognizer = recognizers.get(vector.entity)
        if recognizer is None:
            continue
        results = recognizer.analyze(vector.value, [vector.entity], None)
        whole = any(r.start == 0 and r.end == len(vector.value) for r in results)
        row = out.setdefault(vector.entity, [0, 0, 0, 0])
        if vector.valid:
            row[0] += 1
            row[1] += bool(results)
        else:
            row[2] += 1
            row[3] += whole
    return {e: (v[0], v[1], v[2], v[3]) for e, v in out.items()}


def vectors() -> None:
    print("\n3. other projects' test vectors (value level):")
    try:
        chosen = all_vectors()
    except Unavailable as exc:
        print(f"  not reachable: {exc}")
        return
    ours = value_scores(chosen)
    theirs = presidio_scores(chosen) or {}
    print(f"  {'entity':<28} {'pdscan found':>13} {'invalid accepted':>17}   {'presidio found':>14} {'accepted':>9}")
    for entity, score in sorted(ours.items()):
        peer = theirs.get(entity)
        peer_text = f"{peer[1]:>6}/{peer[0]:<7} {peer[3]:>4}/{peer[2]:<4}" if peer else "   (no recognizer)"
        print(f"  {entity:<28} {score.found:>6}/{score.valid:<6} {score.accepted:>8}/{score.invalid:<8}   {peer_text}")
    for entity, score in sorted(ours.items()):
        for line in (score.misses or [])[:5]:
            print(f"  missed {entity}: {line}")
        for line in (score.false or [])[:5]:
            print(f"  accepted {entity}: {line}")


if __name__ == "__main__":
    generated()
    realworld()
    vectors()
