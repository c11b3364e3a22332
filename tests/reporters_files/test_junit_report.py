"""``--format junit``: well-formed JUnit XML, one suite per source, one case per table or file, counts that add up."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from reporter_results import DATABASE, FORMULA_SAMPLE, RAW_EMAIL, made_up

from pdscan.model import ScanResult
from pdscan.reporters import REPORTERS
from pdscan.reporters.style import ReportStyle


def _junit(result: ScanResult) -> ET.Element:
    stream = io.StringIO()
    REPORTERS["junit"].render(result, stream, ReportStyle())
    text = stream.getvalue()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))  # raises on anything not well-formed


def _counts(element: ET.Element) -> dict[str, int]:
    return {k: int(element.get(k, "-1")) for k in ("tests", "failures", "errors", "skipped")}


def _check_counts(root: ET.Element) -> None:
    assert root.tag == "testsuites"
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        counted = {
            "tests": len(cases),
            "failures": sum(c.find("failure") is not None for c in cases),
            "errors": sum(c.find("error") is not None for c in cases),
            "skipped": sum(c.find("skipped") is not None for c in cases),
        }
        assert _counts(suite) == counted, suite.get("name")
        for key, n in counted.items():
            totals[key] += n
        for case in cases:
            assert len(case.findall("failure")) <= 1 and case.get("classname") == suite.get("name")
    assert _counts(root) == totals


def test_sample_data(sample_result: ScanResult) -> None:
    root = _junit(sample_result)
    _check_counts(root)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [s.source for s in sample_result.sources]
    cases = suites[0].findall("testcase")
    assert len(cases) == len(sample_result.tables) + len(sample_result.skipped)
    failing = {
        f.location.container().display(with_column=False).removeprefix("sample_data/")
        for f in sample_result.findings
        if f.confidence in ("medium", "high")
    }
    assert {c.get("name") for c in cases if c.find("failure") is not None} == failing
    assert int(root.get("failures", "0")) == len(failing) > 0
    assert int(root.get("skipped", "0")) == len(sample_result.skipped)


def test_failures_errors_and_skipped(made_up_result: ScanResult) -> None:
    root = _junit(made_up_result)
    _check_counts(root)
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["exports", DATABASE, "missing/"]  # a source that could not be opened: a suite too
    files = {c.get("name"): c for c in suites["exports"].findall("testcase")}
    assert set(files) == {
        'asiakkaat; vanhat, "2024"\nkopio #2 ä.csv',
        "henkilöstö.xlsx [Työntekijät]",
        "hakemukset.zip!hakemus ö.csv",
        "cv.pdf",
        "tuotteet.csv",
        "palkat.xlsx",
        "ohjelma.exe",
        "ctrl\ufffd\ufffdname.bin",  # control characters XML cannot hold, replaced
    }
    odd = files['asiakkaat; vanhat, "2024"\nkopio #2 ä.csv'].find("failure")
    assert odd is not None
    message = odd.get("message", "")
    assert message == "personal data found: EMAIL_ADDRESS (high, 12 values), PHONE_NUMBER (medium, 12 values)"
    assert "\n" not in message
    assert odd.text is not None and FORMULA_SAMPLE in odd.text and "m***@example.fi" in odd.text
    workbook = files["henkilöstö.xlsx [Työntekijät]"]  # a low-confidence finding only: passes, noted in system-out
    assert workbook.find("failure") is None
    assert "PERSON :: Nimi: low confidence" in (workbook.findtext("system-out") or "")
    assert list(files["tuotteet.csv"]) == []  # clean
    error = files["palkat.xlsx"].find("error")
    assert error is not None and error.get("message", "").endswith("encrypted or password-protected workbook")
    skipped = files["ohjelma.exe"].find("skipped")
    assert skipped is not None and skipped.get("message") == "unsupported file type '.exe'"

    tables = {c.get("name"): c for c in suites[DATABASE].findall("testcase")}
    assert set(tables) == {"public.asiakkaat", "public.tilaukset", "public.loki"}
    assert tables["public.asiakkaat"].find("failure") is not None
    assert tables["public.loki"].find("error") is not None
    missing = suites["missing/"].findall("testcase")
    assert [c.get("name") for c in missing] == ["missing/"] and missing[0].find("error") is not None
    assert root.get("time") == "3.000"


def test_raw_values_never_reach_junit() -> None:
    root = _junit(made_up(show_data=True))
    assert RAW_EMAIL not in ET.tostring(root, encoding="unicode")
