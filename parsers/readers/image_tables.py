"""Ruled tables rebuilt from a page image: ruling lines → cell grid → OCR words placed in cells.

Why geometry and not one tesseract call per cell: a 15-row annex page has ~90 cells; 90 tesseract
processes cost 20× one page pass. Instead the page is read once (``parsers.readers.ocr``) and every word box is
dropped into the cell that contains its centre, as pdfplumber drops characters into its cells.

Merged cells follow pdfplumber: a missing separator merges neighbouring grid cells; the merged cell's
text sits in its top-left position and the positions it covers are ``None``. So a section row printed as
one wide cell ("II | TUYÊN TRUYỀN, NÂNG CAO NHẬN THỨC" spanning five columns) comes out as
``["II", "TUYÊN TRUYỀN, …", None, None, None, None]``.

Everything works in pixels of the prepared (upright, deskewed) page; ``scale`` (72 / dpi) turns pixels
into PDF points for the models.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from models.page import Block, TableGrid
from parsers.normalisers.text import clean_cell


@dataclass(frozen=True)
class Word:
    """One tesseract word box (pixels) with its confidence 0..1 and tesseract's line identity."""

    text: str
    conf: float
    left: int
    top: int
    right: int
    bottom: int
    line_key: tuple[int, int, int]

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Cell:
    """A (possibly merged) cell: grid position, span and pixel box."""

    row: int
    col: int
    row_end: int  # exclusive
    col_end: int  # exclusive
    x0: int
    y0: int
    x1: int
    y1: int

    def scaled(self, f: int) -> Cell:
        return Cell(
            self.row, self.col, self.row_end, self.col_end, self.x0 * f, self.y0 * f, self.x1 * f, self.y1 * f
        )


@dataclass(frozen=True)
class TableLayout:
    """The grid of one ruled table: line positions and the merged cells, in pixels."""

    xs: list[int]
    ys: list[int]
    cells: list[Cell]

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def scaled(self, f: int) -> TableLayout:
        """The same grid on an image ``f`` times larger (tables are found on a reduced copy)."""
        if f == 1:
            return self
        return TableLayout(
            xs=[x * f for x in self.xs], ys=[y * f for y in self.ys], cells=[c.scaled(f) for c in self.cells]
        )


def ruling_masks(ink: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling-line masks by morphological opening with long thin kernels.

    Kernels are longer than any letter stroke (0.3 in ≈ 90 px at 300 dpi for horizontals, 0.2 in for
    verticals, since a one-line row is only ~0.25 in tall) and a short closing bridges the breaks a
    noisy scan leaves in a line.
    """
    lh, lv = max(15, int(dpi * 0.3)), max(10, int(dpi * 0.2))
    gap = max(3, int(dpi * 0.02))
    hor = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, lh), np.uint8))
    hor = cv2.morphologyEx(hor, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
    ver = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((lv, 1), np.uint8))
    ver = cv2.morphologyEx(ver, cv2.MORPH_CLOSE, np.ones((gap, 1), np.uint8))
    return hor, ver


def _cluster(values: list[float], tol: float) -> list[int]:
    """Positions closer than ``tol`` are one line (a thick or doubled rule); returns their means."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [round(sum(g) / len(g)) for g in out]


def _line_positions(mask: np.ndarray, axis: int, min_len: float, tol: float) -> list[int]:
    """Positions of the ruling lines in a mask region (axis 0: horizontal lines → y; 1: vertical → x).

    A row (column) of the mask with at least ``min_len`` line pixels belongs to a line; adjacent such
    rows are one line, and lines closer than ``tol`` are merged (a thick or doubled rule).
    """
    counts = (mask > 0).sum(axis=1 - axis)
    hits = np.nonzero(counts >= min_len)[0]
    return _cluster([float(v) for v in hits], tol)


def _covered(mask: np.ndarray, fixed: int, a: int, b: int, axis: int, tol: int) -> bool:
    """Is there a ruling line along ``fixed`` between a and b? (axis 0: horizontal line at y=fixed)."""
    margin = max(2, (b - a) // 8)
    a, b = a + margin, b - margin
    if b <= a:
        return True
    if axis == 0:
        band = mask[max(0, fixed - tol) : fixed + tol + 1, a:b]
        hit = band.max(axis=0) > 0
    else:
        band = mask[a:b, max(0, fixed - tol) : fixed + tol + 1]
        hit = band.max(axis=1) > 0
    return bool(hit.mean() >= 0.6)


def find_tables(ink: np.ndarray, dpi: float) -> tuple[list[TableLayout], np.ndarray]:
    """Every ruled table on the page and the mask of all ruling lines (to erase before OCR).

    A table is a connected group of ruling lines (found on a 4× reduced copy, which is fast) with at
    least two rows and two columns of cells.
    """
    hor, ver = ruling_masks(ink, dpi)
    lines = cv2.bitwise_or(hor, ver)
    tol = max(3, int(dpi * 0.03))
    f = 4
    small = cv2.resize(
        lines, (max(1, lines.shape[1] // f), max(1, lines.shape[0] // f)), interpolation=cv2.INTER_AREA
    )
    small = cv2.dilate((small > 0).astype(np.uint8), np.ones((3, 3), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(small)
    tables: list[TableLayout] = []
    for i in range(1, n):
        x, y, w, h = (int(v) * f for v in stats[i][:4])
        if w < max(dpi * 0.5, 0.4 * ink.shape[1]) or h < dpi * 0.25:
            continue  # a received-stamp box ("ĐẾN  Số: … Ngày: …") is small; task matrices span the page
        x0, y0 = max(0, x - f), max(0, y - f)
        x1, y1 = min(ink.shape[1], x + w + f), min(ink.shape[0], y + h + f)
        ys = [y0 + p for p in _line_positions(hor[y0:y1, x0:x1], 0, dpi * 0.3, tol)]
        xs = [x0 + p for p in _line_positions(ver[y0:y1, x0:x1], 1, dpi * 0.2, tol)]
        if len(ys) < 2 or len(xs) < 3:
            continue
        if w >= 0.93 * ink.shape[1] and h >= 0.88 * ink.shape[0] and len(ys) <= 4:
            continue  # the page's own frame (scanner edge, a border): a table spans rows, not the page
        tables.append(_layout(xs, ys, hor, ver, tol))
    tables.sort(key=lambda t: (t.ys[0], t.xs[0]))
    return tables, lines


def _layout(xs: list[int], ys: list[int], hor: np.ndarray, ver: np.ndarray, tol: int) -> TableLayout:
    """Grid cells merged wherever a separator is missing, keeping every merged cell a rectangle.

    First each row is cut into spans at the vertical separators that are present (a section row with
    no inner separators is one span); then a span is merged with the identical span below it when the
    horizontal separator between them is missing along its whole width (a cell running over two rows).
    """
    nr, nc = len(ys) - 1, len(xs) - 1
    spans: list[list[tuple[int, int]]] = []
    for r in range(nr):
        row, start = [], 0
        for c in range(1, nc + 1):
            if c == nc or _covered(ver, xs[c], ys[r], ys[r + 1], 1, tol):
                row.append((start, c))
                start = c
        spans.append(row)
    cells: list[Cell] = []
    open_cells: dict[tuple[int, int], int] = {}  # span -> index in cells of the cell growing downwards
    for r in range(nr):
        next_open: dict[tuple[int, int], int] = {}
        for c0, c1 in spans[r]:
            idx = open_cells.get((c0, c1))
            if idx is not None and not _covered(hor, ys[r], xs[c0], xs[c1], 0, tol):
                top = cells[idx]
                cells[idx] = Cell(top.row, c0, r + 1, c1, top.x0, top.y0, top.x1, ys[r + 1])
                next_open[(c0, c1)] = idx
            else:
                cells.append(Cell(r, c0, r + 1, c1, xs[c0], ys[r], xs[c1], ys[r + 1]))
                next_open[(c0, c1)] = len(cells) - 1
        open_cells = next_open
    cells.sort(key=lambda cl: (cl.row, cl.col))
    return TableLayout(xs=xs, ys=ys, cells=cells)


def _lines_of(words: list[Word]) -> list[list[Word]]:
    """Words of one cell grouped into visual lines (by centre height), each sorted left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.cy):
        if lines:
            last = lines[-1]
            height = np.median([x.bottom - x.top for x in last])
            if abs(w.cy - np.mean([x.cy for x in last])) <= 0.5 * height:
                last.append(w)
                continue
        lines.append([w])
    return [sorted(line, key=lambda w: w.left) for line in lines]


def _cell_text(words: list[Word]) -> tuple[str, float | None]:
    if not words:
        return "", None
    text = clean_cell("\n".join(" ".join(w.text for w in line) for line in _lines_of(words)))
    return text, round(float(np.mean([w.conf for w in words])), 4)


def assign_words(
    tables: list[TableLayout], words: list[Word]
) -> tuple[list[dict[tuple[int, int], list[Word]]], list[Word]]:
    """Drop each word into the cell containing its centre; words outside every table are returned apart."""
    per_table: list[dict[tuple[int, int], list[Word]]] = [{} for _ in tables]
    outside: list[Word] = []
    for w in words:
        for t_idx, t in enumerate(tables):
            x0, y0, x1, y1 = t.bbox
            if not (x0 <= w.cx <= x1 and y0 <= w.cy <= y1):
                continue
            cell = next((c for c in t.cells if c.x0 <= w.cx < c.x1 and c.y0 <= w.cy < c.y1), None)
            if cell is None:  # on a ruling line: nearest cell centre
                cell = min(
                    t.cells, key=lambda c: abs((c.x0 + c.x1) / 2 - w.cx) + abs((c.y0 + c.y1) / 2 - w.cy)
                )
            per_table[t_idx].setdefault((cell.row, cell.col), []).append(w)
            break
        else:
            outside.append(w)
    return per_table, outside


def to_table_grid(
    layout: TableLayout, cell_words: dict[tuple[int, int], list[Word]], page: int, scale: float
) -> TableGrid:
    """A ``TableGrid(method="ocr")``: cell strings, per-cell confidence, row tops in PDF points."""
    nr, nc = len(layout.ys) - 1, len(layout.xs) - 1
    rows: list[list[str | None]] = [[None] * nc for _ in range(nr)]
    conf: list[list[float | None]] = [[None] * nc for _ in range(nr)]
    for cell in layout.cells:
        text, c = _cell_text(cell_words.get((cell.row, cell.col), []))
        rows[cell.row][cell.col] = text
        conf[cell.row][cell.col] = c
    x0, y0, x1, y1 = layout.bbox
    return TableGrid(
        page=page,
        bbox=(x0 * scale, y0 * scale, x1 * scale, y1 * scale),
        rows=rows,
        row_tops=[y * scale for y in layout.ys[:-1]],
        cell_confidence=conf,
        method="ocr",
    )


def to_blocks(words: list[Word], page: int, scale: float, page_width_px: int) -> list[Block]:
    """Running text outside tables: one ``Block`` per tesseract line, in reading order (top to bottom)."""
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line_key, []).append(w)
    blocks = []
    for line in sorted(by_line.values(), key=lambda ws: (min(w.top for w in ws), min(w.left for w in ws))):
        line.sort(key=lambda w: w.left)
        text = clean_cell(" ".join(w.text for w in line))
        if not text:
            continue
        x0, x1 = min(w.left for w in line), max(w.right for w in line)
        y0, y1 = min(w.top for w in line), max(w.bottom for w in line)
        centered = (
            abs((x0 + x1) / 2 - page_width_px / 2) < 0.04 * page_width_px and (x1 - x0) < 0.8 * page_width_px
        )
        blocks.append(
            Block(
                page=page,
                text=text,
                bbox=(x0 * scale, y0 * scale, x1 * scale, y1 * scale),
                centered=centered,
                confidence=round(float(np.mean([w.conf for w in line])), 4),
            )
        )
    return blocks


def inked_empty_cells(
    layouts: list[TableLayout],
    per_table: list[dict[tuple[int, int], list[Word]]],
    ink: np.ndarray,
    dpi: float,
) -> list[tuple[int, Cell]]:
    """Cells that got no word although ink is printed in them: typically a lone "1" in the STT column.

    tesseract's page layout drops isolated one-glyph blobs as noise; these cells get a second, batched
    look (``parsers.readers.ocr``) instead of silently losing the task number.
    """
    inset = max(3, int(dpi * 0.02))
    min_ink = max(20, int((dpi / 100) ** 2 * 6))
    out = []
    for t_idx, (layout, cells) in enumerate(zip(layouts, per_table, strict=True)):
        for cell in layout.cells:
            if (cell.row, cell.col) in cells:
                continue
            patch = ink[cell.y0 + inset : cell.y1 - inset, cell.x0 + inset : cell.x1 - inset]
            if patch.size and int((patch > 0).sum()) >= min_ink:
                out.append((t_idx, cell))
    return out


def narrow_column_cells(layouts: list[TableLayout], ink: np.ndarray, dpi: float) -> list[tuple[int, Cell]]:
    """Inked one-column cells of narrow columns (STT: "1", "12", "II"), which tesseract's page layout drops.

    A column narrower than 8 % of its table holds numbers, not prose; its lone glyphs are read far more
    reliably in a second, batched look at the cells stacked in a strip (``parsers.readers.ocr``).
    """
    inset = max(2, int(dpi * 0.015))
    min_ink = max(6, int((dpi / 100) ** 2 * 4))
    out = []
    for t_idx, layout in enumerate(layouts):
        width = layout.xs[-1] - layout.xs[0]
        narrow = {c for c in range(len(layout.xs) - 1) if layout.xs[c + 1] - layout.xs[c] < 0.08 * width}
        for cell in layout.cells:
            if cell.col_end - cell.col != 1 or cell.col not in narrow:
                continue
            patch = ink[cell.y0 + inset : cell.y1 - inset, cell.x0 + inset : cell.x1 - inset]
            if patch.size and int((patch > 0).sum()) >= min_ink:
                out.append((t_idx, cell))
    return out


def erase_lines(gray: np.ndarray, lines: np.ndarray, dpi: float) -> np.ndarray:
    """White-out the ruling lines so tesseract's layout analysis sees text columns, not boxes."""
    grow = max(3, int(dpi * 0.01)) | 1
    mask = cv2.dilate(lines, np.ones((grow, grow), np.uint8))
    out = gray.copy()
    out[mask > 0] = 255
    return out


def _ink_runs(row: np.ndarray) -> list[tuple[int, int]]:
    """Column intervals (first, last) of ink in one row of a mask; gaps of 1–2 px are bridged."""
    idx = np.flatnonzero(row)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 3)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]]))
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def read_roman_numeral(crop: np.ndarray, dpi: float) -> str | None:
    """A Roman numeral (I, V, X only) printed alone in a cell, read from the shape of its strokes.

    Why: tesseract reads bold serif numerals badly — "III" as "II", "VIII" as "VII", "VII" as "\\41i",
    "IX" as "IH" — and a wrong section number moves every task of the section. Each glyph (a connected
    component of capital height) is classified by the ink runs it crosses at three levels of its height
    (22 %, 50 %, 78 %, clear of the serifs): I is one stem at all three (k aligned stems: k serif-joined
    I's); V two strokes at the top (two ends at 6 %) that meet in one at the bottom; X two strokes at the
    top and at the bottom (two ends at 6 % and 94 %) that cross in one in the middle. Anything else (a digit's curve, a word, two lines) gives None
    and the caller keeps tesseract's reading. Digits can look like strokes ("11" like "II"), so the caller
    asks only about cells tesseract read as a numeral-like string or left empty on a section row.
    """
    if crop.size == 0 or min(crop.shape) < 5:
        return None
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink)
    h_img, w_img = ink.shape
    glyphs = [
        i
        for i in range(1, n)
        if stats[i, 3] >= dpi * 0.06  # at least ~4.5 pt tall: a capital, not a speck
        and stats[i, 0] > 0
        and stats[i, 1] > 0
        and stats[i, 0] + stats[i, 2] < w_img
        and stats[i, 1] + stats[i, 3] < h_img  # not a leftover of the cell's ruling
        and stats[i, 3] < 0.9 * h_img
    ]
    if not glyphs:
        return None
    tallest = max(stats[i, 3] for i in glyphs)
    glyphs = [i for i in glyphs if stats[i, 3] >= 0.8 * tallest]
    least = min(stats[g, 4] for g in glyphs)
    others = [i for i in range(1, n) if i not in glyphs and stats[i, 4] > 0.15 * least]
    if others:
        return None  # other marks of some size in the cell: not a bare numeral
    tops = [stats[i, 1] for i in glyphs]
    if max(tops) - min(tops) > 0.3 * tallest:
        return None  # not on one line
    out = ""
    for i in sorted(glyphs, key=lambda g: stats[g, 0]):
        x, y, w, h = (int(v) for v in stats[i, :4])
        letter = _classify_stroke_glyph(labels[y : y + h, x : x + w] == i)
        if letter is None:
            return None
        out += letter
    return out


def _classify_stroke_glyph(mask: np.ndarray) -> str | None:
    """"I" (or "II", "III" when serifs join the stems), "V", "X", or None, from a glyph's mask."""
    h, w = mask.shape

    def level(f: float) -> list[tuple[int, int]]:
        y = int(f * h)
        return _ink_runs(mask[max(y - 1, 0) : y + 2].any(axis=0))

    top, mid, bottom = level(0.22), level(0.5), level(0.78)

    def centre(r: tuple[int, int]) -> float:
        return (r[0] + r[1]) / 2

    if len(top) == len(mid) == len(bottom) >= 1:
        aligned = all(
            abs(centre(t) - centre(m)) <= max(2.0, 0.6 * (t[1] - t[0] + 1))
            and abs(centre(t) - centre(b)) <= max(2.0, 0.6 * (t[1] - t[0] + 1))
            for t, m, b in zip(top, mid, bottom, strict=True)
        )
        if aligned and w <= len(top) * 0.75 * h:
            return "I" * len(top)
    # V and X start as two separate strokes at the very top; the curves of "2", "3", "8", "9" start as one
    two_ends = len(level(0.06)) == 2
    if two_ends and len(top) == 2 and len(bottom) == 1 and w >= 0.6 * h:
        return "V"
    crossing = len(mid) == 1 and mid[0][1] - mid[0][0] < 0.5 * w  # not the bar of an "H"
    if two_ends and len(top) == 2 and crossing and len(bottom) == 2 and len(level(0.94)) == 2 and w >= 0.6 * h:
        return "X"
    return None
