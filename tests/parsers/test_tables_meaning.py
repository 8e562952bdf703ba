"""Task tables read by meaning, not wording (issue 10, item 3).

Three layers, each asserting what the product does:
- header cells and header rows mapped to meaning classes (``parsers.extractors.header_map``);
- grids built here (``TableGrid``, as any reader produces them) through ``extract_table_tasks``: tracking
  exports with status columns, unlabelled and zero-padded STT, group rows, task cells merged over sub-rows,
  lead and co in one column, tables without an actor column, tables that are not task tables;
- real files made here (python-docx with vMerge'd cells, reportlab PDFs read by pdfplumber), and the real
  documents of ``../shared/real`` that have a text layer (skipped where the folder is absent).
"""

import importlib.util
import io
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest

from ingest.resources import load_gazetteer
from models.document import DocumentMeta
from models.page import Block, PageText, ParsedFile, TableGrid
from models.settings import PdfSettings, TableSettings
from models.task import RawTask
from parsers.extractors.header_map import classify_cell, combine_header_rows, map_header
from parsers.extractors.tables import extract_table_tasks, leading_actor, split_actor_cell
from parsers.normalisers.normalise import normalise_tasks
from parsers.readers.docx_text import read_docx
from parsers.readers.pdf_text import read_pdf
from tests.shared_paths import REAL, needs_shared

_spec = importlib.util.spec_from_file_location(
    "make_table_pdfs", Path(__file__).resolve().parents[1] / "fixtures" / "make_table_pdfs.py"
)
assert _spec and _spec.loader
mk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mk)


def parsed_of(
    *items: TableGrid | Block | str, method: str = "text", first_blocks: list[str] | None = None
) -> ParsedFile:
    """One page holding blocks (str = a text line) and grids in the order given."""
    blocks: list[Block] = [
        Block(page=1, text=t, bbox=(0, i, 100, i + 0.5)) for i, t in enumerate(first_blocks or [])
    ]
    grids: list[TableGrid] = []
    top = float(len(blocks))
    for item in items:
        top += 1
        if isinstance(item, TableGrid):
            grids.append(item.model_copy(update={"bbox": (0, top, 500, top + 0.5), "method": item.method}))
        else:
            text = item.text if isinstance(item, Block) else item
            blocks.append(Block(page=1, text=text, bbox=(0, top, 500, top + 0.5)))
    page = PageText(page=1, width=595, height=842, method=method, blocks=blocks, tables=grids)  # type: ignore[arg-type]
    return ParsedFile(source_sha256="0" * 64, file_name="t.pdf", pages=[page])


def grid(rows: list[list[str | None]], method: str = "text") -> TableGrid:
    return TableGrid(page=1, bbox=(0, 0, 500, 1), rows=rows, method=method)  # type: ignore[arg-type]


def tasks_of(*items: TableGrid | Block | str, **kw: Any) -> list[RawTask]:
    return extract_table_tasks(parsed_of(*items, **kw), TableSettings())


def fields(tasks: list[RawTask], *names: str) -> list[tuple[Any, ...]]:
    return [tuple(getattr(t, n) for n in names) for t in tasks]


# --- header cells by meaning ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "meaning"),
    [
        ("ST T", "stt"),
        ("S TT", "stt"),
        ("ST\nT", "stt"),
        ("S T T", "stt"),
        ("Nội dung công việc", "text"),
        ("Công việc", "text"),
        ("Tên nhiệm vụ", "text"),
        ("CÔNG VIỆC", "text"),
        ("Đơn vị thực hiện", "lead"),
        ("Người thực hiện & kết quả", "lead"),
        ("Đơn vị /Cá nhân đầu mối", "lead"),
        ("Đơn vị /Cá nhân phối hợp", "co"),
        ("Đơn vị chủ trì/phối hợp", "leadco"),
        ("Cơ quan chủ trì, phối hợp", "leadco"),
        ("Tiến độ", "deadline"),
        ("Thời gian thực hiện", "deadline"),
        ("Thời hạn HT", "deadline"),
        ("Thời gian (Năm 2026)", "deadline"),
        ("Trạng thái", "status"),
        ("Tình hình thực hiện", "progress"),
        ("Ghi chú", "note"),
        ("Nội dung góp ý", "comment"),
        ("Đơn vị góp ý", "comment"),
        ("Ý kiến của Sở Nội vụ", "comment"),
        ("Nguồn chỉ đạo", "other"),
        ("Lãnh đạo Bộ phụ trách", "other"),
        ("Người chỉ đạo", "other"),
        ("Tên đơn vị", None),
        ("Đơn vị", None),
        ("Cấp học", None),
        ("Anh/chị Nguyễn Văn A chuyển nhiệm vụ cho anh/chị Trần Thị B theo chỉ đạo của lãnh đạo Bộ", None),
    ],
)
def test_header_cell_meaning(cell: str, meaning: str | None) -> None:
    assert classify_cell(cell) == meaning


def test_tracking_export_header_names_every_column() -> None:
    header = map_header(
        [
            "",
            "Tên nhiệm vụ",
            "Nguồn chỉ đạo",
            "Đơn vị /Cá nhân đầu mối",
            "Đơn vị /Cá nhân phối hợp",
            "Thời hạn HT",
            "Trạng thái",
            "Tình hình thực hiện",
            "Người chỉ đạo",
            "",
        ]
    )
    assert header.columns == {
        1: "text",
        2: "other",
        3: "lead",
        4: "co",
        5: "deadline",
        6: "status",
        7: "progress",
        8: "other",
    }
    assert header.is_task_matrix and header.combined == frozenset()


def test_one_column_for_lead_and_co_is_a_combined_lead_column() -> None:
    assert map_header(["TT", "Nội dung", "Đơn vị chủ trì/phối hợp", "Thời gian"]).combined == {2}
    assert map_header(["TT", "Nội dung", "Cơ quan thực hiện/phối hợp", "Thời gian"]).columns[2] == "lead"
    assert map_header(["TT", "Nội dung", "Cơ quan thực hiện/phối hợp", "Thời gian"]).combined == {2}
    assert map_header(["TT", "Nội dung", "Chủ trì", "Phối hợp"]).combined == frozenset()


def test_st_over_t_two_header_rows() -> None:
    cells = combine_header_rows(["ST", "Nhiệm vụ", "Đơn vị thực hiện", "Thời gian"], ["T", "", "", ""])
    assert map_header(cells).columns == {0: "stt", 1: "text", 2: "lead", 3: "deadline"}


# --- lead and co in one cell, actors as subjects ---------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "combined", "single", "lead", "co"),
    [
        ("Sở Nội vụ chủ trì, Sở Tài chính phối hợp", False, True, "Sở Nội vụ", "Sở Tài chính"),
        ("Sở Nội vụ chủ trì, phối hợp với các sở, ngành", False, True, "Sở Nội vụ", "Các sở, ngành"),
        (
            "Chủ trì: Sở Y tế; Phối hợp: Sở Tài chính, BHXH tỉnh",
            False,
            True,
            "Sở Y tế",
            "Sở Tài chính, BHXH tỉnh",
        ),
        ("Sở Tư pháp (chủ trì); Văn phòng UBND tỉnh", False, True, "Sở Tư pháp", "Văn phòng UBND tỉnh"),
        ("Phòng Đào tạo phối hợp với Khoa chuyên môn", False, True, "Phòng Đào tạo", "Khoa chuyên môn"),
        ("Sở Nội vụ; Sở Tài chính; Sở Y tế", True, True, "Sở Nội vụ", "Sở Tài chính; Sở Y tế"),
        ("Sở Nội vụ; Sở Tài chính", False, True, "Sở Nội vụ; Sở Tài chính", None),
        ("Sở Nội vụ/Sở Tài chính, Sở Y tế", True, True, "Sở Nội vụ", "Sở Tài chính, Sở Y tế"),
        ("UBND các xã/phường", True, True, "UBND các xã/phường", None),
        ("Sinh viên và khoa chuyên môn", False, True, "Sinh viên", "Khoa chuyên môn"),
        ("Phòng Đào tạo và Khoa", False, True, "Phòng Đào tạo", "Khoa"),
        ("Sở Văn hóa, Thể thao và Du lịch", False, True, "Sở Văn hóa, Thể thao và Du lịch", None),
        ("Sở Giáo dục và Đào tạo", False, True, "Sở Giáo dục và Đào tạo", None),
        ("Báo và Phát thanh, Truyền hình tỉnh", False, True, "Báo và Phát thanh, Truyền hình tỉnh", None),
        ("Sinh viên và khoa chuyên môn", False, False, "Sinh viên và khoa chuyên môn", None),
        ("Vụ GDĐH; Viện KHGDVN", False, False, "Vụ GDĐH; Viện KHGDVN", None),
    ],
)
def test_split_actor_cell(cell: str, combined: bool, single: bool, lead: str | None, co: str | None) -> None:
    assert split_actor_cell(cell, combined=combined, single=single) == (lead, co)


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Khoa thông báo danh sách GVHD đến sinh viên", "Khoa"),
        ("Sinh viên nộp đề cương thực tập lên hệ thống", "Sinh viên"),
        ("Giảng viên thực hiện cho điểm hướng dẫn", "Giảng viên"),
        ("Sở Y tế tổ chức đấu thầu", "Sở Y tế"),
        ("Sở Khoa học và Công nghệ chủ trì, phối hợp", "Sở Khoa học và Công nghệ"),
        ("UBND tỉnh phê duyệt kế hoạch", "UBND tỉnh"),
        ("Phòng Đào tạo và Khoa lập danh sách", "Phòng Đào tạo và Khoa"),
        ("Trung tâm Phục vụ hành chính công tỉnh tiếp nhận hồ sơ", "Trung tâm Phục vụ hành chính công tỉnh"),
        ("Các sở, ban, ngành, UBND các huyện triển khai", "Các sở, ban, ngành, UBND các huyện"),
        ("Văn phòng UBND tỉnh (Trung tâm Phục vụ hành chính công) theo dõi", "Văn phòng UBND tỉnh"),
        ("Tổ thẩm định thẩm định kế hoạch", "Tổ thẩm định"),
        ("Đoàn kiểm tra làm việc với các đơn vị", "Đoàn kiểm tra"),
        ("Hội đồng chấm Đồ án tốt nghiệp tổ chức chấm", "Hội đồng chấm Đồ án tốt nghiệp"),
        ("Các cơ sở y tế trong tỉnh gửi danh mục", "Các cơ sở y tế trong tỉnh"),
        ("Sở Nội vụ chủ trì:", "Sở Nội vụ"),
        ("Tổ chức hội nghị tổng kết", None),
        ("Báo cáo kết quả thực hiện", None),
        ("Số hóa hồ sơ lưu trữ", None),
        ("Ban hành quy chế", None),
        ("Trường hợp cần thiết, báo cáo", None),
    ],
)
def test_leading_actor(text: str, actor: str | None) -> None:
    assert leading_actor(text) == actor


# --- grids: tracking exports -----------------------------------------------------------------------


TRACKING_HEADER = [
    "TT",
    "Tên nhiệm vụ",
    "Đơn vị /Cá nhân đầu mối",
    "Thời hạn HT",
    "Tình hình thực hiện",
    "Lãnh đạo Bộ phụ trách",
    "Đơn vị /Cá nhân phối hợp",
    "Bộ trưởng chỉ đạo",
    "Trạng thái",
]


def test_tracking_export_title_row_status_and_progress_notes() -> None:
    """Title merged across, a blank row, then the header; 'Tình hình thực hiện' notes with dates are not
    deadlines; the status values are printed one column left of the 'Trạng thái' header (shifted)."""
    rows: list[list[str | None]] = [
        ["DANH SÁCH NHIỆM VỤ", *[None] * 8],
        [None] * 9,
        TRACKING_HEADER,
        ["1", "Rà soát Quy chế đào tạo từ xa", "Vụ GDĐH", "10/04/2017", "Đã ban hành ngày 25/02/2017", "TTr Ga", "Vụ KHTC; Cục KTKĐ", "Đã hoàn thành (quá hạn)", ""],
        ["2", "Khảo sát tình hình thực hiện Nghị quyết", "Vụ GDĐH; Viện KHGDVN", "", "Ngày 16/3/2017 làm việc với Vụ KGVX", "TTr Ga", "", "Đang thực hiện (trong hạn)", ""],
        ["3", "Báo cáo tóm tắt phương án thi", "Cục KTKĐ", "17/04/2017", "", "TTr Ga", "", "Đang thực hiện (trong hạn)", ""],
    ]  # fmt: skip
    got = tasks_of(grid(rows))
    assert fields(got, "stt", "lead_raw", "co_raw", "deadline_raw", "status_raw") == [
        ("1", "Vụ GDĐH", "Vụ KHTC; Cục KTKĐ", "10/04/2017", "Đã hoàn thành (quá hạn)"),
        ("2", "Vụ GDĐH; Viện KHGDVN", None, None, "Đang thực hiện (trong hạn)"),
        ("3", "Cục KTKĐ", None, "17/04/2017", "Đang thực hiện (trong hạn)"),
    ]
    assert got[1].raw_cells["progress"] == "Ngày 16/3/2017 làm việc với Vụ KGVX"
    assert "TTr Ga" not in {v for t in got for v in t.raw_cells.values()}


def test_status_column_in_place_and_unlabelled_stt_column() -> None:
    header = [
        "",
        "Tên nhiệm vụ",
        "Đơn vị /Cá nhân đầu mối",
        "Thời hạn HT",
        "Trạng thái",
        "Tình hình thực hiện",
    ]
    rows: list[list[str | None]] = [
        header,
        [
            "1",
            "Rà soát thực trạng thiếu giáo viên",
            "Sở GDĐT Ninh Thuận",
            "",
            "Đang thực hiện (trong hạn)",
            "",
        ],
        [
            "2",
            "Trả lời chất vấn của đại biểu",
            "Vụ GDTH",
            "11/04/2017",
            "Sắp hết hạn (7 ngày)",
            "- Đã trình 05/4",
        ],
    ]
    got = tasks_of(grid(rows))
    assert fields(got, "stt", "text", "lead_raw", "deadline_raw", "status_raw") == [
        ("1", "Rà soát thực trạng thiếu giáo viên", "Sở GDĐT Ninh Thuận", None, "Đang thực hiện (trong hạn)"),
        ("2", "Trả lời chất vấn của đại biểu", "Vụ GDTH", "11/04/2017", "Sắp hết hạn (7 ngày)"),
    ]


def test_group_rows_without_numerals_become_sections_and_ids_stay_distinct() -> None:
    """A directive-tracking report: unit names as group rows (one merged across, one alone in the task
    column), STT restarting per unit; the same STT under two units gives two task ids."""
    rows: list[list[str | None]] = [
        ["STT", "Nội dung chỉ đạo", "Đơn vị thực hiện", "Thời hạn", "Tình hình thực hiện"],
        ["Sở Nội vụ", None, None, None, None],
        ["1", "Trình đề án vị trí việc làm", "Phòng Tổ chức", "30/6/2026", "Đang thực hiện"],
        ["2", "Rà soát biên chế", "Phòng Công chức", "Quý III/2026", ""],
        ["", "Sở Tài chính", "", "", ""],
        ["1", "Bố trí kinh phí", "Phòng Ngân sách", "15/7/2026", ""],
    ]
    got = tasks_of(grid(rows, method="docx"))
    assert fields(got, "section", "section_title", "stt", "text", "lead_raw") == [
        ("Sở Nội vụ", "Sở Nội vụ", "1", "Trình đề án vị trí việc làm", "Phòng Tổ chức"),
        ("Sở Nội vụ", "Sở Nội vụ", "2", "Rà soát biên chế", "Phòng Công chức"),
        ("Sở Tài chính", "Sở Tài chính", "1", "Bố trí kinh phí", "Phòng Ngân sách"),
    ]
    normalised = normalise_tasks(got, "doc", DocumentMeta(), load_gazetteer([]))
    assert len({t.task_id for t in normalised}) == 3


def test_zero_padded_stt_kept_as_printed() -> None:
    rows: list[list[str | None]] = [
        ["STT", "Công việc", "Thời gian", "Người thực hiện & kết quả"],
        ["01", "Xây dựng danh mục khung thuốc", "01/3/2018 – 05/3/2018", "Sở Y tế"],
        ["02", "Triển khai danh mục khung", "05/3/2018 – 09/3/2018", "SYT, Các cơ sở y tế"],
    ]
    got = tasks_of(grid(rows))
    assert fields(got, "stt", "lead_raw", "co_raw", "deadline_raw") == [
        ("01", "Sở Y tế", None, "01/3/2018 – 05/3/2018"),
        ("02", "SYT, Các cơ sở y tế", None, "05/3/2018 – 09/3/2018"),
    ]


# --- grids: task cells merged over sub-rows ----------------------------------------------------------


H7 = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời gian hoàn thành", "Ghi chú"]


def test_task_cell_merged_down_gives_one_task_per_sub_row() -> None:
    """Word vMerge: STT and task merged over three sub-rows; the deadline merged over the last two."""
    rows: list[list[str | None]] = [
        H7,
        ["1", "Xây dựng cơ sở dữ liệu ngành", "Sở Nội vụ", "Sở Tài chính", "Kế hoạch", "Quý I/2026", ""],
        [None, None, "Sở Y tế", "", "Cơ sở dữ liệu y tế", "Quý III/2026", ""],
        [None, None, "Sở Xây dựng", "Sở Tư pháp", "Cơ sở dữ liệu xây dựng", None, ""],
        ["2", "Tổ chức tập huấn", "Sở Thông tin và Truyền thông", "", "Lớp tập huấn", "Tháng 6/2026", ""],
    ]
    got = tasks_of(grid(rows, method="docx"))
    assert fields(got, "stt", "text", "lead_raw", "co_raw", "output_raw", "deadline_raw") == [
        ("1", "Xây dựng cơ sở dữ liệu ngành", "Sở Nội vụ", "Sở Tài chính", "Kế hoạch", "Quý I/2026"),
        ("1", "Xây dựng cơ sở dữ liệu ngành", "Sở Y tế", None, "Cơ sở dữ liệu y tế", "Quý III/2026"),
        (
            "1",
            "Xây dựng cơ sở dữ liệu ngành",
            "Sở Xây dựng",
            "Sở Tư pháp",
            "Cơ sở dữ liệu xây dựng",
            "Quý III/2026",
        ),
        ("2", "Tổ chức tập huấn", "Sở Thông tin và Truyền thông", None, "Lớp tập huấn", "Tháng 6/2026"),
    ]
    assert [t.order for t in got] == [0, 1, 2, 3]
    normalised = normalise_tasks(got, "doc", DocumentMeta(issue_date=date(2026, 1, 5)), load_gazetteer([]))
    assert len({t.task_id for t in normalised}) == 4
    assert [t.deadline.due for t in normalised[:3]] == [
        date(2026, 3, 31),
        date(2026, 9, 30),
        date(2026, 9, 30),
    ]


def test_empty_task_cell_in_a_text_layer_grid_sub_row_or_continuation() -> None:
    """pdfplumber rows: an empty task cell over new values (capitalised, the cell above complete) is a
    sub-row; a row continuing the cells above ("và …", lower case) is appended to the task."""
    rows: list[list[str | None]] = [
        ["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn"],
        ["1", "Kiểm tra công tác cải cách hành chính", "Sở Nội vụ", "Các sở, ngành", "Quý II/2026"],
        ["", "", "Thanh tra tỉnh", "", "Quý IV/2026"],
        ["2", "Rà soát thủ tục hành chính", "Văn phòng UBND tỉnh", "Sở Tư pháp,", "Tháng 9/2026"],
        ["", "", "", "các sở liên quan", ""],
    ]
    got = tasks_of(grid(rows))
    assert fields(got, "stt", "text", "lead_raw", "co_raw", "deadline_raw") == [
        ("1", "Kiểm tra công tác cải cách hành chính", "Sở Nội vụ", "Các sở, ngành", "Quý II/2026"),
        ("1", "Kiểm tra công tác cải cách hành chính", "Thanh tra tỉnh", None, "Quý IV/2026"),
        (
            "2",
            "Rà soát thủ tục hành chính",
            "Văn phòng UBND tỉnh",
            "Sở Tư pháp, các sở liên quan",
            "Tháng 9/2026",
        ),
    ]


def test_ocr_merged_cells_are_not_sub_rows() -> None:
    """OCR grids mark a missed ruling line as a merged cell too: never a sub-row there."""
    rows: list[list[str | None]] = [
        ["TT", "Nội dung công việc", "Thời gian thực hiện", "Đơn vị thực hiện"],
        ["13.", "Tổ chức chấm Đồ án tốt nghiệp", "Từ ngày 12/06/2023 đến ngày 18/06/2023", "Hội đồng chấm"],
        [None, None, "Sau 03 ngày", "Thư ký Hội đồng"],
    ]
    got = tasks_of(grid(rows, method="ocr"), method="ocr")
    assert len(got) == 1 and got[0].stt == "13"


# --- grids: one actor column, no actor column --------------------------------------------------------


def test_single_actor_column_tells_lead_from_co_and_resolves_a_bare_head_noun() -> None:
    rows: list[list[str | None]] = [
        ["TT", "Nội dung công việc", "Thời gian thực hiện", "Đơn vị thực hiện", "Ghi chú"],
        ["1.", "Lập danh sách giảng viên phản biện", "Trước ngày 05/06/2023", "Khoa chuyên môn", ""],
        [
            "2.",
            "Nộp báo cáo toàn văn",
            "Trước ngày 05/06/2023",
            "Sinh viên và khoa chuyên môn",
            "Khoa quyết định",
        ],
        ["3.", "Tham mưu thành lập Hội đồng chấm", "Trước ngày 06/06/2023", "Phòng Đào tạo và Khoa", ""],
        ["4.", "Phê duyệt kế hoạch", "Trước ngày 10/06/2023", "Sở Nội vụ chủ trì, Sở Tài chính phối hợp", ""],
    ]
    got = tasks_of(grid(rows))
    assert fields(got, "stt", "lead_raw", "co_raw") == [
        ("1", "Khoa chuyên môn", None),
        ("2", "Sinh viên", "Khoa chuyên môn"),
        ("3", "Phòng Đào tạo", "Khoa chuyên môn"),
        ("4", "Sở Nội vụ", "Sở Tài chính"),
    ]
    assert got[1].raw_cells["note"] == "Khoa quyết định"


def test_separate_co_column_keeps_the_lead_cell_whole() -> None:
    rows: list[list[str | None]] = [
        ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian"],
        ["1", "Rà soát quy hoạch", "Sở Nông nghiệp và Môi trường, Sở Xây dựng", "UBND các xã", "Năm 2026"],
    ]
    (task,) = tasks_of(grid(rows))
    assert (task.lead_raw, task.co_raw) == ("Sở Nông nghiệp và Môi trường, Sở Xây dựng", "UBND các xã")


def test_schedule_without_actor_column_takes_the_subject_of_each_cell() -> None:
    """'TT | Thời gian | Nội dung': the actor is the subject of the cell; a bare "Khoa" is the issuing
    faculty named in the letterhead."""
    rows: list[list[str | None]] = [
        ["TT", "Thời gian", "Nội dung"],
        ["1", "Ngày 24/05/2023", "Khoa thông báo danh sách GVHD đến sinh viên"],
        ["2", "Từ 01/06/2023 đến 16/06/2023", "Sinh viên nộp đề cương thực tập lên hệ thống"],
        ["3", "Ngày 02/08/2023", "Giảng viên thực hiện cho điểm hướng dẫn"],
        ["4", "Dự kiến 04/08-20/08/2023", "Tổ chức báo cáo kết quả thực tập"],
    ]
    letterhead = ["TRƯỜNG ĐẠI HỌC CÔNG NGHỆ THÔNG TIN", "KHOA KHOA HỌC MÁY TÍNH", "Số: 46/KH-KHMT"]
    got = tasks_of(grid(rows), first_blocks=letterhead)
    assert fields(got, "stt", "lead_raw", "deadline_raw") == [
        ("1", "Khoa Khoa học máy tính", "Ngày 24/05/2023"),
        ("2", "Sinh viên", "Từ 01/06/2023 đến 16/06/2023"),
        ("3", "Giảng viên", "Ngày 02/08/2023"),
        ("4", None, "Dự kiến 04/08-20/08/2023"),
    ]


def test_heading_above_a_table_without_actor_column_gives_the_lead() -> None:
    rows: list[list[str | None]] = [
        ["STT", "Nội dung", "Thời gian"],
        ["1", "Xây dựng kế hoạch tuyên truyền", "Tháng 3/2026"],
        ["2", "Sinh viên đăng ký tham gia", "Tháng 4/2026"],
    ]
    other: list[list[str | None]] = [
        ["STT", "Nội dung", "Thời gian"],
        ["1", "Tổng hợp kết quả", "Tháng 12/2026"],
    ]
    got = tasks_of(
        "a) Sở Nội vụ chủ trì:",
        grid(rows),
        "b) Giao Văn phòng UBND tỉnh thực hiện các nội dung sau:",
        grid(other),
    )
    assert fields(got, "stt", "text", "lead_raw") == [
        ("1", "Xây dựng kế hoạch tuyên truyền", "Sở Nội vụ"),
        ("2", "Sinh viên đăng ký tham gia", "Sinh viên"),
        ("1", "Tổng hợp kết quả", "Văn phòng UBND tỉnh"),
    ]


def test_heading_lead_does_not_override_an_actor_column() -> None:
    rows: list[list[str | None]] = [
        ["TT", "Nội dung", "Trách nhiệm thực hiện", "Thời gian"],
        ["1", "Giải đáp vướng mắc", "Lãnh đạo Sở Công Thương", "Ngày 23 tháng 1"],
        ["2", "Giải đáp vướng mắc", "", "Ngày 13 tháng 3"],
    ]
    got = tasks_of("a) Báo và Phát thanh, Truyền hình tỉnh chủ trì:", grid(rows))
    assert fields(got, "lead_raw") == [("Lãnh đạo Sở Công Thương",), (None,)]


# --- grids: tables that are not task tables -------------------------------------------------------------


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(
            [
                ["STT", "Nội dung góp ý", "Đơn vị góp ý", "Ý kiến của Sở Nội vụ"],
                [
                    "1",
                    "Đề nghị bổ sung nhiệm vụ giao Sở Khoa học và Công nghệ chủ trì",
                    "UBND xã A",
                    "Không tiếp thu",
                ],
            ],
            id="comments table",
        ),
        pytest.param(
            [["TT", "Tên đơn vị", "Cấp học"], ["1", "Trường TH Nguyễn Thị Tốt", "Tiểu học"]],
            id="school list",
        ),
        pytest.param(
            [
                ["THỜI GIAN", "NỘI DUNG"],
                ["8h30 - 8h35", "Tuyên bố lí do, giới thiệu đại biểu"],
                ["8h35 - 8h45", "Sở Giáo dục và Đào tạo định hướng nội dung làm việc"],
            ],
            id="agenda",
        ),
        pytest.param(
            [
                ["STT", "Nội dung", "Thời gian"],
                ["1", "Khai mạc", "8h00 - 8h15"],
                ["2", "Báo cáo đề dẫn", "8h15 - 9h00"],
            ],
            id="numbered agenda",
        ),
        pytest.param(
            [
                ["STT", "Đơn vị", "Thời gian"],
                ["1", "Sở Giáo dục và Đào tạo Đồng Tháp", "Ngày 17,18 tháng 4/2026"],
            ],
            id="visit schedule",
        ),
        pytest.param(
            [["STT", "Nội dung", "Lâm Đồng", "Đắk Nông"], ["1", "Chỉ số PAR Index", "85,2", "83,1"]],
            id="indicator table",
        ),
        pytest.param(
            [
                ["ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
                ["Số: /KH-UBND", "Lâm Đồng, ngày"],
            ],
            id="letterhead layout",
        ),
        pytest.param(
            [["Nơi nhận: - Như trên; - Lưu: VT.", "KT. CHỦ TỊCH PHÓ CHỦ TỊCH"]],
            id="signature layout",
        ),
    ],
)
def test_not_task_tables(rows: list[list[str | None]]) -> None:
    assert tasks_of(grid(rows)) == []
    assert tasks_of(grid(rows, method="docx")) == []


def test_ocr_header_misread_stt_column_inferred_and_cell_specks_dropped() -> None:
    rows: list[list[str | None]] = [
        ["TỊ", "Nội dung công việc", "Thời gian thực hiện", "Đơn vị thực hiện"],
        ["3.", "Tham mưu BGH thành lập Hội đồng", "Trước ngày 12/02/2023", "Phòng Đào tạo"],
        ["- 04", "_Tổ chức họp Hội đồng xét giao", "Trước ngày 12/02/2023 |", "Tổ thẩm định —"],
        ["5...", "Tham mưu ban hành Quyết định", "Trước ngày 12/02/2023", "Phòng Đào tạo : —"],
    ]
    got = tasks_of(grid(rows, method="ocr"), method="ocr")
    assert fields(got, "stt", "text", "lead_raw", "deadline_raw") == [
        ("3", "Tham mưu BGH thành lập Hội đồng", "Phòng Đào tạo", "Trước ngày 12/02/2023"),
        ("04", "Tổ chức họp Hội đồng xét giao", "Tổ thẩm định", "Trước ngày 12/02/2023"),
        ("5", "Tham mưu ban hành Quyết định", "Phòng Đào tạo", "Trước ngày 12/02/2023"),
    ]


# --- real files made here: Word (python-docx) and PDF (reportlab -> pdfplumber) ------------------------


def _docx_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_plan_with_task_cell_merged_over_sub_rows() -> None:
    """A 7-column Word plan: STT and task merged down over three sub-rows (vMerge), each sub-row with its
    own lead, co, output and deadline; read by parsers.readers.docx_text."""
    d = docx.Document()
    d.add_paragraph("PHỤ LỤC I")
    subrows = [
        ("Sở Công Thương", "Sở Tài chính", "Kế hoạch", "Quý I/2026"),
        ("Trung tâm Xúc tiến đầu tư, thương mại và du lịch tỉnh", "", "Hội chợ", "Quý II/2026"),
        ("UBND các xã, phường", "Sở Công Thương", "Báo cáo", "Tháng 12/2026"),
    ]
    table = d.add_table(rows=5, cols=7)
    for i, head in enumerate(H7):
        table.cell(0, i).text = head
    for r, (lead, co, out, due) in enumerate(subrows, start=1):
        for c, value in zip((2, 3, 4, 5), (lead, co, out, due), strict=True):
            table.cell(r, c).text = value
    table.cell(1, 0).text = "1"
    table.cell(1, 1).text = "Tổ chức xúc tiến thương mại"
    table.cell(1, 0).merge(table.cell(3, 0))
    table.cell(1, 1).merge(table.cell(3, 1))
    for c, value in enumerate(
        ["2", "Phát triển thương mại điện tử", "Sở Công Thương", "", "Sàn TMĐT", "Năm 2026", ""]
    ):
        table.cell(4, c).text = value
    parsed = read_docx(_docx_bytes(d), "plan.docx")
    got = extract_table_tasks(parsed, TableSettings())
    assert fields(got, "annex", "stt", "text", "lead_raw", "co_raw", "output_raw", "deadline_raw") == [
        ("I", "1", "Tổ chức xúc tiến thương mại", "Sở Công Thương", "Sở Tài chính", "Kế hoạch", "Quý I/2026"),
        ("I", "1", "Tổ chức xúc tiến thương mại", subrows[1][0], None, "Hội chợ", "Quý II/2026"),
        (
            "I",
            "1",
            "Tổ chức xúc tiến thương mại",
            "UBND các xã, phường",
            "Sở Công Thương",
            "Báo cáo",
            "Tháng 12/2026",
        ),
        ("I", "2", "Phát triển thương mại điện tử", "Sở Công Thương", None, "Sàn TMĐT", "Năm 2026"),
    ]
    assert all(t.method == "docx" for t in got)
    ids = normalise_tasks(got, "d", DocumentMeta(), load_gazetteer([]))
    assert len({t.task_id for t in ids}) == 4


def test_word_tracking_report_with_unit_group_rows() -> None:
    """A Word directive-tracking report: unit names merged across as group rows, STT restarting per unit,
    a status column."""
    d = docx.Document()
    d.add_paragraph("BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ")
    header = ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Trạng thái"]
    body = [
        ("Văn phòng UBND tỉnh", None),
        ("1", ("Cập nhật cổng dịch vụ công", "Phòng Hành chính", "30/6/2026", "Đang thực hiện")),
        ("2", ("Rà soát quy chế làm việc", "Phòng Tổng hợp", "31/7/2026", "Chưa thực hiện")),
        ("Sở Nội vụ", None),
        ("1", ("Thẩm định đề án vị trí việc làm", "Phòng Công chức", "15/8/2026", "Đã hoàn thành")),
    ]
    table = d.add_table(rows=len(body) + 1, cols=5)
    for i, head in enumerate(header):
        table.cell(0, i).text = head
    for r, (first, rest) in enumerate(body, start=1):
        if rest is None:
            table.cell(r, 0).merge(table.cell(r, 4)).text = first
            continue
        table.cell(r, 0).text = first
        for c, value in enumerate(rest, start=1):
            table.cell(r, c).text = value
    got = extract_table_tasks(read_docx(_docx_bytes(d), "bc.docx"), TableSettings())
    assert fields(got, "section", "stt", "lead_raw", "deadline_raw", "status_raw") == [
        ("Văn phòng UBND tỉnh", "1", "Phòng Hành chính", "30/6/2026", "Đang thực hiện"),
        ("Văn phòng UBND tỉnh", "2", "Phòng Tổng hợp", "31/7/2026", "Chưa thực hiện"),
        ("Sở Nội vụ", "1", "Phòng Công chức", "15/8/2026", "Đã hoàn thành"),
    ]


def _pdf_tasks(items: list[Any], **options: Any) -> list[RawTask]:
    data = mk.build_pdf(items, **options)
    return extract_table_tasks(read_pdf(data, "case.pdf", PdfSettings()), TableSettings())


def test_pdf_narrow_first_column_prints_stt_on_two_lines() -> None:
    """A portrait layout whose narrow first column breaks "ST T" into "ST" / "T": STT and sections kept."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    rows = [
        ["ST T", "Nội dung công việc", "Đơn vị thực hiện", "Tiến độ"],
        ["I", "CÔNG TÁC CHỈ ĐẠO", "", ""],
        ["1", "Ban hành kế hoạch thực hiện", "Sở Nội vụ", "Quý I/2026"],
        ["2", "Kiểm tra việc thực hiện", "Thanh tra tỉnh", "Quý IV/2026"],
    ]
    got = _pdf_tasks([mk.Grid(rows, col_widths=[8 * mm, 90 * mm, 45 * mm, 30 * mm])], page_size=A4)
    assert fields(got, "section", "section_title", "stt", "lead_raw", "deadline_raw") == [
        ("I", "CÔNG TÁC CHỈ ĐẠO", "1", "Sở Nội vụ", "Quý I/2026"),
        ("I", "CÔNG TÁC CHỈ ĐẠO", "2", "Thanh tra tỉnh", "Quý IV/2026"),
    ]


def test_pdf_task_cell_spanning_two_rows() -> None:
    """A ruled PDF table whose STT and task cells span two rows: two tasks, same STT and text."""
    rows = [
        ["TT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn"],
        [
            "1",
            "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
            "Sở Nội vụ",
            "Sở Tư pháp",
            "Quý II/2026",
        ],
        ["", "", "UBND các xã, phường", "Văn phòng UBND tỉnh", "Quý IV/2026"],
        ["2", "Công khai thủ tục hành chính", "Văn phòng UBND tỉnh", "", "Tháng 3/2026"],
    ]
    got = _pdf_tasks([mk.Grid(rows, spans=[((0, 1), (0, 2)), ((1, 1), (1, 2))])])
    assert fields(got, "stt", "text", "lead_raw", "co_raw", "deadline_raw") == [
        ("1", rows[1][1], "Sở Nội vụ", "Sở Tư pháp", "Quý II/2026"),
        ("1", rows[1][1], "UBND các xã, phường", "Văn phòng UBND tỉnh", "Quý IV/2026"),
        ("2", "Công khai thủ tục hành chính", "Văn phòng UBND tỉnh", None, "Tháng 3/2026"),
    ]


def test_pdf_tracking_export_and_non_task_tables() -> None:
    rows = [
        ["", "Tên nhiệm vụ", "Nguồn chỉ đạo", "Đơn vị /Cá nhân đầu mối", "Đơn vị /Cá nhân phối hợp", "Thời hạn HT", "Trạng thái", "Tình hình thực hiện"],
        ["1", "Hoàn thiện quy chế phối hợp", "96-TB/BTGTW", "Văn phòng", "", "", "Đang thực hiện (trong hạn)", "- Đã chuyển ngày 05/4/2017"],
        ["2", "Trình Thủ tướng phê duyệt đề án", "33/2016/QH14", "Vụ GDĐH", "Vụ KHTC", "31/03/2017", "Đang thực hiện (quá hạn)", ""],
    ]  # fmt: skip
    comments = [
        ["STT", "Nội dung góp ý", "Đơn vị góp ý", "Ý kiến của Sở Nội vụ"],
        [
            "1",
            "Đề nghị bổ sung nhiệm vụ giao Sở Khoa học và Công nghệ chủ trì",
            "Sở Tư pháp",
            "Không tiếp thu",
        ],
    ]
    got = _pdf_tasks([mk.Grid(rows), mk.Para("Phụ lục"), mk.Grid(comments)])
    assert fields(got, "stt", "lead_raw", "co_raw", "deadline_raw", "status_raw") == [
        ("1", "Văn phòng", None, None, "Đang thực hiện (trong hạn)"),
        ("2", "Vụ GDĐH", "Vụ KHTC", "31/03/2017", "Đang thực hiện (quá hạn)"),
    ]


# --- the real documents with a text layer (../shared/real) -------------------------------------------


def _real_pdf_tasks(prefix: str) -> list[RawTask]:
    path = next(REAL.glob(prefix + "_*"))
    return extract_table_tasks(read_pdf(path.read_bytes(), path.name, PdfSettings()), TableSettings())


@needs_shared
def test_real_tracking_exports_keep_status_and_leads() -> None:
    """35: 8 rows under a header with no STT label; 36: 54 rows over 6 pages, title row first, status
    printed one column left of its header."""
    t35 = _real_pdf_tasks("35")
    assert [t.stt for t in t35] == [str(i) for i in range(1, 9)]
    assert all(t.status_raw and t.status_raw.startswith(("Đang", "Sắp", "Đã")) for t in t35)
    assert (t35[2].lead_raw, t35[2].deadline_raw, t35[2].status_raw) == (
        "Vụ KHCNMT",
        "20/04/2017",
        "Sắp hết hạn (7 ngày)",
    )
    t36 = _real_pdf_tasks("36")
    assert [t.stt for t in t36] == [str(i) for i in range(1, 55)]
    assert all(t.status_raw for t in t36) and all(t.lead_raw for t in t36)
    assert (t36[4].lead_raw, t36[4].deadline_raw) == ("Vụ GDĐH; Viện KHGDVN", "15/04/2017")
    assert all(
        t.deadline_raw is None or t.deadline_raw[2] == "/" for t in t36
    )  # progress notes are not deadlines


@needs_shared
def test_real_schedule_without_actor_column() -> None:
    got = _real_pdf_tasks("53")
    assert [t.stt for t in got] == [str(i) for i in range(1, 8)]
    assert [t.lead_raw for t in got] == [
        "Khoa Khoa học máy tính",
        "Sinh viên",
        "Sinh viên",
        "Sinh viên",
        "Giảng viên",
        "Khoa Khoa học máy tính",
        "Sinh viên",
    ]


@needs_shared
@pytest.mark.parametrize("prefix", ["30", "33", "38", "18"])
def test_real_tables_that_are_not_task_tables(prefix: str) -> None:
    """Indicator tables (30, 18), a comments table (33), a school list and an agenda (38)."""
    assert _real_pdf_tasks(prefix) == []


# --- columns checked against their content; letter sections; start/end dates ---------------------------


def test_indicator_table_with_a_thuc_hien_column_of_figures_is_not_a_task_table() -> None:
    rows: list[list[str | None]] = [
        ["STT", "Nội dung", "Đơn vị tính", "Kế hoạch 2025", "Thực hiện 2025", "Tỷ lệ (%)"],
        ["1", "Tỷ lệ hồ sơ trực tuyến toàn trình", "%", "80", "85,2", "106,5"],
        ["2", "Số thủ tục hành chính được cắt giảm", "Thủ tục", "120", "131", "109,2"],
    ]
    assert tasks_of(grid(rows)) == []


def test_tien_do_column_holding_statuses_is_a_status_column() -> None:
    rows: list[list[str | None]] = [
        ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Tiến độ thực hiện"],
        ["1", "Ban hành quy chế phối hợp", "Sở Nội vụ", "Đã hoàn thành"],
        ["2", "Xây dựng cơ sở dữ liệu", "Sở Khoa học và Công nghệ", "Đang thực hiện"],
        ["3", "Rà soát thủ tục", "Văn phòng UBND tỉnh", "Đang thực hiện"],
    ]
    got = tasks_of(grid(rows))
    assert fields(got, "stt", "deadline_raw", "status_raw") == [
        ("1", None, "Đã hoàn thành"),
        ("2", None, "Đang thực hiện"),
        ("3", None, "Đang thực hiện"),
    ]


def test_letter_section_rows_and_start_end_date_columns() -> None:
    rows: list[list[str | None]] = [
        ["STT", "Nhiệm vụ", "Chủ trì", "Thời gian", None],
        ["", "", "", "Bắt đầu", "Hoàn thành"],
        ["A", "CÔNG TÁC CHỈ ĐẠO", "", "", ""],
        ["1", "Ban hành kế hoạch", "Sở Nội vụ", "01/02/2026", "31/03/2026"],
        ["B", "CÔNG TÁC KIỂM TRA", "", "", ""],
        ["1", "Kiểm tra việc thực hiện", "Thanh tra tỉnh", "01/06/2026", "30/09/2026"],
    ]
    got = tasks_of(grid(rows))
    assert fields(got, "section", "section_title", "stt", "deadline_raw") == [
        ("A", "CÔNG TÁC CHỈ ĐẠO", "1", "31/03/2026"),
        ("B", "CÔNG TÁC KIỂM TRA", "1", "30/09/2026"),
    ]


def test_unnumbered_table_under_a_heading_naming_its_lead() -> None:
    rows: list[list[str | None]] = [
        ["Nội dung công việc", "Thời gian"],
        ["Xây dựng dự thảo quy chế", "Tháng 3/2026"],
        ["Lấy ý kiến các sở, ngành", "Tháng 4/2026"],
    ]
    got = tasks_of("2. Sở Tư pháp chủ trì thực hiện:", grid(rows))
    assert fields(got, "text", "lead_raw", "deadline_raw") == [
        ("Xây dựng dự thảo quy chế", "Sở Tư pháp", "Tháng 3/2026"),
        ("Lấy ý kiến các sở, ngành", "Sở Tư pháp", "Tháng 4/2026"),
    ]
    assert tasks_of("2. Nội dung thực hiện", grid(rows)) == []  # no numbering, no actor anywhere


def test_ocr_stt_cell_that_swallowed_the_task_cell_is_its_own_row() -> None:
    """OCR missed the ruling lines right of STT: the STT cell holds number and task, the task cell is merged
    away (None). The row is task 14, not a continuation of task 13 (whose lead it would corrupt)."""
    rows: list[list[str | None]] = [
        ["TT", "Nội dung công việc", "Thời gian thực hiện", "Đơn vị thực hiện"],
        ["13.", "Tổ chức chấm Đồ án tốt nghiệp", "Từ ngày 12/06/2023 đến ngày 18/06/2023", "Hội đồng chấm"],
        ["14. Hoàn thành hồ sơ chấm Đồ án tốt nghiệp", None, None, "Thư ký Hội đồng"],
    ]
    got = tasks_of(grid(rows, method="ocr"), method="ocr")
    assert fields(got, "stt", "text", "lead_raw") == [
        ("13", "Tổ chức chấm Đồ án tốt nghiệp", "Hội đồng chấm"),
        ("14", "Hoàn thành hồ sơ chấm Đồ án tốt nghiệp", "Thư ký Hội đồng"),
    ]
