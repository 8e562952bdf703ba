"""Agency normaliser: split lead/co cells, and the agency spans ``directive_agency`` cuts out of prose, into bodies.

"Sở Văn hóa, Thể thao và Du lịch" is one body, "Sở: Giáo dục và Đào tạo; Y tế" two, and "Sở Khoa học và
Công nghệ Văn phòng UBND tỉnh" (no separator) two again: commas neither split nor join bodies reliably,
so cells are read by longest gazetteer match and only the leftovers are split, by structure.

How matching works, and why:

* Text is folded (``parsers.normalisers.text.fold``: NFC, one tone-mark placement, lower case; "&" read as "và"; every
  dash "–", "—", "‐", "−" read as "-") into a key whose characters map back to the printed text, so every
  match keeps its ``raw`` span. A dash-free and a comma-free spelling of every alias are added, so "Sở Lao
  động — Thương binh và Xã hội", "Sở Lao động-Thương binh và Xã hội" and "Sở Lao động Thương binh và Xã
  hội" are one body.
* spaCy's ``PhraseMatcher`` finds every alias of every entry in one pass over the tokens. It runs on a
  ``spacy.blank("xx")`` tokenizer, which splits at spaces and punctuation only: ``spacy.blank("vi")``
  needs pyvi, whose word segmentation can fuse syllables across an agency's edge ("Giao_Sở"), and a
  phrase pattern then silently misses.
* A second PhraseMatcher runs on the same tokens with the diacritics stripped: the usual OCR slips in
  Vietnamese are wrong or missing marks ("Sở Khoa hoc và Công nghê", "Cóng an tỉnh"); such a match is
  kept when the folded texts are still close (rapidfuzz ratio), and its score says how close.
* A known body may be followed by its place: "UBND tỉnh Lào Cai", "Sở GDĐT Ninh Thuận", "UBND xã Đức
  Trọng". The place becomes part of the name unless it is the gazetteer's home province (``home``), whose
  bodies are named with the province implied. After "tỉnh" only a known province counts as a place
  ("Phó Chủ tịch UBND tỉnh Võ Phiên" names a person, not a province); after "xã", "phường", "huyện" any
  capitalised name does, since no list of communes is kept.
* Short forms ("Tư pháp", "Y tế") name a body only inside a list about its head: after another "Sở …"
  or a "Sở:"/"các Sở:"/"các Sở, ngành:" marker, separated by punctuation or "và" only, so "xây dựng" in
  running text is never read as Sở Xây dựng.

What the gazetteer does not match (cells only) is read by structure, never kept blindly:

* A leftover is a body only when it starts with a head noun of a body ("Trung tâm", "Vụ", "Phòng", "Tổ" …
  ``heads`` in central.yaml) or a group word ("các cơ quan", "địa phương", "Sinh viên") and goes on with
  its name; it is then kept whole as ``kind="unknown"`` so that the gazetteer can grow
  (``unknown_agencies``). Anything else ("Căn cứ Kế hoạch này", "Trong công tác huy động nguồn lực",
  "Trưởng") is dropped: an agency is never invented from a sentence.
* A leftover is split only where the next piece starts a body (a head noun, a group, a known short form):
  at a comma or "và", and at a verb of the sentence ("chủ trì", "phối hợp"). So "Trung tâm Xúc tiến đầu
  tư, thương mại và du lịch tỉnh" stays one body while "Văn phòng Sở và Phòng Kế hoạch - Tài chính" is two.
* Person titles before a body are stripped ("Giám đốc Sở X" -> Sở X), but only up to where a body starts,
  so "Trưởng Ban Dân tộc tỉnh" keeps its "Ban".
* A unit glued to a known body that follows it is that body's unit ("Thanh tra Sở Khoa học và Công nghệ",
  "Đoàn kiểm tra của Bộ GDĐT", "Thủ trưởng đơn vị thuộc, trực thuộc Sở Y tế"): one unknown body named
  with the known body's canonical name.
* rapidfuzz compares a leftover with every alias, for letter slips the stripped form cannot absorb ("Sở
  Tài chínhh"), but only with aliases of the same head and the same number of words, so "Sở Thông tin và
  Truyền thông" is never read as the Bộ of that name. Words are compared on their OCR forms too (marks
  stripped, "v" read as "y", digits among letters as letters: "Sở V tế"), or one letter apart ("Sở Văn
  hod"); a leftover that ends the cell inside a word goes on as one alias only ("Sở Tài ch").
* An unknown body is named as the canonical names are ("Ủy ban nhân dân" -> UBND, one spaced hyphen for
  any dash) and its OCR slips are read against the vocabulary of the gazetteer's names (``_Vocabulary``:
  "Tổ thâm định" -> "Tổ thẩm định", "trungtâmy" -> "trung tâm y"); what it cannot read stays as printed.
* A group is closed by a verb of the sentence, filler words up to the item's end or its qualifier
  ("các ngành, địa phương liên quan tham gia góp ý …"); a verb misread by OCR ("đây mạnh") still ends it.
* Given the document's issuer, a bare "Văn phòng"/"Thanh tra" is the issuer's own unit (Văn phòng Bộ of a
  ministry, Văn phòng Sở of a department).

The ``Gazetteer`` is built once (matchers included) by the ingest layer and then only read.
"""

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import spacy
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from models.settings import AgencySettings
from models.task import AgencyRef
from parsers.normalisers.agency_data import (
    GazetteerData,
    GazetteerEntry,
    GazetteerError,
    Place,
    parse_yaml_texts,
)
from parsers.normalisers.text import clean_cell, fold, nfc, strip_marks, unify_tone_marks

VERSION = "agency.v3"

# Files under data/gazetteer/ that the ingest layer loads, in this order, before any extra province file:
# central bodies and the word lists, every province's standard bodies and places, then the home province.
DEFAULT_FILES = ("central.yaml", "vietnam.yaml", "daklak.yaml")

# Heads that, alone, name the issuer's own unit when the issuer is a ministry or a department.
OWN_UNIT_HEADS = ("Văn phòng", "Thanh tra")
# The issuer of a document that prints none but whose cells name a ministry's own departments ("Vụ …"
# exists only inside a ministry): a ministry, which one unknown. ``implied_issuer`` gives it.
IMPLIED_MINISTRY = "(Bộ)"
# Score of a known name completed from a cut last word ("Sở Tài ch" -> Sở Tài chính).
CUT_SCORE = 0.8
# Score of a known name read from an unknown one once its OCR slips are repaired ("Các cơ sở y tẾ").
REPAIRED_SCORE = 0.9

_LIST_GLUE = frozenset({",", ";", ":", "và", "-", "/", ".", "+", "với", "các", "cùng"})
_QUALIFIERS = (" liên quan",)
_ITEM_START = frozenset({",", ";", ":", "và"})
_PIECE_BREAK = frozenset({";", "(", ")", "|"})
# Levels of local government that "trong" qualifies a group with ("các trường trong huyện").
_LOCAL_LEVELS = frozenset({"tỉnh", "huyện", "xã", "phường", "thị xã", "thành phố"})
_EDGE_PUNCT = frozenset({",", ";", ":", "-", "/", ".", "+", "*", "(", ")", '"', "'", "…", "“", "”"})
_CODE_GLUE = frozenset({"-", "/"})
# Where a leftover may split into two bodies, if the next piece starts one.
_SOFT_SPLIT = frozenset({",", "và", "/", ":"})
# After a comma these end a body's name: the sentence goes on ("Trường Đại học Việt Đức, trên cơ sở …").
_ENDS_NAME = frozenset({"trên", "dưới", "tại", "cho", "từ", "đến", "khi", "nếu", "do", "bởi", "vì", "đối"})
_DATE_WORDS = frozenset({"ngày"})
# Words that make a group of the head noun after them ("các trường", "mỗi cơ quan").
_PLURAL = frozenset({"các", "những", "mỗi", "từng"})
# A unit is joined to the known body after it by these ("Đoàn kiểm tra của Bộ GDĐT").
_LINKS = (("trực", "thuộc"), ("thuộc",), ("của",))
# Links may be listed: "thuộc, trực thuộc", "thuộc và trực thuộc", "thuộc/trực thuộc".
_LINK_GLUE = frozenset({",", "và", "hoặc", "/"})
# A parenthesis opening with these names a channel or recipient, not a body of the cell:
# "UBND tỉnh (qua Văn phòng UBND tỉnh)", "(báo cáo đồng gửi cho Sở Nội vụ để theo dõi)".
_CHANNEL_OPENERS = (("qua",), ("thông", "qua"), ("gửi",), ("đồng", "gửi"), ("báo", "cáo"))
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,40}>")
_WORD_OR_SPACE = re.compile(r"\S+|\s+")
# Every dash is one dash; a fullwidth ampersand is "&".
_CHAR_MAP = {
    "ð": "đ",
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "―": "-",
    "−": "-",
    "﹣": "-",
    "－": "-",
    "＆": "&",
}
# Punctuation that never belongs to a word: spaced out so that "-(Cơ quan" and "GDĐH;Viện" tokenise.
_SPACED = frozenset("();|")
# Letters OCR reads as others of the same shape, and digits read for letters inside a word ("81ường").
_OCR_LETTERS = str.maketrans({"v": "y"})
_OCR_DIGITS = str.maketrans({"0": "o", "1": "i", "5": "s", "8": "g"})
_MISREAD_COMMA = re.compile(r"(?<=[^\W\d_]{2})\.(?= +([^\W\d_]))")
_WIDE_DASH = re.compile(r"\s*[–—‐‑‒―−﹣－]\s*")
_ACRONYM = re.compile(r"^[A-ZĐ][A-ZĐ0-9]{2,9}$")
# a region's number: "3", "XIII", and "XIHI" / "XIHII" (OCR reads "II" as "H")
_REGION_NO = re.compile(r"^(?:\d{1,2}|[ivxl][ivxlh]{0,5})$")


@dataclass(frozen=True)
class _Key:
    """The folded matching key of a text and, per key character, its offset in the NFC text."""

    text: str  # NFC, as printed
    key: str
    offsets: list[int]

    def span(self, doc: Doc, start: int, end: int) -> tuple[int, int]:
        first, last = doc[start], doc[end - 1]
        return self.offsets[first.idx], self.offsets[last.idx + len(last.text) - 1] + 1

    def printed(self, doc: Doc, start: int, end: int) -> str:
        a, b = self.span(doc, start, end)
        return self.text[a:b]

    def capitalised(self, token: "spacy.tokens.Token") -> bool:
        ch = self.text[self.offsets[token.idx]]
        return ch.isupper() or ch.isdigit()


@dataclass(frozen=True)
class _Cand:
    start: int  # token indices, end exclusive
    end: int
    entry: int  # index into Gazetteer.entries; -1 for a list marker
    role: str  # "full" | "short" | "marker"
    head: str
    score: float


@dataclass
class _Found:
    start: int
    end: int
    entry: int  # -1: unknown
    score: float
    raw_start: int
    raw_end: int
    heads: set[str] = field(default_factory=set)
    first: int = -1  # token span of ``raw`` when wider than the match (a "Sở:" marker before it)
    role: str = "full"
    name: str | None = None  # canonical name when it is not the entry's ("UBND tỉnh Lào Cai")
    kind: str | None = None  # kind when it is not the entry's (a plural group "Các Sở GDĐT")


@dataclass
class _Structure:
    """Where the word lists of the gazetteer occur in one doc (token index -> end of the phrase)."""

    heads: dict[int, int]
    head_ends: set[int]
    groups: dict[int, int]
    plurals: dict[int, int]
    not_heads: set[int]
    breaks: dict[int, int]
    titles: dict[int, list[int]]
    noise: set[int]
    fillers: set[int]
    units: dict[int, tuple[int, int]]  # start -> (end, unit index)
    places: dict[int, tuple[int, int]]  # start -> (end, place index)
    shorts: dict[int, set[str]]  # start -> heads of the short forms starting there
    capitalised: set[int]  # tokens printed with a capital first letter (the doc itself is lower case)
    title_ends: set[int] = field(default_factory=set)  # tokens right after a person title
    title_tokens: set[int] = field(default_factory=set)  # tokens of person titles
    compound_tails: set[int] = field(default_factory=set)  # "sở" of "cơ sở", "bộ" of "cán bộ"
    break_tokens: set[int] = field(default_factory=set)  # tokens of the sentence's verbs ("tổng hợp")


DEFAULT_RULES = AgencySettings()  # the matching thresholds (models/settings.py)
# Generic groups that, printed right before named bodies, stand for them ("Các đơn vị: Sở X, Sở Y").
_APPOSED_GROUPS = frozenset({"các đơn vị", "các cơ quan", "các cơ quan, đơn vị"})
# Ranks of unit heads, lowest first: a chain "Phòng …, Cục …, Bộ …" rises through them.
_UNIT_RANKS = (
    ("phòng", 1), ("đội", 1), ("chi cục", 2), ("cục", 3), ("vụ", 3), ("sở", 4), ("tổng cục", 4), ("bộ", 5)
)  # fmt: skip
_RULE_BAR = re.compile(r"(?<=\s)\|(?=\w)|(?<=\w)\|(?=\s)")


def _build_key(text: str, cell: bool = False) -> _Key:
    """Fold ``text`` for matching and remember where each key character came from.

    Tags such as "<p>" become spaces, "&" becomes " và ", every dash "-", whitespace runs become one space,
    "(", ")" and ";" are spaced out, and each word gets ``fold``'s tone placement ("hoà" -> "hòa") and lower
    case, word by word so offsets stay exact.
    """
    text = nfc(text)
    chars = list(text)
    for match in _TAG.finditer(text):
        chars[match.start() : match.end()] = [" "] * (match.end() - match.start())
    for match in _RULE_BAR.finditer(text):
        chars[match.start()] = " "  # "Sở |Tư pháp": a table rule OCR read against a word, not a letter
    out: list[str] = []
    offsets: list[int] = []

    def emit(ch: str, pos: int) -> None:
        if ch == " " and (not out or out[-1] == " "):
            return
        out.append(ch)
        offsets.append(pos)

    # in a cell, a full stop between two words in lower case is a comma misread ("cơ quan. đơn vị")
    commas = {m.start() for m in _MISREAD_COMMA.finditer(text) if m.group(1).islower()} if cell else set()
    for match in _WORD_OR_SPACE.finditer("".join(chars)):
        word = match.group()
        if word.isspace():
            emit(" ", match.start())
            continue
        folded = unify_tone_marks(word).lower()
        aligned = len(folded) == len(word)
        for k, ch in enumerate(folded):
            pos = match.start() + (k if aligned else min(k, len(word) - 1))
            ch = "," if pos in commas and ch == "." else _CHAR_MAP.get(ch, ch)
            if ch == "&":
                for c in " và ":
                    emit(c, pos)
            elif ch in _SPACED:
                emit(" ", pos)
                emit(ch, pos)
                emit(" ", pos)
            else:
                emit(ch, pos)
    while out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return _Key(text=text, key="".join(out), offsets=offsets)


def _skeleton(token: str) -> str:
    """ "công" -> "cong", "đắk" -> "dak": the form OCR slips in tone and vowel marks leave unchanged."""
    return strip_marks(token)


def _mark_slips(a: str, b: str) -> int:
    """Characters that differ between two texts of the same skeleton (they differ in marks only)."""
    if len(a) != len(b):
        return max(len(a), len(b))
    return sum(x != y for x, y in zip(a, b, strict=True))


def _variants(alias: str) -> list[str]:
    """An alias, its comma-free spelling and its dash-free spelling.

    "Sở Văn hóa, Thể thao và Du lịch" -> + "Sở Văn hóa Thể thao và Du lịch"; "Sở Lao động - Thương binh
    và Xã hội" -> + "Sở Lao động Thương binh và Xã hội" (documents drop either freely).
    """
    forms = [alias]
    for mark in (",", "-"):
        for form in list(forms):
            if mark in form:
                forms.append(" ".join(form.replace(mark, " ").split()))
    return list(dict.fromkeys(forms))


def _ocr_form(word: str) -> str:
    """A word's skeleton with the letters OCR confuses read as one: "v" and "y" ("Sở V tế"), and digits
    inside a word of letters ("81ường" -> "giuong"). Two words of one OCR form may be one word misread."""
    bare = _skeleton(word)
    if any(c.isdigit() for c in bare) and any(c.isalpha() for c in bare):
        bare = bare.translate(_OCR_DIGITS)
    return bare.translate(_OCR_LETTERS)


def _ocr_text(text: str) -> str:
    return " ".join(_ocr_form(w) for w in text.split())


def _close_words(x: str, y: str) -> bool:
    """Two folded words that can be one word with letter slips: alike as strings, one OCR form, or (three
    letters or more, no digits: "Khu vực 3" is not "Khu vực 5") one letter apart on their OCR forms ("hod"
    for "hóa")."""
    if x == y or fuzz.ratio(x, y) >= 50:
        return True
    ox, oy = _ocr_form(x), _ocr_form(y)
    if ox == oy:
        return True
    if min(len(x), len(y)) < 3 or any(c.isdigit() for c in x + y):
        return False
    return Levenshtein.distance(ox, oy) <= 1


def _same_words(a: str, b: str) -> bool:
    """Whether two folded names can be one name with letter slips: same word count, same first word
    (on its skeleton: "sở" is not "bộ"), every word close. "sở thông tin và truyền thông" and "bộ thông tin
    và truyền thông" are 93% alike as strings and still two bodies."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or not wa or _skeleton(wa[0]) != _skeleton(wb[0]):
        return False
    return all(_close_words(x, y) for x, y in zip(wa, wb, strict=True))


_WORD = re.compile(r"\w+")
_STRAY_MARK = re.compile(r"\s+['’‘`´]+(?=\s)")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")


def _syllables(word: str) -> int:
    """Vowel groups in a word's skeleton: a Vietnamese syllable has one ("giường", "quốc", "khuyến"), so a
    word with two or more is syllables glued by OCR ("trungtâmy", "kếhoạch")."""
    return len(_VOWEL_GROUP.findall(_skeleton(word)))


def _as_printed(new: str, printed: str) -> str:
    return new[:1].upper() + new[1:] if printed[:1].isupper() else new


class _Vocabulary:
    """The words bodies' names are made of (every alias, word list and place of the gazetteer, and its
    ``words``), to read OCR slips in a name the gazetteer does not know, without inventing one:

    * a pair of words the vocabulary does not hold, whose OCR forms (``_ocr_form``: marks, v/y, digits)
      are those of exactly one pair it holds, is that pair: "Tổ thâm định" -> "Tổ thẩm định", "hỗ sơ" ->
      "hồ sơ", "Thị hành án" -> "Thi hành án";
    * a word of several syllables glued together is split when exactly one split into known syllables
      has the fewest pieces ("trungtâmy" -> "trung tâm y"); a word with digits among its letters is the one
      known word of its OCR form ("81ường" -> "giường");
    * a lower-case word with a capital inside is lower case ("tẾ"), and a lone quote mark between words
      is a speck ("lựa ' chọn").
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        self.words: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()
        for phrase in phrases:
            for run in re.split(r"[^\w\s]+", fold(phrase)):
                words = _WORD.findall(run)
                self.words.update(words)
                self.pairs.update(pairwise(words))
        self.pairs_by_form: dict[tuple[str, str], set[tuple[str, str]]] = {}
        for a, b in self.pairs:
            self.pairs_by_form.setdefault((_ocr_form(a), _ocr_form(b)), set()).add((a, b))
        self.words_by_form: dict[str, set[str]] = {}
        for w in self.words:
            self.words_by_form.setdefault(_ocr_form(w), set()).add(w)

    def repair(self, name: str) -> str:
        name = _STRAY_MARK.sub("", name)
        out: list[str] = []
        last = 0
        for m in _WORD.finditer(name):
            out.append(name[last : m.start()])
            out.append(self._word(m.group()))
            last = m.end()
        name = "".join(out) + name[last:]
        return self._pairs(name)

    def _word(self, word: str) -> str:
        if word[:1].islower() and any(c.isupper() for c in word[1:]):
            word = word.lower()
        folded = fold(word)
        if folded in self.words or word.isupper() or word.isdigit():
            return word
        if any(c.isdigit() for c in word):
            known = self.words_by_form.get(_ocr_form(folded), set())
            return _as_printed(next(iter(known)), word) if len(known) == 1 else word
        if _syllables(folded) >= 2 and word.islower():
            split = self._split(folded)
            return " ".join(split) if split else word
        return word

    def _split(self, word: str) -> list[str] | None:
        """The one split of a glued word into the fewest known one-syllable words, or None."""
        best: dict[int, list[list[str]]] = {0: [[]]}
        for end in range(1, len(word) + 1):
            ways: list[list[str]] = []
            for start in range(max(0, end - 8), end):
                piece = word[start:end]
                if start in best and piece in self.words and _syllables(piece) == 1:
                    ways.extend([*w, piece] for w in best[start])
            if ways:
                fewest = min(len(w) for w in ways)
                best[end] = [w for w in ways if len(w) == fewest][:2]
        splits = best.get(len(word), [])
        return splits[0] if len(splits) == 1 and len(splits[0]) > 1 else None

    def knows(self, word: str, before: str, after: str) -> bool:
        """Whether a word occurs in a name, as printed ("tẾ" is "tế", glued "trungtâmy" is three words) or
        misread with a word beside it ("y tê" is "y tế"; a lone word's OCR form says too little: "phân"
        would be "phận")."""
        folded = fold(word)
        if all(w in self.words for w in fold(self._word(word)).split()):  # "trungtâmy": "trung tâm y"
            return True
        return any(
            self.misread_pair(a, b) is not None for a, b in ((fold(before), folded), (folded, fold(after))) if a and b
        )

    def misread_pair(self, a: str, b: str) -> tuple[str, str] | None:
        """The one known pair two folded words unknown as a pair are an OCR misreading of, or None."""
        if (a, b) in self.pairs or not (a.isalpha() and b.isalpha()):
            return None
        known = self.pairs_by_form.get((_ocr_form(a), _ocr_form(b)), set())
        return next(iter(known)) if len(known) == 1 else None

    def _pairs(self, name: str) -> str:
        spans = list(_WORD.finditer(name))
        words = [m.group() for m in spans]
        for i in range(len(words) - 1):
            if name[spans[i].end() : spans[i + 1].start()].strip():
                continue  # punctuation between: not a pair
            if words[i].isupper() or words[i + 1].isupper():
                continue
            known = self.misread_pair(fold(words[i]), fold(words[i + 1]))
            if known is not None:
                words[i], words[i + 1] = _as_printed(known[0], words[i]), _as_printed(known[1], words[i + 1])
        out: list[str] = []
        last = 0
        for m, w in zip(spans, words, strict=True):
            out.append(name[last : m.start()] + w)
            last = m.end()
        return "".join(out) + name[last:]


class Gazetteer:
    """Known bodies and groups with their matchers; build once, then share (only its issuer cache grows).

    Example:
        >>> gz = Gazetteer.from_yaml_texts([central_yaml, vietnam_yaml, daklak_yaml])
        >>> [r.name for r in split_agencies("Sở: Giáo dục và Đào tạo; Y tế", gz)]
        ['Sở Giáo dục và Đào tạo', 'Sở Y tế']
    """

    def __init__(self, data: GazetteerData, rules: AgencySettings = DEFAULT_RULES) -> None:
        self.rules = rules
        self.entries: tuple[GazetteerEntry, ...] = tuple(data.entries)
        self.sources: tuple[str, ...] = tuple(data.sources)
        self.places: tuple[Place, ...] = tuple(data.places)
        self.home: frozenset[str] = frozenset(fold(p) for p in data.home)
        self._nlp = spacy.blank("xx")
        vocab = self._nlp.vocab
        self._full = PhraseMatcher(vocab, attr="ORTH")
        self._full_skel = PhraseMatcher(vocab, attr="ORTH")
        self._short = PhraseMatcher(vocab, attr="ORTH")
        self._short_skel = PhraseMatcher(vocab, attr="ORTH")
        self._marker = PhraseMatcher(vocab, attr="ORTH")
        self._noise = PhraseMatcher(vocab, attr="ORTH")
        self._words = PhraseMatcher(vocab, attr="ORTH")

        # token key -> entry; iterating in load order lets a later file take over an alias.
        alias_owner: dict[str, int] = {}
        short_owner: dict[tuple[str, str], int] = {}
        for index, entry in enumerate(self.entries):
            for alias in [entry.name, *entry.aliases]:
                for form in _variants(alias):
                    alias_owner[self._token_key(form)] = index
            for short in entry.short:
                for form in _variants(short):
                    short_owner[(entry.head, self._token_key(form))] = index
        self._alias_owner = alias_owner
        self._alias_keys = list(alias_owner)
        self._alias_keys_of: dict[int, list[str]] = {}
        for key, index in alias_owner.items():
            self._alias_keys_of.setdefault(index, []).append(key)
            self._add(self._full, self._full_skel, f"F{index}", key)
        self._alias_by_skeleton: dict[str, set[int]] = {}
        for key, index in alias_owner.items():
            self._alias_by_skeleton.setdefault(_skeleton(key), set()).add(index)
        self._short_keys_of: dict[int, list[str]] = {}
        for (_, key), index in short_owner.items():
            self._short_keys_of.setdefault(index, []).append(key)
            self._add(self._short, self._short_skel, f"S{index}", key)
        self._short_by_key: dict[str, list[int]] = {}
        for (_, key), index in short_owner.items():
            self._short_by_key.setdefault(key, []).append(index)
        # "Sở:", "các Sở:", "các Sở, ngành:", "các Sở, ban, ngành:" open a list of short forms of "Sở".
        for head in {e.head for e in self.entries if e.head}:
            for before in ("", "các "):
                for after in ("", " , ngành", " ngành", " , ban , ngành", " , ban ngành", " ban ngành"):
                    self._marker.add(f"M{head}", [self._nlp.make_doc(f"{before}{head}{after} :")])
        for label, words in (("T", data.titles), ("N", data.fillers)):
            keys = {self._token_key(w) for w in words}
            self._noise.add(label, [self._nlp.make_doc(k) for k in sorted(keys) if k])
        for label, words in (
            ("H", data.heads),
            ("G", data.group_words),
            ("L", data.plural_words),
            ("X", data.not_heads),
            ("B", data.breaks),
        ):
            keys = {self._token_key(w) for w in words}
            self._words.add(label, [self._nlp.make_doc(k) for k in sorted(keys) if k])
        self._compounds = PhraseMatcher(vocab, attr="ORTH")
        compounds = {self._token_key(w) for w in data.compounds}
        self._compounds.add("C", [self._nlp.make_doc(k) for k in sorted(compounds) if k])
        self._not_heads_skel = PhraseMatcher(vocab, attr="ORTH")
        not_heads = {self._token_key(w) for w in data.not_heads}
        self._not_heads_skel.add(
            "X", [self._skeleton_doc(self._nlp.make_doc(k)) for k in sorted(not_heads) if k]
        )
        self._units = tuple(data.units)
        self._unit_words: dict[str, int] = {}  # folded unit word -> unit index
        for index, unit in enumerate(self._units):
            for form in [unit.name, *unit.aliases]:
                key = self._token_key(form)
                self._unit_words[key] = index
                self._words.add(f"U{index}", [self._nlp.make_doc(key)])
        for index, place in enumerate(self.places):
            for form in {*_variants(place.name), *(v for a in place.aliases for v in _variants(a))}:
                self._words.add(f"P{index}", [self._nlp.make_doc(self._token_key(form))])
        self._by_name = {fold(e.name): i for i, e in enumerate(self.entries)}
        self._contractions = {self._token_key(k): v for k, v in data.contractions.items()}
        self._issuers: dict[str, AgencyRef | None] = {}  # issuer as printed -> its body (a cache)
        self._title_keys = {fold(t) for t in data.titles}
        self._break_pairs = {
            tuple(words) for w in data.breaks if len(words := self._token_key(w).split()) == 2
        }
        self._vocab = _Vocabulary(
            [
                *(n for e in self.entries for n in (e.name, *e.aliases, *e.short)),
                *data.titles,
                *data.fillers,
                *data.heads,
                *data.group_words,
                *data.plural_words,
                *data.not_heads,
                *data.breaks,
                *data.compounds,
                *data.words,
                *data.abbreviations.values(),
                *data.contractions,
                *(p.name for p in data.places),
            ]
        )
        self._abbreviations = dict(data.abbreviations)
        self._abbrev_re = (
            re.compile(
                r"(?<![\w.])("
                + "|".join(re.escape(a) for a in sorted(self._abbreviations, key=len, reverse=True))
                + r")(?!\w)"
            )
            if self._abbreviations
            else None
        )

    @classmethod
    def from_yaml_texts(cls, texts: Sequence[str], rules: AgencySettings = DEFAULT_RULES) -> "Gazetteer":
        """Build from YAML texts in load order (central, national, province, extra provinces; later ones
        override).

        Raises:
            GazetteerError: a text is malformed (see ``parsers.normalisers.agency_data.parse_yaml_texts``).
        """
        return cls(parse_yaml_texts(texts), rules)

    # -- public look-ups -------------------------------------------------------------------------------

    def entry(self, canonical: str) -> GazetteerEntry | None:
        """The entry whose canonical name is ``canonical`` (as ``AgencyRef.name`` gives it), or None."""
        index = self._by_name.get(fold(canonical))
        return self.entries[index] if index is not None else None

    def lookup(self, name: str) -> AgencyRef | None:
        """Resolve one name as a user types it ("Sở KH&CN", "VP UBND tỉnh", "so tai chinh", "Tài chính").

        Returns None when nothing fits. A name typed without diacritics resolves when exactly one entry
        has that skeleton (score = how close the folded texts are).
        A short form alone resolves when one entry owns it, or one province-level entry among several
        ("Tài chính" -> Sở Tài chính, not Bộ Tài chính), with score 0.9. Several bodies in ``name``
        ("Sở Tài chính, Sở Nội vụ") are not one name: None.
        """
        cleaned = clean_cell(name)
        if not cleaned:
            return None
        refs = self._cell_refs(cleaned)
        known = [r for r in refs if r.kind != "unknown"]
        if len(refs) == 1 and known:
            return known[0].model_copy(update={"raw": cleaned})
        if known:
            return None
        token_key = self._token_key(cleaned)
        by_skeleton = self._alias_by_skeleton.get(_skeleton(token_key), set())
        if len(by_skeleton) == 1:
            (entry,) = by_skeleton
            score = max(fuzz.ratio(token_key, k) for k in self._alias_keys_of[entry]) / 100
            return self._ref(entry, cleaned, min(score, 0.99))
        owners = self._short_by_key.get(token_key, [])
        province = [i for i in owners if self.entries[i].level == "province"]
        pick = owners if len(owners) == 1 else province
        if len(pick) == 1:
            return self._ref(pick[0], cleaned, 0.9)
        return None

    # -- cells -----------------------------------------------------------------------------------------

    def _cell_refs(self, cell: str, issuer: str | None = None) -> list[AgencyRef]:
        key = _build_key(clean_cell(cell), cell=True)
        if not key.key:
            return []
        doc = self._nlp.make_doc(key.key)
        st = self._structure(doc, key)
        found = self._match(doc, key, st)
        found = self._drop_channels(doc, found)
        found = self._leftovers(doc, key, st, found)
        own = self._own_units(issuer)
        central = self._central(issuer)
        if own:
            found += self._titled_own_units(doc, key, st, found, own)
        found.sort(key=lambda f: f.start)
        self._widen_raw(doc, key, st, found)
        found = self._unit_chains(key, found)
        found = self._drop_apposed_groups(key, found)
        refs: list[AgencyRef] = []
        seen: set[str] = set()
        for f in found:
            ref = self._found_ref(f, key.text[f.raw_start : f.raw_end])
            mine = (
                own.get(fold(ref.name))
                or next((v for v in own.values() if fold(v) == fold(ref.name)), None)
                or self._own_unit_of_person(ref, own)
            )
            if ref.kind == "unknown" and mine:
                ref = self._own_ref(mine, ref.raw)
            elif central and ref.kind == "agency":
                ref = self._every_province(ref)
            if ref.name not in seen:
                seen.add(ref.name)
                refs.append(ref)
        return refs

    def _unit_rank(self, key: _Key, f: _Found) -> int:
        name = fold(f.name or (self.entries[f.entry].name if f.entry >= 0 else key.text[f.raw_start : f.raw_end]))
        return next((r for head, r in _UNIT_RANKS if name.startswith(head + " ")), 0)

    def _unit_chains(self, key: _Key, found: list[_Found]) -> list[_Found]:
        """An unknown sub-unit followed by its parents, comma-separated and each of higher rank, is one
        body: "Phòng 5, Cục Cảnh sát …, Bộ Công an" names the Phòng (of that Cục, of that Bộ), not three
        bodies. Three links at least: "Phòng Tư pháp, Sở Tư pháp" may be a list of two; a list of peers
        ("Vụ A, Vụ B") or a known body first keeps its items."""
        out: list[_Found] = []
        i = 0
        while i < len(found):
            f, j = found[i], i
            if f.entry < 0 and self._unit_rank(key, f) == 1:
                while (
                    j + 1 < len(found)
                    and key.text[found[j].raw_end : found[j + 1].raw_start].strip() == ","
                    and self._unit_rank(key, found[j + 1]) > self._unit_rank(key, found[j])
                ):
                    j += 1
            if j - i >= 2:
                out.append(_Found(f.start, found[j].end, -1, f.score, f.raw_start, found[j].raw_end))
            else:
                out.append(f)
                j = i
            i = j + 1
        return out

    def _drop_apposed_groups(self, key: _Key, found: list[_Found]) -> list[_Found]:
        """A generic group word put before the bodies it stands for names no body of its own: "Các đơn vị
        Trung tâm Y tế dự phòng, Bệnh viện Đa khoa tỉnh" and "Các cơ quan: Sở X, Sở Y" are the bodies
        named. The group is followed directly (nothing or a colon between) by a body, not a group."""
        out: list[_Found] = []
        for n, f in enumerate(found):
            nxt = found[n + 1] if n + 1 < len(found) else None
            if (
                nxt is not None
                and f.entry >= 0
                and fold(self.entries[f.entry].name) in _APPOSED_GROUPS
                and key.text[f.raw_end : nxt.raw_start].strip() in {"", ":"}
                and (nxt.entry < 0 or (nxt.kind or self.entries[nxt.entry].kind) == "agency")
            ):
                continue
            out.append(f)
        return out

    # -- the issuer's own units ------------------------------------------------------------------------

    def _own_units(self, issuer: str | None) -> dict[str, str]:
        """The issuer's own units a bare head names, by the issuer's level: in a ministry's document "Văn
        phòng" is the Văn phòng Bộ and "Thanh tra" the Thanh tra Bộ; in a department's, Văn phòng Sở and
        Thanh tra Sở. Empty when the issuer is unknown or neither ("Văn phòng" of a UBND is no unit of it)."""
        if issuer == IMPLIED_MINISTRY:
            return {fold(h): f"{h} Bộ" for h in OWN_UNIT_HEADS}
        ref = self._issuer_ref(issuer)
        if ref is None:
            return {}
        entry = self.entry(ref.name)
        head = fold(ref.name).split()[0]
        if head == "bộ" and entry is not None and entry.level == "central":
            unit = "Bộ"
        elif head == "sở":
            unit = "Sở"
        else:
            return {}
        return {fold(h): f"{h} {unit}" for h in OWN_UNIT_HEADS}

    def _own_unit_of_person(self, ref: AgencyRef, own: dict[str, str]) -> str | None:
        """ "Văn phòng Nguyễn Văn A" in a ministry's tracking export ("Đơn vị/Cá nhân"): the issuer's own
        unit and one of its people, as "Phó Chánh Văn phòng Phạm Quốc Dũng" is. A bare own-unit head
        takes no name of its own but a place's ("Thanh tra Hà Nội"), so a person's full name after it
        (``_person``) is who, not which."""
        if ref.kind != "unknown":
            return None
        name = fold(ref.name)
        head = next((h for h in own if name.startswith(h + " ")), None)
        if head is None:
            return None
        rest = ref.name[len(head) + 1 :]
        return own[head] if _person(rest) and fold(rest) not in self._place_names else None

    @functools.cached_property
    def _place_names(self) -> frozenset[str]:
        """Every place's name and alias, folded: built once, on the first own-unit name that needs it."""
        return frozenset(fold(v) for p in self.places for v in (p.name, *p.aliases))

    def _central(self, issuer: str | None) -> bool:
        """Whether the issuer is a central body (a ministry, the Government, the Prime Minister)."""
        if issuer == IMPLIED_MINISTRY:
            return True
        ref = self._issuer_ref(issuer)
        entry = self.entry(ref.name) if ref is not None else None
        return entry is not None and entry.level == "central"

    def _issuer_ref(self, issuer: str | None) -> AgencyRef | None:
        """The first known body the issuer names (read once per issuer: a document's cells share it)."""
        if not issuer:
            return None
        if issuer not in self._issuers:
            refs = [r for r in self._cell_refs(issuer) if r.kind == "agency"]
            # an issuer is a body: a person's title before it ("Bộ trưởng Bộ Nội vụ và xét Báo cáo …")
            # is a sentence the metadata took for the issuer, not an issuer to read units by
            titled = bool(refs) and any(fold(refs[0].raw).startswith(t + " ") for t in self._title_keys)
            self._issuers[issuer] = refs[0] if refs and not titled else None
        return self._issuers[issuer]

    def _every_province(self, ref: AgencyRef) -> AgencyRef:
        """A department named without its province in a central body's document is every province's:
        "Sở GDĐT tổng hợp …" from Bộ GDĐT is "Các Sở Giáo dục và Đào tạo" (as "các Sở GDĐT" is)."""
        entry = self.entry(ref.name)
        if entry is None or entry.level != "province" or entry.head != "sở" or entry.name != ref.name:
            return ref
        return ref.model_copy(update={"name": "Các " + entry.name, "kind": "group"})

    def _own_ref(self, name: str, raw: str) -> AgencyRef:
        index = self._by_name.get(fold(name))
        return self._ref(index, raw, 1.0) if index is not None else _unknown(raw, name)

    def _titled_own_units(
        self, doc: Doc, key: _Key, st: _Structure, found: list[_Found], own: dict[str, str]
    ) -> list[_Found]:
        """A person named by a title of the issuer's own unit names that unit: "Phó Chánh Văn phòng
        Phạm Quốc Dũng" in a ministry's tracking export is the Văn phòng Bộ (without the issuer, a person
        names no body)."""
        covered = {i for f in found for i in range(f.start, f.end)}
        out: list[_Found] = []
        for s, ends in st.titles.items():
            for e in ends:
                title = fold(doc[s:e].text)
                unit = next((u for u in own if title.endswith(" " + u)), None)
                if unit is None or s in covered:
                    continue
                stop = e
                while stop < len(doc) and doc[stop].text not in _ITEM_START | _PIECE_BREAK:
                    stop += 1
                if _person_name(doc, st, e, stop):
                    item = _Found(s, stop, -1, 0.0, *key.span(doc, s, stop), name=own[unit])
                    out.append(item)
        return out

    # -- internals -------------------------------------------------------------------------------------

    def _token_key(self, text: str) -> str:
        return " ".join(t.text for t in self._nlp.make_doc(_build_key(text).key))

    def _add(self, exact: PhraseMatcher, skel: PhraseMatcher, label: str, key: str) -> None:
        doc = self._nlp.make_doc(key)
        exact.add(label, [doc])
        skel.add(label, [self._skeleton_doc(doc)])

    def _skeleton_doc(self, doc: Doc) -> Doc:
        return Doc(
            self._nlp.vocab, words=[_skeleton(t.text) for t in doc], spaces=[bool(t.whitespace_) for t in doc]
        )

    def _ref(self, entry: int, raw: str, score: float) -> AgencyRef:
        e = self.entries[entry]
        return AgencyRef(name=e.name, raw=raw, kind=e.kind, score=round(score, 3))

    def _expand(self, name: str) -> str:
        """An unknown body's name as the canonical names write it, so that two spellings of one body get
        one name (``raw`` keeps the print): the usual abbreviations written out ("Trung tâm CNTT Tây Bắc"
        -> "Trung tâm Công nghệ thông tin Tây Bắc", "Đại học Quốc gia Tp. HCM" -> "… Thành phố Hồ Chí
        Minh"), the long forms the canonical names contract written short ("Ủy ban nhân dân địa bàn cấp
        xã" -> "UBND địa bàn cấp xã"), and every dash one spaced hyphen ("Kế hoạch – Tài chính")."""
        if self._abbrev_re is not None:
            name = self._abbrev_re.sub(lambda m: self._abbreviations[m.group(1)], name)
        name = _WIDE_DASH.sub(" - ", name)
        return self._contract(name)

    def _contract(self, name: str) -> str:
        if not self._contractions:
            return name
        key = _build_key(name)
        doc = self._nlp.make_doc(key.key)
        words = [t.text for t in doc]
        out: list[str] = []
        last = 0  # printed offset copied up to
        i = 0
        while i < len(doc):
            hit = next(
                (
                    (n, short)
                    for long, short in self._contractions.items()
                    for n in [len(long.split())]
                    if " ".join(words[i : i + n]) == long
                ),
                None,
            )
            if hit is None:
                i += 1
                continue
            n, short = hit
            a, b = key.span(doc, i, i + n)
            out.append(name[last:a] + short)
            last = b
            i += n
        return "".join(out) + name[last:]

    def _found_ref(self, f: _Found, raw: str) -> AgencyRef:
        if f.entry < 0:
            printed = self._expand(f.name or raw)
            name = self._vocab.repair(printed)
            index = self._alias_owner.get(self._token_key(name)) if name != printed else None
            if index is not None:  # "Các cơ sở y tẾ": once read, a known name
                return self._ref(index, raw, REPAIRED_SCORE)
            if f.kind == "group":
                return AgencyRef(name=_capitalise(name), raw=raw, kind="group", score=0.0)
            return _unknown(raw, name)
        e = self.entries[f.entry]
        return AgencyRef(
            name=f.name or e.name,
            raw=raw,
            kind=f.kind or e.kind,  # type: ignore[arg-type]
            score=round(f.score, 3),
        )

    def _structure(self, doc: Doc, key: _Key) -> _Structure:
        """One pass of the word-list matchers over ``doc`` (heads, groups, breaks, titles, places …)."""
        strings = self._nlp.vocab.strings
        cap = {t.i for t in doc if key.capitalised(t)}
        st = _Structure({}, set(), {}, {}, set(), {}, {}, set(), set(), {}, {}, {}, cap)
        longest: dict[str, dict[int, int]] = {"H": st.heads, "G": st.groups, "L": st.plurals, "B": st.breaks}
        for match_id, s, e in self._words(doc):
            label = strings[match_id]
            kind = label[0]
            if kind in longest:
                table = longest[kind]
                table[s] = max(table.get(s, s), e)
                if kind == "H":
                    st.head_ends.add(e)
                elif kind == "B":
                    st.break_tokens.update(range(s, e))
            elif kind == "X":
                st.not_heads.add(s)
            elif kind in "UP":
                table2 = st.units if kind == "U" else st.places
                if s not in table2 or table2[s][0] < e:
                    table2[s] = (e, int(label[1:]))
        # "trong tỉnh", "trong huyện" qualify a group ("Các cơ sở y tế trong tỉnh"): there "trong" is no
        # break; before anything else it starts a phrase of the sentence
        for i in [i for i in st.breaks if doc[i].lower_ == "trong"]:
            level = (doc[i + 1 : i + 2].text.lower(), doc[i + 1 : i + 3].text.lower())
            if (level[0] in _LOCAL_LEVELS or level[1] in _LOCAL_LEVELS) and st.breaks[i] == i + 1:
                del st.breaks[i]
                st.break_tokens.discard(i)
        # a verb misread ("đây mạnh", "tô chức"): a pair of words the vocabulary does not hold whose OCR
        # forms are those of one two-word break
        for i in range(len(doc) - 1):
            if i in st.breaks:
                continue
            pair = self._vocab.misread_pair(doc[i].text, doc[i + 1].text)
            if pair is not None and pair in self._break_pairs:
                st.breaks[i] = i + 2
                st.break_tokens.update((i, i + 1))
        for match_id, s, e in self._noise(doc):
            st.noise.update(range(s, e))
            if strings[match_id] == "T":
                st.titles.setdefault(s, []).append(e)
                st.title_ends.add(e)
                st.title_tokens.update(range(s, e))
            else:
                st.fillers.update(range(s, e))
        for match_id, s, _ in self._short(doc):
            st.shorts.setdefault(s, set()).add(self.entries[int(strings[match_id][1:])].head)
        # "phòng, chỗng ma túy": OCR slips in the marks of a not-a-body phrase still make it one
        for _, s, _ in self._not_heads_skel(self._skeleton_doc(doc)):
            st.not_heads.add(s)
        # "cơ sở", "cán bộ", "dịch vụ": a head noun that ends a word of the sentence starts nothing
        for _, s, e in self._compounds(doc):
            st.not_heads.update(range(s + 1, e))
            st.compound_tails.update(range(s + 1, e))
        return st

    def _candidates(self, doc: Doc, compound_tails: set[int]) -> list[_Cand]:
        strings = self._nlp.vocab.strings
        skel_doc = self._skeleton_doc(doc)
        best: dict[tuple[int, int, int, str], _Cand] = {}

        def keep(c: _Cand) -> None:
            if _code_like(doc, c.start, c.end) or c.start in compound_tails:
                return
            k = (c.start, c.end, c.entry, c.role)
            if k not in best or best[k].score < c.score:
                best[k] = c

        for role, exact, skel, keys_of in (
            ("full", self._full, self._full_skel, self._alias_keys_of),
            ("short", self._short, self._short_skel, self._short_keys_of),
        ):
            for label, s, e in exact(doc):
                index = int(strings[label][1:])
                keep(_Cand(s, e, index, role, self.entries[index].head, 1.0))
            for label, s, e in skel(skel_doc):
                if e - s < 2:  # one syllable with other marks is another word ("viên" is no "viện")
                    continue
                index = int(strings[label][1:])
                text = doc[s:e].text
                score = max(fuzz.ratio(text, k) for k in keys_of[index]) / 100
                slips = min(_mark_slips(text, k) for k in keys_of[index])
                if score >= self.rules.cell_skeleton_min or slips <= self.rules.cell_max_mark_slips:
                    keep(_Cand(s, e, index, role, self.entries[index].head, min(score, 0.99)))
        for label, s, e in self._marker(doc):
            keep(_Cand(s, e, -1, "marker", strings[label][1:], 1.0))
        return list(best.values())

    def _match(self, doc: Doc, key: _Key, st: _Structure) -> list[_Found]:
        """Longest non-overlapping gazetteer matches, with short forms checked against their list, then
        the places that follow them, the place lists of groups and the plural "các Sở X"."""
        spans: dict[tuple[int, int], list[_Cand]] = {}
        for c in self._candidates(doc, st.compound_tails):
            spans.setdefault((c.start, c.end), []).append(c)
        taken = [False] * len(doc)
        chosen: list[tuple[int, int]] = []
        for s, e in sorted(spans, key=lambda se: (se[0] - se[1], -max(c.score for c in spans[se]), se[0])):
            if not any(taken[s:e]):
                taken[s:e] = [True] * (e - s)
                chosen.append((s, e))
        chosen.sort()
        starts = {s for s, _ in chosen}
        noise = st.noise
        found: list[_Found] = []
        prev: _Found | None = None
        for s, e in chosen:
            alts = sorted(
                spans[(s, e)], key=lambda c: ({"full": 0, "marker": 1, "short": 2}[c.role], -c.score)
            )
            between = doc[prev.end if prev else 0 : s]
            # titles and list words may sit between list items; a verb of the sentence may not ("Sở GDĐT
            # tổng hợp và xây dựng báo cáo" lists no Sở Xây dựng)
            glue_ok = all(
                t.text in _LIST_GLUE or (t.i in noise and t.i not in st.break_tokens) for t in between
            )
            ends_ok = (
                e == len(doc)
                or e in starts
                or doc[e].text in _LIST_GLUE
                or doc[e].text in "()"
                or self._item_ends(doc, st, s, e)
            )
            starts_item = s == 0 or doc[s - 1].text in _ITEM_START
            for c in alts:
                if c.role == "short" and not _short_ok(c, prev, glue_ok, ends_ok, starts_item):
                    continue
                raw_start, raw_end = key.span(doc, s, e)
                heads = {c.head} if c.role == "marker" else {self.entries[c.entry].head}
                item = _Found(s, e, c.entry, c.score, raw_start, raw_end, heads, first=s, role=c.role)
                if c.role == "short" and prev is not None and prev.entry < 0 and prev.end == s:
                    item.first, item.raw_start = prev.start, prev.raw_start  # "Sở: Giáo dục và Đào tạo"
                if c.role != "marker":
                    found.append(item)
                prev = item
                break
        self._distribute_qualifier(doc, found)
        self._place_tails(doc, key, st, found)
        found = self._place_lists(doc, key, st, found)
        self._plural_bodies(doc, key, found)
        return self._group_links(doc, key, found)

    def _item_ends(self, doc: Doc, st: _Structure, s: int, e: int) -> bool:
        """Whether a list item's name ends at token ``e`` although a word follows: the sentence's verb
        ("các ngành, địa phương đẩy mạnh …"), filler words up to the item's end ("doanh nghiệp trên địa
        bàn"), or a name closed by its qualifier ("địa phương liên quan tham gia góp ý …")."""
        if e in st.breaks:
            return True
        if any(doc[s:e].text.endswith(q.strip()) for q in _QUALIFIERS):
            return True
        j = e
        while j < len(doc) and j in st.fillers and j not in st.break_tokens:
            j += 1
        return j > e and (j == len(doc) or doc[j].text in _ITEM_START | _PIECE_BREAK)

    def _distribute_qualifier(self, doc: Doc, found: list[_Found]) -> None:
        """A trailing "liên quan" qualifies every group of its list, as the printed phrase means.

        "các sở, ngành, địa phương liên quan" -> "Các sở, ngành liên quan" + "Các địa phương liên quan",
        when the gazetteer has the qualified group; ``raw`` stays the text as printed.
        """
        run: list[_Found] = []
        for f in [*found, None]:
            joined = f is not None and run and all(t.text in {",", "và"} for t in doc[run[-1].end : f.start])
            if f is not None and (not run or joined):
                run.append(f)
                continue
            last = run[-1].entry if run else -1
            if last >= 0 and self.entries[last].kind == "group":
                name = fold(self.entries[last].name)
                # only a qualified form of a known group ("Các địa phương" + " liên quan") spreads; a
                # group that exists only with its qualifier ("… doanh nghiệp có liên quan") does not
                tail = next(
                    (q for q in _QUALIFIERS if name.endswith(q) and name[: -len(q)] in self._by_name), None
                )
                for item in run[:-1] if tail else []:
                    if item.entry >= 0 and self.entries[item.entry].kind == "group":
                        item.entry = self._by_name.get(fold(self.entries[item.entry].name) + tail, item.entry)
            run = [f] if f is not None else []

    # -- places ----------------------------------------------------------------------------------------

    def _name_unit(self, name: str) -> int | None:
        """The unit a canonical name ends with ("Công an tỉnh" -> tỉnh, "UBND xã" -> xã), or None."""
        words = fold(name).split()
        for n in (2, 1):
            if len(words) > n and " ".join(words[-n:]) in self._unit_words:
                return self._unit_words[" ".join(words[-n:])]
        return None

    def _place_at(
        self, doc: Doc, key: _Key, st: _Structure, i: int, listed: bool, limit: int
    ) -> tuple[int, str, Place | None] | None:
        """The place that starts at token ``i`` (before token ``limit``): (end, name, known place).

        A known province or city always counts; a capitalised name ("Đức Trọng", "3 Bảo Lộc", "Xuân Hương
        - Đà Lạt") only when ``listed`` is False (after "xã", "phường", "huyện" …).
        """
        if i in st.places and st.places[i][0] <= limit:
            end, index = st.places[i]
            return end, self.places[index].name, self.places[index]
        if listed:
            return None
        j = i
        while j < limit and j - i < self.rules.place_max_tokens:
            tok = doc[j]
            if tok.text == "-" and j > i and j + 1 < limit and key.capitalised(doc[j + 1]):
                j += 1
                continue
            if not tok.text[0].isalnum() or not key.capitalised(tok) or j in st.heads:
                break
            j += 1
        if j == i:
            return None
        return j, key.printed(doc, i, j), None

    def _compose(self, entry: GazetteerEntry, place_name: str, place: Place | None) -> str | None:
        """The name of ``entry`` in a place, or None for the home province (its names imply it).

        "UBND tỉnh" + Lào Cai -> "UBND tỉnh Lào Cai"; + Hà Nội -> "UBND thành phố Hà Nội"; "Sở Giáo dục và
        Đào tạo" + Ninh Thuận -> "Sở Giáo dục và Đào tạo Ninh Thuận"; "UBND xã" + "Đức Trọng" -> "UBND xã
        Đức Trọng".
        """
        if place is not None and fold(place.name) in self.home:
            return None
        unit = self._name_unit(entry.name)
        base = entry.name
        if unit is not None and place is not None:
            words = base.split()
            unit_len = len(self._units[unit].name.split())
            base = " ".join([*words[:-unit_len], place.unit])
        return f"{base} {place_name}"

    def _place_tails(self, doc: Doc, key: _Key, st: _Structure, found: list[_Found]) -> None:
        """A place printed after a province-level or local body: "Công an tỉnh Lâm Đồng", "Sở GDĐT TP Hà
        Nội", "UBND huyện Trà Bồng". The found body takes the tokens and, unless the place is the home
        province, the composed name."""
        for n, f in enumerate(found):
            if f.entry < 0 or f.role != "full" or f.name is not None:
                continue
            entry = self.entries[f.entry]
            if entry.kind != "agency" or entry.level == "central":
                continue
            limit = found[n + 1].start if n + 1 < len(found) else len(doc)
            j = f.end
            unit: int | None = None
            if j in st.units and st.units[j][0] <= limit:
                j, unit = st.units[j]
            if unit is None:
                unit = self._name_unit(entry.name)
            listed = unit is None or self._units[unit].listed
            place = self._place_at(doc, key, st, j, listed, limit)
            if place is None:
                # a regional body's number is part of its printed name ("Chi cục Hải quan khu vực XIII")
                if (
                    fold(entry.name).endswith(" khu vực")
                    and f.end < limit
                    and _REGION_NO.match(doc[f.end].text)
                ):
                    f.end += 1
                    f.raw_end = key.span(doc, f.start, f.end)[1]
                continue
            end, place_name, known = place
            f.end = end
            f.raw_end = key.span(doc, f.start, end)[1]
            f.name = self._compose(entry, place_name, known)

    def _place_lists(self, doc: Doc, key: _Key, st: _Structure, found: list[_Found]) -> list[_Found]:
        """A group of like bodies followed by places names one body per place: "Ủy ban nhân dân các tỉnh:
        Lào Cai, Phú Thọ, …, Cao Bằng và Bộ Y tế" -> UBND tỉnh Lào Cai, UBND tỉnh Phú Thọ, …, Bộ Y tế."""
        out: list[_Found] = []
        for n, f in enumerate(found):
            each = self._by_name.get(fold(self.entries[f.entry].each or "")) if f.entry >= 0 else None
            if each is None:
                out.append(f)
                continue
            limit = found[n + 1].start if n + 1 < len(found) else len(doc)
            j = f.end + 1 if f.end < limit and doc[f.end].text == ":" else f.end
            items: list[_Found] = []
            while j < limit and j in st.places and st.places[j][0] <= limit:
                end, index = st.places[j]
                place = self.places[index]
                name = self._compose(self.entries[each], place.name, place)
                start = f.start if not items else j
                items.append(
                    _Found(j, end, each, f.score, *key.span(doc, start, end), heads=set(), name=name)
                )
                j = end
                if j < limit and doc[j].text in {",", "và", ";"}:
                    j += 1
            if items:
                items[0].start = f.start
                out.extend(items)
            else:
                out.append(f)
        return out

    def _plural_bodies(self, doc: Doc, key: _Key, found: list[_Found]) -> None:
        """ "các Sở GDĐT" (a ministry writing to every province) is a group, "Các Sở Giáo dục và Đào tạo",
        unless a list of the same head follows ("các Sở Tài chính, Xây dựng" names two departments)."""
        for n, f in enumerate(found):
            if f.entry < 0 or f.role != "full" or f.name is not None or f.start == 0:
                continue
            entry = self.entries[f.entry]
            if entry.kind != "agency" or not entry.head or doc[f.start - 1].text != "các":
                continue
            nxt = found[n + 1] if n + 1 < len(found) else None
            if (
                nxt is not None
                and nxt.entry >= 0
                and self.entries[nxt.entry].head == entry.head
                and all(t.text in _LIST_GLUE for t in doc[f.end : nxt.start])
            ):
                continue
            f.name = "Các " + entry.name
            f.kind = "group"
            f.start -= 1
            f.first = f.start
            f.raw_start = key.span(doc, f.start, f.end)[0]

    def _group_links(self, doc: Doc, key: _Key, found: list[_Found]) -> list[_Found]:
        """A group linked to the body it belongs to is one group: "Các Sở, ban, ngành thuộc UBND tỉnh",
        "các đơn vị trực thuộc Sở Y tế" (not the group plus UBND tỉnh / Sở Y tế as second bodies)."""
        out: list[_Found] = []
        skip: set[int] = set()
        for n, f in enumerate(found):
            if n in skip:
                continue
            nxt = found[n + 1] if n + 1 < len(found) else None
            if (
                f.entry >= 0
                and nxt is not None
                and nxt.entry >= 0
                and (f.kind or self.entries[f.entry].kind) == "group"
            ):
                between = tuple(t.text for t in doc[f.end : nxt.start])
                if _is_link(between):
                    name = f.name or self.entries[f.entry].name
                    link = key.printed(doc, f.end, nxt.start)
                    f.name = f"{name} {link} {self._found_ref(nxt, '').name}"
                    f.kind = "group"
                    f.end, f.raw_end = nxt.end, nxt.raw_end
                    skip.add(n + 1)
            out.append(f)
        return out

    # -- leftovers -------------------------------------------------------------------------------------

    def _drop_channels(self, doc: Doc, found: list[_Found]) -> list[_Found]:
        """Bodies inside "(qua …)", "(thông qua …)", "(gửi …)" are channels or recipients, not bodies of
        the cell; a parenthesis that names a body ("(Văn phòng UBND tỉnh theo dõi, báo cáo)") keeps it."""
        channel: set[int] = set()
        depth_start: list[int] = []
        for tok in doc:
            if tok.text == "(":
                depth_start.append(tok.i)
            elif tok.text == ")" and depth_start:
                s = depth_start.pop()
                words = tuple(t.text for t in doc[s + 1 : s + 3])
                if any(words[: len(o)] == o for o in _CHANNEL_OPENERS):
                    channel.update(range(s, tok.i + 1))
        if depth_start:  # an unclosed "(qua …" runs to the end
            s = depth_start[0]
            words = tuple(t.text for t in doc[s + 1 : s + 3])
            if any(words[: len(o)] == o for o in _CHANNEL_OPENERS):
                channel.update(range(s, len(doc)))
        return [f for f in found if f.start not in channel]

    def _body_start(self, doc: Doc, st: _Structure, i: int) -> bool:
        """Whether a body's name starts at token ``i``: a head noun ("Trung tâm", "Vụ"), a group word
        ("địa phương", "Sinh viên"), or "các"/"mỗi" + a head or plural noun ("các trường", "các tổ chức").

        A head or group word without "các" starts a body when it is capitalised, as names of bodies are
        ("Sở", "Vụ", "Tổ thẩm định"), or when it follows a list separator ("Sinh viên và khoa chuyên
        môn", "ngành, địa phương"); "sở, khu dân cư", "dịch vụ công" or "là cơ quan thường trực" in a
        sentence are not bodies.
        """
        if i >= len(doc) or i in st.not_heads:
            return False
        if i in st.heads or i in st.groups:
            if i in st.capitalised:
                return True
            if i == 0:
                return i in st.groups  # a cell that starts "ngành, địa phương"
            return doc[i - 1].text in _ITEM_START | {"/"} or i in st.title_ends
        if doc[i].text in _PLURAL and i + 1 < len(doc):
            nxt = i + 1
            return (nxt in st.heads and nxt not in st.not_heads) or nxt in st.groups or nxt in st.plurals
        return False

    def _generic(self, doc: Doc, st: _Structure, i: int) -> bool:
        """Whether the body starting at ``i`` is a generic group: "các …", a group word, or a head noun
        printed lower case ("bí thư huyện uỷ, thành uỷ" means every such committee)."""
        if i >= len(doc):
            return False
        return i in st.groups or doc[i].text in _PLURAL or (i in st.heads and i not in st.capitalised)

    def _continues_group(self, doc: Doc, st: _Structure, first: int, nxt: int) -> bool:
        """Whether ``nxt`` (after "," or "và") goes on with the generic group that starts at ``first``:
        "các tổ chức, đoàn thể" (bare group words), "huyện uỷ, thành uỷ, đảng uỷ" and "các bệnh viện và
        trung tâm y tế" (head nouns in lower case). A capitalised head is a body of its own ("Sinh viên và
        Khoa …" no, "Kho bạc, Hội Doanh nhân trẻ" two)."""
        if first >= len(doc) or nxt in st.capitalised:
            return False
        lower_head = nxt in st.heads
        bare_group = (nxt in st.groups or nxt in st.plurals) and not lower_head
        if first in st.heads and first not in st.capitalised:
            return lower_head
        if doc[first].text in _PLURAL:
            return lower_head or bare_group if first + 1 in st.heads else bare_group
        if first in st.groups:
            return bare_group
        return False

    def _titled_start(self, doc: Doc, st: _Structure, i: int, end: int) -> bool:
        """A body starts at ``i`` (before ``end``), possibly after person titles ("Giám đốc Sở Du lịch")."""
        j = self._skip_titles(doc, st, i, end)
        return j < end and self._body_start(doc, st, j)

    def _skip_titles(self, doc: Doc, st: _Structure, i: int, end: int) -> int:
        """Skip person titles and filler words before a body, but never into it: "Trưởng Ban Dân tộc
        tỉnh" -> "Ban Dân tộc tỉnh" (the title "Trưởng ban" would eat the body's "Ban"). A whole title
        followed by a person's name ("Phó Chánh Văn phòng Phạm Quốc Dũng") is skipped entirely: the
        "Văn phòng" inside it names no body."""
        while i < end:
            ends = [e for e in st.titles.get(i, []) if e <= end]
            good = [e for e in ends if e == end or self._body_start(doc, st, e)]
            if good:
                i = max(good)
                continue
            if self._body_start(doc, st, i):
                inside = [e for s0, es in st.titles.items() if s0 < i for e in es if i < e <= end]
                if inside and _person_name(doc, st, max(inside), end):
                    return end
                break
            if i in st.noise or doc[i].text in _EDGE_PUNCT:
                i += 1
                continue
            break
        return i

    def _segments(self, doc: Doc, key: _Key, st: _Structure, piece: list[int]) -> list[tuple[list[int], str]]:
        """Split a leftover piece where a new body starts: at a verb of the sentence ("chủ trì", "phối
        hợp với"), and at ",", "và", "/" when the next words start a body or a short form. A comma inside
        a body's name ("Trung tâm Xúc tiến đầu tư, thương mại và du lịch tỉnh") does not split it; a comma
        before a preposition ends it ("Trường Đại học Việt Đức, trên cơ sở …"). A group goes on over its
        bare group words ("các tổ chức, đoàn thể" is one group, as "Các cơ quan, đơn vị" is)."""
        segs: list[list[int]] = [[]]
        hows = ["start"]
        k = 0
        end = piece[-1] + 1
        while k < len(piece):
            i = piece[k]
            after_plural = i > 0 and doc[i - 1].text in _PLURAL  # "các tổ chức" is a noun, not a verb
            if i in st.breaks and i not in st.head_ends and not after_plural and st.breaks[i] <= end:
                stop = st.breaks[i]
                segs.append([])
                hows.append("break")
                while k < len(piece) and piece[k] < stop:
                    k += 1
                continue
            if doc[i].text in _DATE_WORDS:  # "UBND ngày 15/7/2025 …": a date is never part of a name
                segs.append([])
                hows.append("break")
                k += 1
                continue
            nxt = i + 1
            if doc[i].text in _SOFT_SPLIT and nxt < end and segs[-1]:
                if doc[i].text == "," and (nxt in st.breaks or doc[nxt].text in _ENDS_NAME):
                    segs.append([])
                    hows.append("soft")
                    k += 1
                    continue
                first = self._skip_titles(doc, st, segs[-1][0], end)
                if not (doc[i].text in {",", "và"} and self._continues_group(doc, st, first, nxt)) and (
                    self._titled_start(doc, st, nxt, end)
                    or nxt in st.shorts
                    or _acronym_at(doc, nxt, end, key)
                    # a known body misread by OCR before a comma and a capital: the list goes on after it
                    # ("Viện kiểm vat nhân dân tối cao, Tòa …" is the Viện, then another body)
                    or (doc[i].text == "," and key.capitalised(doc[nxt]) and self._fuzzy(doc, key, segs[-1]))
                ):
                    segs.append([])
                    hows.append("soft")
                    k += 1
                    continue
            segs[-1].append(i)
            k += 1
        return [(seg, how) for seg, how in zip(segs, hows, strict=True) if seg]

    def _leftovers(self, doc: Doc, key: _Key, st: _Structure, found: list[_Found]) -> list[_Found]:
        """Read what the gazetteer did not match: fuzzy alias if close, an unknown body if it starts like
        one, else nothing (see the module docstring). Returns ``found`` with the bodies added.

        Text in parentheses only contributes gazetteer matches ("(Văn phòng UBND tỉnh theo dõi, báo cáo)"
        names one body; "theo dõi, báo cáo" is not one; "(Cơ quan Thường trực về PCTT)" is a role).
        """
        covered = {i for f in found for i in range(f.start, f.end)}
        # marker tokens ("Sở", ":") are not leftovers either
        for _, s, e in self._marker(doc):
            covered.update(range(s, e))
        by_start = {f.start: f for f in found}
        by_end = {f.end: f for f in found}
        pieces: list[list[int]] = []
        current: list[int] = []
        depth = 0
        for tok in doc:
            if tok.text == "(":
                depth += 1
            elif tok.text == ")":
                depth = max(depth - 1, 0)
            if tok.i in covered or tok.text in _PIECE_BREAK or depth > 0:
                if current:
                    pieces.append(current)
                current = []
                continue
            current.append(tok.i)
        if current:
            pieces.append(current)
        removed: set[int] = set()
        out: list[_Found] = []
        for piece in pieces:
            trimmed = _trim(doc, piece, st.noise)
            if not trimmed:
                continue
            whole = self._fuzzy(doc, key, trimmed)
            if whole is not None:
                out.append(whole)
                continue
            glued = by_start.get(piece[-1] + 1)  # the known body right after the piece, no separator
            if glued is not None and doc[piece[-1]].text in _LIST_GLUE | _EDGE_PUNCT:
                glued = None
            prev = by_end.get(piece[0])
            segs = self._segments(doc, key, st, piece)
            sentence = False  # the last segment was words of a sentence, not a body
            for n, (seg, how) in enumerate(segs):
                item = None
                if not (sentence and how == "soft"):
                    # after sentence words, a comma goes on with the sentence: "… phù hợp với từng
                    # ngành, từng cấp" names no body "Từng cấp"
                    # only the piece's first words can go on with the list of the body before it
                    item = self._leftover_body(doc, key, st, seg, prev if n == 0 and how == "start" else None)
                if item is None:
                    sentence = sentence or any(not _junk(doc[i].text) for i in seg)
                    if how == "break":
                        sentence = any(not _junk(doc[i].text) for i in seg)
                    continue
                sentence = False
                nxt = glued if n == len(segs) - 1 and seg[-1] == piece[-1] else None
                if item.entry < 0 and nxt is not None and self._unit_of(doc, nxt):
                    # "Thanh tra Sở KH&CN", "Đoàn kiểm tra của Bộ GDĐT": one body, the known one's unit
                    known = self._found_ref(nxt, "").name
                    prefix = "Các " + key.printed(doc, item.start, seg[-1] + 1) if item.name else None
                    item.name = _capitalise(prefix or key.printed(doc, item.start, seg[-1] + 1)) + " " + known
                    item.end = nxt.end
                    item.raw_end = nxt.raw_end
                    removed.add(id(nxt))
                    qualifier = self._qualifier_after(doc, item.end)
                    if qualifier > item.end and self._generic(doc, st, item.start):
                        # "các Phòng của Sở GDĐT có liên quan": the qualifier is the group's
                        item.name += " " + key.printed(doc, item.end, qualifier)
                        item.end = qualifier
                        item.raw_end = key.span(doc, item.start, qualifier)[1]
                out.append(item)
        return [f for f in found if id(f) not in removed] + out

    def _qualifier_after(self, doc: Doc, i: int) -> int:
        """The end of a qualifier ("liên quan", "có liên quan") that closes a list item at token ``i``, or
        ``i`` when none does."""
        for q in ("có liên quan", *(q.strip() for q in _QUALIFIERS)):
            words = q.split()
            end = i + len(words)
            if tuple(t.text for t in doc[i:end]) == tuple(words) and (
                end == len(doc) or doc[end].text in _ITEM_START | _PIECE_BREAK
            ):
                return end
        return i

    def _unit_of(self, doc: Doc, nxt: _Found) -> bool:
        """Whether an unknown body glued before ``nxt`` is a unit of it (only agencies have units)."""
        if nxt.entry < 0:
            return False
        return (nxt.kind or self.entries[nxt.entry].kind) == "agency"

    def _leftover_body(
        self, doc: Doc, key: _Key, st: _Structure, seg: list[int], prev: "_Found | None"
    ) -> "_Found | None":
        """One segment of a leftover: a fuzzy alias, an unknown body, or None (not a body)."""
        end = seg[-1] + 1
        seg_start = seg[0]
        start = self._skip_titles(doc, st, seg[0], end)
        seg = [i for i in seg if i >= start]
        linked = any(tuple(t.text for t in doc[end - len(w) : end]) == w for w in _LINKS)
        titled = any(i in st.title_tokens for i in range(seg_start, start))
        # a trailing link ("thuộc", "trực thuộc") is kept: it joins the unit to the body after it; a
        # leading "các" that makes a group is kept too ("Các bệnh viện")
        lead_noise = set() if seg and self._body_start(doc, st, seg[0]) else st.noise
        seg = _trim(doc, seg, lead_noise, set() if linked else st.noise)
        if not seg:
            return None
        s, e = seg[0], self._group_end(doc, key, seg[0], seg[-1] + 1)
        seg = [i for i in seg if i < e]
        fuzzy = self._fuzzy(doc, key, seg)
        if fuzzy is not None:
            return fuzzy
        cut = e
        while e - 1 > s and (
            _cut_word(key.printed(doc, e - 1, e)) or doc[e - 1].text in _LIST_GLUE | _EDGE_PUNCT
        ):
            e -= 1  # "Tổ ch": a name never ends inside a word; the piece of the word is dropped
        if e < cut and e - s == 1 and s in st.heads:
            return None  # what is left is a head without its name ("Tổ"): no body can be read
        text = doc[s:e].text
        # a short form alone ("Tư pháp") is a body whose head the cell does not say; printed in lower case
        # it is a verb or noun of a sentence ("… tổng hợp và xây dựng báo cáo")
        exact_short = (
            s in st.capitalised
            and text in self._short_by_key
            and any(self.entries[i].kind == "agency" for i in self._short_by_key[text])
        )
        after_head = prev is not None and bool(st.shorts.get(s, set()) & prev.heads)
        if (
            self._body_start(doc, st, s)
            or exact_short
            or after_head
            or (e - s == 1 and _acronym_at(doc, s, e, key) and s not in st.not_heads)
        ):
            heads = {doc[s].text} if s in st.heads else set()
            item = _Found(s, e, -1, 0.0, *key.span(doc, s, e), heads=heads)
            if titled and self._generic(doc, st, s) and doc[s].text not in _PLURAL:
                # a title over a generic noun means every such body: "Thủ trưởng đơn vị thuộc …" ->
                # "Các đơn vị thuộc …", "Các đồng chí bí thư huyện uỷ, thành uỷ" -> "Các huyện uỷ, thành uỷ"
                item.name = "Các " + key.printed(doc, s, e)
            if doc[s].text in _PLURAL and st.groups.get(s + 1) == e:
                item.kind = "group"  # "Các cơ quan", "các doanh nghiệp": a group word alone names no body
            return item
        return None

    def _group_end(self, doc: Doc, key: _Key, s: int, e: int) -> int:
        """Where a generic group ("các …") starting at ``s`` ends, at most ``e``: its lower-case words are
        words of bodies' names (the gazetteer's vocabulary, OCR forms included: "các cơ sở y tẾ trong tỉnh",
        "các bệnh viện và trung tâm y tế có giường bệnh"), so the first word that is none ends it — a verb
        of the sentence ("các lực lượng chức năng phân luồng …") or a word cut at a line end ("các cơ
        quan, b"). From a capitalised word on, a proper name goes on ("các trường Trung học phổ thông tại Phụ
        lục I"): it is not judged."""
        if doc[s].text not in _PLURAL:
            return e
        for j in range(s + 2, e):
            word = doc[j].text
            if key.capitalised(doc[j]):
                return e  # a proper name starts: its own lower-case words follow ("Trung học phổ thông")
            after = doc[j + 1].text if j + 1 < len(doc) else ""
            if not word.isalpha() or self._vocab.knows(word, doc[j - 1].text, after):
                continue
            while j > s + 2 and (_junk(doc[j - 1].text) or doc[j - 1].text in _LIST_GLUE):
                j -= 1
            return j
        return e

    def _fuzzy(self, doc: Doc, key: _Key, piece: list[int]) -> _Found | None:
        """A leftover piece read as one gazetteer alias despite OCR slips, or None.

        Alike as folded strings or as OCR forms ("Sở V tế" is Sở Y tế), word for word (``_same_words``);
        or, for the cell's last words, a name cut inside its last word ("Sở Tài ch": the page or cell
        ended there) when exactly one body's alias goes on from it. Two bodies equally close: None.
        """
        start, end = piece[0], piece[-1] + 1
        text = " ".join(t.text for t in doc[start:end])  # spaced as the alias keys are ("hóa , thể")
        if len(text) < self.rules.fuzzy_min_chars:
            return None
        rules = self.rules
        hits = process.extract(
            text, self._alias_keys, scorer=fuzz.ratio, score_cutoff=rules.fuzzy_floor, limit=rules.fuzzy_limit
        )
        ocr = _ocr_text(text)
        scored: dict[int, float] = {}
        for alias, folded, _ in hits:
            if not _same_words(text, alias):
                continue
            score = max(folded, fuzz.ratio(ocr, _ocr_text(alias)))
            if score >= self.rules.fuzzy_min:
                entry = self._alias_owner[alias]
                scored[entry] = max(scored.get(entry, 0.0), score)
        if scored:
            ranked = sorted(scored.items(), key=lambda kv: -kv[1])
            if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
                return None
            entry, score = ranked[0]
            return _Found(start, end, entry, min(score / 100, 0.99), *key.span(doc, start, end))
        if not all(_junk(t.text) for t in doc[end:]) or len(text.split()) < 2 or len(text.split()[-1]) < 2:
            return None
        # a name cut inside its last word: "sở tài ch" goes on only as "sở tài chính"
        owners = {
            self._alias_owner[a]
            for a in self._alias_keys
            if a.startswith(text) and len(a) > len(text) and a[len(text)] != " "
        }
        if len(owners) != 1:
            return None
        return _Found(start, end, owners.pop(), CUT_SCORE, *key.span(doc, start, end))

    def _widen_raw(self, doc: Doc, key: _Key, st: _Structure, found: list[_Found]) -> None:
        """In a cell, ``raw`` is the whole list item that names a body: the title before it and the
        role words after it ("Giám đốc các sở, ban, ngành", "(Văn phòng UBND tỉnh theo dõi, báo cáo)").
        """
        titles = {i for s, ends in st.titles.items() for e in ends for i in range(s, e)}
        fillers = st.fillers
        covered = {i for f in found for i in range(f.start, f.end)}
        for f in found:
            if f.entry < 0:
                continue
            first = f.first if f.first >= 0 else f.start
            while first > 0 and first - 1 in titles and first - 1 not in covered:
                first -= 1
            last, j = f.end, f.end
            while j < len(doc) and j not in covered and (j in fillers or doc[j].text == ","):
                if j in fillers:
                    last = j + 1
                j += 1
            if not (j == len(doc) or doc[j].text in {")", ";"}):
                last = f.end
            f.raw_start, f.raw_end = key.span(doc, first, last)


def _short_ok(c: _Cand, prev: "_Found | None", glue_ok: bool, ends_ok: bool, starts_item: bool) -> bool:
    """Whether a short form names a body here (see the module docstring).

    An agency's short form ("Tư pháp") needs a list about its head: the previous body or marker has the
    same head ("Sở …, Tư pháp", "các Sở: Tư pháp") with only punctuation, "và" or titles between, and
    it must end its list item ("Xây dựng nông thôn mới" is not Sở Xây dựng). A group's short form ("địa
    phương") only has to fill a whole item: a cell's items are all bodies.
    """
    if c.head:
        return glue_ok and ends_ok and prev is not None and c.head in prev.heads
    return (glue_ok or starts_item) and ends_ok


def _is_link(words: tuple[str, ...]) -> bool:
    """Whether ``words`` join a group to the body it belongs to: "thuộc", "trực thuộc", "của", or a list
    of them ("thuộc, trực thuộc", "thuộc và trực thuộc")."""
    i, need_link = 0, True
    while i < len(words):
        if need_link:
            link = next((w for w in _LINKS if words[i : i + len(w)] == w), None)
            if link is None:
                return False
            i += len(link)
        elif words[i] in _LINK_GLUE:
            i += 1
        else:
            return False
        need_link = not need_link
    return bool(words) and not need_link


def _person_name(doc: Doc, st: _Structure, start: int, end: int) -> bool:
    """Tokens ``start:end`` read as a person's name: 2-4 capitalised words, no head noun ("Phạm Quốc
    Dũng")."""
    words = range(start, end)
    return 2 <= len(words) <= 4 and all(i in st.capitalised and i not in st.heads for i in words)


# The commonest Vietnamese family names, without marks: a printed person's full name starts with one.
_FAMILY_NAMES = frozenset({
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo",
    "duong", "ly", "dinh", "truong", "doan", "lam", "mai", "trinh", "cao", "ha", "luu", "luong", "ta", "chu",
    "kieu", "thai", "lai", "quach", "ton",
})  # fmt: skip


def _person(text: str) -> bool:
    """A person's full name as printed: 3-4 capitalised one-syllable words, a family name first ("Nguyễn
    Đức Duy", also without marks: "Nguyen Duc Duy")."""
    words = text.split()
    return (
        3 <= len(words) <= 4
        and all(w[:1].isupper() and w.isalpha() and _syllables(w) == 1 for w in words)
        and strip_marks(words[0]).lower() in _FAMILY_NAMES
    )


def _code_like(doc: Doc, start: int, end: int) -> bool:
    """True for a one-token alias glued into a document number: "CP" in "71/NQ-CP", "TTg" in "464/TTg-CĐS"."""
    if end - start != 1:
        return False
    before = start > 0 and doc[start - 1].text in _CODE_GLUE and not doc[start - 1].whitespace_
    after = end < len(doc) and doc[end].text in _CODE_GLUE and not doc[end - 1].whitespace_
    return bool(before or after)


def _acronym_at(doc: Doc, i: int, end: int, key: _Key) -> bool:
    """A lone upper-case abbreviation as a whole list item ("NLNT", "PC04"): a unit's short name in
    tracking exports. ``key`` gives the printed case (the doc itself is lower case)."""
    if i >= end or (i + 1 < end and doc[i + 1].text not in _SOFT_SPLIT | _PIECE_BREAK):
        return False
    return bool(_ACRONYM.match(key.printed(doc, i, i + 1)))


def _trim(doc: Doc, piece: list[int], noise: set[int], tail_noise: set[int] | None = None) -> list[int]:
    """Drop punctuation, titles and filler words from both ends of a leftover piece (``tail_noise``, when
    given, is what may go at the end)."""
    tail = noise if tail_noise is None else tail_noise
    lo, hi = 0, len(piece)
    while lo < hi and (_junk(doc[piece[lo]].text) or piece[lo] in noise):
        lo += 1
    while hi > lo and (_junk(doc[piece[hi - 1]].text) or piece[hi - 1] in tail):
        hi -= 1
    return piece[lo:hi]


def _cut_word(token: str) -> bool:
    """A lower-case piece of a word cut at a line end ("ch", "b"): every Vietnamese syllable has a vowel."""
    return token.isalpha() and token.islower() and not _VOWEL_GROUP.search(_skeleton(token))


def _junk(token: str) -> bool:
    """Punctuation, and the marks OCR leaves at a cell's edge ("¬", "__", "|")."""
    return token in _EDGE_PUNCT or not any(c.isalnum() for c in token)


def _capitalise(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


def _unknown(raw: str, name: str | None = None) -> AgencyRef:
    return AgencyRef(name=_capitalise(name or raw), raw=raw, kind="unknown", score=0.0)


def split_agencies(cell: str | None, gazetteer: Gazetteer, issuer: str | None = None) -> list[AgencyRef]:
    """Split a Cơ quan chủ trì / phối hợp cell into bodies, in printed order, each named once.

    Splits by gazetteer match (longest first), never by commas alone:
    "Sở Văn hóa, Thể thao và Du lịch" -> one body; "Sở: Giáo dục và Đào tạo; Y tế;" -> two;
    "Các sở, ban, ngành, địa phương" -> ["Các sở, ban, ngành", "Các địa phương"];
    "Giám đốc các Sở: Nội vụ, Tài chính" -> ["Sở Nội vụ", "Sở Tài chính"];
    "Sở Nông nghiệp và PTNT (Cơ quan Thường trực về PCTT)" -> [Sở Nông nghiệp và Phát triển nông thôn]: a
    role in parentheses is not a body.

    A body named in parentheses after another is a second entry, after it: "Văn phòng UBND tỉnh (Trung tâm
    Phục vụ hành chính công tỉnh)" -> [Văn phòng UBND tỉnh, Trung tâm Phục vụ hành chính công tỉnh]. The
    first is the body the task is given to; the sub-unit is who does it, and a user asking for that unit's
    tasks must find them. A parenthesis that names a channel ("(qua Văn phòng UBND tỉnh)") adds nothing.

    Pieces the gazetteer does not know are kept whole with ``kind="unknown"`` and ``name`` = the piece as
    printed (first letter capitalised) when they start like a body (a head noun or a group word); other
    leftovers are dropped.

    ``issuer`` (the document's issuer as printed, optional) names the issuer's own units: in a ministry's
    document a bare "Văn phòng" is "Văn phòng Bộ" and "Phó Chánh Văn phòng Phạm Quốc Dũng" names it too;
    in a department's, "Văn phòng Sở". Without it they stay "Văn phòng" (unknown) and nothing. In a
    central body's document a department without its province is every province's: "Sở GDĐT" is "Các Sở
    Giáo dục và Đào tạo".
    """
    if cell is None:
        return []
    return gazetteer._cell_refs(cell, issuer)


def _letters(text: str) -> str:
    """Letters only, without marks, spaces or case: what OCR damage leaves comparable ("UBNDtinh")."""
    return "".join(c for c in strip_marks(fold(text)) if c.isalnum())


def damaged_cell(
    cell: str | None, known: Sequence[AgencyRef], rules: AgencySettings = DEFAULT_RULES
) -> list[AgencyRef]:
    """A lead cell that reads as no body, repaired against the bodies the same document names elsewhere:
    OCR damage in one table cell ("Thng Đảo tạo", "UBNDtinh") leaves a string close to a name its other
    cells print ("Phòng Đào tạo", "UBND tỉnh"). Compared letters only; one clear best above
    ``rules.damaged_min`` or nothing (a cell read as noise stays without a lead, never guessed)."""
    letters = _letters(cell or "")
    if len(letters) < rules.damaged_min_chars:
        return []
    scored: dict[str, tuple[float, AgencyRef]] = {}
    for ref in known:
        score = fuzz.ratio(letters, _letters(ref.name))
        if score >= rules.damaged_min and score > scored.get(ref.name, (0.0, ref))[0]:
            scored[ref.name] = (score, ref)
    if len(scored) != 1:
        return []
    [(score, ref)] = scored.values()
    return [ref.model_copy(update={"raw": cell, "score": round(score / 100, 3)})]


def implied_issuer(cells: Iterable[str | None], gazetteer: Gazetteer) -> str | None:
    """The issuer a document without a printed one implies by its cells: ``IMPLIED_MINISTRY`` when they
    name a known ministry department ("Vụ Kế hoạch - Tài chính", "Vụ GDĐH"), which only a ministry has,
    so that its bare "Văn phòng"/"Thanh tra" read as the ministry's own (a tracking export prints units,
    never its ministry). None otherwise: a bare "Văn phòng" of an unknown issuer stays unresolved."""
    for cell in cells:
        if cell and "vụ" in fold(cell):
            refs = gazetteer._cell_refs(cell)
            if any(r.kind == "agency" and fold(r.name).startswith("vụ ") for r in refs):
                return IMPLIED_MINISTRY
    return None


def unknown_agencies(refs: Iterable[AgencyRef]) -> Counter[str]:
    """How often each unknown body occurs, for growing the gazetteer (``theodoi agencies --unknown``)."""
    return Counter(r.name for r in refs if r.kind == "unknown")


__all__ = [
    "DEFAULT_FILES",
    "VERSION",
    "Gazetteer",
    "GazetteerError",
    "split_agencies",
    "unknown_agencies",
]
