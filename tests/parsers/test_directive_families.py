"""The ways real issuers write assignments (../shared/real/FORMATS.md), one test per structure.

Each text is typed here in the shape of a family, with other wording than the real documents (the real
documents are scored by tests/test_real_corpus.py): the rules must follow the structure — numbering,
headings, lead-ins, labelled fields, the grammar of "giao … chủ trì, phối hợp với …" — not a phrasing.
Documents come as Word paragraphs (one Block per paragraph), so line joining plays no part here.
"""

from __future__ import annotations

from models.page import Block, PageText, ParsedFile
from parsers.extractors.directive_outline import paragraphs, split_marker
from parsers.extractors.directives import extract_prose_tasks


def docx(paragraphs: list[str]) -> ParsedFile:
    return ParsedFile(
        source_sha256="0" * 64,
        file_name="t.docx",
        kind="docx",
        pages=[PageText(page=1, width=595, height=842, method="text",
                        blocks=[Block(page=1, text=p) for p in paragraphs])],
    )  # fmt: skip


HEADER = ["ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "Số: 12/TB-UBND", "THÔNG BÁO"]
END = ["Nơi nhận:", "- Như trên;"]


def leads(tasks: list) -> list[str | None]:
    return [t.lead_raw for t in tasks]


def test_giao_inside_a_sentence_names_the_lead_and_the_clause_starts_the_text() -> None:
    tasks = extract_prose_tasks(docx([*HEADER,
        "Xét đề nghị của Sở Xây dựng tại Tờ trình số 5/TTr-SXD, Chủ tịch UBND tỉnh giao Sở Tài chính chủ "
        "trì, phối hợp với các cơ quan liên quan thẩm định, báo cáo UBND tỉnh trước ngày 20/5/2026.",
        *END]))  # fmt: skip
    [task] = tasks
    assert task.lead_raw == "Sở Tài chính"
    assert task.text.startswith("Chủ tịch UBND tỉnh giao Sở Tài chính")
    assert task.co_raw == "các cơ quan liên quan"
    assert task.deadline_raw == "trước ngày 20/5/2026"


def test_a_lead_in_gives_its_list_one_actor_and_a_bullet_can_narrow_it() -> None:
    tasks = extract_prose_tasks(docx([*HEADER,
        "Giám đốc Sở Nông nghiệp yêu cầu Thủ trưởng các đơn vị trực thuộc Sở thực hiện những việc sau:",
        "- Kiểm tra đê điều trước mùa mưa.",
        "- Các Chi cục Thủy lợi chuẩn bị vật tư dự phòng.",
        *END]))  # fmt: skip
    assert len(tasks) == 2
    assert tasks[0].lead_raw == "Thủ trưởng các đơn vị trực thuộc Sở"
    assert tasks[1].lead_raw == "Các Chi cục Thủy lợi"


def test_each_paragraph_under_an_agency_heading_is_its_task() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "Kết luận như sau:",
        "1. Phòng Kế hoạch - Tài chính",
        "Lập dự toán kinh phí tổ chức hội nghị.",
        "Phối hợp Văn phòng Sở quyết toán kinh phí.",
        "2. Văn phòng Sở",
        "Chuẩn bị hội trường.",
        *END]))  # fmt: skip
    assert [(t.stt, t.lead_raw) for t in tasks] == [
        ("1", "Phòng Kế hoạch - Tài chính"), ("1", "Phòng Kế hoạch - Tài chính"), ("2", "Văn phòng Sở")
    ]  # fmt: skip
    assert tasks[1].co_raw == "Văn phòng Sở"


def test_the_actor_can_close_the_item_after_a_dash() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "II. NỘI DUNG",
        "1. Báo cáo chuyên đề về dạy học số – Trường THCS Nguyễn Du thực hiện.",
        *END]))  # fmt: skip
    assert leads(tasks) == ["Trường THCS Nguyễn Du"]


def test_party_numbering_with_a_hyphen_is_an_item() -> None:
    assert split_marker("3- Giao Văn phòng Huyện ủy tổng hợp") == ("num", "3", "Giao Văn phòng Huyện ủy tổng hợp")
    assert split_marker("05-TB/BCĐ của Ban Chỉ đạo")[0] == "none"  # a document symbol, not an item


def test_labelled_fields_without_a_dash_give_lead_co_and_deadline() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "II. NỘI DUNG",
        "- Tổ chức tập huấn cho cán bộ pháp chế.",
        "Đơn vị chủ trì thực hiện: Sở Tư pháp.",
        "Đơn vị phối hợp thực hiện: Sở Nội vụ.",
        "Thời gian thực hiện: Quý III/2026.",
        *END]))  # fmt: skip
    [task] = tasks
    assert (task.lead_raw, task.co_raw, task.deadline_raw) == ("Sở Tư pháp", "Sở Nội vụ", "Quý III/2026")


def test_a_report_proposes_but_its_own_listed_tasks_count() -> None:
    report = docx(["SỞ NỘI VỤ", "Số: 8/BC-SNV", "BÁO CÁO", "I. KẾT QUẢ",
        "Sở Nội vụ đã chủ động phối hợp kiểm tra 12 đơn vị.",
        "II. ĐỀ XUẤT",
        "Giao Sở Tài chính bố trí kinh phí trước ngày 30/6/2026.",
        "III. NHIỆM VỤ THÁNG TỚI",
        "Trong tháng 7/2026, Sở Nội vụ tập trung thực hiện một số nhiệm vụ sau:",
        "1. Hoàn thiện đề án vị trí việc làm.",
        *END])  # fmt: skip
    tasks = extract_prose_tasks(report, doc_type="BÁO CÁO")
    assert [(t.lead_raw, t.deadline_raw) for t in tasks] == [("Sở Nội vụ", "Trong tháng 7/2026")]


def test_an_upward_letter_assigns_nothing() -> None:
    letter = docx([*HEADER, "Kính gửi: Bộ Tài chính", "Đề nghị Bộ Tài chính xem xét bổ sung kinh phí.", *END])
    assert extract_prose_tasks(letter, doc_type="CÔNG VĂN", upward=True) == []
    assert len(extract_prose_tasks(letter, doc_type="CÔNG VĂN")) == 1


def test_a_heading_month_is_the_deadline_of_the_items_below_it() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "I. VIỆC CẦN LÀM TRONG THÁNG 8/2026",
        "1. Sở Y tế",
        "a) Rà soát danh mục thuốc.",
        "b) Kiểm tra các nhà thuốc, báo cáo trước ngày 15/8/2026.",
        *END]))  # fmt: skip
    assert [t.deadline_raw for t in tasks] == ["TRONG THÁNG 8/2026", "trước ngày 15/8/2026"]


def test_a_list_names_its_actor_once_and_the_bullets_after_it_inherit_it() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "IV. TỔ CHỨC THỰC HIỆN",
        "- Trường THPT Lê Lợi xây dựng chương trình buổi sinh hoạt.",
        "- Chuẩn bị phòng họp trực tuyến.",
        *END]))  # fmt: skip
    assert leads(tasks) == ["Trường THPT Lê Lợi", "Trường THPT Lê Lợi"]


def test_ocr_garbled_letter_markers_take_their_letter_from_the_sequence() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "II. NỘI DUNG", "3. Tăng cường tuyên truyền",
        "a) Công an tỉnh", "- Tổ chức tuyên truyền tại trường học.",
        "Œ) Sở Y tế", "- Cấp phát tài liệu.",
        *END]))  # fmt: skip
    assert [(t.section, t.lead_raw) for t in tasks] == [("II.3", "Công an tỉnh"), ("II.3", "Sở Y tế")]
    assert split_marker("Œ) Sở Y tế")[0] == "letter"


def test_a_narrated_sentence_and_an_allocation_are_not_tasks() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "Quyết định như sau:",
        "1. Bộ Y tế xuất cấp hóa chất cho các tỉnh, cụ thể:",
        "- Tỉnh Hà Giang: 10.000 viên;",
        "- Tỉnh Lai Châu: 5.000 viên.",
        "2. UBND các tỉnh tổ chức tiếp nhận, phân phối kịp thời.",
        *END]))  # fmt: skip
    assert leads(tasks) == ["Bộ Y tế", "UBND các tỉnh"]


def test_a_sentence_that_assigns_is_a_task_inside_a_closing_paragraph() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "Kết luận như sau:",
        "1. Sở Xây dựng rà soát quy hoạch.",
        "UBND tỉnh yêu cầu các sở, ngành nghiêm túc thực hiện. Giao cho Thanh tra tỉnh theo dõi, đôn đốc.",
        *END]))  # fmt: skip
    assert leads(tasks) == ["Sở Xây dựng", "Thanh tra tỉnh"]
    assert tasks[1].text.startswith("Giao cho Thanh tra tỉnh")


def test_ocr_section_sign_is_item_eight() -> None:
    assert split_marker("§. Giao Sở Nội vụ:") == ("num", "8", "Giao Sở Nội vụ:")


def test_an_agency_before_a_colon_in_its_own_item_is_the_lead_and_the_item_stays_whole() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "Chỉ thị như sau:",
        "1. Sở Công Thương (cơ quan thường trực về an toàn điện): Phối hợp các đơn vị điện lực kiểm tra "
        "hành lang lưới điện trước mùa mưa bão.",
        *END]))  # fmt: skip
    [task] = tasks
    assert task.lead_raw == "Sở Công Thương (cơ quan thường trực về an toàn điện)"
    assert task.text.startswith("Sở Công Thương (cơ quan thường trực")


def _scan_page(lines: list[tuple[str, float, float, bool]]) -> ParsedFile:
    """An OCR page of full-width justified lines: (text, left, right, centred) top to bottom."""
    # OCR boxes are taller than the line pitch: each overlaps the next by a few points
    blocks = [
        Block(page=1, text=text, bbox=(left, 100.0 + 20 * i, right, 123.0 + 20 * i), centered=centred)
        for i, (text, left, right, centred) in enumerate(lines)
    ]
    return ParsedFile(source_sha256="0" * 64, file_name="t.pdf", kind="pdf",
                      pages=[PageText(page=1, width=595, height=842, method="ocr", blocks=blocks)])  # fmt: skip


def test_a_full_line_the_ocr_calls_centred_continues_an_open_item() -> None:
    """OCR marks a justified line that spans the column as centred; after an item whose sentence is still
    open ("… Chủ tịch UBND các" / "huyện, thị xã …") it is the same paragraph, not a heading."""
    parsed = _scan_page([
        ("CHỈ THỊ", 250.0, 330.0, True),
        ("3. Tổ chức thực hiện", 120.0, 240.0, False),
        ("a) Giám đốc các sở, ban, ngành, Chủ tịch Ủy ban nhân dân các", 120.0, 528.0, False),
        ("huyện, thị xã trong phạm vi chức năng, nhiệm vụ được giao xây dựng", 90.0, 528.0, True),
        ("kế hoạch thực hiện Chỉ thị này.", 90.0, 300.0, False),
        ("b) Sở Tư pháp theo dõi, đôn đốc việc thực hiện Chỉ thị này và báo cáo", 120.0, 528.0, False),
        ("Ủy ban nhân dân tỉnh kết quả thực hiện hằng năm.", 90.0, 350.0, False),
        ("Nơi nhận:", 90.0, 160.0, False),
    ])  # fmt: skip
    paras = [p.text for p in paragraphs(parsed)]
    assert any(p.startswith("a) Giám đốc") and p.endswith("Chỉ thị này.") for p in paras), paras


def test_numbered_items_without_actor_take_the_one_subject_their_section_names() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "Kế hoạch như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Nâng cao hiệu quả phối hợp giữa các lực lượng.",
        "II. NỘI DUNG",
        "1. Rà soát các văn bản hướng dẫn về quản lý tiền chất.",
        "2. Các đơn vị, địa phương tổ chức tập huấn cho cán bộ, như:",
        "- Tập huấn nghiệp vụ kiểm soát.",
        "3. Báo cáo kết quả thực hiện trước ngày 15/12/2026.",
        *END]))  # fmt: skip
    assert [(t.text[:12], t.lead_raw) for t in tasks] == [
        ("Rà soát các ", "Các đơn vị, địa phương"),
        ("Tập huấn ngh", "Các đơn vị, địa phương"),
        ("Báo cáo kết ", "Các đơn vị, địa phương"),
    ]


def test_numbered_items_without_actor_stay_without_one_where_their_section_names_two() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "Kế hoạch như sau:",
        "II. NỘI DUNG",
        "1. Rà soát các văn bản hướng dẫn về quản lý tiền chất.",
        "2. Sở Y tế kiểm tra các cơ sở kinh doanh thuốc.",
        "3. Công an tỉnh đấu tranh với tội phạm.",
        *END]))  # fmt: skip
    assert "Rà soát" not in " ".join(t.text for t in tasks)
    assert "Sở Y tế" in leads(tasks)


def test_a_quota_per_body_is_no_task() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "Kế hoạch như sau:",
        "1. Sở Nội vụ tổ chức lớp bồi dưỡng nghiệp vụ, thành phần:",
        "- Bệnh viện tỉnh: 04 cán bộ.",
        "- Các trung tâm y tế huyện: mỗi đơn vị cử 02 cán bộ.",
        "- Trường Cao đẳng Y tế: § cán bộ.",
        *END]))  # fmt: skip
    assert [t.lead_raw for t in tasks] == ["Sở Nội vụ"]


def test_a_word_paragraph_without_actor_after_a_task_paragraph_is_the_next_task_of_that_actor() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "Kế hoạch như sau:",
        "II. NHIỆM VỤ",
        "1. Tuyên truyền trên báo chí",
        "Sở Văn hóa chủ trì, phối hợp với Đài Phát thanh tỉnh mở chuyên mục về chuyển đổi số.",
        "Cập nhật thường xuyên tin, bài trên Cổng thông tin điện tử tỉnh.",
        *END]))  # fmt: skip
    assert [(t.text[:12], t.lead_raw) for t in tasks] == [
        ("Sở Văn hóa c", "Sở Văn hóa"),
        ("Cập nhật thư", "Sở Văn hóa"),
    ]


def test_ocr_slips_in_markers_and_heads_keep_the_structure() -> None:
    """"¬" is a dash as OCR reads it; "Sơ Công Thương" a heading with "Sở" misread ("Sơ kết" is none);
    "I." under part V is item 1 misread, not a new part."""
    tasks = extract_prose_tasks(docx([*HEADER, "Kế hoạch như sau:",
        "IV. NHIỆM VỤ",
        "1. Sơ Công Thương",
        "¬ Kiểm tra việc kinh doanh tiền chất trên địa bàn.",
        "2. Sơ kết công tác phòng chống ma túy",
        "V. TỔ CHỨC THỰC HIỆN",
        "I. Các sở, ban, ngành:",
        "Căn cứ chức năng, nhiệm vụ xây dựng kế hoạch thực hiện.",
        *END]))  # fmt: skip
    assert [(t.section, t.text[:12], t.lead_raw) for t in tasks] == [
        ("IV.1", "Kiểm tra việ", "Sơ Công Thương"),
        ("V.1", "Căn cứ chức ", "Các sở, ban, ngành"),
    ]


def test_the_recipients_block_ends_the_body_after_an_ocr_speck() -> None:
    tasks = extract_prose_tasks(docx([*HEADER,
        "Giám đốc Sở Y tế yêu cầu Thủ trưởng các đơn vị thực hiện những công việc sau:",
        "- Rà soát danh sách trẻ chưa tiêm chủng.",
        "- Báo cáo kết quả về Sở Y tế trước ngày 30/6/2026.",
        "Ỳ Nơi nhận: KT. GIÁM ĐỐC",
        "- Như trên; PHÓ GIÁM ĐỐC",
        "- Lưu: VT.",
        ]))  # fmt: skip
    assert [t.text[:8] for t in tasks] == ["Rà soát ", "Báo cáo "]


def test_a_proposal_to_a_body_keeps_the_heading_actor() -> None:
    """"Đề xuất HĐND tỉnh …" proposes to its object: the item's actor is the body of its heading."""
    tasks = extract_prose_tasks(docx([*HEADER, "II. NHIỆM VỤ",
        "1. Sở Giao thông vận tải",
        "- Kiểm tra tải trọng xe trên các tuyến tỉnh lộ.",
        "- Đề xuất Hội đồng nhân dân tỉnh, Ủy ban nhân dân tỉnh bố trí kinh phí sửa chữa cầu yếu.",
        *END]))  # fmt: skip
    assert leads(tasks) == ["Sở Giao thông vận tải", "Sở Giao thông vận tải"]


def test_a_lead_in_that_acts_and_asks_a_second_body_gives_both_leads() -> None:
    """"X chỉ đạo … và đề nghị Y:" — the subject acts through its forces and asks Y: both carry the items."""
    tasks = extract_prose_tasks(docx([*HEADER, "II. NHIỆM VỤ",
        "a) Công an tỉnh chỉ đạo lực lượng Cảnh sát giao thông và đề nghị Cục Đường bộ Việt Nam:",
        "- Tuần tra các tuyến quốc lộ trong dịp Tết.",
        "- Xử lý nghiêm xe quá tải.",
        *END]))  # fmt: skip
    assert leads(tasks) == ["Công an tỉnh; Cục Đường bộ Việt Nam"] * 2


def test_a_group_heading_with_its_place_leads_bullets_after_a_quota_list() -> None:
    """"Các cơ sở … trong tỉnh:" is a group heading (its place kept); a quota list under a bullet
    ("+ Trường X: 04 giáo viên") names no actor for the bullets after it; "công lập" is no verb."""
    tasks = extract_prose_tasks(docx([*HEADER, "Kế hoạch như sau:", "II. TỔ CHỨC THỰC HIỆN",
        "1. Các cơ sở giáo dục trong tỉnh:",
        "- Trường công lập cử giáo viên tham gia Hội đồng coi thi với số lượng như sau:",
        "+ Trường chuyên tỉnh: 04 giáo viên;",
        "+ Trường dân tộc nội trú: 02 giáo viên;",
        "- Lập danh sách học sinh dự thi.",
        *END]))  # fmt: skip
    assert leads(tasks)[-1] == "Các cơ sở giáo dục trong tỉnh"
    assert "Trường" not in leads(tasks)


def test_an_unpunctuated_adverbial_before_the_subject_is_not_the_subject() -> None:
    """"Trong quá trình thực hiện Thủ trưởng các đơn vị chủ động …": the adverbial's words are lower case;
    the subject is the capitalised body, not the body after the first comma."""
    tasks = extract_prose_tasks(docx([*HEADER, "Kế hoạch như sau:", "II. NHIỆM VỤ",
        "1. Sở Xây dựng kiểm tra an toàn công trình trước ngày 30/6/2026.",
        "Trong quá trình thực hiện Thủ trưởng các đơn vị chủ động phối hợp với Sở Tài chính, Sở Nội vụ "
        "để kịp thời tháo gỡ vướng mắc.",
        *END]))  # fmt: skip
    assert leads(tasks)[-1] == "Thủ trưởng các đơn vị"


def test_a_named_body_given_the_lead_inside_an_item_overrides_the_heading() -> None:
    """Under a heading of many bodies, "Khi …, giao Sở X chủ trì …" names its own actor; a lower-case
    "giao cơ quan chủ trì" under "Giao Sở X:" only describes and keeps the heading's."""
    tasks = extract_prose_tasks(docx([*HEADER, "Kết luận như sau:",
        "II. NHIỆM VỤ",
        "1. Các sở, ban, ngành, UBND các xã, phường:",
        "- Rà soát thủ tục hành chính thuộc thẩm quyền.",
        "- Khi có kết quả khảo sát chính thức giao Sở Tư pháp chủ trì cùng các đơn vị phân tích nguyên nhân.",
        "2. Giao Sở Xây dựng:",
        "- Đề xuất giao cơ quan chủ trì quản lý từng tuyến đường.",
        *END]))  # fmt: skip
    assert leads(tasks) == ["Các sở, ban, ngành, UBND các xã, phường", "Sở Tư pháp", "Sở Xây dựng"]


def test_bullets_after_a_paragraph_ending_in_a_colon_belong_to_that_paragraphs_actor() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "Kết luận như sau:",
        "3. Đối với UBND cấp xã, các trường mầm non",
        "Đề nghị UBND cấp xã rà soát phòng học của các trường trên địa bàn.",
        "Riêng UBND xã Tân Phú bố trí kinh phí sửa chữa và chỉ đạo Trường Mầm non Hoa Sen:",
        "- Báo cáo số phòng học xuống cấp.",
        "- Lập dự toán sửa chữa.",
        *END]))  # fmt: skip
    assert leads(tasks) == [
        "UBND cấp xã", "UBND xã Tân Phú", "UBND xã Tân Phú", "UBND xã Tân Phú"
    ]  # fmt: skip


def test_rules_and_criteria_under_sub_headings_are_not_tasks_but_duties_are() -> None:
    tasks = extract_prose_tasks(docx([*HEADER,
        "I. Mục đích",
        "Rèn luyện kỹ năng nghề nghiệp; cách chấm như sau:",
        "II. Quy định đối với các bên",
        "1. Đối với học viên",
        "\uf0d8 Quy định chung",
        "\uf0b7 Học viên phải nộp nhật ký hằng tuần.",
        "\uf0d8 Yêu cầu về sản phẩm",
        "\uf0b7 Bản thu hoạch có xác nhận của cơ sở.",
        "2. Đối với giáo viên",
        "- Duyệt nhật ký của học viên.",
        "- Chấm bản thu hoạch.",
        "III. Tiêu chuẩn chấm điểm",
        "Cách tính điểm như sau:",
        "- Giáo viên cho điểm quá trình.",
        *END]))  # fmt: skip
    assert [t.text for t in tasks] == ["Duyệt nhật ký của học viên.", "Chấm bản thu hoạch."]
    assert leads(tasks) == ["giáo viên", "giáo viên"]


def test_plus_items_under_an_action_are_its_contents_and_a_note_is_no_task() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "Kết luận như sau:",
        "1. Trung tâm Kiểm soát bệnh tật tỉnh:",
        "- Gửi hồ sơ đề nghị về Sở Tài chính, gồm:",
        "+ Bảng dự toán có chữ ký của thủ trưởng.",
        "+ Biên bản thẩm định giá.",
        "- Lưu ý: giá đề nghị không vượt giá trúng thầu năm trước.",
        "2. Mời KBNN tỉnh cử cán bộ tham gia tổ thẩm định.",
        "3. Bệnh viện tỉnh:",
        "- Khoa Dược:",
        "+ Rà soát danh mục thuốc.",
        "+ Đề xuất số lượng.",
        *END]))  # fmt: skip
    assert [t.text[:22] for t in tasks] == [
        "Gửi hồ sơ đề nghị về S", "Mời KBNN tỉnh cử cán b", "Rà soát danh mục thuốc", "Đề xuất số lượng."
    ]  # fmt: skip
    assert "Biên bản thẩm định giá" in tasks[0].text
    assert leads(tasks)[:2] == ["Trung tâm Kiểm soát bệnh tật tỉnh", "KBNN tỉnh"]


def test_a_closing_request_to_carry_out_the_above_is_no_task() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "Kết luận như sau:",
        "1. Sở Tài chính thẩm định dự toán trước ngày 15/3/2026.",
        "2. Sở Nội vụ rà soát biên chế trước ngày 20/3/2026.",
        "Đề nghị các sở, ngành nghiêm túc triển khai thực hiện các nội dung nêu trên đảm bảo tiến độ.",
        "Yêu cầu các đơn vị triển khai theo đúng tiến độ và nội dung của kế hoạch.",
        "Giao Sở Tư pháp thực hiện theo nội dung của kế hoạch số 12/KH-UBND trước ngày 30/3/2026.",
        *END]))  # fmt: skip
    assert leads(tasks) == ["Sở Tài chính", "Sở Nội vụ", "Sở Tư pháp"]


def test_a_numbered_request_is_no_rule_heading() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "Kết luận như sau:",
        "1. Yêu cầu các sở, ngành rà soát hồ sơ tồn đọng",
        "2. Quy định rõ trách nhiệm người đứng đầu các đơn vị",
        "3. Yêu cầu về hồ sơ",
        "- Sở Nội vụ lập danh mục hồ sơ.",
        *END]))  # fmt: skip
    assert leads(tasks) == ["các sở, ngành"]  # 2 names no actor; 3 heads requirements


def test_plus_items_under_a_body_or_a_giao_line_are_its_tasks() -> None:
    tasks = extract_prose_tasks(docx([*HEADER, "Kết luận như sau:",
        "1. Về phòng chống dịch",
        "- Giao Trung tâm Kiểm soát bệnh tật tỉnh:",
        "+ Giám sát ổ dịch.",
        "+ Cấp phát hóa chất.",
        "- Sở Tài chính chủ trì bố trí kinh phí, gồm:",
        "+ Kinh phí mua hóa chất.",
        *END]))  # fmt: skip
    assert [t.text[:18] for t in tasks] == ["Giám sát ổ dịch.", "Cấp phát hóa chất.", "Sở Tài chính chủ t"]
