"""What a file really is: its kind from its first bytes, not its name (a mislabelled file is caught here),
and its identity, the sha256 of its bytes (the ``doc_id``)."""

import hashlib
from typing import Literal

from models.errors import InputFileError

FileKind = Literal["pdf", "docx", "doc", "image"]

_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"II*\x00",  # TIFF little-endian
    b"MM\x00*",  # TIFF big-endian
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc (and .xls, .ppt)


def sha256_hex(data: bytes) -> str:
    """The document's identity: the same bytes under any name are the same document."""
    return hashlib.sha256(data).hexdigest()


def sniff(data: bytes, file_name: str) -> FileKind:
    """Classify bytes as a PDF, Word (.docx/.doc) or image file.

    Raises:
        InputFileError: empty or of a kind theodoi does not read; the message names what it looks like.
    """
    if not data:
        raise InputFileError(f"{file_name}: the file is empty (0 bytes); re-export or re-scan it")
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:200_000] or b"[Content_Types].xml" in data[:2000]:
            return "docx"
        raise InputFileError(f"{file_name}: a ZIP archive that is not a Word .docx file")
    if head.startswith(_OLE_MAGIC):
        return "doc"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head.lstrip().startswith((b"<html", b"<!DOCTYPE", b"<?xml")):
        looks = "an HTML/XML page"
    elif all(32 <= b < 127 or b in b"\r\n\t" for b in head[:200]):
        looks = "plain text"
    else:
        looks = "binary data of an unknown kind"
    raise InputFileError(
        f"{file_name}: not a PDF, Word or image file (it looks like {looks}); check the file's real type"
    )
