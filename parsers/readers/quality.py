"""Is a page's text layer worth reading, or must the page be OCR'd?

Four cases send a page to OCR: no text layer at all; a text layer holding only a stamp line (an
e-signature overlay on a scan); an invisible OCR layer of poor quality (scanners
add one: "uY BAN NgAN nAN ceNG HoA xA" for "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ"); a broken font map. The test is
linguistic: real Vietnamese prose is made of valid syllables, about half of them carrying a Vietnamese
diacritic. Legacy encodings (TCVN3 "KÕ ho¹ch", VNI "Keá hoaïch") also fail it, but they are converted
exactly by ``parsers.readers.legacy`` instead of being OCR'd, so ``page_needs_ocr`` says no for them.
"""

from __future__ import annotations

from models.page import PageText
from models.settings import PdfSettings
from parsers.readers.legacy import detect_encoding
from parsers.readers.syllables import is_garbage, measure, page_text


def page_needs_ocr(page: PageText, settings: PdfSettings) -> bool:
    """True when the page has no usable text layer and must be OCR'd.

    Call it after ``parsers.readers.legacy.fix_legacy_page``; a legacy-encoded page not yet converted is
    also answered False, since conversion is exact and OCR is not.
    """
    if page.method == "ocr":
        return False
    text = page_text(page)
    quality = measure(text)
    if "no_text_layer" in page.warnings or quality.letters < settings.min_text_chars:
        return True
    if not page.tables and len(page.blocks) <= 2 and quality.letters < 5 * settings.min_text_chars:
        # a scan whose only text is an e-signature/"SAO Y" stamp line ("SAO Y; CÔNG AN TỈNH LÂM ĐỒNG;
        # 03/02/2026"): the body is in the image. A truly near-empty digital page only costs one OCR pass.
        return True
    if not is_garbage(quality):
        return False
    return detect_encoding(page) is None
