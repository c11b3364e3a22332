"""Engines: where a scan's tables are read and detected. Adding one = a module with an :class:`Engine` class and
one line in :data:`ENGINES` (which feeds the CLI's ``--engine`` choices)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from pdscan.errors import UsageError

if TYPE_CHECKING:  # the command line reads ENGINES at start-up, before it knows a scan will run
    from pdscan.engines.base import Engine

# name -> "module:class". An engine's module is imported when it is chosen: the distributed engines plan database
# partitions, so importing them loads SQLAlchemy, which a local scan of files does without.
ENGINES: dict[str, str] = {
    "local": "pdscan.engines.local:LocalEngine",
    "dask": "pdscan.engines.dask:DaskEngine",
    "spark": "pdscan.engines.spark:SparkEngine",
}


def engine_class(name: str) -> type[Engine]:
    try:
        module, attribute = ENGINES[name].split(":")
    except KeyError:
        raise UsageError(f"unknown engine '{name}'; choose {', '.join(ENGINES)}") from None
    engine: type[Engine] = getattr(importlib.import_module(module), attribute)
    return engine


def engine_for(name: str) -> Engine:
    return engine_class(name)()
