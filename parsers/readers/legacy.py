"""Pre-Unicode Vietnamese text layers (TCVN3/ABC, VNI) converted to Unicode — exact, no OCR needed.

Documents typed before ~2010 with ".VnTime" (TCVN3, one byte per letter) or "VNI-Times" (VNI, a base
letter followed by a mark byte) fonts extract as gibberish, because the PDF maps the bytes through
WinAnsi: "Kế hoạch" comes out "KÕ ho¹ch" (TCVN3) or "Keá hoaïch" (VNI). Each extracted character is
turned back into its byte and the byte into its Vietnamese letter.

Detection: the font names on the page (``.Vn*`` → TCVN3, ``.Vn*H`` → TCVN3 upper-case font,
``VNI*`` → VNI), else the text itself: the decoding that turns most words into valid Vietnamese
syllables (``parsers.readers.syllables``) wins, if it clearly beats the text as extracted.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from models.page import Block, PageText, TableGrid
from parsers.normalisers.text import nfc
from parsers.readers.syllables import is_garbage, measure, page_text

Encoding = Literal["tcvn3", "tcvn3_upper", "vni"]

# TCVN 5712:1993 VN3 ("ABC"), bytes 0xA1..0xFF in order; the upper-case letters with tone marks of
# VN1 are included where VN3 fonts also carry them (glibc's TCVN charset is the reference in tests).
_TCVN3_A1_FF = (
    "ĂÂÊÔƠƯĐăâêôơưđẰ\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ"
)
_TCVN3_80_9F = "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"
_TCVN3_LOW = {0x01: "Ú", 0x02: "Ụ", 0x04: "Ừ", 0x05: "Ử", 0x06: "Ữ", 0x11: "Ứ", 0x12: "Ự", 0x13: "Ỳ",
              0x14: "Ỷ", 0x15: "Ỹ", 0x16: "Ý", 0x17: "Ỵ"}  # fmt: skip

TCVN3: dict[int, str] = {
    **_TCVN3_LOW,
    **{0x80 + i: ch for i, ch in enumerate(_TCVN3_80_9F)},
    **{0xA1 + i: ch for i, ch in enumerate(_TCVN3_A1_FF)},
}

# VNI: marks that follow a base vowel (lower- and upper-case forms), as combining sequences.
_VNI_MARKS = {
    "ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323",
    "â": "\u0302", "á": "\u0302\u0301", "à": "\u0302\u0300", "å": "\u0302\u0309", "ã": "\u0302\u0303",
    "ä": "\u0302\u0323",
    "ê": "\u0306", "é": "\u0306\u0301", "è": "\u0306\u0300", "ú": "\u0306\u0309", "ü": "\u0306\u0303",
    "ë": "\u0306\u0323",
}  # fmt: skip
_VNI_MARKS.update({k.upper(): v for k, v in list(_VNI_MARKS.items())})
# VNI letters that stand alone (one byte = one Vietnamese letter).
_VNI_SINGLE = {
    "ñ": "đ", "Ñ": "Đ", "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư",
    "í": "í", "Í": "Í", "ì": "ì", "Ì": "Ì", "æ": "ỉ", "Æ": "Ỉ", "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị",
    "î": "ỵ", "Î": "Ỵ",
}  # fmt: skip
_CIRCUMFLEX_BASES = set("aeoAEO")
_BREVE_BASES = set("aA")
_VOWEL_BASES = set("aeiouyAEIOUY")
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _to_byte(ch: str) -> int | None:
    """The byte a WinAnsi (cp1252) or Latin-1 extraction turned into ``ch``."""
    for codec in ("cp1252", "latin-1"):
        try:
            return ch.encode(codec)[0]
        except UnicodeEncodeError:
            continue
    return None


def decode_tcvn3(text: str, upper: bool = False) -> str:
    """TCVN3 text as extracted through WinAnsi → Unicode NFC ("KÕ ho¹ch" → "Kế hoạch").

    ``upper`` is for the ".VnTimeH" fonts, whose lower-case codes print capitals.
    """
    out = []
    for ch in text:
        b = _to_byte(ch) if ord(ch) >= 0x80 or ord(ch) < 0x20 else None
        out.append(TCVN3.get(b, ch) if b is not None and ch not in "\n\t\r" else ch)
    result = nfc("".join(out))
    return result.upper() if upper else result


def decode_vni(text: str) -> str:
    """VNI text as extracted through WinAnsi → Unicode NFC ("Keá hoaïch" → "Kế hoạch")."""
    out: list[str] = []
    for ch in text:
        mark = _VNI_MARKS.get(ch)
        if mark is not None and out and _takes(out[-1], mark):
            out[-1] = unicodedata.normalize("NFC", unicodedata.normalize("NFD", out[-1]) + mark)
            continue
        out.append(_VNI_SINGLE.get(ch, ch))
    return nfc("".join(out))


def _takes(letter: str, mark: str) -> bool:
    """Can this letter take this VNI mark? (circumflex on a/e/o, breve on a, one tone on any vowel)."""
    decomposed = unicodedata.normalize("NFD", letter)
    base, marks = decomposed[0], set(decomposed[1:])
    if marks & _TONE_MARKS:
        return False
    if mark[0] in "\u0302\u0306":
        return not marks and base in (_CIRCUMFLEX_BASES if mark[0] == "\u0302" else _BREVE_BASES)
    return base in _VOWEL_BASES


def _font_encoding(fonts: list[str]) -> Encoding | None:
    names = [f.split("+", 1)[-1] for f in fonts]
    vn = [n for n in names if n.lower().startswith(".vn")]
    if vn:
        uppers = [n for n in vn if n.split(",")[0].split("-")[0].endswith("H")]
        return "tcvn3_upper" if len(uppers) == len(vn) else "tcvn3"
    if any(n.upper().startswith("VNI") for n in names):
        return "vni"
    return None


def decode(text: str, encoding: Encoding) -> str:
    """Convert text in a legacy encoding to Unicode NFC."""
    if encoding == "vni":
        return decode_vni(text)
    return decode_tcvn3(text, upper=encoding == "tcvn3_upper")


_SAMPLE_CHARS = 4000


def _text_encoding(text: str) -> Encoding | None:
    """The legacy decoding that makes this text clearly more Vietnamese, if any."""
    text = text[:_SAMPLE_CHARS]  # a page's first few thousand characters tell its encoding
    base = measure(text)
    if base.words < 5 or not is_garbage(base):
        return None  # readable Vietnamese already: no decoding can be "clearly more Vietnamese"
    best: tuple[float, Encoding | None] = (base.valid_ratio + base.marked_ratio, None)
    for enc in ("tcvn3", "vni"):
        q = measure(decode(text, enc))  # type: ignore[arg-type]
        score = q.valid_ratio + q.marked_ratio
        if score > best[0] + 0.2 and q.valid_ratio >= 0.8:
            best = (score, enc)  # type: ignore[assignment]
    return best[1]


def detect_encoding(page: PageText) -> Encoding | None:
    """Legacy encoding of a text-layer page: by font name first, else by the text heuristic."""
    if page.method != "text":
        return None
    return _font_encoding(page.fonts) or _text_encoding(page_text(page))


def fix_legacy_page(page: PageText) -> PageText:
    """Return the page with its legacy-encoded text converted to Unicode (unchanged if it is not legacy).

    Each block and cell is converted only if that makes it no less Vietnamese, so Unicode text mixed
    into a legacy page (a later edit in Times New Roman) is left alone. Adds warning
    ``legacy_encoding_<name>``.
    """
    encoding = detect_encoding(page)
    if encoding is None:
        return page

    def conv(text: str) -> str:
        new = decode(text, encoding)
        old_q, new_q = measure(text), measure(new)
        return (
            new if new_q.valid_ratio + new_q.marked_ratio >= old_q.valid_ratio + old_q.marked_ratio else text
        )

    blocks: list[Block] = [b.model_copy(update={"text": conv(b.text)}) for b in page.blocks]
    tables: list[TableGrid] = [
        t.model_copy(update={"rows": [[conv(c) if c else c for c in row] for row in t.rows]})
        for t in page.tables
    ]
    return page.model_copy(
        update={
            "blocks": blocks,
            "tables": tables,
            "warnings": [*page.warnings, f"legacy_encoding_{encoding}"],
        }
    )
