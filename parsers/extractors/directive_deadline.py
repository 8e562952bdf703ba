"""The deadline phrase inside a directive sentence, as printed (parsing it is ``parsers.normalisers.deadline``'s job).

A directive item mentions many dates; only some are deadlines. Deadlines come after "trước", "chậm
nhất", "hoàn thành … trong", "ngay trong": "báo cáo UBND tỉnh **trước ngày 12/6/2026**", "Hoàn thành
chậm nhất **trong tháng 7/2026**". Not deadlines: dates of cited documents ("Kế hoạch số 51/KH-UBND ngày
12/02/2026"), descriptions of other tasks ("các nhiệm vụ có thời hạn hoàn thành trong tháng 6/2026"),
entry-into-force dates ("có hiệu lực kể từ ngày …") and event dates ("Ngày 22/01/2026, đồng chí … chủ
trì Hội nghị").

Strong phrases (with a deadline word) win over weak ones ("trong năm 2026" alone); among strong phrases
the last one is taken, because Vietnamese items end with their deadline ("…; báo cáo UBND tỉnh trước
ngày 12/6/2026").
"""

import re

# 30/6/2026 · 30/6 · 30-6-2026 · 30.06.2026 (dash and dot only with the year: "2026-2030" is a span of years)
_DATE = (
    r"\d{1,2}\s*[-.]\s*\d{1,2}\s*[-.]\s*\d{4}"
    r"|\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?|\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"
)
_PERIOD = (
    r"tháng\s+\d{1,2}(?:\s*,\s*tháng\s+\d{1,2})*\s*(?:/\s*|-\s*|\s+năm\s+)\d{4}"
    r"|quý\s+[IVX1-4]+\s*(?:/\s*|\s+năm\s+)\d{4}"
    r"|(?:\d+|sáu)\s+tháng\s+(?:đầu|cuối)\s+năm\s+\d{4}"
    r"|năm\s+\d{4}"
)
_RECUR = r"(?:hằng|hàng)\s+(?:tuần|tháng|quý|năm)"
_STRONG = [
    # a span is due on its last day: từ ngày 01/3/2026 đến ngày 30/6/2026 · 29/6/2026-09/7/2026 ·
    # từ quý I/2026 đến hết năm 2026
    rf"(?:từ\s+)?(?:ngày\s+)?(?:{_DATE})\s*(?:đến|[-–—])\s*(?:hết\s+)?(?:ngày\s+)?(?:{_DATE})",
    rf"từ\s+(?:{_PERIOD})\s+đến\s+(?:hết\s+)?(?:{_PERIOD})",
    # báo cáo kết quả trong ngày 30 tháng 4 năm 2026
    rf"trong\s+ngày\s+(?:{_DATE})",
    # trước ngày 15/6/2026 · trước ngày 25 hằng tháng · trước 11h00’ ngày thứ 5 hằng tuần
    rf"trước\s+ngày\s+(?:{_DATE})(?:\s+{_RECUR})?",
    # "báo cáo … trước 30/11/2024" (the date without "ngày")
    rf"trước\s+(?:{_DATE})(?=\s|[.,;)]|$)",
    rf"trước\s+ngày\s+\d{{1,2}}\s+{_RECUR}",
    rf"trước\s+\d{{1,2}}\s*(?:h|giờ)\s*\d{{0,2}}\S*\s+ngày\s+thứ\s+\w+\s+{_RECUR}",
    rf"trước\s+(?:{_PERIOD})",
    # thực hiện hằng năm · báo cáo định kỳ hằng quý (a recurring duty is its own deadline)
    rf"(?:thực hiện|báo cáo|cập nhật)\s+(?:định kỳ\s+)?{_RECUR}",
    # ngay trong năm 2026
    rf"ngay\s+trong\s+(?:{_PERIOD})",
    # chậm nhất là ngày 30/01/2026 · chậm nhất vào ngày 05 hằng tháng
    rf"chậm nhất\s+(?:là\s+)?(?:vào\s+)?(?:ngày\s+)?(?:{_DATE})(?:\s+{_RECUR})?",
    rf"chậm nhất\s+(?:là\s+)?(?:vào\s+)?ngày\s+\d{{1,2}}\s+{_RECUR}",
    # hoàn thành theo thời gian chỉ đạo tại Thông báo số 05-TB/BCĐ (a deadline set elsewhere)
    r"theo\s+(?:thời gian|thời hạn|tiến độ)\s+(?:chỉ đạo|quy định|yêu cầu)?\s*tại\s+.+?(?=[.;,](?:\s|$)|$)",
]
# "trong tháng 7/2026" is strong only after a deadline word.
_STRONG_LEAD = (
    r"(?:hoàn thành|chậm nhất|hoàn tất|xong|báo cáo|trình|ban hành)(?:\s+(?:chậm nhất|là|việc))*\s+"
)
_STRONG_AFTER_LEAD = rf"(?:trong|vào)\s+(?:{_PERIOD})"
_WEAK = [
    rf"trong\s+(?:{_PERIOD})",
    # a recurring duty named by "định kỳ": "Định kỳ hằng tuần (trước 16 giờ ngày thứ Sáu)", "định kỳ sáu
    # tháng", "theo định kỳ 6 tháng, hàng năm hoặc đột xuất"
    rf"(?:theo\s+)?định kỳ\s+(?:{_RECUR}|(?:\d{{1,2}}|sáu|ba)\s+tháng)"
    r"(?:\s*,\s*(?:hằng|hàng|một)\s+năm)?(?:\s+(?:và|hoặc)\s+đột xuất)?(?:\s*\([^)]{0,60}\))?",
    # the start of a standing duty: "bắt đầu thực hiện từ tháng 01/2026"
    r"(?:bắt đầu\s+)?(?:thực hiện\s+)?từ\s+tháng\s+\d{1,2}\s*/\s*\d{4}",
    rf"(?:định kỳ\s+)?{_RECUR}(?:\s+và\s+đột xuất)?(?=\s+(?:báo cáo|cập nhật|tổng hợp))",
]
_STRONG_RE = [re.compile(p, re.IGNORECASE) for p in _STRONG]
_LEAD_RE = re.compile(_STRONG_LEAD + "(?P<phrase>" + _STRONG_AFTER_LEAD + ")", re.IGNORECASE)
_WEAK_RE = [re.compile(p, re.IGNORECASE) for p in _WEAK]
# Context right before a phrase that makes it a description, not this item's deadline.
_NOT_A_DEADLINE_BEFORE = re.compile(
    r"(?:có thời hạn(?:\s+hoàn thành)?|hiệu lực(?:\s+kể)?\s+từ|(?:số|Số)\s+\S+)\s*$", re.IGNORECASE
)
# A bare period after a verb in the passive or an adjective ("triển khai được trong năm 2026").
_NOT_WEAK_BEFORE = re.compile(r"(?:được|khả thi|của|cho)\s*$", re.IGNORECASE)


def _kept(text: str, start: int, weak: bool = False) -> bool:
    before = text[max(0, start - 40) : start]
    return not (_NOT_A_DEADLINE_BEFORE.search(before) or (weak and _NOT_WEAK_BEFORE.search(before)))


def find_deadline_raw(text: str) -> str | None:
    """The deadline phrase of one directive item, as printed, or None.

    >>> find_deadline_raw("…; báo cáo UBND tỉnh trước ngày 12/6/2026.")
    'trước ngày 12/6/2026'
    >>> find_deadline_raw("triển khai các nhiệm vụ có thời hạn hoàn thành trong tháng 6/2026") is None
    True
    """
    strong: list[tuple[int, str]] = []
    for pattern in _STRONG_RE:
        strong += [(m.start(), m.group(0)) for m in pattern.finditer(text) if _kept(text, m.start())]
    for m in _LEAD_RE.finditer(text):
        if _kept(text, m.start()):
            strong.append((m.start("phrase"), m.group("phrase")))
    if strong:
        # the last-starting phrase; at one position the longest
        return max(strong, key=lambda s: (s[0], len(s[1])))[1].strip()
    weak: list[tuple[int, str]] = []
    for pattern in _WEAK_RE:
        weak += [(m.start(), m.group(0)) for m in pattern.finditer(text) if _kept(text, m.start(), weak=True)]
    return min(weak)[1].strip() if weak else None
