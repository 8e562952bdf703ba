"""Document metadata from the layout Nghị định 30/2020/NĐ-CP prescribes: header, title, V/v, signature.

A provincial document prints, top left, its issuing body ("ỦY BAN NHÂN DÂN / TỈNH ĐẮK LẮK", "UBND TỈNH
ĐẮK LẮK / BAN CHỈ ĐẠO") and its number ("Số: 15/KH-BCĐ"); top right the national motto and the place and
date ("Đắk Lắk, ngày 30 tháng 01 năm 2026"); then a type heading ("KẾ HOẠCH") with the subject below it,
or, for a công văn, a "V/v …" line; "Kính gửi:" recipients; at the end "Nơi nhận:" and the signature block
("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Hồ Thị Nguyễn Thảo"). Readers deliver these as lines in reading order,
and OCR or two-column text layers interleave the columns ("UBND TỈNH ĐẮK LẮK CỘNG HÒA XÃ HỘI CHỦ NGHĨA
VIỆT NAM"), so every rule here looks at line *content*, not position.

Canonical issuer names follow the gazetteer's convention of an implied province ("UBND tỉnh",
"Ban Chỉ đạo UBND tỉnh"); ``issuer_raw`` keeps the header as printed.
"""

import re
from dataclasses import dataclass
from datetime import date

from models.document import DocRef, DocumentMeta
from models.page import ParsedFile
from parsers.normalisers.text import clean_cell, fold

VERSION = "metadata.v1"

_HEADER_LINES = 16  # the header block lives in the first lines of page 1
_MOTTO = re.compile(
    r"C[ỘO]NG\s+H[ÒO][AÀ]\s+X[ÃA]\s+H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A(?:\s+VI[ỆE]T(?:\s+NAM)?)?"
    r"|Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc|^NAM$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?:^|\s)S[ốôo]\s*[:.]?\s*(?P<num>(?:~~\d+~~)?\d*\s*[/-]\s*[\w.\-/]+|\d+[\w\-/.]*)")
_DATE_LINE = re.compile(
    r"(?P<place>[A-ZĐÀ-Ỹ][^\d,:;]{1,40}?),\s*ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})"
)
_TYPES = (
    "THÔNG BÁO KẾT LUẬN",
    "KẾ HOẠCH",
    "THÔNG BÁO",
    "QUYẾT ĐỊNH",
    "CHỈ THỊ",
    "BÁO CÁO",
    "TỜ TRÌNH",
    "NGHỊ QUYẾT",
    "CÔNG ĐIỆN",
    "HƯỚNG DẪN",
    "CHƯƠNG TRÌNH",
    "ĐỀ ÁN",
    "QUY CHẾ",
    "QUY ĐỊNH",
    "KẾT LUẬN",
    "GIẤY MỜI",
)
# Symbol codes that name the type when the heading is missing ("15/KH-BCĐ" -> KẾ HOẠCH).
_SYMBOL_TYPES = {
    "KH": "KẾ HOẠCH",
    "TB": "THÔNG BÁO",
    "QĐ": "QUYẾT ĐỊNH",
    "CT": "CHỈ THỊ",
    "BC": "BÁO CÁO",
    "TTR": "TỜ TRÌNH",
    "NQ": "NGHỊ QUYẾT",
    "CĐ": "CÔNG ĐIỆN",
    "HD": "HƯỚNG DẪN",
}
_BODY_START = re.compile(
    r"^(?:Căn cứ|Thực hiện|Kính gửi|Ngày \d|Tiếp tục|Để |Sau khi|Trên cơ sở|Theo |Nhằm|Xét|Vừa qua|Trong |Giao |Yêu cầu |Đề nghị )"
)
_ANNEX_NUMBER = re.compile(
    r"kèm theo\s+(?:Kế hoạch|Quyết định|Thông báo|Công văn|Chỉ thị|Báo cáo)\s+số\s*(?P<num>\d+)\s*/\s*(?P<sym>[\w.\-]+)"
    r"(?:.*?\bcủa\s+(?P<issuer>[^)]+?)\s*\)?\s*$)?",
    re.IGNORECASE,
)
_TITLE_LINE = re.compile(
    r"^(?:(?:KT|TM|TL|TUQ|Q)\.\s*)?(?:PHÓ\s+)?(?:CHỦ TỊCH|TRƯỞNG BAN|GIÁM ĐỐC|CHÁNH VĂN PHÒNG|BAN CHỈ ĐẠO|"
    r"ỦY BAN NHÂN DÂN|UBND|BỘ TRƯỞNG|THỦ TƯỚNG|CỤC TRƯỞNG|TỔ TRƯỞNG|THỦ TRƯỞNG|CHÁNH THANH TRA|"
    r"PHÓ CHÁNH VĂN PHÒNG|TRƯỞNG PHÒNG|BÍ THƯ)\b"
)
_REF_TYPES = (
    "Nghị quyết|Quyết định|Kế hoạch|Công văn|Thông báo|Chỉ thị|Báo cáo|Tờ trình|Nghị định|Thông tư|"
    "Kết luận|Hướng dẫn|Chương trình|Công điện|Luật"
)
_REF_NUM = r"\d+[\w.\-]*(?:/[\w.\-]+)+"
_REF_DATE = r"(?:,\s*)?\s*ngày\s+(?P<date>\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})"
_REF = re.compile(
    rf"(?P<type>{_REF_TYPES})\s+(?:số\s+)?(?P<nums>{_REF_NUM}(?:\s*,\s*{_REF_NUM})*)(?:{_REF_DATE})?"
)
_ISSUER_NAMES = {
    "thủ tướng chính phủ": "Thủ tướng Chính phủ",
    "chính phủ": "Chính phủ",
    "văn phòng chính phủ": "Văn phòng Chính phủ",
}


@dataclass(frozen=True)
class _Line:
    text: str
    page: int
    bold: bool
    centered: bool


def _lines(parsed: ParsedFile) -> list[_Line]:
    return [
        _Line(clean_cell(b.text), b.page, b.bold, b.centered)
        for p in parsed.pages
        for b in p.blocks
        if clean_cell(b.text)
    ]


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _strip_motto(text: str) -> str:
    return clean_cell(_MOTTO.sub(" ", text))


def _type_of(text: str) -> str | None:
    head = clean_cell(text).upper()
    for kind in _TYPES:
        if head == kind or (head.startswith(kind + " ") and _is_upper(text) and len(head) < 40):
            return kind
    return None


def extract_metadata(parsed: ParsedFile) -> DocumentMeta:
    """Read type, number, date, issuer, subject, recipients, signer and cited documents.

    Args:
        parsed: any reader's output; only the text blocks are read.

    Returns:
        ``DocumentMeta``; a field the document does not print is None (never guessed), except the type
        of a letter without a heading, which is "CÔNG VĂN" when it has a "V/v" line.
    """
    lines = _lines(parsed)
    header = lines[:_HEADER_LINES]
    number, struck = _number(header)
    place, issue_date, issue_month = _date(header)
    type_index, doc_type = next(
        ((i, t) for i, ln in enumerate(lines[:40]) if (t := _type_of(ln.text))), (None, None)
    )
    vv = _vv_subject(lines[:40])
    subject = _subject(lines, type_index) if type_index is not None else vv
    if doc_type is None:
        doc_type = "CÔNG VĂN" if vv else _type_from_symbol(number)
    annex = _annex_number(lines)
    if annex is not None and (number is None or number.startswith("/") or struck):
        annex_num, annex_sym, _ = annex
        symbol = number.split("/", 1)[1] if number and "/" in number else annex_sym
        number = f"{annex_num}/{symbol}"
    issuer_raw, issuer = _issuer(header)
    if issuer is None and annex is not None and annex[2]:
        issuer = annex[2]
    signer_title, signer = _signature(lines)
    return DocumentMeta(
        doc_type=doc_type,
        number=number,
        issue_date=issue_date,
        issue_month=issue_month,
        place=place,
        issuer=issuer,
        issuer_raw=issuer_raw,
        subject=subject,
        signer=signer,
        signer_title=signer_title,
        recipients=_recipients(lines),
        references=_references(lines, number),
    )


def _number(header: list[_Line]) -> tuple[str | None, bool]:
    """'Số: 15/KH-BCĐ' -> ('15/KH-BCĐ', False); 'Số: /UBND-KGVX' kept as printed; '~~45~~' is struck."""
    for line in header:
        m = _NUMBER.search(line.text)
        if m:
            raw = re.sub(r"\s+", "", m.group("num"))
            struck = "~~" in raw
            return re.sub(r"~~\d+~~", "", raw), struck
    return None, False


def _date(header: list[_Line]) -> tuple[str | None, date | None, str | None]:
    for line in header:
        m = _DATE_LINE.search(_NUMBER.sub(" ", _strip_motto(line.text)))
        if not m:
            continue
        year = int(m.group("y"))
        month = int(m.group("m")) if m.group("m") else None
        day = int(m.group("d")) if m.group("d") else None
        if month is not None and not 1 <= month <= 12:  # a handwritten or misread month: not a date
            month = day = None
        issue_month = f"{year:04d}-{month:02d}" if month else None
        try:
            issue_date = date(year, month, day) if month and day else None
        except ValueError:  # "ngày 35 tháng 3": OCR misread the handwritten day; the month still holds
            issue_date = None
        return clean_cell(m.group("place")), issue_date, issue_month
    return None, None, None


def _type_from_symbol(number: str | None) -> str | None:
    if not number or "/" not in number:
        return None
    code = number.split("/", 1)[1].split("-", 1)[0].upper()
    return _SYMBOL_TYPES.get(code)


def _vv_subject(lines: list[_Line]) -> str | None:
    """The 'V/v …' trích yếu of a công văn, over as many lines as it takes."""
    for i, line in enumerate(lines):
        m = re.match(r"^V/v\s*[:.]?\s*(?P<rest>.*)$", line.text, re.IGNORECASE)
        if not m:
            continue
        parts = [m.group("rest")]
        for nxt in lines[i + 1 : i + 6]:
            t = nxt.text
            if (
                _MOTTO.search(t)
                or _DATE_LINE.search(t)
                or t.startswith(("Kính gửi", "Số"))
                or _BODY_START.match(t)
                or (_is_upper(t) and not re.search(r"\d", t))
            ):
                break
            parts.append(t)
        return clean_cell(" ".join(parts)) or None
    return None


def _subject(lines: list[_Line], type_index: int) -> str | None:
    """The line(s) under the type heading, up to the first body line."""
    heading = lines[type_index]
    parts: list[str] = []
    for line in lines[type_index + 1 : type_index + 6]:
        t = line.text
        if _BODY_START.match(t) or re.match(r"^[IVX]+\.|^\d+\.|^[-–]", t) or set(t) <= set("-_–— "):
            break
        if parts and (heading.bold or heading.centered) and not (line.bold or line.centered):
            break  # the title is set apart (bold or centred); the first plain line is body text
        parts.append(t)
    return clean_cell(" ".join(parts)) or None


def _annex_number(lines: list[_Line]) -> tuple[str, str, str | None] | None:
    """'(Ban hành kèm theo Kế hoạch số 15 /KH-BCD … của Ban Chỉ đạo)' -> ('15', 'KH-BCD', 'Ban Chỉ đạo')."""
    for line in lines:
        m = _ANNEX_NUMBER.search(line.text)
        if m:
            issuer = clean_cell(m.group("issuer")) if m.group("issuer") else None
            return m.group("num"), m.group("sym"), issuer
    return None


def _sentence_case(text: str) -> str:
    out = text[:1].upper() + text[1:].lower()
    for word in ("ubnd", "hđnd"):
        out = re.sub(rf"\b{word}\b", word.upper(), out, flags=re.IGNORECASE)
    out = re.sub(r"\bban chỉ đạo\b", "Ban Chỉ đạo", out, flags=re.IGNORECASE)
    out = re.sub(r"\bđề án\b", "Đề án", out)
    return out


def _canonical_body(raw: str) -> str:
    """'ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK' -> 'UBND tỉnh'; 'CÔNG AN TỈNH LÂM ĐỒNG' -> 'Công an tỉnh'."""
    text = re.sub(r"^(?:ỦY|UỶ)\s+BAN\s+NHÂN\s+DÂN\b", "UBND", raw.strip(" ,"), flags=re.IGNORECASE)
    text = re.sub(r"\bTỈNH\s+[^\s,].*$", "TỈNH", text)
    known = _ISSUER_NAMES.get(fold(text))
    return known or _sentence_case(text)


def _issuer(header: list[_Line]) -> tuple[str | None, str | None]:
    """Upper-case header lines that are not the motto, the type heading or the date: the issuing body.

    Two bodies ("UBND TỈNH ĐẮK LẮK" over "BAN CHỈ ĐẠO") mean the lower one issues under the upper one:
    "Ban Chỉ đạo UBND tỉnh".
    """
    parts: list[str] = []
    for line in header:
        text = _strip_motto(line.text)
        text = _DATE_LINE.sub("", text)
        text = _NUMBER.sub("", text).strip()
        if _type_of(text) or text.upper().startswith(("V/V", "KÍNH GỬI")) or _BODY_START.match(text):
            break  # the issuer sits above the title, the V/v line and the body
        if not text or not _is_upper(text):
            continue
        parts.append(text)
    if not parts:
        return None, None
    raw = clean_cell(" ".join(parts))
    bodies: list[str] = []
    for part in parts:
        if bodies and not re.match(
            r"^(?:ỦY|UỶ|UBND|BAN|SỞ|CÔNG AN|VĂN PHÒNG|BỘ|THỦ TƯỚNG|TỔ|HỘI ĐỒNG)\b", part
        ):
            bodies[-1] = f"{bodies[-1]} {part}"  # a name continued on the next line ("… TỈNH" / "ĐẮK LẮK")
        else:
            bodies.append(part)
    names = [_canonical_body(b) for b in bodies]
    issuer = names[-1] if len(names) == 1 else f"{names[-1]} {names[0]}"
    return raw, issuer


def _is_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 6 and all(w[:1].isupper() and w[1:].islower() and w.isalpha() for w in words)


def _signature(lines: list[_Line]) -> tuple[str | None, str | None]:
    """Title lines ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH") and the last personal name of the signature block."""
    start = next((i for i, ln in enumerate(lines) if ln.text.startswith("Nơi nhận")), None)
    if start is None:
        return None, None
    end = next(
        (i for i in range(start, len(lines)) if re.match(r"^(?:PHỤ LỤC|Phụ lục)\b", lines[i].text)),
        len(lines),
    )
    titles: list[str] = []
    signer: str | None = None
    for line in lines[start:end]:
        text = line.text
        if _TITLE_LINE.match(text) and signer is None:
            titles.append(text)
        elif _is_name(text):
            signer = text
    return (" / ".join(titles) or None), signer


def _clean_recipient(text: str) -> str:
    return text.lstrip("-–+• ").rstrip(" ;.,")


def _recipients(lines: list[_Line]) -> list[str]:
    """'Kính gửi' addressees, then 'Nơi nhận' entries other than 'Như trên' and 'Lưu'."""
    out: list[str] = []
    for opener in ("Kính gửi", "Nơi nhận"):
        start = next((i for i, ln in enumerate(lines) if ln.text.startswith(opener)), None)
        if start is None:
            continue
        inline = lines[start].text.split(":", 1)[1].strip() if ":" in lines[start].text else ""
        items = [inline] if inline and not inline.startswith(("-", "*")) and len(inline) > 2 else []
        for line in lines[start + 1 : start + 30]:
            text = line.text
            if _BODY_START.match(text):
                break
            if text.startswith(("-", "–", "+", "•")):
                items.append(text)
            elif items and not re.search(r"[;.]$", items[-1]) and not _is_name(text) and not _is_upper(text):
                items[-1] = f"{items[-1]} {text}"  # an entry wrapped to the next line
            elif opener == "Kính gửi" and items:
                break  # the addressee list ends at the first line of the body
        for item in items:
            name = _clean_recipient(item)
            if name and not fold(name).startswith(("như trên", "lưu")) and name not in out:
                out.append(name)
    return out


def _parse_ref_date(text: str | None) -> date | None:
    if not text:
        return None
    nums = [int(n) for n in re.findall(r"\d+", text)]
    day, month, year = nums[0], nums[1], nums[2]
    try:
        return date(year, month, day)
    except ValueError:
        return None  # a misprinted date in a citation is kept in ``raw``; it never stops the document


def _references(lines: list[_Line], own_number: str | None) -> list[DocRef]:
    """Documents cited in the text: 'Nghị quyết số 57-NQ/TW ngày 22/12/2024' -> DocRef(…, 2024-12-22)."""
    text = clean_cell(" ".join(ln.text for ln in lines))
    out: list[DocRef] = []
    seen: set[str] = set()
    for m in _REF.finditer(text):
        when = _parse_ref_date(m.group("date"))
        numbers = [n.strip().rstrip(".-") for n in m.group("nums").split(",")]
        for i, num in enumerate(numbers):
            if num in seen or num == own_number:
                continue
            seen.add(num)
            out.append(
                DocRef(
                    raw=m.group(0) if len(numbers) == 1 else f"{m.group('type')} số {num}",
                    doc_type=m.group("type"),
                    number=num,
                    date=when if i == len(numbers) - 1 else None,
                )
            )
    return out
