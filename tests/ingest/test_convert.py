"""convert_doc with the real LibreOffice: .doc -> .docx round trip, absent soffice, unreadable input."""

import shutil
from pathlib import Path

import pytest

from external.libreoffice import convert_doc
from models.errors import InputFileError, MissingDependencyError
from parsers.extractors.metadata import extract_metadata
from parsers.readers.docx_text import read_docx
from tests.shared_paths import REAL, needs_shared


def _need_soffice() -> None:
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")


@needs_shared
@pytest.mark.slow
def test_doc_round_trip_keeps_text_and_metadata(tmp_path: Path) -> None:
    _need_soffice()
    source = tmp_path / "tb.docx"
    shutil.copy(REAL / "07_TB-ketluan-HN-22-01-2026_draft.docx", source)
    doc = convert_doc(source, tmp_path / "doc", target="doc")  # make a real legacy .doc first
    assert doc.suffix == ".doc" and doc.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # OLE2 compound file
    docx = convert_doc(doc, tmp_path / "back")
    assert docx.suffix == ".docx"
    meta = extract_metadata(read_docx(docx.read_bytes(), docx.name))
    assert (meta.doc_type, meta.number, meta.issue_month) == ("THÔNG BÁO", "/TB-UBND", "2026-01")


def test_missing_soffice_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "a.doc"
    source.write_bytes(b"\xd0\xcf\x11\xe0")
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH on which no soffice exists
    with pytest.raises(MissingDependencyError, match="apt-get install libreoffice"):
        convert_doc(source, tmp_path / "out")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        convert_doc(tmp_path / "absent.doc", tmp_path / "out")


@pytest.mark.slow
def test_unconvertible_input(tmp_path: Path) -> None:
    _need_soffice()
    source = tmp_path / "broken.doc"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)  # an OLE2 header and nothing else
    with pytest.raises(InputFileError, match="could not convert"):
        convert_doc(source, tmp_path / "out", timeout_s=90)
