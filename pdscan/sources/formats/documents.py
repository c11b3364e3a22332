"""Documents as a file format: PDF, Word, OpenDocument, RTF, HTML, Markdown, logs and e-mail (see
:mod:`pdscan.sources.documents`). A document is read whole by one task: it is not split for distributed scans."""

from __future__ import annotations

from collections.abc import Iterator

from pdscan.model import ScanErrorEntry
from pdscan.sources.base import FileRef, Format, Table
from pdscan.sources.documents import EXTRACTORS, MAIL_EXTENSIONS, DocumentTable


def tables(ref: FileRef, source: str) -> Iterator[Table | ScanErrorEntry]:
    if ref.ext in MAIL_EXTENSIONS:
        # The e-mail package loads only when a mail is read: a scan of exports never needs it (issue 25: start-up
        # imports run on one core before anything is read).
        from pdscan.sources.documents.mail import eml_tables, msg_tables

        yield from (eml_tables if ref.ext == ".eml" else msg_tables)(ref, source)
    else:
        kind, extract = EXTRACTORS[ref.ext]
        yield DocumentTable(ref, source, extract, kind)


FORMAT = Format("documents", (*EXTRACTORS, *MAIL_EXTENSIONS), tables)
