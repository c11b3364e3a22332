"""Hostile inputs for a folder scan (issue 23): each case is a folder holding one bad file beside a known good CSV.

``write_cases(root)`` writes every case and returns them; ``python tests/hostile.py DIR`` writes them to DIR, and
``python tests/hostile.py --run ROOT RESULTS.json`` scans each case (``scan_case``) and writes what it saw.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

GOOD = (
    "nimi;sahkoposti;puhelin\n"
    "Matti Virtanen;matti.virtanen@example.fi;0401234567\n"
    "Liisa Korhonen;liisa.korhonen@example.fi;0409876543\n"
)
GOOD_EMAIL = "matti.virtanen@example.fi"


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _nested_mail(parts: int) -> bytes:
    body = "hello"
    for i in range(parts):
        body = f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n{body}\n--b{i}--\n'
    return f"From: a@example.fi\nSubject: x\nMIME-Version: 1.0\n{body}".encode()


def _contents() -> dict[str, tuple[bytes | str, bytes]]:
    """Case name -> (file name, bytes). File names may be bytes (not UTF-8)."""
    rows = "nimi,email\nMatti,m@example.fi\n"
    cases: dict[str, tuple[bytes | str, bytes]] = {}
    # Encodings and line ends of a CSV.
    for enc in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1", "utf-32"):
        for end_name, end in (("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r"), ("mixed", None)):
            text = "nimi;osoite\nÄijä Öystilä;Häme 1\nÅsa;Väli 2\n"
            text = text.replace("\n", end) if end else text.replace("\n", "\r\n", 1).replace("\n", "\r", 1)
            data = text.encode(enc) if enc != "utf-8-sig" else codecs.BOM_UTF8 + text.encode("utf-8")
            cases[f"enc-{enc}-{end_name}"] = ("data.csv", data)
    # Empty, whitespace and binary garbage with text extensions.
    for ext in (
        ".csv",
        ".txt",
        ".json",
        ".jsonl",
        ".xlsx",
        ".docx",
        ".pdf",
        ".odt",
        ".eml",
        ".html",
        ".rtf",
        ".parquet",
        ".ods",
        ".xls",
        ".md",
        ".log",
        ".zip",
        ".gz",
        ".tsv",
        ".msg",
        ".doc",
    ):
        cases[f"empty{ext}"] = (f"empty{ext}", b"")
        cases[f"garbage{ext}"] = (f"garbage{ext}", bytes(range(256)) * 64)
        cases[f"spaces{ext}"] = (f"spaces{ext}", b" \n\t\n" * 10)
        cases[f"nul{ext}"] = (f"nul{ext}", b"\x00" * 4096)
    # Broken office files and PDFs: a zip that is not the package, a truncated one, a PDF header only.
    for ext in (".xlsx", ".docx", ".odt", ".ods"):
        cases[f"notpackage{ext}"] = (f"bad{ext}", _zip({"hello.txt": b"hi"}))
        cases[f"truncated{ext}"] = (f"bad{ext}", _zip({"word/document.xml": b"<a>" * 1000})[:200])
    billion = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">' % ((98 + i,) + (97 + i,) * 10) for i in range(8)
        )
        + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>'
    )
    cases["billion-laughs.docx"] = (
        "bad.docx",
        _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": billion}),
    )
    cases["billion-laughs.odt"] = (
        "bad.odt",
        _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": billion}),
    )
    cases["billion-laughs.xlsx"] = ("bad.xlsx", _zip({"[Content_Types].xml": billion, "xl/workbook.xml": billion}))
    cases["billion-laughs.html"] = ("bad.html", billion)
    for n, data in enumerate(
        (
            b"%PDF-1.4\n",
            b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
            b"%PDF-" + b"x" * 5000,
            b"%PDF-1.7\n" + b"1 0 obj << /Length 999999 >> stream\n" + b"\x00" * 100,
        )
    ):
        cases[f"broken-pdf-{n}"] = ("bad.pdf", data)
    # Nesting and sizes.
    for depth in (10, 63, 65, 1000, 100_000):
        cases[f"json-brackets-{depth}"] = ("bad.json", b"[" * depth)
        cases[f"json-nested-{depth}"] = ("bad.json", b'[{"a":' * depth + b"1" + b"}]" * depth)
        cases[f"jsonl-nested-{depth}"] = (
            "bad.jsonl",
            b'{"a":' * depth + b"1" + b"}" * depth + b'\n{"e":"x@example.fi"}\n',
        )
    for keys in (100, 20_000, 100_000):
        cases[f"json-keys-{keys}"] = ("bad.json", ("{" + ",".join(f'"k{i}":"v"' for i in range(keys)) + "}").encode())
        cases[f"json-array-keys-{keys}"] = (
            "bad.json",
            ("[{" + ",".join(f'"k{i}":1' for i in range(keys)) + "}]").encode(),
        )
    for size in (1 << 10, 131_073, 300_000, 2 << 20):
        cases[f"csv-field-{size}"] = ("bad.csv", b"a;b\n" + b"x" * size + b";y\n1;2\n")
        cases[f"csv-quoted-field-{size}"] = ("bad.csv", b'a;b\n"' + b"x\n" * (size // 2) + b'";y\n')
    for size in (1 << 20, 10 << 20):
        cases[f"txt-one-line-{size}"] = ("bad.txt", b"word " * (size // 5))
        cases[f"log-one-line-{size}"] = ("bad.log", b"word " * (size // 5))
        cases[f"csv-one-line-{size}"] = ("bad.csv", b"word," * (size // 5))
    cases["csv-many-columns"] = ("bad.csv", (";".join(f"c{i}" for i in range(20_000)) + "\n").encode() * 3)
    cases["csv-unclosed-quote"] = ("bad.csv", b'a;b\n"open;' + b"x" * 10_000 + b"\n1;2\n")
    cases["csv-delimiters-only"] = ("bad.csv", b";" * 100_000 + b"\n")
    for parts in (10, 600, 1500):
        cases[f"mail-nested-{parts}"] = ("bad.eml", _nested_mail(parts))
    cases["mail-broken-base64"] = (
        "bad.eml",
        b"From: a@b.fi\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!notbase64",
    )
    cases["mail-unknown-charset"] = ("bad.eml", b"From: a@b.fi\nContent-Type: text/plain; charset=x-nope\n\nhei")
    # Archive bombs and broken archives.
    cases["zip-bomb-ratio"] = ("bomb.zip", _zip({"big.csv": b"0" * (60 << 20)}))
    cases["zip-many-members"] = ("many.zip", _zip({f"m{i}.txt": b"x" for i in range(12_000)}, zipfile.ZIP_STORED))
    cases["zip-nested"] = ("nested.zip", _zip({"inner.zip": _zip({"inner2.zip": _zip({"a.csv": rows.encode()})})}))
    cases["zip-truncated"] = ("bad.zip", _zip({"a.csv": rows.encode() * 100})[:50])
    cases["zip-encrypted-flag"] = (
        "enc.zip",
        _zip({"a.csv": rows.encode()}).replace(b"PK\x03\x04\x14\x00\x00", b"PK\x03\x04\x14\x00\x01", 1),
    )
    cases["gz-bomb"] = ("bomb.csv.gz", gzip.compress(b"email\n" + b"0" * (40 << 20)))
    cases["gz-truncated"] = ("cut.csv.gz", gzip.compress(b"email\n" + b"a@example.fi\n" * 1000)[:40])
    cases["gz-no-inner-ext"] = ("data.gz", gzip.compress(rows.encode()))
    cases["gz-not-gzip"] = ("fake.csv.gz", b"not gzip at all")
    cases["sqlite-in-folder"] = ("crm.sqlite", b"SQLite format 3\x00" + b"\x00" * 1000)
    # Odd file names.
    for n, fname in enumerate(
        (
            b"bad\xff\xfe.csv",
            b"caf\xe9.csv",
            "ääkköset ja välit.csv",
            "-rf.csv",
            "a\nb.csv",
            "x" * 200 + ".csv",
            "unicode-\u202eevil.csv",
            "no-extension",
            "UPPER.CSV",
            "dots...csv",
        )
    ):
        cases[f"name-{n}"] = (fname, rows.encode())
    # Data types.
    cases["json-scalar"] = ("bad.json", b"42")
    cases["json-trailing-garbage"] = ("bad.json", b'[{"a":1}] trailing')
    cases["json-huge-string"] = ("bad.json", b'[{"a":"' + b"x" * (3 << 20) + b'"}]')
    cases["json-huge-number"] = ("bad.json", b"[" + b"9" * 100_000 + b"]")
    cases["jsonl-all-bad"] = ("bad.jsonl", b"nope\n" * 100)
    cases["jsonl-long-line"] = ("bad.jsonl", b'{"a":"' + b"x" * (3 << 20) + b'"}\n{"a":"m@example.fi"}\n')
    cases["ndjson-mixed"] = ("bad.ndjson", b'{"a":1}\nnope\n[1,2]\n"s"\n')
    cases["xml-html-deep"] = ("bad.html", b"<div>" * 100_000)
    cases["rtf-deep"] = ("bad.rtf", b"{\\rtf1 " + b"{" * 100_000)
    cases["md-long"] = ("bad.md", b"# " + b"x" * (5 << 20))
    return cases


def write_cases(root: Path) -> list[Case]:
    """Every case in a folder of its own under ``root``, with its good CSV and its expected exit codes."""
    out: list[Case] = []
    for name, (fname, data) in _contents().items():
        folder = root / name.replace("/", "_")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "good.csv").write_text(GOOD, encoding="utf-8")
        raw = os.path.join(os.fsencode(folder), fname if isinstance(fname, bytes) else os.fsencode(fname))
        with open(raw, "wb") as f:
            f.write(data)
        out.append(Case(name, folder))
    # Special files and links: a FIFO, a symlink loop, a broken link, a link to a folder above.
    specials = root / "special"
    specials.mkdir(exist_ok=True)
    (specials / "good.csv").write_text(GOOD, encoding="utf-8")
    if hasattr(os, "mkfifo"):
        os.mkfifo(specials / "pipe.csv")
    os.symlink("loop.csv", specials / "loop.csv")
    os.symlink("missing.csv", specials / "dangling.csv")
    (specials / "sub").mkdir()
    os.symlink("..", specials / "sub" / "up")
    out.append(Case("special-files", specials))
    return out


# Raw values of the good file that no output may show without --show-data (names keep initials only).
RAW_VALUES = (
    "matti.virtanen@example.fi",
    "liisa.korhonen@example.fi",
    "0401234567",
    "0409876543",
    "Virtanen",
    "Korhonen",
)


def scan_case(case: Case, work: Path) -> dict[str, object]:
    """Scan one case's folder twice in this process (a process per case would take minutes): JSON with an inventory,
    and text with ``--strict``. Returns what the test checks; the caller decides."""
    from click.testing import CliRunner

    from pdscan.cli.main import main

    inventory = work / f"{case.name}.sqlite"
    runner = CliRunner()
    as_json = runner.invoke(main, ["scan", "-f", "json", "--inventory", str(inventory), str(case.folder)])
    as_text = runner.invoke(main, ["scan", "--strict", str(case.folder)], env={"COLUMNS": "100"})
    crashes = [
        "".join(__import__("traceback").format_exception(r.exception))
        for r in (as_json, as_text)
        if r.exception is not None and not isinstance(r.exception, SystemExit)
    ]
    leaks = []
    stored = inventory.read_bytes() if inventory.exists() else b""
    for where, text in (
        ("json stdout", as_json.stdout),
        ("json stderr", as_json.stderr),
        ("text stdout", as_text.stdout),
        ("text stderr", as_text.stderr),
        ("inventory", stored.decode("utf-8", errors="replace")),
    ):
        leaks += [f"{value!r} in {where}" for value in RAW_VALUES if value in text]
    return {
        "name": case.name,
        "json_exit": as_json.exit_code,
        "text_exit": as_text.exit_code,
        "report": as_json.stdout,
        "text": as_text.stdout + as_text.stderr,
        "crashes": crashes,
        "leaks": leaks,
    }


def _run(root: Path, out: Path) -> None:
    import json

    work = root / "_inventories"
    work.mkdir(parents=True, exist_ok=True)
    results = []
    for case in write_cases(root / "cases"):
        print(f"case {case.name}", file=sys.stderr, flush=True)  # the last line names the case if one hangs
        results.append({**scan_case(case, work), "folder": os.fsdecode(case.folder)})
    out.write_text(json.dumps(results), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1] == "--run":  # python tests/hostile.py --run ROOT RESULTS.json
        _run(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        for case in write_cases(Path(sys.argv[1])):
            print(case.name)
