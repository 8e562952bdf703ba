"""The CLI end to end on the real sample PDFs and on bad input: one line per file, nothing half-written."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.cli import main
from models.document import Document, DocumentMeta
from models.errors import ExitCode
from models.task import AgencyRef, Deadline, RawTask, Task
from store.export import csv_cell
from store.registry import Registry, TaskFilter

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


# -- what the terminal commands print (issue 11 items 3-5, 8; issue 14 markup and wildcards) --------------

V2 = ROOT / "samples" / "kh15_plan_v2.pdf"
SCAN_1 = ROOT / "samples" / "scans" / "cv_kgvx_letter_p4_300dpi.pdf"
SCAN_3 = ROOT / "samples" / "scans" / "kh15_p06-08_200dpi.pdf"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def cli(args: list[str], cwd: Path, columns: int = 80, **env: str) -> subprocess.CompletedProcess[str]:
    """``theodoi ARGS`` as a user runs it, stdout not a terminal (so rich uses COLUMNS for the width)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("THEODOI_") and k != "FORCE_COLOR"}
    done = subprocess.run(
        [sys.executable, "-m", "ingest", *args], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**clean, "PYTHONPATH": str(ROOT), "COLUMNS": str(columns), **env},
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("samples") / "registry.sqlite"
    args = ["ingest", str(PLAN), str(V2), str(LETTER), "--db", str(db), "--report", str(db.parent / "b.json")]
    assert main(args) == ExitCode.ok
    return db


def column(lines: list[str], head: str, next_head: str | None) -> str:
    """The text of one table column, read by the position of its header on the header line
    (``next_head=None``: the last column)."""
    header = next(line for line in lines if f" {head}" in line and (next_head is None or f" {next_head}" in line))
    start = header.index(f" {head}") + 1
    end = header.index(f" {next_head}") + 1 if next_head else None
    body = lines[lines.index(header) + 2 :]
    return "".join(line[start:end] for line in body)


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_tasks_wrap_at_80_columns_and_nothing_is_cut(samples_db: Path, tmp_path: Path) -> None:
    # issue 13: 21/KH-BCĐ restates most of 15/KH-BCĐ, so its superseded tasks need --all-versions
    done = cli(["tasks", "--db", str(samples_db), "--doc", "15/KH-BCĐ", "--all-versions"], tmp_path)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in done.stdout
    with Registry(samples_db) as reg:
        plan = [t for t in reg.tasks() if t.doc_id == reg.find_documents("15/KH-BCĐ")[0].doc_id]
    text_column = squeeze(column(lines, "nhiệm vụ", "chủ trì"))
    for t in plan:  # every task's whole text, in order, in its column (wrapped, never cut)
        assert squeeze(t.text) in text_column, t.text
    deadline_column = squeeze(column(lines, "thời hạn", None))
    for t in plan:  # the deadline as printed, whole ("Hoàn thành trước ngày 20/01/2026" keeps its year)
        assert squeeze(t.deadline.raw or "") in deadline_column, t.deadline.raw
    assert "15/KH-BCĐ" in done.stdout and "30/01/2026" in done.stdout  # number and date, not a hash
    assert plan[0].doc_id[:8] not in done.stdout
    assert done.stderr == f"{len(plan)} nhiệm vụ\n"


def test_documents_by_number_and_date_at_80_columns(samples_db: Path, tmp_path: Path) -> None:
    done = cli(["documents", "--db", str(samples_db)], tmp_path)
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and max(len(line) for line in lines) <= 80
    rows = {line.split()[0]: line for line in lines if line.split() and "/" in line.split()[0]}
    assert "15/KH-BCĐ" in rows and "30/01/2026" in rows["15/KH-BCĐ"]
    assert "21/KH-BCĐ" in rows and "16/03/2026" in rows["21/KH-BCĐ"]
    assert "/UBND-KGVX" in rows and "06/2026" in rows["/UBND-KGVX"]
    assert not re.search(r"[0-9a-f]{10}", done.stdout)  # no hash in the table
    wide = cli(["documents", "--db", str(samples_db), "--wide"], tmp_path)
    with Registry(samples_db) as reg:
        docs = reg.documents()
    for d in docs:  # --wide: one line per document, with its full id
        assert any(d.file in line and d.doc_id in line and str(d.task_count) in line for line in wide.stdout.splitlines())


def test_wide_keeps_each_task_on_one_line(samples_db: Path, tmp_path: Path) -> None:
    done = cli(["tasks", "--db", str(samples_db), "--doc", "21/KH-BCĐ", "--wide"], tmp_path)
    with Registry(samples_db) as reg:
        v2 = [t for t in reg.tasks() if t.doc_id == reg.find_documents("21/KH-BCĐ")[0].doc_id]
    lines = done.stdout.splitlines()
    assert all(any(t.text in line for line in lines) for t in v2 if "\n" not in t.text)


def test_formats_json_and_csv_hold_every_value_whole(samples_db: Path, tmp_path: Path) -> None:
    with Registry(samples_db) as reg:
        everything = reg.tasks(TaskFilter(current=True))  # issue 13: tasks a later version restates are hidden
    as_json = json.loads(cli(["tasks", "--db", str(samples_db), "-f", "json"], tmp_path).stdout)
    assert [r["task_id"] for r in as_json] == [t.task_id for t in everything]
    assert {r["text"] for r in as_json} == {t.text for t in everything}
    assert {"document", "deadline", "lead", "co"} <= set(as_json[0])  # the export contract's record
    rows = list(csv.reader(io.StringIO(cli(["tasks", "--db", str(samples_db), "-f", "csv"], tmp_path).stdout)))
    assert rows[0][:3] == ["số hiệu", "ngày", "phụ lục"] and len(rows) == len(everything) + 1
    by_id = {r[-2]: r for r in rows[1:]}
    assert all(by_id[t.task_id][5] == csv_cell(t.text) for t in everything)  # whole ("- …" gets its ')
    english = next(csv.reader(io.StringIO(cli(["tasks", "--db", str(samples_db), "-f", "csv", "--lang", "en"],
                                              tmp_path).stdout)))  # fmt: skip
    assert english[:3] == ["number", "date", "annex"]
    agencies = json.loads(cli(["agencies", "--db", str(samples_db), "-f", "json"], tmp_path).stdout)
    assert {"name", "kind", "mentions"} == set(agencies[0]) and agencies[0]["mentions"] >= agencies[-1]["mentions"]
    docs = json.loads(cli(["documents", "--db", str(samples_db), "-f", "json"], tmp_path).stdout)
    assert sorted(d["number"] for d in docs) == ["/UBND-KGVX", "15/KH-BCĐ", "21/KH-BCĐ"]


def test_documents_limit_lists_the_most_recently_received_and_says_how_many_there_are(
    samples_db: Path, tmp_path: Path
) -> None:
    """Issue 15: an archive holds thousands of documents; the list shows the latest (--limit, as tasks
    does), builds only those, and the count on stderr is the registry's, not the page's."""
    with Registry(samples_db) as reg:
        every = reg.documents()
    latest = sorted(every, key=lambda d: max(r.received or "" for r in d.renditions), reverse=True)[:2]
    done = cli(["documents", "--db", str(samples_db), "-f", "json", "--limit", "2"], tmp_path)
    shown = json.loads(done.stdout)
    assert len(every) == 3 and sorted(d["doc_id"] for d in shown) == sorted(d.doc_id for d in latest)
    assert done.stderr.splitlines()[0] == "3 văn bản (hiển thị 2, xem --limit)"
    assert len(json.loads(cli(["documents", "--db", str(samples_db), "-f", "json"], tmp_path).stdout)) == 3


def test_export_reads_the_documents_a_chunk_at_a_time_in_the_listing_order(samples_db: Path) -> None:
    """Issue 15: an export walks every logical document; it builds them a chunk at a time (flat memory at
    a million tasks) and must give them in the order ``documents()`` lists them, renditions merged alike."""
    with Registry(samples_db) as reg:
        listed = reg.documents()
        for chunk in (1, 2, 500):
            walked = list(reg._all_views_in_order(chunk=chunk))
            assert [d.model_dump() for d in walked] == [d.model_dump() for d in listed], chunk
        assert [d.logical_id for d in reg.iter_documents()] == [d.logical_id for d in listed]
    assert len(listed) == 3


def test_one_language_per_screen(samples_db: Path, tmp_path: Path) -> None:
    vi = cli(["documents", "--db", str(samples_db)], tmp_path, columns=200)
    assert "số hiệu" in vi.stdout and "number" not in vi.stdout and "lớp chữ" in vi.stdout
    for en in (cli(["documents", "--db", str(samples_db), "--lang", "en"], tmp_path, columns=200),
               cli(["documents", "--db", str(samples_db)], tmp_path, columns=200, THEODOI_LANG="en")):  # fmt: skip
        assert "number" in en.stdout and "số hiệu" not in en.stdout and "lớp chữ" not in en.stdout
        assert "text layer" in en.stdout and en.stderr == "3 document(s)\n"
    status_en = cli(["status", "--db", str(samples_db), "--as-of", "15/04/2026", "--lang", "en"], tmp_path, 200)
    assert "Status on 2026-04-15" in status_en.stdout and "quá hạn" not in status_en.stdout
    assert "days late" in status_en.stdout and "lead agency" in status_en.stdout
    status_vi = cli(["status", "--db", str(samples_db), "--as-of", "2026-04-15"], tmp_path, 200)
    assert "Tình hình đến ngày 15/04/2026" in status_vi.stdout and "days late" not in status_vi.stdout
    diff_en = cli(["diff", "15/KH-BCĐ", "21/KH-BCĐ", "--db", str(samples_db), "--lang", "en"], tmp_path, 200)
    assert "2 added, 1 removed, 9 changed, 123 unchanged (5 renumbered)" in diff_en.stdout
    assert "thêm" not in diff_en.stdout and "Tasks renumbered" in diff_en.stdout


def test_dates_in_either_form_give_the_same_tasks(samples_db: Path, tmp_path: Path) -> None:
    outputs = {
        form: cli(["tasks", "--db", str(samples_db), "-f", "json", "--due-before", form], tmp_path).stdout
        for form in ("30/06/2026", "30/6/2026", "2026-06-30", "30.06.2026")
    }
    assert len(set(outputs.values())) == 1
    due = [r["deadline"]["due"] for r in json.loads(outputs["30/06/2026"])]
    assert due and all(d < "2026-06-30" for d in due)


def test_doc_wildcards_are_characters(samples_db: Path, tmp_path: Path) -> None:
    for ref in ("%%", "%%%%%%", "______", "%"):
        done = cli(["tasks", "--db", str(samples_db), "--doc", ref], tmp_path)
        assert done.returncode == ExitCode.bad_args and "no registered document matches" in done.stderr
        assert done.stdout == ""
        diff = cli(["diff", ref, "21/KH-BCĐ", "--db", str(samples_db)], tmp_path)
        assert diff.returncode == ExitCode.bad_args
    with Registry(samples_db) as reg:
        plan = reg.find_documents("15/KH-BCĐ")[0]
    by_prefix = cli(["tasks", "--db", str(samples_db), "--doc", plan.doc_id[:8], "-f", "json"], tmp_path)
    assert {r["document"]["doc_id"] for r in json.loads(by_prefix.stdout)} == {plan.doc_id}


HOSTILE = "Rà soát [/] hồ sơ [link=http://evil.example]bấm vào đây[/link] [bold red]khẩn[/]"
EVIL_AGENCY = "Sở [link=http://evil.example]Giả[/link] [/]"


def hostile_registry(db: Path) -> None:
    """Two documents whose number, file name, task text, section, agency and deadline hold rich markup."""

    def task(doc_id: str, stt: int, text: str, due: date) -> Task:
        return Task(
            task_id=f"{doc_id[:4]}{stt:012d}", doc_id=doc_id, source="table", annex="I", section="[/]",
            stt=str(stt), text=text, lead=[AgencyRef(name=EVIL_AGENCY, raw=EVIL_AGENCY, kind="unknown")],
            deadline=Deadline(raw=f"trước ngày [/] {due:%d/%m/%Y}", kind="date", due=due), pages=[1], order=stt,
            raw=RawTask(source="table", text=text, pages=[1]),
        )  # fmt: skip

    a = Document(doc_id="a" * 64, file="[red]a[/].pdf", meta=DocumentMeta(number="1/KH-[/]", issue_date=date(2026, 1, 5)))
    b = Document(doc_id="b" * 64, file="b.pdf", meta=DocumentMeta(number="2/KH-X", issue_date=date(2026, 2, 5)))
    with Registry(db) as reg:
        reg.save_document(a, [task(a.doc_id, 1, HOSTILE, date(2026, 1, 10)),
                              task(a.doc_id, 2, "Nhiệm vụ bị bỏ [/] [link=http://evil.example]z[/link]", date(2026, 3, 1))])  # fmt: skip
        reg.save_document(b, [task(b.doc_id, 1, HOSTILE + " ngay", date(2026, 1, 20)),
                              task(b.doc_id, 3, "Nhiệm vụ mới [link=http://evil.example]y[/link] [/]", date(2026, 2, 9))])  # fmt: skip


@pytest.mark.issue(14)
@pytest.mark.parametrize(
    ("args", "literal"),
    [
        (["tasks"], "[link=http://evil.example]bấm vào đây[/link]"),
        (["tasks", "--wide"], HOSTILE),
        (["documents"], "1/KH-[/]"),
        (["agencies"], EVIL_AGENCY),
        (["status", "--as-of", "01/02/2026"], "[link=http://evil.example]bấm vào đây[/link]"),
        (["diff", "1/KH-[/]", "2/KH-X", "--by-key", "yes"], "[link=http://evil.example]y[/link]"),
    ],
    ids=lambda a: a[0] if isinstance(a, list) else "",
)
def test_document_text_is_never_rich_markup(args: list[str], literal: str, tmp_path: Path) -> None:
    db = tmp_path / "hostile.sqlite"
    hostile_registry(db)
    done = cli([*args, "--db", str(db)], tmp_path, columns=400, FORCE_COLOR="1", TERM="xterm-256color")
    assert done.returncode == 0, done.stderr
    assert "\x1b]8;" not in done.stdout  # no live terminal hyperlink
    plain = ANSI.sub("", done.stdout)
    assert literal in plain
    assert "[/]" in plain


def test_quiet_shows_failures_only_and_ingest_lines_are_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in [red]x"  # names that are rich markup, and a long path
    folder.mkdir()
    shutil.copy(LETTER, folder / ("công văn " * 12 + ".pdf"))
    (folder / "hỏng [bold].pdf").write_bytes(b"%PDF-1.4 broken")
    db, report = tmp_path / "r.sqlite", tmp_path / "b.json"
    assert main(["-q", "ingest", str(folder), "--db", str(db), "--report", str(report)]) == ExitCode.partial_batch
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("FAILED") and "in [red]x/hỏng [bold].pdf" in err[0]
    assert main(["ingest", str(folder), "--db", str(db), "--report", str(report), "--force"]) == ExitCode.partial_batch
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("replaced") and "công văn " * 12 in line for line in err)  # one line each
    assert not any("\x1b[" in line for line in err)


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` on a read-only file system (a tmpfs remounted ro as root; modes otherwise)."""
    if os.geteuid() != 0:
        for p in folder.iterdir():
            p.chmod(0o444)
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    saved = {p.name: p.read_bytes() for p in folder.iterdir()}
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"cannot mount a tmpfs at {folder} ({done.stderr.strip()}): run the tests as root (CI does)")
    try:
        for name, data in saved.items():
            (folder / name).write_bytes(data)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.issue(14)
def test_a_registry_that_refuses_the_write_exits_4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    store.mkdir()
    db = store / "r.sqlite"
    assert main(["ingest", str(LETTER), "--db", str(db), "--report", str(tmp_path / "a.json")]) == ExitCode.ok
    capsys.readouterr()
    with read_only(store):
        code = main(["ingest", str(PLAN), "--db", str(db), "--report", str(tmp_path / "b.json")])
        err = capsys.readouterr().err
        with Registry(db) as reg:
            assert [d.file for d in reg.documents()] == ["cv_kgvx_letter.pdf"]
    assert code == ExitCode.registry_error, err
    assert "refused the write" in err and "Traceback" not in err


def test_ocr_page_progress_counts_every_page_and_puts_the_ocr_back() -> None:
    from ingest.cli_ingest import ocr_page_progress
    from ingest.pipeline import parse_bytes
    from models.settings import IngestSettings
    from parsers.readers import image_prep, ocr

    before = (ocr.ocr_pdf_pages, ocr.ocr_page_image, image_prep.decode_image)
    totals: list[int] = []
    done: list[int] = []
    with ocr_page_progress(totals.append, lambda: done.append(1)):
        parsed = parse_bytes(SCAN_3.read_bytes(), SCAN_3.name, IngestSettings())
    assert parsed.document.pages == 3 and parsed.document.method == "ocr"
    assert totals == [3] and len(done) == 3
    assert (ocr.ocr_pdf_pages, ocr.ocr_page_image, image_prep.decode_image) == before


def test_progress_on_a_terminal_only(tmp_path: Path) -> None:
    from rich.console import Console

    from ingest.cli_ingest import run_ingest

    screen = io.StringIO()
    code = run_ingest([SCAN_3], str(tmp_path / "t.sqlite"), force=False, recursive=False, report=None,
                      console=Console(file=screen, force_terminal=True, width=100))  # fmt: skip
    assert code == ExitCode.ok
    shown = ANSI.sub("", screen.getvalue())
    assert re.search(r"OCR\b.*\b[0-3]/3\b", shown), shown  # pages done / pages to OCR, while it runs
    assert "3 pages" in shown
    log = io.StringIO()
    code = run_ingest([SCAN_1], str(tmp_path / "l.sqlite"), force=False, recursive=False, report=None,
                      console=Console(file=log, width=100))  # fmt: skip
    assert code == ExitCode.ok
    assert "\x1b" not in log.getvalue() and "OCR" not in log.getvalue()
    lines = log.getvalue().splitlines()
    assert len(lines) == 2 and lines[0].startswith("ingested") and lines[1].startswith("1 file(s)")


def test_export_csv_for_excel_by_default_and_for_tools_on_request(samples_db: Path, tmp_path: Path) -> None:
    excel = cli(["export", "-f", "csv", "--db", str(samples_db)], tmp_path)
    assert excel.stdout.startswith("\ufeff") and excel.stdout.splitlines()[0].lstrip("\ufeff").startswith("Mã nhiệm vụ")
    tools = cli(["export", "-f", "csv", "--db", str(samples_db), "--no-bom", "--lang", "en"], tmp_path)
    assert tools.stdout.startswith("task_id,doc_id,")
    with Registry(samples_db) as reg:
        n = len(reg.tasks(TaskFilter(current=True)))  # issue 13: the export leaves superseded tasks out
    assert len(list(csv.reader(io.StringIO(tools.stdout)))) == n + 1


@pytest.mark.issue(14)
def test_terminal_csv_never_hands_a_spreadsheet_a_formula(tmp_path: Path) -> None:
    db = tmp_path / "f.sqlite"
    formula = '=HYPERLINK("http://x.example","bấm") tổng hợp'
    doc = Document(doc_id="c" * 64, file="f.pdf", meta=DocumentMeta(number="3/KH-F"))
    task = Task(task_id="c" * 16, doc_id=doc.doc_id, source="table", text=formula, pages=[1],
                lead=[AgencyRef(name="@SUM(1+1)", raw="@SUM(1+1)", kind="unknown")],
                raw=RawTask(source="table", text=formula, pages=[1]))  # fmt: skip
    with Registry(db) as reg:
        reg.save_document(doc, [task])
    rows = list(csv.reader(io.StringIO(cli(["tasks", "--db", str(db), "-f", "csv"], tmp_path).stdout)))
    assert "'" + formula in rows[1] and "'@SUM(1+1)" in rows[1]
    agencies = list(csv.reader(io.StringIO(cli(["agencies", "--db", str(db), "-f", "csv"], tmp_path).stdout)))
    assert agencies[1][0] == "'@SUM(1+1)"
    for flags, cell in (([], "'" + formula), (["--raw"], formula)):
        out = cli(["export", "-f", "csv", "--db", str(db), "--no-bom", "--lang", "en", *flags], tmp_path).stdout
        [row] = list(csv.DictReader(io.StringIO(out)))
        assert row["text"] == cell
