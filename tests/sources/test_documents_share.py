"""The generated HR share (tests/hr_share.py, fixed seed): CVs, applications and mails as PDF, Word, OpenDocument,
RTF, HTML, Markdown and logs, with decoys and bad files. Document-level precision and recall per entity must reach
the target (a regression fails the build); ``find`` must find a subject's CV and mails; bad files are one error
each; the scanned CV is read by OCR where tesseract is installed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from documents_quality import SCORED, TARGET, found_per_document, score
from hr_share import build

from pdscan.dsar.identity import Person
from pdscan.dsar.search import FindOptions, find
from pdscan.engines.options import ScanOptions
from pdscan.model import ScanResult
from pdscan.scan import scan
from pdscan.sources.base import SourceOptions
from pdscan.sources.documents import ocr

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], ScanResult]:
    root = tmp_path_factory.mktemp("hr_share")
    manifest = build(root)
    result = scan([str(root)], ScanOptions(full=True, exclude=("manifest.json",)))
    return root, manifest, result


def test_every_planted_entity_per_document(share: tuple[Path, dict[str, Any], ScanResult]) -> None:
    root, manifest, result = share
    scores = score(manifest, found_per_document(result, root))
    print("\ndocument-level precision / recall on the generated HR share (findings >= low):")
    for entity in SCORED:
        s = scores[entity]
        print(f"  {entity:28} P {s.precision:.3f}  R {s.recall:.3f}  ({s.tp} tp, {s.fp} fp, {s.fn} fn)")
    for entity, s in scores.items():
        assert s.tp, f"no {entity} planted: the share does not exercise it"
        assert s.precision >= TARGET, f"{entity}: false positives in {s.false_positives}"
        assert s.recall >= TARGET, f"{entity}: missed in {s.misses}"


def test_decoys_hold_no_personal_data(share: tuple[Path, dict[str, Any], ScanResult]) -> None:
    root, manifest, result = share
    found = found_per_document(result, root)
    decoys = [path for path, doc in manifest["documents"].items() if doc["subject"] is None and doc.get("decoy")]
    assert len(decoys) >= 8
    for path in decoys:
        assert found.get(path, set()) <= {"FI_BUSINESS_ID"}, (path, found.get(path))


def test_cv_like_documents_are_marked(share: tuple[Path, dict[str, Any], ScanResult]) -> None:
    root, manifest, result = share
    marked = {d.file.removeprefix(f"{root}/") for d in result.documents() if d.cv_like}
    expected = {path for path, doc in manifest["documents"].items() if doc["cv_like"]}
    assert marked == expected


def test_bad_files_are_one_error_each(share: tuple[Path, dict[str, Any], ScanResult]) -> None:
    root, _, result = share
    errors = {
        e.location.file.removeprefix(f"{root}/"): e.reason for e in result.errors if e.location and e.location.file
    }
    assert errors["cv/cv_salattu.pdf"] == "encrypted PDF (password-protected)"
    assert errors["cv/cv_rikki.docx"].startswith("corrupt docx")
    assert errors["cv/cv_skannattu.pdf"] == "no text layer (OCR not enabled)"
    assert all("\n" not in reason for reason in errors.values())


def test_find_returns_a_subjects_cv_and_mails(share: tuple[Path, dict[str, Any], ScanResult]) -> None:
    root, manifest, _ = share
    # The subject of a mail with an attachment: their CV in cv/, the application and the mail with its CV.
    mail = next(p for p, d in manifest["documents"].items() if d["kind"] == "mail" and d["subject"])
    subject_id = manifest["documents"][mail]["subject"]
    subject = manifest["subjects"][subject_id]
    theirs = {p for p, d in manifest["documents"].items() if subject_id in d.get("subjects", [d["subject"]])}
    person = Person.from_identifiers(emails=[subject["email"]], names=[subject["name"]])
    result = find(person, [str(root)], FindOptions(source=SourceOptions(exclude=("manifest.json",))))
    found = {m.location.file.removeprefix(f"{root}/") for m in result.matches if m.location.file}
    assert mail in found
    assert any(p.startswith(f"{mail}!") for p in found)  # the attachment of the mail
    assert theirs <= found, theirs - found
    others = {p for p in found if p not in theirs and manifest["documents"].get(p, {}).get("subject")}
    assert not others, f"documents of other people: {others}"


@pytest.mark.skipif(not ocr.available(), reason="tesseract is not installed (apt-get install tesseract-ocr)")
def test_ocr_reads_the_scanned_cv(share: tuple[Path, dict[str, Any], ScanResult]) -> None:
    root, _, _ = share
    scanned = root / "cv" / "cv_skannattu.pdf"
    result = scan([str(scanned)], ScanOptions(full=True, ocr=True))
    assert not result.errors
    entities = {f.entity for f in result.findings}
    assert {"EMAIL_ADDRESS", "FI_PERSONAL_IDENTITY_CODE"} <= entities, entities
