"""Deadline normaliser: a table of phrasings (deadline_cases.yaml), the two seeds, and properties.

The table holds every distinct deadline string of both seeds (checked below against the seed files in
../shared/seeds, read in place) plus the families of the issue. The hypothesis properties render
dates, months, quarters and halves in their printed spellings and check that they parse back to
themselves, and that dates of cited documents never become ``due``.
"""

import calendar
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from models.task import Deadline
from parsers.extractors.directive_deadline import find_deadline_raw
from parsers.normalisers.deadline import VERSION, parse_deadline
from parsers.normalisers.text import clean_cell
from tests.shared_paths import SEEDS, needs_shared, shared_params

CASES_FILE = Path(__file__).with_name("deadline_cases.yaml")

PLAN_SEED = SEEDS / "000_94a45bdc1ad02897.txt"
LETTER_SEED = SEEDS / "002_a6da8a880d7f0315.txt"
PLAN_DATE = date(2026, 1, 30)  # 15/KH-BCĐ, "ngày 30 tháng 01 năm 2026"
LETTER_DATE = date(2026, 6, 10)  # the letter prints "ngày tháng 6 năm 2026": day left blank

CASES: list[dict] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
FAST = settings(max_examples=100, deadline=None, database=None)


def _in_sentence(sentence: str, doc_date: date | None) -> tuple[str, Deadline] | None:
    """What the pipeline does with a prose sentence: the phrase ``find_deadline_raw`` picks, then parsed
    (the one prose deadline finder, issue 12; these cases were written for a second finder, now gone)."""
    raw = find_deadline_raw(sentence)
    return (raw, parse_deadline(raw, doc_date)) if raw else None


def _case_id(case: dict) -> str:
    return f"{case['raw'][:50]}|{case.get('doc_date', PLAN_DATE)}"


# --- the table ------------------------------------------------------------------------------------------


def test_table_is_large_and_has_no_duplicates() -> None:
    keys = [(c["raw"], c.get("doc_date", PLAN_DATE)) for c in CASES]
    assert len(CASES) >= 150
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_table(case: dict) -> None:
    doc_date = case.get("doc_date", PLAN_DATE)
    result = parse_deadline(case["raw"], doc_date)
    got = {
        "kind": result.kind,
        "due": result.due,
        "recurrence": result.recurrence,
        "condition": result.condition,
        "milestones": [m.due for m in result.milestones],
    }
    expected = {
        "kind": case["kind"],
        "due": case.get("due"),
        "recurrence": case.get("recurrence"),
        "condition": case.get("condition"),
        "milestones": case.get("milestones", []),
    }
    assert got == expected
    if case["kind"] == "none":
        assert result.raw is None
    else:
        assert result.raw == clean_cell(re.sub(r"</?[ip]>", "", case["raw"]))


def test_version() -> None:
    assert re.fullmatch(r"deadline\.v\d+", VERSION)


def test_none_is_kind_none() -> None:
    assert parse_deadline(None, PLAN_DATE) == Deadline()


def test_milestone_texts_are_the_clauses_as_printed() -> None:
    result = parse_deadline(
        "ban hành kế hoạch trong tháng 01/2026, tổ chức kiểm tra chậm nhất trong tháng 6/2026", PLAN_DATE
    )
    assert [(m.due, m.text) for m in result.milestones] == [
        (date(2026, 1, 31), "ban hành kế hoạch trong tháng 01/2026"),
        (date(2026, 6, 30), "tổ chức kiểm tra chậm nhất trong tháng 6/2026"),
    ]


def test_raw_is_nfc_and_collapsed() -> None:
    decomposed = "Qu\u0079\u0301  II\n/2026"  # "Quý" with a combining acute, a line break inside
    result = parse_deadline(decomposed, None)
    assert result.raw == "Quý II /2026"
    assert result.due == date(2026, 6, 30)


# --- the seeds ------------------------------------------------------------------------------------------


def _seed_deadline_cells() -> set[str]:
    """Last column of every task row of the plan's annexes (rows start with a number or Roman numeral)."""
    cells = set()
    for line in PLAN_SEED.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) >= 5 and fields[-1].strip() and not fields[0].startswith(("STT", "TT")):
            cells.add(fields[-1].strip())
    return cells


def _seed_time_lines() -> set[str]:
    """The "- Thời gian thực hiện: …" / "- Thời gian hoàn thành: …" lines of the plan's prose items."""
    text = PLAN_SEED.read_text(encoding="utf-8")
    return {m.group(1).rstrip(".") for m in re.finditer(r"Thời gian (?:thực hiện|hoàn thành): (.+)", text)}


@needs_shared
def test_seed_strings_are_all_covered() -> None:
    table = {c["raw"] for c in CASES}
    seed = _seed_deadline_cells() | _seed_time_lines()
    assert len(seed) >= 30
    assert seed - table == set()


@needs_shared
@pytest.mark.parametrize("cell", shared_params(lambda: sorted(_seed_deadline_cells() | _seed_time_lines())))
def test_seed_cells_are_all_understood(cell: str) -> None:
    assert parse_deadline(cell, PLAN_DATE).kind not in ("unknown", "none")


def _letter_sentences() -> list[str]:
    text = LETTER_SEED.read_text(encoding="utf-8").replace("\n\n", " ")
    return [s for s in re.split(r"(?<=\.)\s+(?=[A-ZĐ\-])|\n", text) if s.strip()]


# (end of the sentence it comes from, phrase, kind, due) for every deadline the letter sets.
LETTER_PHRASES = [
    # the phrase as the hand-written key of the letter (samples/expected) has it: the period, not the cue
    ("Hoàn thành chậm nhất **trong tháng 7/2026**.", "trong tháng 7/2026", "month", date(2026, 7, 31)),
    ("hoàn thành **trong tháng 07/2026**.", "trong tháng 07/2026", "month", date(2026, 7, 31)),
    ("báo cáo UBND tỉnh **trước ngày 12/6/2026**.", "trước ngày 12/6/2026", "date", date(2026, 6, 12)),
    ("tổ chức thực hiện ngay trong năm 2026, đáp ứng", "ngay trong năm 2026", "year", date(2026, 12, 31)),
    ("các nội dung trên **trước ngày 15/6/2026**.", "trước ngày 15/6/2026", "date", date(2026, 6, 15)),
    (
        "theodoinq.dcs.vn; hoàn thành **trước ngày 15/6/2026**.",
        "trước ngày 15/6/2026",
        "date",
        date(2026, 6, 15),
    ),
    ("cải cách hành chính **trước ngày 15/6/2026**.", "trước ngày 15/6/2026", "date", date(2026, 6, 15)),
    (
        "hoàn thành theo thời gian chỉ đạo tại Thông báo số 05-TB/BCĐ.",
        "theo thời gian chỉ đạo tại Thông báo số 05-TB/BCĐ",
        "conditional",
        None,
    ),
]


@needs_shared
@pytest.mark.parametrize(
    ("tail", "phrase", "kind", "due"), LETTER_PHRASES, ids=[p[1] for p in LETTER_PHRASES]
)
def test_letter_seed_phrases(tail: str, phrase: str, kind: str, due: date | None) -> None:
    sentence = next(s for s in _letter_sentences() if tail in s)
    found = _in_sentence(sentence, LETTER_DATE)
    assert found is not None
    assert found[0] == phrase
    assert (found[1].kind, found[1].due) == (kind, due)


@needs_shared
def test_letter_sentences_without_deadline() -> None:
    """Every other sentence of the letter sets no deadline; its cited documents' dates are not one."""
    with_deadline = [s for s in _letter_sentences() if any(t in s for t, *_ in LETTER_PHRASES)]
    others = [s for s in _letter_sentences() if s not in with_deadline]
    assert len(others) >= 25
    found = {s: _in_sentence(s, LETTER_DATE) for s in others}
    assert {s: f for s, f in found.items() if f is not None} == {}
    assert len(with_deadline) == len(LETTER_PHRASES)


def test_plan_seed_prose_phrases() -> None:
    cases = {
        "Báo cáo Ban Chỉ đạo trong quý I/2026.": ("trong quý I/2026", "quarter"),
        "báo cáo Ban Chỉ đạo trước ngày 30/01/2026": ("trước ngày 30/01/2026", "date"),
        "- Trước ngày 25 hằng tháng, cập nhật đầy đủ tình hình thực hiện nhiệm vụ trên Hệ thống": (
            "Trước ngày 25 hằng tháng",
            "recurring",
        ),
        "định kỳ hàng tháng và đột xuất báo cáo Chủ tịch UBND tỉnh": ("định kỳ hàng tháng và đột xuất", "recurring"),
    }
    for sentence, (phrase, kind) in cases.items():
        found = _in_sentence(sentence, PLAN_DATE)
        assert found is not None, sentence
        assert (found[0], found[1].kind) == (phrase, kind)


def test_strong_cue_wins_over_a_year_in_passing() -> None:
    sentence = (
        "Ưu tiên những dự án có tính khả thi triển khai được trong năm 2026; "
        "báo cáo UBND tỉnh trước ngày 12/6/2026."
    )
    assert _in_sentence(sentence, LETTER_DATE) == (
        "trước ngày 12/6/2026",
        parse_deadline("trước ngày 12/6/2026", LETTER_DATE),
    )


# --- properties -----------------------------------------------------------------------------------------

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
years = st.integers(min_value=2000, max_value=2099)
prefixes = st.sampled_from(
    ["", "Trước ngày ", "trước ngày ", "Chậm nhất là ngày ", "Hoàn thành trước ", "Đến ngày ", "dịp "]
)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _render_date(day: date, style: int) -> str:
    d, m, y = day.day, day.month, day.year
    return [
        f"{d}/{m}/{y}",
        f"{d:02d}/{m:02d}/{y}",
        f"{d}-{m}-{y}",
        f"{d:02d}.{m:02d}.{y}",
        f"ngày {d} tháng {m} năm {y}",
        f"ngày {d:02d} tháng {m:02d} năm {y}",
    ][style]


@FAST
@given(dates, st.integers(0, 5), prefixes, st.booleans())
def test_rendered_dates_parse_back(day: date, style: int, prefix: str, upper: bool) -> None:
    raw = prefix + _render_date(day, style)
    raw = raw.upper() if upper else raw
    result = parse_deadline(raw, None)
    assert (result.kind, result.due, result.milestones) == ("date", day, [])
    assert result.raw == raw


@FAST
@given(
    years,
    st.integers(1, 12),
    st.sampled_from(
        [
            "Tháng {m}/{y}",
            "tháng {m:02d} năm {y}",
            "Trong tháng {m:02d}/{y}",
            "cuối tháng {m} năm {y}",
            "{m:02d}/{y}",
        ]
    ),
)
def test_rendered_months_parse_back(year: int, month: int, template: str) -> None:
    result = parse_deadline(template.format(m=month, y=year), None)
    last = calendar.monthrange(year, month)[1]
    assert (result.kind, result.due) == ("month", date(year, month, last))


@FAST
@given(
    years,
    st.integers(1, 4),
    st.booleans(),
    st.sampled_from(["/", " năm ", "-"]),
    st.sampled_from(["Quý", "quý", "Trong quý", "QUÝ"]),
)
def test_rendered_quarters_parse_back(year: int, quarter: int, roman: bool, sep: str, word: str) -> None:
    number = ROMAN[quarter] if roman else str(quarter)
    result = parse_deadline(f"{word} {number}{sep}{year}", None)
    last_month = 3 * quarter
    assert (result.kind, result.due) == (
        "quarter",
        date(year, last_month, calendar.monthrange(year, last_month)[1]),
    )


@FAST
@given(
    years, st.booleans(), st.sampled_from(["6 tháng {h} năm {y}", "06 tháng {h} năm {y}", "nửa {h} năm {y}"])
)
def test_rendered_halves_parse_back(year: int, first: bool, template: str) -> None:
    result = parse_deadline(template.format(h="đầu" if first else "cuối", y=year), None)
    assert (result.kind, result.due) == ("half_year", date(year, 6, 30) if first else date(year, 12, 31))


@FAST
@given(years, st.sampled_from(["Năm {y}", "Trong năm {y}", "cuối năm {y}", "Hết năm {y}"]))
def test_rendered_years_parse_back(year: int, template: str) -> None:
    assert parse_deadline(template.format(y=year), None).due == date(year, 12, 31)


CITATIONS = [
    "Kế hoạch số {n}-KH/BCĐ, {d}",
    "Quyết định số {n}/QĐ-UBND {d} của UBND tỉnh",
    "Nghị quyết số {n}/2025/NQ-CP {d}",
    "Thông báo kết luận {d}",
    "Công văn số {n}-CV/ĐU {d}",
    "văn bản có hiệu lực kể từ {d}",
    "Hội nghị {d}",
]


@FAST
@given(dates, dates, st.integers(1, 3000), st.sampled_from(CITATIONS), st.integers(0, 5), st.integers(0, 5))
def test_cited_dates_are_never_due(
    cited: date, due: date, number: int, citation: str, s1: int, s2: int
) -> None:
    rendered = _render_date(cited, s1)
    cite = citation.format(n=number, d=rendered if rendered.startswith("ngày") else f"ngày {rendered}")
    alone = parse_deadline(f"Thực hiện {cite}", None)
    assert alone.due is None and alone.milestones == []
    both = parse_deadline(f"Thực hiện {cite}; hoàn thành trước {_render_date(due, s2)}", None)
    assert (both.kind, both.due, both.milestones) == ("date", due, [])
    sentence = f"Các sở triển khai {cite}, báo cáo UBND tỉnh trước {_render_date(due, s2)}."
    found = _in_sentence(sentence, None)
    assert found is not None and found[1].due == due


@FAST
@given(years, st.integers(1, 12), st.integers(1, 8), st.integers(0, 5))
def test_impossible_dates_are_unknown(year: int, month: int, beyond: int, style: int) -> None:
    day = calendar.monthrange(year, month)[1] + beyond
    raw = [
        "{d}/{m}/{y}",
        "{d}-{m}-{y}",
        "{d}.{m}.{y}",
        "ngày {d} tháng {m} năm {y}",
        "Trước ngày {d}/{m}/{y}",
        "{d:02d}/{m:02d}/{y}",
    ][style]
    assert parse_deadline(raw.format(d=day, m=month, y=year), None).kind == "unknown"


FILLERS = st.sampled_from(
    [
        "Giao Sở Khoa học và Công nghệ chủ trì tham mưu UBND tỉnh",
        "Các sở, ban, ngành, UBND các xã, phường rà soát, tổng hợp",
        "Tham mưu tổ chức Hội nghị bàn giải pháp nâng cao chất lượng cải cách hành chính",
    ]
)
PHRASES = st.sampled_from(
    ["trước ngày 15/6/2026", "chậm nhất trong tháng 7/2026", "trong Quý III/2026", "trước ngày 25 hằng tháng"]
)


@FAST
@given(FILLERS, PHRASES)
def test_phrase_found_inside_sentence(filler: str, phrase: str) -> None:
    found = _in_sentence(f"{filler}; báo cáo kết quả {phrase}.", date(2026, 6, 1))
    assert found is not None and phrase.endswith(found[0])  # "chậm nhất trong tháng 7/2026" -> its period
    expected = parse_deadline(phrase, date(2026, 6, 1))
    assert (found[1].kind, found[1].due, found[1].recurrence) == (expected.kind, expected.due, expected.recurrence)


@FAST
@given(st.text(max_size=80))
def test_any_text_gives_a_deadline_never_an_error(text: str) -> None:
    result = parse_deadline(text, PLAN_DATE)
    assert isinstance(result, Deadline)
    if result.kind in ("recurring", "ongoing", "conditional", "unknown", "none"):
        assert result.due is None
    _in_sentence(text, PLAN_DATE)


# Sentences of the seeds (and kin) that name a year, a period or a cited date but set no deadline.
NO_DEADLINE_SENTENCES = [
    "2. Chương trình công tác năm 2026 của Ban Chỉ đạo của UBND tỉnh",
    "a) Tham mưu, tổ chức các phiên họp, hội nghị định kỳ của Ban Chỉ đạo UBND tỉnh để đánh giá tình hình.",
    "- Định kỳ và kịp thời báo cáo kết quả thực hiện, các khó khăn, vướng mắc về Sở Khoa học và Công nghệ.",
    "Tăng cường công tác kiểm tra, giám sát định kỳ hoặc đột xuất hạ tầng, ứng dụng theo quy định",
    "bảo đảm đóng góp vào mục tiêu tăng trưởng nhanh và bền vững giai đoạn 2026 - 2030 thông qua năng suất",
    "Bám sát thực tiễn triển khai tại các sở, ban, ngành, địa phương; kế thừa kết quả giai đoạn 2024-2025.",
    "Thực hiện Công văn số 2394-CV/ĐU ngày 04/6/2026 của Đảng ủy UBND tỉnh về việc triển khai.",
    "Đắk Lắk, ngày tháng 6 năm 2026",
    "Đắk Lắk, ngày 30 tháng 01 năm 2026",
    "(Ban hành kèm theo Kế hoạch số 15 /KH-BCĐ ngày 30 tháng 01 năm 2026 của Ban Chỉ đạo)",
    "(theo Quyết định số 0144/QĐ-UBND ngày 03/7/2025 của UBND tỉnh);",
    "Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ về việc sửa đổi, bổ sung cập nhật Chương trình hành động",
    "Quỹ phát triển khoa học và công nghệ tỉnh hỗ trợ 2 nhiệm vụ",
    "triển khai hiệu quả các nhiệm vụ có thời hạn hoàn thành trong tháng 6/2026 (tại Phụ lục II, III).",
    "đặc biệt là các nhiệm vụ có thời hạn hoàn thành trong năm 2026.",
    "Tiếp tục triển khai hiệu quả, sâu rộng phong trào Bình dân học vụ số năm 2026 như: Xây dựng hình mẫu",
]


@pytest.mark.parametrize("sentence", NO_DEADLINE_SENTENCES)
def test_sentences_without_deadline(sentence: str) -> None:
    assert _in_sentence(sentence, PLAN_DATE) is None


@pytest.mark.parametrize(
    ("sentence", "phrase", "kind", "due"),
    [
        ("Tổ chức thực hiện từ ngày 01/3/2026 đến ngày 30/6/2026.", "từ ngày 01/3/2026 đến ngày 30/6/2026", "date",
         date(2026, 6, 30)),
        ("Hoàn thành từ quý I/2026 đến hết năm 2026.", "từ quý I/2026 đến hết năm 2026", "year", date(2026, 12, 31)),
        ("Báo cáo kết quả trong ngày 30 tháng 4 năm 2026.", "trong ngày 30 tháng 4 năm 2026", "date",
         date(2026, 4, 30)),
        ("Nộp hồ sơ trước ngày 30/01/2023 (theo mẫu).", "trước ngày 30/01/2023", "date", date(2023, 1, 30)),
        ("Tổ chức kỳ thi từ 29/6/2026-09/7/2026 tại các điểm thi.", "từ 29/6/2026-09/7/2026", "date",
         date(2026, 7, 9)),
        ("Báo cáo kết quả trước 15.06.2026.", "trước 15.06.2026", "date", date(2026, 6, 15)),
    ],
)  # fmt: skip
def test_range_and_day_phrases_in_sentences(sentence: str, phrase: str, kind: str, due: date) -> None:
    found = _in_sentence(sentence, PLAN_DATE)
    assert found is not None and found[0] == phrase
    assert (found[1].kind, found[1].due) == (kind, due)


def test_an_open_start_is_no_deadline_in_a_sentence() -> None:
    """"thực hiện từ quý III/2026" says when a duty starts, not when it is due."""
    assert _in_sentence("Sở Y tế thực hiện từ quý III/2026.", PLAN_DATE) is None
