"""Declared vs found: the shipped declarations of the two real notices against the sample data."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pdscan.cli.main import main
from pdscan.compliance.declaration import builtin_declarations, load_declaration, parse_declaration
from pdscan.compliance.taxonomy import covers, taxonomy
from pdscan.detect.rules import load_rules
from pdscan.errors import UsageError
from pdscan.model import ScanResult
from pdscan.scan import ScanOptions, scan

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
NOTICES = {"entteri": "000_4a9650135503ee72.txt", "entrack": "002_0855ea90893791f5.txt"}
EXPECTED_GAPS = {
    # Entrack declares payroll data and identity codes for its staff and applicants only (so the customer register's
    # HETUs and IBANs are undeclared for customers), and nothing about health, unions or dates of birth; customer
    # numbers for customers only (so the staff's personnel numbers are undeclared).
    "entrack": {
        "user.unique_id",
        "user.demographic.union_membership",
        "user.health",
        "user.demographic.date_of_birth",
        "user.government_id.national_identification_number",
        "user.financial.bank_account",
    },
    # Entteri's notice is about customers' contact persons: no identity codes, bank accounts or HR data at all.
    "entteri": {
        "user.demographic.union_membership",
        "user.health",
        "user.demographic.date_of_birth",
        "user.government_id.national_identification_number",
        "user.financial.bank_account",
    },
}


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def results(sample_dir: Path) -> dict[str, Any]:
    return {name: scan([str(sample_dir)], ScanOptions(declaration=name)) for name in EXPECTED_GAPS}


def _normalise(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.mark.parametrize("name", sorted(NOTICES))
def test_every_declared_sentence_is_quoted_from_the_notice(name: str) -> None:
    notice = SEEDS / NOTICES[name]
    if not notice.is_file():
        pytest.skip(f"{notice} is not beside the repository")
    text = _normalise(notice.read_text(encoding="utf-8"))
    declaration = load_declaration(name)
    quotes = [c.source for c in declaration.categories] + [s.source for s in declaration.subjects]
    quotes += [p.source for p in declaration.purposes] + [r["source"] for r in declaration.recipients]
    for quote in quotes:
        # A quote may shorten a long sentence with "...": every part must stand in the notice as written.
        for part in re.split(r"\s*\.\.\.\s*,?\s*", quote):
            part = part.strip(" ,")
            if len(part) > 8:
                assert _normalise(part) in text, f"{name}: not in the notice: {part!r}"


def test_shipped_declarations_use_known_keys() -> None:
    known = taxonomy()
    assert set(builtin_declarations()) == {"entrack", "entteri"}
    for name in builtin_declarations():
        for category in load_declaration(name).categories:
            assert all(key in known for key in category.keys)


def test_every_rule_maps_to_a_category_key() -> None:
    known = taxonomy()
    for rule in load_rules():
        assert rule.categories and all(key in known for key in rule.categories), rule.id


@pytest.mark.parametrize("name", sorted(EXPECTED_GAPS))
def test_sample_data_gaps_per_declaration(results: dict[str, Any], name: str) -> None:
    compliance = results[name].compliance
    assert compliance is not None
    assert {gap.key for gap in compliance.undeclared} == EXPECTED_GAPS[name]
    high = {gap.key for gap in compliance.undeclared if gap.risk == "high"}
    assert high == EXPECTED_GAPS[name] & {
        "user.demographic.union_membership",
        "user.health",
        "user.government_id.national_identification_number",
    }
    # High-risk gaps come first.
    risks = [gap.risk for gap in compliance.undeclared]
    assert risks == sorted(risks, key=lambda r: r != "high")
    for finding in results[name].findings:
        assert finding.declared, finding.fingerprint
        undeclared = finding.declared == ["UNDECLARED"]
        # An undeclared finding is listed under a gap; a declared one is not (a HETU declared for staff is declared
        # in the payroll file even where the customer register's HETUs are a gap of the same key).
        listed = any(
            loc.display == finding.location.display() and loc.entity == finding.entity
            for gap in compliance.undeclared
            for loc in gap.locations
        )
        assert undeclared == listed
        assert not undeclared or any(
            covers(gap.key, key, taxonomy()) for gap in compliance.undeclared for key in finding.categories
        )


def test_the_two_notices_give_different_gaps(results: dict[str, Any]) -> None:
    # Entrack declares HETUs and bank accounts, for staff and applicants: the customer register's are its gap for
    # customers. Entteri declares neither for anyone: every HETU and IBAN is its gap.
    entrack = {g.key: g for g in results["entrack"].compliance.undeclared}
    entteri = {g.key: g for g in results["entteri"].compliance.undeclared}
    for key in ("user.government_id.national_identification_number", "user.financial.bank_account"):
        assert entrack[key].subject == "Asiakkaat" and entrack[key].declared_for == ["Työnhakijat", "Työntekijät"]
        assert {Path(loc.display.split(" ")[0]).name for loc in entrack[key].locations} == {"asiakasrekisteri.xlsx"}
        assert entteri[key].subject is None and not entteri[key].declared_for
        assert "hr_henkilosto.csv" in {Path(loc.display.split(" ")[0]).name for loc in entteri[key].locations}


def test_declared_but_never_found_says_whether_pdscan_could_find_it(results: dict[str, Any]) -> None:
    missing = {c.name: c.detectable for c in results["entrack"].compliance.declared_not_found}
    assert missing == {
        "työnimike": False,
        "markkinointiluvat ja -kiellot": False,
        "asiakaspalautetiedot ja henkilön itsensä antamat tiedot": False,
    }


def test_a_cv_like_document_is_evidence_of_a_declared_cv_category(results: dict[str, Any]) -> None:
    """The sample's CVs are CV-like documents (a name, contact details and a HETU): the declared category
    "ansioluettelot ja työhakemukset" (user.professional_information) is found there, and only there: the
    customers' job titles do not count for applicants."""
    compliance = results["entrack"].compliance
    found = {c.name: c for c in compliance.found_declared}
    cvs = found["ansioluettelot ja työhakemukset"].locations
    cv_files = sorted(d.file for d in results["entrack"].document_facts if d.cv_like)
    assert cv_files and sorted(loc.location["file"] for loc in cvs) == cv_files
    assert {(loc.entity, loc.key) for loc in cvs} == {("CV_LIKE_DOCUMENT", "user.professional_information")}
    assert all(not d.cv_like for d in results["entrack"].document_facts if d.file not in cv_files)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("version"), "version"),
        (lambda d: d["controller"].pop("name"), "controller.name"),
        (lambda d: d["categories"][1].update(keys=["user.shoe_size"]), "categories[1].keys"),
        (lambda d: d["categories"][0].pop("source"), "categories[0].source"),
        (lambda d: d["categories"][0].update(subjects=["martians"]), "categories[0].subjects"),
        (lambda d: d["purposes"][0].update(legal_bases=["because"]), "purposes[0].legal_bases"),
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d["transfers"].update(outside_eea="maybe"), "transfers.outside_eea"),
        (lambda d: d["retention"].update(period="five years"), "retention.period"),
    ],
)
def test_malformed_declaration_names_file_and_field(change: Any, field: str) -> None:
    import yaml

    data = yaml.safe_load(builtin_declarations()["entrack"].read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(UsageError) as caught:
        parse_declaration(data, "mine.yaml", taxonomy())
    assert str(caught.value).startswith(f"mine.yaml: field '{field}'")


def test_fail_on_undeclared_and_formats(sample_dir: Path, tmp_path: Path) -> None:
    assert run("scan", str(sample_dir), "-q", "--declaration", "entrack", "--fail-on", "undeclared").exit_code == 1
    clean = run(
        "scan", str(sample_dir / "crm_contacts.csv"), "-q", "--declaration", "entrack", "--fail-on", "undeclared"
    )
    assert clean.exit_code == 0
    assert run("scan", str(sample_dir), "-q", "--fail-on", "undeclared").exit_code == 2  # needs a declaration
    report = json.loads(run("scan", str(sample_dir), "-f", "json", "--declaration", "entteri").stdout)
    assert {"declaration", "summary", "undeclared", "found_declared", "declared_not_found", "coverage"} <= set(
        report["compliance"]
    )
    assert all("declared" in f for f in report["findings"])
    rows = run("scan", str(sample_dir), "-f", "csv", "--declaration", "entteri").stdout
    assert "UNDECLARED" in rows and "user.health" in rows
    text = run("scan", str(sample_dir), "--declaration", "entteri", "--lang", "en").stdout
    assert "UNDECLARED HIGH RISK" in text


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.tags: set[str] = set()
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("src", "href") and value and re.match(r"^(https?:)?//", value):
                self.external.append(value)


def test_report_command_renders_a_saved_scan(sample_dir: Path, tmp_path: Path) -> None:
    saved = tmp_path / "scan.json"
    assert run("scan", str(sample_dir), "-f", "json", "-o", str(saved)).exit_code == 0
    html_file = tmp_path / "report.html"
    result = run("report", str(saved), "--declaration", "entrack", "-o", str(html_file))
    assert result.exit_code == 0, result.output
    page = _Page()
    page.feed(html_file.read_text(encoding="utf-8"))
    assert {"summary", "charts", "undeclared", "declared", "not-found", "findings", "coverage"} <= page.ids
    assert {"svg", "rect", "style", "table"} <= page.tags
    assert "script" not in page.tags and "link" not in page.tags and not page.external  # self-contained
    markdown = run("report", str(saved), "--declaration", "entrack", "-f", "markdown").stdout
    assert markdown.index("## Found but undeclared") < markdown.index("## Found and declared")
    assert "⚠ HIGH RISK: Health data" in markdown
    assert run("report", str(saved), "--declaration", "entrack", "--fail-on", "undeclared").exit_code == 1
    broken = tmp_path / "broken.json"
    broken.write_text("{}", encoding="utf-8")
    failed = run("report", str(broken))
    assert failed.exit_code == 2 and "not a pdscan JSON scan" in failed.stderr


def test_no_raw_values_in_html(sample_dir: Path) -> None:
    import csv

    html = run("scan", str(sample_dir), "-f", "html", "--declaration", "entrack").stdout
    with (sample_dir / "crm_contacts.csv").open(encoding="utf-8") as fh:
        emails = [row["email"] for row in csv.DictReader(fh)]
    assert not [e for e in emails if e in html]


def test_declarations_commands() -> None:
    listed = run("declarations", "list").stdout
    assert "entrack" in listed and "entteri" in listed
    checked = run("declarations", "check", "entrack")
    assert checked.exit_code == 0 and "valid" in checked.stdout


def test_retention_period_is_an_iso_duration_in_days() -> None:
    from pdscan.compliance.declaration import parse_period

    assert parse_period("P2Y") == 730
    assert parse_period("p6m") == 183
    assert parse_period("P1Y6M") == 548
    assert parse_period("P90D") == 90
    assert parse_period("P") is None and parse_period("2 years") is None


@pytest.mark.parametrize("name", sorted(EXPECTED_GAPS))
def test_the_typed_comparison_survives_its_json(results: dict[str, Any], name: str) -> None:
    """A saved scan (--format json) read back by `pdscan report` gives the same typed comparison."""
    result = results[name]
    assert result.compliance is not None
    saved = json.loads(json.dumps(result.to_dict()))
    again = ScanResult.from_dict(saved)
    assert again.compliance == result.compliance
    assert saved["compliance"]["found_declared"][0]["locations"][0]["key"]  # the key a finding was matched under
    assert all("detectable" in c and "locations" not in c for c in saved["compliance"]["declared_not_found"])
