"""Turn the task matrices of a document's annexes into ``RawTask``s.

Works on ``PageText.tables`` (``TableGrid``) and ``PageText.blocks`` only, so grids from the text layer,
from OCR and from Word files go through the same logic. Steps:

1. Walk each page's blocks and grids in top-to-bottom order. A block "Phụ lục I" / "PHỤ LỤC II" /
   "Phụ lục số 01" / "Phụ lục" opens an annex; grids before any annex heading belong to the body
   (annex None).
2. A grid whose first rows map (``parsers.header_map``) to Nhiệm vụ + chủ trì or thời gian starts a task
   matrix. A grid without such a header continues the open matrix when it has the same column count and
   no annex heading came between (a table running over pages); otherwise it is not a task matrix and is
   ignored (the layout table of the letterhead, a statistics table).
3. Rows are classified in order: repeated header, column-number row "(1) (2) ...", section heading,
   continuation of the row above (cut by a page break), task.

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
    * A row with an empty STT is a continuation of the task above only when it is the first row of a
      grid (page break) and the previous item is a task; right after a section heading it is a task
      with ``stt`` None.

Annex labels: Roman numerals as printed ("I"), Arabic numbers without leading zeros ("Phụ lục số 01" ->
"1"), and "Phụ lục" for an unnumbered annex (the body is None, so an unnumbered annex must not be None).
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from models.page import Block, ParsedFile, TableGrid
from models.settings import TableSettings
from models.task import RawTask
from parsers.header_map import HeaderMap, combine_header_rows, key, map_header
from parsers.text import clean_cell, collapse_ws, strip_diacritics

VERSION = "tables.v1"

_ROMAN = re.compile(r"^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_LEAD = re.compile(r"^\s*([IVXLC]{1,6})\s*[.):\-–]?\s+(\S.*)$", re.DOTALL)
_ARABIC = re.compile(r"^\d{1,3}$")
_NUMBER_LEAD = re.compile(r"^\s*([IVXLC]{1,6}|\d{1,3})\s*[.):\-–]?\s+(\S.*)$", re.DOTALL)
_ANNEX = re.compile(
    r"^phu luc(?:\s+so)?(?:\s+(?P<num>[ivxlc]{1,6}|\d{1,3}))?(?:\s*$|\s*[:.\-–—]\s*\S|\s+[a-z]+\s*$)"
)
_PAGE_FURNITURE = re.compile(
    r"^(?:trang\s*)?\d{0,4}(?:\s*(?:tren|of)?\s*\d{1,4})?$"
)  # "", "2", "trang 2 tren 9"
_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")
_TASK_FIELDS = ("text", "lead", "co", "output", "deadline")
_SIDE_FIELDS = ("lead", "co", "output", "deadline")
_HEADER_SHARE = 0.8  # share of a header row's non-empty cells that must name a field


def extract_table_tasks(parsed: ParsedFile, settings: TableSettings) -> list[RawTask]:
    """Extract every task row of the document's task matrices, with annex, section and provenance.

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
    tasks: list[RawTask] = []
    for matrix in _matrices(parsed):
        tasks.extend(_matrix_tasks(matrix, start=len(tasks)))
    return tasks


# --- step 1-2: grids -> matrices -------------------------------------------------------------------


@dataclass
class _Row:
    cells: dict[str, str]  # field -> cleaned cell text ("" when empty or merged away)
    raw: list[str | None]
    stt: str
    page: int
    first_on_grid: bool
    merged_across: bool  # every cell after the first is None: a title merged across the row
    confidences: list[float]
    method: str


@dataclass
class _Matrix:
    annex: str | None
    header: HeaderMap
    ncols: int
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
    """Header map and the number of header rows (1 or 2) if the grid starts with a task-matrix header."""
    for start in range(min(3, len(rows))):
        single = map_header(rows[start])
        if _looks_like_header(rows[start], single):
            if start + 1 < len(rows):
                double_cells = combine_header_rows(rows[start], rows[start + 1])
                double = map_header(double_cells)
                if _looks_like_header(rows[start + 1], map_header(rows[start + 1]), partial=True) and len(
                    double.fields
                ) > len(single.fields):
                    return double, start + 2
            return single, start + 1
    return None


def _looks_like_header(cells: Sequence[str | None], header: HeaderMap, partial: bool = False) -> bool:
    filled = [c for c in cells if c]
    if not filled:
        return False
    named = sum(1 for i, c in enumerate(cells) if c and i in header.columns)
    if named < _HEADER_SHARE * len(filled):
        return False
    return partial or header.is_task_matrix


def _matrices(parsed: ParsedFile) -> list[_Matrix]:
    """Group grids into task matrices: a table continues over pages until an annex heading, running text
    (a heading or paragraph between two tables; page numbers do not count) or a non-task table."""
    matrices: list[_Matrix] = []
    annex: str | None = None
    current: _Matrix | None = None
    for item in _events(parsed):
        if isinstance(item, Block):
            label = annex_label(item.text)
            if label is not None:
                annex = label
                current = None  # a new annex never continues the previous table
            elif not _PAGE_FURNITURE.match(key(item.text)):
                current = None  # text between two tables: the next one is a new table
            continue
        grid = item
        if not grid.rows:
            continue
        ncols = max(len(r) for r in grid.rows)
        found = _find_header(grid.rows)
        if found is not None:
            header, skip = found
            if current is None or current.header != header or current.ncols != ncols:
                current = _Matrix(annex=annex, header=header, ncols=ncols)
                matrices.append(current)
            # else: the header repeated on a new page of the same table
        elif current is not None and current.ncols == ncols:
            skip = 0
        else:
            current = None  # not a task matrix: ignored, and it breaks any running table
            continue
        data_rows = [
            _make_row(grid, i, current.header) for i in range(skip, len(grid.rows)) if any(grid.rows[i])
        ]
        for j, row in enumerate(data_rows):
            row.first_on_grid = j == 0
        current.rows.extend(data_rows)
    return matrices


def _make_row(grid: TableGrid, index: int, header: HeaderMap) -> _Row:
    raw = grid.rows[index]
    cells = {name: clean_cell(raw[i]) if i < len(raw) else "" for i, name in header.columns.items()}
    for name in _TASK_FIELDS:
        cells.setdefault(name, "")
    confidences: list[float] = []
    if grid.cell_confidence is not None and index < len(grid.cell_confidence):
        confidences = [c for c in grid.cell_confidence[index] if c is not None]
    stt = cells.get("stt", "")
    merged_across = len(raw) > 1 and bool(raw[0]) and all(c is None for c in raw[1:])
    if merged_across:  # "II. TUYÊN TRUYỀN..." in one cell spanning the row: split number and title
        whole = clean_cell(raw[0])
        m = _NUMBER_LEAD.match(whole)
        stt, cells["text"] = (m.group(1), clean_cell(m.group(2))) if m else ("", whole)
        for name in _SIDE_FIELDS:
            cells[name] = ""
    return _Row(
        cells=cells,
        raw=list(raw),
        stt=stt,
        page=grid.page,
        first_on_grid=False,
        merged_across=merged_across,
        confidences=confidences,
        method=grid.method,
    )


# --- step 3: rows -> tasks -------------------------------------------------------------------------


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


def _matrix_tasks(matrix: _Matrix, start: int) -> list[RawTask]:
    rows = [r for r in matrix.rows if not _is_noise(r, matrix.header)]
    has_roman = any(_ROMAN.match((_section_of(r) or ("", ""))[0] or "") for r in rows)
    section: str | None = None
    title: str | None = None
    tasks: list[_Pending] = []
    last_was_task = False
    for i, row in enumerate(rows):
        heading = _section_of(row)
        if heading is None and _is_arabic_heading(row, rows[i + 1 :]):
            number = row.stt.rstrip(".")
            heading = (_roman(int(number)) if has_roman else number, row.cells["text"])
        if heading is not None and heading[0] is not None and heading[0].isdigit() and has_roman:
            heading = (_roman(int(heading[0])), heading[1])
        if heading is not None:
            section = heading[0] if heading[0] is not None else section
            title = heading[1]
            last_was_task = False
            continue
        if not row.stt and last_was_task and (row.first_on_grid or not row.cells["text"]):
            _append(tasks[-1], row)
            continue
        pending = _Pending(
            stt=row.stt.rstrip(".") or None,
            stt_printed=row.stt,
            section=section,
            section_title=title,
            cells={name: [row.cells[name]] for name in _TASK_FIELDS},
            pages=[row.page],
            confidences=list(row.confidences),
            method=row.method,
        )
        fused = _split_fused_heading(row.cells["text"])
        if fused is not None:
            section = _next_roman(section)
            title = fused[0]
            pending.section, pending.section_title, pending.fused_title = section, title, fused[0]
        tasks.append(pending)
        last_was_task = True
    return [_finish(p, matrix.annex, start + n) for n, p in enumerate(tasks)]


def _is_noise(row: _Row, header: HeaderMap) -> bool:
    """A header repeated inside a grid, or the "(1) (2) (3)..." column-number row under the header."""
    values = [v for v in row.cells.values() if v]
    if not values:
        return True
    if len(values) >= 3 and all(_COLUMN_NUMBERS.match(v) for v in values):
        return True
    again = map_header(row.raw)
    return again.columns == header.columns and _looks_like_header(row.raw, again)


def _section_of(row: _Row) -> tuple[str, str] | None:
    """(section, title) if the row is a section heading: Roman STT with only a title, or a merged row."""
    side_empty = not any(row.cells[f] for f in _SIDE_FIELDS)
    stt = row.stt.rstrip(".").strip()
    if row.merged_across:
        return (stt or None, row.cells["text"])  # type: ignore[return-value]
    if stt and _ROMAN.match(stt) and side_empty and row.cells["text"]:
        return stt, row.cells["text"]
    if not stt and side_empty:  # "I. CÔNG TÁC CHỈ ĐẠO" written in the Nhiệm vụ cell, STT empty
        m = _ROMAN_LEAD.match(row.cells["text"])
        if m and _ROMAN.match(m.group(1)) and _is_upper_text(m.group(2)):
            return m.group(1), clean_cell(m.group(2))
    return None


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
    for name in _TASK_FIELDS:
        if row.cells[name]:
            task.cells[name].append(row.cells[name])
    if row.page not in task.pages:
        task.pages.append(row.page)
    task.confidences.extend(row.confidences)


def _finish(task: _Pending, annex: str | None, order: int) -> RawTask:
    joined = {name: " ".join(p for p in parts if p) for name, parts in task.cells.items()}
    raw_cells = {name: "\n".join(p for p in parts if p) for name, parts in task.cells.items()}
    raw_cells = {name: value for name, value in raw_cells.items() if value}
    if task.stt_printed:
        raw_cells["stt"] = task.stt_printed
    text = joined["text"]
    if task.fused_title is not None:
        fused = _split_fused_heading(text)
        text = fused[1] if fused else text
    confidence = sum(task.confidences) / len(task.confidences) if task.confidences else 1.0
    return RawTask(
        source="table",
        annex=annex,
        section=task.section,
        section_title=task.section_title,
        stt=task.stt,
        text=text,
        lead_raw=joined["lead"] or None,
        co_raw=joined["co"] or None,
        output_raw=joined["output"] or None,
        deadline_raw=joined["deadline"] or None,
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
