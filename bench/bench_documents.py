"""Documents: detection quality and speed on a generated HR share (tests/hr_share.py: CVs, applications and mails as
PDF, Word, OpenDocument, RTF, HTML, Markdown and logs, decoys and bad files; synthetic people, fixed seed).

Prints, for ``pdscan scan SHARE --full``: document-level precision and recall per entity (a document counts when a
finding in it names the entity), documents/s, PDF pages/s and MB/s of the scan, and the same text through
presidio-analyzer's pattern recognizers (blank spaCy pipeline) for the throughput ratio.
Run: ``python bench/bench_documents.py [--people 120] [--seed 17]``. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from documents_quality import SCORED, TARGET, found_per_document, score  # noqa: E402
from hr_share import build  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from pdscan.engines.base import ScanOptions  # noqa: E402
from pdscan.scan import scan  # noqa: E402


def _pdf_pages(root: Path) -> int:
    pages = 0
    for path in root.rglob("*.pdf"):
        try:
            reader = PdfReader(path)
            if not reader.is_encrypted:
                pages += len(reader.pages)
        except (OSError, ValueError):
            continue
    return pages


def _presidio_rate(texts: list[str]) -> float | None:
    try:
        import spacy
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as model:
        spacy.blank("en").to_disk(model)
        engine = AnalyzerEngine(
            nlp_engine=SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}]), supported_languages=["en"]
        )
        engine.analyze("warm up", language="en")
        start = time.perf_counter()
        size = 0
        for text in texts:
            engine.analyze(text, language="en")
            size += len(text.encode())
        return size / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=120)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "share"
        started = time.perf_counter()
        manifest = build(root, seed=args.seed, people=args.people)
        built = time.perf_counter() - started
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        pages = _pdf_pages(root)
        people, bad = len(manifest["subjects"]), len(manifest["bad"])
        print(f"share: {len(manifest['documents'])} documents ({pages} PDF pages, {size / 1e6:.1f} MB), "
              f"{people} people, {bad} bad files; built in {built:.1f} s")  # fmt: skip
        start = time.perf_counter()
        result = scan([str(root)], ScanOptions(full=True, exclude=("manifest.json",)))
        elapsed = time.perf_counter() - start
        documents = len(result.documents())
        rate = size / 1e6 / elapsed
        print(f"pdscan scan --full: {elapsed:.2f} s, {documents / elapsed:,.0f} documents/s, "
              f"{pages / elapsed:,.0f} PDF pages/s (all formats in the time), {rate:.1f} MB/s")  # fmt: skip
        pdf_start = time.perf_counter()
        scan([str(root)], ScanOptions(full=True, include=("*.pdf",)))
        pdf_elapsed = time.perf_counter() - pdf_start
        print(f"PDFs alone: {pdf_elapsed:.2f} s, {pages / pdf_elapsed:,.0f} pages/s")
        scores = score(manifest, found_per_document(result, root))
        print(f"document-level precision / recall (findings >= low; goal >= {TARGET}):")
        for entity in SCORED:
            s = scores[entity]
            print(f"  {entity:28} P {s.precision:.3f}  R {s.recall:.3f}  ({s.tp} tp, {s.fp} fp, {s.fn} fn)")
        cv_like = sum(d.cv_like for d in result.documents())
        expected = sum(d["cv_like"] for d in manifest["documents"].values())
        print(f"CV-like documents marked: {cv_like} (planted {expected}); not scanned: {len(result.errors)}")
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in root.rglob("*.md")]
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in root.rglob("*.html")]
        rate = _presidio_rate(texts)
        if rate is not None:
            ours = size / elapsed
            print(f"presidio (patterns, plain text only): {rate / 1e3:,.0f} kB/s; pdscan incl. parsing: "
                  f"{ours / 1e3:,.0f} kB/s ({ours / rate:,.1f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
