"""A scan result made by hand for the file reporters' tests (CSV, XLSX, SARIF, JUnit), with every awkward value a
report can meet. All data here is made up; samples arrive masked, as reporters get them."""

from __future__ import annotations

from pdscan.model import (
    Finding,
    Location,
    ScanErrorEntry,
    ScanResult,
    SkippedFile,
    SourceSummary,
    TableInfo,
)

FOLDER = "exports"
DATABASE = "postgresql://scanner@db.example.fi/crm"
# A file name with the delimiters of both dialects, a quote, a newline, a '#', a space and Finnish letters.
ODD_FILE = 'exports/asiakkaat; vanhat, "2024"\nkopio #2 ä.csv'
ODD_COLUMN = "Sähköposti, työ; koti"
RAW_EMAIL = "matti.virtanen@example.fi"  # only ever in a --show-data result
FORMULA_SAMPLE = '=HYPERLINK("http://example.fi","x")'


def _finding(
    source: str, location: Location, entity: str, confidence: str, samples: list[str], **extra: object
) -> Finding:
    fields: dict[str, object] = {
        "source": source,
        "location": location,
        "entity": entity,
        "rules": [entity.lower()],
        "confidence": confidence,
        "score": {"high": 0.987, "medium": 0.6, "low": 0.3}[confidence],
        "match_count": 12,
        "values_scanned": 40,
        "rows_scanned": 40,
        "reasons": ["12/40 values match (30%)", "name 'sähköposti' ~ sähköposti; context\nsecond line"],
        "samples": samples,
        **extra,
    }
    return Finding(**fields)  # type: ignore[arg-type]


def made_up(show_data: bool = False) -> ScanResult:
    """A folder and a database: findings of every confidence, awkward names, errors and skipped files."""
    odd = Location(file=ODD_FILE)
    workbook = Location(file=f"{FOLDER}/henkilöstö.xlsx", sheet="Työntekijät")
    table = Location(schema="public", table="asiakkaat")
    member = Location(file=f"{FOLDER}/hakemukset.zip!hakemus ö.csv")
    email_samples = [RAW_EMAIL] if show_data else ["m***@example.fi", "a***@example.fi"]
    findings = [
        _finding(
            FOLDER,
            odd.with_column(ODD_COLUMN),
            "EMAIL_ADDRESS",
            "high",
            email_samples,
            categories=["user.contact.email"],
        ),
        _finding(FOLDER, odd.with_column("puhelin"), "PHONE_NUMBER", "medium", [FORMULA_SAMPLE, "+358***67"]),
        _finding(FOLDER, workbook.with_column("Nimi"), "PERSON", "low", ["M*** V***"], categories=["user.name"]),
        _finding(FOLDER, member.with_column("hetu"), "FI_PERSONAL_IDENTITY_CODE", "high", ["******-****"]),
        _finding(
            FOLDER,
            Location(file=f"{FOLDER}/cv.pdf", column="page 1"),
            "PERSON",
            "medium",
            ["M*** V***"],
            parts=["page 1", "page 2"],
        ),
        _finding(
            DATABASE,
            table.with_column("henkilötunnus"),
            "FI_PERSONAL_IDENTITY_CODE",
            "high",
            ["******A****"],
            primary_key=["id"],
            estimated_rows=1200,
            categories=["user.government_id.national_identification_number"],
        ),
        _finding(DATABASE, table.with_column("-sähköposti"), "EMAIL_ADDRESS", "medium", ["@***.fi"]),
    ]
    tables = [
        TableInfo(FOLDER, odd, rows_scanned=40, columns=3),
        TableInfo(FOLDER, workbook, rows_scanned=40, columns=5),
        TableInfo(FOLDER, member, rows_scanned=40, columns=2),
        TableInfo(FOLDER, Location(file=f"{FOLDER}/cv.pdf"), rows_scanned=30, columns=2, document="pdf"),
        TableInfo(FOLDER, Location(file=f"{FOLDER}/tuotteet.csv"), rows_scanned=10, columns=4),
        TableInfo(DATABASE, table, rows_scanned=40, columns=6, truncated=True, estimated_rows=1200),
        TableInfo(DATABASE, Location(schema="public", table="tilaukset"), rows_scanned=40, columns=4),
    ]
    return ScanResult(
        tool={"name": "pdscan", "version": "0.1.0", "rules_version": "abc123"},
        started_at="2026-11-24T14:00:00+00:00",
        finished_at="2026-11-24T14:00:03+00:00",
        options={"sample_size": 10000, "show_data": show_data},
        sources=[
            SourceSummary(FOLDER, "directory", tables=5, ignored_files=1, errors=1),
            SourceSummary(DATABASE, "database", tables=2, errors=1),
        ],
        tables=tables,
        findings=findings,
        errors=[
            ScanErrorEntry(FOLDER, "encrypted or password-protected workbook", Location(file=f"{FOLDER}/palkat.xlsx")),
            ScanErrorEntry(DATABASE, "statement timeout after 60 s", Location(schema="public", table="loki")),
            ScanErrorEntry("missing/", "no such file or directory"),
        ],
        skipped=[
            SkippedFile(f"{FOLDER}/ohjelma.exe", "unsupported file type '.exe'"),
            SkippedFile(f"{FOLDER}/ctrl\x07\x1bname.bin", "unsupported file type '.bin'"),
        ],
    )
