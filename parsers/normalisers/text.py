"""Vietnamese text hygiene for the parsers: NFC, whitespace, and line breaks inside cells joined.

The comparison helpers (``fold`` and friends) live in ``models/text.py`` so that every layer uses one key;
they are re-exported here for the parsers.
"""

import re

from models.text import collapse_ws, fold, nfc, strip_diacritics, strip_marks, unify_tone_marks

__all__ = ["clean_cell", "collapse_ws", "fold", "nfc", "strip_diacritics", "strip_marks", "unify_tone_marks"]

# A line ending in a hyphen after a letter, followed by a letter: a lower-case letter means a word cut by
# hyphenation (hyphen dropped); an upper-case one means a code broken after its hyphen ("NĐ-\nCP", hyphen kept).
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-\n(?=([^\W\d_]))")
_DIGIT_DASH_BREAK = re.compile(r"(?<=\d)-\s*\n\s*(?=\d)")
# "Quý II/\n2026", "15/\nKH-BCĐ": a slash never ends a word, so the line break after it is not a space.
_SLASH_BREAK = re.compile(r"(?<=\w)/[ \t]*\n\s*(?=\w)")


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
