"""The options of a scan (:class:`ScanOptions`): what the user chose, with the defaults of :mod:`pdscan.options`.

Kept apart from :mod:`pdscan.engines.base` so that the command line reads them at start-up without loading the
detector; the methods import what they build when called.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pdscan import options as defaults

if TYPE_CHECKING:
    from pdscan.detect.core import DetectOptions
    from pdscan.detect.rules import RuleSet
    from pdscan.sources.base import ReadOptions, SourceOptions


@dataclass(frozen=True)
class ScanOptions:
    sample_size: int = defaults.SAMPLE_SIZE
    full: bool = False  # scan every row instead of at most sample_size per table
    chunk_rows: int = defaults.CHUNK_ROWS
    include: tuple[str, ...] = ()  # gitignore patterns, see pdscan.sources.selection
    exclude: tuple[str, ...] = ()
    exclude_from: tuple[Path, ...] = ()
    patterns_base: Path | None = None  # the folder relative patterns are relative to (pdscan.toml's); None: cwd
    only: tuple[str, ...] = ()  # entities to look for (all when empty)
    except_: tuple[str, ...] = ()  # entities not to look for
    min_confidence: str = defaults.MIN_CONFIDENCE
    show_data: bool = False
    max_samples: int = defaults.MAX_SAMPLES
    rules_dirs: tuple[Path, ...] = ()
    ignore_file: Path | None = None  # an allow-list (.pdscanignore) of accepted findings
    ner_model: str | None = None  # a spaCy model for PERSON and LOCATION in free text (needs the presidio extra)
    schemas: tuple[str, ...] = ()  # database schema globs
    include_tables: tuple[str, ...] = ()
    exclude_tables: tuple[str, ...] = ()
    table_timeout: float = defaults.TABLE_TIMEOUT
    workers: int = defaults.WORKERS
    declaration: str | None = None  # a declaration file (or a shipped one by name) to compare the findings with
    engine: str = "local"  # a name in pdscan.engines.ENGINES: local, dask (pdscan[dask]), spark (pdscan[spark])
    scheduler: str | None = None  # dask: a scheduler address (tcp://host:8786); spark: a master URL (local[2])
    partition_rows: int = defaults.PARTITION_ROWS  # distributed --full: rows per partition of a table or Parquet file
    partition_bytes: int = defaults.PARTITION_BYTES  # distributed --full: bytes per block of a big CSV file
    ocr: bool = False  # documents: scanned PDF pages read by tesseract
    # The day retention periods are counted back from (ISO date); None: $PDSCAN_NOW, else today. Tests fix it.
    now: str | None = None

    # The methods import what they build when called: the command line reads this class's defaults at start-up,
    # before it knows whether a scan (and its detector) will run.

    def read_options(self, rules: RuleSet) -> ReadOptions:
        from pdscan.detect.dates import date_columns
        from pdscan.sources.base import ReadOptions

        dated = date_columns()

        def wants_column(name: str) -> bool:
            # Numbers, dates and flags are fetched from a database only when a rule's column names speak for them,
            # or (dates) when the name says when the row was created or last used: retention hints need those.
            return any(rule.name_evidence(name).supports for rule in rules) or dated.role(name) is not None

        return ReadOptions(
            limit=None if self.full else self.sample_size, chunk_rows=self.chunk_rows, wants_column=wants_column
        )

    def detect_options(self) -> DetectOptions:
        from pdscan.detect.core import DetectOptions
        from pdscan.detect.dates import date_columns

        return DetectOptions(
            max_samples=self.max_samples,
            show_data=self.show_data,
            ner_model=self.ner_model,
            date_columns=date_columns(),
        )

    def source_options(self) -> SourceOptions:
        from pdscan.sources.base import SourceOptions

        return SourceOptions(
            include=self.include,
            exclude=self.exclude,
            exclude_from=self.exclude_from,
            patterns_base=self.patterns_base,
            schemas=self.schemas,
            include_tables=self.include_tables,
            exclude_tables=self.exclude_tables,
            table_timeout=self.table_timeout,
            workers=self.workers,
            ocr=self.ocr,
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["except"] = out.pop("except_")
        out["rules_dirs"] = [str(p) for p in self.rules_dirs]
        out["ignore_file"] = str(self.ignore_file) if self.ignore_file else None
        out["exclude_from"] = [str(p) for p in self.exclude_from]
        out["patterns_base"] = str(self.patterns_base) if self.patterns_base else None
        for key in ("include", "exclude", "only", "except", "schemas", "include_tables", "exclude_tables"):
            out[key] = list(out[key])
        return out
