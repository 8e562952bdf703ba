"""The CLI end to end on the real sample PDFs and on bad input: one line per file, nothing half-written."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.cli import main
from models.errors import ExitCode
from models.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "samples" / "kh15_plan.pdf"
LETTER = ROOT / "samples" / "cv_kgvx_letter.pdf"


def _no_task_pdf(path: Path) -> None:
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, 760, "Meeting invitation: room 2, 14:00. Nothing is assigned here.")
    c.save()


@pytest.fixture
def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "inbox"
    folder.mkdir()
    files = {
        "empty": folder / "empty.pdf",
        "not_pdf": folder / "ke-hoach.pdf",
        "truncated": folder / "truncated.pdf",
        "encrypted": folder / "encrypted.pdf",
        "no_tasks": folder / "giay-moi.pdf",
    }
    files["empty"].write_bytes(b"")
    files["not_pdf"].write_text("Kế hoạch số 15/KH-BCĐ — đây là văn bản thuần, không phải PDF\n", encoding="utf-8")
    files["truncated"].write_bytes(PLAN.read_bytes()[: PLAN.stat().st_size // 3])
    subprocess.run(
        ["qpdf", "--encrypt", "user", "owner", "256", "--", str(PLAN), str(files["encrypted"])], check=True
    )
    _no_task_pdf(files["no_tasks"])
    return files


def test_ingest_sample_plan_then_again_is_a_noop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "r.sqlite"
    assert main(["ingest", str(PLAN), "--db", str(db), "--report", str(tmp_path / "b.json")]) == ExitCode.ok
    with Registry(db) as reg:
        [doc] = reg.documents()
        first = [t.task_id for t in reg.tasks()]
    assert doc.meta.number == "15/KH-BCĐ"
    assert len([t for t in first]) >= 119
    assert main(["ingest", str(PLAN), "--db", str(db), "--report", str(tmp_path / "b.json")]) == ExitCode.ok
    assert "already registered" in capsys.readouterr().err
    assert main(["ingest", str(PLAN), "--db", str(db), "--force", "--report", str(tmp_path / "b.json")]) == 0
    with Registry(db) as reg:
        assert [t.task_id for t in reg.tasks()] == first


def test_bad_files_are_reported_and_the_rest_goes_on(
    tmp_path: Path, bad_inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    good = bad_inputs["empty"].parent / "cv.pdf"
    shutil.copy(LETTER, good)
    db, report = tmp_path / "r.sqlite", tmp_path / "batch.json"
    code = main(["ingest", str(good.parent), "--db", str(db), "--report", str(report)])
    assert code == ExitCode.partial_batch
    err = capsys.readouterr().err
    expectations = {
        "empty.pdf": "empty",
        "ke-hoach.pdf": "not a PDF",
        "truncated.pdf": "truncated|corrupt|damaged",
        "encrypted.pdf": "encrypted|password",
        "giay-moi.pdf": "no task",
    }
    summary = json.loads(report.read_text(encoding="utf-8"))
    reasons = {Path(f["file"]).name: f["reason"] for f in summary["files"] if f["status"] == "failed"}
    assert set(reasons) == set(expectations)
    for name, pattern in expectations.items():
        assert any(w in reasons[name] for w in pattern.split("|")), (name, reasons[name])
        assert name in err
    assert err.count("FAILED") == len(expectations)
    with Registry(db) as reg:
        assert [d.file for d in reg.documents()] == ["cv.pdf"]
    assert summary["summary"]["failed"] == 5 and summary["summary"]["ingested"] == 1
    assert all(p.exists() for p in bad_inputs.values())  # inputs are never deleted


def test_export_json_follows_the_contract(tmp_path: Path) -> None:
    db, out = tmp_path / "r.sqlite", tmp_path / "tasks.json"
    main(["ingest", str(LETTER), "--db", str(db), "--report", str(tmp_path / "b.json")])
    assert main(["export", "--format", "json", "--db", str(db), "-o", str(out)]) == 0
    records = json.loads(out.read_text(encoding="utf-8"))
    assert records and all(r["source"] == "prose" for r in records)
    assert {r["document"]["doc_type"] for r in records} == {"CÔNG VĂN"}
    assert main(["export", "--format", "xlsx", "--db", str(db), "-o", str(tmp_path / "t.xlsx")]) == 0
    assert main(["export", "--format", "csv", "--db", str(db), "-o", str(tmp_path / "t.csv")]) == 0


def test_bad_arguments_exit_1(tmp_path: Path) -> None:
    assert main(["ingest", str(tmp_path / "missing.pdf"), "--db", str(tmp_path / "r.sqlite")]) == ExitCode.bad_args
    assert main(["tasks", "--due-before", "31/02/2026", "--db", str(tmp_path / "r.sqlite")]) == ExitCode.bad_args
    assert main(["tasks", "--due-before", "2026-13-01", "--db", str(tmp_path / "r.sqlite")]) == ExitCode.bad_args
    assert not (tmp_path / "r.sqlite").exists()  # refused before any registry was opened
