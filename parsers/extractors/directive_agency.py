"""Agency spans in directive sentences, kept as printed (normalisation is ``parsers.normalisers.agency``'s job).

Vietnamese directives put the responsible body between a fixed opener and the first verb:
"Giao **Sở Khoa học và Công nghệ** chủ trì:", "Giao **các sở, ban, ngành, UBND các xã, phường** căn cứ
chức năng …", "Yêu cầu **các sở, ban, ngành, địa phương** nghiên cứu …", "**Sở Nội vụ** chủ trì, phối hợp
với **các cơ quan, đơn vị liên quan** …". Agency names are capitalised ("Ban Chỉ đạo", "Sở Xây dựng")
while the verbs that end the span are lower case, so the verb list is matched case-sensitively.
"""

import re

from parsers.normalisers.text import strip_marks

# Lower-case verbs/links that end an agency span. Longer alternatives first.
_IN = r"trong(?!\s+(?:tỉnh|huyện|thị xã|thành phố|xã|phường|ngành)\b)"
_VERBS = (
    "chủ trì|phối hợp|căn cứ|thực hiện|tham mưu|khẩn trương|tiếp tục|theo dõi|nghiên cứu|xây dựng|"
    "(?<!các )tổ chức|rà soát|hướng dẫn|chỉ đạo|triển khai|có trách nhiệm|chịu trách nhiệm|chủ động|quan tâm|"
    "tập trung|đẩy mạnh|tăng cường|kịp thời|sớm|báo cáo|cập nhật|hoàn thành|hoàn thiện|ban hành|"
    "đôn đốc|kiểm tra|đề xuất|trình|bố trí|cung cấp|bảo đảm|đảm bảo|giải quyết|đưa|quán triệt|"
    "phổ biến|duy trì|nâng cao|xem xét|ưu tiên|nghiêm túc|cùng với|cùng|để|nhằm|theo|về việc|"
    # "trong tỉnh", "trong huyện" qualify a group ("Các cơ sở y tế trong tỉnh"); "trong" else starts a phrase
    rf"{_IN}|"
    "lồng ghép|tích cực|thường xuyên|định kỳ|gửi|công bố|công khai|thẩm định|"
    # common action verbs: a body's name never holds them in lower case ("Bộ Y tế xuất cấp …")
    "xuất cấp|cấp phát|phân bổ|dự trù|quyết toán|(?<!công )lập|cử|tiếp nhận|thông báo|tuyên truyền|quản lý|"
    "giám sát|đánh giá|hỗ trợ|tập huấn|xử lý|thu hồi|soạn thảo|sửa đổi|bổ sung|phê duyệt|chuyển|nộp|"
    "đăng ký|lựa chọn|vận động|phân công|chuẩn bị|tổng hợp|thống kê|trả lời|tiếp thu|làm rõ|kiện toàn"
)
# Words an agency span starts with (case-insensitive): bodies, groups and office holders.
_AGENCY_START = (
    # OCR slips a mark: "Sơ Công Thương" (a capital follows: "Sơ kết" is no body), "Chỉ cục Hải quan"
    r"(?i:(?:các\s+)?(?:sở|sơ(?=(?-i:\s+[A-ZĐ]))|chỉ cục|văn phòng|công an|ban(?!\s+hành)|báo(?!\s+cáo)|bộ|ubnd|ủy ban|uỷ ban|hđnd|cơ quan|"
    # "các cơ sở y tế/giáo dục" are bodies; "cơ sở dữ liệu/vật chất/hạ tầng" are things
    r"(?<=các\s)cơ sở(?!\s+(?:dữ liệu|vật chất|hạ tầng|pháp lý))|"
    r"đơn vị|địa phương|giám đốc|chủ tịch|thủ trưởng|trưởng|phó trưởng|tổ trưởng|tổ công tác|trung tâm|đài|"
    r"hội(?!\s+nghị|\s+thảo)|đoàn|thanh tra|cục|chi cục|kho bạc|bảo hiểm|liên đoàn|mặt trận|hội đồng|"
    r"người đứng đầu|doanh nghiệp|bộ chỉ huy|viện|trường(?!\s+hợp)|ngân hàng|công ty|tổng công ty|"
    r"bhxh|ubmttq|mttq|kbnn|xã(?!\s+hội)|phường|huyện|phòng(?!,?\s+(?:chống|ngừa|tránh))|khoa(?!\s+học)|vụ(?!\s+việc)|"
    r"bệnh viện|tòa án|tỉnh ủy|tỉnh uỷ|huyện ủy|huyện uỷ|tỉnh đoàn|đồng chí|"
    r"sinh viên|giảng viên|giáo viên|bộ phận|lực lượng|chủ đầu tư|nhà trường|tiểu ban|"
    r"lãnh đạo(?=\s+(?:các\s+)?(?:sở|ban|bộ|cơ quan|đơn vị|ubnd|ủy ban|uỷ ban|phòng|địa phương|ngành))))\b"
)
_AGENCY_START_RE = re.compile(_AGENCY_START)
# A colon ends the span, except after a plural head that it opens a list of names for: "Giao các Sở: Tài
# chính, Xây dựng chủ trì …" names two bodies. A semicolon ends it unless another body follows: "Đề nghị
# Tòa án nhân dân tỉnh; Viện kiểm sát nhân dân tỉnh: …" asks both.
_SPAN_END = (
    rf"(?=\s+(?:{_VERBS})\b|(?<!các [Ss]ở)(?<!các [Bb]ộ)\s*:|\s*;(?!\s*{_AGENCY_START})|\s*\(|\s*$)"
)

_GIAO = re.compile(rf"^(?:Đồng thời,\s*)?[Gg]iao\s+(?:cho\s+)?(?P<agency>.+?){_SPAN_END}")
# "Đề xuất HĐND tỉnh, UBND tỉnh …" proposes to its object: the one who proposes is the actor (inherited
# from the heading), the body after "Đề xuất" is the addressee, never the lead.
_ASK = re.compile(rf"^(?:Đề nghị|Yêu cầu)\s+(?P<agency>{_AGENCY_START}.+?){_SPAN_END}")
# The subject span never runs over an assigning verb: in "UBND tỉnh yêu cầu các sở … tập trung …" the
# subject is the issuer and the actor is the object of "yêu cầu" (``ask_inside``); nor over a mark of
# aspect: "Sở Nội vụ đã chủ động …" reports what was done, it assigns nothing.
_SUBJECT = re.compile(
    rf"^(?P<agency>{_AGENCY_START}(?:(?!\s(?:yêu cầu|đề nghị|giao|kính mời|mời|đã|đang|vừa|chưa)\s).){{0,160}}?)"
    rf"\s+(?=(?:chủ trì|có trách nhiệm|chịu trách nhiệm|phối hợp|"
    r"thực hiện|khẩn trương|tiếp tục|chủ động|tham mưu|đưa|hướng dẫn|theo dõi|chỉ đạo|tập trung|"
    r"tổ chức|triển khai|xây dựng|rà soát|căn cứ|theo chức năng|tăng cường|đẩy mạnh|phải|cần|"
    r"trực tiếp|có kế hoạch|quán triệt|tổng hợp|nghiên cứu|chuẩn bị|cử|gửi|báo cáo|hoàn thành|bố trí|"
    r"kịp thời|nghiêm túc|quan tâm|làm đầu mối|là đầu mối|ưu tiên|huy động|kiểm tra|"
    rf"{_VERBS})\b)"
)
# The co span may name a system in passing ("các bộ, ngành chủ quản hệ thống thông tin giải quyết thủ tục
# hành chính (TTHC), Cổng dịch vụ công quốc gia để …"), so it ends at fewer verbs and not at "(".
_CO_VERBS = "|".join(
    v for v in _VERBS.replace(_IN + "|", "").split("|") if v not in {"giải quyết", "theo", "cung cấp"}
)
_CO = re.compile(
    rf"[Pp]hối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+(?P<agency>{_AGENCY_START}.+?)"
    rf"(?=\s+(?:{_CO_VERBS})\b|,\s+(?:giải quyết|trong|theo)\b|\s*[:;.]|\s*$)"
)
# "(Sở Nội vụ)" closing an enumerated item "(1) … (Sở Nội vụ); (2) …".
_PAREN_AGENCY = re.compile(rf"\((?P<agency>{_AGENCY_START}[^()]{{0,120}})\)")
_ENUM_ITEM = re.compile(r"\(\d{1,2}\)\s")
_HEADING_PREFIX = re.compile(r"^(?i:Trách nhiệm của|Nhiệm vụ của|Đối với)\s+")
# "Sở KH&CN - Cơ quan thường trực …": a role after a dash; "Phòng Kế hoạch - Tài chính" keeps its dash.
_HEADING_SUFFIX = re.compile(
    r"\s+[-–]\s+(?=(?i:cơ quan|thường trực|đơn vị|đầu mối|cơ quan thường trực)\b).*$|\s*:$"
)


def _tidy(span: str) -> str:
    return span.strip(" ,;:.-–")


# "… Chủ tịch UBND tỉnh giao Sở X chủ trì …", "(giao Ban Dân tộc tỉnh thông báo)": an assignment inside a
# sentence. "được giao", "đã giao", "nhiệm vụ giao", "bàn giao" describe an assignment made elsewhere.
_GIAO_INSIDE = re.compile(
    rf"(?<![Đđ]ược )(?<!đã )(?<!đang )(?<!vụ )(?<!bàn )(?<!chuyển )\b[Gg]iao\s+(?:cho\s+)?"
    rf"(?P<agency>{_AGENCY_START}.+?){_SPAN_END}"
)
# "Giám đốc Sở Y tế yêu cầu Thủ trưởng …", "Bộ GDĐT đề nghị các Sở GDĐT chỉ đạo …", "Mời BHXH tỉnh cử …".
_ASK_INSIDE = re.compile(
    rf"(?:^|\s)(?:[Yy]êu cầu|[Đđ]ề nghị|[Mm]ời)\s+(?P<agency>{_AGENCY_START}.+?){_SPAN_END}"
)
# "… – Trường THPT Cao Lãnh 2 thực hiện.": the actor named after the task, behind a dash.
_TRAILING_ACTOR = re.compile(
    rf"\s[-–—]\s*(?P<agency>{_AGENCY_START}[^-–—]{{2,90}}?)\s+(?:hỗ trợ\s+|phối hợp\s+|chủ trì\s+)?thực hiện\s*[.;]?$"
)


def giao_inside(text: str) -> str | None:
    """The agency of an assignment made inside a sentence: "…, Chủ tịch UBND tỉnh giao Sở X chủ trì …"."""
    m = _GIAO_INSIDE.search(text)
    return _tidy(m.group("agency")) if m else None


def assignment_clause(text: str) -> str:
    """The clause that carries an in-sentence assignment, from its subject on.

    "Theo đề nghị của Bộ …, Chủ tịch UBND tỉnh giao Sở X chủ trì …" -> "Chủ tịch UBND tỉnh giao Sở X chủ
    trì …": the preamble before the last comma ahead of "giao" says why, not what.
    """
    m = _GIAO_INSIDE.search(text)
    if m is None:
        return text
    cut = text.rfind(", ", 0, m.start())
    if cut < 0 or m.start() - cut > 60:
        return text
    return text[cut + 2 :]


def ask_inside(text: str) -> str | None:
    """The addressee of "X yêu cầu/đề nghị/mời Y …" within the first clause of a paragraph."""
    m = _ASK_INSIDE.search(text[:300])
    return _tidy(m.group("agency")) if m else None


def trailing_actor(text: str) -> str | None:
    """ "Phân tích đề thi … – Trường THPT Cao Lãnh 2 thực hiện." -> "Trường THPT Cao Lãnh 2"."""
    m = _TRAILING_ACTOR.search(text)
    return _tidy(m.group("agency")) if m else None


def giao_lead(text: str) -> str | None:
    """The agency of "Giao X chủ trì …" / "Giao X:" / "Giao X căn cứ …" at the start of a sentence.

    >>> giao_lead("Giao Sở Khoa học và Công nghệ chủ trì:")
    'Sở Khoa học và Công nghệ'
    """
    m = _GIAO.match(text)
    return _tidy(m.group("agency")) if m else None


def ask_lead(text: str) -> str | None:
    """The addressee of "Đề nghị X …" / "Yêu cầu X …" ("Yêu cầu các sở, ban, ngành nghiên cứu …")."""
    m = _ASK.match(text)
    return _tidy(m.group("agency")) if m else None


# OCR slips a mark as often as not ("thành phô trực tiêp chỉ đạo"): the subject pattern is also tried on
# the bare text, where a misread mark cannot hide the verb.
_SUBJECT_BARE = re.compile(strip_marks(_SUBJECT.pattern))


# "X chỉ đạo lực lượng … và đề nghị Y:": the subject acts and asks a second body in the same lead-in;
# both carry the items below. Looked for in the first clause only (up to its colon or full stop).
_AND_ASK = re.compile(rf"\svà\s+(?:đề nghị|yêu cầu|mời)\s+(?P<agency>{_AGENCY_START}[^:.;]+?){_SPAN_END}")
_FIRST_CLAUSE = re.compile(r"^[^:.;]*")


def subject_lead(text: str) -> str | None:
    """The agency a directive starts with: "Sở Nội vụ chủ trì, phối hợp …" -> "Sở Nội vụ"; with the body
    it also asks when the clause goes on "… và đề nghị Y": "X chỉ đạo … và đề nghị Y:" -> "X; Y"."""
    bare = _SUBJECT_BARE.match(strip_marks(text)) if _AGENCY_START_RE.match(text) else None  # "bảo" is no "báo"
    ends = [m.end("agency") for m in (_SUBJECT.match(text), bare) if m]
    if not ends:
        return None
    subject = _tidy(text[: min(ends)])  # the earlier verb ends the subject
    asked = _AND_ASK.search(_FIRST_CLAUSE.match(text).group(0) + ":", min(ends))
    return f"{subject}; {_tidy(asked.group('agency'))}" if asked and subject else subject


def co_agencies(text: str) -> str | None:
    """Bodies named after "phối hợp (chặt chẽ) (với) …", joined with "; " when there are several."""
    found = [_tidy(m.group("agency")) for m in _CO.finditer(text)]
    found = [f for f in found if f]
    return "; ".join(dict.fromkeys(found)) or None


def enumerated_leads(text: str) -> str | None:
    """Leads of an inline enumeration "(1) … (Sở Nội vụ); (2) … (Sở Tài chính)" -> "Sở Nội vụ; Sở Tài chính"."""
    if len(_ENUM_ITEM.findall(text)) < 2:
        return None
    found = [_tidy(m.group("agency")) for m in _PAREN_AGENCY.finditer(text)]
    return "; ".join(dict.fromkeys(found)) if len(found) >= 2 else None


def heading_lead(heading: str) -> str | None:
    """A heading that names who is responsible: "Sở Khoa học và Công nghệ - Cơ quan thường trực …",
    "Giám đốc các sở, ban, ngành, Chủ tịch UBND các xã, phường", "Trách nhiệm của các sở, ban, ngành".

    Returns the agency part, or None for a topic heading ("Về cải cách thể chế", "Mục tiêu").
    """
    head = _HEADING_PREFIX.sub("", heading.strip())
    if not _AGENCY_START_RE.match(head) or len(head) > 160:
        return None
    head = _HEADING_SUFFIX.sub("", head)
    if re.search(rf"\s(?:{_VERBS})\b", head):
        return None
    return _tidy(head) or None


def looks_like_agency(text: str) -> bool:
    return bool(_AGENCY_START_RE.match(text.strip()))
