"""Every option a command shares with another, or that a user may set once: declared here, once.

One entry per setting gives its flags, help, the commands that take it and its group. From this table come the click
options of every command (``options_for``), the keys of ``pdscan.toml`` / ``[tool.pdscan]`` (the long flag's name,
one table per command: ``[scan]`` ``exclude = ["data/hakemukset/"]``), the environment variables (``PDSCAN_`` and the
key in capitals: ``PDSCAN_SAMPLE_SIZE=500``) and ``pdscan config show``. Defaults of the scan's own options live on
:class:`~pdscan.engines.base.ScanOptions` and are read from there, so they too are written once.

Options that only make sense on one command line (the identifiers of ``find``, the runs of ``diff``) stay on their
command; ``tests/cli/test_settings.py`` fails if any other option is declared twice.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from pdscan.compliance.allowlist import DEFAULT_FILE as DEFAULT_IGNORE
from pdscan.engines import ENGINES
from pdscan.engines.options import ScanOptions
from pdscan.inventory.paths import ENV_VAR as INVENTORY_ENV
from pdscan.inventory.paths import default_inventory_path
from pdscan.model import CONFIDENCE_LEVELS
from pdscan.reporters import DIFF_FORMATS, FIND_FORMATS, PERIODIC_FORMATS, REPORTERS
from pdscan.reporters.style import CSV_DIALECTS, LANGUAGES


class Group(enum.Enum):
    SOURCE = "source"  # what is read
    DETECTION = "detection"  # what is looked for and how
    OUTPUT = "output"  # what the user gets: format, language, exit code
    INVENTORY = "inventory"  # where runs and searches are recorded
    RUN = "run"  # where and how the work runs


FROM_SCAN_OPTIONS = object()  # the default is the ScanOptions field's


def _split(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """``--only A,B --only C`` -> (A, B, C)."""
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


@dataclass(frozen=True)
class Setting:
    flags: tuple[str, ...]  # as click takes them: ("-f", "--format"), ("--color/--no-color",)
    dest: str  # the parameter's Python name (a ScanOptions field for the scan's own options)
    help: str
    commands: tuple[str, ...]  # command paths: "scan", "find", "rules list"
    group: Group
    type: click.ParamType[Any] | None = None
    default: Any = None
    multiple: bool = False
    is_flag: bool = False
    metavar: str | None = None
    callback: Callable[..., Any] | None = None
    show_default: bool = False
    relative: bool = False  # a path (or paths) written in pdscan.toml is relative to that file's folder
    config: bool = True  # settable in pdscan.toml and the environment (not for one-off values)
    env: bool = True  # read from PDSCAN_<KEY> (False where that name already means something else)
    per_command: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # help, type or default per command
    extra: Mapping[str, Any] = field(default_factory=dict)  # more click.option keywords (flag_value...)

    @property
    def key(self) -> str:
        """The name in pdscan.toml: the long flag without dashes (``sample-size``; ``color`` for --color/--no-color)."""
        long = next(f for f in self.flags if f.startswith("--"))
        return long.split("/")[0][2:]

    @property
    def env_var(self) -> str | None:
        return f"PDSCAN_{self.key.upper().replace('-', '_')}" if self.config and self.env else None

    def attribute(self, command: str, name: str) -> Any:
        return self.per_command.get(command, {}).get(name, getattr(self, name))

    def default_for(self, command: str) -> Any:
        default = self.attribute(command, "default")
        if default is FROM_SCAN_OPTIONS:
            return next(f for f in dataclasses.fields(ScanOptions) if f.name == self.dest).default
        if default is None and self.multiple:
            return ()
        if default is None and self.is_flag:
            return False
        return default

    def option(self, command: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        kwargs: dict[str, Any] = {
            "help": self.attribute(command, "help"),
            "multiple": self.multiple,
            "is_flag": self.is_flag or None,
            "metavar": self.metavar,
            "callback": self.callback,
            "show_default": self.show_default,
            **self.extra,
        }
        kind = self.attribute(command, "type")
        if kind is not None:
            kwargs["type"] = kind
        default = self.default_for(command)
        if default is not None:
            kwargs["default"] = default
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        return click.option(*self.flags, self.dest, **kwargs)


SCAN, FIND, REPORT = "scan", "find", "report"
_INVENTORY_COMMANDS = (SCAN, FIND, REPORT, "history", "diff", "audit")
_READERS = (SCAN, FIND)  # commands that read sources

SETTINGS: tuple[Setting, ...] = (
    # -- output ---------------------------------------------------------------------------------------------------
    Setting(
        ("-f", "--format"),
        "fmt",
        "Output format.",
        (SCAN, FIND, REPORT, "history", "diff", "audit", "config show"),
        Group.OUTPUT,
        type=click.Choice(sorted(REPORTERS)),
        default="text",
        show_default=True,
        per_command={
            FIND: {"type": click.Choice(sorted(FIND_FORMATS))},
            REPORT: {
                "type": click.Choice(sorted(set(REPORTERS) | set(PERIODIC_FORMATS))),
                "default": None,
                "help": "Output format (default: html with -o FILE, text on a terminal; the inventory report: html, "
                "markdown, json or text).",
            },
            "history": {"type": click.Choice(["text", "json"])},
            "diff": {"type": click.Choice(sorted(DIFF_FORMATS))},
            "audit": {"type": click.Choice(["text", "json"])},
            "config show": {"type": click.Choice(["text", "json"])},
        },
    ),
    Setting(
        ("-o", "--output"),
        "output",
        "Write the report to FILE instead of standard output (written whole or not at all).",
        (SCAN, REPORT, "declarations draft", "declarations ropa"),
        Group.OUTPUT,
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        metavar="FILE",
        relative=True,
        per_command={
            "declarations draft": {"help": "Write the draft here (default: stdout)."},
            "declarations ropa": {
                "help": "The file to write (required); its extension picks the format: .xlsx, .ods, .md or .html."
            },
        },
    ),
    Setting(
        ("--lang",),
        "lang",
        "Language of the report (find: of the reply in the --export package): fi, sv or en. Default: the "
        "declaration's notice language when one is given, else the locale ($LC_ALL, $LC_MESSAGES, $LANG), else "
        "English.",
        (SCAN, REPORT, FIND, "declarations ropa"),
        Group.OUTPUT,
        type=click.Choice(LANGUAGES),
        per_command={
            "declarations ropa": {"help": "Language of the headings: fi, sv or en (default: the notice's language)."}
        },
    ),
    Setting(
        ("-v", "--verbose"),
        "verbose",
        "Text report: every finding's reasons and masked samples under it.",
        (SCAN, REPORT),
        Group.OUTPUT,
        is_flag=True,
    ),
    Setting(
        ("--color/--no-color",),
        "color",
        "Colour in the text report (default: on a terminal, unless $NO_COLOR is set).",
        (SCAN, REPORT),
        Group.OUTPUT,
        default=None,
    ),
    Setting(
        ("--csv-dialect",),
        "csv_dialect",
        "CSV report: excel (',', UTF-8, CRLF) or excel-fi (';', UTF-8 with a BOM, CRLF: Finnish Excel).",
        (SCAN, REPORT),
        Group.OUTPUT,
        type=click.Choice(CSV_DIALECTS),
        default="excel",
        show_default=True,
    ),
    Setting(
        ("--fail-on",),
        "fail_on",
        "Exit with 1 when a finding has at least this confidence, with 'undeclared' when personal data the "
        "declaration does not cover is found, with 'retention' when rows are older than the declaration's "
        "retention period (for CI and cron).",
        (SCAN, REPORT, "diff"),
        Group.OUTPUT,
        type=click.Choice(["never", *CONFIDENCE_LEVELS, "undeclared", "retention"]),
        default="never",
        show_default=True,
        per_command={
            "diff": {
                "type": click.Choice(["never", "changes", "new", "undeclared"]),
                "help": "Exit with 1 on any change, on new personal-data locations or undeclared categories ('new'), "
                "or on new undeclared categories only.",
            },
            REPORT: {
                "type": click.Choice(["never", "undeclared", "retention"]),
                "help": "Exit with 1 when the scan holds personal data the declaration does not cover ('undeclared'), "
                "or rows older than a declared retention period ('retention', as the scan counted them).",
            },
        },
    ),
    Setting(
        ("--show-data",),
        "show_data",
        "Show raw sample values instead of masked ones. They are other people's personal data.",
        (*_READERS, "declarations draft"),
        Group.OUTPUT,
        is_flag=True,
        config=False,  # raw personal data is asked for each time, never by a file left in a folder
        per_command={
            FIND: {"help": "Show matched values unmasked in the output."},
            "declarations draft": {
                "help": "Quote the notice's sentences as written, personal data of people named in them included."
            },
        },
    ),
    Setting(
        ("--keep-going",),
        "keep_going",
        "When a SOURCE does not exist or cannot be opened, go on with the other sources (the run still exits with "
        "2). Without it such a source stops the run before anything is read.",
        _READERS,
        Group.OUTPUT,
        is_flag=True,
    ),
    Setting(
        ("--strict",),
        "strict",
        "Exit with 2 when any file was skipped or could not be read, even inside a folder (for CI).",
        (SCAN,),
        Group.OUTPUT,
        is_flag=True,
    ),
    Setting(
        ("-q", "--quiet"),
        "quiet",
        "No progress bar and no error lines on standard error.",
        _READERS,
        Group.OUTPUT,
        is_flag=True,
    ),
    # -- source ---------------------------------------------------------------------------------------------------
    Setting(
        ("--include",),
        "include",
        "In folders, read only files matching PATTERN (gitignore rules; repeatable), e.g. --include '*.csv'.",
        _READERS,
        Group.SOURCE,
        multiple=True,
        metavar="PATTERN",
    ),
    Setting(
        ("--exclude",),
        "exclude",
        "In folders, skip files and folders matching PATTERN (gitignore rules: 'hakemukset/', '*.log', "
        "'data/old/**'; repeatable).",
        _READERS,
        Group.SOURCE,
        multiple=True,
        metavar="PATTERN",
    ),
    Setting(
        ("--exclude-from",),
        "exclude_from",
        "Read exclude patterns from FILE (gitignore format, relative to FILE's folder; repeatable).",
        _READERS,
        Group.SOURCE,
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        multiple=True,
        metavar="FILE",
        relative=True,
    ),
    Setting(
        ("--schema",),
        "schemas",
        "Databases: read only schemas matching GLOB (repeatable; default every non-system schema).",
        _READERS,
        Group.SOURCE,
        multiple=True,
        metavar="GLOB",
    ),
    Setting(
        ("--include-table",),
        "include_tables",
        "Databases: scan only tables or views matching GLOB ('orders', 'crm.*'; repeatable).",
        (SCAN,),
        Group.SOURCE,
        multiple=True,
        metavar="GLOB",
    ),
    Setting(
        ("--exclude-table",),
        "exclude_tables",
        "Databases: skip tables or views matching GLOB (repeatable).",
        (SCAN,),
        Group.SOURCE,
        multiple=True,
        metavar="GLOB",
    ),
    Setting(
        ("--table-timeout",),
        "table_timeout",
        "Databases: a statement running longer is cancelled and its table skipped with that reason.",
        _READERS,
        Group.SOURCE,
        type=click.FloatRange(min=0.1),
        default=FROM_SCAN_OPTIONS,
        show_default=True,
        metavar="SECONDS",
        per_command={
            FIND: {
                "default": 600.0,
                "help": "Databases: a search statement running longer is cancelled and its table reported.",
            }
        },
    ),
    Setting(
        ("--ocr",),
        "ocr",
        "Documents: read scanned PDF pages (no text layer) with tesseract (apt-get install tesseract-ocr "
        "tesseract-ocr-fin). Without it such files are listed as 'no text layer (OCR not enabled)'.",
        (SCAN,),
        Group.SOURCE,
        is_flag=True,
    ),
    # -- detection ------------------------------------------------------------------------------------------------
    Setting(
        ("--sample-size",),
        "sample_size",
        "Rows scanned per table, sheet or file (the first rows of files).",
        (SCAN,),
        Group.DETECTION,
        type=click.IntRange(min=1),
        default=FROM_SCAN_OPTIONS,
        show_default=True,
    ),
    Setting(("--full",), "full", "Scan every row instead of a sample.", (SCAN,), Group.DETECTION, is_flag=True),
    Setting(
        ("--chunk-rows",),
        "chunk_rows",
        "Rows read at a time: bounds memory on big files and tables.",
        (SCAN,),
        Group.DETECTION,
        type=click.IntRange(min=100),
        default=FROM_SCAN_OPTIONS,
        show_default=True,
    ),
    Setting(
        ("--only",),
        "only",
        "Look only for these entities, e.g. --only EMAIL_ADDRESS,PHONE_NUMBER.",
        (SCAN,),
        Group.DETECTION,
        multiple=True,
        callback=_split,
        metavar="ENTITY,...",
    ),
    Setting(
        ("--except",),
        "except_",
        "Do not look for these entities.",
        (SCAN,),
        Group.DETECTION,
        multiple=True,
        callback=_split,
        metavar="ENTITY,...",
    ),
    Setting(
        ("--min-confidence",),
        "min_confidence",
        "Report only findings at or above this confidence.",
        (SCAN,),
        Group.DETECTION,
        type=click.Choice(CONFIDENCE_LEVELS),
        default=FROM_SCAN_OPTIONS,
        show_default=True,
    ),
    Setting(
        ("--declaration",),
        "declaration",
        "A declaration of the privacy notice (YAML) to compare the findings with: a file, or a shipped example by "
        "name (entrack, entteri). Adds 'declared as' to every finding and the gaps to the report.",
        (SCAN, REPORT, FIND, "diff"),
        Group.DETECTION,
        metavar="FILE",
        per_command={
            FIND: {"help": "The privacy notice: purposes, recipients and retention in the export's summary."},
            "diff": {
                "help": "Compare both runs with this declaration for new undeclared categories (default: what each "
                "run used)."
            },
        },
    ),
    Setting(
        ("--rules",),
        "rules_dirs",
        "Also load the YAML rules in DIR (a rule with an existing id replaces the built-in one).",
        (SCAN, "rules list", "rules test"),
        Group.DETECTION,
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        multiple=True,
        metavar="DIR",
        relative=True,
    ),
    Setting(
        ("--ignore-file",),
        "ignore_file",
        f"Allow-list of accepted findings (default: {DEFAULT_IGNORE} in the current folder, when present).",
        (SCAN,),
        Group.DETECTION,
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        relative=True,
    ),
    Setting(
        ("--ner",),
        "ner_model",
        "Also run a spaCy NER model (name or path, e.g. fi_core_news_md) over free text for names and places.",
        (SCAN,),
        Group.DETECTION,
        metavar="MODEL",
    ),
    # -- inventory ------------------------------------------------------------------------------------------------
    Setting(
        ("--inventory",),
        "inventory",
        f"Store the run in this inventory (history, diff, periodic reports). A SQLAlchemy URL or a file path; "
        f"alone, ${INVENTORY_ENV} or {default_inventory_path()}.",
        (*_INVENTORY_COMMANDS, "declarations ropa"),
        Group.INVENTORY,
        metavar="URL",
        env=False,  # $PDSCAN_INVENTORY says where the inventory is, not that every run is stored
        extra={"is_flag": False, "flag_value": ""},
        per_command={
            "declarations ropa": {
                "help": "Add where each category is stored and when it was last seen, from this inventory's latest "
                f"runs. A SQLAlchemy URL or a file path; alone, ${INVENTORY_ENV} or {default_inventory_path()}."
            },
            FIND: {
                "help": "The inventory: the search is recorded in its audit log, and with no SOURCES the sources of "
                f"its latest runs are searched. A SQLAlchemy URL or a file path; alone, ${INVENTORY_ENV} or "
                f"{default_inventory_path()}."
            },
            REPORT: {
                "help": "Build the periodic inventory report from this inventory instead of a saved scan. A "
                f"SQLAlchemy URL or a file path; alone, ${INVENTORY_ENV} or {default_inventory_path()}."
            },
            **{
                c: {
                    "help": f"The inventory to read. A SQLAlchemy URL or a file path; alone, ${INVENTORY_ENV} or "
                    f"{default_inventory_path()}."
                }
                for c in ("history", "diff", "audit")
            },
        },
    ),
    # -- run ------------------------------------------------------------------------------------------------------
    Setting(
        ("--workers",),
        "workers",
        "Tables scanned at once (database connections in the pool).",
        (SCAN,),
        Group.RUN,
        type=click.IntRange(min=1, max=64),
        default=FROM_SCAN_OPTIONS,
        show_default=True,
    ),
    Setting(
        ("--engine",),
        "engine",
        "Where tables and partitions are scanned: this process, a Dask cluster (the dask extra: pip install "
        "'.[dask]' in the pdscan checkout) or Spark (the spark extra).",
        (SCAN,),
        Group.RUN,
        type=click.Choice(list(ENGINES)),
        default=FROM_SCAN_OPTIONS,
        show_default=True,
    ),
    Setting(
        ("--scheduler",),
        "scheduler",
        "With --engine dask: the scheduler to run on (tcp://host:8786), default a local cluster with one worker per "
        "core; with --engine spark: the master URL (local[2], spark://host:7077), default Spark's own.",
        (SCAN,),
        Group.RUN,
        metavar="ADDRESS",
    ),
)

BY_KEY = {s.key: s for s in SETTINGS}


def settings_for(command: str) -> list[Setting]:
    return [s for s in SETTINGS if command in s.commands]


def options_for(command: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Every registered option of ``command``, in the table's order (``--help`` lists them so)."""

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        for setting in reversed(settings_for(command)):
            function = setting.option(command)(function)
        return function

    return decorate


def scan_options(values: Mapping[str, Any], **overrides: Any) -> ScanOptions:
    """The scan's typed options from a command's resolved values (flags, environment, pdscan.toml, defaults)."""
    names = {f.name for f in dataclasses.fields(ScanOptions)}
    return ScanOptions(**{k: v for k, v in {**values, **overrides}.items() if k in names})
