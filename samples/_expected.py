"""Write the expected results of the samples from the seeds (ground truth), never from a parser.

Values a parser must normalise (agency names, deadline kinds and dates) come from the reviewed
table ``samples/expected/normalisation.yaml``; prose tasks are declared in
``samples/expected/prose_tasks.yaml``. Only ``pages`` is read from the rendered PDF: where each
task's cells (or sentence) are printed, found by an in-order search of the words of each table column
(or of the running text) with pdfplumber. A row the renderer cut at a page break lists both pages.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pdfplumber
import yaml

try:  # run as a script from samples/ (make_samples.py) or imported as samples._*
    from _seed import Letter, Plan, Row, plain
except ModuleNotFoundError:
    from samples._seed import Letter, Plan, Row, plain

_NOSPACE = re.compile(r"\s+")


class ExpectedError(Exception):
    """The seed, the YAML tables and the rendered PDF disagree; the message says where."""


def _key(text: str) -> str:
    return _NOSPACE.sub("", unicodedata.normalize("NFC", text))


@dataclass
class Normalisation:
    agencies: dict[str, list[dict[str, str]]]
    deadlines: dict[str, dict[str, Any]]

    def refs(self, raw: str | None) -> list[dict[str, str]]:
        """Agency refs for a cell/phrase as printed ("" or None -> [])."""
        if not raw:
            return []
        if raw not in self.agencies:
            raise ExpectedError(f"no entry for agency cell {raw!r} in normalisation.yaml: add one")
        return [dict(r) for r in self.agencies[raw]]

    def deadline(self, raw: str | None) -> dict[str, Any]:
        if not raw:
            return {"raw": None, "kind": "none", "due": None, "recurrence": None, "condition": None,
                    "milestones": []}
        if raw not in self.deadlines:
            raise ExpectedError(f"no entry for deadline {raw!r} in normalisation.yaml: add one")
        d = self.deadlines[raw]
        due = d.get("due")
        return {"raw": raw, "kind": d["kind"], "due": due.isoformat() if isinstance(due, date) else due,
                "recurrence": d.get("recurrence"), "condition": d.get("condition"),
                "milestones": list(d.get("milestones", []))}


def load_normalisation(path: Path) -> Normalisation:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    agencies = {
        unicodedata.normalize("NFC", raw): [{"name": n, "raw": r, "kind": k} for n, r, k in refs]
        for raw, refs in data["agencies"].items()
    }
    for cell, refs in agencies.items():
        for ref in refs:
            if _key(ref["raw"]) not in _key(cell):
                raise ExpectedError(f"normalisation.yaml: raw {ref['raw']!r} is not part of {cell!r}")
    deadlines = {unicodedata.normalize("NFC", k): v for k, v in data["deadlines"].items()}
    return Normalisation(agencies, deadlines)


def load_prose(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class PdfText:
    """The rendered PDF's words as searchable streams: one per table column, one for running text."""

    def __init__(self, pdf: bytes) -> None:
        self.columns: list[list[tuple[str, int]]] = [[] for _ in range(6)]
        self.flow: list[tuple[str, int]] = []
        self.orientation: list[str] = []
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            for number, page in enumerate(doc.pages, start=1):
                self.orientation.append("landscape" if page.width > page.height else "portrait")
                self._read_page(page, number)
        self._cursor = [0] * 6
        self._flow_cursor = 0
        self._col_text = ["".join(c for c, _ in col) for col in self.columns]
        self._flow_text = "".join(c for c, _ in self.flow)

    def _read_page(self, page, number: int) -> None:
        words = page.extract_words()
        tables = [t for t in page.find_tables() if len(t.rows) > 1]
        table = max(tables, key=lambda t: (t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1]), default=None)
        if table is not None and (table.bbox[2] - table.bbox[0]) > page.width * 0.6:
            xs = sorted({round(c[0], 1) for c in table.cells} | {round(table.bbox[2], 1)})
            header_bottom = table.rows[0].bbox[3]
            x0, top, x1, bottom = table.bbox
            for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
                xc, yc = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
                inside = x0 <= xc <= x1 and top <= yc <= bottom
                if not inside:
                    self._push(self.flow, w["text"], number)
                    continue
                if yc < header_bottom:
                    continue
                col = max(0, min(5, sum(1 for x in xs[1:-1] if xc >= x)))
                self._push(self.columns[col], w["text"], number)
            return
        for w in words:
            self._push(self.flow, w["text"], number)

    @staticmethod
    def _push(stream: list[tuple[str, int]], text: str, page: int) -> None:
        stream.extend((ch, page) for ch in _key(text))

    def find_cell(self, col: int, text: str) -> list[int]:
        key = _key(plain(text))
        at = self._col_text[col].find(key, self._cursor[col])
        if at < 0:
            raise ExpectedError(f"column {col}: {plain(text)[:80]!r} not found in the PDF after position "
                                f"{self._cursor[col]}; check the rendering")
        self._cursor[col] = at + len(key)
        return sorted({p for _, p in self.columns[col][at : at + len(key)]})

    def find_flow(self, text: str) -> list[int]:
        key = _key(plain(text))
        at = self._flow_text.find(key, self._flow_cursor)
        if at < 0:
            raise ExpectedError(f"running text {plain(text)[:80]!r} not found in the PDF; check the rendering")
        self._flow_cursor = at + len(key)
        return sorted({p for _, p in self.flow[at : at + len(key)]})


def _task(source: str, annex: str | None, section: str | None, section_title: str | None, stt: str | None,
          text: str, lead: list, co: list, output: str | None, deadline: dict, pages: list[int],
          lead_raw: str | None, co_raw: str | None) -> dict[str, Any]:
    return {"source": source, "annex": annex, "section": section, "section_title": section_title, "stt": stt,
            "text": text, "lead": lead, "co": co, "output": output, "deadline": deadline, "pages": pages,
            "lead_raw": lead_raw, "co_raw": co_raw}


def _table_task(annex: str, row: Row, norm: Normalisation, pdf: PdfText) -> dict[str, Any]:
    cells = [plain(c) for c in row.cells]
    pages: set[int] = set()
    for col in range(1, 6):
        if cells[col]:
            pages.update(pdf.find_cell(col, cells[col]))
    return _task("table", annex, row.section, row.section_title, cells[0] or None, cells[1],
                 norm.refs(cells[2]), norm.refs(cells[3]), cells[4] or None, norm.deadline(cells[5]),
                 sorted(pages), cells[2] or None, cells[3] or None)


def _refs(norm: Normalisation, raws: list[str] | None) -> list[dict[str, str]]:
    return [ref for raw in raws or [] for ref in norm.refs(raw)]


def _check_raws(where: str, haystack: str, raws: list[str | None]) -> None:
    for raw in raws:
        if raw and _key(raw).casefold() not in _key(haystack).casefold():
            raise ExpectedError(f"{where}: {raw!r} does not occur in the seed text of that task")


def plan_expected(plan: Plan, norm: Normalisation, prose: dict[str, Any], pdf_bytes: bytes,
                  file: str) -> dict[str, Any]:
    """Expected document metadata and tasks of the plan: body prose tasks, then Annex I, II, III rows."""
    pdf = PdfText(pdf_bytes)
    tasks = []
    body = plan.body
    section_titles = _plan_section_titles(body)
    for spec in prose["kh15_plan"]:
        idx = next((i for i, p in enumerate(body) if p.startswith(spec["find"])), None)
        if idx is None:
            raise ExpectedError(f"prose_tasks.yaml: no plan paragraph starts with {spec['find']!r}")
        para = body[idx]
        text = re.sub(r"^(?:[a-zđ]\) |- )", "", para)
        fields = " ".join(body[idx + 1 : idx + 4])
        _check_raws(f"plan {spec['section']} {spec['stt']}", para + " " + fields + " " +
                    section_titles[spec["section"]],
                    [*(spec["lead"] or []), *(spec["co"] or []), spec["deadline"]])
        tasks.append(_task("prose", None, spec["section"], section_titles[spec["section"]], spec["stt"],
                           plain(text), _refs(norm, spec["lead"]), _refs(norm, spec["co"]), None,
                           norm.deadline(spec["deadline"]), pdf.find_flow(text),
                           "; ".join(spec["lead"]) or None, "; ".join(spec["co"]) or None))
    for annex in plan.annexes:
        tasks.extend(_table_task(annex.name, row, norm, pdf) for row in annex.tasks)
    document = {"doc_type": "KẾ HOẠCH", "number": "15/KH-BCĐ", "issue_date": "2026-01-30",
                "issue_month": "2026-01", "issuer": "Ban Chỉ đạo UBND tỉnh", "subject": plain(body[3]),
                "signer": "Tạ Anh Tuấn"}
    return {"file": file, "document": document, "page_orientation": pdf.orientation, "tasks": tasks}


def _plan_section_titles(body: list[str]) -> dict[str, str]:
    """"III.2" -> "Chương trình công tác năm 2026 ..." for the numbered headings of the plan body."""
    titles: dict[str, str] = {}
    roman = None
    for p in body:
        m = re.match(r"^([IVX]+)\. ", p)
        if m:
            roman = m.group(1)
            continue
        m = re.match(r"^(\d+)\. (.*)$", p)
        if m and roman:
            titles[f"{roman}.{m.group(1)}"] = plain(m.group(2))
    return titles


def letter_expected(letter: Letter, norm: Normalisation, prose: dict[str, Any], pdf_bytes: bytes,
                    file: str) -> dict[str, Any]:
    """Expected metadata and the 26 directive items of the letter."""
    pdf = PdfText(pdf_bytes)
    spec = prose["cv_kgvx_letter"]
    tasks = []
    for item in letter.items:
        heading = plain(item.heading)
        title = heading.rstrip(":").strip()
        bodies = item.dashes or [item.heading]
        pdf.find_flow(f"{item.number}. {item.heading}")
        for k, raw_text in enumerate(bodies, start=1):
            stt = f"{item.number}.{k}"
            over = spec["tasks"].get(stt, {})
            lead = over.get("lead", spec["sections"][item.number])
            co = over.get("co", [])
            deadline = over.get("deadline")
            text = plain(raw_text)
            _check_raws(f"letter {stt}", heading + " " + text, [*lead, *co, deadline])
            pages = pdf.find_flow(raw_text) if item.dashes else pdf_pages_of_heading(pdf, item)
            tasks.append(_task("prose", None, item.number, title, stt, text, _refs(norm, lead),
                               _refs(norm, co), None, norm.deadline(deadline), pages,
                               "; ".join(lead) or None, "; ".join(co) or None))
    document = {"doc_type": "CÔNG VĂN", "number": "/UBND-KGVX", "issue_date": None, "issue_month": "2026-06",
                "issuer": "UBND tỉnh", "subject": plain(" ".join(letter.header_lines[6:]))[4:],
                "signer": plain(letter.signature[-1])}
    return {"file": file, "document": document, "page_orientation": pdf.orientation, "tasks": tasks}


def pdf_pages_of_heading(pdf: PdfText, item) -> list[int]:
    """Pages of a single-paragraph item (already consumed by the heading search): search it again."""
    key = _key(plain(f"{item.number}. {item.heading}"))
    at = pdf._flow_text.rfind(key, 0, pdf._flow_cursor)
    return sorted({p for _, p in pdf.flow[at : at + len(key)]})
