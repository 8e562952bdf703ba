"""A PDF page as a grayscale image: poppler's ``pdftoppm``, or PDFium when the page is just its scanner's JPEG.

The only module that renders a page for OCR (issue 12: each external program in a room of its own, as
OCRmyPDF keeps its ``_exec/``). ``pdftoppm`` runs as a subprocess, stdin → stdout, under a time limit; PDFium
(``pypdfium2``, in this process) only opens the PDF to take a scanned page's own JPEG. PDFium must not be
entered from two threads at once (pages are OCR'd in a thread pool): every use of it in this program holds
``PDFIUM_LOCK``.
"""

from __future__ import annotations

import re
import subprocess
import threading

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from models.errors import InputFileError, MissingDependencyError

APT_HINT = "apt-get install poppler-utils"
PDFIUM_LOCK = threading.Lock()
_GRAY_OR_RGB = {pdfium_c.FPDF_COLORSPACE_DEVICEGRAY, pdfium_c.FPDF_COLORSPACE_DEVICERGB}
_PGM_HEADER = re.compile(rb"P5\s+(\d+)\s+(\d+)\s+255\s")


def render_pdf_page(data: bytes, page: int, dpi: int, timeout_s: float) -> np.ndarray:
    """One PDF page (1-based) as a grayscale image at ``dpi``.

    A scanned page that is nothing but one JPEG at (about) the wanted resolution is decoded as it is
    (``embedded_scan``: ~0.04 s, and the scanner's own pixels); any other page is rendered with
    ``pdftoppm -r dpi -gray`` (~0.3 s for an A4 page at 300 dpi).

    Raises:
        MissingDependencyError: pdftoppm (poppler-utils) is not installed.
        InputFileError: poppler cannot render the page (corrupt PDF, page out of range).
    """
    scan = embedded_scan(data, page, dpi)
    if scan is not None:
        return scan
    cmd = ["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), "-singlefile", "-"]
    try:
        proc = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout_s, check=False)
    except FileNotFoundError as e:
        raise MissingDependencyError(f"pdftoppm (poppler-utils) is not installed; run: {APT_HINT}") from e
    except subprocess.TimeoutExpired as e:
        raise InputFileError(f"page {page}: rendering took over {timeout_s:.0f} s; check the PDF") from e
    img = read_pgm(proc.stdout) if proc.returncode == 0 else None
    if img is None:
        err = proc.stderr.decode("utf-8", "replace").strip()[:300]
        raise InputFileError(
            f"page {page}: poppler could not render it ({err or 'no image'}); is the PDF intact?"
        )
    return img


def read_pgm(raw: bytes) -> np.ndarray | None:
    """pdftoppm's 8-bit PGM as an array viewing its bytes (no decode, no copy); None if not one."""
    m = _PGM_HEADER.match(raw)
    if not m:
        return cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_GRAYSCALE) if raw else None
    w, h = int(m.group(1)), int(m.group(2))
    if len(raw) - m.end() < w * h:
        return None
    return np.frombuffer(raw, np.uint8, w * h, m.end()).reshape(h, w)


def embedded_scan(data: bytes, page: int, dpi: int) -> np.ndarray | None:
    """The page's scanned JPEG decoded directly, when the page is exactly that and nothing else.

    Why: an image-only PDF from a scanner (or ``samples/make_scans.py``) holds one JPEG per page at
    its scan resolution; re-rendering it through poppler costs ~0.3 s a page and resamples the
    scanner's pixels. Used only when the page has one object, an upright gray/RGB JPEG filling the
    unrotated page at within 2 % of ``dpi``; otherwise None (the caller renders the page).
    """
    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return None  # poppler's rendering gives the real error message
        try:
            if not 1 <= page <= len(pdf):
                return None
            pg = pdf[page - 1]
            objs = list(pg.get_objects(max_depth=1))
            if len(objs) != 1 or pg.get_rotation() != 0 or not isinstance(objs[0], pdfium.PdfImage):
                return None
            img = objs[0]
            if img.get_filters() != ["DCTDecode"]:
                return None
            a, b, c, d, e, f = img.get_matrix().get()
            pw, ph = pg.get_size()
            meta = img.get_metadata()
            px_w, px_h = img.get_px_size()
            if b or c or abs(e) > 1 or abs(f) > 1 or abs(a - pw) > 1 or abs(d - ph) > 1:
                return None  # not an upright full-page image
            if meta.colorspace not in _GRAY_OR_RGB or meta.bits_per_pixel not in (8, 24):
                return None  # CMYK/Lab/indexed JPEGs need the PDF's colour handling
            if abs(px_w * 72 / pw - dpi) > 0.02 * dpi or abs(px_h * 72 / ph - dpi) > 0.02 * dpi:
                return None  # another resolution: poppler resamples it
            raw = bytes(img.get_data(decode_simple=False))
        finally:
            pdf.close()
    gray = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_GRAYSCALE)
    if gray is None or gray.shape != (px_h, px_w):
        return None
    # poppler draws a page image with a half-pixel shift, i.e. a 2×2 average of the JPEG's pixels
    # (mean difference 2 grey levels after this, 4.6 without); that softening of JPEG block noise is
    # worth keeping: the raw pixels cost Phụ lục III (q55) 0.4 pt of CER and 4 of 24 STT cells.
    return cv2.blur(gray, (2, 2))
