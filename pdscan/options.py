"""The defaults of a scan, in one place: the options dataclasses, the CLI and the reports all read them here."""

from __future__ import annotations

SAMPLE_SIZE = 10_000  # rows read per table unless --full
CHUNK_ROWS = 50_000  # rows per batch handed to the detector (bounds memory)
MAX_SAMPLES = 3  # masked samples kept per finding
TABLE_TIMEOUT = 60.0  # seconds one database statement may run before the table is skipped
PARTITION_ROWS = 250_000  # distributed --full: rows per partition of a database table or Parquet file
PARTITION_BYTES = 64 << 20  # distributed --full: bytes per block of a big CSV file
MIN_CONFIDENCE = "low"
WORKERS = 1  # tables scanned at once (database connections)
# Documents (PDF, Word, OpenDocument, RTF, mail, HTML, text): limits that keep memory bounded on hostile input.
DOCUMENT_MAX_BYTES = 100 << 20  # a document, an attachment or a mail read into memory: larger ones are skipped
DOCUMENT_MAX_CHARS = 20_000_000  # text taken from one document; the rest is noted as not read
DOCUMENT_MAX_RATIO = 200  # a zip member (or a part of a .docx/.odt) that expands more than this is a zip bomb...
DOCUMENT_BOMB_BYTES = 50 << 20  # ...once it also expands past this size
ATTACHMENT_DEPTH = 4  # mails inside mails inside mails: deeper ones are skipped
