"""Scanned pages and images read by tesseract: one pass per page, words placed in ruled cells.

The pure part of OCR: a page image in, words and lines out. The programs it uses live in ``external/``:
``external.poppler`` gives a PDF page's image (pdftoppm, or the scanner's own JPEG via PDFium),
``external.tesseract`` runs tesseract on an image held in memory and returns its TSV. Pages are read in
parallel, ``OcrSettings.workers`` at a time (tesseract itself runs single-threaded).

Output has the same shape as the text layer (``parsers.readers.pdf_text``): ``PageText`` with ``Block`` lines
outside tables and ``TableGrid(method="ocr")`` tables, coordinates in PDF points, so
``parsers.extractors.tables.extract_table_tasks`` reads scans with the same code as digital files.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from external import tesseract
from external.poppler import render_pdf_page
from models.errors import InputFileError
from models.page import PageText, ParsedFile, TableGrid
from models.settings import OcrSettings
from models.text import strip_marks
from parsers.readers import image_prep, image_tables
from parsers.readers.image_tables import Word
from parsers.readers.ocr_cleanup import clean_ocr_text, fix_roman_cell

VERSION = "ocr.v7"
# what a number cell holds when read right: "12", "II.", "a)", "1.2", or a header word ("STT", "TT")
_PLAUSIBLE_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,2})?|[IVX]{1,5}|[a-zđ])[.)]?$|^S?TT$")
log = logging.getLogger(__name__)


def tesseract_words(
    gray: np.ndarray, dpi: float, lang: str, timeout_s: float, psm: int = 3, whitelist: str | None = None
) -> list[Word]:
    """One tesseract pass over a page image; every recognised word with its box and confidence 0..1.

    Raises:
        tesseract.TimeoutExpired: the page took longer than ``timeout_s`` (the caller flags the page).
        MissingDependencyError: tesseract is not installed.
        InputFileError: tesseract failed on the image.
    """
    ok, pgm = cv2.imencode(".pgm", gray)  # uncompressed: 10× faster to write than PNG
    if not ok:
        raise InputFileError("the page image could not be encoded for tesseract")
    tsv = tesseract.tsv(pgm.tobytes(), lang=lang, dpi=round(dpi), psm=psm, timeout_s=timeout_s, whitelist=whitelist)
    return parse_tsv(tsv)


def parse_tsv(tsv: str) -> list[Word]:
    """Word rows (level 5, non-empty) of tesseract's TSV output."""
    words = []
    for row in tsv.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        left, top, width, height = (int(v) for v in parts[6:10])
        words.append(
            Word(
                text=parts[11].strip(),
                conf=max(0.0, float(parts[10])) / 100,
                left=left,
                top=top,
                right=left + width,
                bottom=top + height,
                line_key=(int(parts[2]), int(parts[3]), int(parts[4])),
            )
        )
    return words


# A Vietnamese syllable, tone marks and vowel hats removed: onset, 1–3 vowels, coda ("nghiêng" → "nghieng").
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?$"
)
_EDGE_PUNCT = ".,;:!?()[]\"'“”‘’«»-–—…"


def syllable_like(word: str) -> bool:
    """Whether a word read by tesseract has the shape of a Vietnamese syllable ("Quyết", "đồng", "UBND" no).

    What a page read upside down or sideways lacks: tesseract still returns words, but they are strings
    such as "ʎ!u", "uọ1", "ÁI'll" that no syllable has the shape of.
    """
    base = strip_marks(word.strip(_EDGE_PUNCT).lower())
    return bool(base) and base.isascii() and bool(_SYLLABLE.match(base))


def band_reader(dpi: float, settings: OcrSettings) -> image_prep.Reader:
    """The reading check ``image_prep.orient_page`` asks on doubt: one ``--psm 6`` tesseract pass over a
    band of text; score = the mean confidence over all words, counting only syllable-shaped words."""

    def read(img: np.ndarray) -> image_prep.Readability:
        try:
            words = tesseract_words(img, dpi, settings.lang, settings.page_timeout_s, psm=6)
        except tesseract.TimeoutExpired:
            return image_prep.Readability(0, 0.0)
        if not words:
            return image_prep.Readability(0, 0.0)
        score = sum(w.conf for w in words if syllable_like(w.text)) / len(words)
        return image_prep.Readability(len(words), round(score, 3))

    return read


def page_orientation(
    gray: np.ndarray, page: int, dpi: float, settings: OcrSettings
) -> tuple[np.ndarray, image_prep.Orientation]:
    """Turn and deskew one page image (``image_prep.orient_page`` with the tesseract reading check on
    doubt), logging the decision and its evidence: INFO when the page was turned or a check was read,
    else DEBUG."""
    prepared, orientation = image_prep.orient_page(gray, band_reader(dpi, settings), settings.orientation)
    level = logging.INFO if orientation.turn or orientation.checked else logging.DEBUG
    log.log(level, "page %d: orientation %d° (skew %+.2f°): %s", page, orientation.turn, orientation.skew,
            orientation.evidence)  # fmt: skip
    return prepared, orientation


def ocr_page_image(gray: np.ndarray, page: int, dpi: float, settings: OcrSettings) -> PageText:
    """Prepare one page image (upright, deskew), find its ruled tables, OCR it once, place the words.

    A page that exceeds ``settings.page_timeout_s`` comes back empty with ``ocr_failed=True`` and a
    warning, so one bad page does not stop a batch.
    """
    prepared, orientation = page_orientation(gray, page, dpi, settings)
    turn, skew = orientation.turn, orientation.skew
    scale = 72.0 / dpi
    h, w = prepared.shape
    on_page = functools.partial(PageText, page=page, width=w * scale, height=h * scale, method="ocr")
    warnings: list[str] = []
    if turn:
        warnings.append(f"rotated_{turn}")
    # ruling lines are found at ~150 dpi: four times fewer pixels, same lines
    f = 2 if dpi >= 250 else 1
    ink = image_prep.binarise(image_prep.reduce_dark(prepared, f), denoise=False)
    small_layouts, small_lines = image_tables.find_tables(ink, dpi / f)
    layouts = [layout.scaled(f) for layout in small_layouts]
    lines = small_lines if f == 1 else cv2.resize(small_lines, (w, h), interpolation=cv2.INTER_NEAREST)
    # (reduce_dark keeps hairline rules black at half resolution; the mask is scaled back for erasing)
    ocr_input = image_tables.erase_lines(prepared, lines, dpi) if layouts else prepared
    try:
        words = tesseract_words(ocr_input, dpi, settings.lang, settings.page_timeout_s)
    except tesseract.TimeoutExpired:
        return on_page(
            ocr_failed=True,
            warnings=[*warnings, f"ocr_timeout: page {page} took over {settings.page_timeout_s:.0f} s"],
        )
    per_table, outside = image_tables.assign_words(layouts, words)
    # second, batched look: STT-like narrow cells (lone "1" or bold "II" are dropped or misread by the
    # page pass) and any other cell with ink but no word
    clean_ink = image_tables.erase_lines(ink, small_lines, dpi / f)
    second = {
        (t_idx, cell)
        for t_idx, cell in image_tables.narrow_column_cells(small_layouts, clean_ink, dpi / f)
        + image_tables.inked_empty_cells(small_layouts, per_table, clean_ink, dpi / f)
    }
    if second:
        cells = sorted(((t, c.scaled(f)) for t, c in second), key=lambda tc: (tc[0], tc[1].row, tc[1].col))
        try:
            _rescue_cells(ocr_input, cells, per_table, dpi, settings)
        except tesseract.TimeoutExpired:
            warnings.append("ocr_timeout_cells: number cells left as the page pass read them")
    _read_numeral_cells(ocr_input, layouts, per_table, dpi)
    tables: list[TableGrid] = [
        image_tables.to_table_grid(layout, cells, page, scale)
        for layout, cells in zip(layouts, per_table, strict=True)
    ]
    blocks = [
        b.model_copy(update={"text": clean_ocr_text(b.text)})
        for b in image_tables.to_blocks(outside, page, scale, w)
    ]
    tables = [_clean_table(t) for t in tables]
    if not words:
        warnings.append("ocr_no_text")
    confidence = round(float(np.mean([wd.conf for wd in words])), 4) if words else None
    return on_page(
        blocks=blocks,
        tables=tables,
        confidence=confidence,
        warnings=warnings + ([f"deskewed_{skew:+.2f}deg"] if abs(skew) >= 0.1 else []),
    )


def _rescue_cells(
    image: np.ndarray,
    empty: list[tuple[int, image_tables.Cell]],
    per_table: list[dict[tuple[int, int], list[Word]]],
    dpi: float,
    settings: OcrSettings,
) -> None:
    """Read the given cells in ONE extra tesseract call (``--psm 6``): their crops stacked in a strip.

    Updates ``per_table`` in place (a local structure of the caller): a cell whose page-pass reading is
    empty or not a plausible number ("STT", "12", "II.", "a)") gets the strip's words. Words are mapped
    back by the strip band they fall in.
    """
    pad = max(10, int(dpi * 0.08))
    paper = int(np.median(image[::7, ::7]))  # the scan's paper tone
    crops, bands, y = [], [], pad
    width = max(c.x1 - c.x0 for _, c in empty) + 2 * pad
    for t_idx, cell in empty:
        region = image[cell.y0 + 3 : cell.y1 - 2, cell.x0 + 3 : cell.x1 - 2]
        inked = np.nonzero((region < paper - 60).any(axis=1))[0]
        if inked.size == 0:
            continue
        top = max(0, inked[0] - pad // 2)  # hug the ink: a tall row's blank space costs OCR time
        # black on white: grey scan paper would frame each crop as a box (tesseract then reads "3" as "s:")
        crop = cv2.threshold(
            region[top : inked[-1] + 1 + pad // 2], 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU
        )[1]
        crops.append((y, crop))
        bands.append((y, y + crop.shape[0], t_idx, cell, top))
        y += crop.shape[0] + pad
    if not crops:
        return
    strip = np.full((y, width), 255, np.uint8)
    for top, crop in crops:
        strip[top : top + crop.shape[0], pad : pad + crop.shape[1]] = crop
    # small lone glyphs of a 200-dpi scan read better enlarged (tesseract is tuned for ~30 px capitals);
    # at 300 dpi enlarging made it worse on the samples
    zoom = 450 / dpi if dpi < 250 else 1.0
    big = cv2.resize(strip, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_CUBIC) if zoom > 1 else strip
    words = [
        Word(w.text, w.conf, round(w.left / zoom), round(w.top / zoom), round(w.right / zoom),
             round(w.bottom / zoom), w.line_key)
        for w in tesseract_words(big, dpi * zoom, settings.lang, settings.page_timeout_s, psm=6)
    ]  # fmt: skip
    found: dict[tuple[int, tuple[int, int]], list[Word]] = {}
    for w in words:
        for top, bottom, t_idx, cell, hug in bands:
            if top <= w.cy < bottom:
                dx, dy = cell.x0 + 3 - pad, cell.y0 + 3 + hug - top
                moved = Word(w.text, w.conf, w.left + dx, w.top + dy, w.right + dx, w.bottom + dy, w.line_key)
                found.setdefault((t_idx, (cell.row, cell.col)), []).append(moved)
                break
    for (t_idx, key), cell_words in found.items():
        current = " ".join(w.text for w in per_table[t_idx].get(key, []))
        if not _PLAUSIBLE_NUMBER.match(fix_roman_cell(current)):
            per_table[t_idx][key] = cell_words  # the page pass read nothing or nothing like a number


# What tesseract makes of a bold Roman numeral alone in a cell: "II" (for III), "VII" (for VIII), "\\41i"
# (for VII), "IH", "1V", "VỊ" (for VI): only these characters, at least one of them a letter or a stroke.
_NUMERAL_LIKE = re.compile(
    r"^(?=.*[IVXHlLiTı|\\/!ỊÍÌỈĨịíìỉĩ])[IVXHlLiTı1|\\/!4ỊÍÌỈĨịíìỉĩ]{1,6}(?P<tail>[.)]?)$"
)  # "VỊ": tesseract gives the I a mark
_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")


def _read_numeral_cells(
    image: np.ndarray,
    layouts: list[image_tables.TableLayout],
    per_table: list[dict[tuple[int, int], list[Word]]],
    dpi: float,
) -> None:
    """Section numbers of the narrow first column re-read from their strokes (``read_roman_numeral``).

    Asked only of a first-column cell that tesseract read as a numeral-like string ("II", "\\41i"), or
    that it left empty on a section row (the rest of the row one merged cell); a digit reading ("11",
    "1") is never touched. Updates ``per_table`` in place (the caller's local structure).
    """
    inset = max(3, int(dpi * 0.013))
    for layout, cells in zip(layouts, per_table, strict=True):
        width = layout.xs[-1] - layout.xs[0]
        if len(layout.xs) < 3 or layout.xs[1] - layout.xs[0] >= 0.08 * width:
            continue  # no narrow number column
        by_pos = {(c.row, c.col): c for c in layout.cells}
        last_col = len(layout.xs) - 1
        for cell in layout.cells:
            if cell.col != 0 or cell.col_end != 1:
                continue
            words = cells.get((cell.row, cell.col), [])
            text = "".join(w.text for w in words)
            right = by_pos.get((cell.row, 1))
            section_row = right is not None and right.col_end == last_col and right.row_end == cell.row_end
            m = _NUMERAL_LIKE.match(text)
            if not (m or (not text and section_row)):
                continue
            crop = image[cell.y0 + inset : cell.y1 - inset, cell.x0 + inset : cell.x1 - inset]
            roman = image_tables.read_roman_numeral(crop, dpi)
            if not roman or not _ROMAN.match(roman):
                continue
            tail = m.group("tail") if m else ""
            if roman + tail == fix_roman_cell(text):
                continue
            log.debug("cell %s: numeral read %r from its strokes (tesseract: %r)", (cell.row, cell.col), roman, text)
            box = (cell.x0 + inset, cell.y0 + inset, cell.x1 - inset, cell.y1 - inset)
            if words:
                box = (min(w.left for w in words), min(w.top for w in words), max(w.right for w in words),
                       max(w.bottom for w in words))  # fmt: skip
            conf = max((w.conf for w in words), default=0.5)
            cells[(cell.row, cell.col)] = [Word(roman + tail, conf, *box, words[0].line_key if words else (0, 0, 0))]


def _clean_table(table: TableGrid) -> TableGrid:
    rows = [[fix_roman_cell(clean_ocr_text(c)) if c else c for c in row] for row in table.rows]
    return table.model_copy(update={"rows": rows})


def _workers(settings: OcrSettings, n: int) -> int:
    return max(1, min(n, settings.workers or os.cpu_count() or 1))


def ocr_pdf_pages(data: bytes, page_numbers: list[int], settings: OcrSettings) -> list[PageText]:
    """OCR the given 1-based pages of a PDF (rendered at ``settings.dpi``), in parallel across pages.

    Pages come back in the order asked. Raises ``MissingDependencyError`` before any work if tesseract,
    the language model or pdftoppm is missing.
    """
    settings = OcrSettings.resolve(settings)
    tesseract.check_languages(settings.lang)

    def one(page: int) -> PageText:
        gray = render_pdf_page(data, page, settings.dpi, settings.page_timeout_s)
        return ocr_page_image(gray, page, settings.dpi, settings)

    with ThreadPoolExecutor(_workers(settings, len(page_numbers))) as pool:
        return list(pool.map(one, page_numbers))


def read_image(data: bytes, file_name: str, settings: OcrSettings) -> ParsedFile:
    """Read a PNG/JPEG/TIFF scan (every page of a multi-page TIFF) into a ``ParsedFile(kind="image")``.

    Raises:
        InputFileError: empty, unreadable, or over ``settings.max_image_pixels`` (checked from the header).
        MissingDependencyError: tesseract or the language model is missing.
    """
    settings = OcrSettings.resolve(settings)
    images = image_prep.decode_image(data, file_name, settings.max_image_pixels)
    tesseract.check_languages(settings.lang)
    with ThreadPoolExecutor(_workers(settings, len(images))) as pool:
        pages = list(
            pool.map(
                lambda ip: ocr_page_image(ip[1].gray, ip[0], ip[1].dpi, settings), enumerate(images, start=1)
            )
        )
    return ParsedFile(
        source_sha256=hashlib.sha256(data).hexdigest(), file_name=file_name, pages=pages, kind="image"
    )
