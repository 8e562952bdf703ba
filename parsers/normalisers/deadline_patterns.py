"""Regular expressions for deadline phrases, compiled once, matched against a diacritic-free key.

Why a diacritic-free key: scanned documents damage tone marks far more often than letters ("Quỷ II",
"hãng tháng", "thưởng xuyên", "thảng 6"). Matching on the skeleton of ``parsers.normalisers.text.fold`` ("quy ii",
"hang thang", "thuong xuyen", "thang 6") makes every such spelling one pattern. The skeleton is built
character by character so that an offset in the key is the same offset in the printed text, which lets
a milestone carry its clause exactly as printed.

Why plain ``re`` and not a spaCy Matcher: the phrases are short, closed-class and digit-heavy; token
patterns would need the same character classes plus a tokenizer that splits "30/6/2026" differently per
model. Precompiled regexes are faster (microseconds per cell) and carry no model dependency.
"""

import re

from models.text import strip_marks

# --- the matching key ----------------------------------------------------------------------------------


def _skeleton_char(char: str) -> str:
    return strip_marks(char).lower()


# Latin letters with diacritics (Latin-1, Latin Extended-A/B, Latin Extended Additional = Vietnamese) map
# to their lower-case base letter; dashes map to "-". Every value is one character: offsets are kept.
SKELETON = {
    cp: _skeleton_char(chr(cp)) for cp in (*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00))
}
SKELETON.update({ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"})
assert all(len(v) == 1 for v in SKELETON.values())

# Digits that OCR read as letters inside a number: "3O/6/2026", "2O26", "3l/12" (O -> 0, l -> 1).
OCR_DIGITS = re.compile(r"(?<![a-z0-9])[0-9ol]*[0-9][0-9ol]*(?![a-z0-9])")
# Markup some upstream texts carry ("<i>…</i>", "**…**"); not printed, so not part of the phrase.
MARKUP = re.compile(r"</?(?:i|b|p|em|strong|u|span|br)\b[^>]*>|\*\*", re.IGNORECASE)

# --- building blocks -------------------------------------------------------------------------------------

SEP = r"\s*[/.\-]\s*"
Y = r"(?P<y>(?:19|20)\d\d)(?!\d)"
YW = r"(?P<yw>(?:19|20)\d\d)(?!\d)"  # the same year in a second alternative (group names are unique)
D = r"(?P<d>[0-3]?\d)(?!\d)"
M = r"(?P<m>[01]?\d)(?!\d)"
NEXT = r"(?P<next>\s+(?:cua\s+)?nam\s+(?:sau|toi|tiep\s+theo|ke\s+tiep))"
THIS = r"(?P<this>\s+(?:cua\s+)?nam\s+nay)"
# What may follow a month or quarter number: "/2026", "-2026", " năm 2026", ", năm 2026", "năm sau", "năm nay".
YEAR_TAIL = rf"(?:{SEP}{Y}|\s*,?\s*nam\s+{YW}|{NEXT}|{THIS})?"
# A quarter number, Roman or Arabic, with OCR confusions of I (l, 1, |): "II", "Il", "11", "2".
Q = r"(?:iv|[il1|]v|[il1|]{1,3}|[2-4])(?![a-z0-9])"
QUARTER_WORD = r"qu[yi]"
# Any date spelling, used where a date must be recognised in order to ignore it.
DATE_ANY = (
    r"(?:[0-3]?\d\s*[/.\-]\s*[01]?\d(?:\s*[/.\-]\s*(?:19|20)\d\d)?"
    r"|[0-3]?\d\s+thang\s+[01]?\d(?:\s*,?\s*nam\s+(?:19|20)\d\d)?)(?!\d)"
)
# A document number: "07-KH/BCĐ", "1441/QĐ-UBND", "04/2025/NQ-CP", "15 /KH-BCD" (key form, lower case).
DOC_NUMBER = r"(?<![a-z0-9])\d+(?:[/\-.][0-9a-z]+)*\s*/\s*[a-z][a-z0-9\-]*(?:/[a-z0-9\-]+)*"
DOC_KIND = (
    r"(?:ke\s+hoach|quyet\s+dinh|nghi\s+quyet|nghi\s+dinh|thong\s+bao|cong\s+van|chi\s+thi|ket\s+luan"
    r"|thong\s+tu|luat|van\s+ban|bao\s+cao\s+so|to\s+trinh|chuong\s+trinh\s+so|huong\s+dan\s+so)"
)
# Up to 8 words that are not deadline cues, between a document or event and its "ngày …".
GAP = r"(?:\s+(?!(?:truoc|cham|muon|den|han|hoan|xong|trong|dip|vao)\b)[a-z0-9\-/.()]+){0,8}?"
EVENT = (
    r"(?:hoi\s+nghi|phien\s+hop|cuoc\s+hop|ky\s+hop|buoi\s+lam\s+viec|hoi\s+thao|dien\s+dan"
    r"|le\s+(?:ky\s+niem|khai\s+mac|ra\s+mat|phat\s+dong)|su\s+kien)"
)


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# --- dates that are never deadlines (masked before any step is looked for) ------------------------------

NON_DEADLINE = [
    # cited documents: "Kế hoạch số 07-KH/BCĐ, ngày 10/4/2026", "Thông báo kết luận ngày 29/5/2026"
    _c(rf"(?:{DOC_NUMBER}|{DOC_KIND}){GAP}\s*,?\s+(?:(?:ban\s+hanh|ky)\s+)?ngay\s+{DATE_ANY}"),
    # effective and start dates: "có hiệu lực kể từ ngày 01/7/2026", "từ ngày 1/3/2026 (đến …)"
    _c(
        rf"(?<![a-z])(?:(?:co\s+)?hieu\s+luc(?:\s+thi\s+hanh)?(?:\s+(?:ke\s+)?tu)?|ke\s+tu|bat\s+dau\s+tu"
        rf"|tu)\s+(?:ngay\s+)?{DATE_ANY}"
    ),
    # issue and event dates: "ban hành ngày 12/3/2026", "tại Hội nghị ngày 15/3/2026"
    _c(rf"(?<![a-z])(?:(?:ban\s+hanh|ky)\s+ngay|{EVENT}{GAP}\s*,?\s+(?:vao\s+)?ngay)\s+{DATE_ANY}"),
    # document numbers themselves, so that "04/2025" in "04/2025/NQ-CP" is not a month
    _c(DOC_NUMBER),
    # other tasks described by their deadline: "các nhiệm vụ có thời hạn hoàn thành trong tháng 6/2026"
    _c(r"(?<![a-z])co\s+(?:thoi\s+)?han(?:\s+hoan\s+thanh)?\s+(?:trong|truoc|vao|den)\b[^;,(]*"),
]

# --- recurrences (matched before dated steps, whose numbers they contain) -------------------------------

HANG = r"(?:hang|moi)"
DK = r"(?<![a-z])(?:dinh\s+ky\s+)?"  # "định kỳ hằng tháng" is one phrase
RECURRING: list[tuple[str, re.Pattern[str]]] = [
    # "trước ngày 25 hằng tháng", "ngày 05 của tháng tiếp theo"
    (
        "monthly",
        _c(rf"ngay\s+\d{{1,2}}\s+(?:cua\s+)?(?:{HANG}\s+thang|thang\s+(?:sau|tiep\s+theo|ke\s+tiep|toi))"),
    ),
    ("quarterly", _c(r"ngay\s+\d{1,2}\s+(?:cua\s+)?thang\s+cuoi\s+(?:moi\s+|hang\s+)?quy")),
    # "trong tháng 01 hằng năm", "trước ngày 15/12 hằng năm", "Quý IV hằng năm"
    (
        "yearly",
        _c(
            rf"(?:thang\s+\d{{1,2}}|ngay\s+\d{{1,2}}(?:\s*[/.\-]\s*\d{{1,2}}|\s+thang\s+\d{{1,2}})?"
            rf"|{QUARTER_WORD}\s+{Q})\s+(?:cua\s+)?{HANG}\s+nam"
        ),
    ),
    ("weekly", _c(rf"{DK}{HANG}\s+tuan|dinh\s+ky\s+(?:hang\s+)?tuan")),
    ("monthly", _c(rf"{DK}{HANG}\s+thang|dinh\s+ky\s+(?:0?1|mot)\s+thang")),
    (
        "quarterly",
        _c(
            rf"{DK}{HANG}\s+{QUARTER_WORD}(?![a-z])|dinh\s+ky\s+(?:0?3|ba)\s+thang"
            rf"|(?<![a-z])theo\s+{QUARTER_WORD}(?![a-z])(?!\s+(?:dinh|che|hoach|trinh|pham|mo|{Q}))"
        ),
    ),
    (
        "half_yearly",
        _c(rf"(?:dinh\s+ky|{HANG})\s+(?:0?6|sau)\s+thang|(?:0?6|sau)\s+thang\s+(?:mot|01|1)\s+lan"),
    ),
    ("yearly", _c(rf"{DK}{HANG}\s+nam(?![a-z])|dinh\s+ky\s+(?:hang\s+)?nam")),
    ("on_request", _c(r"theo\s+(?:thoi\s+gian\s+)?yeu\s+cau|khi\s+co\s+yeu\s+cau|dot\s+xuat")),
    (None, _c(r"dinh\s+ky")),  # "Định kỳ" with no rhythm: recurring, rhythm unknown
]

ONGOING = _c(r"(?<![a-z])thuong\s+xuyen|lien\s+tuc|hang\s+ngay|moi\s+ngay")

# Deadlines by reference: the time is set by another document ("theo các mốc thời gian tại Quyết định …").
REF_TIME = _c(
    rf"theo\s+(?:cac\s+)?(?:moc\s+thoi\s+gian|thoi\s+gian(?:\s+chi\s+dao|\s+quy\s+dinh)?|thoi\s+han|tien\s+do"
    rf"|lo\s+trinh)\s+(?:(?:da\s+)?(?:duoc\s+)?(?:quy\s+dinh|neu|giao|chi\s+dao|de\s+ra|ghi)\s+)?"
    rf"(?:tai|cua|trong|theo)\s+(?:{DOC_KIND}|dieu\s+\d+|khoan\s+\d+|phu\s+luc)"
)
# "Theo Điều 17 Nghị định …" or "Theo Kế hoạch số …" alone in a deadline cell is a deadline by reference.
REF_DOC = _c(rf"theo\s+(?:(?:quy\s+dinh|huong\s+dan)\s+(?:tai|cua)\s+)?(?:{DOC_KIND}|dieu\s+\d+|khoan\s+\d+)")
# A length of time: "20 ngày làm việc", "01 tuần", "một tháng".
SPAN = r"(?:\d+|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi)\s*(?:\(\s*)?(?:ngay|tuan|thang|nam|gio)(?![a-z])"
CONDITIONAL = _c(
    r"(?<![a-z])(?:sau\s+khi|khi\s+co|ngay\s+khi|tuy\s+thuoc|phu\s+thuoc|theo\s+tien\s+do|theo\s+lo\s+trinh"
    r"|theo\s+huong\s+dan|can\s+cu|trong\s+(?:vong|thoi\s+han)\s+\d+\s+(?:ngay|thang|tuan|nam)"
    # relative to an event: "trước khi bảo vệ", "Sau 03 ngày kể từ khi bảo vệ", "tối thiểu là 01 tuần"
    r"|truoc\s+khi|sau\s+" + SPAN + r"(?:\s+lam\s+viec)?\s+(?:ke\s+tu|tu\s+khi|tinh\s+tu|sau\s+khi)"
    r"|(?:toi\s+thieu|it\s+nhat|toi\s+da|khong\s+qua)(?:\s+la)?\s+" + SPAN + r")"
    # a bounded duration with no date: "≤ 20 ngày làm việc" (OCR: "< 20 ngày")
    r"|[≤≥<>]\s*" + SPAN
)

# --- dated steps, in priority order (an earlier pattern claims its span first) -------------------------

# Two dates joined by a dash or "đến": "29/6/2026-09/7/2026", "01/3/2018 – 05/3/2018", "04/08-20/08/2023",
# "Từ ngày 20/02/2023 đến ngày 04/6/2023" (one step, due on its last day). Inside a date only "/" or ".".
DATE_RANGE = _c(
    r"(?:(?<![a-z])tu\s+)?(?:ngay\s+)?(?<![\d/.\-])(?P<d1>[0-3]?\d)\s*[/.]\s*(?P<m1>[01]?\d)"
    r"(?:\s*[/.]\s*(?P<y1>(?:19|20)\d\d))?(?!\d)\s*(?:-|den|toi)\s*(?:het\s+)?(?:ngay\s+)?"
    rf"{D}\s*[/.]\s*{M}(?:\s*[/.]\s*{Y})?(?![/\-]?\d)"
)
# What joins two periods into one range: "Từ quý I/2012 đến hết năm 2012" (the range ends with the last).
RANGE_JOIN = _c(r"^\s*(?:-|den|toi)\s*$")
# What makes a period the start of a standing duty, not its end: "(bắt đầu thực hiện) từ tháng 01/2026".
FROM = _c(r"(?<![a-z])(?:ke\s+)?tu\s*$")
DATE_NUM = _c(rf"(?<![\d/.\-]){D}\s*(?P<sep>[/.\-])\s*{M}\s*(?P=sep)\s*{Y}(?![/\-]\d)")  # one separator
DATE_WORDS = _c(rf"ngay\s+{D}\s+thang\s+{M}(?:\s*,?\s*nam\s+{Y}|{SEP}{YW}|{NEXT}|{THIS})?")
DATE_NO_YEAR = _c(
    rf"(?:^|(?<![a-z])(?:ngay|truoc|den|dip|nhat|la|han|vao))\s*{D}{SEP}{M}(?!\s*[/.\-]\s*\d)(?:{NEXT}|{THIS})?"
)
MONTH_RANGE = _c(
    rf"(?:tu\s+)?thang\s+(?P<m1>[01]?\d)(?!\d)(?:{SEP}(?P<y1>(?:19|20)\d\d))?\s*(?:den|toi|-)\s*(?:het\s+)?"
    rf"(?:thang\s+)?{M}{YEAR_TAIL}"
)
MONTH_LIST = _c(rf"thang\s+(?P<ms>[01]?\d(?!\d)(?:\s*(?:,|va|&)\s*(?:thang\s+)?[01]?\d(?!\d))*){YEAR_TAIL}")
MONTH_BARE = _c(rf"(?<![\d/.\-]){M}{SEP}{Y}(?![/\-]\d)")
QUARTER = _c(
    rf"(?<![a-z]){QUARTER_WORD}\s+(?P<qs>{Q}(?:\s*(?:,|va|&|den|-)\s*(?:{QUARTER_WORD}\s+)?{Q})*){YEAR_TAIL}"
)
QUARTER_TOKEN = _c(Q)
HALF = _c(
    rf"(?:(?:0?6|sau)\s+thang|nua)\s+(?P<h>dau|cuoi)\s+nam(?:\s*,?\s*(?:nam\s+)?{Y}|{SEP}{YW}|{NEXT}|{THIS})?"
)
# "năm học" (a school year) is not a calendar year: "tháng đầu năm học" names no date
NOT_SCHOOL = r"(?!\s+hoc(?![a-z]))"
MID_YEAR = _c(rf"giua\s+nam{NOT_SCHOOL}(?:\s+{Y}|{SEP}{YW}|{NEXT}|{THIS})?")
EARLY_YEAR = _c(rf"(?<![a-z])dau\s+nam{NOT_SCHOOL}(?:\s+{Y}|{NEXT}|{THIS})?")
YEAR_END = _c(rf"(?<![a-z])(?:cuoi|het)\s+nam{NOT_SCHOOL}(?:\s+{Y}|{NEXT}|{THIS})?")
YEAR_RANGE = _c(
    rf"(?:giai\s+doan\s+|tu\s+(?:nam\s+)?|nam\s+)?(?<!\d)(?<!hoc\s)(?P<y1>(?:19|20)\d\d)\s*(?:-|den|toi)\s*(?:nam\s+)?{Y}"
)
YEAR = _c(rf"(?<![a-z])nam\s+(?:{Y}|(?P<word>nay|sau|toi))")
YEAR_ALONE = _c(rf"^\s*{Y}\s*$")
IN_YEAR = _c(rf"(?<![a-z])trong\s+nam(?!\s*\d)(?!\s+(?:sau|toi|nay)){NOT_SCHOOL}")

# --- context around a step -------------------------------------------------------------------------------

BEFORE = _c(r"(?<![a-z])truoc\s*$")  # "trước tháng 7/2026" -> the day before July starts
# Clause boundaries, for the text of each milestone.
CLAUSE_BREAK = _c(r"[;,()]|\s+va\s+|\s+roi\s+|\.(?=\s|$)|\s-\s")
MONTH_NUMBER = _c(r"[01]?\d")
# Rhythms from most to least frequent: a phrase naming two keeps the more frequent one.
RECURRENCE_RANK = ["weekly", "monthly", "quarterly", "half_yearly", "yearly", "on_request"]
