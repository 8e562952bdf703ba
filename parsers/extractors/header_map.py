"""Map the header cells of a task matrix to RawTask fields, by meaning and whatever the wording or spacing.

Provincial plans, tracking exports and school notices word their headers freely: "Nhiệm vụ" / "Nội dung
công việc" / "Tên nhiệm vụ" / "Công việc"; "Cơ quan chủ trì" / "Đơn vị /Cá nhân đầu mối"; "Đơn vị thực
hiện" / "Trách nhiệm thực hiện" / "Người thực hiện & kết quả"; "Thời gian thực hiện" / "Thời hạn HT" /
"Tiến độ"; "Trạng thái"; "Tình hình thực hiện"; "Ghi chú". A narrow column prints "STT" as "ST T", "S TT" or
"ST" over "T". Cells are compared as folded words (no diacritics, case or punctuation: "Đơn vị /Cá nhân
phối hợp" -> ``don vi ca nhan phoi hop``) and, for short codes, with the spaces removed ("ST T" -> ``stt``).
Small OCR slips are caught by a fuzzy ratio (rapidfuzz) on word windows of the phrase's length.

Meaning classes (``classify_cell``):

========== ==========================================================================================
stt        the row number
text       the task ("Nhiệm vụ", "Nội dung", "Công việc", "Giải pháp", "Hoạt động")
lead       who leads ("Chủ trì", "Đầu mối", "Trách nhiệm thực hiện", "Đơn vị thực hiện" alone)
co         who coordinates ("Phối hợp", "Tham gia")
leadco     one column for both ("Đơn vị chủ trì/phối hợp", "Cơ quan chủ trì, phối hợp")
deadline   when ("Thời gian", "Thời hạn", "Tiến độ", "Mốc thời gian")
output     the product ("Kết quả", "Sản phẩm", "Đầu ra")
status     a tracking report's status ("Trạng thái", "Tình trạng")
progress   progress notes ("Tình hình thực hiện"): dated notes, never deadlines
note       "Ghi chú"
comment    opinions in a comments table ("Nội dung góp ý", "Ý kiến", "Tiếp thu, giải trình")
other      known columns that carry none of the above ("Nguồn chỉ đạo", "Lãnh đạo Bộ phụ trách",
           "Người chỉ đạo", "Kinh phí", "Địa điểm"): named, so a header row is recognised, and ignored
========== ==========================================================================================

``map_header`` turns a row of header cells into a ``HeaderMap`` (column index -> field). ``leadco`` becomes a
``lead`` column listed in ``HeaderMap.combined`` (its cells are split into lead and co by the table logic).

Example:
    >>> map_header(["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"])
    HeaderMap(columns={0: 'stt', 1: 'text', 2: 'lead', 3: 'co', 4: 'deadline'}, combined=frozenset())
"""

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from parsers.normalisers.text import strip_diacritics

# Field -> phrases (folded words). Order matters: the first rule with a phrase in the cell wins, so
# "Nội dung góp ý" is a comment before "nội dung" is a task, "Tình hình thực hiện" is progress before
# "thực hiện" names an actor, "Thời gian thực hiện" is a deadline, "Lãnh đạo Bộ phụ trách" is a supervisor
# (other) before "phụ trách" names a lead, and "Cơ quan thực hiện/phối hợp" is co (``map_header`` makes a
# lone one the lead column).
FIELD_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("note", ("ghi chu",)),
    ("comment", ("gop y", "y kien", "tiep thu", "giai trinh", "kien nghi", "phan hoi")),
    ("status", ("trang thai", "tinh trang", "muc do hoan thanh")),
    ("progress", ("tinh hinh", "ket qua thuc hien den", "cap nhat tien do")),
    ("other", (
        "nguon", "can cu", "lanh dao", "nguoi chi dao", "truong chi dao", "kinh phi", "du toan", "dia diem",
        "so ky hieu", "trich yeu", "linh vuc", "thanh phan",
    )),
    ("deadline", ("thoi gian", "thoi han", "tien do", "han hoan thanh", "moc thoi gian", "thoi diem")),
    ("leadco", ("chu tri phoi hop", "chu tri va phoi hop")),
    ("lead", ("chu tri", "dau moi", "thuc hien chinh")),
    ("co", ("phoi hop", "tham gia", "ho tro")),
    ("lead", (
        "trach nhiem", "phu trach", "phan cong", "don vi thuc hien", "co quan thuc hien", "nguoi thuc hien",
        "bo phan thuc hien", "to chuc thuc hien", "can bo thuc hien", "thuc hien",
    )),
    ("output", ("ket qua", "san pham", "dau ra", "hinh thuc van ban")),
    ("text", ("nhiem vu", "noi dung", "cong viec", "giai phap", "hoat dong", "ten de an", "de an")),
    ("deadline", ("hoan thanh", "ket thuc")),
    ("other", ("bat dau", "khoi dau")),
    ("stt", ("so thu tu", "so tt", "stt", "tt")),
)  # fmt: skip
_STT_COMPACT = {"stt", "tt", "sott", "sothutu", "st"}
# A lone "thực hiện" column names the lead unless it also says "phối hợp" ("Cơ quan thực hiện/phối hợp").
_ACTOR_WORDS = ("thuc hien", "chu tri", "trach nhiem")
_FUZZY_MIN = 86.0
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
ACTOR_FIELDS = frozenset({"lead", "co"})


@dataclass(frozen=True)
class HeaderMap:
    """Column index -> field name ("stt", "text", "lead", "co", "output", "deadline", "status", "progress",
    "note", "comment", "other"); ``combined`` holds the lead columns that name lead and co together."""

    columns: dict[int, str]
    combined: frozenset[int] = field(default_factory=frozenset)

    def col(self, name: str) -> int | None:
        for index, value in self.columns.items():
            if value == name:
                return index
        return None

    @property
    def fields(self) -> set[str]:
        return set(self.columns.values())

    @property
    def has_actor(self) -> bool:
        return bool(ACTOR_FIELDS & self.fields)

    @property
    def is_task_matrix(self) -> bool:
        """A task matrix names the task and at least who does it or when it is due."""
        return "text" in self.fields and bool({"lead", "co", "deadline"} & self.fields)


def key(cell: str | None) -> str:
    """Diacritic-free, punctuation-free comparison key: "Cơ quan thực hiện/phối hợp" -> "co quan thuc hien phoi hop"."""
    if not cell:
        return ""
    return _NON_ALNUM.sub(" ", strip_diacritics(cell)).strip()


def _has_phrase(k: str, phrase: str) -> bool:
    return f" {phrase} " in f" {k} "


def _fuzzy_phrase(k: str, phrase: str) -> bool:
    """An OCR-damaged phrase: a window of as many words scores >= _FUZZY_MIN against it."""
    if len(phrase) < 6:
        return False
    words, n = k.split(), len(phrase.split())
    return any(
        fuzz.ratio(phrase, " ".join(words[i : i + n])) >= _FUZZY_MIN
        for i in range(max(1, len(words) - n + 1))
    )


@functools.lru_cache(maxsize=4096)
def classify_cell(cell: str | None) -> str | None:
    """The meaning class a header cell names, or None when it names none (or is empty, or is data).

    Cached: every row of a grid is classified to tell a repeated header from data (``tables._is_noise``),
    and the same agency and deadline cells recur row after row; the fuzzy pass is the cost.
    """
    k = key(cell)
    if not k or len(k) > 80:  # a header cell is short; a long cell is data
        return None
    compact = k.replace(" ", "")
    if compact in _STT_COMPACT:
        return "stt"
    for name, phrases in FIELD_RULES:
        if any(_has_phrase(k, p) for p in phrases):
            return name
    for name, phrases in FIELD_RULES:
        if name != "stt" and any(_fuzzy_phrase(k, p) for p in phrases):
            return name
    return None


def _first(columns: dict[int, str], name: str) -> int:
    return next(i for i, n in columns.items() if n == name)


def _is_start(cell: str | None) -> bool:
    return any(_has_phrase(key(cell), p) for p in ("bat dau", "khoi dau", "tu ngay", "tu"))


def _is_end(cell: str | None) -> bool:
    return any(_has_phrase(key(cell), p) for p in ("hoan thanh", "ket thuc", "den ngay", "den"))


def map_header(cells: Sequence[str | None]) -> HeaderMap:
    """Map one header row (or two header rows combined) to fields; the first column naming a field wins.

    A lone "Cơ quan thực hiện" / "Đơn vị thực hiện" column (no "chủ trì" column beside it) names who
    carries the task out, so it is the lead column; a lone "Cơ quan thực hiện/phối hợp" names both, so it
    is a combined lead column. Several "other"/"comment" columns may coexist.
    """
    columns: dict[int, str] = {}
    combined: set[int] = set()
    for index, cell in enumerate(cells):
        name = classify_cell(cell)
        if name == "leadco":
            name = "lead"
            if "lead" not in columns.values():
                combined.add(index)
        if name is None:
            continue
        if name in ("other", "comment") or name not in columns.values():
            columns[index] = name
        elif name == "deadline" and _is_end(cells[index]) and _is_start(cells[_first(columns, "deadline")]):
            columns[_first(columns, "deadline")] = (
                "other"  # "Thời gian | Bắt đầu | Hoàn thành": the end is due
            )
            columns[index] = name
    if "lead" not in columns.values():
        for index, name in columns.items():
            if name != "co":
                continue
            k = key(cells[index])
            if not _has_phrase(k, "phoi hop") and not _has_phrase(k, "tham gia"):
                columns[index] = "lead"
                break
            if any(_has_phrase(k, w) for w in _ACTOR_WORDS):
                columns[index] = "lead"
                combined.add(index)
                break
    return HeaderMap(columns=columns, combined=frozenset(combined))


def combine_header_rows(top: Sequence[str | None], bottom: Sequence[str | None]) -> list[str | None]:
    """Join a two-row header column by column ("Cơ quan thực hiện" over "Chủ trì" | "Phối hợp", "ST" over "T").

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
