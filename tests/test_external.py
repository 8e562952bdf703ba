"""External programs are started from ``external/`` only (issue 12): parsers, models and store stay pure.

Checked on the source with ``ast``: no module under those packages imports ``subprocess`` (or starts a
process through ``os``), so a reader never forks tesseract, poppler or LibreOffice behind the caller's back.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE = ("models", "parsers", "store")
_OS_SPAWN = {"system", "popen", "execv", "execvp", "spawnv", "spawnvp", "posix_spawn", "fork"}


def _process_starts(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: import subprocess" for a in node.names if a.name == "subprocess"]
        elif isinstance(node, ast.ImportFrom) and node.module == "subprocess":
            found.append(f"{node.lineno}: from subprocess import ...")
        elif (
            isinstance(node, ast.Attribute) and node.attr in _OS_SPAWN
            and isinstance(node.value, ast.Name) and node.value.id == "os"
        ):  # fmt: skip
            found.append(f"{node.lineno}: os.{node.attr}")
    return found


@pytest.mark.parametrize(
    "path", sorted(p for pkg in PURE for p in (ROOT / pkg).rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_process_started_outside_external(path: Path) -> None:
    assert _process_starts(path) == []


def test_the_check_sees_a_process_start(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import subprocess\nimport os\nos.system('tesseract')\n", encoding="utf-8")
    assert _process_starts(bad) == ["1: import subprocess", "3: os.system"]

