"""Every command with bad arguments, run as a user runs it (a subprocess): one line, the documented exit
code, never a traceback; and read-only commands never create a registry."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from models.errors import ExitCode

ROOT = Path(__file__).resolve().parents[2]
LETTER = ROOT / "samples" / "cv_kgvx_letter.pdf"
BAD = int(ExitCode.bad_args)
REGISTRY = int(ExitCode.registry_error)


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("THEODOI_") and k != "FORCE_COLOR"}
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
        env={**clean, "PYTHONPATH": str(ROOT), "COLUMNS": "100", **env},
    )  # fmt: skip


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


# Every command, and each kind of mistake: unknown command/option, missing argument, bad value, bad choice,
# bad date, missing -o, option without its value, extra argument, bad global option.
BAD_ARGUMENTS = [
    ["nosuchcmd"],
    ["--bogus"],
    ["ingest"],
    ["ingest", "{tmp}/missing.pdf"],
    ["ingest", "{letter}", "--workers", "-1"],
    ["ingest", "{letter}", "--workers", "two"],
    ["ingest", "{letter}", "--executor", "spark"],
    ["ingest", "{letter}", "--db"],
    ["watch"],
    ["watch", "{tmp}/no-such-inbox", "--once"],
    ["watch", "{tmp}", "--settle", "-1"],
    ["watch", "{tmp}", "--settle-timeout", "soon"],
    ["watch", "{tmp}", "--interval", "0"],
    ["documents", "extra"],
    ["documents", "--format", "xml"],
    ["tasks", "--bogus"],
    ["tasks", "--limit", "0"],
    ["tasks", "--limit", "many"],
    ["tasks", "--due-before", "31/02/2026"],
    ["tasks", "--due-before", "30/6"],
    ["tasks", "--as-of", "tomorrow", "--overdue"],
    ["tasks", "--format", "pdf"],
    ["tasks", "--db"],
    ["export", "-f", "pdf"],
    ["export", "-f", "xlsx"],
    ["export", "--bogus"],
    ["agencies", "--format", "yaml"],
    ["agencies", "--unknown=maybe"],
    ["diff"],
    ["diff", "15/KH-BCĐ"],
    ["diff", "15/KH-BCĐ", "21/KH-BCĐ", "-f", "pdf"],
    ["diff", "15/KH-BCĐ", "21/KH-BCĐ", "-f", "xlsx"],
    ["diff", "15/KH-BCĐ", "21/KH-BCĐ", "--by-key", "maybe"],
    ["status", "--as-of", "32/01/2026"],
    ["status", "--soon-days", "-3"],
    ["report", "--as-of", "2026-02-30"],
    ["report", "--soon-days", "many"],
    ["--lang", "fr", "documents"],
    ["documents", "--lang"],
]


@pytest.mark.parametrize("args", BAD_ARGUMENTS, ids=lambda a: " ".join(a) or "-")
def test_bad_arguments_give_one_line_and_exit_1(args: list[str], tmp_path: Path) -> None:
    args = [a.replace("{tmp}", str(tmp_path)).replace("{letter}", str(LETTER)) for a in args]
    done = run(args, tmp_path)
    line = one_error_line(done)
    assert done.returncode == BAD, (done.returncode, line)
    assert line.startswith("theodoi")
    assert done.stdout == ""
    assert not (tmp_path / "out").exists()  # nothing written, no registry created


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["tasks", "--bogus"], "không có tùy chọn --bogus"),
        (["--lang", "en", "tasks", "--bogus"], "No such option: --bogus"),
        (["tasks", "--bogus", "--lang", "en"], "No such option: --bogus"),  # global options after the command
        (["tasks", "--due-before", "31/02/2026"], "dd/mm/yyyy"),
        (["ingest"], "thiếu INPUTS"),
        (["nosuchcmd"], "không có lệnh 'nosuchcmd'; các lệnh: agencies, correct, corrections, diff, documents"),
    ],
)
def test_the_line_says_what_is_wrong_in_the_chosen_language(args: list[str], words: str, tmp_path: Path) -> None:
    done = run(args, tmp_path)
    assert done.returncode == BAD
    assert words in one_error_line(done)


def test_english_from_the_environment(tmp_path: Path) -> None:
    done = run(["tasks", "--due-before", "31/02/2026"], tmp_path, THEODOI_LANG="en")
    assert "is not a date" in one_error_line(done) and done.returncode == BAD


def test_version_and_help(tmp_path: Path) -> None:
    version = run(["--version"], tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("theodoi 0.") and version.stderr == ""
    assert run(["tasks", "--version"], tmp_path).stdout == version.stdout  # a global option after the command
    bare = run([], tmp_path)
    assert bare.returncode == 0 and "Usage" in bare.stdout and "Traceback" not in bare.stderr
    watch_help = run(["watch", "--help"], tmp_path)
    assert "--settle-timeout" in watch_help.stdout and "120" in watch_help.stdout


def test_the_installed_command_maps_errors_too(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "theodoi"
    if not script.exists():
        pytest.fail(f"{script} is missing: run `make install` (pip install -e .)")
    done = subprocess.run([str(script), "export", "-f", "pdf"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == BAD and "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


# -- read-only commands never create a registry ---------------------------------------------------------

READ_ONLY = [
    ["documents"],
    ["tasks"],
    ["agencies", "--unknown"],
    ["status"],
    ["report", "-o", "report.html"],
    ["export", "-f", "json"],
    ["diff", "15/KH-BCĐ", "21/KH-BCĐ"],
]


@pytest.mark.parametrize("args", READ_ONLY, ids=lambda a: a[0])
def test_a_missing_default_registry_is_an_error_that_says_where_and_how(args: list[str], tmp_path: Path) -> None:
    done = run(args, tmp_path)
    line = one_error_line(done)
    assert done.returncode == REGISTRY
    assert str(tmp_path / "out" / "registry.sqlite") in line  # where it looked, as an absolute path
    assert "mặc định" in line  # why: the default
    assert "--db" in line and "THEODOI_DB" in line  # how to choose another
    assert list(tmp_path.iterdir()) == []  # no out/, no registry, no report


@pytest.mark.parametrize("args", READ_ONLY, ids=lambda a: a[0])
def test_a_typo_in_db_or_theodoi_db_creates_nothing(args: list[str], tmp_path: Path) -> None:
    typo = tmp_path / "regsitry.sqlite"
    by_option = run([*args, "--db", str(typo), "--lang", "en"], tmp_path)
    assert by_option.returncode == REGISTRY
    assert f"no registry at {typo} (looked there because --db named it)" in one_error_line(by_option)
    by_env = run([*args, "--lang", "en"], tmp_path, THEODOI_DB=str(typo))
    assert by_env.returncode == REGISTRY and "THEODOI_DB named it" in one_error_line(by_env)
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_registry_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    notes = tmp_path / "notes.sqlite"
    notes.write_text("ghi chú, không phải sổ đăng ký\n", encoding="utf-8")
    before = notes.read_bytes()
    for args in (["tasks"], ["documents"], ["report", "-o", str(tmp_path / "r.html")]):
        done = run([*args, "--db", str(notes)], tmp_path)
        assert done.returncode == REGISTRY and "không phải là sổ đăng ký" in one_error_line(done)
    assert notes.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


def test_an_unreachable_postgresql_registry_is_one_line_exit_4(tmp_path: Path) -> None:
    done = run(["tasks", "--db", "postgresql://nobody:secret@127.0.0.1:9/none"], tmp_path)
    line = one_error_line(done)
    assert done.returncode == REGISTRY and "secret" not in line and "127.0.0.1:9" in line


def test_an_unwritable_output_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    ingest = run(["ingest", str(LETTER), "--db", str(db), "--report", str(tmp_path / "b.json")], tmp_path)
    assert ingest.returncode == 0, ingest.stderr
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    done = run(["export", "-f", "csv", "--db", str(db), "-o", str(tmp_path / "a-file" / "t.csv")], tmp_path)
    assert done.returncode == BAD and "a-file" in one_error_line(done)
