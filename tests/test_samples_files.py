"""The committed samples and their expected results agree with the seeds (the ground truth).

These tests guard the golden files every accuracy figure is measured against: counts from the issue
(119 table tasks = 89 + 6 + 24, 26 letter items, 7 explicit letter deadlines), every raw seed string
normalised in the reviewed YAML table, the PDFs readable with the right page orientations, and the
committed JSON equal to what ``samples/make_samples.py`` derives from the seeds and the committed PDFs.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
EXPECTED = SAMPLES / "expected"
PLAN_SEED, LETTER_SEED = "000_94a45bdc1ad02897.txt", "002_a6da8a880d7f0315.txt"

sys.path.insert(0, str(SAMPLES))
import _expected  # noqa: E402
import _seed  # noqa: E402

from tests.shared_paths import SEEDS, needs_shared  # noqa: E402


def _seed_text(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.fail(f"seed {path} missing: the seeds live in ../shared/seeds (or set THEODOI_SEEDS)")
    return path.read_text(encoding="utf-8")


def _golden(name: str) -> dict[str, Any]:
    path = EXPECTED / f"{name}.tasks.json"
    if not path.exists():
        pytest.fail(f"{path} missing: run `make samples` (samples/make_samples.py)")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def plan() -> _seed.Plan:
    return _seed.read_plan(_seed_text(PLAN_SEED))


@pytest.fixture(scope="module")
def letter() -> _seed.Letter:
    return _seed.read_letter(_seed_text(LETTER_SEED))


@pytest.fixture(scope="module")
def norm() -> _expected.Normalisation:
    return _expected.load_normalisation(EXPECTED / "normalisation.yaml")


def test_plan_table_task_counts() -> None:
    tasks = [t for t in _golden("kh15_plan")["tasks"] if t["source"] == "table"]
    assert Counter(t["annex"] for t in tasks) == {"I": 89, "II": 6, "III": 24}
    assert len(tasks) == 119


def test_plan_stt_sequence_per_annex() -> None:
    """Annex I numbers its rows 1..89 across sections; Annexes II/III restart at 1 in each section."""
    tasks = [t for t in _golden("kh15_plan")["tasks"] if t["source"] == "table"]
    assert [t["stt"] for t in tasks if t["annex"] == "I"] == [str(n) for n in range(1, 90)]
    sections = Counter((t["annex"], t["section"]) for t in tasks if t["annex"] != "I")
    assert sections == {("II", "I"): 5, ("II", "II"): 1, ("III", "I"): 3, ("III", "II"): 4, ("III", "III"): 2,
                        ("III", "IV"): 5, ("III", "V"): 5, ("III", "VI"): 2, ("III", "VII"): 1,
                        ("III", "VIII"): 2}


@pytest.mark.parametrize(
    ("annex", "stt", "field", "value"),
    [
        ("I", "1", "section_title", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH, TỔ CHỨC THỰC HIỆN"),
        ("I", "1", "section", "I"),
        ("I", "7", "section", "II"),
        ("I", "89", "section", "X"),
        ("II", "1", "section_title", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC"),
        ("III", "1", "section", "I"),  # printed "1" in the seed; the next heading is "II"
        ("III", None, "section", "VII"),  # Annex III section VII: the task has an empty STT
    ],
)
def test_plan_sections(annex: str, stt: str | None, field: str, value: str) -> None:
    tasks = [t for t in _golden("kh15_plan")["tasks"] if t["annex"] == annex and t["stt"] == stt]
    assert tasks, (annex, stt)
    assert tasks[0][field] == value


@pytest.mark.parametrize(
    ("stt", "start", "end"),
    [
        ("1", "Quản triệt phương châm", "để tạo quả đầu ra"),  # heading fused into the cell, removed
        ("42", "Chỉ đạo rà soát", "huy động xã hội hóa, tài trợ doanh nghiệp; đẩy mạnh cơ chế khoán và quỹ phát "
         "triển khoa học công nghệ. Ưu tiên bố trí nguồn lực từ ngân sách nhà nước cho các nhiệm vụ, dự án "
         "chuyển đổi số trọng điểm, mang tính nền tảng. Thu hút các nguồn lực cho ứng dụng công nghệ thông tin."),
        ("59", "Căn cứ hướng dẫn", "nguồn ngân sách Trung ung cho khoa học, công nghệ, đổi mới sáng tạo và chuyển "
         "đổi số phù hợp với tình hình thực tiễn và kế hoạch hoạt động của tỉnh để triển khai thực chất đúng "
         "tiến độ đề ra, không để chậm trễ, ảnh hưởng tiến độ chung"),
        ("49", "Chủ trì xây dựng đội ngũ", "tại cơ sở"),  # <p> stripped
    ],
)
def test_plan_annex1_texts_joined(stt: str, start: str, end: str) -> None:
    task = next(t for t in _golden("kh15_plan")["tasks"] if t["annex"] == "I" and t["stt"] == stt)
    assert task["text"].startswith(start) and task["text"].endswith(end)


def test_page_break_continuations_joined_cell_by_cell() -> None:
    tasks = _golden("kh15_plan")["tasks"]
    row59 = next(t for t in tasks if t["annex"] == "I" and t["stt"] == "59")
    assert row59["co_raw"] == "Sở Tài chính; các sở, ban, ngành, địa phương"
    row = next(t for t in tasks if t["annex"] == "III" and t["section"] == "III" and t["stt"] == "2")
    assert row["output"] == ("Danh mục nền tảng, sản phẩm số từng ngành, lĩnh vực được ban hành, bảo đảm tích hợp "
                             "và ứng dụng dữ liệu dân cư, căn cước, định danh")


def test_letter_items() -> None:
    tasks = _golden("cv_kgvx_letter")["tasks"]
    assert len(tasks) == 26
    assert Counter(t["section"] for t in tasks) == {"1": 5, "2": 14, "3": 2, "4": 1, "5": 1, "6": 3}
    explicit = [t for t in tasks if t["deadline"]["kind"] in ("date", "month", "quarter", "half_year", "year")]
    assert len(explicit) == 7
    assert {t["stt"]: t["deadline"]["due"] for t in explicit} == {
        "1.3": "2026-07-31", "2.3": "2026-07-31", "2.4": "2026-06-12", "2.5": "2026-12-31",
        "2.13": "2026-06-15", "2.14": "2026-06-15", "3.2": "2026-06-15"}
    by_stt = {t["stt"]: t for t in tasks}
    assert by_stt["5.1"]["deadline"]["kind"] == "conditional"
    assert [a["name"] for a in by_stt["1.3"]["lead"]] == ["Sở Nội vụ", "Sở Tài chính", "Sở Khoa học và Công nghệ"]
    assert [a["name"] for a in by_stt["1.1"]["lead"]] == ["Các sở, ban, ngành", "UBND các xã, phường"]


@needs_shared
def test_every_seed_cell_is_in_the_normalisation_table(plan: _seed.Plan, norm: _expected.Normalisation) -> None:
    missing = []
    for annex in plan.annexes:
        for row in annex.tasks:
            cells = [_seed.plain(c) for c in row.cells]
            missing += [c for c in (cells[2], cells[3]) if c and c not in norm.agencies]
            missing += [cells[5]] if cells[5] and cells[5] not in norm.deadlines else []
    assert missing == []


def test_normalisation_raws_are_pieces_of_their_cell(norm: _expected.Normalisation) -> None:
    bad = [(cell, ref["raw"]) for cell, refs in norm.agencies.items() for ref in refs
           if ref["raw"].replace(" ", "") not in cell.replace(" ", "")]
    assert bad == []
    kinds = {ref["kind"] for refs in norm.agencies.values() for ref in refs}
    assert kinds == {"agency", "group"}


@pytest.mark.parametrize("name", ["kh15_plan", "cv_kgvx_letter"])
def test_deadline_due_matches_kind(name: str) -> None:
    for task in _golden(name)["tasks"]:
        d = task["deadline"]
        dated = d["kind"] in ("date", "month", "quarter", "half_year", "year")
        assert (d["due"] is not None) == dated, (task["stt"], d)
        assert (d["condition"] is not None) == (d["kind"] == "conditional"), (task["stt"], d)
        assert (d["raw"] is None) == (d["kind"] == "none"), (task["stt"], d)


@pytest.mark.parametrize("name", ["kh15_plan", "cv_kgvx_letter"])
def test_no_seed_markup_left(name: str) -> None:
    text = json.dumps(_golden(name), ensure_ascii=False)
    for mark in ("<p>", "</p>", "<i>", "</i>", "**", "~~", "\t"):
        assert mark not in text, mark


@pytest.mark.parametrize(
    ("name", "pages", "landscape_from"),
    [("kh15_plan", 23, 6), ("cv_kgvx_letter", 4, None)],
)
def test_pdf_orientation(name: str, pages: int, landscape_from: int | None) -> None:
    """Body pages portrait, every annex page landscape (and the golden file records the same)."""
    with pdfplumber.open(SAMPLES / f"{name}.pdf") as pdf:
        got = ["landscape" if p.width > p.height else "portrait" for p in pdf.pages]
    first = landscape_from or pages + 1
    assert got == ["portrait"] * (first - 1) + ["landscape"] * (pages - first + 1)
    golden = _golden(name)
    assert golden["page_orientation"] == got
    for task in golden["tasks"]:  # table rows on annex (landscape) pages, prose on body pages
        want = "landscape" if task["source"] == "table" else "portrait"
        assert {got[p - 1] for p in task["pages"]} == {want}, (task["annex"], task["stt"])


def test_plan_rows_cut_by_page_breaks() -> None:
    cut = [t for t in _golden("kh15_plan")["tasks"] if len(t["pages"]) == 2]
    assert len(cut) >= 3
    assert all(t["pages"][1] == t["pages"][0] + 1 for t in cut)


@pytest.mark.parametrize(("name", "landscape"), [("kh15_plan", [False, True, True, True]),
                                                   ("cv_kgvx_letter", [False])])
def test_docx_sections_and_repeating_headers(name: str, landscape: list[bool]) -> None:
    doc = Document(str(SAMPLES / f"{name}.docx"))
    assert [s.orientation == WD_ORIENT.LANDSCAPE for s in doc.sections] == landscape
    task_tables = [t for t in doc.tables if len(t.columns) == 6]
    assert len(task_tables) == landscape.count(True)
    for table in task_tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


@needs_shared
@pytest.mark.slow
@pytest.mark.parametrize("name", ["kh15_plan", "cv_kgvx_letter"])
def test_golden_equals_what_the_seed_gives(name: str, plan: _seed.Plan, letter: _seed.Letter,
                                           norm: _expected.Normalisation) -> None:
    """Regenerate the expected JSON from seed + YAML + committed PDF: it must equal the committed file."""
    prose = _expected.load_prose(EXPECTED / "prose_tasks.yaml")
    pdf = (SAMPLES / f"{name}.pdf").read_bytes()
    if name == "kh15_plan":
        fresh = _expected.plan_expected(plan, norm, prose, pdf, f"{name}.pdf")
    else:
        fresh = _expected.letter_expected(letter, norm, prose, pdf, f"{name}.pdf")
    assert json.loads(json.dumps(fresh, ensure_ascii=False)) == _golden(name)
