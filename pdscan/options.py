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

# Structural limits on hostile input (issue 23): a file that goes past one becomes one error entry naming the
# limit and the environment variable that raises it, and the scan goes on. Each can be set in the environment
# (``PDSCAN_JSON_MAX_DEPTH=200 pdscan scan ...``) or per scan through the library's ``SourceOptions(limits=...)``;
# the defaults deal with every hostile file in seconds while no real export comes near them.


def _env_int(name: str, default: int) -> int:
    """An integer limit from the environment (``PDSCAN_<NAME>``), else the default; a bad value keeps the default."""
    import os

    try:
        value = int(os.environ.get(f"PDSCAN_{name}", ""))
    except ValueError:
        return default
    return value if value > 0 else default


JSON_MAX_DEPTH = _env_int("JSON_MAX_DEPTH", 64)  # arrays and objects nested in one another
JSON_MAX_KEYS = _env_int("JSON_MAX_KEYS", 10_000)  # keys of one JSON object (each key is a column)
JSON_MAX_VALUES = _env_int("JSON_MAX_VALUES", 50_000_000)  # values read from one JSON file before it is cut
JSON_MAX_LINE = _env_int("JSON_MAX_LINE", 16 << 20)  # bytes of one JSON Lines record: longer lines are skipped
TEXT_MAX_LINE = _env_int("TEXT_MAX_LINE", 64 << 10)  # characters of a text line held at once: longer ones in pieces
CSV_MAX_COLUMNS = _env_int("CSV_MAX_COLUMNS", 2_000)  # columns of one delimited file (each is judged on its own)
CSV_MAX_FIELD = _env_int("CSV_MAX_FIELD", 1 << 20)  # bytes of one CSV field (and of one row read at once)
ARCHIVE_MAX_MEMBERS = _env_int("ARCHIVE_MAX_MEMBERS", 10_000)  # members of one zip archive
ARCHIVE_MAX_BYTES = _env_int("ARCHIVE_MAX_BYTES", 4 << 30)  # decompressed bytes of one archive (zip or .gz)
MAIL_MAX_PARTS = _env_int("MAIL_MAX_PARTS", 500)  # MIME parts of one mail
MAIL_MAX_DEPTH = _env_int("MAIL_MAX_DEPTH", 20)  # multipart containers nested in one another in one mail
