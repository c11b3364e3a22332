"""What the Markdown and HTML reports show, computed once from a result (templates only lay it out)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pdscan import options as defaults
from pdscan.compliance.taxonomy import taxonomy
from pdscan.model import ScanResult, documents_summary


def _bars(counts: Counter[str], limit: int = 12) -> list[dict[str, Any]]:
    items = counts.most_common(limit)
    top = max((n for _, n in items), default=1)
    return [{"label": label, "value": n, "share": n / top} for label, n in items]


def report_context(result: ScanResult) -> dict[str, Any]:
    known = taxonomy()
    per_category: Counter[str] = Counter()
    per_source: Counter[str] = Counter()
    for finding in result.findings:
        for key in finding.categories or ["user"]:
            per_category[known.get(key).name if key in known else key] += 1
        per_source[finding.source] += 1
    findings = []
    for f in result.findings:
        findings.append(
            {
                **f.to_dict(),
                "where": f.location.display(with_column=False),
                "column": f.location.column or "",
                "declared_text": ", ".join(f.declared) if f.declared is not None else None,
                "undeclared": f.declared == ["UNDECLARED"],
                "high_risk": any(known.high_risk(k) for k in f.categories if k in known),
            }
        )
    rows = sum(t.rows_scanned for t in result.tables)
    return {
        "result": result,
        "tool": result.tool,
        "compliance": result.compliance.to_dict() if result.compliance is not None else None,
        "retention": [r.to_dict() for r in result.retention] if result.retention is not None else None,
        "findings": findings,
        "tables": [t.to_dict() | {"where": t.location.display(with_column=False)} for t in result.tables],
        "errors": [e.one_line() for e in result.errors],
        "skipped": [s.one_line() for s in result.skipped],
        "sampling": "every row (--full)"
        if result.options.get("full")
        else f"at most {result.options.get('sample_size', defaults.SAMPLE_SIZE)} rows per table",
        "rows": rows,
        "by_category": _bars(per_category),
        "by_source": _bars(per_source),
        "confidence": Counter(f.confidence for f in result.findings),
        "documents": documents_summary(result.documents()) if result.documents() else None,
    }
