"""The import rules of docs/DESIGN.md, checked on the source with ast (a violation names file and line)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FIRST_PARTY = {"models", "parsers", "store", "external", "ingest"}
# package -> first-party packages it must not import
FORBIDDEN = {"models": {"parsers", "store", "external", "ingest"}, "parsers": {"store", "ingest"}}
# package -> the only first-party modules (and their submodules) it may import, besides its own
ALLOWED = {"external": {"models"}, "store": {"models", "parsers.normalisers.text"}}
# third-party module -> the only files allowed to import it
CONFINED = {"pdfplumber": {"parsers/readers/pdf_text.py"}, "pytesseract": {"parsers/readers/ocr.py"}}


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


def _sources() -> list[Path]:
    return sorted(p for pkg in sorted(FIRST_PARTY) for p in (ROOT / pkg).rglob("*.py"))


def _allowed(package: str, module: str) -> bool:
    """True when ``package`` may import first-party ``module`` under ``ALLOWED`` (no entry: any)."""
    allowed = ALLOWED.get(package)
    return allowed is None or module.split(".")[0] == package or any(
        module == a or module.startswith(a + ".") for a in allowed
    )


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_layers(path: Path) -> None:
    rel = path.relative_to(ROOT).as_posix()
    package = rel.split("/")[0]
    for module, line in _imports(path):
        top = module.split(".")[0]
        assert top not in FORBIDDEN.get(package, set()), f"{rel}:{line} imports {module}"
        if top in FIRST_PARTY:
            assert _allowed(package, module), f"{rel}:{line} imports {module}; {package} may import {ALLOWED[package]}"
        allowed = CONFINED.get(top)
        assert allowed is None or rel in allowed, f"{rel}:{line} imports {module}; only {allowed} may"


def test_the_rule_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from ingest.pipeline import run_file\nimport pdfplumber\n", encoding="utf-8")
    assert [m for m, _ in _imports(bad)] == ["ingest.pipeline", "pdfplumber"]


def test_the_allow_lists_catch_a_violation() -> None:
    assert _allowed("store", "parsers.normalisers.text") and _allowed("store", "store.export")
    assert not _allowed("store", "parsers.normalisers.agency") and not _allowed("store", "ingest.spine")
    assert _allowed("external", "models.errors") and not _allowed("external", "parsers.readers.ocr")
