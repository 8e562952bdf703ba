"""The inbox watcher on real files: settle, register once, file away, never lose or overwrite a file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.executors import InlineExecutor
from ingest.safe_names import display_name, inside, move_no_clobber, safe_name
from ingest.watch import Inbox, is_temporary, watch
from models.errors import ExitCode
from models.settings import IngestSettings
from store.registry import Registry
from tests.faults.hostile import recursive_pdf
from tests.ingest.conftest import corrupt_pdf, files_under, variant

JUNE = datetime(2026, 6, 15, 9, 30)
ROOT = Path(__file__).resolve().parents[2]


def make_inbox(root: Path, reg: Registry, *, settle_s: float = 0.0) -> Inbox:
    return Inbox(root, reg, InlineExecutor(IngestSettings()), settle_s=settle_s, retry_s=60, now=lambda: JUNE)


@pytest.fixture
def reg(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Registry(tmp_path / "registry.sqlite") as r:
        yield r


def test_once_registers_files_already_there_and_files_them_by_month(
    tmp_path: Path, reg: Registry, tiny_bytes: bytes
) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "phòng KGVX").mkdir(parents=True)
    (inbox / "Công văn 12.pdf").write_bytes(variant(tiny_bytes, 1))
    (inbox / "phòng KGVX" / "cv 13.pdf").write_bytes(variant(tiny_bytes, 2))
    summary = watch(make_inbox(inbox, reg), once=True)
    assert sorted((r.file, r.status, r.tasks) for r in summary.results) == [
        ("Công văn 12.pdf", "ingested", 3),
        ("cv 13.pdf", "ingested", 3),
    ]
    assert {d.file for d in reg.documents()} == {"Công văn 12.pdf", "cv 13.pdf"}
    assert sorted(p.name for p in files_under(inbox / "processed" / "2026-06")) == [
        "Công văn 12.pdf",
        "cv 13.pdf",
    ]
    assert [p for p in files_under(inbox) if "processed" not in p.parts and ".theodoi" not in p.parts] == []


@pytest.mark.parametrize(
    "name, temporary",
    [
        ("kế hoạch.pdf.part", True),
        ("~$ke hoach.docx", True),
        (".ke_hoach.pdf.Xa81F", True),
        ("tai-ve.pdf.crdownload", True),
        ("ke hoach.PDF", False),
        ("Thông báo 493.pdf", False),
    ],
)
def test_temporary_names_are_left_alone(name: str, temporary: bool) -> None:
    assert is_temporary(name) is temporary


def test_temporary_files_stay_untouched(tmp_path: Path, reg: Registry, tiny_bytes: bytes) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("cv.pdf.part", "~$cv.pdf", ".cv.pdf"):
        (inbox / name).write_bytes(tiny_bytes)
    summary = watch(make_inbox(inbox, reg), once=True)
    assert summary.results == []
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == [".cv.pdf", "cv.pdf.part", "~$cv.pdf"]
    assert reg.documents() == []


def test_same_bytes_under_two_names_registered_once_and_both_kept(
    tmp_path: Path, reg: Registry, tiny_bytes: bytes
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.pdf").write_bytes(tiny_bytes)
    (inbox / "b - bản sao.pdf").write_bytes(tiny_bytes)
    summary = watch(make_inbox(inbox, reg), once=True)
    assert sorted(r.status for r in summary.results) == ["duplicate", "ingested"]
    assert len(reg.documents()) == 1
    month = inbox / "processed" / "2026-06"
    names = sorted(p.name for p in month.iterdir())
    assert names == ["a.pdf", "b - bản sao.pdf", "b - bản sao.pdf.duplicate.txt"]
    assert "not registered again" in (month / "b - bản sao.pdf.duplicate.txt").read_text(encoding="utf-8")
    assert (month / "b - bản sao.pdf").read_bytes() == tiny_bytes


def test_corrupt_file_goes_to_failed_with_its_reason_and_the_others_go_on(
    tmp_path: Path, reg: Registry, tiny_bytes: bytes
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good 1.pdf").write_bytes(variant(tiny_bytes, 1))
    (inbox / "hỏng.pdf").write_bytes(corrupt_pdf(tiny_bytes))
    (inbox / "notes.txt").write_text("không phải văn bản", encoding="utf-8")
    (inbox / "good 2.pdf").write_bytes(variant(tiny_bytes, 2))
    code = main(["watch", str(inbox), "--once", "--settle", "0", "--db", str(tmp_path / "registry.sqlite")])
    assert code == ExitCode.partial_batch
    assert sorted(p.name for p in (inbox / "failed").iterdir()) == [
        "hỏng.pdf", "hỏng.pdf.error.txt", "notes.txt", "notes.txt.error.txt"
    ]  # fmt: skip
    assert "corrupt PDF" in (inbox / "failed" / "hỏng.pdf.error.txt").read_text(encoding="utf-8")
    assert "not a PDF, Word or image" in (inbox / "failed" / "notes.txt.error.txt").read_text(
        encoding="utf-8"
    )
    month = datetime.now().strftime("%Y-%m")
    assert sorted(p.name for p in (inbox / "processed" / month).iterdir()) == ["good 1.pdf", "good 2.pdf"]
    with Registry(tmp_path / "registry.sqlite") as r:
        assert len(r.documents()) == 2


def test_a_name_clash_gets_a_suffix_and_never_overwrites(
    tmp_path: Path, reg: Registry, tiny_bytes: bytes
) -> None:
    inbox = tmp_path / "inbox"
    month = inbox / "processed" / "2026-06"
    month.mkdir(parents=True)
    (month / "cv.pdf").write_bytes(b"an earlier, different cv.pdf")
    (inbox / "cv.pdf").write_bytes(tiny_bytes)
    summary = watch(make_inbox(inbox, reg), once=True)
    assert [r.moved_to for r in summary.results] == ["processed/2026-06/cv (1).pdf"]
    assert (month / "cv.pdf").read_bytes() == b"an earlier, different cv.pdf"
    assert (month / "cv (1).pdf").read_bytes() == tiny_bytes


def test_a_file_copied_in_slowly_is_taken_only_when_complete(
    tmp_path: Path, reg: Registry, tiny_bytes: bytes
) -> None:
    """Written in 8 chunks over ~2.8 s while the watcher (inotify) runs: one ingest, of the whole file."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    stop = threading.Event()
    box = make_inbox(inbox, reg, settle_s=1.0)
    results = []
    runner = threading.Thread(target=lambda: results.extend(watch(box, interval_s=0.2, stop=stop).results))
    runner.start()
    try:
        step = len(tiny_bytes) // 8 + 1
        with open(inbox / "chậm.pdf", "wb") as f:
            for i in range(0, len(tiny_bytes), step):
                f.write(tiny_bytes[i : i + step])
                f.flush()
                time.sleep(0.35)
        deadline = time.monotonic() + 20
        while not list((inbox / "processed").rglob("chậm.pdf")) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        runner.join(timeout=30)
    assert [(r.file, r.status) for r in results] == [("chậm.pdf", "ingested")]
    assert [p.read_bytes() for p in (inbox / "processed").rglob("chậm.pdf")] == [tiny_bytes]
    assert not (inbox / "failed").exists()


def test_the_watcher_picks_up_a_file_dropped_while_it_runs(
    tmp_path: Path, reg: Registry, tiny_bytes: bytes
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    stop = threading.Event()
    box = make_inbox(inbox, reg, settle_s=0.3)
    runner = threading.Thread(target=lambda: watch(box, interval_s=0.2, idle_rescan_s=60, stop=stop))
    runner.start()
    try:
        time.sleep(0.5)
        started = time.monotonic()
        (inbox / "mới.pdf").write_bytes(tiny_bytes)
        while not reg.documents() and time.monotonic() - started < 20:
            time.sleep(0.05)
        took = time.monotonic() - started
    finally:
        stop.set()
        runner.join(timeout=30)
    assert [d.file for d in reg.documents()] == ["mới.pdf"]
    assert took < 10, f"inotify should wake the watcher; it took {took:.1f} s"


def test_a_second_watcher_on_the_same_inbox_is_refused(tmp_path: Path) -> None:
    from ingest.watch import InboxLock

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    first = InboxLock(inbox)
    try:
        code = main(["watch", str(inbox), "--once", "--db", str(tmp_path / "r.sqlite")])
        assert code == ExitCode.bad_args
    finally:
        first.release()


# -- names -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Kế hoạch 15.pdf", "Kế hoạch 15.pdf"),
        ("../../etc/passwd", "etc passwd"),
        ("..", "unnamed"),
        ("a\nb\r\n.pdf", "a b.pdf"),
        ("Ke\u0302\u0301 hoa\u0323ch.pdf", "Kế hoạch.pdf"),  # decomposed (NFD) → NFC
        (b"C\xf4ng v\xe3n.pdf", "C\ufffdng v\ufffdn.pdf"),  # Windows-1258 bytes, not UTF-8
        ("a:b*c?.pdf", "a b c.pdf"),
    ],
)
def test_safe_name_table(raw: str | bytes, expected: str) -> None:
    assert safe_name(raw) == expected


def test_a_very_long_name_is_cut_before_its_extension() -> None:
    name = "Kế hoạch triển khai " * 30 + ".pdf"
    out = safe_name(name)
    assert out.endswith(".pdf") and len(out.encode()) <= 200 and out.startswith("Kế hoạch triển khai")


def test_move_refuses_a_symlinked_folder_pointing_outside(tmp_path: Path) -> None:
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    inbox.mkdir()
    outside.mkdir()
    (inbox / "processed").symlink_to(outside)
    (inbox / "x.pdf").write_bytes(b"%PDF-1.4 x")
    with pytest.raises(ValueError, match="outside"):
        move_no_clobber(inbox / "x.pdf", inbox / "processed", "x.pdf", root=inbox)
    assert (inbox / "x.pdf").exists() and list(outside.iterdir()) == []
    assert not inside(inbox, inbox / "processed") and inside(inbox, inbox / "sub" / "..")


def test_hostile_names_never_write_outside_the_inbox(
    tmp_path: Path, reg: Registry, tiny_bytes: bytes
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    root = os.fsencode(inbox)
    hostile = [
        b"\\..\\..\\evil.pdf",
        b"line\nbreak\r.pdf",
        "Kế hoạch triển khai nhiệm vụ năm 2026 ".encode() * 5 + b"x.pdf",  # 250 bytes
        b"C\xf4ng v\xe3n 5.pdf",
        b"-..pdf",
        b"-rf.pdf",
    ]
    for i, name in enumerate(hostile):
        with open(os.path.join(root, name), "wb") as f:
            f.write(variant(tiny_bytes, i) if i % 2 == 0 else b"not a pdf at all")
    before_outside = sorted(p for p in tmp_path.iterdir() if p != inbox)
    summary = watch(make_inbox(inbox, reg), once=True)
    assert len(summary.results) == len(hostile)
    assert sorted(p for p in tmp_path.iterdir() if p != inbox) == before_outside
    left = [n for n in os.listdir(root) if os.path.isfile(os.path.join(root, n))]
    assert left == []
    written = [p for p in files_under(inbox) if ".theodoi" not in p.parts]
    assert all(inside(inbox, p) for p in written)
    assert all(p.parent.name in ("2026-06", "failed") for p in written)
    for p in written:
        os.fsencode(p.name).decode("utf-8")  # every name written is valid UTF-8
        assert "\n" not in p.name and len(os.fsencode(p.name)) <= 255
    assert len(reg.documents()) == 3
    assert all(d.file == display_name(d.file) for d in reg.documents())


# -- what the watcher waits for, gives up on, ignores and leaves: every file named (issue 11 item 9) -------


def watch_once(inbox: Path, db: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """``theodoi watch INBOX --once`` as cron runs it; its log is stderr."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "ingest", "watch", str(inbox), "--once", "--db", str(db), *extra],
        capture_output=True, text=True, timeout=120, cwd=inbox.parent,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("THEODOI_")}, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    return done, time.monotonic() - started


def cut_short(data: bytes) -> bytes:
    """A PDF whose copy stopped half-way: no %%EOF trailer."""
    half = data[: len(data) // 2]
    assert b"%%EOF" not in half
    return half


@pytest.mark.issue(11)
def test_once_names_a_pdf_without_eof_and_does_not_wait_for_it(tmp_path: Path, tiny_bytes: bytes) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "cắt ngang.pdf").write_bytes(cut_short(tiny_bytes))
    (inbox / "tốt.pdf").write_bytes(tiny_bytes)
    done, took = watch_once(inbox, tmp_path / "r.sqlite", "--settle", "0.5", "--settle-timeout", "300")
    assert took < 15, f"--once waited {took:.0f} s for a file that will not change"  # was 30 s and more
    assert done.returncode == ExitCode.partial_batch  # a file had to stay in the inbox
    [left] = [line for line in done.stderr.splitlines() if line.split()[2:3] == ["left"]]
    assert "cắt ngang.pdf" in left and "%%EOF" in left and "--settle-timeout" in left
    assert any("waiting" in line and "cắt ngang.pdf" in line for line in done.stderr.splitlines())
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == ["cắt ngang.pdf"]
    assert [p.name for p in (inbox / "processed").rglob("*.pdf")] == ["tốt.pdf"]


@pytest.mark.issue(11)
def test_past_the_settle_timeout_it_is_read_as_it_is_and_filed_with_the_reason(
    tmp_path: Path, tiny_bytes: bytes
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    stalled = inbox / "cắt ngang.pdf"
    stalled.write_bytes(cut_short(tiny_bytes))
    ten_minutes_ago = time.time() - 600
    os.utime(stalled, (ten_minutes_ago, ten_minutes_ago))
    done, _ = watch_once(inbox, tmp_path / "r.sqlite", "--settle", "0", "--settle-timeout", "60")
    assert done.returncode == ExitCode.partial_batch
    gave_up = [line for line in done.stderr.splitlines() if "giving up waiting for cắt ngang.pdf" in line]
    assert gave_up and re.search(r"unchanged for 6\d\d s", gave_up[0]) and "--settle-timeout 60 s" in gave_up[0]
    failed = [line for line in done.stderr.splitlines() if line.split()[2:3] == ["failed"]]
    assert len(failed) == 1 and "cắt ngang.pdf" in failed[0] and "failed/" in failed[0]
    assert sorted(p.name for p in (inbox / "failed").iterdir()) == ["cắt ngang.pdf", "cắt ngang.pdf.error.txt"]
    assert (inbox / "failed" / "cắt ngang.pdf.error.txt").read_text(encoding="utf-8").strip()
    # the same file 30 s old, under the default timeout (120 s): waited for, not read
    again = tmp_path / "again"
    again.mkdir()
    (again / "x.pdf").write_bytes(cut_short(tiny_bytes))
    os.utime(again / "x.pdf", (time.time() - 30,) * 2)
    done, _ = watch_once(again, tmp_path / "r2.sqlite", "--settle", "0")
    assert any(line.split()[2:4] == ["left", "x.pdf:"] for line in done.stderr.splitlines())
    assert not (again / "failed").exists() and (again / "x.pdf").exists()


@pytest.mark.issue(14)
def test_temporary_and_hidden_names_are_named_once_in_the_log(tmp_path: Path, tiny_bytes: bytes) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("cv.pdf.part", "~$cv.pdf", ".cv.pdf"):
        (inbox / name).write_bytes(tiny_bytes)
    done, _ = watch_once(inbox, tmp_path / "r.sqlite", "--settle", "0")
    assert done.returncode == ExitCode.ok, done.stderr
    ignored = [line for line in done.stderr.splitlines() if " ignored " in line]
    assert sorted(line.split(" ignored ")[1].split(":")[0].strip() for line in ignored) == [
        ".cv.pdf", "cv.pdf.part", "~$cv.pdf"
    ]
    quiet, _ = watch_once(inbox, tmp_path / "r.sqlite", "--settle", "0", "-q")
    assert quiet.stderr == ""  # -q: warnings and errors only


@pytest.mark.issue(14)
def test_a_registry_refusal_keeps_the_file_and_exits_4(tmp_path: Path, tiny_bytes: bytes) -> None:
    from tests.ingest.test_cli import read_only

    store, inbox = tmp_path / "store", tmp_path / "inbox"
    store.mkdir()
    inbox.mkdir()
    with Registry(store / "r.sqlite"):
        pass  # an empty registry, then made read-only
    (inbox / "công văn.pdf").write_bytes(tiny_bytes)
    with read_only(store):
        done, _ = watch_once(inbox, store / "r.sqlite", "--settle", "0")
    assert done.returncode == ExitCode.registry_error, done.stderr
    [retry] = [line for line in done.stderr.splitlines() if line.split()[2:3] == ["retry"]]
    assert "công văn.pdf" in retry and "refused the write" in retry and "stays in the inbox" in retry
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == ["công văn.pdf"]


@pytest.mark.issue(14)
def test_a_parse_that_never_ends_goes_to_failed_and_the_watcher_goes_on(
    tmp_path: Path, reg: Registry, tiny_bytes: bytes
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a vòng lặp.pdf").write_bytes(recursive_pdf())
    (inbox / "b tốt.pdf").write_bytes(variant(tiny_bytes, 1))
    executor = InlineExecutor(IngestSettings(file_timeout_s=3))
    try:
        box = Inbox(inbox, reg, executor, settle_s=0, now=lambda: JUNE)
        results = watch(box, once=True).results
    finally:
        executor.close()
    assert sorted((r.file, r.status) for r in results) == [("a vòng lặp.pdf", "failed"), ("b tốt.pdf", "ingested")]
    reason = (inbox / "failed" / "a vòng lặp.pdf.error.txt").read_text(encoding="utf-8")
    assert "took longer than 3 s" in reason
    assert [p.name for p in files_under(inbox / "processed")] == ["b tốt.pdf"]
    assert [p for p in inbox.iterdir() if p.is_file()] == []
    with reg.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT file, reason FROM failures").all()
    assert [(f, "took longer than 3 s" in r) for f, r in rows] == [("failed/a vòng lặp.pdf", True)]
