"""The scan: sources -> tables -> batches -> detector -> merged statistics -> findings -> :class:`ScanResult`.

This is the library entry point the CLI wraps. The engine named in the options (:data:`pdscan.engines.ENGINES`)
reads the sources; errors in one file, sheet or table become error entries and the scan goes on; a
KeyboardInterrupt stops it and returns what was scanned so far, marked ``interrupted``. Every engine ends in the
same finishing step (:func:`pdscan.engines.base.finish`); with a declaration that has retention periods, the
retention pass (:mod:`pdscan.engines.retention`) then counts every row of each table of a group by age.
"""

from __future__ import annotations

from collections.abc import Sequence

from pdscan.detect.rules import RuleSet
from pdscan.engines import engine_for
from pdscan.engines.base import Progress, ScanContext, ScanOptions, finish
from pdscan.engines.retention import check_retention, reference_day
from pdscan.errors import SourceError
from pdscan.model import ScanResult
from pdscan.sources import open_source
from pdscan.sources.base import SourceOptions

__all__ = ["Progress", "ScanOptions", "check_sources", "scan"]


def check_sources(sources: Sequence[str], options: SourceOptions | None = None) -> dict[str, SourceError]:
    """Open every source named on the command line (and connect to each database) before anything is scanned.

    Returns the error of each source (as given) that does not exist or cannot be opened, in the order given, so
    the caller can stop the run before scanning half of it (or, with --keep-going, scan the rest and still fail).
    Each error names its source masked.
    """
    failed: dict[str, SourceError] = {}
    for spec in dict.fromkeys(sources):
        try:
            source = open_source(spec, options or SourceOptions())
        except SourceError as exc:
            failed[spec] = exc
            continue
        try:
            source.check()
        except SourceError as exc:
            failed[spec] = exc
        finally:
            source.close()
    return failed


def scan(
    sources: Sequence[str],
    options: ScanOptions | None = None,
    rules: RuleSet | None = None,
    progress: Progress | None = None,
    failed: Sequence[SourceError] = (),
) -> ScanResult:
    """Scan every source and return the result. Raises only for usage errors (bad rules, unknown entities).

    ``failed``: sources :func:`check_sources` could not open, recorded as not scanned (``--keep-going``).
    """
    options = options or ScanOptions()
    engine = engine_for(options.engine)
    context = ScanContext.start(options, rules, progress)
    declaration = context.declaration
    # Retention periods are counted back from one day, fixed before anything is read (a bad $PDSCAN_NOW: usage).
    today = reference_day(options) if declaration is not None and declaration.retention_periods else None
    for exc in failed:
        context.source_failed(exc)
    try:
        engine.run(context, sources)
    except KeyboardInterrupt:
        context.result.interrupted = True
    result = finish(context)
    if declaration is not None and today is not None and not result.interrupted:
        check_retention(result, sources, options, declaration, today)
    return result
