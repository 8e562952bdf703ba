"""Is a text Vietnamese? Syllable statistics shared by the text-layer check and the legacy-encoding detector.

Real Vietnamese prose is made of valid syllables (initial consonant cluster, vowel nucleus, final), about
half of them carrying a Vietnamese diacritic. OCR junk ("uY BAN NgAN nAN") and legacy encodings read as
Unicode ("KÕ ho¹ch", "Keá hoaïch") are not. ``parsers.readers.quality`` asks whether a page must be
OCR'd, ``parsers.readers.legacy`` which decoding turns most words into syllables; both count here, so
neither imports the other's module for it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from models.page import PageText
from parsers.normalisers.text import nfc

_TOKEN = re.compile(r"[^\s,.;:!?()\[\]{}\"'“”‘’/\\\-–—…]+")
# Vietnamese orthography: initial consonant cluster, vowel nucleus (1–3 vowels), optional final.
_INITIAL = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
_VOWELS = "aăâeêioôơuưy"
_FINAL = r"(?:ch|ng|nh|[cmnptk])?"  # k: Đắk, Lắk (Central Highlands names)
_SYLLABLE = re.compile(rf"^{_INITIAL}[{_VOWELS}]{{1,3}}{_FINAL}$")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# letters that only Vietnamese uses (after removing the tone mark)
_VN_LETTERS = set("ăâêôơưđ")
_ABBREV = re.compile(r"^[A-ZĐ]{2,8}\d*$")  # UBND, KH, CĐS, TW, NQ57: neither valid nor invalid


@dataclass(frozen=True)
class TextQuality:
    """Counts behind the verdict, for reports and tests."""

    words: int  # alphabetic tokens considered
    valid: int  # valid Vietnamese syllables
    marked: int  # tokens carrying a Vietnamese-only letter or a tone mark
    letters: int  # letters in the text

    @property
    def valid_ratio(self) -> float:
        return self.valid / self.words if self.words else 0.0

    @property
    def marked_ratio(self) -> float:
        return self.marked / self.words if self.words else 0.0


def _base_and_tone(token: str) -> tuple[str, int]:
    """Lower-case base letters (tone marks removed, vowel shapes kept) and the number of tone marks."""
    base, tones = [], 0
    for ch in unicodedata.normalize("NFD", token.lower()):
        if ch in _TONES:
            tones += 1
        else:
            base.append(ch)
    return unicodedata.normalize("NFC", "".join(base)), tones


def is_syllable(token: str) -> bool:
    """A well-formed Vietnamese syllable ("nghiệm", "Đắk", "quyết"); "ho¹ch", "Nguy6n", "ceNG" are not."""
    if not token.isalpha():
        return False
    if token[1:] != token[1:].lower() and not token.isupper():
        return False  # "ceNG", "NgAN": case flips inside a word are OCR junk
    base, tones = _base_and_tone(token)
    return tones <= 1 and bool(_SYLLABLE.match(base))


@functools.lru_cache(maxsize=1 << 16)
def _token_counts(tok: str) -> tuple[int, int, int]:
    """(word, valid, marked) of one token, each 0 or 1; cached: a page repeats a few hundred syllables, and
    every text-layer page is measured twice (the legacy-encoding test, then the OCR test)."""
    if tok.isdigit() or _ABBREV.match(tok) or not any(ch.isalpha() for ch in tok):
        return 0, 0, 0
    base, tones = _base_and_tone(tok)
    return 1, int(is_syllable(tok)), int(bool(tones or any(ch in _VN_LETTERS for ch in base)))


def measure(text: str) -> TextQuality:
    """Syllable statistics of a text (NFC first)."""
    words = valid = marked = 0
    for tok in _TOKEN.findall(nfc(text)):
        w, v, m = _token_counts(tok)
        words, valid, marked = words + w, valid + v, marked + m
    return TextQuality(words=words, valid=valid, marked=marked, letters=sum(ch.isalpha() for ch in text))


def page_text(page: PageText) -> str:
    """All text of a page, blocks and table cells, for the quality test."""
    cells = [c for t in page.tables for row in t.rows for c in row if c]
    return "\n".join([page.text, *cells])


def is_garbage(quality: TextQuality) -> bool:
    """Too few valid syllables, or almost no Vietnamese letters in a long text: not readable Vietnamese.

    Real pages score ≥ 0.85 valid and ≥ 0.3 marked; the junk OCR layer of 01_TB493 scores ~0.45 valid
    and < 0.05 marked.
    """
    if quality.words < 8:
        return False
    return quality.valid_ratio < 0.7 or (quality.words >= 30 and quality.marked_ratio < 0.12)
