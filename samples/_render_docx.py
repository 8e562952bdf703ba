"""Typeset the seeds as Word documents (python-docx), the way a provincial office would have made them.

Layout follows Nghị định 30/2020: A4 portrait body (margins 2/2/3/2 cm), a two-column header block
(issuing body | national motto), number and date line, bold centred type heading, subject, justified
13 pt body, a "Nơi nhận" list beside the signature block; each annex in its own landscape section
with bordered task tables whose header row repeats on every page (``w:tblHeader``) and whose rows
may break across pages (Word's default, nothing set). Font: Times New Roman, which LibreOffice
renders with the metric-compatible Liberation Serif.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

try:  # run as a script from samples/ (make_samples.py) or imported as samples._*
    from _seed import Annex, Letter, Plan, plain, runs
except ModuleNotFoundError:
    from samples._seed import Annex, Letter, Plan, plain, runs

FONT = "Times New Roman"
FIXED_TIME = datetime(2026, 1, 30, 8, 0, 0)
# Column widths (cm) of the annex tables on landscape A4 with 2 cm side margins (25.7 cm usable).
ANNEX_WIDTHS = [1.2, 8.6, 3.8, 4.3, 4.8, 3.0]
TABLE_PT = 11
_ROMAN_HEAD = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X)\. ")
_ARABIC_HEAD = re.compile(r"^\d+\. ")


def _set_font(run, size: float, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _para(container, text_runs, size: float = 13, align=WD_ALIGN_PARAGRAPH.JUSTIFY, bold: bool = False,
          italic: bool = False, first_indent: float | None = 1.0, after: float = 6, before: float = 0,
          reuse_first: bool = False):
    """Add a paragraph of (text, bold, italic) runs; ``bold``/``italic`` force the style on every run."""
    if reuse_first and len(container.paragraphs) == 1 and not container.paragraphs[0].text:
        p = container.paragraphs[0]
    else:
        p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    fmt.line_spacing = 1.0
    if first_indent:
        fmt.first_line_indent = Cm(first_indent)
    if isinstance(text_runs, str):
        text_runs = runs(text_runs)
    for text, b, i in text_runs:
        _set_font(p.add_run(text), size, bold or b, italic or i)
    return p


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _widths(table, widths_cm: list[float]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(w)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=False):
        col.set(qn("w:w"), str(int(w * 567)))


def _new_document() -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
    sec.left_margin, sec.right_margin = Cm(3.0), Cm(2.0)
    props = doc.core_properties
    props.author = "Văn phòng UBND tỉnh Đắk Lắk"
    props.last_modified_by = "Văn phòng UBND tỉnh Đắk Lắk"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    return doc


def _header_block(doc, left: list[tuple[str, bool, bool, float]], right: list[tuple[str, bool, bool, float]],
                  widths=(6.0, 10.0)) -> None:
    """Two-column borderless header: issuing body and number | motto and place/date."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _widths(table, list(widths))
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        first = True
        for text, bold, italic, size in lines:
            _para(cell, [(text, False, False)], size=size, align=WD_ALIGN_PARAGRAPH.CENTER, bold=bold,
                  italic=italic, first_indent=None, after=0, reuse_first=first)
            first = False


def _sign_block(doc, recipients: list[str], signature: list[tuple[str, bool]]) -> None:
    """"Nơi nhận" list (left, 11 pt) beside the signature block (right, bold titles and name)."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [8.5, 7.5])
    left, right = table.rows[0].cells
    first = True
    for line in recipients:
        is_head = line.startswith("Nơi nhận")
        _para(left, [(line, False, False)], size=12 if is_head else 11, align=WD_ALIGN_PARAGRAPH.LEFT,
              bold=is_head, italic=is_head, first_indent=None, after=0, reuse_first=first)
        first = False
    first = True
    for text, bold in signature:
        _para(right, [(text, False, False)], size=14 if bold else 13, align=WD_ALIGN_PARAGRAPH.CENTER,
              bold=bold, first_indent=None, after=0, reuse_first=first)
        first = False


def _body_paragraph(doc, text: str) -> None:
    if _ROMAN_HEAD.match(text):
        _para(doc, text, bold=True, after=6, before=6)
    elif _ARABIC_HEAD.match(text) and len(text) < 120 and not text.endswith("."):
        _para(doc, text, bold=True)
    else:
        _para(doc, text)


def _landscape(doc) -> None:
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(1.8)
    sec.left_margin, sec.right_margin = Cm(2.0), Cm(2.0)


def _annex(doc, annex: Annex) -> None:
    _landscape(doc)
    for line in annex.title_lines:
        text = line.replace("**", "") if not line.startswith("(") else line
        is_note = line.startswith("(")
        _para(doc, runs(text) if is_note else [(plain(text), False, False)], size=13,
              align=WD_ALIGN_PARAGRAPH.CENTER, bold=not is_note, italic=is_note, first_indent=None, after=0)
    _para(doc, [("", False, False)], size=6, first_indent=None, after=0)
    table = doc.add_table(rows=1, cols=6)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, annex.header, strict=True):
        _para(cell, [(text, False, False)], size=TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True,
              first_indent=None, after=0, reuse_first=True)
    _repeat_header(table.rows[0])
    for row in annex.rows:
        cells = table.add_row().cells
        if row.kind == "section":
            _para(cells[0], [(plain(row.cells[0]), False, False)], size=TABLE_PT,
                  align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, first_indent=None, after=0, reuse_first=True)
            target = cells[1].merge(cells[5]) if row.merged else cells[1]
            _para(target, [(plain(row.cells[1]), False, False)], size=TABLE_PT,
                  align=WD_ALIGN_PARAGRAPH.LEFT, bold=True, first_indent=None, after=0, reuse_first=True)
            continue
        for k, (cell, text) in enumerate(zip(cells, row.cells, strict=True)):
            align = WD_ALIGN_PARAGRAPH.CENTER if k in (0, 5) else WD_ALIGN_PARAGRAPH.JUSTIFY if k == 1 \
                else WD_ALIGN_PARAGRAPH.LEFT
            if k == 1 and row.fused_heading:
                _para(cell, [(row.fused_heading, False, False)], size=TABLE_PT, align=WD_ALIGN_PARAGRAPH.LEFT,
                      bold=True, first_indent=None, after=0, reuse_first=True)
            _para(cell, runs(text), size=TABLE_PT, align=align, first_indent=None, after=0,
                  reuse_first=not (k == 1 and row.fused_heading))
    _widths(table, ANNEX_WIDTHS)


def render_plan(plan: Plan) -> bytes:
    """The plan 15/KH-BCĐ as .docx bytes: body (portrait) + Annex I, II, III (landscape)."""
    doc = _new_document()
    body = plan.body
    number, place_date, type_heading, subject = body[0], body[1], body[2], body[3]
    _header_block(
        doc,
        [("UBND TỈNH ĐẮK LẮK", False, False, 13), ("BAN CHỈ ĐẠO", True, False, 13), ("", False, False, 8),
         (number, False, False, 13)],
        [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False, 13), ("Độc lập - Tự do - Hạnh phúc", True, False, 14),
         ("", False, False, 8), (place_date, False, True, 14)],
    )
    _para(doc, [(type_heading, False, False)], size=14, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True,
          first_indent=None, after=0, before=18)
    _para(doc, [(subject, False, False)], size=14, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True,
          first_indent=None, after=12)
    k = next(i for i, p in enumerate(body) if p.startswith("Nơi nhận"))
    for text in body[4:k]:
        _body_paragraph(doc, text)
    recipients = ["Nơi nhận:", *body[k + 1 : body.index("TRƯỞNG BAN")]]
    _sign_block(doc, recipients, [("TRƯỞNG BAN", True), ("CHỦ TỊCH UBND TỈNH", True), ("", False),
                                  ("", False), ("", False), ("Tạ Anh Tuấn", True)])
    for annex in plan.annexes:
        _annex(doc, annex)
    return save_deterministic(doc)


def render_letter(letter: Letter) -> bytes:
    """The letter /UBND-KGVX as .docx bytes (one portrait section)."""
    doc = _new_document()
    h = letter.header_lines
    vv = " ".join(h[6:])
    _header_block(
        doc,
        [("ỦY BAN NHÂN DÂN", True, False, 13), ("TỈNH ĐẮK LẮK", True, False, 13), ("", False, False, 8),
         (h[4], False, False, 13), ("", False, False, 6)] + [(line, False, False, 12) for line in h[6:]],
        [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False, 13), ("Độc lập - Tự do - Hạnh phúc", True, False, 14),
         ("", False, False, 8), (h[5], False, True, 14)],
        widths=(7.0, 9.0),
    )
    assert vv.startswith("V/v ")
    _para(doc, [("Kính gửi:", False, False)], align=WD_ALIGN_PARAGRAPH.LEFT, first_indent=3.0, after=0, before=18)
    for r in letter.recipients:
        p = _para(doc, [(r, False, False)], align=WD_ALIGN_PARAGRAPH.LEFT, first_indent=None, after=0)
        p.paragraph_format.left_indent = Cm(5.0)
    _para(doc, [("", False, False)], size=6, first_indent=None, after=0)
    _para(doc, letter.intro)
    for item in letter.items:
        _para(doc, f"{item.number}. {item.heading}")
        for dash in item.dashes:
            _para(doc, f"- {dash}")
    k = letter.closing.index("Nơi nhận:")
    for text in letter.closing[:k]:
        _para(doc, text)
    signature = [(plain(s), True) for s in letter.signature[:2]] + [("", False)] * 3 + \
        [(plain(letter.signature[2]), True)]
    _sign_block(doc, letter.closing[k:], signature)
    return save_deterministic(doc)


def save_deterministic(doc) -> bytes:
    """Save ``doc`` with fixed zip timestamps, so the same seed gives byte-identical .docx files."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
