"""Deadline phrases as printed ("Quý II/2026", "Trước ngày 25 hằng tháng") -> ``Deadline`` values.

``due`` is the last day the phrase allows: "Quý II/2026" -> 2026-06-30, "Tháng 12 năm 2026" -> 2026-12-31,
"6 tháng đầu năm 2026" -> 2026-06-30. The parser never guesses: a phrase it does not understand is
``kind="unknown"`` with its ``raw`` text and no date, and an impossible date ("31/02/2026") is unknown too.

Decisions (the issue left these open):

- A year left out ("trước ngày 25/6", "Quý III", "trong tháng 7") is the year of ``doc_date``; when that
  date falls more than half a year before ``doc_date`` the next year is meant ("trước ngày 10/01" in a
  letter of 20/12/2026 -> 2027-01-10). Without ``doc_date`` the kind is kept and ``due`` is None.
- "năm sau"/"năm tới" is ``doc_date``'s year + 1 ("trước ngày 31/01 năm sau").
- "giữa năm 2026" and "trong kỳ họp thường lệ giữa năm 2026" -> half_year, 2026-06-30; "đầu năm 2026"
  -> quarter, 2026-03-31; "cuối năm 2026" / "hết năm 2026" -> year, 2026-12-31.
- "trước tháng 7/2026", "trước Quý III/2026", "trước năm 2027" end the day before that period starts;
  "trước ngày 30/6/2026" is 2026-06-30 (documents use it for "by").
- Ranges end at their end: "từ tháng 3 đến tháng 6/2026" -> 2026-06-30, "2026-2030" -> 2030-12-31,
  "Quý III và IV/2026" -> 2026-12-31.
- Recurring phrases have ``due`` None; the rhythm is ``recurrence``. "Hằng tháng hoặc theo yêu cầu" is
  monthly (the regular rhythm is the one a tracker can check); "Định kỳ theo yêu cầu" is on_request;
  "Theo Quý và theo chuyên đề" is quarterly. The day in "trước ngày 25 hằng tháng" stays in ``raw``
  (``Deadline`` has no field for it).
- A phrase with dated steps and a rhythm ("Hằng quý; tổng kết trước 31/12/2026") is dated and keeps the
  rhythm in ``recurrence``.
- Conditional phrases keep the condition as printed, from its first cue: "Sau khi có hướng dẫn của Bộ
  Công an", "theo các mốc thời gian tại Quyết định số 1441/QĐ-UBND ngày 25/9/2025". The date of a cited
  document, an effective date or an event date is never ``due``.
- Several dated steps ("ban hành kế hoạch trong tháng 01/2026, tổ chức kiểm tra chậm nhất trong tháng
  6/2026") give one milestone per step, each with the clause it sits in; ``due`` is the first step's.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from re import Match, Pattern

from models.task import Deadline, DeadlineKind, Milestone
from parsers.normalisers import deadline_patterns as pt
from parsers.normalisers.text import clean_cell

VERSION = "deadline.v2"

# How far before the document date a year-less date may fall and still be in the document's year.
_ROLLOVER = timedelta(days=183)

Period = tuple[date, date]  # first and last day a step covers


@dataclass(frozen=True)
class _Step:
    """One dated step found in a phrase, before its year is resolved."""

    start: int
    end: int
    kind: DeadlineKind
    period: Callable[[int], Period]  # year -> (first day, last day); raises ValueError if impossible
    year: int | None  # the year printed, if any
    year_offset: int = 0  # 1 for "năm sau"
    roll: bool = True  # may move to next year when far before the document date
    ranged: bool = False  # a range "A - B" / "từ A đến B": it has its end, "từ" does not make it open


@dataclass(frozen=True)
class _Scan:
    """Everything found in one phrase's key: masks, rhythms, steps, cues."""

    text: str
    key: str
    recurrences: list[tuple[str | None, int, int]]
    steps: list[_Step]
    ongoing: Match[str] | None
    condition_start: int | None
    starts_only: bool = False  # a period opened with "từ" and never closed: a standing duty from then


# --- public API -----------------------------------------------------------------------------------------


def parse_deadline(raw: str | None, doc_date: date | None) -> Deadline:
    """Parse a deadline cell or phrase such as "Quý II/2026" or "Trước ngày 25 hằng tháng"; never guesses.

    Args:
        raw: the text as printed (a "Thời gian hoàn thành" cell, or the phrase
            ``parsers.extractors.directive_deadline.find_deadline_raw`` picks from a sentence).
        doc_date: issue date of the document, used for years left out ("Quý III" -> Quý III of its year).

    Returns:
        A ``Deadline`` whose ``raw`` is the phrase (NFC, whitespace collapsed). None or blank -> kind
        "none"; not understood -> kind "unknown" with no date.

    Example:
        >>> parse_deadline("Quý II/2026", None).due
        datetime.date(2026, 6, 30)
    """
    text = _display(raw)
    if not text:
        return Deadline()
    return _decide(_scan(text, doc_date), doc_date)


# --- normalisation --------------------------------------------------------------------------------------


def _display(raw: str | None) -> str:
    """The phrase as printed: NFC, markup dropped, whitespace collapsed."""
    if raw is None:
        return ""
    text = clean_cell(pt.MARKUP.sub("", raw))
    return text.replace("( ", "(").replace(" )", ")")


def _key(text: str) -> str:
    """Lower-case, diacritic-free key of the same length as ``text``, with OCR digit slips repaired."""
    key = text.translate(pt.SKELETON)
    return pt.OCR_DIGITS.sub(lambda m: m.group().replace("o", "0").replace("l", "1"), key)


# --- scanning -------------------------------------------------------------------------------------------


def _scan(text: str, doc_date: date | None) -> _Scan:
    key = _key(text)
    # date ranges first: the start-date mask ("từ ngày …") must not eat the first date of "Từ ngày A đến
    # ngày B"; the masks of cited documents and events still apply
    doc_masks = [m.span() for i, p in enumerate(pt.NON_DEADLINE) if i != _START_MASK for m in p.finditer(key)]
    steps: list[_Step] = []
    claimed: list[tuple[int, int]] = []
    for m in pt.DATE_RANGE.finditer(key):
        if _free(m.span(), doc_masks):
            steps.append(_date_range(m))
            claimed.append(m.span())
    for pattern in pt.NON_DEADLINE:
        claimed.extend(m.span() for m in pattern.finditer(key))

    recurrences: list[tuple[str | None, int, int]] = []
    for recurrence, pattern in pt.RECURRING:
        for m in pattern.finditer(key):
            if _free(m.span(), claimed):
                recurrences.append((recurrence, *m.span()))
                claimed.append(m.span())

    for pattern, build in _STEP_BUILDERS:
        for m in pattern.finditer(key):
            if not _free(m.span(), claimed):
                continue
            step = build(m)
            if step is None:
                continue
            steps.append(_before(step, key))
            claimed.append(m.span())
    steps.sort(key=lambda s: s.start)
    steps = _join_ranges(steps, key)
    opened = [s for s in steps if not s.ranged and s.kind != "date" and pt.FROM.search(key, 0, s.start)]
    steps = [s for s in steps if s not in opened]

    conditions = [pt.REF_TIME, pt.CONDITIONAL, pt.REF_DOC]
    starts = [m.start() for p in conditions for m in p.finditer(key)]
    return _Scan(
        text=text,
        key=key,
        recurrences=recurrences,
        steps=steps,
        ongoing=pt.ONGOING.search(key),
        condition_start=min(starts) if starts else None,
        starts_only=bool(opened) and not steps,
    )


_START_MASK = 1  # index in pt.NON_DEADLINE of the effective/start-date mask ("từ ngày 1/3/2026")


def _join_ranges(steps: list[_Step], key: str) -> list[_Step]:
    """Two periods joined by "đến"/"-" are one range due at the end of the second: "Từ quý I/2012 đến hết
    năm 2012" -> 2012-12-31 (the first keeps its own year, or takes the second's)."""
    out: list[_Step] = []
    for step in steps:
        prev = out[-1] if out else None
        if prev is None or not pt.RANGE_JOIN.match(key[prev.end : step.start]):
            out.append(step)
            continue
        first, last = prev, step

        def period(year: int, first: _Step = first, last: _Step = last) -> Period:
            start = first.period(first.year if first.year is not None else year)[0]
            end = last.period(year)[1]
            if start > end:
                raise ValueError("a range that ends before it starts")
            return start, end

        year = last.year if last.year is not None else first.year
        opened = pt.FROM.search(key, 0, first.start)  # "từ" belongs to the range's phrase
        out[-1] = _Step(opened.start() if opened else first.start, last.end, last.kind, period, year, last.year_offset, last.roll, ranged=True)
    return out


def _free(span: tuple[int, int], claimed: list[tuple[int, int]]) -> bool:
    return all(span[1] <= a or span[0] >= b for a, b in claimed)


def _before(step: _Step, key: str) -> _Step:
    """Shift a period step that follows "trước": "trước tháng 7/2026" ends the day before July starts."""
    if step.kind == "date" or not pt.BEFORE.search(key, 0, step.start):
        return step
    inner = step.period

    def shifted(year: int) -> Period:
        first = inner(year)[0] - timedelta(days=1)
        return first, first

    return _Step(step.start, step.end, step.kind, shifted, step.year, step.year_offset, step.roll, step.ranged)


# --- step builders: one per pattern ---------------------------------------------------------------------


def _year_of(m: Match[str]) -> tuple[int | None, int]:
    groups = m.groupdict()
    printed = groups.get("y") or groups.get("yw")
    if printed:
        return int(printed), 0
    word = groups.get("word")
    if groups.get("next") or word in ("sau", "toi"):
        return None, 1
    return None, 0


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _step(m: Match[str], kind: DeadlineKind, period: Callable[[int], Period], roll: bool = True) -> _Step:
    year, offset = _year_of(m)
    return _Step(m.start(), m.end(), kind, period, year, offset, roll)


def _date(m: Match[str]) -> _Step:
    d, mo = int(m["d"]), int(m["m"])
    return _step(m, "date", lambda y: (date(y, mo, d), date(y, mo, d)))


def _date_range(m: Match[str]) -> _Step:
    """One step from the first day to the last of "29/6/2026-09/7/2026"; a year printed once ("04/08-20/08/2023")
    is both dates' (the first falls in the year before when it is later in the year than the last)."""
    d1, m1, d2, m2 = int(m["d1"]), int(m["m1"]), int(m["d"]), int(m["m"])
    y1 = int(m["y1"]) if m["y1"] else None
    y2 = int(m["y"]) if m["y"] else None
    if y2 is None and y1 is not None:
        y2 = y1 if (m2, d2) >= (m1, d1) else y1 + 1

    def period(year: int) -> Period:
        end = date(year, m2, d2)
        start = date(y1 if y1 is not None else year, m1, d1)
        if start > end and y1 is None:
            start = date(year - 1, m1, d1)
        if start > end:
            raise ValueError("a range that ends before it starts")
        return start, end

    return _Step(m.start(), m.end(), "date", period, y2, ranged=True)


def _month_period(first: int, last: int) -> Callable[[int], Period]:
    def period(year: int) -> Period:
        if not (1 <= first <= 12):
            raise ValueError(f"month {first}")
        return date(year, first, 1), _month_end(year, last)

    return period


def _month_range(m: Match[str]) -> _Step | None:
    first, last = int(m["m1"]), int(m["m"])
    if first >= last:
        return None
    return _step(m, "month", _month_period(first, last))


def _month_list(m: Match[str]) -> _Step:
    months = [int(x) for x in pt.MONTH_NUMBER.findall(m["ms"])]
    return _step(m, "month", _month_period(months[0], months[-1]))


def _month_bare(m: Match[str]) -> _Step | None:
    month = int(m["m"])
    return _step(m, "month", _month_period(month, month)) if 1 <= month <= 12 else None


def _quarter(m: Match[str]) -> _Step | None:
    quarters = [_quarter_number(t) for t in pt.QUARTER_TOKEN.findall(m["qs"])]
    if not quarters or None in quarters:
        return None
    first, last = min(q for q in quarters if q), max(q for q in quarters if q)
    return _step(m, "quarter", lambda y: (date(y, 3 * first - 2, 1), _month_end(y, 3 * last)))


def _quarter_number(token: str) -> int | None:
    roman = token.translate(str.maketrans("l1|", "iii"))
    return {"i": 1, "ii": 2, "iii": 3, "iv": 4, "2": 2, "3": 3, "4": 4}.get(roman)


def _half(m: Match[str]) -> _Step:
    if m["h"] == "dau":
        return _step(m, "half_year", lambda y: (date(y, 1, 1), date(y, 6, 30)))
    return _step(m, "half_year", lambda y: (date(y, 7, 1), date(y, 12, 31)))


def _mid_year(m: Match[str]) -> _Step:
    return _step(m, "half_year", lambda y: (date(y, 1, 1), date(y, 6, 30)))


def _early_year(m: Match[str]) -> _Step:
    return _step(m, "quarter", lambda y: (date(y, 1, 1), date(y, 3, 31)))


def _whole_year(m: Match[str]) -> _Step:
    return _step(m, "year", lambda y: (date(y, 1, 1), date(y, 12, 31)), roll=False)


def _year_range(m: Match[str]) -> _Step | None:
    first, last = int(m["y1"]), int(m["y"])
    if not first < last <= first + 30:
        return None
    return _Step(m.start(), m.end(), "year", lambda _: (date(first, 1, 1), date(last, 12, 31)), last)


def _in_year(m: Match[str]) -> _Step:
    return _Step(m.start(), m.end(), "year", lambda y: (date(y, 1, 1), date(y, 12, 31)), None, roll=False)


_STEP_BUILDERS: list[tuple[Pattern[str], Callable[[Match[str]], _Step | None]]] = [
    (pt.DATE_NUM, _date),
    (pt.DATE_WORDS, _date),
    (pt.DATE_NO_YEAR, _date),
    (pt.HALF, _half),
    (pt.MONTH_RANGE, _month_range),
    (pt.MONTH_LIST, _month_list),
    (pt.QUARTER, _quarter),
    (pt.YEAR_RANGE, _year_range),
    (pt.MONTH_BARE, _month_bare),
    (pt.MID_YEAR, _mid_year),
    (pt.EARLY_YEAR, _early_year),
    (pt.YEAR_END, _whole_year),
    (pt.YEAR, _whole_year),
    (pt.YEAR_ALONE, _whole_year),
    (pt.IN_YEAR, _in_year),
]


# --- deciding -------------------------------------------------------------------------------------------


def _resolve(step: _Step, doc_date: date | None) -> Period | None:
    """The step's period with its year filled in; None when no year is known. Raises ValueError."""
    if step.year is not None:
        return step.period(step.year)
    if doc_date is None:
        return None
    year = doc_date.year + step.year_offset
    period = step.period(year)
    if step.roll and step.year_offset == 0 and period[1] < doc_date - _ROLLOVER:
        period = step.period(year + 1)
    return period


def _decide(scan: _Scan, doc_date: date | None) -> Deadline:
    text = scan.text
    recurrence = _recurrence(scan)
    if scan.steps:
        try:
            periods = [_resolve(s, doc_date) for s in scan.steps]
        except ValueError:
            return Deadline(raw=text, kind="unknown")
        milestones = [
            Milestone(due=p[1], text=_clause(scan, s)) for s, p in zip(scan.steps, periods, strict=True) if p
        ]
        first = periods[0]
        return Deadline(
            raw=text,
            kind=scan.steps[0].kind,
            due=first[1] if first else None,
            recurrence=recurrence,
            milestones=milestones if len(milestones) >= 2 else [],
        )
    if scan.recurrences and not (recurrence in ("on_request", None) and scan.ongoing):
        return Deadline(raw=text, kind="recurring", recurrence=recurrence)
    if scan.ongoing or scan.starts_only:
        return Deadline(raw=text, kind="ongoing")
    if scan.condition_start is not None:
        condition = text[scan.condition_start :].strip(" .;,")
        return Deadline(raw=text, kind="conditional", condition=condition)
    return Deadline(raw=text, kind="unknown")


def _recurrence(scan: _Scan) -> str | None:
    """The most specific rhythm named ("Hằng tháng hoặc theo yêu cầu" -> monthly)."""
    named = {r for r, _, _ in scan.recurrences if r is not None}
    return min(named, key=pt.RECURRENCE_RANK.index) if named else None


def _clause(scan: _Scan, step: _Step) -> str:
    """The clause a step sits in, as printed: "ban hành kế hoạch trong tháng 01/2026"."""
    left, right = 0, len(scan.key)
    for m in pt.CLAUSE_BREAK.finditer(scan.key):
        if m.end() <= step.start:
            left = m.end()
        elif m.start() >= step.end:
            right = m.start()
            break
    return scan.text[left:right].strip(" ,;.")
