"""``--format junit``: JUnit XML for CI systems that show test results (Jenkins, GitLab, Azure DevOps, CircleCI).

- one ``<testsuite>`` per source, one ``<testcase>`` per table, sheet or file scanned;
- a table with findings of medium or high confidence fails: one ``<failure>`` whose ``message`` is one line
  (entities, confidence, counts) and whose text has one line per finding with its masked samples;
  low-confidence findings go to the case's ``<system-out>`` and do not fail it;
- a table, file or source that could not be read is an ``<error>``; a file skipped in a folder is ``<skipped>``.

Written with ``xml.etree``, which escapes markup; characters XML 1.0 cannot hold (control characters, the lone
surrogates of undecodable file names) are replaced with U+FFFD. Raw values shown with ``--show-data`` are left out:
CI logs are read by many.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from pdscan.model import Finding, Location, ScanResult
from pdscan.reporters.style import ReportStyle

FAILING = ("medium", "high")  # the confidences that fail a table's test case
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml(text: object) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


@dataclass
class _Case:
    name: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: str | None = None


@dataclass
class _Suite:
    name: str
    cases: dict[tuple[str, ...], _Case] = field(default_factory=dict)

    def case(self, key: tuple[str, ...], name: str) -> _Case:
        if key not in self.cases:
            self.cases[key] = _Case(name)
        return self.cases[key]


def _name(source: str, location: Location | None) -> str:
    if location is None:
        return source
    where = location.display(with_column=False)
    prefix = source.rstrip("/") + "/"
    return where[len(prefix) :] if where.startswith(prefix) and len(where) > len(prefix) else where


def _suites(result: ScanResult) -> list[_Suite]:
    suites: dict[str, _Suite] = {}

    def suite(source: str) -> _Suite:
        return suites.setdefault(source, _Suite(source))

    for summary in result.sources:
        suite(summary.source)
    for table in result.tables:
        suite(table.source).case(table.location.sort_key(), _name(table.source, table.location))
    for finding in result.findings:
        container = finding.location.container()
        suite(finding.source).case(container.sort_key(), _name(finding.source, container)).findings.append(finding)
    for error in result.errors:
        where = error.location.container() if error.location is not None else None
        key = where.sort_key() if where is not None else ("",)
        suite(error.source).case(key, _name(error.source, where)).errors.append(error.one_line())
    for skipped in result.skipped:
        source = next(
            (s.source for s in result.sources if skipped.path.startswith(s.source.rstrip("/") + "/")), skipped.path
        )
        case = suite(source).case(("skipped", skipped.path), _name(source, Location(file=skipped.path)))
        case.skipped = skipped.reason
    return list(suites.values())


def _line(finding: Finding, show_samples: bool) -> str:
    where = f" :: {finding.location.column}" if finding.location.column is not None else ""
    line = (
        f"{finding.entity}{where}: {finding.confidence} confidence, {finding.match_count} of "
        f"{finding.values_scanned} values, {finding.rows_scanned} rows"
    )
    if show_samples and finding.samples:
        line += f"; samples (masked): {', '.join(finding.samples)}"
    return line


def _summary(findings: Iterable[Finding]) -> str:
    counts: dict[str, list[Finding]] = {}
    for f in findings:
        counts.setdefault(f.entity, []).append(f)
    parts = []
    for entity, found in counts.items():
        best = "high" if any(f.confidence == "high" for f in found) else "medium"
        columns = f" in {len(found)} columns" if len(found) > 1 else ""
        parts.append(f"{entity} ({best}{columns}, {sum(f.match_count for f in found)} values)")
    return "personal data found: " + ", ".join(parts)


def _testcase(parent: ET.Element, classname: str, case: _Case, show_samples: bool) -> tuple[int, int, int]:
    element = ET.SubElement(parent, "testcase", {"classname": _xml(classname), "name": _xml(case.name)})
    failing = [f for f in case.findings if f.confidence in FAILING]
    quiet = [f for f in case.findings if f.confidence not in FAILING]
    failures = errors = skipped = 0
    if case.errors:
        error = ET.SubElement(element, "error", {"type": "not-scanned", "message": _xml(case.errors[0])})
        error.text = _xml("\n".join(case.errors))
        errors = 1
    if failing:
        failure = ET.SubElement(element, "failure", {"type": "personal-data", "message": _xml(_summary(failing))})
        failure.text = _xml("\n".join(_line(f, show_samples) for f in failing))
        failures = 1
    if case.skipped is not None and not case.errors and not failing:
        ET.SubElement(element, "skipped", {"message": _xml(case.skipped)})
        skipped = 1
    if quiet:
        out = ET.SubElement(element, "system-out")
        out.text = _xml("low confidence, not failing:\n" + "\n".join(_line(f, show_samples) for f in quiet))
    return failures, errors, skipped


def _seconds(result: ScanResult) -> str:
    try:
        spent = dt.datetime.fromisoformat(result.finished_at) - dt.datetime.fromisoformat(result.started_at)
    except (TypeError, ValueError):
        return "0"
    return f"{max(spent.total_seconds(), 0.0):.3f}"


def _timestamp(text: str) -> str:
    """ISO 8601 in UTC without the offset, as the JUnit schema's timestamp pattern wants."""
    try:
        when = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return text
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when.isoformat(timespec="seconds")


def junit(result: ScanResult) -> ET.Element:
    """The JUnit document of a scan."""
    show_samples = not result.options.get("show_data")
    root = ET.Element("testsuites", {"name": _xml(result.tool.get("name", "pdscan"))})
    totals = [0, 0, 0, 0]  # tests, failures, errors, skipped
    for index, suite in enumerate(_suites(result)):
        element = ET.SubElement(
            root,
            "testsuite",
            {
                "name": _xml(suite.name),
                "id": str(index),
                "package": "pdscan",
                "timestamp": _timestamp(result.started_at),
            },
        )
        properties = ET.SubElement(element, "properties")
        for name, value in (
            ("pdscan.version", result.tool.get("version", "")),
            ("pdscan.rules_version", result.tool.get("rules_version", "")),
            ("pdscan.interrupted", str(result.interrupted).lower()),
        ):
            ET.SubElement(properties, "property", {"name": name, "value": _xml(value)})
        counts = [0, 0, 0, 0]
        for case in suite.cases.values():
            failures, errors, skipped = _testcase(element, suite.name, case, show_samples)
            for i, n in enumerate((1, failures, errors, skipped)):
                counts[i] += n
        for i, n in enumerate(counts):
            totals[i] += n
        element.attrib.update(
            {"tests": str(counts[0]), "failures": str(counts[1]), "errors": str(counts[2]), "skipped": str(counts[3])}
        )
        element.set("time", "0")
    root.attrib.update(
        {
            "tests": str(totals[0]),
            "failures": str(totals[1]),
            "errors": str(totals[2]),
            "skipped": str(totals[3]),
            "time": _seconds(result),
        }
    )
    return root


def render(result: ScanResult, stream: TextIO, style: ReportStyle | None = None) -> None:
    tree = ET.ElementTree(junit(result))
    ET.indent(tree)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    tree.write(stream, encoding="unicode", xml_declaration=False)
    stream.write("\n")
