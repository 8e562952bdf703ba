"""What the readers (text layer, OCR, Word) produce: pages of positioned text blocks and table grids.

Both the digital and the OCR path emit the same ``PageText``, so table and prose logic is written once.
Coordinates are in PDF points (1/72 in) from the page's top-left corner, whatever the reader.
"""

from typing import Literal

from models.base import Frozen

Method = Literal["text", "ocr", "docx"]
BBox = tuple[float, float, float, float]  # x0, top, x1, bottom


class Block(Frozen):
    """One line (or paragraph, for Word files) of running text outside tables, in reading order."""

    page: int
    text: str
    bbox: BBox | None = None
    bold: bool = False
    centered: bool = False
    confidence: float | None = None


class TableGrid(Frozen):
    """One ruled table on one page, as rows of cell strings (None: a merged-away or absent cell).

    ``cell_confidence`` is filled by OCR (0..1 per cell) and is None on the text layer.
    ``row_tops`` lets the table logic order grids against the text blocks of the same page.
    """

    page: int
    bbox: BBox
    rows: list[list[str | None]]
    row_tops: list[float] = []
    cell_confidence: list[list[float | None]] | None = None
    method: Method = "text"


class PageText(Frozen):
    """One page as the readers see it: text blocks and table grids, plus how it was read."""

    page: int  # 1-based
    width: float
    height: float
    method: Method
    blocks: list[Block] = []
    tables: list[TableGrid] = []
    confidence: float | None = None  # mean OCR word confidence 0..1, None for a text layer
    ocr_failed: bool = False
    fonts: list[str] = []  # font names on the page (text layer); ".VnTime", "VNI-Times" flag legacy encodings
    warnings: list[str] = []

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


class ParsedFile(Frozen):
    """A whole input file read into pages; the only thing the extraction stages look at."""

    source_sha256: str
    file_name: str
    pages: list[PageText]
    kind: Literal["pdf", "image", "docx", "doc"] = "pdf"
