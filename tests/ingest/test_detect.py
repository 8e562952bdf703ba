"""File kinds come from the bytes, so a mislabelled file is caught with a reason."""

import io
import zipfile

import pytest

from ingest.detect import sniff
from models.errors import InputFileError


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", "pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
        (b"II*\x00\x08\x00\x00\x00", "image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "doc"),
    ],
)
def test_known_kinds(data: bytes, kind: str) -> None:
    assert sniff(data, "x.bin") == kind


def test_docx_is_a_zip_with_word_parts() -> None:
    assert sniff(_zip(["[Content_Types].xml", "word/document.xml"]), "a.docx") == "docx"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"Ke hoach so 15/KH-BCD\nnot a pdf at all\n", "plain text"),
        (b"<!DOCTYPE html><html>", "HTML"),
        (bytes(range(256)) * 4, "unknown kind"),
    ],
)
def test_unsupported_bytes_say_what_they_look_like(data: bytes, reason: str) -> None:
    with pytest.raises(InputFileError, match=reason):
        sniff(data, "ke-hoach.pdf")


def test_a_zip_that_is_not_word_is_refused() -> None:
    with pytest.raises(InputFileError, match="not a Word"):
        sniff(_zip(["data.csv"]), "a.pdf")
