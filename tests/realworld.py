"""The hand-labelled real-world columns (tests/data/realworld_columns.yaml), scored column by column the way a scan
scores a table: per entity, precision and recall of the findings at or above a confidence."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from pdscan.detect.core import DetectOptions, detect_batch
from pdscan.detect.findings import at_least
from pdscan.detect.rules import RuleSet, load_rules
from pdscan.engines.base import table_findings
from pdscan.model import Batch, Column, Location, TableInfo

DATA = Path(__file__).resolve().parent / "data" / "realworld_columns.yaml"


@dataclass
class Labelled:
    name: str
    values: list[str]
    expect: set[str]
    found: dict[str, str] = field(default_factory=dict)  # entity -> confidence


def columns(rules: RuleSet | None = None) -> list[Labelled]:
    rules = rules or load_rules()
    data: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    out = []
    for entry in data["columns"]:
        column = Labelled(entry["name"], [str(v) for v in entry["values"]], set(entry["expect"]))
        batch = Batch([Column(column.name, pa.array(column.values, pa.string()))], len(column.values))
        stats = detect_batch(batch, rules, DetectOptions())
        # Each column alone is its table: quasi-identifiers get no context from neighbours.
        info = TableInfo(source="realworld", location=Location(table=column.name))
        column.found = {f.entity: f.confidence for f in table_findings(info, stats, rules, "low")}
        out.append(column)
    return out


def precision_recall(labelled: list[Labelled], minimum: str = "low") -> dict[str, tuple[float, float, int, int, int]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for column in labelled:
        found = {e for e, c in column.found.items() if at_least(c, minimum)}
        for entity in found & column.expect:
            tp[entity] += 1
        for entity in found - column.expect:
            fp[entity] += 1
        for entity in column.expect - found:
            fn[entity] += 1
    out = {}
    for entity in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[entity] / (tp[entity] + fp[entity]) if tp[entity] + fp[entity] else 1.0
        r = tp[entity] / (tp[entity] + fn[entity]) if tp[entity] + fn[entity] else 1.0
        out[entity] = (p, r, tp[entity], fp[entity], fn[entity])
    return out
