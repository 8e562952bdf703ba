"""``theodoi report``: the HTML page opened in headless Chromium, filtered from the URL, screenshotted.

Chromium runs the page's own JavaScript: ``report.html#filter=Công an`` must leave visible exactly the
rows whose task, agencies or document mention "Công an", computed here from the task lists. Chromium is
Debian's ``chromium`` package (``make install``); without it the test fails and says so.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import unicodedata
from collections import Counter
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlparse

import pdfplumber
import pytest

from ingest.cli import main
from ingest.status import classify
from models.diff import fold
from models.task import Task
from store.registry import Registry
from tests.ingest.conftest import tiny_letter, variant
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


# -- what a clerk sees first, the order, the search ------------------------------------------------------


class Totals(HTMLParser):
    """The totals at the top: status -> number, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.totals: dict[str, int] = {}
        self._status: str | None = None
        self._in_b = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and "total" in (a.get("class") or "").split():
            self._status = a.get("data-status")
        self._in_b = tag == "b" and self._status is not None

    def handle_data(self, data: str) -> None:
        if self._in_b and self._status:
            self.totals[self._status] = int(data)
            self._status, self._in_b = None, False


@pytest.mark.parametrize("soon_days", [14, 45])
def test_totals_at_the_top_count_overdue_and_due_soon(
    report: Path, in_force: list[Task], tmp_path: Path, soon_days: int
) -> None:
    out = tmp_path / "report.html"
    db = report.parent / "registry.sqlite"
    args = [
        "report",
        "--db",
        str(db),
        "-o",
        str(out),
        "--as-of",
        AS_OF.isoformat(),
        "--soon-days",
        str(soon_days),
    ]
    assert main(args) == 0
    html = out.read_text(encoding="utf-8")
    parser = Totals()
    parser.feed(html)
    want = Counter(classify(t, AS_OF, soon_days) for t in in_force)
    assert parser.totals == {s: want[s] for s in ("overdue", "due_soon", "later", "undated")}
    assert parser.totals["overdue"] > 0 and (parser.totals["due_soon"] > 0 or soon_days < 30)
    assert f"Sắp đến hạn (trong {soon_days} ngày tới)" in " ".join(html.split()).replace(
        "<small>", ""
    ).replace("</small>", "")
    # before any table: the first thing on the page after the title line
    assert html.index('id="totals"') < html.index('id="documents"') < html.index('id="tasks"')


@pytest.mark.slow
def test_tasks_sorted_by_deadline_by_default(report: Path, in_force: list[Task], tmp_path: Path) -> None:
    rows = visible(report, "", tmp_path / "profile")
    assert len(rows) == len(in_force)
    dues = [due for _, due in rows]
    assert dues == sorted(dues) and dues[0] < dues[-1]
    assert dues[-1] == "9999-12-31"  # undated tasks last
    # the page as written is in that order too (no JavaScript: a mailed copy, a print preview)
    static = Rows()
    static.feed(report.read_text(encoding="utf-8"))
    assert [due for _, _, due in static.rows] == dues


def _bare(text: str) -> str:
    return (
        unicodedata.normalize("NFD", text)
        .translate({0x0111: "d", 0x0110: "D"})
        .encode("ascii", "ignore")
        .decode()
    )


def _smart_match(needle: str, hay: str) -> bool:
    """The search's promise, written independently of its JavaScript: a letter typed without marks matches
    the letter with any marks (and "d" matches "đ"); a letter typed with marks must match them."""
    n, h = fold(needle), fold(hay)
    h_bare = [_bare(c).lower() for c in h]
    for i in range(len(h) - len(n) + 1):
        if all(h[i + j] == c if _bare(c).lower() != c else h_bare[i + j] == c for j, c in enumerate(n)):
            return True
    return False


def _searched(t: Task) -> str:
    names = [
        "21/KH-BCĐ" if t.doc_id == "b" * 64 else "15/KH-BCĐ",
        t.text,
        *(a.name for a in (*t.lead, *t.co)),
    ]
    return " ".join([*names, *(a.raw for a in (*t.lead, *t.co)), t.deadline.raw or ""])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("typed", "same_as"),
    [
        ("binh dan hoc vu", "Bình dân học vụ"),  # no diacritics at all
        ("BINH DAN hoc vu so", "Bình dân học vụ số"),  # case too
        ("dak lak", "Đắk Lắk"),  # Đ folds to D
        ("Binh dân", "Bình dân"),  # some marks typed: those must match
    ],
)
def test_search_without_diacritics(
    report: Path, in_force: list[Task], tmp_path: Path, typed: str, same_as: str
) -> None:
    rows = {task_id for task_id, _ in visible(report, "filter=" + quote(typed), tmp_path / "profile")}
    want = {t.task_id for t in in_force if _smart_match(typed, _searched(t))}
    assert rows == want
    assert want == {t.task_id for t in in_force if fold(same_as) in fold(_searched(t))}  # = the marked search
    assert 0 < len(rows) < len(in_force)


@pytest.mark.slow
def test_search_with_marks_keeps_them_apart(report: Path, in_force: list[Task], tmp_path: Path) -> None:
    """ "số" (number) and "sở" (department) differ only by their marks: typed with marks, they stay apart."""
    so_number = {task_id for task_id, _ in visible(report, "filter=" + quote("số"), tmp_path / "p1")}
    so_dept = {task_id for task_id, _ in visible(report, "filter=" + quote("sở"), tmp_path / "p2")}
    bare = {task_id for task_id, _ in visible(report, "filter=so", tmp_path / "p3")}
    assert so_number == {t.task_id for t in in_force if "số" in fold(_searched(t))}
    assert so_dept == {t.task_id for t in in_force if "sở" in fold(_searched(t))}
    assert so_number != so_dept and so_number | so_dept <= bare


# -- printing ---------------------------------------------------------------------------------------------

A4_LANDSCAPE = (841.9, 595.3)


def print_pdf(report: Path, fragment: str, out: Path, profile: Path) -> list[str]:
    """Print the page (after its JavaScript applied ``#fragment``) with Chromium; the text of each page."""
    url = report.as_uri() + (f"#{fragment}" if fragment else "")
    run_chromium(
        ["--virtual-time-budget=3000", "--no-pdf-header-footer", f"--print-to-pdf={out}", url], profile
    )
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            # A4 is 297 × 210 mm = 841.9 × 595.3 pt; Chromium rounds to whole CSS pixels (595.0)
            assert (
                abs(float(page.width) - A4_LANDSCAPE[0]) < 1 and abs(float(page.height) - A4_LANDSCAPE[1]) < 1
            )
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.mark.slow
def test_print_to_pdf_a4_landscape_without_controls(
    report: Path, in_force: list[Task], tmp_path: Path
) -> None:
    pages = print_pdf(report, "", tmp_path / "all.pdf", tmp_path / "profile")
    text = "\n".join(pages)
    # 27 US-Letter portrait pages before the print style; 135 tasks need about 16 A4 landscape pages
    assert 10 <= len(pages) <= 18, len(pages)
    assert "Bỏ lọc" not in text and "(tất cả)" not in text and "gõ không dấu" not in text  # the controls
    assert "↕" not in text  # nor the sort arrows
    assert "Quá hạn" in pages[0] and "Theo dõi nhiệm vụ" in pages[0]
    header = ("Văn bản", "Vị trí", "Nhiệm vụ", "Trạng")
    table_pages = [p for p in pages[2:]]
    assert table_pages and all(all(h in p for h in header) for p in table_pages)  # header on every page

    overdue = [t for t in in_force if classify(t, AS_OF, 14) == "overdue"]
    filtered = print_pdf(report, "status=overdue", tmp_path / "overdue.pdf", tmp_path / "profile")
    assert len(filtered) < len(pages)
    assert f"Đang lọc: Quá hạn ({len(overdue)} / {len(in_force)})" in "\n".join(filtered)
    assert "Còn hạn\n" not in "\n".join(filtered[1:])  # no row of another status printed


# -- page links: the file where it is now ----------------------------------------------------------------


class Links(HTMLParser):
    """Each document row's file link (or None) and every page link of the task table."""

    def __init__(self) -> None:
        super().__init__()
        self.docs: dict[str, str | None] = {}
        self.pages: list[str] = []
        self._doc: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr" and (a.get("id") or "").startswith("doc-"):
            self._doc = (a["id"] or "")[4:]
            self.docs[self._doc] = None
        elif tag == "a" and a.get("class") == "file" and self._doc:
            self.docs[self._doc] = a.get("href")
        elif tag == "a" and "#page=" in (a.get("href") or ""):
            self.pages.append(a.get("href") or "")


def _opens(report: Path, href: str) -> Path:
    """The file a browser opens for ``href`` on the report (relative links resolve against its URL)."""
    url = urljoin(report.as_uri(), href)
    assert url.startswith("file://"), url
    return Path(unquote(urlparse(url).path))


@pytest.mark.slow
def test_page_links_open_the_file_where_it_is_now(tmp_path: Path) -> None:
    letter = tiny_letter()
    inbox, docs, gone, out = tmp_path / "inbox", tmp_path / "docs", tmp_path / "gone", tmp_path / "out"
    for d in (inbox, docs, gone):
        d.mkdir()
    db = str(tmp_path / "registry.sqlite")
    filed = [variant(letter, 1), variant(letter, 2)]
    # the watcher files both under processed/YYYY-MM/; the second finds the name taken: "kế hoạch (1).pdf"
    for data in filed:
        (inbox / "kế hoạch.pdf").write_bytes(data)
        assert main(["watch", str(inbox), "--once", "--settle", "0", "--db", db]) == 0
    assert not (inbox / "kế hoạch.pdf").exists()
    (docs / "cv 12.pdf").write_bytes(variant(letter, 3))  # ingested where it lies, still there
    (gone / "cv 13.pdf").write_bytes(variant(letter, 4))  # ingested, then deleted
    assert main(["ingest", str(docs / "cv 12.pdf"), str(gone / "cv 13.pdf"), "--db", db]) == 0
    (gone / "cv 13.pdf").unlink()
    report = out / "report.html"
    assert main(["report", "--db", db, "-o", str(report), "--as-of", "2026-06-20"]) == 0

    links = Links()
    links.feed(report.read_text(encoding="utf-8"))
    ids = {hashlib.sha256(d).hexdigest()[:12]: d for d in [*filed, variant(letter, 3), variant(letter, 4)]}
    assert set(links.docs) == set(ids)
    opened = {}
    for doc_id, href in links.docs.items():
        if href is None:
            continue
        assert "://" not in href and not href.startswith("/"), "relative to the report's folder"
        path = _opens(report, href)
        assert hashlib.sha256(path.read_bytes()).hexdigest()[:12] == doc_id  # the very document
        opened[doc_id] = path
    key = {
        i: hashlib.sha256(d).hexdigest()[:12]
        for i, d in enumerate([*filed, variant(letter, 3), variant(letter, 4)])
    }
    assert opened[key[0]].parent.parent == inbox / "processed" and opened[key[0]].name == "kế hoạch.pdf"
    assert opened[key[1]].parent.parent == inbox / "processed" and opened[key[1]].name == "kế hoạch (1).pdf"
    assert opened[key[2]] == docs / "cv 12.pdf"
    assert links.docs[key[3]] is None  # the deleted file: no link rather than a broken one
    # page links: one per page of each task, all to files that exist, none to the deleted one
    assert links.pages and all(_opens(report, h.split("#")[0]).is_file() for h in links.pages)
    assert not [h for h in links.pages if "cv%2013" in h or "cv 13" in h]

    # Chromium follows a page link to the filed PDF (the browser, not only urljoin, resolves it)
    page_link = next(h for h in links.pages if "processed" in h)
    proc = run_chromium(["--virtual-time-budget=3000", "--dump-dom", urljoin(report.as_uri(), page_link)],
                        tmp_path / "profile")  # fmt: skip
    assert "ERR_FILE_NOT_FOUND" not in proc.stdout and "ERR_FILE_NOT_FOUND" not in proc.stderr

    # the report moved with the folder tree keeps working: links are relative
    moved = tmp_path.parent / (tmp_path.name + "-moved")
    shutil.copytree(tmp_path, moved, symlinks=True)
    for href in filter(None, links.docs.values()):
        assert _opens(moved / "out" / "report.html", href).is_file()
    shutil.rmtree(moved)


# -- the diff page lists renumbered tasks ----------------------------------------------------------------


class Renumbered(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr" and a.get("data-a") is not None:
            self.pairs.append((a["data-a"] or "", a.get("data-b") or ""))


def _label(key: str) -> str:
    annex, section, stt = key.split("/")
    return f"PL {annex} · {section} · {stt}"


def test_diff_page_lists_the_renumbered_tasks(report: Path, tmp_path: Path) -> None:
    db = report.parent / "registry.sqlite"
    out = tmp_path / "diff.html"
    assert main(["diff", "15/KH-BCĐ", "21/KH-BCĐ", "--db", str(db), "-f", "html", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    parser = Renumbered()
    parser.feed(html)
    assert parser.pairs == [(_label(a), _label(b)) for a, b in EXPECTED["renumbered"]]
    assert f"Nhiệm vụ đổi số thứ tự ({EXPECTED['counts']['renumbered']})" in html


def test_report_in_english_from_the_command_line(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    db = report.parent / "registry.sqlite"
    assert main(["--lang", "en", "report", "--db", str(db), "-o", str(out), "--as-of", AS_OF.isoformat()]) == 0
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Task list" in html and "Danh sách nhiệm vụ" not in html
