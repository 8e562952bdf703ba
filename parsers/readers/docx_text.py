"""Word (.docx) files → ``ParsedFile``: paragraphs become Blocks, tables become TableGrids, in body order.

Word files carry no page geometry. To let later stages order tables against text as they do on PDF pages,
every Block and TableGrid gets a *pseudo* vertical position: its index in body order (``bbox`` =
``(0, i, page width, i + 1)``; a table's ``row_tops`` are ``i, i + 1/n, …``). ``page`` starts at 1 and advances
only at explicit page breaks (``<w:br w:type="page"/>``, "page break before") and non-continuous section
breaks. Provincial drafts put the header block ("ỦY BAN NHÂN DÂN / TỈNH LÂM ĐỒNG | CỘNG HÒA XÃ HỘI …")
and the signature block ("Nơi nhận: | KT. CHỦ TỊCH …") in borderless *layout* tables; their cell lines
are also emitted as Blocks (left cell, then right cell) so that metadata and prose extraction see them.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lxml import etree

from models.errors import InputFileError
from models.page import BBox, Block, PageText, ParsedFile, TableGrid
from models.settings import DocxSettings
from parsers.normalisers.text import clean_cell, fold

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

VERSION = "docx.v1"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def qn(tag: str) -> str:
    """python-docx's ``qn`` for the one namespace read here ("w:p" → "{…/main}p"), without importing it."""
    prefix, _, name = tag.partition(":")
    if prefix != "w":
        raise ValueError(f"namespace {prefix!r} is not read here")
    return _W + name


# A4 portrait in points, used when the file does not state its page size.
_A4 = (595.3, 841.9)
_EMU_PER_POINT = 12700
# First-row words of a task matrix; a table whose first rows hold none of them is a layout table.
_TASK_HEADER_WORDS = ("stt", "tt", "nội dung", "nhiệm vụ", "chủ trì", "thời gian", "trách nhiệm")


def read_docx(data: bytes, file_name: str, settings: DocxSettings | None = None) -> ParsedFile:
    """Read a .docx file's body into one ``ParsedFile`` (kind="docx", method="docx").

    Args:
        data: the file's bytes.
        file_name: the name as received, kept for provenance.
        settings: size caps on the package (``check_package``), checked before python-docx reads it.

    Raises:
        InputFileError: empty input, not a zip, a zip without a Word document part, or a package over
            a cap (a zip bomb, millions of paragraphs, a DTD with entities).
    """
    if not data:
        raise InputFileError(f"{file_name}: empty file; re-export the Word document and ingest it again")
    check_package(data, file_name, settings or DocxSettings())
    import docx  # here, not at the top: a run that reads no Word file does not pay its import (~0.15 s)
    from docx.opc.exceptions import PackageNotFoundError
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError) as e:
        raise InputFileError(
            f"{file_name}: not a Word (.docx) file or a corrupt one ({e}); "
            "open it in Word/LibreOffice and save it as .docx, or convert a .doc with `convert_doc`"
        ) from e
    except (KeyError, etree.XMLSyntaxError) as e:
        raise InputFileError(
            f"{file_name}: not a Word document or a damaged .docx package ({e}); re-save it from Word/LibreOffice"
        ) from e
    width, height = _page_size(document)
    blocks: list[Block] = []
    tables: list[TableGrid] = []
    page = 1
    for order, element in enumerate(document.element.body.iterchildren()):
        if element.tag == qn("w:p"):
            paragraph = Paragraph(element, document)
            if _page_break_before(paragraph):
                page += 1
            blocks.extend(_paragraph_blocks(paragraph, page, (0.0, float(order), width, order + 1.0)))
            page += _breaks_after(element)
        elif element.tag == qn("w:tbl"):
            grid = _table_grid(element, page, float(order), width)
            tables.append(grid)
            if _is_layout_table(grid):
                blocks.extend(_layout_blocks(element, document, page, grid.bbox))
    pages = _split_pages(blocks, tables, page, width, height)
    return ParsedFile(
        source_sha256=hashlib.sha256(data).hexdigest(), file_name=file_name, pages=pages, kind="docx"
    )


# a paragraph, whatever prefix the file gives the WordprocessingML namespace ("w:" in Word's own files)
_PARAGRAPH = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")


def check_package(data: bytes, file_name: str, settings: DocxSettings) -> None:
    """Refuse a .docx whose parts would fill the memory, from the zip directory and the raw XML.

    Checked before python-docx (which unpacks every part and parses each XML part into an lxml tree):
    the number of parts, each part's and all parts' *declared* unpacked size (zipfile stops a part at its
    declared size and fails its CRC, so a lying header gains nothing), then, for each XML part, a DTD
    (Word never writes one; an entity is how billion-laughs and external-entity files attack), its count
    of elements and of paragraphs, counted in the raw bytes before any tree is built.

    Raises:
        InputFileError: which limit, the file's figure, and the setting that holds the limit.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a zip at all: python-docx says so below, in its words
    mb = 1024 * 1024
    with archive:
        parts = archive.infolist()
        if len(parts) > settings.max_parts:
            raise InputFileError(
                f"{file_name}: a .docx of {len(parts):,} parts, over the {settings.max_parts:,} a Word file"
                " may have (DocxSettings.max_parts); re-save it from Word/LibreOffice"
            )
        total = sum(p.file_size for p in parts)
        if total > settings.max_total_mb * mb:
            raise InputFileError(
                f"{file_name}: its parts unpack to {total / mb:,.0f} MB, over the {settings.max_total_mb:,.0f}"
                " MB limit (DocxSettings.max_total_mb): a zip bomb, or a file full of pictures; re-save it"
                " without them"
            )
        for part in parts:
            if not part.filename.lower().endswith((".xml", ".rels")):
                continue
            if part.file_size > settings.max_part_mb * mb:
                raise InputFileError(
                    f"{file_name}: its part {part.filename} unpacks to {part.file_size / mb:,.0f} MB, over the"
                    f" {settings.max_part_mb:,.0f} MB limit for one part (DocxSettings.max_part_mb): a zip"
                    " bomb or a damaged file; re-save it from Word/LibreOffice"
                )
            try:
                xml = archive.read(part)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as e:
                raise InputFileError(
                    f"{file_name}: not a Word document or a damaged .docx package ({part.filename}: {e});"
                    " re-save it from Word/LibreOffice"
                ) from e
            if xml[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 (Word writes UTF-8): count in UTF-8
                xml = xml.decode("utf-16", errors="replace").encode()
            _check_xml(xml, part.filename, file_name, settings)


def _check_xml(xml: bytes, part: str, file_name: str, settings: DocxSettings) -> None:
    if _DTD.search(xml, 0, 64 * 1024):
        raise InputFileError(
            f"{file_name}: its part {part} declares a DTD with entities, which Word never writes (the way"
            " billion-laughs and external-entity attacks are built); refused"
        )
    if part == "word/document.xml":
        for paragraphs, _ in enumerate(_PARAGRAPH.finditer(xml), 1):
            if paragraphs > settings.max_paragraphs:
                raise InputFileError(
                    f"{file_name}: more than {settings.max_paragraphs:,} paragraphs"
                    " (DocxSettings.max_paragraphs, about 2,000 pages of text); split the document"
                )
    # every "<" that does not open an end tag, a comment, a DTD or a processing instruction opens an
    # element: an upper bound on the lxml nodes, counted in C over the raw bytes
    elements = xml.count(b"<") - xml.count(b"</") - xml.count(b"<!") - xml.count(b"<?")
    if elements > settings.max_elements:
        raise InputFileError(
            f"{file_name}: its part {part} holds {elements:,} XML elements, over the {settings.max_elements:,}"
            " limit (DocxSettings.max_elements); re-save it from Word/LibreOffice"
        )


def _page_size(document: DocxDocument) -> tuple[float, float]:
    section = document.sections[0] if document.sections else None
    if section is None or section.page_width is None or section.page_height is None:
        return _A4
    return section.page_width / _EMU_PER_POINT, section.page_height / _EMU_PER_POINT


def _page_break_before(paragraph: Paragraph) -> bool:
    return bool(paragraph.paragraph_format.page_break_before) and bool(paragraph.text.strip())


def _breaks_after(p_element: etree._Element) -> int:
    """Explicit page breaks inside the paragraph plus a non-continuous section break ending it."""
    count = len(p_element.xpath('.//w:br[@w:type="page"]'))
    sect = p_element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
    if sect is not None:
        kind = sect.find(qn("w:type"))
        if kind is None or kind.get(qn("w:val")) != "continuous":
            count += 1
    return count


def _is_bold(paragraph: Paragraph) -> bool:
    runs = [r for r in paragraph.runs if r.text.strip()]
    if not runs:
        return False
    style_bold = bool(paragraph.style is not None and paragraph.style.font.bold)
    return all(r.bold or (r.bold is None and style_bold) for r in runs)


def _jc(element: object) -> str | None:
    """The raw ``w:jc`` value of a paragraph or style element.

    Read from the XML rather than ``paragraph.alignment``: LibreOffice writes OOXML-strict values such as
    "start"/"end" that python-docx's enum cannot map (it raises ValueError on them).
    """
    p_pr = getattr(element, "pPr", None)
    jc = p_pr.find(qn("w:jc")) if p_pr is not None else None
    return jc.get(qn("w:val")) if jc is not None else None


def _is_centered(paragraph: Paragraph) -> bool:
    value = _jc(paragraph._p)
    if value is None and paragraph.style is not None:
        value = _jc(paragraph.style.element)
    return value == "center"


def _paragraph_blocks(paragraph: Paragraph, page: int, bbox: BBox) -> list[Block]:
    """One Block per paragraph; a soft line break inside a paragraph stays one Block (it is one item)."""
    text = clean_cell(paragraph.text)
    if not text:
        return []
    return [
        Block(page=page, text=text, bbox=bbox, bold=_is_bold(paragraph), centered=_is_centered(paragraph))
    ]


def _cell_paragraphs(tc: etree._Element) -> Iterator[etree._Element]:
    yield from tc.iter(qn("w:p"))


def _cell_text(tc: etree._Element) -> str:
    from docx.text.paragraph import Paragraph  # imported already by read_docx

    lines = [Paragraph(p, None).text for p in _cell_paragraphs(tc)]
    return clean_cell("\n".join(lines))


def _int_val(parent: etree._Element | None, tag: str, default: int) -> int:
    if parent is None:
        return default
    node = parent.find(qn(tag))
    if node is None:
        return default
    return int(node.get(qn("w:val"), default))


def _table_grid(tbl: etree._Element, page: int, top: float, width: float) -> TableGrid:
    """Rows of cell strings; a merged-away cell (gridSpan / vMerge continuation) is None."""
    rows: list[list[str | None]] = []
    for tr in tbl.iterchildren(qn("w:tr")):
        tr_pr = tr.find(qn("w:trPr"))
        row: list[str | None] = [None] * _int_val(tr_pr, "w:gridBefore", 0)
        for tc in tr.iterchildren(qn("w:tc")):
            tc_pr = tc.find(qn("w:tcPr"))
            span = _int_val(tc_pr, "w:gridSpan", 1)
            v_merge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
            continued = v_merge is not None and v_merge.get(qn("w:val"), "continue") == "continue"
            row.append(None if continued else _cell_text(tc))
            row.extend([None] * (span - 1))
        row.extend([None] * _int_val(tr_pr, "w:gridAfter", 0))
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    rows = [r + [None] * (width - len(r)) for r in rows]
    n = max(len(rows), 1)
    return TableGrid(
        page=page,
        bbox=(0.0, top, width, top + 1.0),
        rows=rows,
        row_tops=[top + i / n for i in range(len(rows))],
        method="docx",
    )


def _is_layout_table(grid: TableGrid) -> bool:
    """A header/signature table: at most 3 columns and no task-matrix header in its first two rows."""
    if not grid.rows or len(grid.rows[0]) > 3:
        return False
    for row in grid.rows[:2]:
        for cell in row:
            words = fold(cell or "")
            if any(words == w or words.startswith(w + " ") for w in _TASK_HEADER_WORDS):
                return False
    return True


def _layout_blocks(tbl: etree._Element, document: DocxDocument, page: int, bbox: BBox) -> list[Block]:
    from docx.text.paragraph import Paragraph  # imported already by read_docx

    """Cell lines of a layout table, row by row, left cell before right cell."""
    blocks: list[Block] = []
    for tr in tbl.iterchildren(qn("w:tr")):
        for tc in tr.iterchildren(qn("w:tc")):
            for p in _cell_paragraphs(tc):
                paragraph = Paragraph(p, document)
                for line in paragraph.text.split("\n"):
                    text = clean_cell(line)
                    if text:
                        blocks.append(
                            Block(
                                page=page,
                                text=text,
                                bbox=bbox,
                                bold=_is_bold(paragraph),
                                centered=_is_centered(paragraph),
                            )
                        )
    return blocks


def _split_pages(
    blocks: list[Block], tables: list[TableGrid], last_page: int, width: float, height: float
) -> list[PageText]:
    used = max([last_page] + [b.page for b in blocks] + [t.page for t in tables])
    # a trailing section break after the last paragraph does not open a real page
    while used > 1 and not any(b.page == used for b in blocks) and not any(t.page == used for t in tables):
        used -= 1
    return [
        PageText(
            page=n,
            width=width,
            height=height,
            method="docx",
            blocks=[b for b in blocks if b.page == n],
            tables=[t for t in tables if t.page == n],
        )
        for n in range(1, used + 1)
    ]
