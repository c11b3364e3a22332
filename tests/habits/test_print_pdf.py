"""The HTML scan report prints on A4 landscape with every column on the page: rendered to PDF by WeasyPrint (or, when
WeasyPrint or its Pango libraries are missing, Debian's headless Chromium), then read back with pdfplumber.

The report is of a scan of sample_data/ with the Entrack declaration (the widest tables: eight columns), plus a
synthetic finding whose path is 200 characters with a 126-character run that has nowhere to wrap, a long JSON column
name, long reasons and long samples."""

from __future__ import annotations

import io
import itertools
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pdscan.cli.main import main
from pdscan.model import Finding, ScanResult
from pdscan.reporters import html_report

pytestmark = pytest.mark.slow  # WeasyPrint takes 10 s or more for the 15 pages

pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber reads the PDF back: pip install '.[test]'")

A4_LANDSCAPE = (841.89, 595.28)  # points
RIGHT_MARGIN = 11 / 25.4 * 72  # the stylesheet's @page margin, in points
LONG_DIR = "asiakasrekisterin_vanhat_vientitiedostot_" + "x" * 85  # 126 characters without a break opportunity
LONG_FILE = f"sample_data/arkisto/{LONG_DIR}/2019/henkilosto_ja_asiakkaat_kokonaisvienti_LOPPU.csv"
LONG_COLUMN = "contacts[].addresses[].street_address_line_one"


def _weasyprint() -> Callable[[Path, Path], None] | None:
    try:
        import weasyprint
    except (ImportError, OSError):  # OSError: the package is there, its Pango/GObject libraries are not
        return None

    def render(html: Path, pdf: Path) -> None:
        weasyprint.HTML(filename=str(html)).write_pdf(str(pdf))

    return render


def _chromium() -> Callable[[Path, Path], None] | None:
    browser = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
    if browser is None:
        return None

    def render(html: Path, pdf: Path) -> None:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                "--print-to-pdf-no-header",
                f"--print-to-pdf={pdf}",
                html.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )

    return render


def _engine() -> tuple[str, Callable[[Path, Path], None]]:
    chosen = os.environ.get("PDSCAN_PDF_ENGINE")  # weasyprint or chromium: only that one
    for name, probe in (("weasyprint", _weasyprint), ("chromium", _chromium)):
        if chosen and name != chosen:
            continue
        render = probe()
        if render is not None:
            return name, render
    pytest.skip(
        "no PDF engine: pip install weasyprint (needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0) "
        "or apt-get install chromium"
    )


def _synthetic(base: Finding) -> Finding:
    data: dict[str, Any] = base.to_dict()
    data.update(
        source="sample_data/arkisto",
        location={"file": LONG_FILE, "column": LONG_COLUMN},
        reasons=[f"reason {i}: " + "the column name and the values agree on a street address " * 4 for i in range(6)],
        samples=["Pitkä***katu 1***", "Hyvin***pitkä***katu 2***", "X" * 90 + "***"],
        declared=["UNDECLARED"],
    )
    return Finding.from_dict(data)


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> tuple[str, Path, ScanResult]:
    name, render = _engine()
    folder = tmp_path_factory.mktemp("print")
    saved = folder / "scan.json"
    run = CliRunner().invoke(
        main, ["scan", str(sample_dir), "--declaration", "entrack", "-f", "json", "-o", str(saved), "-q"]
    )
    assert run.exit_code in (0, 1), run.output
    result = ScanResult.from_dict(json.loads(saved.read_text(encoding="utf-8")))
    assert len(LONG_FILE) == 200
    result.findings.append(_synthetic(result.findings[0]))
    html = io.StringIO()
    html_report.render(result, html)
    (folder / "report.html").write_text(html.getvalue(), encoding="utf-8")
    render(folder / "report.html", folder / "report.pdf")
    return name, folder / "report.pdf", result


def _squash(text: str) -> str:
    return "".join(text.split())


def _columns(pdf: Any, headers: list[str]) -> dict[str, str]:
    """The text of each named column of the findings table (the table whose header has all ``headers``, in order),
    page after page, whitespace removed: a cell wrapped over lines reads as one string."""
    found = {h: "" for h in headers[:-1]}
    pages = 0
    for page in pdf.pages:
        words = page.extract_words()
        for word in words:
            if word["text"] != headers[0]:
                continue
            line = [w for w in words if abs(w["top"] - word["top"]) < 2]
            xs = {}
            for header in headers:
                match = [w for w in line if w["text"] == header]
                if not match:
                    break
                xs[header] = match[0]["x0"]
            if len(xs) != len(headers) or list(xs.values()) != sorted(xs.values()) or max(xs.values()) > page.width:
                continue
            pages += 1
            for left, right in itertools.pairwise(headers):
                box = (max(0, xs[left] - 1), word["bottom"], xs[right] - 1, page.height)
                found[left] += _squash(page.within_bbox(box).extract_text())
    found["pages with the header"] = str(pages)
    return found


@pytest.mark.filterwarnings("ignore:HarfBuzz-Subset")  # WeasyPrint subsets fonts without it, only slower
def test_the_report_prints_on_a4_landscape_with_nothing_cut(report_pdf: tuple[str, Path, ScanResult]) -> None:
    engine, pdf_path, result = report_pdf
    with pdfplumber.open(pdf_path) as pdf:
        assert len(pdf.pages) >= 3
        for number, page in enumerate(pdf.pages, 1):
            size = (float(page.width), float(page.height))
            assert size == pytest.approx(A4_LANDSCAPE, abs=1), f"page {number} is not A4 landscape ({engine}): {size}"
            # Nothing runs into the right margin or off the paper: a cut column would.
            outside = [c["text"] for c in page.chars if c["x1"] > page.width - RIGHT_MARGIN + 2 or c["x0"] < 0]
            assert outside == [], f"page {number}: text past the right margin ({engine}): {''.join(outside)[:80]}"

        columns = _columns(pdf, ["Location", "Column", "Entity", "Confidence"])
        # The findings table runs over several pages, its header repeated on each.
        assert int(columns["pages with the header"]) >= 2
        for finding in result.findings:
            assert _squash(finding.location.column or "") in columns["Column"], finding.location.column
            assert finding.entity in columns["Entity"], finding.entity
            assert _squash(finding.location.display(with_column=False)) in columns["Location"]
        # The 200-character path is there whole, its tail included.
        assert _squash(LONG_FILE) in columns["Location"]
        assert _squash(LONG_COLUMN) in columns["Column"]
        text = _squash("".join(page.extract_text() for page in pdf.pages))
        assert "Page1of" in text  # the page numbers in the bottom margin
