"""page_needs_ocr: no text layer, junk OCR layers and broken font maps go to OCR; good text does not."""

from pathlib import Path

import pytest

from models.page import Block, PageText
from models.settings import PdfSettings
from parsers.readers.pdf_text import read_pdf
from parsers.readers.quality import page_needs_ocr
from parsers.readers.syllables import is_garbage, is_syllable, measure
from tests.shared_paths import REAL, needs_shared


@pytest.mark.parametrize(
    ("token", "valid"),
    [("nghiệm", True), ("Đắk", True), ("quyết", True), ("UBND", False), ("ho¹ch", False),
     ("Nguy6n", False), ("ceNG", False), ("NgAN", False), ("xcuia", False), ("trường", True)],
)  # fmt: skip
def test_syllables(token: str, valid: bool) -> None:
    assert is_syllable(token) is valid


@pytest.mark.parametrize(
    ("text", "garbage"),
    [
        ("Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với các sở, ngành liên quan xây dựng kế hoạch "
         "triển khai thực hiện trong Quý II/2026.", False),
        ("uY BAN NgAN nAN ceNG HoA xA ugr cuu xcuia vrET NAM TINH LAMDONG DQc l$p - Tg do - H4nh phric "
         "Ldm D6ng, ngdy fithdng 11 ndm 2025 THONGBAo fiit tu6n cria tldng chi Nguy6n Ngoc Phric", True),
        ("KÕ ho¹ch triÓn khai nhiÖm vô chuyÓn ®æi sè n¨m 2026 cña Uû ban nh©n d©n tØnh", True),
        ("Keá hoaïch trieån khai nhieäm vuï chuyeån ñoåi soá naêm 2026 cuûa UÛy ban nhaân daân tænh", True),
        ("STT 1 2 3 UBND KH-BCĐ 15/KH", False),  # too few words to judge
    ],
)  # fmt: skip
def test_garbage_verdict(text: str, garbage: bool) -> None:
    assert is_garbage(measure(text)) is garbage


def _page(texts: list[str], warnings: list[str] | None = None) -> PageText:
    return PageText(page=1, width=595, height=842, method="text", warnings=warnings or [],
                    blocks=[Block(page=1, text=t) for t in texts])  # fmt: skip


@pytest.mark.parametrize(
    ("page", "needs"),
    [
        (_page([], ["no_text_layer"]), True),
        (_page(["Trang 2"]), True),  # a page number only: fewer letters than min_text_chars
        (_page(["Giao Sở Nội vụ chủ trì, phối hợp với các sở, ngành rà soát thủ tục hành chính,",
                "báo cáo Ủy ban nhân dân tỉnh trước ngày 30/6/2026.", "Nơi nhận:"]), False),
        (_page(["KÕ ho¹ch triÓn khai nhiÖm vô chuyÓn ®æi sè n¨m 2026", "cña Uû ban nh©n d©n tØnh",
                "Giao Së Néi vô chñ tr×"]), False),
        (_page(["SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; 03/02/2026; 15:40:13; +07:00"]), True),  # stamp line only
        (PageText(page=1, width=595, height=842, method="ocr"), False),
    ],
)  # fmt: skip
def test_page_needs_ocr(page: PageText, needs: bool) -> None:
    assert page_needs_ocr(page, PdfSettings()) is needs


@needs_shared
def test_real_junk_ocr_layer_is_detected() -> None:
    """01_TB493: a Lâm Đồng scan whose invisible text layer is ASCII OCR junk on every page."""
    path = REAL / "01_TB493-UBND-LamDong_ketluan_scan.pdf"
    parsed = read_pdf(path.read_bytes(), path.name, PdfSettings())
    assert len(parsed.pages) == 3
    assert all(p.blocks for p in parsed.pages)  # there IS a text layer
    assert all(page_needs_ocr(p, PdfSettings()) for p in parsed.pages)


@needs_shared
def test_scan_with_only_a_stamp_line_in_its_text_layer() -> None:
    """12_TTr91: page 1's text layer is one "SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; …" line over a scanned page."""
    path = REAL / "12_TTr91-CAT-PC04_KH-KMT-2026_scan.pdf"
    parsed = read_pdf(path.read_bytes(), path.name, PdfSettings())
    assert len(parsed.pages) == 15
    assert "SAO Y" in parsed.pages[0].text
    assert all(page_needs_ocr(p, PdfSettings()) for p in parsed.pages)


@pytest.mark.parametrize("name", ["kh15_plan.pdf", "cv_kgvx_letter.pdf"])
def test_digital_samples_keep_their_text_layer(name: str) -> None:
    path = Path(__file__).resolve().parents[2] / "samples" / name
    parsed = read_pdf(path.read_bytes(), name, PdfSettings())
    assert not any(page_needs_ocr(p, PdfSettings()) for p in parsed.pages)
