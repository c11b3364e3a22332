"""Engines: where a scan's tables are read and detected. Adding one = a module with an :class:`Engine` class and
one line in :data:`ENGINES` (which feeds the CLI's ``--engine`` choices)."""

from __future__ import annotations

from pdscan.engines.base import Engine
from pdscan.engines.dask import DaskEngine
from pdscan.engines.local import LocalEngine
from pdscan.engines.spark import SparkEngine
from pdscan.errors import UsageError

ENGINES: dict[str, type[Engine]] = {
    LocalEngine.name: LocalEngine,
    DaskEngine.name: DaskEngine,
    SparkEngine.name: SparkEngine,
}


def engine_for(name: str) -> Engine:
    try:
        return ENGINES[name]()
    except KeyError:
        raise UsageError(f"unknown engine '{name}'; choose {', '.join(ENGINES)}") from None
