"""TCVN3/VNI text layers converted to Unicode: tables checked against glibc iconv, samples end to end."""

import subprocess
from pathlib import Path

import pytest

from models.page import Block, PageText
from models.settings import PdfSettings
from parsers.readers.legacy import TCVN3, decode_tcvn3, decode_vni, detect_encoding, fix_legacy_page
from parsers.readers.pdf_text import read_pdf
from parsers.readers.quality import page_needs_ocr

LEGACY = Path(__file__).resolve().parents[2] / "samples" / "legacy"
VIETNAMESE = [
    "Kế hoạch triển khai nhiệm vụ chuyển đổi số năm 2026",
    "Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với các sở, ngành",
    "aàảãáạ ăằẳẵắặ âầẩẫấậ eèẻẽéẹ êềểễếệ iìỉĩíị oòỏõóọ ôồổỗốộ ơờởỡớợ uùủũúụ ưừửữứự yỳỷỹýỵ đ",
    "ĂÂÊÔƠƯĐ Quý II/2026, hằng năm, trước ngày 30/6/2026",
]


def iconv(data: bytes, src: str, dst: str) -> bytes:
    return subprocess.run(["iconv", "-f", src, "-t", dst], input=data, capture_output=True, check=True).stdout


@pytest.mark.parametrize("byte", sorted(TCVN3))
def test_tcvn3_table_matches_glibc(byte: int) -> None:
    assert TCVN3[byte] == iconv(bytes([byte]), "TCVN", "UTF-8").decode()


@pytest.mark.parametrize("text", VIETNAMESE)
def test_tcvn3_round_trip_through_glibc_encoder(text: str) -> None:
    legacy = iconv(text.encode(), "UTF-8", "TCVN").decode("cp1252")
    assert legacy != text
    assert decode_tcvn3(legacy) == text


@pytest.mark.parametrize(
    ("printed", "unicode"),
    [
        ("Keá hoaïch", "Kế hoạch"),
        ("Ñaék Laék", "Đắk Lắk"),
        ("Sôû Noäi vuï", "Sở Nội vụ"),
        ("thöïc hieän nhieäm vuï", "thực hiện nhiệm vụ"),
        ("UÛY BAN NHAÂN DAÂN TÆNH", "ỦY BAN NHÂN DÂN TỈNH"),
        ("Quyù II/2026, haèng naêm", "Quý II/2026, hằng năm"),
        ("khoâng, lyù, kyø, Myõ, bò, tæ, Laâm Ñoàng", "không, lý, kỳ, Mỹ, bị, tỉ, Lâm Đồng"),
        ("ngöôøi, ñöôïc, öùng duïng", "người, được, ứng dụng"),
    ],
)
def test_vni_decoding(printed: str, unicode: str) -> None:
    assert decode_vni(printed) == unicode


@pytest.mark.parametrize(("name", "encoding"), [("tcvn3_plan.pdf", "tcvn3"), ("vni_plan.pdf", "vni")])
@pytest.mark.parametrize("fonts_known", [True, False])
def test_legacy_sample_converted_exactly(name: str, encoding: str, fonts_known: bool) -> None:
    expected = (LEGACY / "expected.txt").read_text(encoding="utf-8").splitlines()
    page = read_pdf((LEGACY / name).read_bytes(), name, PdfSettings()).pages[0]
    assert page.text.splitlines() != expected  # the text layer really is gibberish
    if not fonts_known:  # the text heuristic alone must find the encoding
        page = page.model_copy(update={"fonts": []})
    assert detect_encoding(page) == encoding
    assert not page_needs_ocr(page, PdfSettings())  # converted, not OCR'd
    fixed = fix_legacy_page(page)
    assert fixed.text.splitlines() == expected
    assert f"legacy_encoding_{encoding}" in fixed.warnings


def test_unicode_page_is_left_alone() -> None:
    page = PageText(
        page=1, width=595, height=842, method="text", fonts=["TimesNewRomanPSMT"],
        blocks=[Block(page=1, text=t) for t in VIETNAMESE],
    )  # fmt: skip
    assert detect_encoding(page) is None
    assert fix_legacy_page(page) is page
