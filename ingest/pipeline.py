"""One file's bytes through the parsers: bytes -> pages -> tables/prose -> tasks, without side effects.

The pure middle of the spine (``ingest.spine.parse`` calls ``parse_kind``); reading files, the size limit
and the registry transaction are ``ingest.spine``'s. Stages are a straight list of calls, as in OCRmyPDF's
``_run_pipeline``: read, OCR where the text layer fails, metadata, tables, prose, normalise.
"""

from __future__ import annotations

import re

from ingest.detect import FileKind, sha256_hex, sniff
from ingest.resources import load_gazetteer
from models.document import Document, DocumentMeta
from models.errors import NoTasksFound
from models.page import ParsedFile
from models.parsed import ParsedDocument
from models.settings import IngestSettings
from models.task import RawTask
from parsers.extractors import directives, metadata, tables
from parsers.normalisers import agency, normalise
from parsers.normalisers.agency import Gazetteer
from parsers.normalisers.text import fold
from parsers.readers import docx_text, legacy, limits, ocr, pdf_text, quality

PIPELINE_VERSION = "pipeline.v1"


def read_document(data: bytes, file_name: str, kind: FileKind, settings: IngestSettings) -> ParsedFile:
    """Bytes to pages, choosing per page between the text layer and OCR."""
    if kind == "doc":
        from external import libreoffice  # needed for legacy .doc files only

        data, kind = libreoffice.doc_to_docx_bytes(data, file_name, settings.docx.convert_timeout_s), "docx"
    if kind == "docx":
        return docx_text.read_docx(data, file_name, settings.docx)
    if kind == "image":
        limits.check_image(data, file_name, settings.ocr)  # frame count and pixels, before decoding
        return ocr.read_image(data, file_name, settings.ocr)
    parsed = pdf_text.read_pdf(data, file_name, settings.pdf, settings.tables)
    pages = [legacy.fix_legacy_page(p) for p in parsed.pages]
    if settings.ocr_mode == "never":
        return parsed.model_copy(update={"pages": pages})
    todo = [p.page for p in pages if settings.ocr_mode == "force" or quality.page_needs_ocr(p, settings.pdf)]
    if todo:  # a 200-inch page is refused; blank pages are not worth an OCR pass
        limits.check_ocr_pages(pages, todo, file_name, settings.ocr)
        todo = sorted(set(todo) - limits.blank_pages(data, todo))
    if todo:
        redone = {p.page: p for p in ocr.ocr_pdf_pages(data, todo, settings.ocr)}
        pages = [redone.get(p.page, p) for p in pages]
    return parsed.model_copy(update={"pages": pages})


def _document_order(raws: list[RawTask]) -> list[RawTask]:
    """Table and prose tasks interleaved by where they start; each extractor's own order kept."""
    ranked = sorted(raws, key=lambda r: (min(r.pages, default=0), r.source == "table", r.order))
    return [r.model_copy(update={"order": i}) for i, r in enumerate(ranked)]


def _method(parsed: ParsedFile) -> str:
    methods = {p.method for p in parsed.pages}
    return methods.pop() if len(methods) == 1 else ("mixed" if methods else "text")


def parse_kind(
    data: bytes,
    file_name: str,
    kind: FileKind,
    doc_id: str,
    settings: IngestSettings,
    gazetteer: Gazetteer | None = None,
) -> ParsedDocument:
    """Parse bytes already sniffed and hashed (``ingest.spine.prepare`` did) into a Document and its Tasks.

    Raises:
        InputFileError: the bytes cannot be read as a document of ``kind``, or hold no task at all.
    """
    parsed = read_document(data, file_name, kind, settings)
    return extract_document(parsed, doc_id, file_name, settings, gazetteer)


def parse_bytes(
    data: bytes, file_name: str, settings: IngestSettings, gazetteer: Gazetteer | None = None
) -> ParsedDocument:
    """Parse bytes from anywhere (tests, benches) into a Document and its Tasks, without touching the
    registry; the size limit is the spine's (``ingest.spine.admit``), not checked here.

    Raises:
        InputFileError: unreadable, of an unsupported kind, or holding no task at all.
    """
    return parse_kind(data, file_name, sniff(data, file_name), sha256_hex(data), settings, gazetteer)


def _level(name: str | None, gazetteer: Gazetteer) -> set[str]:
    levels = set()
    for ref in agency.split_agencies(name, gazetteer):
        entry = gazetteer.entry(ref.name)
        if entry is not None:
            levels.add(entry.level)
    return levels


def _issuing_body(meta: DocumentMeta, gazetteer: Gazetteer) -> str | None:
    """The body that issues, without the one above it in the letterhead ("Sở TT&TT" of "Sở … UBND tỉnh")."""
    refs = [r for r in agency.split_agencies(meta.issuer, gazetteer) if r.kind != "unknown"]
    return refs[0].name if refs else None


def _is_upward(meta: DocumentMeta, gazetteer: Gazetteer) -> bool:
    """A letter from a province-level body to a central one ("Kính gửi: Tổ Công tác … – Bộ Công an"):
    its "đề nghị …" lines ask a superior; they assign nothing."""
    if fold(meta.doc_type or "") != "công văn" or not meta.recipients:  # only letters have "Kính gửi"
        return False
    issuer = _level(meta.issuer, gazetteer)
    addressee = meta.recipients[0]  # a letter's first recipient is its "Kính gửi" addressee
    if not issuer or "central" in issuer or _COPY_FOR_INFO.search(addressee):
        return False
    return "central" in _level(addressee, gazetteer)


# "Bộ Nội vụ (báo cáo)", "(b/c)": a copy sent up for information in "Nơi nhận", not the addressee
_COPY_FOR_INFO = re.compile(r"\((?:báo cáo|b/c|b/cáo|để b/c)\)", re.IGNORECASE)


def extract_document(
    parsed: ParsedFile,
    doc_id: str,
    file_name: str,
    settings: IngestSettings,
    gazetteer: Gazetteer | None = None,
) -> ParsedDocument:
    """Pages to a Document and its Tasks: metadata, table tasks, prose tasks, normalisation.

    Split from ``parse_bytes`` so that the real-corpus bench can re-run extraction on pages it read once
    (OCR is the slow part and does not change when the extractors do).

    Raises:
        NoTasksFound: neither a task table nor a directive was found.
    """
    gazetteer = gazetteer or load_gazetteer(settings.gazetteer_paths, settings.agency)
    meta = metadata.extract_metadata(parsed)
    raws = tables.extract_table_tasks(parsed, settings.tables)
    if settings.directives.enabled:
        raws += directives.extract_prose_tasks(
            parsed,
            settings.directives,
            meta.doc_type,
            upward=_is_upward(meta, gazetteer),
            issuer=_issuing_body(meta, gazetteer),
        )
    if not raws:
        raise NoTasksFound(
            f"{file_name}: no task table and no directive found in {len(parsed.pages)} page(s);"
            " if it does hold tasks, send the file to the maintainers as a parser sample"
        )
    found = normalise.normalise_tasks(_document_order(raws), doc_id, meta, gazetteer)
    warnings = [f"page {p.page}: {w}" for p in parsed.pages for w in p.warnings]
    document = Document(
        doc_id=doc_id,
        file=file_name,
        meta=meta,
        pages=len(parsed.pages),
        method=_method(parsed),
        task_count=len(found),
        parser_version=PIPELINE_VERSION,
    )
    return ParsedDocument(document=document, tasks=found, warnings=warnings)
