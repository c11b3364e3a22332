"""Documents: PDF, Word, OpenDocument, RTF, e-mail, HTML and text files read as tables of text passages.

Each document is a :class:`~pdscan.sources.documents.passages.DocumentTable` whose columns are its parts (pages,
e-mail headers, body, tables) and whose values are passages of text, so the same detector core scans them and a
finding names the file and the part. :data:`EXTRACTORS` maps an extension to its reader; mails yield a table for
themselves and one per attachment (:mod:`.mail`).
"""

from __future__ import annotations

from pdscan.sources.documents.office import doc_passages, docx_passages, odt_passages, rtf_passages
from pdscan.sources.documents.passages import DocumentTable, Extractor, Passage, Reading
from pdscan.sources.documents.pdf import pdf_passages
from pdscan.sources.documents.text import html_passages, text_passages

# extension -> (document kind, reader)
EXTRACTORS: dict[str, tuple[str, Extractor]] = {
    ".pdf": ("pdf", pdf_passages),
    ".docx": ("docx", docx_passages),
    ".doc": ("doc", doc_passages),
    ".odt": ("odt", odt_passages),
    ".rtf": ("rtf", rtf_passages),
    ".html": ("html", html_passages),
    ".htm": ("html", html_passages),
    ".md": ("text", text_passages),
    ".log": ("text", text_passages),
}
MAIL_EXTENSIONS = (".eml", ".msg")

__all__ = ["EXTRACTORS", "MAIL_EXTENSIONS", "DocumentTable", "Extractor", "Passage", "Reading"]
