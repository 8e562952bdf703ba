"""A document's identity: what analysts search and cite (number, date, issuer, subject)."""

import datetime as dt

from models.base import Frozen


class DocRef(Frozen):
    """A document cited by this one ("Kế hoạch số 07-KH/BCĐ, ngày 10/4/2026")."""

    raw: str
    doc_type: str | None = None
    number: str | None = None
    date: dt.date | None = None


class DocumentMeta(Frozen):
    """Metadata read from the header, title, V/v line and signature block (Nghị định 30/2020 layout)."""

    doc_type: str | None = None
    number: str | None = None
    issue_date: dt.date | None = None
    issue_month: str | None = None  # "2026-06" when only month and year are printed
    place: str | None = None
    issuer: str | None = None
    issuer_raw: str | None = None
    subject: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    recipients: list[str] = []
    references: list[DocRef] = []


class Rendition(Frozen):
    """One file of a logical document (the Word draft, the signed PDF, a scan): how it was read, when."""

    doc_id: str  # sha256 of the file's bytes
    file: str
    method: str = "text"
    pages: int = 0
    task_count: int = 0
    received: str | None = None  # when it was ingested (ISO, UTC)
    primary: bool = False  # its tasks are the ones stored for the document


class Document(Frozen):
    """A registered file: its bytes' hash is its identity.

    Read back from the registry it stands for its *logical document*: the best rendition's record, with
    ``logical_id`` and every ``renditions`` filled in (fields one file lacks come from another).
    """

    doc_id: str  # sha256 of the file's bytes
    file: str
    meta: DocumentMeta = DocumentMeta()
    pages: int = 0
    method: str = "text"  # text | ocr | mixed | docx
    task_count: int = 0
    parser_version: str = ""
    ingested_at: str | None = None
    # where the file was when it was ingested (absolute; the watcher then files it under processed/)
    path: str | None = None
    logical_id: str | None = None
    renditions: list[Rendition] = []
