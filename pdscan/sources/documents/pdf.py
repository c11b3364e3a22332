"""PDF: the text layer of each page (pypdf), one part per page; scanned pages by OCR only when asked (``--ocr``).

A PDF with an empty user password (printing restrictions only) is opened; one that needs a password is reported
as encrypted. Pages without a text layer are noted; a document with no text at all is reported as "no text layer
(OCR not enabled)" so that the report lists it among what was not scanned.

Text is taken in pypdf's layout mode, which keeps each fragment at its place on the page: pypdf's plain mode
follows the content stream, and a CV whose sidebar and main column are written line by line comes out interleaved
("Matti Virtanen vuoden kokemus ..."). From the layout, a page in two columns is read column by column
(:func:`columns`); a page whose text the layout mode cannot place is read in plain mode instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from pdscan.sources.base import FileRef
from pdscan.sources.documents.common import DocumentError, needs, read_bounded, stream_of
from pdscan.sources.documents.ocr import ocr_image
from pdscan.sources.documents.passages import Passage, Reading, paragraphs

# A run of text in a layout line: words with at most two spaces between them (layout mode pads words with a space
# or two); three spaces or more is a gap between blocks of text.
_SEGMENT = re.compile(r"\S+(?: {1,2}\S+)*")
# A gutter is believed when this many lines have text on both sides of it...
_MIN_TWO_SIDED = 3
# ...and, in those lines, one side reads as running text: its runs average this many characters. A form's labels and
# values ("Henkilötunnus" / "131052-308T") are shorter, and stay one line each: the label is the value's context.
_PROSE_SEGMENT = 20


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
    failed: list[int] = []
    failure: Exception | None = None
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
            try:
                text = page_text(page)
            except FileNotDecryptedError:
                raise
            except Exception as exc:  # noqa: BLE001 - one malformed page: noted, the other pages are still read
                failed.append(number)
                failure = failure or exc
                continue
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
    if pages and len(failed) == pages:
        raise DocumentError(f"corrupt PDF ({type(failure).__name__})")
    if failed:
        reading.notes.append(f"text of {len(failed)} pages could not be extracted (pages {_pages(failed)})")
    if pages and len(blank) == pages:
        raise DocumentError("no text layer (OCR not enabled)" if not reading.ocr else "no text found, even by OCR")
    if blank:
        reading.notes.append(
            f"pages without a text layer: {_pages(blank)}" + ("" if reading.ocr else " (OCR not enabled)")
        )


def _pages(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:10])) + (" ..." if len(numbers) > 10 else "")


def page_text(page: Any) -> str:
    """The text of one page, columns one after the other; plain mode where layout mode fails on the page."""
    try:
        layout = page.extract_text(extraction_mode="layout", layout_mode_space_vertically=False)
    except Exception:  # noqa: BLE001 - layout mode needs font metrics some PDFs lack: plain mode still reads them
        return str(page.extract_text() or "")
    return columns(str(layout or ""))


def columns(layout: str) -> str:
    """A page's layout text with two columns read one after the other.

    A gutter is a character position that no run of text crosses in most lines while several lines have text on
    both sides of it. The lines around it are a region: its left column's lines, a blank line, its right column's
    lines. A line that crosses the gutter (a title over both columns, a footer) ends the region and stays whole.
    Without a gutter the layout text is returned as it is.
    """
    lines = layout.splitlines()
    runs = [[(m.start(), m.end()) for m in _SEGMENT.finditer(line)] for line in lines]
    gutter = _gutter(lines, runs)
    if gutter is None:
        return layout
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []

    def region() -> None:
        out.extend(left)
        out.append("")
        out.extend(right)
        out.append("")
        left.clear()
        right.clear()

    for line, spans in zip(lines, runs, strict=True):
        if not spans:
            continue
        if any(start < gutter < end for start, end in spans):
            region()
            out.extend((line.strip(), ""))
            continue
        before = " ".join(line[start:end] for start, end in spans if end <= gutter)
        after = " ".join(line[start:end] for start, end in spans if start >= gutter)
        if before:
            left.append(before)
        if after:
            right.append(after)
    region()
    return "\n".join(out)


def _gutter(lines: list[str], runs: list[list[tuple[int, int]]]) -> int | None:
    """The character position of the page's gutter, or None (one column, or a form or table of short cells)."""
    best: tuple[int, int] | None = None
    for at in sorted({end + 1 for spans in runs for _, end in spans}):
        two_sided = crossing = 0
        for spans in runs:
            if any(start < at < end for start, end in spans):
                crossing += 1
            elif spans and spans[0][1] <= at <= spans[-1][0]:
                two_sided += 1
        score = two_sided - crossing
        if two_sided >= _MIN_TWO_SIDED and score > 0 and (best is None or score > best[0]):
            best = (score, at)
    if best is None:
        return None
    at = best[1]
    sizes: tuple[list[int], list[int]] = ([], [])
    rows = labels = 0
    for line, spans in zip(lines, runs, strict=True):
        if not spans or any(start < at < end for start, end in spans) or not spans[0][1] <= at <= spans[-1][0]:
            continue
        rows += 1
        for start, end in spans:
            sizes[start >= at].append(end - start)
        labels += line[: max(end for _, end in spans if end <= at)].endswith(":")
    if 2 * labels >= rows:
        return None  # "Syntymäaika:   7.9.1978": a form, whose label is its value's context
    if all(sum(side) < _PROSE_SEGMENT * len(side) for side in sizes if side):
        return None  # a table of short cells, read row by row
    return at
