"""What a short command loads: ``theodoi --version`` and a digital-only parse import nothing they do not use.

Issue 12 (speed): start-up was 0.7 s because every command imported the parsers' heavy libraries. Each
check starts a fresh interpreter, as a user does, and reads ``sys.modules`` after the work.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules_after(code: str) -> set[str]:
    """Top-level module names loaded by a fresh interpreter once ``code`` has run (it must not print)."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_version_loads_no_registry_parser_or_cluster_library() -> None:
    code = (
        "import contextlib, io, sys\nfrom ingest.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n    main(['--version'])\n"
        "assert out.getvalue().startswith('theodoi '), out.getvalue()"
    )
    loaded = _modules_after(code)
    heavy = {"pydantic", "sqlalchemy", "spacy", "dask", "distributed", "pdfplumber", "cv2", "docx", "openpyxl"}
    assert not loaded & heavy


def test_reading_a_pdf_does_not_import_python_docx() -> None:
    code = (
        "from pathlib import Path\nfrom models.settings import PdfSettings\n"
        "from parsers.readers import docx_text\nfrom parsers.readers.pdf_text import read_pdf\n"
        "read_pdf(Path('samples/cv_kgvx_letter.pdf').read_bytes(), 'cv.pdf', PdfSettings())"
    )
    loaded = _modules_after(code)
    assert "pdfplumber" in loaded and "docx" not in loaded


def test_a_one_file_ingest_parses_in_the_parse_server_and_loads_no_parser_in_the_command(tmp_path: Path) -> None:
    """The command's own process opens the registry and writes; the parsers (spaCy, pdfplumber, OpenCV)
    are loaded once, in the parse server its workers are forked from, never a second time here."""
    db, report = tmp_path / "r.sqlite", tmp_path / "r.json"
    code = (
        "from ingest.cli import main\n"
        f"assert main(['ingest', 'samples/cv_kgvx_letter.pdf', '--db', {str(db)!r}, '--report', {str(report)!r},"
        " '-q']) == 0"
    )
    loaded = _modules_after(code)
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["ingested"] == 1
    assert "sqlalchemy" in loaded
    assert not loaded & {"spacy", "pdfplumber", "pdfminer", "cv2", "pypdfium2", "docx", "yaml"}


QUERY_COMMANDS = [
    ["tasks", "--agency", "Sở Nội vụ", "--overdue", "--as-of", "2026-07-01"],
    ["tasks", "--doc", "15/KH-BCĐ"],
    ["status", "--as-of", "2026-07-01"],
    ["documents"],
    ["agencies"],
]


def test_query_commands_import_no_pairing_spreadsheet_or_template_library(tmp_path: Path) -> None:
    """Issue 15: a query command's whole process is its start-up plus a few indexed reads, so it loads
    neither the diff's numeric libraries (numpy, scipy, rapidfuzz: only pairing uses them) nor openpyxl
    (XLSX only) nor jinja2 (the report only), nor SQLAlchemy's PostgreSQL dialect on a SQLite registry."""
    db = tmp_path / "r.sqlite"
    samples = [str(ROOT / "samples" / n) for n in ("kh15_plan.pdf", "kh15_plan_v2.pdf")]
    made = subprocess.run(
        [sys.executable, "-m", "ingest", "-q", "ingest", *samples, "--db", str(db), "--report", str(tmp_path / "b.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    heavy = {"numpy", "scipy", "rapidfuzz", "openpyxl", "jinja2"}
    for args in QUERY_COMMANDS:
        code = (
            "import contextlib, io\nfrom ingest.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()) as out:\n    code = main({[*args, '--db', str(db)]!r})\n"
            "assert code == 0 and out.getvalue(), code"
        )
        loaded = _modules_after(code)
        assert "sqlalchemy" in loaded  # the probe did read the registry
        assert not loaded & heavy, (args, loaded & heavy)
    dialects = _modules_after(f"from store.registry import Registry\nRegistry({str(db)!r}).tasks()\n"
                              "import sys\nassert 'sqlalchemy.dialects.postgresql' not in sys.modules")  # fmt: skip
    assert "sqlalchemy" in dialects
