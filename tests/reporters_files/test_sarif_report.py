"""``--format sarif``: valid SARIF 2.1.0 (the OASIS schema, tests/data/sarif/), one rule per entity, one result per
finding, URIs relative to the scanned folder and percent-encoded, databases as logical locations."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
from reporter_results import DATABASE, ODD_COLUMN, ODD_FILE, RAW_EMAIL, made_up

from pdscan.model import ScanResult
from pdscan.reporters import REPORTERS
from pdscan.reporters.style import ReportStyle
from pdscan.scan import scan

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "data" / "sarif"


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMA_DIR / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _sarif(result: ScanResult, validator: jsonschema.protocols.Validator) -> dict[str, Any]:
    stream = io.StringIO()
    REPORTERS["sarif"].render(result, stream, ReportStyle())
    doc: dict[str, Any] = json.loads(stream.getvalue())
    errors = sorted(validator.iter_errors(doc), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    assert doc["version"] == "2.1.0"
    assert len(doc["runs"]) == 1
    return doc


def _artifacts(run: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        loc["physicalLocation"]["artifactLocation"]
        for result in run["results"]
        for loc in result["locations"]
        if "physicalLocation" in loc
    ]


def _check_run(run: dict[str, Any], result: ScanResult) -> None:
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({f.entity for f in result.findings})  # one rule per entity
    assert len(run["results"]) == len(result.findings)
    levels = {"high": "error", "medium": "warning", "low": "note"}
    for sarif_result, finding in zip(run["results"], result.findings, strict=True):
        assert sarif_result["ruleId"] == finding.entity == rules[sarif_result["ruleIndex"]]["id"]
        assert sarif_result["level"] == levels[finding.confidence]
        text = sarif_result["message"]["text"]
        assert f"{finding.match_count} of {finding.values_scanned} values" in text
        assert finding.entity in text and finding.confidence in text
    for artifact in _artifacts(run):
        assert artifact["uri"].isascii() and " " not in artifact["uri"], artifact  # percent-encoded
        if "uriBaseId" in artifact and artifact["uriBaseId"] != "%SRCROOT%":
            assert artifact["uriBaseId"] in run["originalUriBaseIds"]
    for base in run.get("originalUriBaseIds", {}).values():
        assert base["uri"].endswith("/")


def test_the_sample_data_scan_is_valid_sarif(
    sample_result: ScanResult, declared_result: ScanResult, validator: jsonschema.protocols.Validator
) -> None:
    run = _sarif(sample_result, validator)["runs"][0]
    _check_run(run, sample_result)
    driver = run["tool"]["driver"]
    assert driver["name"] == "pdscan" and driver["version"] == sample_result.tool["version"]
    # The folder was given as `sample_data`: paths inside it, the folder relative to where the repository is.
    assert run["originalUriBaseIds"] == {"SOURCE1": {"uri": "sample_data/", "uriBaseId": "%SRCROOT%"}}
    uris = {a["uri"] for a in _artifacts(run)}
    assert "crm_contacts.csv" in uris and "hakemukset/hakemus_rantanen.eml" in uris  # an attachment: its mail
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["startTimeUtc"].endswith("Z")
    assert len(invocation["toolExecutionNotifications"]) == len(sample_result.skipped)

    declared = _sarif(declared_result, validator)["runs"][0]
    _check_run(declared, declared_result)
    base = declared["originalUriBaseIds"]["SOURCE1"]["uri"]
    assert base.startswith("file:///") and base.endswith("/sample_data/")  # an absolute folder: a file URI
    assert any("Not declared in the privacy notice." in r["message"]["text"] for r in declared["results"])
    assert any(r["properties"].get("declared") == ["UNDECLARED"] for r in declared["results"])


def test_files_databases_and_odd_names(made_up_result: ScanResult, validator: jsonschema.protocols.Validator) -> None:
    doc = _sarif(made_up_result, validator)
    run = doc["runs"][0]
    _check_run(run, made_up_result)
    results = run["results"]
    odd = results[0]["locations"][0]
    artifact = odd["physicalLocation"]["artifactLocation"]
    assert artifact["uriBaseId"] == "SOURCE1"
    assert unquote(artifact["uri"]) == ODD_FILE.removeprefix("exports/")  # inside the folder, every character kept
    assert "%23" in artifact["uri"] and "%0A" in artifact["uri"]  # '#' and a newline escaped
    assert odd["logicalLocations"][0]["name"] == ODD_COLUMN
    assert run["originalUriBaseIds"]["SOURCE1"] == {"uri": "exports/", "uriBaseId": "%SRCROOT%"}

    member = results[3]["locations"][0]
    assert member["physicalLocation"]["artifactLocation"]["uri"] == "hakemukset.zip"  # the archive is the artifact
    assert member["logicalLocations"][0]["fullyQualifiedName"] == "exports/hakemukset.zip!hakemus ö.csv :: hetu"

    database = results[5]["locations"][0]
    assert database["physicalLocation"]["artifactLocation"]["uri"] == DATABASE
    assert database["logicalLocations"] == [
        {"name": "henkilötunnus", "fullyQualifiedName": "public.asiakkaat.henkilötunnus", "kind": "column"}
    ]
    assert results[4]["properties"]["parts"] == ["page 1", "page 2"]
    assert len({r["partialFingerprints"]["pdscanFingerprint/v1"] for r in results}) == len(results)

    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False  # a source could not be opened
    notes = invocation["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "error", "error", "note", "note"]


def test_raw_values_never_reach_sarif(validator: jsonschema.protocols.Validator) -> None:
    # With --show-data the samples are raw: SARIF, made to be uploaded and shared, leaves them out.
    masked = json.dumps(_sarif(made_up(), validator), ensure_ascii=False)
    assert "m***@example.fi" in masked
    raw = json.dumps(_sarif(made_up(show_data=True), validator), ensure_ascii=False)
    assert RAW_EMAIL not in raw and "samples" not in raw


def test_single_files_and_absolute_folders(tmp_path: Path, validator: jsonschema.protocols.Validator) -> None:
    folder = tmp_path / "vanhat tiedot ä"
    folder.mkdir()
    (folder / "asiakkaat #1.csv").write_text(
        "nimi,sähköposti\nMatti Virtanen,matti.virtanen@example.fi\nLiisa Laine,liisa.laine@example.fi\n"
        "Anna Korhonen,anna.korhonen@example.fi\n",
        encoding="utf-8",
    )
    for source in (folder, folder / "asiakkaat #1.csv"):  # a single file: relative to the folder that holds it
        result = scan([str(source)])
        assert result.findings
        run = _sarif(result, validator)["runs"][0]
        _check_run(run, result)
        artifact = _artifacts(run)[0]
        assert artifact["uri"] == "asiakkaat%20%231.csv"
        base = run["originalUriBaseIds"][artifact["uriBaseId"]]["uri"]
        assert unquote(base) == f"file://{folder}/"
        assert RAW_EMAIL not in json.dumps(run, ensure_ascii=False)


def test_the_schema_catches_a_broken_log(made_up_result: ScanResult, validator: jsonschema.protocols.Validator) -> None:
    doc = _sarif(made_up_result, validator)
    doc["runs"][0]["results"][0]["level"] = "fatal"
    del doc["runs"][0]["tool"]["driver"]["name"]
    assert len(list(validator.iter_errors(doc))) == 2
