"""Render the revised plan 21/KH-BCĐ (a later version of 15/KH-BCĐ) to test ``theodoi diff``.

The revision is the seed plan with the edits a steering committee makes between two versions, each
written below as *old value -> new value* so that a reviewer can check them against
``samples/expected/kh15_plan_v2.diff.json`` (the expected diff, written by hand from this list, not
generated). The document is renumbered 21/KH-BCĐ, dated 16/3/2026, and cites 15/KH-BCĐ.

Rendering reuses the plan renderer of ``make_samples.py`` (python-docx -> LibreOffice); the expected
tasks of the revision (``samples/expected/kh15_plan_v2.tasks.json``) are written by the same
ground-truth writer as the first version's, with the reviewed normalisation table plus the few new
cells below.

Run: ``.venv/bin/python samples/make_v2.py`` (needs LibreOffice).
"""

from __future__ import annotations

import copy
import json
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _expected  # noqa: E402
import _render_docx  # noqa: E402
import _seed  # noqa: E402
import make_samples  # noqa: E402

NAME = "kh15_plan_v2"
NUMBER = "21/KH-BCĐ"
ISSUE_DATE = date(2026, 3, 16)

# Body: number, date, and a paragraph that cites (and replaces) the first version.
BODY_EDITS = [
    ("Số: 15/KH-BCĐ", "Số: 21/KH-BCĐ"),
    ("Đắk Lắk, ngày 30 tháng 01 năm 2026", "Đắk Lắk, ngày 16 tháng 3 năm 2026"),
]
CITING_PARAGRAPH = (
    "Căn cứ kết quả triển khai Kế hoạch số 15/KH-BCĐ ngày 30/01/2026 của Ban Chỉ đạo UBND tỉnh, Ban Chỉ đạo "
    "điều chỉnh, bổ sung danh mục nhiệm vụ tại các Phụ lục I, II, III; Kế hoạch này thay thế Kế hoạch số "
    "15/KH-BCĐ ngày 30/01/2026."
)
ANNEX_NOTE = re.compile(r"(\*\*)?15(\*\*)? /KH-BC([DĐ]) ngày 30 tháng 01 năm 2026")

COLUMNS = {"stt": 0, "text": 1, "lead": 2, "co": 3, "output": 4, "deadline": 5}


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` by ``new`` in one cell of the task (annex, section, STT) of the first version.

    ``old`` is the whole cell (or, for ``text``, a part of it) as the seed prints it; the edit fails
    loudly if the seed does not say that, so the list stays true to the document.
    """

    annex: str
    section: str
    stt: str
    column: str
    old: str
    new: str


EDITS = [
    # deadlines moved: later by 91 days, later by 30 days, earlier by 92 days
    Edit("I", "III", "15", "deadline", "Quý I năm 2026", "Quý II năm 2026"),
    Edit("I", "IV", "21", "deadline", "Quý I năm 2026", "Trước ngày 30/4/2026"),
    Edit("I", "X", "87", "deadline", "Trong năm 2026", "Quý III năm 2026"),
    # re-assigned: the Department of Finance and the Department of Science swap lead and co-lead
    Edit("I", "III", "16", "lead", "Sở Tài chính", "Sở Khoa học và Công nghệ"),
    Edit("I", "III", "16", "co", "Sở Khoa học và Công nghệ", "Sở Tài chính"),
    # a co-agency added
    Edit("I", "IX", "83", "co", "Các sở, ban, ngành, địa phương",
         "Các sở, ban, ngành, địa phương; Sở Khoa học và Công nghệ"),
    # reworded
    Edit("I", "V", "31", "text", "khẩn trương triển khai", "tiếp tục triển khai"),
    Edit("III", "V", "3", "text", "Trung tâm dữ liệu quốc gia",
         "Trung tâm dữ liệu quốc gia cho các hệ thống thông tin của tỉnh"),
    # reworded and deadline moved together (+60 days)
    Edit("I", "III", "12", "text", "trước ngày 30/01/2026", "trước ngày 31/3/2026"),
    Edit("I", "III", "12", "deadline", "Trước ngày 30/01/2026", "Trước ngày 31/3/2026"),
    # output changed
    Edit("II", "I", "4", "output", "Báo cáo kết quả", "Báo cáo kết quả và Quyết định công bố kết quả đánh giá"),
]  # fmt: skip

# Task 62 of Annex I is dropped: tasks 63-67 become 62-66.
REMOVED = ("I", "VI", "62")

# Two new tasks: (annex, section, inserted after this STT of the *first* version, cells; cells[0] = new STT)
ADDED = [
    ("I", "VIII", "67", [
        "67",
        "Triển khai nền tảng trợ lý ảo hỗ trợ cán bộ, công chức giải quyết thủ tục hành chính tại Trung tâm "
        "phục vụ hành chính công tỉnh",
        "Văn phòng UBND tỉnh", "Sở Khoa học và Công nghệ", "Nền tảng trợ lý ảo được đưa vào vận hành",
        "Quý III năm 2026",
    ]),
    ("II", "II", "1", [
        "2",
        "Tổ chức khảo sát, đo lường mức độ hài lòng của doanh nghiệp, nhà đầu tư đối với chất lượng giải quyết "
        "thủ tục đầu tư trên địa bàn tỉnh",
        "Sở Tài chính", "Các sở, ngành, UBND các xã, phường", "Báo cáo kết quả khảo sát", "Quý III năm 2026",
    ]),
]  # fmt: skip

# Normalisation of the cells the revision prints and the first version does not (same rules as
# samples/expected/normalisation.yaml).
EXTRA_AGENCIES = {
    "Các sở, ban, ngành, địa phương; Sở Khoa học và Công nghệ": [
        {"name": "Các sở, ban, ngành", "raw": "Các sở, ban, ngành", "kind": "group"},
        {"name": "Các địa phương", "raw": "địa phương", "kind": "group"},
        {"name": "Sở Khoa học và Công nghệ", "raw": "Sở Khoa học và Công nghệ", "kind": "agency"},
    ],
}
EXTRA_DEADLINES = {
    "Trước ngày 30/4/2026": {"kind": "date", "due": date(2026, 4, 30)},
    "Trước ngày 31/3/2026": {"kind": "date", "due": date(2026, 3, 31)},
    "Quý III năm 2026": {"kind": "quarter", "due": date(2026, 9, 30)},
}


class EditError(Exception):
    """An edit does not match the seed; the message names it."""


def _find(annex: _seed.Annex, section: str, stt: str) -> int:
    hits = [i for i, r in enumerate(annex.rows)
            if r.kind == "task" and r.section == section and _seed.plain(r.cells[0]) == stt]  # fmt: skip
    if len(hits) != 1:
        raise EditError(f"Annex {annex.name} {section}/{stt}: {len(hits)} rows match, expected 1")
    return hits[0]


def _apply(annex: _seed.Annex, e: Edit) -> None:
    row = annex.rows[_find(annex, e.section, e.stt)]
    col = COLUMNS[e.column]
    cell = _seed.plain(row.cells[col])
    if e.column == "text":
        if cell.count(e.old) != 1:
            raise EditError(f"{e}: the task text holds {cell.count(e.old)} copies of the old words")
        row.cells[col] = cell.replace(e.old, e.new)
    else:
        if cell != e.old:
            raise EditError(f"{e}: the cell reads {cell!r}")
        row.cells[col] = e.new


def revise(plan: _seed.Plan) -> _seed.Plan:
    """The first version with every edit applied (the input is not modified)."""
    v2 = copy.deepcopy(plan)
    for old, new in BODY_EDITS:
        if old not in v2.body:
            raise EditError(f"body paragraph {old!r} not found")
        v2.body[v2.body.index(old)] = new
    v2.body.insert(4, CITING_PARAGRAPH)
    annexes = {a.name: a for a in v2.annexes}
    for a in v2.annexes:
        a.title_lines = [
            ANNEX_NOTE.sub(r"\g<1>21\g<2> /KH-BC\g<3> ngày 16 tháng 3 năm 2026", t) for t in a.title_lines
        ]
    for e in EDITS:
        _apply(annexes[e.annex], e)
    for annex_name, section, after, cells in ADDED:  # before the removal, so "after" is a v1 STT
        annex = annexes[annex_name]
        i = _find(annex, section, after)
        title = annex.rows[i].section_title
        annex.rows.insert(i + 1, _seed.Row("task", list(cells), [], section, title))
    annex_name, section, stt = REMOVED
    annex = annexes[annex_name]
    i = _find(annex, section, stt)
    del annex.rows[i]
    for row in annex.rows[i:]:
        if row.kind == "task" and row.lines and int(_seed.plain(row.cells[0])) <= 67:  # old 63..67 -> 62..66
            row.cells[0] = str(int(_seed.plain(row.cells[0])) - 1)
    return v2


def normalisation() -> _expected.Normalisation:
    norm = _expected.load_normalisation(HERE / "expected" / "normalisation.yaml")
    return _expected.Normalisation({**norm.agencies, **EXTRA_AGENCIES}, {**norm.deadlines, **EXTRA_DEADLINES})


def main(out: Path = HERE) -> int:
    seeds = make_samples.seeds_dir()
    plan = _seed.read_plan((seeds / make_samples.PLAN_SEED).read_text(encoding="utf-8"))
    v2 = revise(plan)
    pdf = make_samples.docx_to_pdf(_render_docx.render_plan(v2), NAME)
    (out / f"{NAME}.pdf").write_bytes(pdf)
    prose = _expected.load_prose(HERE / "expected" / "prose_tasks.yaml")
    expected = _expected.plan_expected(v2, normalisation(), prose, pdf, f"{NAME}.pdf")
    expected["document"] |= {"number": NUMBER, "issue_date": ISSUE_DATE.isoformat(),
                             "issue_month": ISSUE_DATE.strftime("%Y-%m"), "cites": ["15/KH-BCĐ"]}  # fmt: skip
    (out / "expected").mkdir(parents=True, exist_ok=True)
    text = json.dumps(expected, ensure_ascii=False, indent=1) + "\n"
    (out / "expected" / f"{NAME}.tasks.json").write_text(text, encoding="utf-8")
    print(f"{NAME}: {len(expected['tasks'])} tasks, pdf {len(pdf)} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
