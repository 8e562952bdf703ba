"""Read the two seed texts (ground truth of the real documents) into plain structures.

The seeds in ``../shared/seeds`` are the text of the printed documents: body paragraphs separated by
blank lines, annex tables as tab-separated rows (one line per printed row, the header line repeated
at every page break of the original), a little HTML (``<p>``, ``<i>``) and markdown (``**``, ``~~``).
This module turns them into paragraphs and *logical* table rows (a row the original cut at a page
break is joined back cell by cell), so that the renderer can re-typeset the document and the
expected-results writer can state what a parser must find. It is a reader of our own ground-truth
format, not a parser under test: every rule here is specific to these two seeds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
_ROMAN_RE = re.compile(r"^(?:X{0,1}(?:IX|IV|V?I{0,3}))\.?$")
_TAG_RE = re.compile(r"</?(?:p|i)>")
_WS_RE = re.compile(r"\s+")
_LETTER_ITEM_RE = re.compile(r"^[a-zđ]\) ")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (Vietnamese PDFs mix composed and decomposed forms)."""
    return unicodedata.normalize("NFC", text)


def plain(text: str) -> str:
    """Strip the seed's HTML/markdown and collapse whitespace: the text a reader sees printed.

    Example: ``"<p>Quý I năm 2026</p>"`` -> ``"Quý I năm 2026"``; ``"Số: ~~45~~/KH-BCĐ"`` keeps
    only the struck number's replacement handled by the caller (see ``PLAN_NUMBER_FIX``).
    """
    text = _TAG_RE.sub("", text).replace("**", "")
    return _WS_RE.sub(" ", nfc(text)).strip()


def runs(text: str) -> list[tuple[str, bool, bool]]:
    """Split a seed string into (text, bold, italic) runs from its ``**``/``<i>`` marks.

    ``<p>`` tags are dropped; whitespace inside runs is kept (collapsed) so that the renderer prints
    exactly ``plain(text)`` when the runs are concatenated.
    """
    text = nfc(text).replace("<p>", "").replace("</p>", "")
    out: list[tuple[str, bool, bool]] = []
    bold = italic = False
    for token in re.split(r"(\*\*|<i>|</i>)", text):
        if token == "**":
            bold = not bold
        elif token == "<i>":
            italic = True
        elif token == "</i>":
            italic = False
        elif token:
            out.append((_WS_RE.sub(" ", token), bold, italic))
    return out


def is_roman(token: str) -> bool:
    """True for a Roman section numeral as printed in an STT cell ("II", "IV", "I.")."""
    return bool(token) and bool(_ROMAN_RE.match(token))


@dataclass
class Row:
    """One logical table row: a section heading or a task (cells in header order, seed markup kept)."""

    kind: str  # "section" | "task"
    cells: list[str]
    lines: list[int]  # seed line numbers (1-based) the row was built from
    section: str | None = None  # Roman numeral of the section the row belongs to / opens
    section_title: str | None = None
    merged: bool = False  # section row: title cell spans the remaining columns
    fused_heading: str | None = None  # Annex I row 1: section heading printed inside the task cell
    continued: bool = False  # the original cut this row at a page break


@dataclass
class Annex:
    """An annex: title lines (seed markup kept, in seed order), header cells and logical rows."""

    name: str
    title_lines: list[str]
    header: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def tasks(self) -> list[Row]:
        return [r for r in self.rows if r.kind == "task"]


@dataclass
class Plan:
    body: list[str]  # paragraphs (seed line breaks inside a paragraph joined), markup kept
    annexes: list[Annex]


PLAN_NUMBER_FIX = ("Số: ~~45~~/KH-BCĐ", "Số: 15/KH-BCĐ")


def paragraphs(lines: list[str]) -> list[str]:
    """Group seed lines into paragraphs, joining the splits the original's page breaks left behind.

    A blank-line-separated line continues the previous paragraph when it starts with a lower-case
    letter ("... đổi mới sáng" / "tạo và chuyển đổi số ...") or when the previous paragraph left a
    parenthesis open ("(Chi tiết tại" / "Phụ lục I, II, III kèm theo); ...").
    """
    out: list[str] = []
    for raw in lines:
        line = raw.rstrip()
        if not line.strip():
            continue
        lower = line[:1].islower() and not _LETTER_ITEM_RE.match(line)
        if out and (lower or out[-1].count("(") > out[-1].count(")")):
            out[-1] = out[-1] + " " + line.strip()
        else:
            out.append(line.strip())
    return out


def _annex_rows(block: list[tuple[int, str]], header: list[str], merge_sections: bool) -> list[Row]:
    rows: list[Row] = []
    section: str | None = None
    title: str | None = None
    after_header = False
    for n, line in block:
        cells = [c.strip() for c in line.split("\t")]
        if cells == header:
            after_header = True
            continue
        stt = plain(cells[0])
        rest_empty = all(not plain(c) for c in cells[2:])
        prev = rows[-1] if rows else None
        if not stt and after_header and prev is not None and prev.kind == "task" and not plain(cells[-1]):
            # page-break continuation: rest of the previous row's cells
            prev.cells = [_join(a, b) for a, b in zip(prev.cells, cells, strict=True)]
            prev.lines.append(n)
            prev.continued = True
            after_header = False
            continue
        after_header = False
        if stt and rest_empty and (is_roman(stt) or not rows or _is_heading_number(stt, rows)):
            numeral = stt.rstrip(".")
            if not is_roman(numeral):  # Annex III prints its first heading as "1"
                numeral = ROMAN[int(numeral) - 1]
            section, title = numeral, plain(cells[1])
            rows.append(Row("section", cells, [n], numeral, title, merged=merge_sections))
            continue
        rows.append(Row("task", cells, [n], section, title))
    return rows


def _is_heading_number(stt: str, rows: list[Row]) -> bool:
    # an Arabic "1" with empty cells before any task of the annex is the (mis-numbered) first heading
    return stt.isdigit() and not any(r.kind == "task" for r in rows)


def _join(a: str, b: str) -> str:
    a, b = a.strip(), b.strip()
    return f"{a} {b}" if a and b else a or b


def _split_fused(rows: list[Row]) -> None:
    """Annex I row 1 prints section I's heading inside the first task's cell: record it as such."""
    first = rows[0]
    heading = "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH, TỔ CHỨC THỰC HIỆN"
    if first.kind == "task" and plain(first.cells[1]).startswith(heading + " "):
        first.fused_heading = heading
        first.cells[1] = first.cells[1].replace(heading + " ", "", 1)
        first.section, first.section_title = "I", heading
        for r in rows[1:]:
            if r.kind == "section":
                break
            r.section, r.section_title = "I", heading


def read_plan(text: str) -> Plan:
    """Read seed 000 (Kế hoạch 15/KH-BCĐ): body paragraphs and Annex I, II, III."""
    lines = nfc(text).split("\n")
    starts = {name: i for i, line in enumerate(lines) for name in ("I", "II", "III")
              if line.strip() == f"Phụ lục {name}"}
    a1, a2, a3 = starts["I"], starts["II"], starts["III"]
    a2_title_start = max(i for i in range(a1, a2) if lines[i].startswith("**DANH MỤC"))
    body = paragraphs(lines[:a1])
    body = [p.replace(*PLAN_NUMBER_FIX) for p in body]
    spans = {"I": (a1, a2_title_start), "II": (a2_title_start, a3), "III": (a3, len(lines))}
    annexes = []
    for name, (lo, hi) in spans.items():
        block = [(i + 1, lines[i]) for i in range(lo, hi)]
        title = [line for _, line in block if line.strip() and "\t" not in line]
        table = [(n, line) for n, line in block if "\t" in line]
        header = [c.strip() for c in table[0][1].split("\t")]
        rows = _annex_rows(table, header, merge_sections=(name == "I"))
        if name == "I":
            _split_fused(rows)
        annexes.append(Annex(name, title, header, rows))
    return Plan(body, annexes)


@dataclass
class LetterItem:
    number: str  # "1".."6"
    heading: str  # the numbered paragraph without its number
    dashes: list[str]  # dash items without the leading "- " (empty for single-paragraph items)


@dataclass
class Letter:
    header_lines: list[str]  # lines before "Kính gửi:", markup kept
    recipients: list[str]
    intro: str
    items: list[LetterItem]
    closing: list[str]  # paragraphs after the last item, up to the signature block
    signature: list[str]


def read_letter(text: str) -> Letter:
    """Read seed 002 (Công văn /UBND-KGVX): header, recipients, six numbered items, closing."""
    lines = [line.rstrip() for line in nfc(text).split("\n")]
    k = lines.index("Kính gửi:")
    header = [line for line in lines[:k] if line.strip()]
    paras = paragraphs(lines[k + 1 :])
    recipients = [p for p in paras[:2]]
    intro = paras[2]
    items: list[LetterItem] = []
    i = 3
    while i < len(paras) and re.match(r"^\d+\. ", paras[i]):
        number, heading = paras[i].split(". ", 1)
        dashes = []
        i += 1
        while i < len(paras) and paras[i].startswith("- "):
            dashes.append(paras[i][2:])
            i += 1
        items.append(LetterItem(number, heading, dashes))
    end = next(j for j in range(i, len(paras)) if paras[j].startswith("**KT."))
    return Letter(header, recipients, intro, items, paras[i:end], paras[end:])
