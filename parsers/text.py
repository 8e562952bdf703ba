"""Vietnamese text hygiene, done once: NFC, whitespace, hyphenation, and a folded form for comparison.

Stored text keeps what the document printed (NFC, whitespace collapsed). ``fold`` gives the key used to
*compare* text: lower case, old/new tone-mark placement unified ("hoà" == "hòa", "thuỷ" == "thủy").
"""

import re
import unicodedata

_WS = re.compile(r"\s+")
# A line ending in a hyphen after a letter, followed by a letter: a lower-case letter means a word cut by
# hyphenation (hyphen dropped); an upper-case one means a code broken after its hyphen ("NĐ-\nCP", hyphen kept).
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-\n(?=([^\W\d_]))")

_DIGIT_DASH_BREAK = re.compile(r"(?<=\d)-\s*\n\s*(?=\d)")
# "Quý II/\n2026", "15/\nKH-BCĐ": a slash never ends a word, so the line break after it is not a space.
_SLASH_BREAK = re.compile(r"(?<=\w)/[ \t]*\n\s*(?=\w)")

# Two tone placements exist for the open syllables oa/oe/uy: "hoà"/"hòa", "thuỷ"/"thủy", "khoẻ"/"khỏe".
# The comparison key puts the mark on the first vowel, the form official documents mostly print.
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
_SECOND_VOWEL_TONE = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![^\W\d_])")


def nfc(text: str) -> str:
    """Compose to NFC; Vietnamese PDFs mix composed and decomposed diacritics."""
    return unicodedata.normalize("NFC", text)


def collapse_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


def clean_cell(text: str | None) -> str:
    """Join a cell's lines into one clean NFC string: hyphenated words rejoined, whitespace collapsed.

    "chuyển đổi số tỉnh Đắk Lắk giai đoạn 2026-\\n2030" and "Nghị định 69/NĐ-\\nCP" keep their dash, while
    "thực hi-\\nện" becomes "thực hiện".
    """
    if not text:
        return ""
    text = nfc(text).replace("\u00ad", "")  # soft hyphens
    text = _HYPHEN_BREAK.sub(lambda m: "" if m.group(1).islower() else "-", text)
    text = _DIGIT_DASH_BREAK.sub("-", text)
    text = _SLASH_BREAK.sub("/", text)
    return collapse_ws(text)


def unify_tone_marks(text: str) -> str:
    """Put the tone mark of an open oa/oe/uy syllable on its first vowel ("hoà" -> "hòa"); returns NFC."""
    decomposed = unicodedata.normalize("NFD", text)
    return nfc(_SECOND_VOWEL_TONE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed))


def fold(text: str) -> str:
    """Comparison key: NFC, unified tone marks, lower case, whitespace collapsed."""
    return collapse_ws(unify_tone_marks(nfc(text)).lower())


def strip_diacritics(text: str) -> str:
    """ASCII-ish skeleton ("Đắk Lắk" -> "dak lak") for fuzzy look-ups of OCR-damaged text."""
    decomposed = unicodedata.normalize("NFD", fold(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.replace("đ", "d")
