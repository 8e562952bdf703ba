"""Vietnamese OCR confusions that are certain from the context, fixed before anyone reads the text.

Only unambiguous repairs live here: "Quý 11/2026" (there is no eleventh quarter) becomes "Quý II/2026",
"hãng năm" becomes "hằng năm", a letter O between digits of a date becomes 0. Snapping agency names and
deadline phrases to the known vocabulary is the normalisers' job (``parsers.normalisers.agency``,
``parsers.normalisers.deadline``): they see the raw text and keep it beside the canonical value.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

from models.text import strip_marks
from parsers.normalisers.text import nfc

# Roman quarter numerals read as digits, l, | or H: "Quý 11", "Quý Il", "Quý lV", "Quý H".
_QUARTER = re.compile(r"\b(Quý|quý|QUÝ)(\s+)([1Il|HÏÌÍ]{2,3}|[1Il|ÏÌÍ]?V|[Il|HÏÌÍ])(?=\s*(?:[/.\-]|năm|\b))")
_ROMAN_OK = {"I", "II", "III", "IV"}
# "hãng năm/quý/tháng/tuần/ngày" is always "hằng …" in these documents.
_HANG = re.compile(r"\b([Hh])ãng(?=\s+(?:năm|quý|tháng|tuần|ngày|kỳ)\b)")
# A date or a year with a letter O among its digits: "3O/6/2O26", "2O26".
_DATE_LIKE = re.compile(
    r"\b[0-9Oo]{1,2}/[0-9Oo]{1,2}/[0-9Oo]{4}\b|\b[0-9Oo]{1,2}/[0-9Oo]{4}\b|\b2[Oo0][0-9Oo]{2}\b"
)


# "Ø" (slashed zero of the typewriter-like fonts in stamps and dates) next to a digit is a 0: "Ø3 tháng 02".
_SLASHED_ZERO = re.compile(r"Ø(?=\d)|(?<=\d)Ø")


def _roman(m: re.Match[str]) -> str:
    token = re.sub("[1l|ÏÌÍ]", "I", m.group(3))
    # bold "II" fuses into "H"; "HH" is a doubled reading of the same "II"
    for roman in (token.replace("H", "II"), token.replace("H", "I")):
        if roman in _ROMAN_OK:
            return f"{m.group(1)}{m.group(2)}{roman}"
    return m.group(0)


# A list of quarters before a year: "Quý II, H1/2012" (= "Quý II, III/2012"), "Quý TV/2012" (= IV).
_QUARTER_LIST = re.compile(
    r"\b(Quý|quý|QUÝ)(\s+)([1Il|HÏÌÍTV]{1,4}(?:\s*,\s*[1Il|HÏÌÍTV]{1,4})*)(?=\s*(?:[/.\-]|năm\b))"
)


def _roman_token(token: str) -> str | None:
    token = re.sub("[1l|ÏÌÍ]", "I", token)
    token = re.sub("T(?=V)", "I", token)
    for roman in (token.replace("H", "II"), token.replace("H", "I")):
        if roman in _ROMAN_OK:
            return roman
    return None


def _quarter_list(m: re.Match[str]) -> str:
    parts = re.split(r"(\s*,\s*)", m.group(3))
    if len(parts) == 1 and "T" not in parts[0]:
        return m.group(0)  # one quarter: _QUARTER's rules ("Quý 1/2026" is an Arabic 1)
    fixed = [_roman_token(t) if i % 2 == 0 else t for i, t in enumerate(parts)]
    if any(f is None for f in fixed):
        return m.group(0)
    return m.group(1) + m.group(2) + "".join(f or "" for f in fixed)


def _digits(m: re.Match[str]) -> str:
    token = m.group(0)
    if sum(ch.isdigit() for ch in token) < 2:
        return token
    return token.replace("O", "0").replace("o", "0")


# A whole cell that is a Roman numeral misread: bold "II" fuses into "H", "III" into "IH"/"HI", I into l/1/|.
_ROMAN_CELL = re.compile(r"^([IVXHl1|]{1,5})([.)]?)$")
_ROMAN_VALID = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")


def fix_roman_cell(text: str) -> str:
    """Repair a cell holding only a section numeral ("H" → "II", "IH" → "III", "1V" → "IV").

    Digit-only cells ("11") are task numbers and stay; the result must be a valid numeral, else the
    text is returned as read.

    >>> [fix_roman_cell(t) for t in ["H", "IH", "1V.", "11", "Vl", "Ha", "|"]]
    ['II', 'III', 'IV.', '11', 'VI', 'Ha', 'I']
    """
    m = _ROMAN_CELL.match(text.strip())
    if not m or m.group(1).isdigit() or m.group(1) == "l":  # a lone "l" may be a "1" as well
        return text
    roman = m.group(1).replace("H", "II").replace("l", "I").replace("1", "I").replace("|", "I")
    if not roman or not _ROMAN_VALID.match(roman):
        return text
    return roman + m.group(2)


# An annex title's numeral, alone after "Phụ lục" on its line: "Phụ lục H" is "Phụ lục II" (same fusion
# as a section cell); an Arabic "Phụ lục 1" stays.
_ANNEX = re.compile(r"\b(Phụ lục|Phụ Lục|PHỤ LỤC)(\s+)([IVXHl1|]{1,5})(?=\s*$|\s*[:.,;(\-–])", re.MULTILINE)


# --- upper-case headings ----------------------------------------------------------------------------------
# Tesseract's ``vie`` model reads the tone marks of bold capitals worst: the hook above becomes an acute
# ("CHỈ" -> "CHÍ", "TỔ" -> "TỐ", "ĐẨY" -> "ĐẤY", "TRIỂN" -> "TRIẾN"), a grave or an acute is dropped
# ("ĐIỀU" -> "ĐIÊU", "THỐNG" -> "THÔNG"), a mark is read twice as a second vowel ("TRUYỀN" -> "TRUYÊỀN"),
# or every mark is lost ("PHỤ LỤC" -> "PHU LUC"). Each misread is a real syllable, so a word alone cannot
# be repaired; a pair can: "CHÍ ĐẠO" is no Vietnamese pair, "CHỈ ĐẠO" is. The pairs below are the common
# words of administrative headings (section titles of plans and annexes, letterheads), not any one
# document's. A word of an upper-case run is replaced only by a word with the same letters and vowel hats
# (tone marks may differ; a word read with no mark at all may take any), that makes a known pair with a
# neighbour as read, when the word as read makes none, and when exactly one replacement fits.
_HEADING_PHRASES = """
phụ lục; danh mục; biểu mẫu; cộng hòa xã hội chủ nghĩa việt nam; độc lập tự do hạnh phúc; ủy ban nhân dân;
hội đồng nhân dân; ban chỉ đạo; ban chấp hành; văn phòng; kế hoạch; quyết định; chỉ thị; thông báo;
kết luận; công văn; tờ trình; báo cáo; chương trình; đề án; dự án; hướng dẫn; nghị quyết; nghị định;
công tác chỉ đạo điều hành; chỉ đạo điều hành; tổ chức thực hiện; tổ chức bộ máy; triển khai thực hiện;
mục đích yêu cầu; mục tiêu; nội dung; nhiệm vụ trọng tâm; nhiệm vụ giải pháp; nhiệm vụ chủ yếu;
giải pháp thực hiện; phân công nhiệm vụ; trách nhiệm thực hiện; kinh phí thực hiện; điều khoản thi hành;
tuyên truyền; nâng cao nhận thức; hoàn thiện thể chế chính sách; cơ chế chính sách;
đẩy mạnh; thúc đẩy mạnh mẽ; tăng cường; đầu tư; hoàn thiện hạ tầng; phát triển; đảm bảo; bảo đảm;
chuyển đổi số; kinh tế số; xã hội số; chính quyền số; chính quyền điện tử; hệ thống chính trị;
hệ thống thông tin; khoa học công nghệ; đổi mới sáng tạo; công nghệ thông tin; dữ liệu; cơ sở dữ liệu;
dịch vụ công trực tuyến; thủ tục hành chính; cải cách hành chính; hành chính công; quản lý nhà nước;
nguồn lực; nhân lực chất lượng cao; thu hút nhân tài; an ninh mạng; an toàn thông tin; an ninh trật tự;
hợp tác quốc tế; hội nhập quốc tế; kiểm tra giám sát; thanh tra; đánh giá; sơ kết tổng kết;
thi đua khen thưởng; chế độ báo cáo; doanh nghiệp; hoạt động; cán bộ công chức viên chức;
đơn vị sự nghiệp; phòng chống tham nhũng lãng phí tiêu cực; giáo dục đào tạo; y tế; văn hóa thể thao du lịch;
nông nghiệp môi trường; tài nguyên môi trường; tài chính ngân sách; kinh tế xã hội; quốc phòng an ninh;
lãnh đạo; đảng bộ; mặt trận tổ quốc; đoàn thể; các cơ quan đơn vị địa phương; sở ban ngành
"""
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # grave, acute, tilde, hook above, dot below


def _without_tones(word: str) -> str:
    """NFD without tone marks (hats kept as combining characters)."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if c not in _TONES)


def _has_tone(char: str) -> bool:
    return any(c in _TONES for c in unicodedata.normalize("NFD", char))


_bare = strip_marks  # letters only: every mark and hat gone, đ -> d


def _known_pairs() -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
    pairs: set[tuple[str, str]] = set()
    for phrase in _HEADING_PHRASES.replace("\n", " ").split(";"):
        words = phrase.split()
        pairs.update(itertools.pairwise(words))
    vocabulary: dict[str, set[str]] = {}
    for word in {w for pair in pairs for w in pair}:
        vocabulary.setdefault(_bare(word), set()).add(word)
    return pairs, vocabulary


_PAIRS, _BY_LETTERS = _known_pairs()
_WORD = re.compile(r"([^\W\d_]+)")
_RUN_GAP = re.compile(r"^[ ,\n]+$")  # what may separate two words of one heading run


def _fits(read: str, word: str) -> bool:
    """Could ``word`` (lower case) have been read as ``read`` (lower case)? The same letters and vowel
    hats with any tones, or any marks at all when none was read. A hat read differently is left as read:
    "THẺ CHẾ" is kept, as a source may print it so."""
    if read == _bare(read):
        return _bare(word) == read
    return _without_tones(word) == _without_tones(read)


def _collapse_doubled(word: str) -> str:
    """"TRUYÊỀN" -> "TRUYỀN", "ĐIÊỀU" -> "ĐIỀU": two adjacent vowels of one base letter (A, E, I, Y) are one
    vowel read twice; the one with a tone is kept (the first when both have one)."""
    chars = list(word)
    i = 0
    while i < len(chars) - 1:
        a, b = chars[i], chars[i + 1]
        base_a, base_b = _bare(a), _bare(b)
        marked = a != base_a or b != base_b  # "II" (a numeral) has no mark and stays
        if base_a == base_b and base_a in "AEIY" and a.isupper() and b.isupper() and marked:
            tone_a, tone_b = _has_tone(a), _has_tone(b)
            keep = a if tone_a or not tone_b else b
            chars[i : i + 2] = [keep]
            continue
        i += 1
    return "".join(chars)


def _fix_run(run: list[str]) -> list[str]:
    words = [_collapse_doubled(t) for t in run]
    low = [w.lower() for w in words]
    for _ in range(3):
        changed = False
        for i, w in enumerate(low):
            prev = low[i - 1] if i > 0 else None
            nxt = low[i + 1] if i + 1 < len(low) else None
            if (prev, w) in _PAIRS or (w, nxt) in _PAIRS:
                continue
            fits = {
                v
                for v in _BY_LETTERS.get(_bare(w), ())
                if v != w and _fits(w, v) and ((prev, v) in _PAIRS or (v, nxt) in _PAIRS)
            }
            if len(fits) == 1:
                low[i] = fits.pop()
                changed = True
        for i in range(len(low) - 1):  # both words of a pair misread: "CHUYẾN ĐỐI" -> "CHUYỂN ĐỔI"
            a, b = low[i], low[i + 1]
            if (a, b) in _PAIRS or any((low[i - 1], a) in _PAIRS for _ in [0] if i > 0):
                continue
            if i + 2 < len(low) and (b, low[i + 2]) in _PAIRS:
                continue
            fits2 = {
                (x, y)
                for x in _BY_LETTERS.get(_bare(a), ())
                for y in _BY_LETTERS.get(_bare(b), ())
                if (x, y) in _PAIRS and _fits(a, x) and _fits(b, y)
            }
            if len(fits2) == 1:
                low[i], low[i + 1] = fits2.pop()
                changed = True
        if not changed:
            break
    return [v.upper() if v != w.lower() else w for v, w in zip(low, words, strict=True)]


def fix_heading_words(text: str) -> str:
    """Repair the tone marks of upper-case words read wrong, by the word pairs of administrative headings.

    >>> fix_heading_words("CÔNG TÁC CHÍ ĐẠO, ĐIÊU HÀNH, TỐ CHỨC THỰC HIỆN")
    'CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH, TỔ CHỨC THỰC HIỆN'
    >>> fix_heading_words("PHU LUC I")
    'PHỤ LỤC I'
    """
    parts = _WORD.split(text)  # words at odd positions
    i = 1
    while i < len(parts):
        j = i
        while j + 2 < len(parts) and parts[j].isupper() and _RUN_GAP.match(parts[j + 1]) and parts[j + 2].isupper():
            j += 2
        if j > i and parts[i].isupper():
            parts[i : j + 1 : 2] = _fix_run(parts[i : j + 1 : 2])
        i = j + 2
    return "".join(parts)


# "Trướcn gày": the space of "Trước ngày" read one letter early ("gày" is no syllable).
_NGAY_SPLIT = re.compile(r"(?<=\w)n g(ày|ay)\b")


def clean_ocr_text(text: str) -> str:
    """NFC plus the certain confusions above; everything else is left as tesseract read it.

    >>> clean_ocr_text("Quý 11/2026; hãng năm; trước 3O/6/2O26")
    'Quý II/2026; hằng năm; trước 30/6/2026'
    >>> clean_ocr_text("Phụ lục H")
    'Phụ lục II'
    """
    text = nfc(text).replace("\u2044", "/")  # tesseract reads "/" as the fraction slash "⁄"
    text = fix_heading_words(text)
    text = _NGAY_SPLIT.sub(lambda m: " ng" + m.group(1), text)
    text = _QUARTER.sub(_roman, text)
    text = _QUARTER_LIST.sub(_quarter_list, text)
    text = _ANNEX.sub(lambda m: m.group(1) + m.group(2) + fix_roman_cell(m.group(3)), text)
    text = _HANG.sub(lambda m: m.group(1) + "ằng", text)
    text = _SLASHED_ZERO.sub("0", text)
    return _DATE_LIKE.sub(_digits, text)
