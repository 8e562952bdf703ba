"""One frozen settings model per stage, grouped in IngestSettings; validated where they are built."""

from pathlib import Path
from typing import Any, Literal, Self

from pydantic import Field

from models.base import Frozen

DEFAULT_FILE_TIMEOUT_S = 600.0  # ten minutes: about 200 scanned pages on a small machine


class _Resolvable(Frozen):
    @classmethod
    def resolve(cls, value: "dict[str, Any] | Self | None") -> Self:
        """Accept None (defaults), a dict of overrides or an instance, as pdfplumber's TableSettings does."""
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        return cls.model_validate(value)


class PdfSettings(_Resolvable):
    max_pages: int = Field(2000, gt=0)
    max_file_mb: float = Field(512, gt=0)
    # a text-layer page with fewer real letters than this is treated as having no text layer
    min_text_chars: int = Field(20, ge=0)
    # grouping characters into words and lines (points; pdfplumber's defaults)
    x_tolerance: float = Field(3.0, ge=0)
    y_tolerance: float = Field(3.0, ge=0)
    # a horizontal gap wider than this many font sizes splits a printed line in two blocks: the two-column
    # letterhead is ~1.9 em apart in the KH 15 sample, justified body text stays under 0.6 em
    column_gap_em: float = Field(1.2, gt=0)
    # a ruled "table" whose 3+ rows hold text in one cell at this share or more is prose inside rules
    ruled_text_share: float = Field(0.75, gt=0, le=1)


class OrientationSettings(_Resolvable):
    """When a scanned page is turned (``parsers.readers.image_prep.orient_page``).

    Measured on the 22 sample pages and the 73 real scanned pages (``tests/test_orientation.py``): geometry
    alone turns a page only when its evidence is clear; in between, only a reading check that finds the
    turned page clearly more readable turns it, never a default. Raise the "clear" bounds, never lower them
    without re-running that test: a wrong turn loses a whole page.
    """

    sideways_doubt: float = Field(0.8, gt=0)  # vertical_ratio at or above: maybe sideways
    sideways_clear: float = Field(
        2.5, gt=0
    )  # ... at or above (with min_lines_clear lines once turned): sideways
    upside_down_doubt: float = Field(1.0, gt=0)  # below/above-the-line ink ratio above: maybe upside down
    upside_down_clear: float = Field(1.8, gt=0)  # ... at or above (with min_lines_clear lines): upside down
    min_lines: int = Field(4, ge=1)  # fewer text lines than this: no evidence, the page stays as it is
    min_lines_clear: int = Field(8, ge=1)
    min_read_words: int = Field(5, ge=1)  # a reading check with fewer words either way decides nothing
    read_min_score: float = Field(0.2, ge=0, le=1)  # a turned reading must be at least this readable...
    read_factor: float = Field(1.5, ge=1)  # ...and beat the page as it is by this factor...
    read_margin: float = Field(0.1, ge=0)  # ...and this margin


class OcrSettings(_Resolvable):
    lang: str = "vie"
    dpi: int = Field(300, ge=72, le=600)
    page_timeout_s: float = Field(120, gt=0)
    workers: int = Field(0, ge=0)  # 0: one per core
    max_image_pixels: int = Field(120_000_000, gt=0)  # decompression-bomb guard, per page
    # a multi-page image (TIFF) is refused above this many pages, or above this many pixels in all
    # (every frame is decoded before OCR: 1,000 megapixels is about 1 GB), from its headers
    max_image_pages: int = Field(500, gt=0)
    max_total_pixels: int = Field(1_000_000_000, gt=0)
    orientation: OrientationSettings = OrientationSettings()


class DocxSettings(_Resolvable):
    """Caps on a .docx package, checked from its zip directory and raw XML before python-docx parses it."""

    max_part_mb: float = Field(64, gt=0)  # one XML part (document.xml) unpacked
    max_total_mb: float = Field(512, gt=0)  # every part unpacked (python-docx holds them all, media too)
    max_parts: int = Field(5000, gt=0)
    max_paragraphs: int = Field(100_000, gt=0)  # about 2,000 pages of text
    max_elements: int = Field(2_000_000, gt=0)  # XML elements of one part (each is an lxml node)
    # a legacy .doc is converted by LibreOffice first (external/libreoffice.py); abandoned after this long
    convert_timeout_s: float = Field(120, gt=0)


class TableSettings(_Resolvable):
    snap_tolerance: float = Field(3, ge=0)
    join_tolerance: float = Field(3, ge=0)
    intersection_tolerance: float = Field(3, ge=0)


class AgencySettings(_Resolvable):
    """How close a printed name must be to a known body to be read as it (``parsers.normalisers.agency``).

    Measured on the samples and ``../shared/real`` (``bench/accuracy.py``, ``bench/real.py``): lower bounds
    read more OCR damage and invent more bodies; every value here is a trade between the two.
    """

    # a cell's match on stripped marks counts when the folded texts are at least this close (0..1): cells
    # hold nothing but bodies, so they can be lenient (prose is cut into body spans first)
    cell_skeleton_min: float = Field(0.8, ge=0, le=1)
    cell_max_mark_slips: int = Field(2, ge=0)  # ... or when at most this many characters differ in marks only
    # rapidfuzz ratio (0..100) a leftover piece of a cell needs to be read as an alias
    fuzzy_min: float = Field(86.0, ge=0, le=100)
    fuzzy_min_chars: int = Field(6, ge=1)  # shorter pieces are never fuzzy-matched ("Y tê" is too short)
    # aliases at least this alike as folded strings are compared on their OCR forms too, this many at most
    fuzzy_floor: float = Field(70.0, ge=0, le=100)
    fuzzy_limit: int = Field(8, ge=1)
    place_max_tokens: int = Field(6, ge=1)  # a place name after "xã", "phường" … has at most this many words
    # a lead cell that reads as no body is read as a body its document names elsewhere when their letters
    # are this alike (rapidfuzz ratio) and the cell keeps this many letters
    damaged_min: float = Field(85.0, ge=0, le=100)
    damaged_min_chars: int = Field(6, ge=1)


class DirectiveSettings(_Resolvable):
    enabled: bool = True


class WatchSettings(_Resolvable):
    """The inbox watcher's timings (``ingest.watch``); ``theodoi watch`` sets the first three from its options."""

    settle_s: float = Field(2.0, ge=0)  # a file's size and mtime must stay still this long before it is taken
    settle_timeout_s: float = Field(120.0, ge=0)  # a PDF without %%EOF, unchanged this long, is read as it is
    interval_s: float = Field(1.0, gt=0)  # between rescans while files settle (or when polling)
    idle_rescan_s: float = Field(30.0, gt=0)  # between rescans when inotify watches and nothing settles
    retry_s: float = Field(30.0, gt=0)  # first wait before a file deferred for a retry; doubled each time
    max_retry_s: float = Field(600.0, gt=0)  # up to this
    once_wait_s: float = Field(30.0, ge=0)  # --once: how long files still settling are waited for


class IngestSettings(_Resolvable):
    pdf: PdfSettings = PdfSettings()
    ocr: OcrSettings = OcrSettings()
    tables: TableSettings = TableSettings()
    docx: DocxSettings = DocxSettings()
    directives: DirectiveSettings = DirectiveSettings()
    agency: AgencySettings = AgencySettings()
    gazetteer_paths: list[Path] = []  # extra gazetteer files (another province) on top of the default
    ocr_mode: Literal["auto", "never", "force"] = "auto"
    # a parse that takes longer is killed and its file reported "took longer than N s" (--file-timeout);
    # 0: no limit (and --workers 0 parses in the main process itself)
    file_timeout_s: float = Field(DEFAULT_FILE_TIMEOUT_S, ge=0)
    # the memory one parse worker may allocate (RLIMIT_DATA, inherited by tesseract and LibreOffice):
    # past it the parse fails with "needs more than N MB" instead of the machine swapping; 0: no limit
    worker_memory_mb: int = Field(2048, ge=0)
