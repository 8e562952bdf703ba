"""Prose directives: span helpers as string tables, small documents per pattern, the two seeds, real .docx."""

from pathlib import Path

import pytest
import yaml

from models.page import Block, PageText, ParsedFile
from models.settings import DirectiveSettings
from parsers.extractors import directive_agency as ag
from parsers.extractors.directive_deadline import find_deadline_raw
from parsers.extractors.directive_outline import paragraphs
from parsers.extractors.directives import extract_prose_tasks
from parsers.readers.docx_text import read_docx
from tests.shared_paths import REAL, SEEDS, needs_shared

ROOT = Path(__file__).resolve().parents[2]


def parsed_from_lines(lines: list[str], kind: str = "pdf") -> ParsedFile:
    """One Block per printed line, as the PDF reader gives them; "\\f" starts a new page; "**" marks bold."""
    pages: list[list[Block]] = [[]]
    for line in lines:
        if line == "\f":
            pages.append([])
            continue
        text = line.replace("**", "").strip()
        if text:
            bold = line.startswith("**") and line.endswith("**")
            pages[-1].append(Block(page=len(pages), text=text, bold=bold))
    return ParsedFile(
        source_sha256="0" * 64,
        file_name="t.pdf",
        kind=kind,
        pages=[
            PageText(page=i + 1, width=595, height=842, method="text", blocks=blocks)
            for i, blocks in enumerate(pages)
        ],
    )


def seed(name: str) -> ParsedFile:
    return parsed_from_lines((SEEDS / name).read_text(encoding="utf-8").splitlines())


# ---------------------------------------------------------------- span helpers


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("Giao Sở Khoa học và Công nghệ chủ trì:", "Sở Khoa học và Công nghệ"),
        (
            "Giao các sở, ban, ngành, UBND các xã, phường căn cứ chức năng, nhiệm vụ thực hiện các nội dung sau:",
            "các sở, ban, ngành, UBND các xã, phường",
        ),
        ("Giao Văn phòng UBND tỉnh chủ trì theo dõi, đôn đốc việc triển khai", "Văn phòng UBND tỉnh"),
        ("Giao Công an tỉnh:", "Công an tỉnh"),
        ("Giao Ban Chỉ đạo tỉnh tham mưu", "Ban Chỉ đạo tỉnh"),  # "Chỉ đạo" capitalised: a name, not a verb
        ("Tham mưu giao Sở Nội vụ", None),
    ],
)
def test_giao_lead(text: str, lead: str | None) -> None:
    assert ag.giao_lead(text) == lead


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        (
            "Yêu cầu các sở, ban, ngành, địa phương nghiên cứu, thực hiện nghiêm túc",
            "các sở, ban, ngành, địa phương",
        ),
        (
            "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh phối hợp tuyên truyền",
            "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        ),
        ("Yêu cầu tập trung thực hiện", None),
    ],
)
def test_ask_lead(text: str, lead: str | None) -> None:
    assert ag.ask_lead(text) == lead


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("Sở Nội vụ chủ trì, phối hợp với các cơ quan, đơn vị liên quan xây dựng", "Sở Nội vụ"),
        (
            "Báo và Phát thanh, Truyền hình tỉnh chủ trì, phối hợp với các sở",
            "Báo và Phát thanh, Truyền hình tỉnh",
        ),
        (
            "Các sở, ban, ngành, UBND các xã, phường có trách nhiệm chủ động",
            "Các sở, ban, ngành, UBND các xã, phường",
        ),
        ("Báo cáo UBND tỉnh (thông qua Sở Nội vụ) công tác tuyên truyền", None),  # "Báo cáo" is a verb
        ("Ban hành quy trình điện tử, biểu mẫu", None),
        ("Tiếp tục triển khai hiệu quả mô hình 3 nhà", None),
    ],
)
def test_subject_lead(text: str, lead: str | None) -> None:
    assert ag.subject_lead(text) == lead


@pytest.mark.parametrize(
    ("text", "co"),
    [
        ("Phối hợp với Sở Tài chính khẩn trương hoàn thành việc đăng ký kinh phí", "Sở Tài chính"),
        (
            "Phối hợp chặt chẽ với các bộ, ngành chủ quản hệ thống thông tin giải quyết thủ tục hành chính "
            "(TTHC), Cổng dịch vụ công quốc gia để hoàn thiện các điều kiện kết nối",
            "các bộ, ngành chủ quản hệ thống thông tin giải quyết thủ tục hành chính (TTHC), Cổng dịch vụ công quốc gia",
        ),
        (
            "Tiếp tục phối hợp chặt chẽ với Ban Cơ yếu Chính phủ, Văn phòng Tỉnh ủy và các cơ quan, đơn vị tiếp tục",
            "Ban Cơ yếu Chính phủ, Văn phòng Tỉnh ủy và các cơ quan, đơn vị",
        ),
        (
            "Phối hợp các doanh nghiệp viễn thông, giải quyết triệt để các vùng lõm sóng",
            "các doanh nghiệp viễn thông",
        ),
        ("phối hợp rà soát, sắp xếp trụ sở, bố trí nhân lực", None),  # "phối hợp" + a verb: no body named
    ],
)
def test_co_agencies(text: str, co: str | None) -> None:
    assert ag.co_agencies(text) == co


@pytest.mark.parametrize(
    ("text", "leads"),
    [
        (
            "Các cơ quan được giao chủ trì sớm hoàn thiện: (1) Chính sách đặc thù (Sở Nội vụ); (2) Cơ chế đặc thù "
            "(Sở Tài chính); (3) Cơ chế hỗ trợ các Tổ công nghệ số cộng đồng (Sở Khoa học và Công nghệ).",
            "Sở Nội vụ; Sở Tài chính; Sở Khoa học và Công nghệ",
        ),
        ("Rà soát (TTHC) và (1) báo cáo (Sở Nội vụ)", None),  # one enumerated item is not an enumeration
    ],
)
def test_enumerated_leads(text: str, leads: str | None) -> None:
    assert ag.enumerated_leads(text) == leads


@pytest.mark.parametrize(
    ("heading", "lead"),
    [
        (
            "Sở Khoa học và Công nghệ - Cơ quan thường trực Ban Chỉ đạo của UBND tỉnh",
            "Sở Khoa học và Công nghệ",
        ),
        (
            "Giám đốc các sở, ban, ngành, Chủ tịch UBND các xã, phường",
            "Giám đốc các sở, ban, ngành, Chủ tịch UBND các xã, phường",
        ),
        (
            "Trách nhiệm của các sở, ban, ngành, UBND các xã, phường, đặc khu",
            "các sở, ban, ngành, UBND các xã, phường, đặc khu",
        ),
        ("Sở Nội vụ:", "Sở Nội vụ"),
        ("Về cải cách thể chế", None),
        ("Chỉ đạo, đôn đốc triển khai các nhiệm vụ, giải pháp trọng tâm", None),
        ("Hoàn thiện hạ tầng công nghệ thông tin", None),
    ],
)
def test_heading_lead(heading: str, lead: str | None) -> None:
    assert ag.heading_lead(heading) == lead


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("…; báo cáo UBND tỉnh trước ngày 12/6/2026.", "trước ngày 12/6/2026"),
        ("Hoàn thành chậm nhất trong tháng 7/2026.", "trong tháng 7/2026"),
        ("…, nhất là các doanh nghiệp vừa và nhỏ; hoàn thành trong tháng 07/2026.", "trong tháng 07/2026"),
        ("phấn đấu hoàn thành, tổ chức thực hiện ngay trong năm 2026, đáp ứng", "ngay trong năm 2026"),
        (
            "ưu tiên những dự án có tính khả thi triển khai được trong năm 2026; báo cáo UBND tỉnh trước ngày 12/6/2026.",
            "trước ngày 12/6/2026",
        ),
        ("Trước ngày 25 hằng tháng, cập nhật đầy đủ tình hình", "Trước ngày 25 hằng tháng"),
        (
            "Thời gian hoàn thành ban hành kế hoạch chậm nhất là ngày 30/01/2026.",
            "chậm nhất là ngày 30/01/2026",
        ),
        ("công khai kết quả đánh giá chậm nhất vào ngày 05 hằng tháng.", "chậm nhất vào ngày 05 hằng tháng"),
        (
            "gửi báo cáo về UBND tỉnh trước 11h00’ ngày thứ 5 hằng tuần để tổng hợp",
            "trước 11h00’ ngày thứ 5 hằng tuần",
        ),
        (
            "tham mưu công bố cơ chế, hoàn thành theo thời gian chỉ đạo tại Thông báo số 05-TB/BCĐ.",
            "theo thời gian chỉ đạo tại Thông báo số 05-TB/BCĐ",
        ),
        ("định kỳ hàng tháng và đột xuất báo cáo Chủ tịch UBND tỉnh", "định kỳ hàng tháng và đột xuất"),
        ("đẩy nhanh tiến độ giải ngân vốn ngân sách nhà nước trong năm 2026.", "trong năm 2026"),
        # not deadlines
        ("triển khai đúng tiến độ các nhiệm vụ có thời hạn hoàn thành trong tháng 6/2026", None),
        ("Tham mưu triển khai Kế hoạch số 51/KH-UBND ngày 12/02/2026 của UBND tỉnh", None),
        ("Quyết định có hiệu lực kể từ ngày 01/7/2026.", None),
        ("Ngày 22/01/2026, đồng chí Phó Chủ tịch UBND tỉnh đã chủ trì Hội nghị", None),
        ("Chỉ đạo bố trí nguồn lực, kinh phí trong dự toán ngân sách năm 2026 theo quy định", None),
        ("Phân đấu tham mưu UBND tỉnh trình HĐND tỉnh trong kỳ họp thường lệ giữa năm 2026.", None),
    ],
)
def test_find_deadline_raw(text: str, deadline: str | None) -> None:
    assert find_deadline_raw(text) == deadline


# ---------------------------------------------------------------- line joining


def test_lines_join_into_paragraphs_across_pages() -> None:
    lines = [
        "- Tiếp tục rà soát, sắp xếp trụ sở, hoàn thiện hệ thống hạ",
        "\f",
        "tầng mạng; bảo đảm phục vụ người dân, doanh nghiệp liên tục.",
        "- Tiếp tục triển khai hiệu quả mô hình 3 nhà “Nhà nước - Nhà trường - Nhà doanh nghiệp”, góp phần phát triển kinh tế",
        "- xã hội của tỉnh.",
        "**1. Trưởng, Phó Trưởng Ban Chỉ đạo**",
        "Chỉ đạo, theo dõi, đôn đốc các sở.",
    ]
    paras = paragraphs(parsed_from_lines(lines))
    assert [(p.kind, p.pages) for p in paras] == [
        ("dash", (1, 2)),
        ("dash", (2,)),
        ("num", (2,)),
        ("none", (2,)),
    ]
    assert paras[0].body.endswith("hệ thống hạ tầng mạng; bảo đảm phục vụ người dân, doanh nghiệp liên tục.")
    assert paras[1].body.endswith("phát triển kinh tế - xã hội của tỉnh.")


# ---------------------------------------------------------------- patterns in small documents

OPEN = "UBND tỉnh có ý kiến như sau:"
CLOSE = "Nơi nhận:"


def _rows(lines: list[str]) -> list[tuple]:
    tasks = extract_prose_tasks(parsed_from_lines([OPEN, *lines, CLOSE]), DirectiveSettings())
    return [(t.section, t.stt, t.lead_raw, t.co_raw, t.deadline_raw) for t in tasks]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            [
                "2. Giao Sở Nội vụ chủ trì:",
                "- Rà soát biên chế.",
                "- Phối hợp với Sở Tài chính báo cáo trước ngày 15/6/2026.",
            ],
            [
                ("2", "2.1", "Sở Nội vụ", None, None),
                ("2", "2.2", "Sở Nội vụ", "Sở Tài chính", "trước ngày 15/6/2026"),
            ],
            id="giao-chu-tri-dashes",
        ),
        pytest.param(
            ["4. Giao Văn phòng UBND tỉnh chủ trì theo dõi, đôn đốc việc triển khai các dịch vụ công."],
            [("4", "4.1", "Văn phòng UBND tỉnh", None, None)],
            id="single-paragraph-item",
        ),
        pytest.param(
            [
                "1. Giao Sở Tư pháp chủ trì, phối hợp Sở Nội vụ xây dựng quy chế; hoàn thành trước ngày 30/6/2026./."
            ],
            [("1", "1.1", "Sở Tư pháp", "Sở Nội vụ", "trước ngày 30/6/2026")],
            id="giao-chu-tri-phoi-hop-deadline",
        ),
        pytest.param(
            [
                "1. Về cải cách thể chế",
                "Giao Sở Tư pháp chủ trì, phối hợp với các cơ quan, đơn vị liên quan:",
                "a) Rà soát văn bản.",
                "b) Tham mưu sửa đổi văn bản.",
            ],
            [
                ("1", "a", "Sở Tư pháp", "các cơ quan, đơn vị liên quan", None),
                ("1", "b", "Sở Tư pháp", "các cơ quan, đơn vị liên quan", None),
            ],
            id="unnumbered-giao-over-letters",
        ),
        pytest.param(
            [
                "a) Tổ chức các đoàn kiểm tra.",
                "- Cơ quan chủ trì: Sở Khoa học và Công nghệ.",
                "- Cơ quan phối hợp: Văn phòng UBND tỉnh, Công an tỉnh.",
                "- Thời gian thực hiện: Theo Quý.",
            ],
            [(None, "a", "Sở Khoa học và Công nghệ", "Văn phòng UBND tỉnh, Công an tỉnh", "Theo Quý")],
            id="field-lines",
        ),
        pytest.param(
            [
                "(8) Ban hành quy trình điện tử.",
                "- Đơn vị thực hiện: Văn phòng UBND tỉnh chủ trì, phối hợp với Sở Khoa học và Công nghệ.",
                "- Thời gian hoàn thành: Trong tháng 8/2025.",
            ],
            [(None, "(8)", "Văn phòng UBND tỉnh", "Sở Khoa học và Công nghệ", "Trong tháng 8/2025")],
            id="field-lead-with-co",
        ),
        pytest.param(
            [
                "3. Sở Khoa học và Công nghệ: Chủ trì tổ chức các sự kiện nhân ngày Chuyển đổi số Quốc gia 10/10."
            ],
            [("3", "3.1", "Sở Khoa học và Công nghệ", None, None)],
            id="agency-colon",
        ),
        pytest.param(
            [
                "2. Sở Khoa học và Công nghệ - Cơ quan thường trực Ban Chỉ đạo",
                "- Chủ trì tham mưu, định kỳ hàng tháng và đột xuất báo cáo Chủ tịch UBND tỉnh.",
            ],
            [("2", "2.1", "Sở Khoa học và Công nghệ", None, "định kỳ hàng tháng và đột xuất")],
            id="agency-heading",
        ),
        pytest.param(
            ["1. Trưởng, Phó Trưởng Ban Chỉ đạo của UBND tỉnh", "Chỉ đạo, theo dõi, đôn đốc các sở."],
            [],
            id="issuer-leaders-are-not-a-task",
        ),
        pytest.param(
            ["**Yêu cầu các sở, ban, ngành nghiên cứu, gửi báo cáo trước 11h00’ ngày thứ 5 hằng tuần.**"],
            [(None, None, "các sở, ban, ngành", None, "trước 11h00’ ngày thứ 5 hằng tuần")],
            id="standalone-yeu-cau",
        ),
        pytest.param(
            [
                "I. MỤC ĐÍCH",
                "1. Giao Sở Nội vụ chủ trì tổng hợp.",
                "II. NHIỆM VỤ",
                "1. Giao Sở Y tế chủ trì kiểm tra.",
            ],
            [("II.1", "1.1", "Sở Y tế", None, None)],
            id="explanatory-section-skipped",
        ),
        pytest.param(
            ["1. Tiếp tục triển khai hiệu quả các nhiệm vụ."],
            [],
            id="no-responsible-body-no-task",
        ),
    ],
)
def test_patterns(lines: list[str], expected: list[tuple]) -> None:
    assert _rows(lines) == expected


def test_only_text_between_opening_and_closing_counts() -> None:
    lines = [
        "1. Giao Sở Nội vụ chủ trì rà soát.",  # before the opening: the preamble
        OPEN,
        "1. Giao Sở Y tế chủ trì kiểm tra.",
        "Nhận được Công văn này, các đơn vị triển khai thực hiện./.",
        "2. Giao Sở Tài chính chủ trì thẩm định.",
    ]
    tasks = extract_prose_tasks(parsed_from_lines(lines), DirectiveSettings())
    assert [t.lead_raw for t in tasks] == ["Sở Y tế"]


@needs_shared
def test_disabled_settings_give_no_tasks() -> None:
    assert extract_prose_tasks(seed("002_a6da8a880d7f0315.txt"), DirectiveSettings(enabled=False)) == []


# ---------------------------------------------------------------- the seeds

LETTER_DEADLINES = {
    "1.3": "trong tháng 7/2026",
    "2.3": "trong tháng 07/2026",
    "2.4": "trước ngày 12/6/2026",
    "2.5": "ngay trong năm 2026",
    "2.13": "trước ngày 15/6/2026",
    "2.14": "trước ngày 15/6/2026",
    "3.2": "trước ngày 15/6/2026",
    "5.1": "theo thời gian chỉ đạo tại Thông báo số 05-TB/BCĐ",  # a deadline set by another document
}
LETTER_LEADS = {
    "1": "các sở, ban, ngành, UBND các xã, phường",
    "2": "Sở Khoa học và Công nghệ",
    "3": "Sở Nội vụ",
    "4": "Văn phòng UBND tỉnh",
    "5": "Sở Tài chính",
    "6": "Công an tỉnh",
}


@needs_shared
def test_letter_seed_gives_its_26_items() -> None:
    tasks = extract_prose_tasks(seed("002_a6da8a880d7f0315.txt"), DirectiveSettings())
    counts = {s: sum(t.section == s for t in tasks) for s in LETTER_LEADS}
    assert counts == {"1": 5, "2": 14, "3": 2, "4": 1, "5": 1, "6": 3}
    assert all(t.source == "prose" and t.annex is None and t.parser_version == "directives.v1" for t in tasks)
    assert [t.order for t in tasks] == list(range(26))
    for t in tasks:
        expected_lead = (
            "Sở Nội vụ; Sở Tài chính; Sở Khoa học và Công nghệ" if t.stt == "1.3" else LETTER_LEADS[t.section]
        )
        assert t.lead_raw == expected_lead, t.stt
    assert {t.stt: t.deadline_raw for t in tasks if t.deadline_raw} == LETTER_DEADLINES
    by_stt = {t.stt: t for t in tasks}
    assert by_stt["1.4"].text.count("hệ thống hạ tầng mạng") == 1  # split over a page break in the seed
    assert by_stt["4.1"].text.startswith("Giao Văn phòng UBND tỉnh chủ trì theo dõi")
    assert by_stt["6.3"].text.endswith("ngăn chặn hoạt động cài cắm vi rút, mã độc...")


def _expected_prose() -> dict:
    return yaml.safe_load((ROOT / "samples/expected/prose_tasks.yaml").read_text(encoding="utf-8"))


@needs_shared
def test_letter_seed_matches_the_expected_file() -> None:
    expected = _expected_prose()["cv_kgvx_letter"]
    tasks = {t.stt: t for t in extract_prose_tasks(seed("002_a6da8a880d7f0315.txt"), DirectiveSettings())}
    for stt, want in expected["tasks"].items():
        got = tasks[stt]
        if "co" in want:
            assert got.co_raw == "; ".join(want["co"]), stt
        if "lead" in want:
            assert got.lead_raw == "; ".join(want["lead"]), stt
        if "deadline" in want:
            assert got.deadline_raw == want["deadline"], stt


@needs_shared
def test_plan_seed_matches_the_expected_file() -> None:
    expected = _expected_prose()["kh15_plan"]
    tasks = extract_prose_tasks(seed("000_94a45bdc1ad02897.txt"), DirectiveSettings())
    got = [(t.section, t.stt, t.lead_raw, t.co_raw, t.deadline_raw) for t in tasks]
    want = [
        (e["section"], e["stt"], "; ".join(e["lead"]), "; ".join(e["co"]) or None, e["deadline"])
        for e in expected
    ]
    assert got == want
    for task, e in zip(tasks, expected, strict=True):
        # the task text is the item as printed, without its marker and without its field lines
        assert e["find"].split(") ", 1)[-1].lstrip("- ") in task.text
        assert "Cơ quan chủ trì" not in task.text


# ---------------------------------------------------------------- real Word files


def _docx_tasks(name: str):
    return extract_prose_tasks(read_docx((REAL / name).read_bytes(), name), DirectiveSettings())


@needs_shared
def test_real_conclusion_07() -> None:
    """TB kết luận 22/01/2026: II.1–5 and II.7 lettered items under "Giao …", III.1–3 under "Giao Sở Nội vụ"."""
    tasks = _docx_tasks("07_TB-ketluan-HN-22-01-2026_draft.docx")
    assert len(tasks) == 23
    sections = [t.section for t in tasks]
    assert [
        sections.count(s) for s in ["II.1", "II.2", "II.3", "II.4", "II.5", "II.7", "III.1", "III.2", "III.3"]
    ] == [
        3,
        5,
        3,
        3,
        3,
        3,
        1,
        1,
        1,
    ]
    leads = {t.section: t.lead_raw for t in tasks}
    assert leads["II.1"] == "Sở Tư pháp"
    assert leads["II.2"] == "Văn phòng UBND tỉnh"
    assert leads["II.7"] == "các sở, ban, ngành, UBND các xã, phường, đặc khu"
    assert leads["III.3"] == "Sở Nội vụ"
    deadlines = {(t.section, t.stt): t.deadline_raw for t in tasks if t.deadline_raw}
    assert deadlines[("II.5", "c")] == "trong tháng 02/2026"
    assert deadlines[("III.3", "3.1")] == "chậm nhất vào ngày 05 hằng tháng"
    assert deadlines[("II.2", "a")] == "Hằng tuần"


@needs_shared
def test_real_letter_08() -> None:
    """CV Ban Chỉ đạo: 6 + 11 "(n)" items with "Đơn vị (chủ trì) thực hiện:" lines, plus the closing "Yêu cầu …"."""
    tasks = _docx_tasks("08_CV-BCD-trienkhai-nhiemvu_draft.docx")
    assert len(tasks) == 18
    assert [t.section for t in tasks].count("1") == 6
    assert [t.section for t in tasks].count("2") == 11
    by_key = {(t.section, t.stt): t for t in tasks}
    assert by_key[("1", "(2)")].lead_raw == "Văn phòng UBND tỉnh"
    assert by_key[("1", "(2)")].co_raw == "Các sở, ban, ngành; UBND các xã, phường, đặc khu"
    assert by_key[("1", "(2)")].deadline_raw == "Trong tháng 8/2025"
    assert by_key[("2", "(8)")].lead_raw == "Văn phòng UBND tỉnh"
    assert by_key[("2", "(8)")].co_raw == "Sở Khoa học Công nghệ và các sở, ban, ngành có liên quan"
    assert by_key[("1", "(4)")].lead_raw == "Công an tỉnh"
    assert by_key[("1", "(4)")].deadline_raw == "Thực hiện thường xuyên"
    last = tasks[-1]
    assert (last.section, last.stt, last.lead_raw) == (None, None, "các sở, ban, ngành, địa phương")
    assert last.deadline_raw == "trước 11h00’ ngày thứ 5 hằng tuần"
    assert all(t.raw_cells.get("lead") for t in tasks[:-1])


@needs_shared
def test_real_plan_06_body() -> None:
    """KH tuyên truyền CCHC: sections I–II explain (skipped); III.1 a)/b), IV.1–8 assign."""
    tasks = _docx_tasks("06_KH-tuyentruyen-CCHC-2026_tasktable.docx")
    sections = [t.section for t in tasks]
    assert not any(s.startswith(("I.", "II.")) for s in sections if s)
    assert [sections.count(s) for s in ["III.1", "IV.1", "IV.2", "IV.6", "IV.8"]] == [2, 8, 5, 5, 7]
    leads = {t.section: t.lead_raw for t in tasks}
    assert leads["III.1"] == "Báo và Phát thanh, Truyền hình tỉnh"
    assert leads["IV.1"] == "Sở Nội vụ"
    assert leads["IV.3"] == "Sở Khoa học và Công nghệ"
    assert (
        leads["IV.8"] == "Các sở, ban, ngành; UBND các xã, phường, đặc khu; các cơ quan, đơn vị có liên quan"
    )
    deadline = {(t.section, t.stt): t.deadline_raw for t in tasks}
    assert deadline[("IV.8", "a")] == "chậm nhất là ngày 30/01/2026"


# ---------------------------------------------------------------- rendered samples through the readers

SAMPLE_FIELDS = ("section", "section_title", "stt", "text", "lead_raw", "co_raw")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["cv_kgvx_letter", "kh15_plan"])
@pytest.mark.parametrize("ext", ["pdf", "docx"])
def test_rendered_samples_match_expected_tasks(name: str, ext: str) -> None:
    import json

    from models.settings import PdfSettings
    from parsers.readers.pdf_text import read_pdf

    data = (ROOT / "samples" / f"{name}.{ext}").read_bytes()
    parsed = read_pdf(data, name, PdfSettings()) if ext == "pdf" else read_docx(data, name)
    got = extract_prose_tasks(parsed, DirectiveSettings())
    expected = json.loads((ROOT / "samples/expected" / f"{name}.tasks.json").read_text(encoding="utf-8"))
    want = [t for t in expected["tasks"] if t["source"] == "prose"]
    assert [(t.section, t.stt) for t in got] == [(t["section"], t["stt"]) for t in want]
    for g, w in zip(got, want, strict=True):
        assert {f: getattr(g, f) for f in SAMPLE_FIELDS} == {f: w[f] for f in SAMPLE_FIELDS}
        assert g.deadline_raw == w["deadline"]["raw"]
        if ext == "pdf":
            # the field lines of plan III.2 d) are printed on the next page: they are part of the task
            assert set(w["pages"]) <= set(g.pages)


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        # "các tổ chức" are organisations, not the verb "tổ chức"
        ("Đề nghị Hội Nông dân tỉnh và các tổ chức, đoàn thể tỉnh vận động hội viên",
         "Hội Nông dân tỉnh và các tổ chức, đoàn thể tỉnh"),
        # a semicolon between two bodies does not end the span; before a verb phrase it does
        ("Đề nghị Tòa án nhân dân tỉnh; Viện kiểm sát nhân dân tỉnh: Phối hợp xử lý",
         "Tòa án nhân dân tỉnh; Viện kiểm sát nhân dân tỉnh"),
        ("Yêu cầu các sở, ngành; nghiêm túc thực hiện", "các sở, ngành"),
    ],
)  # fmt: skip
def test_ask_lead_spans_lists_of_bodies(text: str, lead: str) -> None:
    assert ag.ask_lead(text) == lead
