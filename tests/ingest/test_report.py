"""``theodoi report``: the HTML page opened in headless Chromium, filtered from the URL, screenshotted.

Chromium runs the page's own JavaScript: ``report.html#filter=Công an`` must leave visible exactly the
rows whose task, agencies or document mention "Công an", computed here from the task lists. Chromium is
Debian's ``chromium`` package (``make install``); without it the test fails and says so.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from ingest.cli import main
from models.diff import fold
from models.registry import Registry
from models.task import Task
from tests.ingest.test_diff_cli import EXPECTED, ground_truth

AS_OF = date(2026, 4, 15)
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
]  # fmt: skip


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("chromium is not installed: run `make install` (Debian package `chromium`)")
    return path


class Rows(HTMLParser):
    """Rows of the task table as Chromium left them: (task id, hidden?, data-due)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, bool, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr" and a.get("data-task-id"):
            self.rows.append((a["data-task-id"] or "", "hidden" in a, a.get("data-due") or ""))


def run_chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    cmd = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}"
    return proc


def visible(report: Path, fragment: str, profile: Path) -> list[tuple[str, str]]:
    """(task id, due) of the rows left visible once the page applied ``#fragment``, in table order."""
    proc = run_chromium(
        ["--virtual-time-budget=3000", "--dump-dom", f"{report.as_uri()}#{fragment}"], profile
    )
    parser = Rows()
    parser.feed(proc.stdout)
    assert parser.rows, "the dumped DOM holds no task rows"
    return [(task_id, due) for task_id, hidden, due in parser.rows if not hidden]


@pytest.fixture(scope="module")
def in_force() -> list[Task]:
    """Tasks the report must show: the revision's, plus the first version's tasks it dropped."""
    _, a_tasks = ground_truth("kh15_plan", "a" * 64, [])
    _, b_tasks = ground_truth("kh15_plan_v2", "b" * 64, [])
    removed = {r["key"] for r in EXPECTED["removed"]}
    return b_tasks + [t for t in a_tasks if f"{t.annex}/{t.section}/{t.stt}" in removed]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    db = tmp / "registry.sqlite"
    with Registry(db) as reg:
        reg.save_document(*ground_truth("kh15_plan", "a" * 64, cites=[]))
        reg.save_document(*ground_truth("kh15_plan_v2", "b" * 64, cites=["15/KH-BCD"]))
    out = tmp / "report.html"
    assert main(["report", "--db", str(db), "-o", str(out), "--as-of", AS_OF.isoformat()]) == 0
    return out


class Resources(HTMLParser):
    """Everything a page could fetch: src/href attributes, <link> tags, and the code in <style>/<script>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: set[str] = set()
        self.code: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "srcset", "data", "poster")]
        self._in_code = tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._in_code = False

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.code.append(data)


def test_report_is_self_contained(report: Path) -> None:
    found = Resources()
    found.feed(report.read_text(encoding="utf-8"))
    assert not {"link", "img", "iframe", "object", "embed"} & found.tags
    assert "style" in found.tags and "script" in found.tags and "svg" in found.tags
    remote = [u for u in found.urls if "://" in u and not u.startswith("file://")]
    assert remote == [], "the report must work offline"
    code = "".join(found.code)
    assert "://" not in code and "url(" not in code and "@import" not in code and "fetch(" not in code


def _mentions(t: Task, needle: str) -> bool:
    names = [t.text, *(a.name for a in (*t.lead, *t.co)), *(a.raw for a in (*t.lead, *t.co))]
    return any(fold(needle) in fold(n) for n in names)


@pytest.mark.slow
def test_filter_from_the_url_in_headless_chromium(report: Path, in_force: list[Task], tmp_path: Path) -> None:
    rows = visible(report, "filter=" + quote("Công an"), tmp_path / "profile")
    assert {task_id for task_id, _ in rows} == {t.task_id for t in in_force if _mentions(t, "Công an")}
    assert 0 < len(rows) < len(in_force)


@pytest.mark.slow
def test_agency_and_status_filter_sorted_by_due(report: Path, in_force: list[Task], tmp_path: Path) -> None:
    fragment = "agency=" + quote("Công an tỉnh") + "&status=overdue&sort=due"
    rows = visible(report, fragment, tmp_path / "profile")
    want = {
        t.task_id for t in in_force
        if "Công an tỉnh" in [a.name for a in t.lead] and t.deadline.due and t.deadline.due < AS_OF
    }  # fmt: skip
    assert {task_id for task_id, _ in rows} == want and want
    dues = [due for _, due in rows]
    assert dues == sorted(dues)


@pytest.mark.slow
def test_screenshot_of_the_filtered_report(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    url = f"{report.as_uri()}#filter={quote('Công an')}"
    run_chromium(["--virtual-time-budget=3000", "--window-size=1400,1800", f"--screenshot={shot}", url],
                 tmp_path / "profile")  # fmt: skip
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
