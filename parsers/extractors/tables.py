"""Turn the task tables of a document (annex matrices, plan tables, tracking exports) into ``RawTask``s.

Works on ``PageText.tables`` (``TableGrid``) and ``PageText.blocks`` only, so grids from the text layer,
from OCR and from Word files go through the same logic. Everything is decided from the structure of the
table (which columns exist, which cells are filled, merged or empty, how rows are numbered), never from
one document's wording. Steps:

1. Walk each page's blocks and grids in top-to-bottom order. A block "Phụ lục I" / "PHỤ LỤC II" /
   "Phụ lục số 01" / "Phụ lục" opens an annex; grids before any annex heading belong to the body
   (annex None).
2. A grid whose first non-blank rows map (``parsers.extractors.header_map``, by meaning classes) to a task column plus
   an actor (lead/co) or deadline column starts a task table. One or two header rows ("Cơ quan thực hiện"
   over "Chủ trì" | "Phối hợp"; "ST" over "T") are combined. A grid without such a header continues the open
   table when it has the same column count and no text came between (a table running over pages);
   otherwise it is ignored (letterhead and signature layout tables, indicator tables, school lists,
   comments tables whose text column is "Nội dung góp ý").
3. Once every grid of a table is known: an unlabelled first column holding row numbers is the STT column
   ("", "TỊ" in OCR); a status column that is empty in every row while a neighbouring unnamed column holds
   a small set of repeated values takes that column (a tracking export whose header row is shifted); actor
   or task columns holding figures are dropped (an indicator table's "Thực hiện 2025"), and a "Tiến độ"
   column holding no time at all is status (a small vocabulary) or progress. A table with no actor column
   is a task table only when its rows are numbered or a heading just above names a body, and its times are
   not an agenda's clock times ("8h30 - 8h35").
4. Rows are classified in order: repeated header, column-number row "(1) (2) ...", section heading, group
   row, sub-row of a merged task, continuation of the row above (cut by a page break), task.

Section headings (decisions, documented here because documents differ):
    * A Roman numeral STT ("II", "III.") with empty agency/result/deadline cells, or a row merged across
      whose text starts with one ("II. TUYÊN TRUYỀN..."), sets ``section`` (numeral without the dot) and
      ``section_title``.
    * An Arabic-numbered row with empty agency/result/deadline cells followed by a task numbered "1" is a
      heading (Annex III of the KH 15 plan: "1 | Hoàn thiện chính sách..." then task "1 | Góp ý...").
      Its section is the Roman numeral of its number when the matrix also has Roman headings (the plan's
      next heading is "II"), else the number as printed.
    * An upper-case prefix of three or more words fused into a task's cell before a normal sentence
      ("CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH, TỔ CHỨC THỰC HIỆN Quán triệt...") is split off as the section title;
      its section is the Roman numeral after the current one ("I" at the start of a matrix).
    * A group row without a numeral — one cell merged across the row, or a text cell with no STT and no
      other cell filled, followed by a numbered row (unit names in a tracking report whose STT restarts per
      unit) — is a section whose ``section`` and ``section_title`` are its text.
    * A row with an empty STT is a continuation of the task above only when it is the first row of a
      grid (page break) and the previous item is a task; right after a section heading it is a task
      with ``stt`` None.

Merged task cells: a row whose task cell is merged from the row above (``None`` from Word's vMerge or
pdfplumber), or, inside a grid, empty while its other cells start new values, is a sub-row: one more task
with the same STT and text and its own lead, co, output and deadline (cells merged from above are shared).
The task ids stay distinct because ``normalise`` counts occurrences of the same key.

Actors: a lead column that names lead and co together ("Đơn vị chủ trì/phối hợp"), or the only actor
column of the table, is split: "X chủ trì, Y phối hợp", "Chủ trì: X; Phối hợp: Y", "X phối hợp với Y",
"X (chủ trì), Y" and, in a single actor column, "X và Y" where Y starts a new body ("Sinh viên và khoa
chuyên môn") give lead X and co Y. A table without an actor column takes the lead from the subject of each
task cell ("Sinh viên nộp đề cương …"), else from a heading just above the table naming a body ("a) Sở
Nội vụ chủ trì"); a bare head noun ("Khoa") is the issuing unit of that kind named in the letterhead.

Annex labels: Roman numerals as printed ("I"), Arabic numbers without leading zeros ("Phụ lục số 01" ->
"1"), and "Phụ lục" for an unnumbered annex (the body is None, so an unnumbered annex must not be None).
STT values are kept as printed ("01" stays "01"; a trailing dot is dropped).
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from models.page import Block, ParsedFile, TableGrid
from models.settings import TableSettings
from models.task import RawTask
from parsers.extractors.header_map import HeaderMap, combine_header_rows, key, map_header
from parsers.normalisers.text import clean_cell, collapse_ws, fold, strip_diacritics

VERSION = "tables.v2"

_ROMAN = re.compile(r"^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_LEAD = re.compile(r"^\s*([IVXLC]{1,6})\s*[.):\-–]?\s+(\S.*)$", re.DOTALL)
_ARABIC = re.compile(r"^\d{1,3}$")
_LETTER = re.compile(r"^(?:Phần\s+)?[A-ZĐ]$")
_NUMBER_LEAD = re.compile(r"^\s*([IVXLC]{1,6}|\d{1,3})\s*[.):\-–]?\s+(\S.*)$", re.DOTALL)
_ANNEX = re.compile(
    r"^phu luc(?:\s+so)?(?:\s+(?P<num>[ivxlc]{1,6}|\d{1,3}))?(?:\s*$|\s*[:.\-–—]\s*\S|\s+[a-z]+\s*$)"
)
_PAGE_FURNITURE = re.compile(
    r"^(?:trang\s*)?\d{0,4}(?:\s*(?:tren|of)?\s*\d{1,4})?$"
)  # "", "2", "trang 2 tren 9"
_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")
# A row number as printed: "1", "01", "2.3", "II", "a", "a)"; OCR adds edge junk ("- 03", "27 —").
_STT_VALUE = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){0,3}|[IVXLC]{1,6}|[a-zđ])[.)]?$")
_OCR_ROW_NUMBER = re.compile(r"(?<![\d/])(\d{1,3})\.(?=\s|$)")
_OCR_EDGE = re.compile(r"^[^\wÀ-ỹ]+|[^\wÀ-ỹ.]+$")
# Specks OCR reads at a cell's edges ("Sở Y tế : —", "_Xây dựng", "Tổ thẩm định |", "SYT, … ¬ | ¬ '").
_OCR_EDGE_CELL = re.compile(r"^[\s_`'|¬~:;,.\-–—]+|(?:\s+[_`'|¬~:;,\-–—]+)+\s*$|[_`|¬~]+$")
_OCR_EDGE_TEXT = re.compile(r"^[\s_`|¬~]+|(?:\s+[_`|¬~]+)+\s*$|[_`|¬~]+$")  # a task cell may start with "- "
# An agenda's clock time: "8h30 - 8h35", "14 giờ", "08:00-10:00" with no day, month or date.
_CLOCK = re.compile(r"\b\d{1,2}\s*(?:h|giờ|g|:)\s*\d{0,2}\b", re.IGNORECASE)
_DATE_WORDS = re.compile(r"\d{1,2}/\d{1,2}|\bngày\b|\btháng\b|\bquý\b|\bnăm\b|\btuần\b", re.IGNORECASE)
_TASK_FIELDS = ("text", "lead", "co", "output", "deadline", "status")
_SIDE_FIELDS = ("lead", "co", "output", "deadline")
_EXTRA_FIELDS = ("progress", "note")  # kept in raw_cells only
_HEADER_SHARE = 0.5  # share of a header row's non-empty cells that must name a class
_HEADER_ROWS_SCANNED = 4  # a title row and a blank row may come before the header


def extract_table_tasks(parsed: ParsedFile, settings: TableSettings) -> list[RawTask]:
    """Extract every task row of the document's task tables, with annex, section and provenance.

    Args:
        parsed: pages of blocks and grids from any reader (text layer, OCR, Word).
        settings: table settings (the grid tolerances are the readers' business; kept for the seam).

    Returns:
        Tasks in document order (``order`` 0-based), ``source="table"``, values as printed (cleaned).

    Example:
        A row ``52 | Xây dựng Kế hoạch ... | Sở Nội vụ | Các sở, ngành | Kế hoạch | Quý II/2026`` under
        "Phụ lục I" and heading "III | HOÀN THIỆN THỂ CHẾ" gives ``RawTask(annex="I", section="III",
        stt="52", lead_raw="Sở Nội vụ", deadline_raw="Quý II/2026", ...)``.
    """
    del settings  # no knobs yet: header wording and row rules are fixed by the documents' conventions
    issuer_lines = _letterhead(parsed)
    tasks: list[RawTask] = []
    for matrix in _matrices(parsed):
        if not _finalise(matrix):
            continue
        tasks.extend(_matrix_tasks(matrix, start=len(tasks), issuer_lines=issuer_lines))
    return tasks


# --- step 1-2: grids -> matrices -------------------------------------------------------------------


@dataclass
class _Row:
    cells: dict[str, str]  # field -> cleaned cell text ("" when empty or merged away)
    merged: set[str]  # fields whose cell is merged from the row above (None in the grid; not OCR)
    raw: list[str | None]
    stt: str
    page: int
    first_on_grid: bool
    merged_across: bool  # every cell after the first is None: a title merged across the row
    confidences: list[float]
    method: str


@dataclass
class _Part:
    """The data rows of one grid that belong to a matrix."""

    grid: TableGrid
    start: int


@dataclass
class _Matrix:
    annex: str | None
    header: HeaderMap
    ncols: int
    heading: list[str]  # the text blocks just above the table (nearest last)
    lead: str | None = None  # the body a heading just above the table names
    parts: list[_Part] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)


def annex_label(text: str) -> str | None:
    """The annex a heading block opens, or None if the block is not an annex heading.

    >>> annex_label("PHỤ LỤC II"), annex_label("Phụ lục số 01"), annex_label("Phụ lục I, II, III kèm theo")
    ('II', '1', None)
    """
    folded = collapse_ws(strip_diacritics(text))
    m = _ANNEX.match(folded)
    if m is None or len(folded) > 200:
        return None
    num = m.group("num")
    if num is None:
        return "Phụ lục"
    if num.isdigit():
        return str(int(num))
    return num.upper() if _ROMAN.match(num.upper()) else None


def _events(parsed: ParsedFile) -> Iterator[Block | TableGrid]:
    """Blocks and grids of each page, top to bottom (blocks without geometry keep their list order)."""
    for page in parsed.pages:
        items: list[tuple[float, int, Block | TableGrid]] = []
        for i, block in enumerate(page.blocks):
            items.append((block.bbox[1] if block.bbox else float(i), 0, block))
        for grid in page.tables:
            items.append((grid.bbox[1], 1, grid))
        items.sort(key=lambda t: (t[0], t[1]))
        for _, _, item in items:
            yield item


def _find_header(rows: Sequence[Sequence[str | None]]) -> tuple[HeaderMap, int] | None:
    """Header map and the index of the first data row if the grid starts with a task-table header.

    Blank rows and a title merged across the table ("DANH SÁCH NHIỆM VỤ …") may come first.
    """
    candidates = [i for i in range(len(rows)) if any(rows[i])][:_HEADER_ROWS_SCANNED]
    for start in candidates:
        row = rows[start]
        if len(row) > 1 and row[0] and all(c is None or not c for c in row[1:]):
            continue  # a title merged across
        single = map_header(row)
        if _looks_like_header(row, single, partial=True):
            nxt = start + 1
            if nxt < len(rows):
                double = map_header(combine_header_rows(row, rows[nxt]))
                second = rows[nxt]
                if (
                    double.is_task_matrix
                    and _looks_like_header(second, map_header(second), partial=True, short_ok=True)
                    and len(double.fields) >= len(single.fields)
                    and (double != single or not single.is_task_matrix)
                ):
                    return double, nxt + 1  # "Chủ trì" | "Phối hợp" or "T" under the first row
            if single.is_task_matrix:
                return single, start + 1
        if single.is_task_matrix is False and _looks_like_header(row, single, partial=True):
            return None  # a header row of another kind of table
    return None


def _looks_like_header(
    cells: Sequence[str | None], header: HeaderMap, partial: bool = False, short_ok: bool = False
) -> bool:
    """Most non-empty cells name a class; a second header row may hold only short fragments ("T", "Chủ trì")."""
    filled = [i for i, c in enumerate(cells) if c and c.strip()]
    if not filled:
        return False
    named = sum(1 for i in filled if i in header.columns)
    if short_ok and all(len(key(cells[i])) <= 3 or i in header.columns for i in filled):
        return True
    if named < max(1, _HEADER_SHARE * len(filled)) or (not partial and not header.is_task_matrix):
        return False
    return named >= 2 or len(filled) == 1


def _matrices(parsed: ParsedFile) -> list[_Matrix]:
    """Group grids into task tables: a table continues over pages until an annex heading, running text
    (a heading or paragraph between two tables; page numbers do not count) or a non-task table."""
    matrices: list[_Matrix] = []
    annex: str | None = None
    current: _Matrix | None = None
    above: list[str] = []  # text blocks since the last grid
    for item in _events(parsed):
        if isinstance(item, Block):
            label = annex_label(item.text)
            if label is not None:
                annex = label
                current = None  # a new annex never continues the previous table
            elif not _PAGE_FURNITURE.match(key(item.text)):
                current = None  # text between two tables: the next one is a new table
                above.append(item.text)
            continue
        grid = item
        heading, above = above[-3:], []
        if not grid.rows:
            continue
        ncols = max(len(r) for r in grid.rows)
        found = _find_header(grid.rows)
        if found is not None:
            header, skip = found
            if current is None or current.header != header or current.ncols != ncols:
                current = _Matrix(annex=annex, header=header, ncols=ncols, heading=heading)
                matrices.append(current)
            # else: the header repeated on a new page of the same table
        elif current is not None and current.ncols == ncols:
            skip = 0
        else:
            current = None  # not a task table: ignored, and it breaks any running table
            continue
        current.parts.append(_Part(grid=grid, start=skip))
    return matrices


# --- step 3: whole-table decisions -----------------------------------------------------------------


def _column(matrix: _Matrix, index: int) -> list[str]:
    return [
        clean_cell(row[index]) if index < len(row) else ""
        for part in matrix.parts
        for row in part.grid.rows[part.start :]
        if any(row)
    ]


def _stt_like(value: str, ocr: bool) -> bool:
    value = _OCR_EDGE.sub("", value) if ocr else value
    return bool(_STT_VALUE.match(value.strip()))


def _infer_stt(matrix: _Matrix) -> None:
    """An unlabelled (or unreadable) first column holding row numbers is the STT column."""
    header = matrix.header
    if "stt" in header.fields or 0 in header.columns:
        return
    ocr = any(p.grid.method == "ocr" for p in matrix.parts)
    first_header = [p.grid.rows[p.start - 1][0] if p.start else None for p in matrix.parts[:1]]
    if first_header and first_header[0] and len(key(first_header[0]).replace(" ", "")) > 4:
        return  # a named first column that is not a number column
    values = [v for v in _column(matrix, 0) if v]
    if values and sum(_stt_like(v, ocr) for v in values) >= max(2, 0.5 * len(values)):
        matrix.header = HeaderMap(columns={0: "stt", **header.columns}, combined=header.combined)


def _categorical(values: list[str]) -> bool:
    """Short values repeated over the rows (a status vocabulary), not free notes."""
    filled = [v for v in values if v]
    if len(filled) < 2 or any(len(v) > 60 for v in filled):
        return False
    return len(set(filled)) <= max(2, len(filled) // 2)


def _fix_status_shift(matrix: _Matrix) -> None:
    """A status column empty in every row while a neighbouring unnamed column holds a status vocabulary."""
    header = matrix.header
    col = header.col("status")
    if col is None or any(_column(matrix, col)):
        return
    for other in (col - 1, col + 1):
        if other < 0 or header.columns.get(other) not in (None, "other", "comment"):
            continue
        values = _column(matrix, other)
        if sum(1 for v in values if v) >= 0.5 * len(values) and _categorical(values):
            columns = {i: f for i, f in header.columns.items() if i not in (col, other)}
            columns[other] = "status"
            matrix.header = HeaderMap(columns=dict(sorted(columns.items())), combined=header.combined)
            return


def _is_agenda(matrix: _Matrix) -> bool:
    """Times of day with no date: a meeting's programme, not task deadlines."""
    col = matrix.header.col("deadline")
    if col is None:
        return False
    values = [v for v in _column(matrix, col) if v]
    clock = [v for v in values if _CLOCK.search(v) and not _DATE_WORDS.search(v)]
    return bool(values) and len(clock) >= 0.6 * len(values)


_NUMERIC = re.compile(r"^[\d\s.,%+\-–/()]+$")
_TIME_CUE = re.compile(
    r"\d|\b(?:ngày|tháng|quý|năm|tuần|hằng|hàng|thường xuyên|định kỳ|trước|trong|sau|từ|đến|khi|kể từ)\b",
    re.IGNORECASE,
)


def _check_columns(matrix: _Matrix) -> None:
    """Columns whose content contradicts their header: actor or deadline cells that are all figures (an
    indicator table's "Thực hiện" column), a "Tiến độ" column holding no time at all (progress or status)."""
    header = matrix.header
    columns = dict(header.columns)
    for index, name in header.columns.items():
        values = [v for v in _column(matrix, index) if v]
        if not values:
            continue
        if name in ("lead", "co", "text") and sum(bool(_NUMERIC.match(v)) for v in values) >= 0.6 * len(
            values
        ):
            del columns[index]
            continue
        if name == "deadline" and sum(bool(_TIME_CUE.search(v)) for v in values) < 0.2 * len(values):
            columns[index] = (
                "status" if "status" not in columns.values() and _categorical(values) else "progress"
            )
    if columns != header.columns:
        matrix.header = HeaderMap(columns=columns, combined=header.combined)


def _finalise(matrix: _Matrix) -> bool:
    """Decide the columns from the whole table and build its rows; False when it is not a task table."""
    _infer_stt(matrix)
    _fix_status_shift(matrix)
    _check_columns(matrix)
    matrix.lead = _heading_lead(matrix.heading)
    header = matrix.header
    if "text" not in header.fields:
        return False
    if not header.has_actor and (
        ("stt" not in header.fields and matrix.lead is None)
        or "deadline" not in header.fields
        or _is_agenda(matrix)
    ):
        return (
            False  # no actor, no numbering and no heading naming one (a programme, a list): not a task table
        )
    for part in matrix.parts:
        indices = [i for i in range(part.start, len(part.grid.rows)) if any(part.grid.rows[i])]
        data = [_make_row(part.grid, i, matrix.header) for i in indices]
        for j, row in enumerate(data):
            row.first_on_grid = j == 0
        matrix.rows.extend(data)
    return True


def _ocr_tidy(name: str, value: str) -> str:
    if name == "stt":
        return value
    return (_OCR_EDGE_TEXT if name == "text" else _OCR_EDGE_CELL).sub("", value)


def _make_row(grid: TableGrid, index: int, header: HeaderMap) -> _Row:
    raw = grid.rows[index]
    cells = {name: clean_cell(raw[i]) if i < len(raw) else "" for i, name in header.columns.items()}
    merged = {
        name
        for i, name in header.columns.items()
        if grid.method != "ocr" and i < len(raw) and raw[i] is None and name in (*_TASK_FIELDS, "stt")
    }
    for name in _TASK_FIELDS + _EXTRA_FIELDS:
        cells.setdefault(name, "")
    confidences: list[float] = []
    if grid.cell_confidence is not None and index < len(grid.cell_confidence):
        confidences = [c for c in grid.cell_confidence[index] if c is not None]
    if grid.method == "ocr":
        cells = {name: _ocr_tidy(name, value) for name, value in cells.items()}
    stt = cells.get("stt", "")
    if grid.method == "ocr" and stt:
        text_col = header.col("text")
        swallowed = text_col is not None and text_col < len(raw) and raw[text_col] is None
        if swallowed and len(stt) > 12 and not cells["text"]:
            # the STT cell spans the task column (a ruling line OCR missed): its text is the task's
            number = _OCR_ROW_NUMBER.search(stt)
            cells["text"] = collapse_ws(_OCR_ROW_NUMBER.sub(" ", stt, count=1)) if number else stt
            stt = number.group(1) if number else ""
        stt = _OCR_EDGE.sub("", stt).strip().rstrip(".,")
        stt = stt if _STT_VALUE.match(stt) else ""
    merged_across = len(raw) > 1 and bool(raw[0]) and all(c is None for c in raw[1:])
    if merged_across:  # "II. TUYÊN TRUYỀN..." in one cell spanning the row: split number and title
        whole = clean_cell(raw[0])
        m = _NUMBER_LEAD.match(whole)
        stt, cells["text"] = (m.group(1), clean_cell(m.group(2))) if m else ("", whole)
        for name in (*_SIDE_FIELDS, "status"):
            cells[name] = ""
        merged = set()
    return _Row(
        cells=cells,
        merged=merged,
        raw=list(raw),
        stt=stt,
        page=grid.page,
        first_on_grid=False,
        merged_across=merged_across,
        confidences=confidences,
        method=grid.method,
    )


# --- step 4: rows -> tasks -------------------------------------------------------------------------


@dataclass
class _Pending:
    """A task being built (it may still receive a continuation row from the next page)."""

    stt: str | None
    stt_printed: str
    section: str | None
    section_title: str | None
    cells: dict[str, list[str]]  # field -> parts, one per row piece
    pages: list[int]
    confidences: list[float]
    method: str
    fused_title: str | None = None
    last: dict[str, str] = field(default_factory=dict)  # the cells of its last physical row


def _matrix_tasks(matrix: _Matrix, start: int, issuer_lines: list[str]) -> list[RawTask]:
    rows = [r for r in matrix.rows if not _is_noise(r, matrix.header)]
    has_roman = any(_ROMAN.match((_section_of(r) or ("", ""))[0] or "") for r in rows)
    has_stt = "stt" in matrix.header.fields
    section: str | None = None
    title: str | None = None
    tasks: list[_Pending] = []
    last_was_task = False
    for i, row in enumerate(rows):
        following = rows[i + 1 :]
        heading = _section_of(row)
        if heading is None and _is_arabic_heading(row, following):
            number = row.stt.rstrip(".")
            heading = (_roman(int(number)) if has_roman else number, row.cells["text"])
        if heading is not None and heading[0] is not None and heading[0].isdigit() and has_roman:
            heading = (_roman(int(heading[0])), heading[1])
        if heading is None and has_stt and _is_group_row(row, following, last_was_task, tasks):
            heading = (row.cells["text"], row.cells["text"])
        if heading is not None:
            if heading[0] is None and not has_roman:
                heading = (heading[1], heading[1])  # an unnumbered group merged across the table
            section = heading[0] if heading[0] is not None else section
            title = heading[1]
            last_was_task = False
            continue
        if last_was_task and _is_sub_row(row, tasks[-1]):
            tasks.append(_sub_task(tasks[-1], row))
            continue
        if not row.stt and last_was_task and (row.first_on_grid or not row.cells["text"]):
            _append(tasks[-1], row)
            continue
        pending = _Pending(
            stt=row.stt.rstrip(".") or None,
            stt_printed=row.stt,
            section=section,
            section_title=title,
            cells={
                name: [_inherit(row, name, tasks, last_was_task)] for name in _TASK_FIELDS + _EXTRA_FIELDS
            },
            pages=[row.page],
            confidences=list(row.confidences),
            method=row.method,
        )
        pending.last = {name: parts[0] for name, parts in pending.cells.items()}
        fused = _split_fused_heading(row.cells["text"])
        if fused is not None:
            section = _next_roman(section)
            title = fused[0]
            pending.section, pending.section_title, pending.fused_title = section, title, fused[0]
        tasks.append(pending)
        last_was_task = True
    context = _ActorContext(matrix.header, matrix.lead)
    pairs = [_actors(p, _joined(p), context) for p in tasks]
    names = {piece for pair in pairs for value in pair if value for piece in value.split("; ")}
    pairs = [tuple(_resolve_bare(v, names, issuer_lines) for v in pair) for pair in pairs]
    return [
        _finish(p, matrix.annex, start + n, pair)
        for n, (p, pair) in enumerate(zip(tasks, pairs, strict=True))
    ]


def _inherit(row: _Row, name: str, tasks: list[_Pending], last_was_task: bool) -> str:
    """A side cell merged down from the task above (Word vMerge, pdfplumber None) carries its value."""
    if name in row.merged and name in (*_SIDE_FIELDS, "status") and last_was_task and tasks:
        return tasks[-1].last.get(name, "")
    return row.cells[name]


def _is_noise(row: _Row, header: HeaderMap) -> bool:
    """A header repeated inside a grid, or the "(1) (2) (3)..." column-number row under the header."""
    values = [v for v in row.cells.values() if v]
    if not values:
        return True
    if len(values) >= 3 and all(_COLUMN_NUMBERS.match(v) for v in values):
        return True
    again = map_header(row.raw)
    return again.columns == header.columns and _looks_like_header(row.raw, again)


def _section_of(row: _Row) -> tuple[str | None, str] | None:
    """(section, title) if the row is a section heading: Roman STT with only a title, or a merged row."""
    side_empty = not any(row.cells[f] for f in _SIDE_FIELDS)
    stt = row.stt.rstrip(".").strip()
    if row.merged_across:
        return (stt or None, row.cells["text"])
    if stt and (_ROMAN.match(stt) or _LETTER.match(stt)) and side_empty and row.cells["text"]:
        return stt, row.cells["text"]  # "II | TUYÊN TRUYỀN", "A | CÔNG TÁC CHỈ ĐẠO"
    if not stt and side_empty:  # "I. CÔNG TÁC CHỈ ĐẠO" written in the Nhiệm vụ cell, STT empty
        m = _ROMAN_LEAD.match(row.cells["text"])
        if m and _ROMAN.match(m.group(1)) and _is_upper_text(m.group(2)):
            return m.group(1), clean_cell(m.group(2))
    return None


def _is_group_row(row: _Row, following: Sequence[_Row], last_was_task: bool, tasks: list[_Pending]) -> bool:
    """A text cell alone (no STT, no other cell) over numbered rows: a group such as a unit's name.

    At the top of a new grid after a task it is a group only when the numbering restarts below it
    (otherwise it is the rest of a task cut by the page break).
    """
    if row.stt or row.merged or not row.cells["text"] or any(row.cells[f] for f in (*_SIDE_FIELDS, "status")):
        return False
    if len(row.cells["text"]) > 200:
        return False
    nxt = next((r for r in following if r.stt or r.cells["text"]), None)
    if nxt is None or not nxt.stt:
        return False
    if row.first_on_grid and last_was_task:
        restart = nxt.stt.rstrip(".)").lstrip("0") in {"1", ""} or nxt.stt.rstrip(".)").lower() == "a"
        return restart and row.cells["text"][:1].isupper() and bool(tasks)
    return True


_CONTINUES = re.compile(r"(?:[,;:/&+\-–]|\bvà|\bvới|\bcác)$", re.IGNORECASE)


def _is_sub_row(row: _Row, parent: _Pending) -> bool:
    """A row under a task whose task cell is merged from it (None) or, inside a grid, left empty while the
    other cells start new values: one more task with the same STT and text."""
    if row.merged_across or row.cells["text"]:
        return False
    own = [f for f in _SIDE_FIELDS if row.cells[f] and f not in row.merged]
    if not own:
        return False
    if "text" in row.merged:
        return True
    if row.stt or row.first_on_grid or row.method == "ocr":
        return False
    for f in own:  # fresh values: not the lower-case rest of a cell, and the cell above was complete
        if not row.cells[f][:1].isupper() and not row.cells[f][:1].isdigit():
            return False
        if not parent.last.get(f) or _CONTINUES.search(parent.last[f]):
            return False
    return True


def _sub_task(parent: _Pending, row: _Row) -> _Pending:
    cells: dict[str, list[str]] = {}
    for name in _TASK_FIELDS + _EXTRA_FIELDS:
        if name == "text":
            cells[name] = list(parent.cells["text"])
        elif name in row.merged:
            cells[name] = [parent.last.get(name, "")]
        else:
            cells[name] = [row.cells[name]]
    sub = _Pending(
        stt=parent.stt if not row.stt or "stt" in row.merged else row.stt.rstrip(".") or None,
        stt_printed=parent.stt_printed if not row.stt or "stt" in row.merged else row.stt,
        section=parent.section,
        section_title=parent.section_title,
        cells=cells,
        pages=sorted({*parent.pages[-1:], row.page}),
        confidences=list(row.confidences),
        method=row.method,
        fused_title=parent.fused_title,
    )
    sub.last = {name: parts[-1] for name, parts in cells.items()}
    return sub


def _is_upper_text(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _is_arabic_heading(row: _Row, following: Sequence[_Row]) -> bool:
    """An Arabic-numbered row with only a text cell, followed by a task numbered 1, "a" or "n.1"."""
    if not _ARABIC.match(row.stt.rstrip(".")) or not row.cells["text"]:
        return False
    if any(row.cells[f] for f in _SIDE_FIELDS):
        return False
    number = row.stt.rstrip(".")
    for nxt in following:
        if nxt.stt:  # numbering restarts ("1", "a") or goes one level down ("2.1" under "2")
            nxt_stt = nxt.stt.rstrip(".").lower()
            return nxt_stt in {"1", "a"} or nxt_stt.startswith(number + ".")
    return False


def _split_fused_heading(text: str) -> tuple[str, str] | None:
    """Split "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH Quán triệt ..." into (heading, task text); None if not fused."""
    words = text.split(" ")
    n = 0
    while n < len(words) and _is_upper_word(words[n]):
        n += 1
    letters_words = [w for w in words[:n] if any(ch.isalpha() for ch in w)]
    if len(letters_words) < 3 or sum(len(w) for w in letters_words) < 12 or n >= len(words):
        return None  # "UBND, HĐND Tỉnh..." is not a heading: three real upper-case words at least
    nxt = words[n]
    if not (nxt[:1].isupper() and any(ch.islower() for ch in nxt)):
        return None
    return " ".join(words[:n]).rstrip(" :.-–"), " ".join(words[n:])


def _is_upper_word(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return all(ch.isupper() for ch in letters) and (bool(letters) or not any(ch.isdigit() for ch in word))


def _append(task: _Pending, row: _Row) -> None:
    for name in _TASK_FIELDS + _EXTRA_FIELDS:
        if row.cells[name] and name not in row.merged:
            task.cells[name].append(row.cells[name])
            task.last[name] = row.cells[name]
    if row.page not in task.pages:
        task.pages.append(row.page)
    task.confidences.extend(row.confidences)


# --- actors: one column for lead and co, subjects of task cells, headings above a table ---------------

# Words a body or an actor starts with (lower case, with diacritics so that "Số hóa" is not "Sở"). Verbs
# and nouns spelled like a head noun are excluded by what follows ("tổ chức", "báo cáo", "ban hành").
_HEADS = (
    "ủy ban nhân dân", "ubnd", "hđnd", "ban chỉ đạo", "ban quản lý", "bộ chỉ huy", "văn phòng", "trung tâm",
    "thanh tra", "công an", "chi cục", "tổng cục", "cục", "vụ", "viện", "học viện", "đại học", "trường",
    "khoa", "phòng", "sở", "ban", "bộ", "hội đồng", "hội", "đoàn", "tổ", "đài", "báo", "kho bạc",
    "ngân hàng", "bảo hiểm xã hội", "bhxh", "bệnh viện", "công ty", "tòa án", "tỉnh ủy", "huyện ủy",
    "đảng ủy", "mặt trận", "liên đoàn", "cơ quan", "đơn vị", "địa phương", "sinh viên", "giảng viên",
    "giáo viên", "học sinh", "nhà trường", "lãnh đạo", "giám đốc", "chủ tịch", "thủ trưởng", "hiệu trưởng",
    "trưởng phòng", "thư ký", "bộ phận", "chủ đầu tư", "doanh nghiệp", "cán bộ", "chuyên viên", "gvhd",
    "tiểu ban", "tổ công tác", "cơ sở", "bệnh viện", "trạm", "nhóm",
)  # fmt: skip
_NOT_HEADS = (
    "tổ chức", "báo cáo", "ban hành", "hội nghị", "hội thảo", "đoàn kết", "phòng chống", "phòng, chống",
    "phòng ngừa", "trường hợp", "khoa học", "vụ việc", "bộ sung", "đơn vị tính", "cơ quan báo chí",
    "bộ chỉ số", "bộ tiêu chí", "bộ hồ sơ", "bộ thủ tục", "tổ hợp", "cơ sở dữ liệu",
    "cơ sở vật chất", "cơ sở pháp lý", "cơ sở hạ tầng", "nhóm nhiệm vụ", "nhóm giải pháp",
)  # fmt: skip
_HEAD_RE = re.compile(r"^(?:các\s+)?(?:" + "|".join(sorted(_HEADS, key=len, reverse=True)) + r")(?!\w)")
_NOT_HEAD_RE = re.compile(r"^(?:các\s+)?(?:" + "|".join(_NOT_HEADS) + r")(?!\w)")
# Lower-case words that stay inside a body's name ("UBND tỉnh", "Khoa chuyên môn", "các cơ quan liên quan").
_NAME_WORDS = frozenset(
    ("tỉnh", "huyện", "xã", "phường", "quận", "thị", "thành", "phố", "đặc", "khu", "trung", "ương", "liên",
     "quan", "chuyên", "môn", "trực", "thuộc", "cấp", "ngành", "địa", "phương", "cơ", "đơn", "vị")
)  # fmt: skip
_BULLET = re.compile(r"^\s*(?:[-–+•*]|(?:[IVXLC]{1,6}|\d{1,3}(?:\.\d{1,3}){0,3}|[a-zđ])\s*[.):])\s*")
_HEADING_OPENERS = re.compile(
    r"^(?:giao(?:\s+cho)?|đề nghị|yêu cầu|mời|trách nhiệm của|nhiệm vụ của|đối với)\s+"
)
_CO_WORDS = r"(?:phoi hop|tham gia|ho tro)"


def _low(text: str) -> str:
    """Lower case with one tone-mark placement, same length as ``text`` (for slicing the original)."""
    low = fold(text)
    return low if len(low) == len(text) else text.lower()


def _fold_chars(text: str) -> str:
    """Per-character fold (same length as ``text``): lower case, no diacritics, "đ" -> "d"."""
    out = []
    for ch in text:
        folded = strip_diacritics(ch)
        out.append(folded[0] if len(folded) == 1 else ch.lower())
    return "".join(out)


def _head(text: str) -> str | None:
    """The head noun ``text`` starts with (lower case), or None."""
    low = _low(text.strip())
    m = _HEAD_RE.match(low)
    if m is None or _NOT_HEAD_RE.match(low):
        return None
    return m.group(0)


# Verbs that end an actor's name when a cell or heading starts with the actor ("Sinh viên nộp …").
_VERBS = frozenset(
    ("thông báo", "lập", "nộp", "thực hiện", "tổ chức", "xây dựng", "triển khai", "ban hành", "tham mưu",
     "chủ trì", "phối hợp", "báo cáo", "kiểm tra", "theo dõi", "tiếp nhận", "tổng hợp", "làm việc", "hướng dẫn",
     "rà soát", "trình", "gửi", "cử", "chuẩn bị", "phê duyệt", "đánh giá", "kết thúc", "hoàn thành",
     "hoàn thiện", "cập nhật", "cung cấp", "đề xuất", "đăng ký", "tham gia", "chỉ đạo", "giải quyết",
     "công bố", "công khai", "phát hành", "thẩm định", "ký", "duyệt", "chấm", "bảo vệ", "viết", "tìm hiểu",
     "chủ động", "tiếp tục", "khẩn trương", "tăng cường", "đẩy mạnh", "phân công", "họp", "thành lập",
     "bố trí", "đảm bảo", "bảo đảm", "xử lý", "điều chỉnh", "sửa đổi", "bổ sung", "nghiên cứu", "tuyên truyền",
     "phổ biến", "quán triệt", "lựa chọn", "thương thảo", "xác nhận", "cho", "lưu trữ", "giám sát", "hỗ trợ",
     "đôn đốc", "là", "có", "được", "phải", "cần", "sẽ", "đã", "đang", "căn cứ", "theo", "để", "nhằm", "tại",
     "trong", "về", "với", "từ", "đến", "trước", "sau", "khi", "thường xuyên", "định kỳ", "chịu trách nhiệm",
     "có trách nhiệm", "nắm", "quản lý", "đưa", "mời", "giao", "yêu cầu", "đề nghị", "tập trung", "sử dụng")
)  # fmt: skip
# Heads whose next word names the group even when it reads like a verb ("Tổ thẩm định", "Đoàn kiểm tra").
_COLLECTIVE = frozenset(("tổ", "đoàn", "hội đồng", "ban", "tiểu ban", "tổ công tác", "bộ phận"))
_MAX_ACTOR_WORDS = 14


def leading_actor(text: str) -> str | None:
    """The actor a sentence or cell starts with, as printed: "Sinh viên nộp đề cương …" -> "Sinh viên",
    "Sở Y tế tổ chức …" -> "Sở Y tế", "Phòng Đào tạo và Khoa lập …" -> "Phòng Đào tạo và Khoa",
    "Tổ thẩm định thẩm định kế hoạch" -> "Tổ thẩm định".

    The name runs from a head noun until a verb ("nộp", "tổ chức", "thực hiện" …), a parenthesis, a ":" or
    ";", or a "," that does not go on with another body or group word; "và" joins a second body. A
    collective head ("Tổ", "Đoàn", "Hội đồng") keeps its next word even when it reads like a verb. None when
    the text does not start with a head noun.
    """
    text = collapse_ws(text)
    head = _head(text)
    if head is None:
        return None
    tokens = text.split(" ")
    n_head = len(head.split())
    out = tokens[:n_head]
    collective, named = head.removeprefix("các ") in _COLLECTIVE, 0
    i = n_head
    while i < len(tokens) and len(out) < _MAX_ACTOR_WORDS:
        tok = tokens[i]
        bare = tok.strip(',;:.()"“”')
        low = _low(bare)
        two = f"{low} {_low(tokens[i + 1].strip(',;:.()'))}" if i + 1 < len(tokens) else low
        rest = " ".join(tokens[i:])
        prev = out[-1]
        if not bare or tok.startswith("(") or prev.endswith((";", ":")):
            break
        if prev.endswith(".") and not prev[:-1].isupper():
            break
        new_head = _head(rest) if (prev.endswith(",") or _low(prev) == "và") else None
        if prev.endswith(",") and not (new_head or bare[:1].isupper() or low in _NAME_WORDS):
            break
        if new_head:  # a second body: take its head noun whole
            words = tokens[i : i + len(new_head.split())]
            out.extend(words)
            i += len(words)
            collective, named = new_head.removeprefix("các ") in _COLLECTIVE, 0
            continue
        if low == "và":
            nxt = " ".join(tokens[i + 1 :])
            if not (nxt[:1].isupper() or _head(nxt)):
                break
        elif not (bare[:1].isupper() or bare[:1].isdigit()):
            qualifier = two in (
                "trong tỉnh",
                "trong huyện",
                "trong xã",
                "trực thuộc",
                "thuộc tỉnh",
                "thuộc sở",
            )
            if (low in _VERBS or two in _VERBS) and not (collective and named == 0) and not qualifier:
                break
            named += 1
        else:
            named += 1
        out.append(tok)
        i += 1
    return " ".join(out).strip(" ,;:.-–()") or None


def _letterhead(parsed: ParsedFile) -> list[str]:
    """Upper-case lines at the top of the first page (the issuing body and its parents), left column only."""
    if not parsed.pages:
        return []
    lines = []
    for block in parsed.pages[0].blocks[:14]:
        text = re.split(r"\s(?:CỘNG HÒA|CỘNG HOÀ|Độc lập)\b", block.text)[0].strip(" -")
        letters = [c for c in text if c.isalpha()]
        if len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.9 * len(letters):
            lines.append(text)
    return lines


def _issuer_unit(actor: str, issuer_lines: list[str]) -> str:
    """A bare head noun ("Khoa", "Phòng", "Sở") is the issuing unit of that kind named in the letterhead."""
    head = _head(actor)
    if head is None or head != _low(actor) or head.startswith("các "):
        return actor
    for line in issuer_lines:
        low = _low(line)
        if low.startswith(head + " ") and len(low) > len(head) + 2:
            rest = line[len(head) :].split()
            name = [rest[0][:1].upper() + rest[0][1:].lower()] + [w.lower() for w in rest[1:]]
            return " ".join([actor, *name])
    return actor


def _heading_lead(heading: list[str]) -> str | None:
    """The body a heading just above a table names: "a) Sở Nội vụ chủ trì", "2. Phòng Đào tạo:" (a numbered
    or bulleted line, or one ending with a colon; a letterhead line is not a heading)."""
    for text in reversed(heading[-2:]):
        text = collapse_ws(text)
        if not _BULLET.match(text) and not text.endswith(":"):
            continue
        body = _BULLET.sub("", text, count=1)
        m = _HEADING_OPENERS.match(_low(body))
        if m:
            body = body[m.end() :]
        if len(body) > 200:
            continue
        actor = leading_actor(body)
        if actor:
            return actor
    return None


def split_actor_cell(text: str, *, combined: bool, single: bool) -> tuple[str | None, str | None]:
    """Lead and co of one actor cell: "X chủ trì, Y phối hợp" -> (X, Y); "Chủ trì: X; Phối hợp: Y" -> (X, Y);
    "X (chủ trì); Y" -> (X, Y); "X phối hợp với Y" -> (X, Y). Without markers, a column that names both
    (``combined``) gives the first body of a ";" list as lead and the rest as co, and the only
    actor column of a table (``single``) splits "X và Y" when Y starts a new body.
    """
    text = text.strip()
    if not text:
        return None, None
    folded = _fold_chars(text)
    lead_m = re.search(r"\bchu tri\b", folded)
    co_m = re.search(rf"\b{_CO_WORDS}\b", folded)
    if lead_m is not None:
        before, after = text[: lead_m.start()], text[lead_m.end() :]
        before_f = _fold_chars(before).strip(" -+•*(:,;.\n")
        if not before_f or re.fullmatch(r"(?:don vi|co quan|nguoi)", before_f):  # "Chủ trì: X; Phối hợp: Y"
            rest = after.lstrip(" :)\n")
            m = re.search(
                rf"[;,.\n]?\s*\(?\s*\b(?:don vi\s+|co quan\s+)?{_CO_WORDS}\b\s*(?:voi\b)?\s*:?",
                _fold_chars(rest),
            )
            if m:
                return _tidy_actor(rest[: m.start()]), _tidy_actor(rest[m.end() :])
            return _tidy_actor(rest), None
        return _tidy_actor(before), _tidy_actor(_strip_co_mark(after))
    if co_m is not None:
        before, after = text[: co_m.start()], text[co_m.end() :]
        if not _fold_chars(before).strip(" -+•*(\n"):  # "Phối hợp: Y" alone
            return None, _tidy_actor(_strip_co_mark(text))
        if re.match(r"^\s*voi\b", _fold_chars(after)):  # "X phối hợp với Y"
            return _tidy_actor(before), _tidy_actor(re.sub(r"^\s*\S+", "", after, count=1))
        if not _fold_chars(after).strip(" ).;,\n"):  # "X; Y phối hợp": Y is the last piece
            pieces = before.rstrip(" (").split(";")
            if len(pieces) > 1:
                return _tidy_actor(";".join(pieces[:-1])), _tidy_actor(pieces[-1])
    if combined:
        pieces = [p for p in re.split(r"\s*;\s*", text) if p.strip()]
        if len(pieces) == 1:  # "Sở Nội vụ/Sở Tài chính", not "UBND xã/phường"
            halves = [p for p in re.split(r"\s*/\s*", text) if p.strip()]
            pieces = halves if len(halves) > 1 and all(_head(p) for p in halves) else pieces
        if len(pieces) > 1:
            return _tidy_actor(pieces[0]), _tidy_actor("; ".join(pieces[1:]))
    if single or combined:
        flat = collapse_ws(text)
        for m in re.finditer(r"\s+và\s+", flat):
            left, right = flat[: m.start()], flat[m.end() :]
            if _head(right) and _head(left) and leading_actor(left) == _tidy_actor(left):
                return _tidy_actor(left), _tidy_actor(right)
    return text, None  # no marker: the cell as printed


def _strip_co_mark(text: str) -> str:
    """Drop the co marker around a co list: ", phối hợp với Y" -> "Y", "; Y phối hợp" -> "Y"."""
    f = _fold_chars(text)
    m = re.match(rf"^[\s,;:.()\-]*(?:cac\s+)?(?:don vi\s+|co quan\s+)?{_CO_WORDS}(?:\s+voi)?[\s:]*", f)
    if m:
        text, f = text[m.end() :], f[m.end() :]
    m = re.search(rf"[\s,(]*{_CO_WORDS}(?:\s+thuc hien)?[\s).;]*$", f)
    if m:
        text = text[: m.start()]
    return text


def _tidy_actor(text: str | None) -> str | None:
    if text is None:
        return None
    text = collapse_ws(text.replace("\n", " ")).strip(" ,;:.-–+•*()")
    return text[:1].upper() + text[1:] if text else None  # a piece of a split cell starts a name


@dataclass(frozen=True)
class _ActorContext:
    header: HeaderMap
    heading_lead: str | None


def _generic_qualifier(rest: str) -> bool:
    """Lower-case words after a head noun ("chuyên môn", "liên quan"): the same kind of unit, not a name."""
    words = rest.split()
    return bool(words) and len(words) <= 3 and all(w[:1].islower() for w in words)


def _resolve_bare(value: str | None, names: set[str], issuer_lines: list[str]) -> str | None:
    """Each "; " piece that is a bare head noun ("Khoa") becomes the one name of that kind the table qualifies
    generically ("Khoa chuyên môn"; not "Văn phòng Nguyễn Văn A"), else the issuing unit of that kind in the
    letterhead."""
    if not value:
        return value
    out = []
    for piece in value.split("; "):
        head = _head(piece)
        if head is not None and head == _low(piece) and not head.startswith("các "):
            fuller = {n for n in names if _head(n) == head and _generic_qualifier(n[len(head) :])}
            piece = fuller.pop() if len(fuller) == 1 else _issuer_unit(piece, issuer_lines)
        out.append(piece)
    return "; ".join(out)


def _actors(task: _Pending, joined: dict[str, str], actors: _ActorContext) -> tuple[str | None, str | None]:
    header = actors.header
    lead_col = header.col("lead")
    co_col = header.col("co")
    if not header.has_actor:
        return leading_actor(joined["text"]) or actors.heading_lead, None
    lead_text = joined["lead"]
    co_text = joined["co"] or None
    if lead_col is None:
        return None, co_text
    lead, co_in_lead = split_actor_cell(
        lead_text, combined=lead_col in header.combined, single=co_col is None
    )
    if co_in_lead and co_text:
        co_text = f"{co_in_lead}; {co_text}"
    elif co_in_lead:
        co_text = co_in_lead
    return lead, co_text


def _joined(task: _Pending) -> dict[str, str]:
    return {name: " ".join(p for p in parts if p) for name, parts in task.cells.items()}


def _finish(task: _Pending, annex: str | None, order: int, actors: tuple[str | None, ...]) -> RawTask:
    joined = _joined(task)
    raw_cells = {name: "\n".join(p for p in parts if p) for name, parts in task.cells.items()}
    raw_cells = {name: value for name, value in raw_cells.items() if value}
    if task.stt_printed:
        raw_cells["stt"] = task.stt_printed
    text = joined["text"]
    if task.fused_title is not None:
        fused = _split_fused_heading(text)
        text = fused[1] if fused else text
    lead, co = actors
    confidence = sum(task.confidences) / len(task.confidences) if task.confidences else 1.0
    return RawTask(
        source="table",
        annex=annex,
        section=task.section,
        section_title=task.section_title,
        stt=task.stt,
        text=text,
        lead_raw=lead,
        co_raw=co,
        output_raw=joined["output"] or None,
        deadline_raw=joined["deadline"] or None,
        status_raw=joined["status"] or None,
        pages=sorted(task.pages),
        method=task.method,  # type: ignore[arg-type]
        confidence=confidence,
        raw_cells=raw_cells,
        order=order,
        parser_version=VERSION,
    )


def _roman(n: int) -> str:
    values = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in values:
        while n >= value:
            out += letters
            n -= value
    return out


def _from_roman(s: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for a, b in zip(s, s[1:] + " ", strict=False):
        v = values[a]
        total += -v if b != " " and values.get(b, 0) > v else v
    return total


def _next_roman(section: str | None) -> str:
    if section is None or not _ROMAN.match(section):
        return "I" if section is None else section
    return _roman(_from_roman(section) + 1)
