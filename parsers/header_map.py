"""Map the header cells of a task matrix to RawTask fields, whatever the wording.

Provincial plans word their headers freely: "Nhiệm vụ" / "Nội dung công việc" / "Tên nhiệm vụ";
"Cơ quan chủ trì" / "Đơn vị chủ trì" / "Chủ trì"; "Thời gian hoàn thành" / "Thời hạn" / "Tiến độ"... The
comparison is on the diacritic-free folded form ("thoi han hoan thanh"), so "Thời hạn", "THỜI HẠN" and an
OCR'd "Thoi han" all match; small typos are caught by a fuzzy ratio (rapidfuzz) against the same keywords.

Example:
    >>> map_header(["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"])
    HeaderMap(columns={0: 'stt', 1: 'text', 2: 'lead', 3: 'co', 4: 'deadline'})
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from parsers.text import strip_diacritics

# Field -> keywords (diacritic-free, lower case). Order of FIELD_RULES matters: the first rule whose
# keyword occurs in the cell wins, so "thoi gian thuc hien" is a deadline before "thuc hien" is an agency,
# and "co quan thuc hien/phoi hop" is co before "thuc hien" alone.
FIELD_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("note", ("ghi chu",)),
    ("deadline", ("thoi gian", "thoi han", "tien do", "han hoan thanh", "moc thoi gian")),
    ("lead", ("chu tri", "trach nhiem thuc hien", "don vi thuc hien chinh")),
    ("co", ("phoi hop", "co quan thuc hien", "don vi thuc hien", "tham gia")),
    ("output", ("ket qua", "san pham", "dau ra")),
    ("text", ("nhiem vu", "noi dung", "cong viec", "giai phap", "hoat dong", "ten de an")),
    ("stt", ("so thu tu", "so tt", "stt", "tt")),
)
_STT_EXACT = {"stt", "tt", "so tt", "so thu tu", "s tt", "s t t"}
_FUZZY_MIN = 88.0
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class HeaderMap:
    """Column index -> field name ("stt", "text", "lead", "co", "output", "deadline", "note")."""

    columns: dict[int, str]

    def col(self, field: str) -> int | None:
        for index, name in self.columns.items():
            if name == field:
                return index
        return None

    @property
    def fields(self) -> set[str]:
        return set(self.columns.values())

    @property
    def is_task_matrix(self) -> bool:
        """A task matrix names the task and at least who leads it or when it is due."""
        return "text" in self.fields and bool({"lead", "deadline"} & self.fields)


def key(cell: str | None) -> str:
    """Diacritic-free, punctuation-free comparison key: "Cơ quan thực hiện/phối hợp" -> "co quan thuc hien phoi hop"."""
    if not cell:
        return ""
    return _NON_ALNUM.sub(" ", strip_diacritics(cell)).strip()


def classify_cell(cell: str | None) -> str | None:
    """The field a header cell names, or None when it names none of them (or is empty)."""
    k = key(cell)
    if not k or len(k) > 80:  # a header cell is short; a long cell is data
        return None
    if k in _STT_EXACT:
        return "stt"
    for field, words in FIELD_RULES:
        for word in words:
            if field == "stt":
                if re.search(rf"\b{word}\b", k):
                    return field
            elif word in k:
                return field
    for field, words in FIELD_RULES:
        if field == "stt":
            continue
        for word in words:
            if len(k) >= len(word) - 1 and fuzz.partial_ratio(word, k) >= _FUZZY_MIN:
                return field
    return None


def map_header(cells: Sequence[str | None]) -> HeaderMap:
    """Map one header row (or two header rows combined) to fields; the first column naming a field wins.

    A lone "Cơ quan thực hiện" / "Đơn vị thực hiện" column (no "chủ trì" column beside it) names who
    carries the task out, so it becomes the lead column.
    """
    columns: dict[int, str] = {}
    for index, cell in enumerate(cells):
        field = classify_cell(cell)
        if field is not None and field not in columns.values():
            columns[index] = field
    if "lead" not in columns.values():
        for index, field in columns.items():
            if field == "co" and "phoi hop" not in key(cells[index]) and "tham gia" not in key(cells[index]):
                columns[index] = "lead"
                break
    return HeaderMap(columns=columns)


def combine_header_rows(top: Sequence[str | None], bottom: Sequence[str | None]) -> list[str | None]:
    """Join a two-row header column by column ("Cơ quan thực hiện" over "Chủ trì" | "Phối hợp").

    A cell merged across columns in the top row comes as text followed by None; its text is carried to
    the columns it covers before joining.
    """
    carried: list[str | None] = []
    last: str | None = None
    for cell in top:
        if cell is None:
            carried.append(last)
        else:
            carried.append(cell)
            last = cell
    out: list[str | None] = []
    for upper, lower in zip(carried, list(bottom) + [None] * (len(carried) - len(bottom)), strict=False):
        parts = [p for p in (upper, lower) if p]
        out.append(" ".join(parts) if parts else None)
    return out
