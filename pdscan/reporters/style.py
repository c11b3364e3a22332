"""How a report is laid out for its reader: language, detail, colour, width, CSV dialect.

Reporters read these and nothing else from the command line; the CLI builds one from the settings (flags, the
environment, ``pdscan.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "fi", "sv")
CSV_DIALECTS = ("excel", "excel-fi")


@dataclass(frozen=True)
class ReportStyle:
    lang: str = "en"  # one of LANGUAGES: labels of entities and categories, headings
    verbose: bool = False  # the text report: every finding's reasons and samples under it
    color: bool | None = None  # None: colour when writing to a terminal and NO_COLOR is not set
    width: int | None = None  # columns of the text report; None: $COLUMNS, else the terminal, else 100
    csv_dialect: str = "excel"  # excel: ',' UTF-8 CRLF (RFC 4180); excel-fi: ';' with a BOM and CRLF (Finnish Excel)
