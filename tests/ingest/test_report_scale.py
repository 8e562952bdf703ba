"""``theodoi report`` past one page: the overview stays small and the task lists go to pages beside it.

The split is exercised on the sample plans with a page of 20 tasks (what a million tasks does at 2,000),
and the first screen of a 100,000-task registry's report is timed in headless Chromium (issue 15: 3 s).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from ingest import report
from ingest.report import report_pages, write_report
from ingest.status import classify
from models.task import Task
from store.registry import Registry
from tests.ingest import test_report
from tests.ingest.test_diff_cli import ground_truth
from tests.ingest.test_report import CHROMIUM_FLAGS, Rows, Totals, chromium

AS_OF = date(2026, 4, 15)
PER_PAGE = 20
in_force = test_report.in_force  # the tasks the report must show (fixture)


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The report with 20 tasks a page and documents on a page of their own (past one document)."""
    tmp = tmp_path_factory.mktemp("paged")
    with pytest.MonkeyPatch.context() as mp, Registry(tmp / "registry.sqlite") as reg:
        mp.setattr(report, "INLINE_DOCS", 1)
        reg.save_document(*ground_truth("kh15_plan", "a" * 64, cites=[]))
        reg.save_document(*ground_truth("kh15_plan_v2", "b" * 64, cites=["15/KH-BCD"]))
        yield write_report(reg, tmp / "out" / "báo cáo.html", AS_OF, page_tasks=PER_PAGE)


def _rows(page: Path) -> list[tuple[str, str]]:
    parser = Rows()
    parser.feed(page.read_text(encoding="utf-8"))
    return [(task_id, due) for task_id, _, due in parser.rows]


def _pages(paged: Path, stem: str) -> list[Path]:
    folder = paged.parent / (paged.stem + "_files")
    found = sorted(folder.glob(f"{stem}-*.html"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return found


def test_the_overview_holds_counts_and_links_not_rows(paged: Path, in_force: list[Task]) -> None:
    html = paged.read_text(encoding="utf-8")
    assert _rows(paged) == []
    totals = Totals()
    totals.feed(html)
    want = Counter(classify(t, AS_OF, 14) for t in in_force)
    assert totals.totals == {s: want[s] for s in ("overdue", "due_soon", "later", "undated")}
    links = re.findall(r'href="([^"#]+\.html)"', html)
    assert links and all((paged.parent / unquote(h)).is_file() for h in links)


@pytest.mark.parametrize("status", ["overdue", "due_soon"])
def test_state_pages_list_exactly_those_tasks_by_deadline(paged: Path, in_force: list[Task], status: str) -> None:
    pages = _pages(paged, status)
    rows = [r for p in pages for r in _rows(p)]
    assert all(len(_rows(p)) <= PER_PAGE for p in pages)
    assert len(pages) == -(-len(rows) // PER_PAGE)  # none when no task is in that state
    assert {i for i, _ in rows} == {t.task_id for t in in_force if classify(t, AS_OF, 14) == status}
    dues = [due for _, due in rows]
    assert dues == sorted(dues)


def test_agency_pages_together_hold_every_task_in_force(paged: Path, in_force: list[Task]) -> None:
    folder = paged.parent / (paged.stem + "_files")
    seen = Counter(i for p in folder.glob("agency-*.html") for i, _ in _rows(p))
    want = Counter(t.task_id for t in in_force for _ in (dict.fromkeys(a.name for a in t.lead) or [None]))
    assert seen == want


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith("#"):
            self.hrefs.append(href.split("#")[0])


def test_page_links_lead_back_and_on(paged: Path) -> None:
    pages = _pages(paged, "overdue")
    assert len(pages) >= 2
    for page in pages:
        links = Links()
        links.feed(page.read_text(encoding="utf-8"))
        assert links.hrefs and all((page.parent / unquote(h)).resolve().is_file() for h in links.hrefs)
        assert any((page.parent / unquote(h)).resolve() == paged.resolve() for h in links.hrefs)


@pytest.mark.slow
def test_first_screen_of_a_100k_registry_in_chromium(tmp_path: Path) -> None:
    from bench.scale import base_registry, build

    work = tmp_path / "bench"
    work.mkdir()
    db = tmp_path / "registry.sqlite"
    assert build(str(db), base_registry(work), 100_000) >= 100_000
    with Registry(db) as reg:
        start = time.perf_counter()
        _, html = next(report_pages(reg, date(2026, 7, 1)))
        overview_s = time.perf_counter() - start
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")

    def first_screen(url: str) -> float:
        import subprocess

        cmd = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1000",
               f"--screenshot={tmp_path / 'shot.png'}", url]  # fmt: skip
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        return time.perf_counter() - start

    first_screen(blank.as_uri())  # a first run warms the profile and the disk cache
    browser = min(first_screen(blank.as_uri()) for _ in range(2))
    report = min(first_screen(page.as_uri()) for _ in range(2))
    assert len(html.encode()) < 1_000_000, "the overview must stay small"
    assert report - browser <= 3.0, f"first screen {report:.2f} s, a blank page {browser:.2f} s"
    assert overview_s < 60, f"the overview took {overview_s:.1f} s to count"


class DocRows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        row_id = dict(attrs).get("id") or ""
        if tag == "tr" and row_id.startswith("doc-"):
            self.ids.append(row_id[4:])


def test_documents_past_the_overview_get_their_page(paged: Path) -> None:
    overview, page = DocRows(), DocRows()
    overview.feed(paged.read_text(encoding="utf-8"))
    page.feed((paged.parent / (paged.stem + "_files") / "documents.html").read_text(encoding="utf-8"))
    assert overview.ids == [] and sorted(page.ids) == ["a" * 12, "b" * 12]
