"""The scan: sources -> tables -> batches -> detector -> merged statistics -> findings -> :class:`ScanResult`.

This is the library entry point the CLI wraps. The engine named in the options (:data:`pdscan.engines.ENGINES`)
reads the sources; errors in one file, sheet or table become error entries and the scan goes on; a
KeyboardInterrupt stops it and returns what was scanned so far, marked ``interrupted``. Every engine ends in the
same finishing step (:func:`pdscan.engines.base.finish`).
"""

from __future__ import annotations

from collections.abc import Sequence

from pdscan.detect.rules import RuleSet
from pdscan.engines import engine_for
from pdscan.engines.base import Progress, ScanContext, ScanOptions, finish
from pdscan.model import ScanResult

__all__ = ["Progress", "ScanOptions", "scan"]


def scan(
    sources: Sequence[str],
    options: ScanOptions | None = None,
    rules: RuleSet | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan every source and return the result. Raises only for usage errors (bad rules, unknown entities)."""
    options = options or ScanOptions()
    engine = engine_for(options.engine)
    context = ScanContext.start(options, rules, progress)
    try:
        engine.run(context, sources)
    except KeyboardInterrupt:
        context.result.interrupted = True
    return finish(context)
