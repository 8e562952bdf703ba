"""Running text → numbered paragraphs: the outline that prose directives are read from.

PDF and OCR readers give one Block per printed *line*; Word gives one Block per paragraph. This module
joins lines into paragraphs and tells each paragraph's list marker ("III.", "2.", "a)", "(1)", "-"), so
that ``parsers.extractors.directives`` can walk the outline of a letter or a plan without caring about line breaks
or page breaks ("… hoàn thiện hệ thống hạ" / page 2 / "tầng mạng; …" is one paragraph on pages 1–2).
"""

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from models.page import Block, ParsedFile
from parsers.normalisers.text import clean_cell

MarkerKind = Literal["roman", "num", "letter", "paren", "dash", "glyph", "none"]

_MARKERS: list[tuple[MarkerKind, re.Pattern[str]]] = [
    ("roman", re.compile(r"^(?P<label>[IVX]{1,5})\s*[.:]\s*(?P<body>\S.*)$")),
    # "Phần II MỘT SỐ CÔNG TÁC TRỌNG TÂM …" (a report's parts; OCR reads II as "H")
    ("roman", re.compile(r"^Phần\s+(?P<label>[IVX]{1,4}|H)\b\.?\s*(?P<body>\S.*)$")),
    ("num", re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2})*)\s*[.)]\s*(?P<body>\S.*)$")),
    # OCR reads a bold "8." as "§." ("§. Giao Sở Nội vụ:")
    ("num", re.compile(r"^(?P<label>§)\.\s*(?P<body>[A-ZĐÀ-Ỹ].*)$")),
    # the Party's "1- Các đồng chí bí thư …" (a capital after the hyphen: "2-3 ngày" is no item)
    ("num", re.compile(r"^(?P<label>\d{1,2})\s?-\s+(?P<body>[A-ZĐÀ-Ỹ].*)$")),
    ("letter", re.compile(r"^(?P<label>[a-zđ])\s*\)\s*(?P<body>\S.*)$")),
    ("paren", re.compile(r"^\((?P<label>\d{1,2})\)\s*(?P<body>\S.*)$")),
    # "+" is the level below "-" ("- Gửi … các tài liệu sau:" / "+ Biên bản họp …"): labelled "+" to nest
    ("dash", re.compile(r"^(?P<label>\+)\s*(?P<body>[^\s\d-].*)$")),
    # "¬" and "_" are dashes as OCR reads them
    ("dash", re.compile(r"^[-–—•_¬]\s*(?P<body>[^\s\d-].*)$")),
    # a symbol-font bullet as a Word-made PDF prints it: "\uf0d8" (an arrow), "\uf0b7" (a dot), "\uf0a7" (a
    # square) are nested levels, so the glyph is the label and each glyph its own level
    ("glyph", re.compile(r"^(?P<label>[\uf020-\uf0ff])\s*(?P<body>\S.*)$")),
    # a letter marker OCR garbled ("Œ) Bộ Chỉ huy …", "(Ù) Sở …", "Ẵe) Sở …"): a short non-word label, ")"
    # and a capitalised body; its letter is taken from the sequence (``_GARBLED``)
    ("letter", re.compile(r"^(?P<label>\(?[^\s\d(]{1,2}[^\s\d]?)\)\s*(?P<body>[A-ZĐÀ-Ỹ]\S*\s.*)$")),
]
_LETTERS = "abcdđeghiklmnopqrstuvxy"
_GARBLED = "?"
# A line that is only a page number ("2", "- 2 -") is furniture, not text.
_PAGE_NUMBER = re.compile(r"^[-–]?\s*\d{1,3}\s*[-–]?$")
# A marked line this short that does not close a sentence is a heading, not the start of a wrapped paragraph.
_HEADING_MAX = 75
_TERMINAL = re.compile(r"[.;:!?…)\]”\"]$")
# Header lines end without punctuation yet never run on: "ỦY BAN NHÂN DÂN TỈNH …", "Số: 15/KH-UBND",
# "Đắk Lắk, ngày 30 tháng 01 năm 2026".
_HEADER_LINE = re.compile(r"^(?:Số\s*:|Kính gửi\s*:|.{0,40},\s*ngày\b.*\btháng\b.*\bnăm\s+\d{4}$)")


def is_header_line(text: str) -> bool:
    """An upper-case letterhead or title line, "Số: …", "Kính gửi: …" or a place-and-date line."""
    letters = [c for c in text if c.isalpha()]
    return (len(letters) >= 4 and all(c.isupper() for c in letters)) or bool(_HEADER_LINE.match(text))


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of running text with its list marker split off.

    ``text`` is the paragraph as printed (marker included, NFC, whitespace collapsed); ``body`` is the
    text after the marker; ``label`` is the marker's value ("III", "2", "2.1", "a", "1") or None.
    """

    text: str
    body: str
    kind: MarkerKind
    label: str | None
    pages: tuple[int, ...]
    bold: bool
    index: int


def split_marker(text: str) -> tuple[MarkerKind, str | None, str]:
    """Split a paragraph's list marker: "2. Giao Sở Nội vụ:" -> ("num", "2", "Giao Sở Nội vụ:")."""
    for kind, pattern in _MARKERS:
        m = pattern.match(text)
        if m:
            label = m.groupdict().get("label")
            if label == "H":  # "Phần H": OCR's reading of "Phần II"
                label = "II"
            if label == "§":
                label = "8"
            if kind == "letter" and label is not None and label not in _LETTERS:
                label = _GARBLED
            return kind, label, m.group("body")
    return "none", None, text


def starts_lower(text: str) -> bool:
    """Does the text go on in lower case (a continuation, not a new sentence)?"""
    first = text[:1]
    return first.isalpha() and first.islower()


def _continues(
    previous: str, line: str, kind: MarkerKind, body: str, style_changed: bool, heading: bool
) -> bool:
    """Does a printed line continue the paragraph before it?

    A marker starts a paragraph, except a dash wrapped to a line start in the middle of a sentence
    ("kinh tế" / "- xã hội"): the line before has no closing punctuation and the text goes on in lower
    case. An unmarked line continues unless the line before closed a sentence and this one opens with a
    capital letter (a new paragraph such as "Giao Sở Nội vụ:" after "… đúng quy định."), or a bold
    heading line meets a plain one, or the paragraph so far is one short marked line ("1. Trưởng, Phó
    Trưởng Ban Chỉ đạo của UBND tỉnh" then "Chỉ đạo, theo dõi, …": a heading even where the reader saw
    no bold; a bold heading wrapped over two bold lines stays one).
    """
    if style_changed:  # bold or centring differs: a heading meets body text
        return False
    if kind == "none" and heading and not starts_lower(line):
        return False
    closed = bool(_TERMINAL.search(previous)) or is_header_line(previous)
    if kind != "none":
        return kind == "dash" and not closed and starts_lower(body)
    return not (closed and not starts_lower(line))


@dataclass(frozen=True)
class _Margins:
    """A page's text column: where body lines start and end (points), and one em."""

    left: float
    right: float
    em: float


def _page_margins(blocks: list[Block]) -> _Margins | None:
    """The body column of a page from its line boxes: the most common line start, the far line end.

    Justified Vietnamese prose fills its lines to the right margin and indents each paragraph's first
    line, so a line that reaches the right margin runs on into the next one unless that one is indented.
    """
    # OCR marks a justified line that spans the column as centred (equal margins): keep long lines too.
    boxes = [b.bbox for b in blocks if b.bbox is not None and len(b.text) >= 20]
    if len(boxes) < 4:
        return None
    starts = Counter(round(x0 / 4) for x0, _, _, _ in boxes)
    left = starts.most_common(1)[0][0] * 4
    ends = sorted(x1 for _, _, x1, _ in boxes)
    right = ends[int(0.9 * (len(ends) - 1))]
    heights = sorted(bottom - top for _, top, _, bottom in boxes)
    em = max(6.0, heights[len(heights) // 2])
    return _Margins(left=left, right=right, em=em)


def _is_full(block: Block, margins: _Margins | None) -> bool:
    return bool(margins and block.bbox and block.bbox[2] >= margins.right - 1.5 * margins.em)


def _is_indented(block: Block, margins: _Margins | None) -> bool:
    return bool(margins and block.bbox and block.bbox[0] >= margins.left + 0.8 * margins.em)


def _layout_continues(
    previous: Block | None,
    previous_margins: _Margins | None,
    block: Block,
    margins: _Margins | None,
    kind: MarkerKind,
    body: str,
) -> bool | None:
    """Does ``block`` continue the paragraph of ``previous``, judged from the page layout? None: can't tell.

    Justified prose: a line that reaches the right margin runs on into the next line when that line
    starts at the left margin; a paragraph's first line is indented, and its last line stops short. A
    list marker starts a paragraph unless the line before runs full and the text goes on in lower case
    ("kinh tế" / "- xã hội"). Header and signature lines (two columns, centred) are left to the text rules.
    """
    if previous is None or previous.bbox is None or block.bbox is None or not margins or not previous_margins:
        return None
    if previous.page != block.page:
        return None
    if (block.centered and not _is_full(block, margins)) or (
        previous.centered and not _is_full(previous, previous_margins)
    ):
        return None
    if block.bbox[1] < previous.bbox[3] - 2:  # same printed line, split at a column gap
        return None
    if previous.bbox[0] > previous_margins.left + 3 * previous_margins.em:  # a right-column header line
        return None
    if block.bbox[1] - previous.bbox[3] > 1.2 * margins.em:  # a blank line between them
        return False
    full = _is_full(previous, previous_margins)
    if full and _TERMINAL.search(clean_cell(previous.text)) and not starts_lower(body):
        full = False  # a sentence that happens to end at the margin, then a capital: a new paragraph
    if kind != "none":
        return kind == "dash" and full and starts_lower(body)
    if _is_indented(block, margins):
        return full and starts_lower(body)
    return full or starts_lower(body)


def _is_heading(lines: list[str]) -> bool:
    return len(lines) == 1 and len(lines[0]) <= _HEADING_MAX and split_marker(lines[0])[0] != "none"


def _next_letter(before: list[Paragraph]) -> str:
    """The letter that follows the last lettered item of the current numbered item ("a" when none)."""
    for p in reversed(before):
        if p.kind in ("num", "roman"):
            break
        if p.kind == "letter" and p.label in _LETTERS:
            return _LETTERS[min(_LETTERS.index(p.label) + 1, len(_LETTERS) - 1)]
    return "a"


def paragraphs(parsed: ParsedFile) -> list[Paragraph]:
    """All running-text paragraphs of a file, in reading order (tables are not included).

    Word blocks are paragraphs already; PDF/OCR lines are joined with ``_continues``.
    """
    join_lines = parsed.kind != "docx"
    out: list[Paragraph] = []
    lines: list[str] = []
    pages: list[int] = []
    bold: list[bool] = []
    centered: list[bool] = []  # a centred line (title, heading) never runs on into a body line

    def flush() -> None:
        if not lines:
            return
        text = clean_cell("\n".join(lines))
        kind, label, body = split_marker(text)
        if label == _GARBLED:
            label = _next_letter(out)
        out.append(
            Paragraph(
                text=text,
                body=body,
                kind=kind,
                label=label,
                pages=tuple(sorted(set(pages))),
                bold=all(bold),
                index=len(out),
            )
        )
        lines.clear()
        pages.clear()
        bold.clear()
        centered.clear()

    previous: Block | None = None
    previous_margins: _Margins | None = None
    for page in parsed.pages:
        margins = _page_margins(page.blocks) if join_lines else None
        for block in page.blocks:
            line = clean_cell(block.text)
            if not line or _PAGE_NUMBER.match(line):
                continue
            kind, _, body = split_marker(line)
            layout = _layout_continues(previous, previous_margins, block, margins, kind, body)
            # OCR marks a justified line that spans the column as centred: that is no change of style where
            # it goes on with a sentence left open ("… Chủ tịch UBND các" / "huyện, thành phố …")
            is_centred = block.centered and not (
                _is_full(block, margins) and lines and not _TERMINAL.search(lines[-1]) and starts_lower(line)
                and split_marker(lines[0])[0] in ("num", "letter", "roman")
            )
            if not (
                join_lines
                and lines
                and (
                    layout
                    if layout is not None
                    else _continues(
                        lines[-1],
                        line,
                        kind,
                        body,
                        bold[-1] != block.bold or centered[-1] != is_centred,
                        not bold[-1] and _is_heading(lines),
                    )
                )
            ):
                flush()
            lines.append(line)
            pages.append(block.page)
            bold.append(block.bold)
            centered.append(is_centred)
            previous, previous_margins = block, margins
    flush()
    return out
