"""PDF: the text layer of each page (pypdf), one part per page; scanned pages by OCR only when asked (``--ocr``).

A PDF with an empty user password (printing restrictions only) is opened; one that needs a password is reported
as encrypted. Pages without a text layer are noted; a document with no text at all is reported as "no text layer
(OCR not enabled)" so that the report lists it among what was not scanned.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from pdscan.sources.base import FileRef
from pdscan.sources.documents.common import DocumentError, needs, read_bounded, stream_of
from pdscan.sources.documents.ocr import ocr_image
from pdscan.sources.documents.passages import Passage, Reading, paragraphs


def pdf_passages(ref: FileRef, reading: Reading) -> Iterator[Passage]:
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError
    except ImportError as exc:
        raise needs("pypdf", "PDF") from exc
    # pypdf's messages about odd files quote their bytes (an encoding name, a font): none of them reaches the output.
    quiet = logging.getLogger("pypdf")
    quiet.setLevel(logging.CRITICAL + 1)
    quiet.propagate = False
    data = read_bounded(ref)
    try:
        reader = PdfReader(stream_of(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # an owner password only (no printing...) opens with an empty one
            except (DependencyError, NotImplementedError) as exc:
                raise DocumentError("encrypted PDF (its cipher needs the cryptography package)") from exc
            if not opened:
                raise DocumentError("encrypted PDF (password-protected)")
        pages = len(reader.pages)
        blank: list[int] = []
        for number, page in enumerate(reader.pages, 1):
            text = page.extract_text() or ""
            if not text.strip() and reading.ocr:
                text = "\n\n".join(ocr_image(image.data) for image in page.images)
            if text.strip():
                yield from paragraphs(f"page {number}", text)
            else:
                blank.append(number)
    except FileNotDecryptedError as exc:
        raise DocumentError("encrypted PDF (password-protected)") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError, NotImplementedError) as exc:
        # pypdf raises these for malformed objects; the message can quote the file's bytes, so it is not shown.
        raise DocumentError(f"corrupt PDF ({type(exc).__name__})") from exc
    if not pages:
        reading.notes.append("a PDF without pages")
    if pages and len(blank) == pages:
        raise DocumentError("no text layer (OCR not enabled)" if not reading.ocr else "no text found, even by OCR")
    if blank:
        shown = ", ".join(map(str, blank[:10])) + (" ..." if len(blank) > 10 else "")
        reading.notes.append(f"pages without a text layer: {shown}" + ("" if reading.ocr else " (OCR not enabled)"))
