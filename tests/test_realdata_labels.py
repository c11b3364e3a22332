"""The real-data benchmark's manifest and labels (bench/realdata) stay consistent: every labelled file has its
source, every label names a known entity, and the split holds out half the files. The files themselves are not in
the repository; bench/realdata/score.py scores them from the cache."""

from __future__ import annotations

from pathlib import Path

import yaml

from pdscan.detect.rules import load_rules

BENCH = Path(__file__).resolve().parent.parent / "bench" / "realdata"
# Entities the labels may name beyond the rules': other countries' postal codes are tolerated, never expected.
TOLERATED_ONLY = {"POSTAL_CODE"}


def test_manifest_and_labels_agree() -> None:
    manifest = yaml.safe_load((BENCH / "manifest.yaml").read_text(encoding="utf-8"))
    labels = yaml.safe_load((BENCH / "labels.yaml").read_text(encoding="utf-8"))
    ids = [m["id"] for m in manifest]
    assert len(ids) == len(set(ids)) >= 40
    assert [entry["id"] for entry in labels] == ids
    for entry in manifest:
        assert len(entry["commit"]) == 40 and entry["repo"].count("/") == 1, entry["id"]
        assert entry["kind"] in ("table", "document") and entry["split"] in ("tune", "test"), entry["id"]
    splits = [m["split"] for m in manifest]
    assert abs(splits.count("tune") - splits.count("test")) <= 1


def test_labels_name_known_entities_and_never_list_one_twice() -> None:
    known = set(load_rules().entities)
    for entry in yaml.safe_load((BENCH / "labels.yaml").read_text(encoding="utf-8")):
        for unit in entry["units"] or []:
            assert ("column" in unit) != ("document" in unit), entry["id"]
            lists = [set(unit.get(k) or []) for k in ("expected", "org_contact", "tolerated")]
            assert not (lists[0] & lists[1] or lists[0] & lists[2] or lists[1] & lists[2]), (entry["id"], unit)
            assert lists[0] | lists[1] <= known, (entry["id"], unit)
            assert lists[2] <= known | TOLERATED_ONLY, (entry["id"], unit)
