"""Text hygiene: NFC, line-break joining inside cells, and the folded comparison key."""

import unicodedata

import pytest

from parsers.normalisers.text import clean_cell, fold, strip_diacritics, unify_tone_marks


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("thực hi-\nện kế hoạch", "thực hiện kế hoạch"),  # hyphenated word rejoined
        ("Nghị định 69/NĐ-\nCP", "Nghị định 69/NĐ-CP"),  # a capital after the break keeps the hyphen
        ("giai đoạn 2026-\n2030", "giai đoạn 2026-2030"),
        ("Quý II/\n2026", "Quý II/2026"),
        ("Kế hoạch số 15/\nKH-BCĐ", "Kế hoạch số 15/KH-BCĐ"),
        ("nông - lâm -\nthủy sản", "nông - lâm - thủy sản"),  # a spaced dash is punctuation, not hyphenation
        ("  Sở Khoa học\n và  Công nghệ ", "Sở Khoa học và Công nghệ"),
        ("chuyển\u00ad đổi", "chuyển đổi"),  # soft hyphen dropped
        (None, ""),
    ],
)
def test_clean_cell(raw: str | None, clean: str) -> None:
    assert clean_cell(raw) == clean


def test_clean_cell_composes_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Sở Tư pháp")
    assert decomposed != "Sở Tư pháp"
    assert clean_cell(decomposed) == "Sở Tư pháp"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hoà Bình", "Hòa Bình"),
        ("thuỷ sản", "thủy sản"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("SỞ VĂN HOÁ", "Sở Văn hóa"),
        (unicodedata.normalize("NFD", "Thể thao"), "thể thao"),
    ],
)
def test_fold_makes_spelling_variants_equal(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize("word", ["quý", "hoàn", "thuyết", "Quý II"])
def test_tone_marks_inside_closed_syllables_and_after_q_do_not_move(word: str) -> None:
    assert unify_tone_marks(word) == word


def test_strip_diacritics() -> None:
    assert strip_diacritics("Đắk Lắk") == "dak lak"
    assert fold("Sở Tài chính") != fold("Sở Tài chinh")
