"""Render the legacy-encoding samples: the same short Kế hoạch text typed in TCVN3 and in VNI.

Why these are honest samples: old documents embed a font named ".VnTime" / "VNI-Times" whose glyph for
byte 0xB9 is "ạ"; a PDF reader maps the byte through WinAnsi and extracts "¹". Here LiberationSerif is
registered under the legacy font name and the legacy byte string, read as cp1252, is drawn with it, so
pdfplumber reports the same font name and the same gibberish text a real legacy PDF gives.

TCVN3 bytes come from glibc (``iconv -t TCVN``), an encoder independent of ``parsers.readers.legacy``; VNI bytes
from a small encoder below that works from Unicode decomposition (letter + shape + tone), not from the
decoder's tables. Usage: ``.venv/bin/python samples/legacy/make_legacy.py`` → tcvn3_plan.pdf,
vni_plan.pdf and expected.txt (the Unicode lines) in this folder.
"""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
LINES = [
    "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK",
    "Số: 15/KH-UBND",
    "Đắk Lắk, ngày 30 tháng 01 năm 2026",
    "KẾ HOẠCH",
    "Triển khai nhiệm vụ chuyển đổi số năm 2026",
    "Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với các sở, ngành liên quan:",
    "- Xây dựng cơ sở dữ liệu dùng chung của tỉnh; hoàn thành trong Quý II/2026.",
    "- Hướng dẫn các xã, phường triển khai ứng dụng định danh điện tử; thực hiện hằng năm.",
    "Giao Sở Nội vụ tham mưu rà soát thủ tục hành chính, báo cáo trước ngày 30/6/2026.",
]

CENTRED_LINES = 5

_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRC = {None: "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {None: "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def vni_encode(text: str) -> str:
    """Unicode → VNI as WinAnsi text ("Kế hoạch" → "Keá hoaïch")."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in "đĐ":
            out.append("ñ" if ch == "đ" else "Ñ")
            continue
        d = unicodedata.normalize("NFD", ch)
        base, marks = d[0], d[1:]
        if not marks or not base.isalpha():
            out.append(ch)
            continue
        tone = next((m for m in marks if m in _VNI_TONE), None)
        upper = base.isupper()
        if "\u031b" in marks:  # horn: ơ ư are letters of their own
            letter = {"o": "ô", "u": "ö"}[base.lower()]
            seq = letter + (_VNI_TONE[tone] if tone else "")
        elif "\u0302" in marks:
            seq = base.lower() + _VNI_CIRC[tone]
        elif "\u0306" in marks:
            seq = base.lower() + _VNI_BREVE[tone]
        elif base.lower() == "i":
            seq = _VNI_I[tone]
        elif base.lower() == "y" and tone == "\u0323":
            seq = "î"
        else:
            seq = base.lower() + _VNI_TONE[tone]
        out.append(seq.upper() if upper else seq)
    return "".join(out)


def tcvn3_encode(text: str) -> str:
    """Unicode → TCVN3 as WinAnsi text, by glibc iconv."""
    raw = subprocess.run(
        ["iconv", "-f", "UTF-8", "-t", "TCVN"], input=text.encode(), capture_output=True, check=True
    )
    return raw.stdout.decode("cp1252", errors="strict")


def render(path: Path, font_name: str, lines: list[str], size: float = 13) -> None:
    """Lines in a legacy-named font; ``size`` keeps the widest line inside the page margins."""
    font = TTFont(font_name, FONT)
    font.face.name = font_name.encode("ascii")  # the PDF BaseFont becomes "AAAAAA+.VnTime"
    pdfmetrics.registerFont(font)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(font_name, size)
    y = A4[1] - 72
    for i, line in enumerate(lines):
        if i < CENTRED_LINES:  # the header block, type heading and title are centred, as printed
            c.drawCentredString(A4[0] / 2, y, line)
        else:
            c.drawString(60, y, line)
        y -= 22
    c.save()


def main() -> None:
    (HERE / "expected.txt").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    render(HERE / "tcvn3_plan.pdf", ".VnTime", [tcvn3_encode(x) for x in LINES])
    # VNI spells a letter with two bytes, so the Unicode font draws its lines wider: a smaller size keeps
    # them inside the margins, as the real VNI-Times font would.
    render(HERE / "vni_plan.pdf", "VNI-Times", [vni_encode(x) for x in LINES], size=11)


if __name__ == "__main__":
    main()
