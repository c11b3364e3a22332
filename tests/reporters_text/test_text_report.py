"""Issue 24, terminal report: the sample data's report read in an 80-column terminal: summary first, plain language
in English, Finnish and Swedish, risk marked from the taxonomy, every line within the width, no colour where none
is wanted, and no crash on a stdout that is not UTF-8."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from rich.cells import cell_len

from pdscan.detect.rules import load_rules
from pdscan.model import Finding, Location, ScanErrorEntry, ScanResult, SkippedFile, SourceSummary, TableInfo
from pdscan.reporters.style import LANGUAGES, ReportStyle
from pdscan.reporters.text_report import render

ESCAPE = "\x1b["
# Each language's name of three entities and its heading of the summary: what a reader of that language sees.
LABELS = {
    "en": ["Personal identity code (HETU)", "Trade union membership", "Email address", "Found"],
    "fi": ["Henkilötunnus", "Ammattiliiton jäsenyys", "Sähköpostiosoite", "Löydetty"],
    "sv": ["Personbeteckning", "Fackföreningsmedlemskap", "E-postadress", "Hittat"],
}


def text_of(result: ScanResult, **style: Any) -> str:
    stream = io.StringIO()
    render(result, stream, ReportStyle(**{"width": 80, **style}))
    return stream.getvalue()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _entity_rows(lines: list[str]) -> list[str]:
    """The summary's rows per entity (after its header), up to the legend."""
    header = next(i for i, line in enumerate(lines) if re.match(r"^ {6}\S", line))
    rows = []
    for line in lines[header + 1 :]:
        if not re.match(r"^  [! ][* ]  \S", line):
            break
        rows.append(line)
    return rows


def _too_long(text: str, width: int) -> list[str]:
    return [line for line in text.splitlines() if cell_len(line) > width]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("verbose", [False, True])
def test_every_line_fits_80_columns(sample: ScanResult, declared: ScanResult, lang: str, verbose: bool) -> None:
    for result in (sample, declared):
        out = text_of(result, lang=lang, verbose=verbose)
        assert _too_long(out, 80) == []
        assert not [line for line in out.splitlines() if line != line.rstrip()]  # no padding to the width


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sample_report_fits_200_lines(sample: ScanResult, declared: ScanResult, lang: str) -> None:
    assert len(text_of(sample, lang=lang).splitlines()) <= 200
    assert len(text_of(declared, lang=lang).splitlines()) <= 200
    # Every finding still has its line: the report is short because it is laid out, not because it drops findings.
    assert len(text_of(sample, lang=lang).splitlines()) > len(sample.findings)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plain_language_labels_and_no_entity_codes(sample: ScanResult, lang: str) -> None:
    out = text_of(sample, lang=lang)
    for label in LABELS[lang]:
        assert label in out, (lang, label)
    for other in LANGUAGES:
        if other != lang:
            assert LABELS[other][3] not in out.splitlines()[1:6]  # the summary's heading is not another language's
    codes = [e for e in load_rules().entities if re.search(rf"\b{e}\b", out)]
    assert codes == []
    assert "user." not in out  # nor taxonomy keys
    verbose = text_of(sample, lang=lang, verbose=True)
    assert "FI_PERSONAL_IDENTITY_CODE" in verbose  # the details name the entity for those who look it up


def test_summary_comes_first_and_risky_entities_lead_it(sample: ScanResult) -> None:
    out = text_of(sample, lang="en")
    lines = out.splitlines()
    scanned = next(i for i, line in enumerate(lines) if line.startswith("Scanned"))
    found = next(i for i, line in enumerate(lines) if line.startswith("Found"))
    first_finding = next(i for i, line in enumerate(lines) if "crm_contacts.csv" in line)
    assert scanned < found < first_finding
    assert "tables and files: 12, rows: 1,148" in lines[scanned + 1]
    assert "1 (listed at the end)" in out.split("Found")[0]  # the skipped file is counted in the summary
    # The per-entity rows of the summary: the risky ones (HETU, bank accounts, Art. 9) first, marked with "!".
    rows = _entity_rows(lines[found:first_finding])
    assert len(rows) == len({f.entity for f in sample.findings})
    marked = [line[6:].split("  ")[0] for line in rows if line.startswith("  !")]
    assert set(marked) == {
        "Personal identity code (HETU)",
        "Bank account number (IBAN)",
        "Health data",
        "Trade union membership",
    }
    assert [line.startswith("  !") for line in rows] == sorted((line.startswith("  !") for line in rows), reverse=True)
    assert "Tietosuojalaki 29 §" in out and "GDPR Art. 9" in out  # why they are risky, from the taxonomy


def test_undeclared_come_first_with_a_declaration(declared: ScanResult) -> None:
    out = text_of(declared, lang="en")
    lines = out.splitlines()
    found = next(i for i, line in enumerate(lines) if line.startswith("Found"))
    rows = _entity_rows(lines[found:])
    assert len(rows) == len({f.entity for f in declared.findings})
    undeclared = [line.startswith("  !*") or line.startswith("   *") for line in rows]
    assert any(undeclared) and undeclared == sorted(undeclared, reverse=True)
    assert rows[0].startswith("  !*")  # undeclared and high risk first
    assert "declared vs found: 9 undeclared in 5 categories (3 high risk)" in " ".join(out.split())
    assert "UNDECLARED HIGH RISK" in out
    fi = text_of(declared, lang="fi")
    assert "ILMOITTAMATTA SUURI RISKI" in fi and "Henkilötunnus (Tietosuojalaki 29 §)" in " ".join(fi.split())


def _result(findings: list[Finding], **extra: Any) -> ScanResult:
    tables = {(f.source, f.location.container()) for f in findings}
    return ScanResult(
        tool={"name": "pdscan", "version": "test"},
        started_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:00:02+00:00",
        options={"sample_size": 10000},
        sources=[
            SourceSummary(source=s, kind="directory" if s == "share" else "database") for s in {s for s, _ in tables}
        ],
        tables=[TableInfo(source=s, location=loc, rows_scanned=10) for s, loc in sorted(tables, key=str)],
        findings=findings,
        **extra,
    )


def _finding(location: Location, entity: str, categories: list[str], source: str = "share") -> Finding:
    return Finding(
        source, location, entity, [], "high", 1.0, 5, 10, 10, ["5/10 values match"], ["a***"], categories=categories
    )


def test_risk_comes_from_the_taxonomy_not_the_entity(sample: ScanResult) -> None:
    # An entity no rule knows, in a category the taxonomy marks high risk, is marked; in an ordinary one it is not.
    health = _finding(Location(file="share/a.csv", column="x"), "LOYALTY_CODE", ["user.health"])
    plain = _finding(Location(file="share/a.csv", column="y"), "SHOE_SIZE", ["user.name"])
    out = text_of(_result([health, plain]))
    assert re.search(r"^  !   Loyalty code .*GDPR Art\. 9$", out, re.MULTILINE), out
    assert re.search(r"^      Shoe size ", out, re.MULTILINE), out


def test_long_paths_are_cut_in_the_middle_but_skipped_paths_never(sample: ScanResult) -> None:
    deep = "share/" + "/".join(f"kansio_{i}" for i in range(12)) + "/asiakkaat_2024_lopullinen.csv"
    finding = _finding(Location(file=deep, column="sähköposti"), "EMAIL_ADDRESS", ["user.contact.email"])
    skipped = "share/" + "x" * 150 + ".bin"
    failed = "share/" + "y" * 120 + ".xlsx"
    result = _result(
        [finding],
        skipped=[SkippedFile(skipped, "unsupported file type '.bin'")],
        errors=[ScanErrorEntry("share", "could not read the file", Location(file=failed))],
    )
    out = text_of(result)
    long_lines = _too_long(out, 80)
    assert [line.strip() for line in long_lines] == [failed, skipped]  # only the paths that were not read
    assert "…" in out and "asiakkaat_2024_lopullinen.csv" in out  # the folder path is cut, the file name is kept
    assert "unsupported file type '.bin'" in out and "could not read the file" in out


def test_database_findings_are_grouped_per_source_and_schema() -> None:
    source = "postgresql://db.example/crm"
    rows = [
        _finding(
            Location(schema="public", table="asiakkaat", column="email"),
            "EMAIL_ADDRESS",
            ["user.contact.email"],
            source,
        ),
        _finding(
            Location(schema="public", table="asiakkaat", column="puhelin"),
            "PHONE_NUMBER",
            ["user.contact.phone_number"],
            source,
        ),
        _finding(
            Location(schema="hr", table="palkat", column="tili"), "IBAN_CODE", ["user.financial.bank_account"], source
        ),
    ]
    lines = text_of(_result(rows), lang="fi").splitlines()
    heads = [line for line in lines if line.startswith(source)]
    assert [h.split("  ")[0] for h in heads] == [f"{source} · hr", f"{source} · public"]
    assert "1 taulu, joista 1 sisältää löydöksiä" in heads[0] and "1 taulu" in heads[1]
    assert any(re.match(r"^    email +  Sähköpostiosoite +korkea +5/10$", line) for line in lines), lines
    assert any(re.match(r"^    tili +!  Tilinumero \(IBAN\)", line) for line in lines)  # financial: risky


@pytest.mark.parametrize("lang", LANGUAGES)
def test_verbose_shows_reasons_and_samples(sample: ScanResult, lang: str) -> None:
    plain = " ".join(text_of(sample, lang=lang).split())
    verbose = " ".join(text_of(sample, lang=lang, verbose=True).split())
    hetu = next(f for f in sample.findings if f.location.column == "Henkilötunnus")
    reason = " ".join(hetu.reasons[0].split())
    assert reason in verbose and reason not in plain
    assert ", ".join(hetu.samples) in verbose and hetu.samples[0] not in plain


def test_no_colour_when_asked_or_not_a_terminal(sample: ScanResult, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = _Terminal()
    render(sample, terminal, ReportStyle(width=80))
    assert ESCAPE in terminal.getvalue()  # a terminal gets colour by default...
    assert ESCAPE not in text_of(sample)  # ...a file or a pipe does not
    terminal = _Terminal()
    render(sample, terminal, ReportStyle(width=80, color=False))  # --no-color
    assert ESCAPE not in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    terminal = _Terminal()
    render(sample, terminal, ReportStyle(width=80))
    assert ESCAPE not in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: an empty NO_COLOR does not count
    terminal = _Terminal()
    render(sample, terminal, ReportStyle(width=80))
    assert ESCAPE in terminal.getvalue()
    assert ESCAPE in text_of(sample, color=True)  # --color on a pipe
    # Coloured, the lines still fit (escape codes take no columns).
    assert _too_long(re.sub(r"\x1b\[[0-9;]*m", "", terminal.getvalue()), 80) == []


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_a_stdout_that_is_not_utf8_never_crashes(sample: ScanResult, encoding: str) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)  # errors="strict", as a misconfigured terminal's
    render(sample, stream, ReportStyle(lang="fi", width=80))
    stream.flush()
    out = raw.getvalue().decode(encoding)
    assert "crm_contacts.csv" in out and "sample_data/generate.py" in out
    if encoding == "ascii":
        assert "Henkil?tunnus" in out and "…" not in out  # replaced, and "..." for a cut
    else:
        assert "Henkilötunnus" in out
    assert _too_long(out, 80) == []


def test_width_from_columns_else_100(sample: ScanResult, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    narrow = text_of(sample, width=None)
    assert _too_long(narrow, 60) == []
    monkeypatch.delenv("COLUMNS")
    wide = text_of(sample, width=None)  # not a terminal, no $COLUMNS: 100
    assert _too_long(wide, 100) == [] and _too_long(wide, 80) != []


def test_nothing_found_interrupted_and_partial() -> None:
    empty = _result([])
    empty.tables = [TableInfo(source="share", location=Location(file="share/a.csv"), rows_scanned=3)]
    assert "No personal data found in 1 tables." in text_of(empty)
    assert "Henkilötietoja ei löytynyt (1 taulua luettu)." in text_of(empty, lang="fi")
    empty.errors = [ScanErrorEntry("share", "permission denied", Location(file="share/b.csv"))]
    partial = text_of(empty)
    assert "No personal data found in the 1 tables read; not everything was read." in partial
    assert "share/b.csv: permission denied" in partial
    empty.interrupted = True
    assert "Scan interrupted" in text_of(empty)
