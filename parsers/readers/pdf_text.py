"""Read a digital PDF's text layer into ``PageText``s: ruled tables as ``TableGrid``s, other lines as ``Block``s.

The only module (with ``parsers/readers/ocr.py``) that touches a PDF library. One pass per page: pdfplumber's table
finder runs once (lattice strategy, "lines"), its cell boxes are reused both to fill the grid and to tell
which characters lie outside every table; those become the text lines. Every char is assigned to a cell
by bisection instead of pdfplumber's row-by-row scan, so reading a page costs about what a bare
``page.extract_tables()`` costs.

Example:
    >>> parsed = read_pdf(pdf_bytes, "kh15.pdf", PdfSettings())
    >>> parsed.pages[11].tables[0].rows[0]
    ['STT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan thực hiện/phối hợp', ...]
"""

import hashlib
import io
import itertools
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

import pdfplumber
from pdfminer.layout import LTChar, LTContainer
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psexceptions import PSException
from pdfplumber.page import fix_fontname_bytes
from pdfplumber.table import Table
from pdfplumber.utils import cluster_objects, extract_text
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException
from pdfplumber.utils.text import WordExtractor

from models.errors import InputFileError
from models.page import BBox, Block, PageText, ParsedFile, TableGrid
from models.settings import PdfSettings, TableSettings
from parsers.normalisers.text import clean_cell, collapse_ws, nfc

VERSION = "pdf_text.v2"

_HEADER_WINDOW = 1024  # the PDF spec lets "%PDF-" start anywhere in the first 1024 bytes


def read_pdf(
    data: bytes, file_name: str, settings: PdfSettings, table_settings: TableSettings | None = None
) -> ParsedFile:
    """Read a digital PDF into pages of text lines and ruled tables.

    Args:
        data: the file's bytes (``ingest`` opens the file).
        file_name: the name as received, recorded on the result.
        settings: limits (pages, size) and the no-text-layer threshold.
        table_settings: pdfplumber tolerances for the ruling-line table finder (defaults if None).

    Returns:
        ``ParsedFile`` with one ``PageText(method="text")`` per page. A page with fewer than
        ``settings.min_text_chars`` letters has no blocks/tables and the warning ``"no_text_layer"``
        (the OCR stage picks it up).

    Raises:
        InputFileError: empty, too large, not a PDF, corrupt/truncated, encrypted, or too many pages.
    """
    _check_bytes(data, file_name, settings)
    tset = _pdfplumber_table_settings(TableSettings.resolve(table_settings))
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            n_pages = len(pdf.pages)
            if n_pages == 0:
                raise InputFileError(f"{file_name}: the PDF has no pages; ask the sender for a complete copy")
            if n_pages > settings.max_pages:
                raise InputFileError(
                    f"{file_name}: {n_pages} pages, more than max_pages={settings.max_pages}; "
                    "split the file (qpdf --split-pages) or raise pdf.max_pages"
                )
            pages = []
            for page in pdf.pages:
                pages.append(_read_page(page, tset, settings))
                page.close()  # drop pdfplumber's per-page layout cache: memory stays flat on long files
    except PdfminerException as e:
        raise _classify_pdfminer_error(file_name, e) from e
    except (PSException, MalformedPDFException) as e:
        raise InputFileError(
            f"{file_name}: corrupt PDF ({type(e).__name__}: {e}); "
            "ask for a fresh copy or repair it with `qpdf in.pdf out.pdf`"
        ) from e
    return ParsedFile(
        source_sha256=hashlib.sha256(data).hexdigest(), file_name=file_name, pages=pages, kind="pdf"
    )


def _check_bytes(data: bytes, file_name: str, settings: PdfSettings) -> None:
    """Reject what is plainly not a readable PDF before pdfminer sees it (cheap, clear messages)."""
    if not data:
        raise InputFileError(f"{file_name}: empty file (0 bytes); re-download or re-export it")
    size_mb = len(data) / 1_048_576
    if size_mb > settings.max_file_mb:
        raise InputFileError(
            f"{file_name}: {size_mb:.0f} MB, more than max_file_mb={settings.max_file_mb:g}; "
            "split the file or raise pdf.max_file_mb"
        )
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise InputFileError(
            f"{file_name}: not a PDF (no %PDF- header); if it is a Word file or an image, "
            "give it its real extension (.docx/.doc/.png/.jpg)"
        )
    if b"%%EOF" not in data:
        raise InputFileError(
            f"{file_name}: truncated PDF (no %%EOF marker); the download or copy stopped early, "
            "fetch the file again"
        )


def _classify_pdfminer_error(file_name: str, error: PdfminerException) -> InputFileError:
    """pdfplumber wraps pdfminer's errors; unwrap to tell an encrypted file from a corrupt one."""
    cause = error.args[0] if error.args else error
    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
        return InputFileError(
            f"{file_name}: encrypted PDF, a password is needed to open it; ask the sender for an "
            "unprotected copy or decrypt it with `qpdf --decrypt --password=PASSWORD in.pdf out.pdf`"
        )
    return InputFileError(
        f"{file_name}: corrupt PDF ({type(cause).__name__}: {cause}); "
        "ask for a fresh copy or repair it with `qpdf in.pdf out.pdf`"
    )


def _pdfplumber_table_settings(settings: TableSettings) -> dict[str, Any]:
    return {
        "vertical_strategy": "lines",
        "horizontal_strategy": "lines",
        "snap_tolerance": settings.snap_tolerance,
        "join_tolerance": settings.join_tolerance,
        "intersection_tolerance": settings.intersection_tolerance,
    }


def _page_objects(page: Any) -> dict[str, list[dict[str, Any]]]:
    """pdfplumber's ``page.objects``, with each character's dict built directly from pdfminer's ``LTChar``.

    Why: pdfplumber turns every layout object into a dict through a generic path (every attribute run
    through ``resolve_all``, the colour space name decoded): for a text page that is about half of the
    page's reading time, nearly all of it spent on characters. A char here gets the same keys and values
    except the colour ones (``ncs``, ``stroking_color``, ``non_stroking_color``), which nothing reads.
    Ruling lines, rectangles, curves and images still go through pdfplumber's own ``process_object``, so
    the table finder sees exactly the edges it would have built itself. Set as ``page._objects`` (what
    ``page.objects`` caches), the characters and lines are read once per page and shared by ``page.chars``
    and ``page.find_tables``.
    """
    mb_x0, mb_top = page.mediabox[:2]
    top_of = page.height + mb_top  # pdfminer's y is from the MediaBox bottom; pdfplumber's top from its top
    doctop = page.initial_doctop
    number = page.page_number
    chars: list[dict[str, Any]] = []
    objects: dict[str, list[dict[str, Any]]] = {}

    def walk(items: list[Any]) -> None:
        for obj in items:
            if isinstance(obj, LTChar):
                fontname = obj.fontname
                top, bottom = top_of - obj.y1, top_of - obj.y0
                chars.append({
                    "matrix": obj.matrix, "fontname": fix_fontname_bytes(fontname) if isinstance(fontname, bytes)
                    else fontname, "adv": obj.adv, "upright": obj.upright, "x0": obj.x0 + mb_x0, "y0": obj.y0,
                    "x1": obj.x1 + mb_x0, "y1": obj.y1, "width": obj.width, "height": obj.height,
                    "size": obj.size, "mcid": getattr(obj, "mcid", None), "tag": getattr(obj, "tag", None),
                    "object_type": "char", "page_number": number, "text": obj.get_text(), "top": top,
                    "bottom": bottom, "doctop": doctop + top,
                })  # fmt: skip
            elif isinstance(obj, LTContainer):
                walk(obj._objs)  # a figure: pdfplumber (without layout analysis) keeps only its content
            else:
                item = page.process_object(obj)
                if item["object_type"] != "anno":
                    objects.setdefault(item["object_type"], []).append(item)

    walk(page.layout._objs)
    if chars:
        objects["char"] = chars
    return objects


def _read_page(page: Any, tset: dict[str, Any], settings: PdfSettings) -> PageText:
    """One page: find the ruled tables once, put each char in a cell or in the outside-text pool."""
    if page.pdf.laparams is None and page.pdf.unicode_norm is None:  # as ``read_pdf`` opens it
        page._objects = _page_objects(page)
    chars = page.chars
    fonts = sorted({c.get("fontname", "") for c in chars} - {""})
    base = {
        "page": page.page_number,
        "width": float(page.width),
        "height": float(page.height),
        "method": "text",
        "fonts": fonts,
    }
    letters = sum(1 for c in chars if c["text"].isalpha())
    if letters < settings.min_text_chars:
        return PageText(**base, warnings=["no_text_layer"])

    tables = page.find_tables(tset)
    locators = [_CellLocator(t) for t in tables]
    outside: list[dict[str, Any]] = []
    for ch in chars:
        hmid = (ch["x0"] + ch["x1"]) / 2
        vmid = (ch["top"] + ch["bottom"]) / 2
        for loc in locators:
            if loc.take(ch, hmid, vmid):
                break
        else:
            outside.append(ch)
    grids = []
    for loc in locators:
        grid = loc.grid(page.page_number)
        if _is_ruled_text(grid, settings.ruled_text_share):
            outside.extend(ch for cell_chars in loc.chars.values() for ch in cell_chars)
        else:
            grids.append(grid)
    blocks = _lines_to_blocks(outside, page.page_number, [g.bbox for g in grids], settings)
    return PageText(**base, blocks=blocks, tables=grids)


def _is_ruled_text(grid: TableGrid, share: float) -> bool:
    """True when the grid is prose inside rules (a framed paragraph, underlined lines, a text box drawn by
    Word): a one-column frame, or ``share`` of 3+ rows with one filled cell; its words are read as text.

    Real task tables fill several cells per row (STT, task, agency, deadline), so the share of rows with
    at most one filled cell stays low even with group rows; a framed paragraph fills one. A row or two
    with one filled cell is the tail of a task row cut by a page break, and stays a table.
    """
    filled_rows = [sum(1 for c in row if c) for row in grid.rows]
    filled_rows = [n for n in filled_rows if n]
    if not filled_rows:
        return False
    if all(len(row) == 1 for row in grid.rows):  # a framed paragraph: a one-column "grid"
        return True
    single = sum(1 for n in filled_rows if n == 1)
    return len(filled_rows) >= 3 and single / len(filled_rows) >= share


class _CellLocator:
    """Maps a point to the cell of one pdfplumber ``Table`` by bisection, merged cells included.

    pdfplumber's ``Table.rows`` gives each row a list of cell boxes with None where a merged cell from
    the left (or above) covers the slot; we keep those Nones in the grid, as ``Table.extract`` does.
    """

    def __init__(self, table: Table) -> None:
        self.bbox: BBox = tuple(float(v) for v in table.bbox)  # type: ignore[assignment]
        rows = table.rows
        self.row_tops = [float(r.bbox[1]) for r in rows]
        self.cells: list[list[tuple[float, float, float, float] | None]] = [list(r.cells) for r in rows]
        self.xs = sorted({c[0] for row in self.cells for c in row if c is not None})
        self.tops = sorted({c[1] for row in self.cells for c in row if c is not None})
        # (band row, band col) -> (grid row, grid col) of the cell covering that band intersection
        self.owner: dict[tuple[int, int], tuple[int, int]] = {}
        for ri, row in enumerate(self.cells):
            for ci, cell in enumerate(row):
                if cell is None:
                    continue
                x0, top, x1, bottom = cell
                bands_y = [i for i, t in enumerate(self.tops) if top <= t < bottom]
                bands_x = [i for i, x in enumerate(self.xs) if x0 <= x < x1]
                for by in bands_y:
                    for bx in bands_x:
                        self.owner[(by, bx)] = (ri, ci)
        self.chars: dict[tuple[int, int], list[dict[str, Any]]] = {}

    def take(self, ch: dict[str, Any], hmid: float, vmid: float) -> bool:
        """Keep ``ch`` if its midpoint lies in a cell of this table (pdfplumber's ``char_in_bbox`` rule)."""
        x0, top, x1, bottom = self.bbox
        if not (x0 <= hmid < x1 and top <= vmid < bottom):
            return False
        by = bisect_right(self.tops, vmid) - 1
        bx = bisect_right(self.xs, hmid) - 1
        key = self.owner.get((by, bx))
        if key is None:
            return False
        cell = self.cells[key[0]][key[1]]
        assert cell is not None
        if not (cell[0] <= hmid < cell[2] and cell[1] <= vmid < cell[3]):
            return False
        self.chars.setdefault(key, []).append(ch)
        return True

    def grid(self, page_number: int) -> TableGrid:
        rows: list[list[str | None]] = []
        for ri, row in enumerate(self.cells):
            out: list[str | None] = []
            for ci, cell in enumerate(row):
                if cell is None:
                    out.append(None)
                    continue
                cell_chars = self.chars.get((ri, ci))
                out.append(clean_cell(extract_text(cell_chars)) if cell_chars else "")
            rows.append(out)
        return TableGrid(page=page_number, bbox=self.bbox, rows=rows, row_tops=self.row_tops, method="text")


def _lines_to_blocks(
    chars: list[dict[str, Any]], page_number: int, table_boxes: Sequence[BBox], settings: PdfSettings
) -> list[Block]:
    """Group the chars outside tables into printed lines, split at wide gaps, in reading order."""
    upright = [c for c in chars if c.get("upright", True)]
    if not upright:
        return []
    words = WordExtractor(x_tolerance=settings.x_tolerance, y_tolerance=settings.y_tolerance).extract_words(upright, return_chars=True)
    if not words:
        return []
    lines = cluster_objects(words, "top", settings.y_tolerance)
    segments: list[list[dict[str, Any]]] = []
    for line in lines:
        line.sort(key=lambda w: w["x0"])
        current = [line[0]]
        for prev, word in itertools.pairwise(line):
            size = max(_size(prev), _size(word))
            if word["x0"] - prev["x1"] > settings.column_gap_em * size:
                segments.append(current)
                current = []
            current.append(word)
        segments.append(current)
    segments.sort(key=lambda seg: (round(min(w["top"] for w in seg), 0), min(w["x0"] for w in seg)))
    left = min([min(w["x0"] for w in seg) for seg in segments] + [b[0] for b in table_boxes])
    right = max([max(w["x1"] for w in seg) for seg in segments] + [b[2] for b in table_boxes])
    mid = (left + right) / 2
    blocks = []
    for seg in segments:
        x0 = min(w["x0"] for w in seg)
        x1 = max(w["x1"] for w in seg)
        seg_chars = [c for w in seg for c in w["chars"]]
        bold = sum(1 for c in seg_chars if "bold" in c.get("fontname", "").lower()) * 2 > len(seg_chars)
        # A justified line with a first-line indent sits near the middle too; only a line clearly shorter
        # than the text width, with room on both sides, is a centred title.
        centered = (
            abs((x0 + x1) / 2 - mid) <= max(12.0, 0.03 * (right - left))
            and x0 - left > 12.0
            and right - x1 > 12.0
            and (x1 - x0) < 0.85 * (right - left)
        )
        blocks.append(
            Block(
                page=page_number,
                text=nfc(collapse_ws(" ".join(w["text"] for w in seg))),
                bbox=(
                    float(x0),
                    float(min(w["top"] for w in seg)),
                    float(x1),
                    float(max(w["bottom"] for w in seg)),
                ),
                bold=bold,
                centered=centered,
            )
        )
    return blocks


def _size(word: dict[str, Any]) -> float:
    return float(word.get("bottom", 0) - word.get("top", 0)) or 10.0
