"""Vietnamese OCR confusions that are certain from the context, fixed before anyone reads the text.

Only unambiguous repairs live here: "Quý 11/2026" (there is no eleventh quarter) becomes "Quý II/2026",
"hãng năm" becomes "hằng năm", a letter O between digits of a date becomes 0. Snapping agency names and
deadline phrases to the known vocabulary is the normalisers' job (``parsers.agency``,
``parsers.deadline``): they see the raw text and keep it beside the canonical value.
"""

from __future__ import annotations

import re

from parsers.text import nfc

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


def clean_ocr_text(text: str) -> str:
    """NFC plus the certain confusions above; everything else is left as tesseract read it.

    >>> clean_ocr_text("Quý 11/2026; hãng năm; trước 3O/6/2O26")
    'Quý II/2026; hằng năm; trước 30/6/2026'
    >>> clean_ocr_text("Phụ lục H")
    'Phụ lục II'
    """
    text = nfc(text).replace("\u2044", "/")  # tesseract reads "/" as the fraction slash "⁄"
    text = _QUARTER.sub(_roman, text)
    text = _ANNEX.sub(lambda m: m.group(1) + m.group(2) + fix_roman_cell(m.group(3)), text)
    text = _HANG.sub(lambda m: m.group(1) + "ằng", text)
    text = _SLASHED_ZERO.sub("0", text)
    return _DATE_LIKE.sub(_digits, text)
