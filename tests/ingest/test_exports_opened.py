"""The CSV and XLSX exports as people open them: real documents in, real files out, opened with openpyxl,
printed by LibreOffice Calc headless (Debian's ``libreoffice-calc-nogui``, ``make install``).

No cell a document supplies is ever a formula: a task table whose cells start with ``= + - @``, a tab or a
carriage return is rendered (python-docx, reportlab), ingested by the whole pipeline into a real SQLite
registry, exported through the CLI, and every cell of the workbook and the CSV is checked.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import docx
import pdfplumber
import pytest
from openpyxl import load_workbook

from ingest.cli import main
from store.export import csv_header
from store.registry import Registry
from store.xlsx import ALL_TASKS_HEADER, XLSX_HEADER
from tests.fixtures.make_table_pdfs import H6, Grid, Para, build_pdf
from tests.ingest.test_diff_cli import ground_truth

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# (STT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, Kết quả, Thời gian hoàn thành): every payload of the
# issue, and every dangerous first character, in the cells the parser keeps
HOSTILE_ROWS = [
    ["1", '=HYPERLINK("http://x.example","bấm") tổng hợp', "Sở Nội vụ", "=cmd|' /C calc'!A0", "@SUM(1+1)",
     "Quý II/2026"],
    ["2", "+Rà soát thủ tục hành chính", "Sở Tư pháp", "-Công an tỉnh", "=1+1", "trước ngày 30/6/2026"],
    ["3", "@Xây dựng cơ sở dữ liệu", "Sở Khoa học và Công nghệ", "Sở Tài chính", "\t=2+3 báo cáo", "Hằng tháng"],
    ["4", "\r=1+2 tổ chức tập huấn", "Sở Nội vụ", "\t@Công an tỉnh", "-báo cáo", "Năm 2026"],
    ["5", "-Tuyên truyền =SUM(A1:A9)", "=Sở Nội vụ", "+UBND các xã, phường", "+Kết quả", "=Quý III/2026"],
]  # fmt: skip
HEAD = ["UBND TỈNH ĐẮK LẮK", "Số: 99/KH-UBND", "KẾ HOẠCH", "Triển khai thử nghiệm", "Phụ lục I"]


def hostile_docx() -> bytes:
    d = docx.Document()
    for line in HEAD:
        d.add_paragraph(line)
    table = d.add_table(rows=1, cols=6)
    for i, head in enumerate(H6):
        table.cell(0, i).text = head
    for row in HOSTILE_ROWS:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = value
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def hostile_pdf() -> bytes:
    return build_pdf([*(Para(line) for line in HEAD), Grid([H6, *HOSTILE_ROWS])])


@pytest.mark.parametrize(("name", "make"), [("=SUM(1+1).docx", hostile_docx), ("@kế hoạch.pdf", hostile_pdf)])
def test_cells_a_document_supplies_are_never_formulas(tmp_path: Path, name: str, make) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / name  # the file name is a cell too ("Tệp", and the sheet of a document without number)
    src.write_bytes(make())
    db = str(tmp_path / "registry.sqlite")
    assert main(["ingest", str(src), "--db", db, "--report", str(tmp_path / "batch.json")]) == 0
    xlsx, csv_path = tmp_path / "tasks.xlsx", tmp_path / "tasks.csv"
    assert main(["export", "-f", "xlsx", "--db", db, "-o", str(xlsx)]) == 0
    assert main(["export", "-f", "csv", "--db", db, "-o", str(csv_path)]) == 0
    with Registry(db) as reg:
        tasks = reg.tasks()
    assert len(tasks) == len(HOSTILE_ROWS)
    # what the parser kept that starts like a formula: the payloads that reach the exports
    kept = {v for t in tasks for v in (t.text, t.output, *(a.name for a in (*t.lead, *t.co))) if v}
    payloads = {v for v in kept if v.startswith(FORMULA_START)}
    assert {'=HYPERLINK("http://x.example","bấm") tổng hợp', "+Rà soát thủ tục hành chính",
            "@Xây dựng cơ sở dữ liệu", "@SUM(1+1)", "=1+1", "-báo cáo"} <= payloads  # fmt: skip

    wb = load_workbook(xlsx)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [f"{c.parent.title}!{c.coordinate}" for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    assert payloads <= texts  # each payload is there, as text
    # openpyxl reads back what Excel would: the XML holds no <f> element at all
    with __import__("zipfile").ZipFile(xlsx) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)

    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == csv_header("vi")
    data = [c for row in rows[1:] for c in row]
    assert [c for c in data if c.startswith(FORMULA_START)] == []
    assert {"'" + p for p in payloads | {name}} <= set(data)


@pytest.fixture(scope="module")
def plan_registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("xlsx") / "registry.sqlite"
    with Registry(db) as reg:
        reg.save_document(*ground_truth("kh15_plan", "a" * 64, cites=[]))
        reg.save_document(*ground_truth("kh15_plan_v2", "b" * 64, cites=["15/KH-BCD"]))
    return db


@pytest.fixture(scope="module")
def plan_xlsx(plan_registry: Path) -> Path:
    out = plan_registry.parent / "tasks.xlsx"
    # --all-versions: 21/KH-BCĐ restates most of 15/KH-BCĐ; the whole history is the workbook tested here
    assert main(["export", "-f", "xlsx", "--db", str(plan_registry), "-o", str(out), "--all-versions"]) == 0
    return out


def test_xlsx_export_as_a_clerk_opens_it(plan_registry: Path, plan_xlsx: Path) -> None:
    with Registry(plan_registry) as reg:
        tasks = reg.tasks()
    wb = load_workbook(plan_xlsx)
    assert wb.sheetnames == ["Tất cả nhiệm vụ", "15-KH-BCĐ", "21-KH-BCĐ"]
    assert wb.active.title == "Tất cả nhiệm vụ"
    ws = wb["Tất cả nhiệm vụ"]
    assert [c.value for c in ws[1]] == ALL_TASKS_HEADER
    assert ws.max_row == len(tasks) + 1
    assert ws.auto_filter.ref == f"A1:N{len(tasks) + 1}"
    header = ALL_TASKS_HEADER
    due_col = header.index("Hạn (chuẩn hóa)") + 1
    dues = [ws.cell(row=r, column=due_col) for r in range(2, ws.max_row + 1)]
    dated = [c for c in dues if c.value is not None]
    assert len(dated) == sum(t.deadline.due is not None for t in tasks) > 100
    assert all(c.is_date and isinstance(c.value, datetime) and c.number_format == "DD/MM/YYYY" for c in dated)
    assert sorted(c.value.date() for c in dated) == sorted(t.deadline.due for t in tasks if t.deadline.due)
    kinds = {ws.cell(row=r, column=header.index("Loại thời hạn") + 1).value for r in range(2, ws.max_row + 1)}
    assert kinds <= {"ngày", "tháng", "quý", "6 tháng", "năm", "định kỳ", "thường xuyên", "có điều kiện",
                     "chưa rõ", "không ghi"} and len(kinds) >= 4  # fmt: skip
    for sheet in wb.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1"
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and int(sheet.page_setup.fitToWidth) == 1
        assert int(sheet.page_setup.fitToHeight) == 0
        text_col = [c.value for c in sheet[1]].index("Nhiệm vụ") + 1
        body = [sheet.cell(row=r, column=text_col) for r in range(2, sheet.max_row + 1)]
        assert all(c.alignment.wrap_text for c in body)
        assert sheet.column_dimensions[body[0].column_letter].width >= 40
        long_row = max(
            range(2, sheet.max_row + 1), key=lambda r: len(str(sheet.cell(r, text_col).value or ""))
        )
        assert sheet.row_dimensions[long_row].height >= 45  # tall enough for its wrapped lines
    doc_sheet = wb["15-KH-BCĐ"]
    assert [c.value for c in doc_sheet[1]] == XLSX_HEADER
    headings = {c.value: c for c in doc_sheet["A"] if c.font.bold}
    assert "III.2" in headings and "Phụ lục I I" in headings and "Phụ lục II I" in headings  # section rows
    assert doc_sheet["A2"].value == "III.2" and doc_sheet["A3"].value == "a"  # the prose item, then its tasks
    assert doc_sheet.oddHeader.left.text == "KẾ HOẠCH 15/KH-BCĐ, 30/01/2026 — kh15_plan.pdf"


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.fail(
            "LibreOffice Calc is not installed: run `make install` (Debian package libreoffice-calc-nogui)"
        )
    return path


A4_LANDSCAPE = (841.9, 595.3)


@pytest.mark.slow
def test_xlsx_printed_by_libreoffice_is_a4_landscape_with_the_header_on_every_page(
    plan_registry: Path, tmp_path: Path
) -> None:
    xlsx = tmp_path / "kh15.xlsx"
    assert (
        main(["export", "-f", "xlsx", "--db", str(plan_registry), "--doc", "15/KH-BCĐ", "-o", str(xlsx),
              "--all-versions"]) == 0  # issue 13: without it, only the plan's task 21/KH-BCĐ does not restate
    )
    profile = (tmp_path / "lo-profile").as_uri()
    cmd = [soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
           str(tmp_path), str(xlsx)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    pdf_path = tmp_path / "kh15.pdf"
    assert proc.returncode == 0 and pdf_path.exists(), proc.stderr[-2000:]
    first_task = load_workbook(xlsx)["Tất cả nhiệm vụ"]["F2"].value
    with pdfplumber.open(pdf_path) as pdf:
        pages = pdf.pages
        assert len(pages) >= 4  # 133 tasks in two sheets: several pages each
        for page in pages:
            assert (
                abs(float(page.width) - A4_LANDSCAPE[0]) < 1.5
                and abs(float(page.height) - A4_LANDSCAPE[1]) < 1.5
            )
        texts = [" ".join((p.extract_text() or "").split()) for p in pages]
    # fitted to the page width: the first and the last column on page 1
    assert "Văn bản" in texts[0] and "Mã nhiệm vụ" in texts[0] and "Cơ quan chủ trì" in texts[0]
    # page 2 continues the first sheet (its first task is on page 1 only) and repeats the header row
    assert first_task[:40] in texts[0] and first_task[:40] not in texts[1]
    assert "Tất cả nhiệm vụ" in texts[1]  # the page header names the sheet
    for header in ("Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả, sản phẩm", "Mã nhiệm vụ"):
        assert header in texts[1], header
    assert all("Cơ quan chủ trì" in t for t in texts)  # every printed page
    # dates as a Vietnamese reader writes them
    assert "30/01/2026" in texts[0] and "2026-01-30" not in " ".join(texts)
    assert f"{date(2026, 3, 31):%d/%m/%Y}" in " ".join(texts)


def test_diff_workbook_comes_from_the_same_writer(plan_registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "diff.xlsx"
    assert (
        main(["diff", "15/KH-BCĐ", "21/KH-BCĐ", "--db", str(plan_registry), "-f", "xlsx", "-o", str(out)])
        == 0
    )
    wb = load_workbook(out)
    assert wb.sheetnames == ["Tóm tắt", "Thay đổi", "Thêm mới", "Bị bỏ"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1"
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.oddHeader.left.text == "15/KH-BCĐ → 21/KH-BCĐ"
    summary = {row[0]: row[1] for row in wb["Tóm tắt"].iter_rows(min_row=2, values_only=True)}
    assert summary["Văn bản A"] == "15/KH-BCĐ" and summary["Nhiệm vụ thêm mới"] == 2
    assert summary["Nhiệm vụ đổi số thứ tự"] == 5  # Vietnamese labels, not "added"/"renumbered"
    changes = {c for row in wb["Thay đổi"].iter_rows(min_row=2, values_only=True) for c in row[2].split(", ")}
    assert changes <= {"nội dung", "chủ trì", "phối hợp", "kết quả", "thời hạn"} and "thời hạn" in changes
    added = wb["Thêm mới"]
    dates = [c for c in added["G"][1:] if c.value is not None]
    assert dates and all(c.is_date and c.number_format == "DD/MM/YYYY" for c in dates)
    assert not [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_diff_workbook_and_report_in_english(plan_registry: Path, tmp_path: Path) -> None:
    from ingest.diff_cmd import run_diff, to_xlsx
    from ingest.report import render_report

    with Registry(plan_registry) as reg:
        wb = load_workbook(io.BytesIO(to_xlsx(run_diff(reg, "15/KH-BCĐ", "21/KH-BCĐ"), "en")))
        html = render_report(reg, date(2026, 4, 15), lang="en")
    assert wb.sheetnames == ["Summary", "Changed", "Added", "Removed"]
    assert [c.value for c in wb["Changed"][1]][:3] == ["Position A", "Position B", "Changes"]
    assert (
        '<html lang="en">' in html and "Task list" in html and "Overdue" in html and "Clear filters" in html
    )
    for vietnamese in ("Danh sách nhiệm vụ", "Trạng thái", "Bỏ lọc", "Quá hạn", "Theo cơ quan chủ trì"):
        assert vietnamese not in html
