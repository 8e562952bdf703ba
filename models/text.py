"""Unicode and comparison helpers every layer shares (models/ may not import parsers/, so they live here).

Stored text keeps what the document printed (NFC, whitespace collapsed). ``fold`` gives the key used to
*compare* text: lower case, one tone-mark placement ("hoà" == "hòa", "thuỷ" == "thủy").
"""

import functools
import re
import unicodedata

_WS = re.compile(r"\s+")

# Two tone placements exist for the open syllables oa/oe/uy: "hoà"/"hòa", "thuỷ"/"thủy", "khoẻ"/"khỏe".
# The comparison key puts the mark on the first vowel, the form official documents mostly print.
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
_SECOND_VOWEL_TONE = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![^\W\d_])")


def nfc(text: str) -> str:
    """Compose to NFC; Vietnamese PDFs mix composed and decomposed diacritics."""
    return unicodedata.normalize("NFC", text)


def collapse_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


def unify_tone_marks(text: str) -> str:
    """Put the tone mark of an open oa/oe/uy syllable on its first vowel ("hoà" -> "hòa"); returns NFC."""
    decomposed = unicodedata.normalize("NFD", text)
    return nfc(_SECOND_VOWEL_TONE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed))


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str | None) -> str:
    """Comparison key: NFC, unified tone marks, lower case, whitespace collapsed ("" for None).

    Cached: matching and diffing fold the same names and words many times over.
    """
    if not text:
        return ""
    return collapse_ws(unify_tone_marks(nfc(text)).lower())


_DD = {"đ": "d", "Đ": "D"}


@functools.lru_cache(maxsize=1 << 12)
def _mark_free(char: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    base = _DD.get(base, base)
    return base if len(base) == 1 else char


def strip_marks(text: str) -> str:
    """Every tone and vowel mark gone and đ/Đ -> d/D, case and length kept ("Trực tiêp" -> "Truc tiep").

    The one way marks are stripped: OCR slips marks far more than letters, so matching on this form finds
    what it damaged, and one character per character keeps offsets into the text as printed.
    """
    return "".join(_mark_free(c) for c in text)


def strip_diacritics(text: str) -> str:
    """ASCII-ish skeleton ("Đắk Lắk" -> "dak lak") for fuzzy look-ups of OCR-damaged text."""
    return strip_marks(fold(text))
