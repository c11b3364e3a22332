"""OCR of scanned pages through Debian's tesseract (``apt-get install tesseract-ocr tesseract-ocr-fin``), on request.

The image bytes go to ``tesseract stdin stdout`` on a pipe (no temporary file holds the page); Finnish and English
models are used where installed. A missing tesseract is a one-line hint, not a crash.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

from pdscan.sources.documents.common import DocumentError

OCR_TIMEOUT = 120.0  # seconds for one page image


@functools.lru_cache(maxsize=1)
def _languages() -> str:
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise DocumentError("OCR needs tesseract: apt-get install tesseract-ocr tesseract-ocr-fin")
    listed = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    installed = set(listed.stdout.split())
    wanted = [lang for lang in ("fin", "swe", "eng") if lang in installed]
    return "+".join(wanted) or "eng"


def available() -> bool:
    try:
        _languages()
    except DocumentError:
        return False
    return True


def ocr_image(image: bytes) -> str:
    """The text tesseract reads in one image (PNG, JPEG, TIFF...)."""
    languages = _languages()
    try:
        done = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", languages],
            input=image,
            capture_output=True,
            timeout=OCR_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise DocumentError(f"OCR took longer than {OCR_TIMEOUT:.0f} s for one page") from exc
    if done.returncode != 0:
        raise DocumentError("OCR failed on a page image (tesseract could not read it)")
    return done.stdout.decode("utf-8", errors="replace")
