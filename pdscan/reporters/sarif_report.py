"""``--format sarif``: SARIF 2.1.0, so that findings show in code-scanning UIs (GitHub, GitLab, Azure DevOps).

- one rule per entity (``ruleId`` is the entity name), described by the data categories it was found under;
- one result per finding, ``level`` from the confidence (high: ``error``, medium: ``warning``, low: ``note``);
- files: ``physicalLocation.artifactLocation.uri`` is the path inside the scanned folder (percent-encoded), with a
  ``uriBaseId`` per source that ``run.originalUriBaseIds`` resolves to the folder (relative ones to ``%SRCROOT%``,
  where the consumer checked the repository out); a sheet, an archive member or a column is a ``logicalLocation``;
- databases: the artifact is the database URL (without its password), the schema, table and column a
  ``logicalLocation`` of kind ``column`` or ``table``;
- what could not be read is an ``invocations[].toolExecutionNotifications`` entry (errors) or note (skipped files).

Messages carry counts and the masked samples; when the scan showed raw values (``--show-data``) SARIF, which is
made to be uploaded and shared, leaves the samples out.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from typing import Any, TextIO
from urllib.parse import quote

from pdscan.compliance.compare import UNDECLARED
from pdscan.compliance.taxonomy import taxonomy
from pdscan.model import Finding, Location, ScanResult, SourceSummary
from pdscan.reporters.style import ReportStyle

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"high": "error", "medium": "warning", "low": "note"}
SRCROOT = "%SRCROOT%"
# Characters kept as they are in a path URI; everything else (spaces, ä, #, ?, %, and ':', which would make
# "a:b.csv" read as a scheme) is percent-encoded.
_PATH_SAFE = "/-._~!$&'()*+,;=@"


def _information_uri() -> str | None:
    """The project's home page from the installed package's metadata, when it declares one."""
    try:
        meta = metadata.metadata("pdscan")
    except metadata.PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or []:
        url = str(entry).partition(",")[2].strip()
        if url.startswith(("https://", "http://")):
            return url
    home = next(iter(meta.get_all("Home-page") or []), "")  # absent from metadata 2.2+ without a home page
    return home if str(home).startswith(("https://", "http://")) else None


def _utc(timestamp: str) -> str:
    return timestamp[:-6] + "Z" if timestamp.endswith("+00:00") else timestamp


def _is_url(text: str) -> bool:
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum()


def _path_uri(path: str) -> dict[str, str]:
    """The artifactLocation of a path or URL as a source names it (a folder ends in '/', as SARIF wants of a base)."""
    path = path.replace("\\", "/")
    if _is_url(path):
        return {"uri": quote(path, safe=_PATH_SAFE + ":%?#[]")}
    if path.startswith("/"):
        return {"uri": "file://" + quote(path, safe=_PATH_SAFE)}
    return {"uri": quote(path.removeprefix("./"), safe=_PATH_SAFE) or "./", "uriBaseId": SRCROOT}


class _Bases:
    """One uriBaseId per scanned folder (a single-file source: the folder that holds it)."""

    def __init__(self, result: ScanResult) -> None:
        self.kinds: dict[str, str] = {s.source: s.kind for s in result.sources}
        self.ids: dict[str, str] = {}
        self.folders: dict[str, dict[str, str]] = {}

    def folder(self, source: str, file: str) -> str | None:
        """The folder a file's path is relative to, or None when the file is not under its source."""
        kind = self.kinds.get(source)
        if kind == "file" or (kind is None and file == source):
            return source.rsplit("/", 1)[0] + "/" if "/" in source.rstrip("/") else "./"
        prefix = source.rstrip("/") + "/"
        if file.startswith(prefix):
            return prefix
        return None

    def location(self, source: str, file: str) -> dict[str, str]:
        container = file.split("!", 1)[0]  # an archive member or attachment: its container is the artifact
        folder = self.folder(source, container)
        if folder is None:  # not under its source: as it is named
            return _path_uri(container)
        relative = container[len(folder) :] if container.startswith(folder) else container
        base = self.ids.get(folder)
        if base is None:
            base = f"SOURCE{len(self.ids) + 1}"
            self.ids[folder] = base
            self.folders[base] = _path_uri(folder)
        return {"uri": quote(relative.replace("\\", "/"), safe=_PATH_SAFE), "uriBaseId": base}


def _logical(finding: Finding) -> dict[str, str] | None:
    loc: Location = finding.location
    member = loc.file.split("!", 1)[1] if loc.file and "!" in loc.file else None
    name, kind = None, None
    for value, what in ((member, "member"), (loc.sheet, "sheet"), (loc.table, "table"), (loc.column, "column")):
        if value:
            name, kind = value, what
    if name is None or kind is None:
        return None
    qualified = loc.display() if loc.file else ".".join(p for p in (loc.schema, loc.table, loc.column) if p)
    return {"name": name, "fullyQualifiedName": qualified, "kind": kind}


def _location(finding: Finding, bases: _Bases, summary: SourceSummary | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if finding.location.file:
        out["physicalLocation"] = {"artifactLocation": bases.location(finding.source, finding.location.file)}
    elif summary is None or summary.kind == "database" or _is_url(finding.source):
        out["physicalLocation"] = {"artifactLocation": _path_uri(finding.source)}
    logical = _logical(finding)
    if logical is not None:
        out["logicalLocations"] = [logical]
    return out


def _category_names(keys: list[str]) -> list[str]:
    known = taxonomy()
    return list(dict.fromkeys(known.get(k).name if k in known else k for k in keys))


def _message(finding: Finding, show_samples: bool) -> str:
    where = finding.location.display()
    categories = _category_names(finding.categories)
    text = f"{finding.entity}" + (f" ({', '.join(categories)})" if categories else "")
    text += (
        f" in {where}: {finding.match_count} of {finding.values_scanned} values match,"
        f" {finding.rows_scanned} rows read, {finding.confidence} confidence."
    )
    if finding.declared is not None:
        declared = [d for d in finding.declared if d != UNDECLARED]
        text += f" Declared as: {', '.join(declared)}." if declared else " Not declared in the privacy notice."
    if show_samples and finding.samples:
        text += f" Samples (masked): {', '.join(finding.samples)}."
    return text


def _rules(result: ScanResult) -> list[dict[str, Any]]:
    categories: dict[str, dict[str, None]] = {}
    for f in result.findings:
        categories.setdefault(f.entity, {}).update(dict.fromkeys(f.categories))
    rules = []
    for entity in sorted(categories):
        keys = list(categories[entity])
        names = _category_names(keys)
        described = f" ({', '.join(names)})" if names else ""
        rule: dict[str, Any] = {
            "id": entity,
            "name": entity,
            "shortDescription": {"text": f"Personal data: {entity}{described}"},
            "fullDescription": {
                "text": f"Values of {entity}{described} were found. Personal data needs a purpose, a legal basis "
                "and a retention period (GDPR Art. 5, 6 and 30): declare it, minimise it or remove it."
            },
            "defaultConfiguration": {"level": "warning"},
            "properties": {"tags": ["privacy", "personal-data", *keys], "categories": keys},
        }
        rules.append(rule)
    return rules


def _notifications(result: ScanResult) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for error in result.errors:
        note: dict[str, Any] = {"level": "error", "message": {"text": error.one_line()}}
        out.append(note)
    for skipped in result.skipped:
        out.append({"level": "note", "message": {"text": f"skipped {skipped.one_line()}"}})
    if result.interrupted:
        out.append({"level": "error", "message": {"text": "the scan was interrupted: not everything was read"}})
    return out


def sarif(result: ScanResult) -> dict[str, Any]:
    """The SARIF log of a scan, as a JSON-ready dict."""
    show_samples = not result.options.get("show_data")
    summaries = {s.source: s for s in result.sources}
    bases = _Bases(result)
    rules = _rules(result)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for f in result.findings:
        properties: dict[str, Any] = {
            "source": f.source,
            "confidence": f.confidence,
            "score": round(f.score, 3),
            "matchCount": f.match_count,
            "valuesScanned": f.values_scanned,
            "rowsScanned": f.rows_scanned,
            "categories": list(f.categories),
            "reasons": list(f.reasons),
        }
        if show_samples:
            properties["samples"] = list(f.samples)
        if f.declared is not None:
            properties["declared"] = list(f.declared)
        if f.parts is not None:
            properties["parts"] = list(f.parts)
        results.append(
            {
                "ruleId": f.entity,
                "ruleIndex": index[f.entity],
                "level": LEVELS.get(f.confidence, "warning"),
                "message": {"text": _message(f, show_samples)},
                "locations": [_location(f, bases, summaries.get(f.source))],
                "partialFingerprints": {"pdscanFingerprint/v1": hashlib.sha256(f.fingerprint.encode()).hexdigest()},
                "properties": properties,
            }
        )
    tool = result.tool
    driver: dict[str, Any] = {"name": tool.get("name", "pdscan"), "rules": rules}
    if tool.get("version"):
        driver["version"] = driver["semanticVersion"] = tool["version"]
    uri = _information_uri()
    if uri:
        driver["informationUri"] = uri
    if tool.get("rules_version"):
        driver["properties"] = {"rulesVersion": tool["rules_version"]}
    invocation: dict[str, Any] = {
        "executionSuccessful": not result.interrupted and not any(e.location is None for e in result.errors),
        "startTimeUtc": _utc(result.started_at),
        "endTimeUtc": _utc(result.finished_at),
        "toolExecutionNotifications": _notifications(result),
        "properties": {"sources": [s.to_dict() for s in result.sources], "options": dict(result.options)},
    }
    run: dict[str, Any] = {"tool": {"driver": driver}, "invocations": [invocation], "results": results}
    if bases.folders:
        run["originalUriBaseIds"] = dict(bases.folders)
    run["properties"] = {"tablesScanned": len(result.tables), "suppressed": len(result.suppressed)}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render(result: ScanResult, stream: TextIO, style: ReportStyle | None = None) -> None:
    text = json.dumps(sarif(result), indent=2, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates of undecodable file names: escaped, still valid JSON
        text = json.dumps(sarif(result), indent=2)
    stream.write(text + "\n")
