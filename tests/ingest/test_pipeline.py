"""parse_bytes on the committed samples: every reader (PDF text layer, .docx, .doc) gives the same tasks."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ingest.pipeline import parse_bytes
from models.settings import IngestSettings

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


def _expected(name: str) -> list[dict]:
    return json.loads((SAMPLES / "expected" / f"{name}.tasks.json").read_text(encoding="utf-8"))["tasks"]


def _keys(tasks: list) -> list[tuple]:
    return [(t.source, t.annex, t.section, t.stt, t.text) for t in tasks]


@pytest.mark.parametrize("name", ["kh15_plan", "cv_kgvx_letter"])
def test_pdf_and_docx_give_the_same_tasks(name: str) -> None:
    settings = IngestSettings()
    from_pdf = parse_bytes((SAMPLES / f"{name}.pdf").read_bytes(), f"{name}.pdf", settings)
    from_docx = parse_bytes((SAMPLES / f"{name}.docx").read_bytes(), f"{name}.docx", settings)
    assert len(from_pdf.tasks) == len(_expected(name))
    assert sorted(_keys(from_docx.tasks)) == sorted(_keys(from_pdf.tasks))
    assert from_docx.document.method == "docx" and from_pdf.document.method == "text"
    assert from_docx.document.meta.number == from_pdf.document.meta.number


def test_a_docx_named_pdf_is_read_as_what_it_is() -> None:
    data = (SAMPLES / "cv_kgvx_letter.docx").read_bytes()
    parsed = parse_bytes(data, "cong-van.pdf", IngestSettings())
    assert parsed.document.method == "docx" and len(parsed.tasks) == 26


@pytest.mark.slow
def test_legacy_doc_goes_through_libreoffice(tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice (soffice) is not installed: run `make install` (libreoffice-writer-nogui)")
    source = tmp_path / "letter.docx"
    shutil.copy(SAMPLES / "cv_kgvx_letter.docx", source)
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "doc:MS Word 97", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    doc = tmp_path / "letter.doc"
    parsed = parse_bytes(doc.read_bytes(), doc.name, IngestSettings())
    assert len(parsed.tasks) == 26
    assert [t.stt for t in parsed.tasks][:3] == ["1.1", "1.2", "1.3"]


@pytest.mark.parametrize("name", ["tcvn3_plan.pdf", "vni_plan.pdf"])
def test_legacy_encoded_pdfs_give_their_tasks(name: str) -> None:
    parsed = parse_bytes((SAMPLES / "legacy" / name).read_bytes(), name, IngestSettings())
    meta = parsed.document.meta
    assert (meta.number, meta.doc_type, str(meta.issue_date)) == ("15/KH-UBND", "KẾ HOẠCH", "2026-01-30")
    assert meta.subject == "Triển khai nhiệm vụ chuyển đổi số năm 2026"
    got = [
        ([a.name for a in t.lead], [a.name for a in t.co], t.deadline.kind, str(t.deadline.due), t.deadline.recurrence)
        for t in parsed.tasks
    ]
    kst, group = ["Sở Khoa học và Công nghệ"], ["Các sở, ngành liên quan"]
    assert got == [
        (kst, group, "quarter", "2026-06-30", None),
        (kst, group, "recurring", "None", "yearly"),
        (["Sở Nội vụ"], [], "date", "2026-06-30", None),
    ]
    assert parsed.tasks[0].text.startswith("Xây dựng cơ sở dữ liệu dùng chung của tỉnh")
