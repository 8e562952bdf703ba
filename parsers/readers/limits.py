"""Size checks made before anything is decoded: a hostile file is refused from its headers, not after it
has filled the memory (issue 14). Pure: bytes and settings in, an ``InputFileError`` or a verdict out.

- ``check_image``: a multi-page TIFF's frame count and the pixels all its frames would decode to, read
  from the frame headers (no frame is decoded).
- ``check_ocr_pages``: a PDF page that would be rendered for OCR larger than the pixel limit (a 200-inch
  page is 3,600 megapixels at 300 dpi) gets a clear error instead of a useless 1×1 rendering.
- ``blank_pages``: pages with nothing drawn on them, or rendered at 100 dpi as one even tone, are not worth
  an OCR pass (2,000 blank pages were over 15 minutes of tesseract); the test costs ~50 ms a page.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, UnidentifiedImageError

from external.poppler import PDFIUM_LOCK
from models.errors import InputFileError
from models.page import PageText
from models.settings import OcrSettings

VERSION = "limits.v1"
BLANK_DPI = 100  # a thin faint stroke of small text still darkens a pixel by more than BLANK_INK_LEVELS
BLANK_MAX_PIXELS = 4_000_000  # the blank test of a big page is rendered smaller than BLANK_DPI
# a page is blank when no pixel is this much darker than the page's median (paper) tone
BLANK_INK_LEVELS = 40


def check_image(data: bytes, file_name: str, settings: OcrSettings) -> None:
    """Refuse an image with more than ``settings.max_image_pages`` frames, or whose frames would decode to
    more than ``settings.max_total_pixels`` pixels in all, reading only the frame headers.

    Files PIL cannot open are left to the decoder, which says what is wrong with them.

    Raises:
        InputFileError: too many pages or too many pixels, with the numbers and what to do.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return  # decode_image refuses it with its own words
    with img:
        try:
            frames = getattr(img, "n_frames", 1)
        except (OSError, ValueError, EOFError) as e:
            raise InputFileError(f"{file_name}: the image's page list is damaged ({e}); re-scan it") from e
        if frames > settings.max_image_pages:
            raise InputFileError(
                f"{file_name}: {frames} pages, more than the {settings.max_image_pages} a multi-page image may"
                " have (OcrSettings.max_image_pages); split it, or scan it to PDF"
            )
        total = 0
        if img.format == "TIFF":  # frames of a TIFF may differ in size: read each one's header
            for index in range(frames):
                img.seek(index)
                total += img.size[0] * img.size[1]
        else:  # APNG, MPO: every frame is at most the canvas
            total = frames * img.size[0] * img.size[1]
    if total > settings.max_total_pixels:
        raise InputFileError(
            f"{file_name}: its {frames} page(s) would decode to {total / 1e6:,.0f} megapixels, over the"
            f" {settings.max_total_pixels / 1e6:,.0f} megapixel limit (OcrSettings.max_total_pixels);"
            " split it or scan it again at 300 dpi"
        )


def check_ocr_pages(pages: list[PageText], todo: list[int], file_name: str, settings: OcrSettings) -> None:
    """Refuse a file when a page to be OCR'd would render to more than ``settings.max_image_pixels``.

    Raises:
        InputFileError: names the page, its size in inches and millimetres, and the limit.
    """
    wanted = set(todo)
    for page in pages:
        if page.page not in wanted:
            continue
        w_in, h_in = page.width / 72, page.height / 72
        pixels = (w_in * settings.dpi) * (h_in * settings.dpi)
        if pixels > settings.max_image_pixels:
            raise InputFileError(
                f"{file_name}: page {page.page} is {w_in:,.0f} × {h_in:,.0f} inches"
                f" ({w_in * 25.4:,.0f} × {h_in * 25.4:,.0f} mm) with no text layer; read at {settings.dpi} dpi"
                f" it would be {pixels / 1e6:,.0f} megapixels, over the {settings.max_image_pixels / 1e6:,.0f}"
                " megapixel limit for OCR (OcrSettings.max_image_pixels). A page this size is a poster or a"
                " wrong page size: export or scan it at its real size"
            )


def blank_pages(data: bytes, page_numbers: list[int]) -> set[int]:
    """The pages (1-based) among ``page_numbers`` that hold nothing to read.

    A page with no page object at all is blank without rendering. Any other page is rendered in gray at
    ``BLANK_DPI`` (smaller for a big page) and is blank when no pixel is ``BLANK_INK_LEVELS`` darker
    than its median tone: an empty scan of grey paper is blank, a page with one line of text is not.
    A page PDFium cannot open is left to OCR, which reports it.
    """
    blank: set[int] = set()
    with PDFIUM_LOCK:  # the one lock of every PDFium use (PDFium is not thread-safe)
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return blank
        try:
            for number in page_numbers:
                try:
                    page = pdf[number - 1]
                except (pdfium.PdfiumError, IndexError):
                    continue
                try:
                    if _page_is_blank(page):
                        blank.add(number)
                finally:
                    page.close()
        finally:
            pdf.close()
    return blank


def _page_is_blank(page: pdfium.PdfPage) -> bool:
    if pdfium_c.FPDFPage_CountObjects(page.raw) == 0 and not _has_annotations(page):
        return True
    width, height = page.get_size()
    scale = BLANK_DPI / 72
    pixels = width * scale * height * scale
    if pixels > BLANK_MAX_PIXELS:
        scale *= (BLANK_MAX_PIXELS / pixels) ** 0.5
    try:
        bitmap = page.render(scale=scale, grayscale=True, draw_annots=True)
    except pdfium.PdfiumError:
        return False
    try:
        gray = bitmap.to_numpy()
    finally:
        bitmap.close()
    if gray.ndim == 3:  # BGR(A) even when asked for gray on some builds
        gray = gray[..., :3].mean(axis=2)
    if gray.size == 0:
        return True
    return bool(gray.min() > np.median(gray) - BLANK_INK_LEVELS)


def _has_annotations(page: pdfium.PdfPage) -> bool:
    return pdfium_c.FPDFPage_GetAnnotCount(page.raw) > 0
