"""Agency normaliser: split lead/co cells into bodies and find bodies in prose, by the gazetteer.

"Sở Văn hóa, Thể thao và Du lịch" is one body, "Sở: Giáo dục và Đào tạo; Y tế" two, and "Sở Khoa học và
Công nghệ Văn phòng UBND tỉnh" (no separator) two again: commas neither split nor join bodies reliably,
so cells are read by longest gazetteer match and only the leftovers are split at punctuation.

How matching works, and why:

* Text is folded (``parsers.text.fold``: NFC, one tone-mark placement, lower case; "&" read as "và")
  into a key whose characters map back to the printed text, so every match keeps its ``raw`` span.
* spaCy's ``PhraseMatcher`` finds every alias of every entry in one pass over the tokens. It runs on a
  ``spacy.blank("xx")`` tokenizer, which splits at spaces and punctuation only: ``spacy.blank("vi")``
  needs pyvi, whose word segmentation can fuse syllables across an agency's edge ("Giao_Sở"), and a
  phrase pattern then silently misses.
* A second PhraseMatcher runs on the same tokens with the diacritics stripped: the usual OCR slips in
  Vietnamese are wrong or missing marks ("Sở Khoa hoc và Công nghê", "Cóng an tỉnh"); such a match is
  kept when the folded texts are still close (rapidfuzz ratio), and its score says how close.
* rapidfuzz then compares what is left of a cell (not a gazetteer match, not a title or filler word)
  with every alias, for letter slips the stripped form cannot absorb ("Sở Tài chínhh"). Pieces that
  still match nothing are kept as ``kind="unknown"`` so that the gazetteer can grow
  (``unknown_agencies``).
* Short forms ("Tư pháp", "Y tế") name a body only inside a list about its head: after another "Sở …"
  or a "Sở:"/"các Sở:" marker, separated by punctuation or "và" only, so "xây dựng" in running text is
  never read as Sở Xây dựng.

The ``Gazetteer`` is built once (matchers included) by the ingest layer and then only read.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import spacy
from rapidfuzz import fuzz, process
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from models.task import AgencyRef
from parsers.agency_data import GazetteerData, GazetteerEntry, GazetteerError, parse_yaml_texts
from parsers.text import clean_cell, fold, nfc, unify_tone_marks

VERSION = "agency.v1"

# Files under data/gazetteer/ that the ingest layer loads, in this order, before any extra province file.
DEFAULT_FILES = ("central.yaml", "daklak.yaml")

# A match on stripped diacritics counts when the folded texts are at least this close (0..1). Cells hold
# nothing but bodies, so they can be lenient; prose is full of look-alikes ("sổ y tế" / "Sở Y tế").
CELL_SKELETON_MIN = 0.8
PROSE_SKELETON_MIN = 0.9
# ... or, in a cell, when at most this many characters differ in their marks only ("Sờ Nội vu").
CELL_MAX_MARK_SLIPS = 2
# rapidfuzz ratio (0..100) a leftover piece of a cell needs to be read as a gazetteer alias.
FUZZY_MIN = 86.0
# Leftover pieces shorter than this (characters) are never fuzzy-matched: "Y tê" is too short to trust.
FUZZY_MIN_CHARS = 6

_LIST_GLUE = frozenset({",", ";", ":", "và", "-", "/", ".", "+", "với", "các", "cùng"})
_QUALIFIERS = (" liên quan",)
_ITEM_START = frozenset({",", ";", ":", "và"})
_PIECE_BREAK = frozenset({";", "(", ")"})
_EDGE_PUNCT = frozenset({",", ";", ":", "-", "/", ".", "+", "*", "(", ")", '"', "'", "…"})
_CODE_GLUE = frozenset({"-", "/"})
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,40}>")
_WORD_OR_SPACE = re.compile(r"\S+|\s+")
_CHAR_MAP = {"ð": "đ", "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "＆": "&"}


@dataclass(frozen=True)
class AgencySpan:
    """A body found in a text, with its character offsets in the NFC form of that text."""

    ref: AgencyRef
    start: int
    end: int


@dataclass(frozen=True)
class _Key:
    """The folded matching key of a text and, per key character, its offset in the NFC text."""

    text: str  # NFC, as printed
    key: str
    offsets: list[int]

    def span(self, doc: Doc, start: int, end: int) -> tuple[int, int]:
        first, last = doc[start], doc[end - 1]
        return self.offsets[first.idx], self.offsets[last.idx + len(last.text) - 1] + 1


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


def _build_key(text: str) -> _Key:
    """Fold ``text`` for matching and remember where each key character came from.

    Tags such as "<p>" become spaces, "&" becomes " và ", whitespace runs become one space, and each word
    gets ``fold``'s tone placement ("hoà" -> "hòa") and lower case, word by word so offsets stay exact.
    """
    text = nfc(text)
    chars = list(text)
    for match in _TAG.finditer(text):
        chars[match.start() : match.end()] = [" "] * (match.end() - match.start())
    out: list[str] = []
    offsets: list[int] = []

    def emit(ch: str, pos: int) -> None:
        if ch == " " and (not out or out[-1] == " "):
            return
        out.append(ch)
        offsets.append(pos)

    for match in _WORD_OR_SPACE.finditer("".join(chars)):
        word = match.group()
        if word.isspace():
            emit(" ", match.start())
            continue
        folded = unify_tone_marks(word).lower()
        aligned = len(folded) == len(word)
        for k, ch in enumerate(folded):
            pos = match.start() + (k if aligned else min(k, len(word) - 1))
            ch = _CHAR_MAP.get(ch, ch)
            if ch == "&":
                for c in " và ":
                    emit(c, pos)
            else:
                emit(ch, pos)
    while out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return _Key(text=text, key="".join(out), offsets=offsets)


def _skeleton(token: str) -> str:
    """ "công" -> "cong", "đắk" -> "dak": the form OCR slips in tone and vowel marks leave unchanged."""
    bare = "".join(c for c in unicodedata.normalize("NFD", token) if not unicodedata.combining(c))
    return bare.replace("đ", "d") or token


def _mark_slips(a: str, b: str) -> int:
    """Characters that differ between two texts of the same skeleton (they differ in marks only)."""
    if len(a) != len(b):
        return max(len(a), len(b))
    return sum(x != y for x, y in zip(a, b, strict=True))


def _variants(alias: str) -> list[str]:
    """An alias and its comma-free spelling ("Sở Văn hóa Thể thao và Du lịch")."""
    forms = [alias]
    if "," in alias:
        forms.append(alias.replace(",", " "))
    return forms


class Gazetteer:
    """Known bodies and groups with their matchers; build once, then share (it is never mutated).

    Example:
        >>> gz = Gazetteer.from_yaml_texts([central_yaml, daklak_yaml])
        >>> [r.name for r in split_agencies("Sở: Giáo dục và Đào tạo; Y tế", gz)]
        ['Sở Giáo dục và Đào tạo', 'Sở Y tế']
    """

    def __init__(self, data: GazetteerData) -> None:
        self.entries: tuple[GazetteerEntry, ...] = tuple(data.entries)
        self.sources: tuple[str, ...] = tuple(data.sources)
        self._nlp = spacy.blank("xx")
        vocab = self._nlp.vocab
        self._full = PhraseMatcher(vocab, attr="ORTH")
        self._full_skel = PhraseMatcher(vocab, attr="ORTH")
        self._short = PhraseMatcher(vocab, attr="ORTH")
        self._short_skel = PhraseMatcher(vocab, attr="ORTH")
        self._marker = PhraseMatcher(vocab, attr="ORTH")
        self._noise = PhraseMatcher(vocab, attr="ORTH")

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
        for head in {e.head for e in self.entries if e.head}:
            for words in ([head, ":"], ["các", head, ":"]):
                self._marker.add(f"M{head}", [self._nlp.make_doc(" ".join(words))])
        for label, words in (("T", data.titles), ("N", data.fillers)):
            keys = {self._token_key(w) for w in words}
            self._noise.add(label, [self._nlp.make_doc(k) for k in sorted(keys) if k])
        self._by_name = {fold(e.name): i for i, e in enumerate(self.entries)}

    @classmethod
    def from_yaml_texts(cls, texts: Sequence[str]) -> "Gazetteer":
        """Build from YAML texts in load order (central, province, extra provinces; later ones override).

        Raises:
            GazetteerError: a text is malformed (see ``parsers.agency_data.parse_yaml_texts``).
        """
        return cls(parse_yaml_texts(texts))

    # -- public look-ups -------------------------------------------------------------------------------

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

    def find_spans(self, text: str) -> list[AgencySpan]:
        """Every gazetteer body named in a prose sentence, in order, with offsets into ``nfc(text)``.

        Only gazetteer matches are returned (prose is not a list of bodies, so leftovers are not
        "unknown agencies"); repeated mentions are all returned.
        """
        key = _build_key(text)
        if not key.key:
            return []
        doc = self._nlp.make_doc(key.key)
        found = self._match(doc, key, prose=True)
        return [
            AgencySpan(self._ref(f.entry, key.text[f.raw_start : f.raw_end], f.score), f.raw_start, f.raw_end)
            for f in found
        ]

    def find_in_text(self, sentence: str) -> list[AgencyRef]:
        """Bodies named in a prose sentence: "Giao Sở X chủ trì, phối hợp với Sở Y" -> [Sở X, Sở Y]."""
        return [span.ref for span in self.find_spans(sentence)]

    # -- cells -----------------------------------------------------------------------------------------

    def _cell_refs(self, cell: str) -> list[AgencyRef]:
        key = _build_key(clean_cell(cell))
        if not key.key:
            return []
        doc = self._nlp.make_doc(key.key)
        found = self._match(doc, key, prose=False)
        found.extend(self._leftovers(doc, key, found))
        found.sort(key=lambda f: f.start)
        self._widen_raw(doc, key, found)
        refs: list[AgencyRef] = []
        seen: set[str] = set()
        for f in found:
            raw = key.text[f.raw_start : f.raw_end]
            ref = self._ref(f.entry, raw, f.score) if f.entry >= 0 else _unknown(raw)
            if ref.name not in seen:
                seen.add(ref.name)
                refs.append(ref)
        return refs

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

    def _candidates(self, doc: Doc, prose: bool) -> list[_Cand]:
        strings = self._nlp.vocab.strings
        skel_doc = self._skeleton_doc(doc)
        skel_min = PROSE_SKELETON_MIN if prose else CELL_SKELETON_MIN
        best: dict[tuple[int, int, int, str], _Cand] = {}

        def keep(c: _Cand) -> None:
            if _code_like(doc, c.start, c.end):
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
                index = int(strings[label][1:])
                text = doc[s:e].text
                score = max(fuzz.ratio(text, k) for k in keys_of[index]) / 100
                slips = min(_mark_slips(text, k) for k in keys_of[index])
                if score >= skel_min or (not prose and slips <= CELL_MAX_MARK_SLIPS):
                    keep(_Cand(s, e, index, role, self.entries[index].head, min(score, 0.99)))
        for label, s, e in self._marker(doc):
            keep(_Cand(s, e, -1, "marker", strings[label][1:], 1.0))
        return list(best.values())

    def _match(self, doc: Doc, key: _Key, prose: bool) -> list[_Found]:
        """Longest non-overlapping gazetteer matches, with short forms checked against their list."""
        spans: dict[tuple[int, int], list[_Cand]] = {}
        for c in self._candidates(doc, prose):
            spans.setdefault((c.start, c.end), []).append(c)
        taken = [False] * len(doc)
        chosen: list[tuple[int, int]] = []
        for s, e in sorted(spans, key=lambda se: (se[0] - se[1], -max(c.score for c in spans[se]), se[0])):
            if not any(taken[s:e]):
                taken[s:e] = [True] * (e - s)
                chosen.append((s, e))
        chosen.sort()
        starts = {s for s, _ in chosen}
        noise = self._noise_tokens(doc)
        found: list[_Found] = []
        prev: _Found | None = None
        for s, e in chosen:
            alts = sorted(
                spans[(s, e)], key=lambda c: ({"full": 0, "marker": 1, "short": 2}[c.role], -c.score)
            )
            glue_ok = all(t.text in _LIST_GLUE or t.i in noise for t in doc[prev.end if prev else 0 : s])
            ends_ok = e == len(doc) or e in starts or doc[e].text in _LIST_GLUE or doc[e].text in "()"
            starts_item = s == 0 or doc[s - 1].text in _ITEM_START
            for c in alts:
                if c.role == "short" and not _short_ok(c, prev, glue_ok, ends_ok, starts_item, prose):
                    continue
                raw_start, raw_end = key.span(doc, s, e)
                heads = {c.head} if c.role == "marker" else {self.entries[c.entry].head}
                item = _Found(s, e, c.entry, c.score, raw_start, raw_end, heads, first=s)
                if c.role == "short" and prev is not None and prev.entry < 0 and prev.end == s:
                    item.first, item.raw_start = prev.start, prev.raw_start  # "Sở: Giáo dục và Đào tạo"
                if c.role != "marker":
                    found.append(item)
                prev = item
                break
        self._distribute_qualifier(doc, found)
        return found

    def _noise_tokens(self, doc: Doc, label: str | None = None) -> set[int]:
        strings = self._nlp.vocab.strings
        return {
            i for m, s, e in self._noise(doc) if label is None or strings[m] == label for i in range(s, e)
        }

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

    def _widen_raw(self, doc: Doc, key: _Key, found: list[_Found]) -> None:
        """In a cell, ``raw`` is the whole list item that names a body: the title before it and the
        role words after it ("Giám đốc các sở, ban, ngành", "(Văn phòng UBND tỉnh theo dõi, báo cáo)").
        """
        titles = self._noise_tokens(doc, "T")
        fillers = self._noise_tokens(doc, "N")
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

    def _leftovers(self, doc: Doc, key: _Key, found: list[_Found]) -> list[_Found]:
        """Read what the gazetteer did not match: fuzzy alias if close, else an unknown body.

        Text in parentheses only contributes gazetteer matches ("(Văn phòng UBND tỉnh theo dõi, báo cáo)"
        names one body; "theo dõi, báo cáo" is not one).
        """
        covered = {i for f in found for i in range(f.start, f.end)}
        # marker tokens ("Sở", ":") are not leftovers either
        for _, s, e in self._marker(doc):
            covered.update(range(s, e))
        noise = self._noise_tokens(doc)
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
        out: list[_Found] = []
        for piece in pieces:
            piece = _trim(doc, piece, noise)
            if not piece:
                continue
            whole = self._fuzzy(doc, key, piece)
            if whole is not None:
                out.append(whole)
                continue
            for part in _split_commas(doc, piece):
                part = _trim(doc, part, noise)
                if part:
                    fuzzy = self._fuzzy(doc, key, part)
                    out.append(
                        fuzzy or _Found(part[0], part[-1] + 1, -1, 0.0, *key.span(doc, part[0], part[-1] + 1))
                    )
        return out

    def _fuzzy(self, doc: Doc, key: _Key, piece: list[int]) -> _Found | None:
        text = doc[piece[0] : piece[-1] + 1].text
        if len(text) < FUZZY_MIN_CHARS:
            return None
        hit = process.extractOne(text, self._alias_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
        if hit is None:
            return None
        entry = self._alias_owner[hit[0]]
        start, end = piece[0], piece[-1] + 1
        return _Found(start, end, entry, min(hit[1] / 100, 0.99), *key.span(doc, start, end))


def _short_ok(
    c: _Cand, prev: "_Found | None", glue_ok: bool, ends_ok: bool, starts_item: bool, prose: bool
) -> bool:
    """Whether a short form names a body here (see the module docstring).

    An agency's short form ("Tư pháp") needs a list about its head: the previous body or marker has the
    same head ("Sở …, Tư pháp", "các Sở: Tư pháp") with only punctuation, "và" or titles between. In a
    cell it must also end its list item ("Xây dựng nông thôn mới" is not Sở Xây dựng); prose goes on with
    a verb ("các Sở: Tài chính, Xây dựng chủ trì"). A group's short form ("địa phương") follows any body
    in prose; in a cell, whose items are all bodies, it only has to fill a whole item.
    """
    if c.head:
        return glue_ok and (ends_ok or prose) and prev is not None and c.head in prev.heads
    if prose:
        return glue_ok and prev is not None
    return (glue_ok or starts_item) and ends_ok


def _code_like(doc: Doc, start: int, end: int) -> bool:
    """True for a one-token alias glued into a document number: "CP" in "71/NQ-CP", "TTg" in "464/TTg-CĐS"."""
    if end - start != 1:
        return False
    before = start > 0 and doc[start - 1].text in _CODE_GLUE and not doc[start - 1].whitespace_
    after = end < len(doc) and doc[end].text in _CODE_GLUE and not doc[end - 1].whitespace_
    return bool(before or after)


def _trim(doc: Doc, piece: list[int], noise: set[int]) -> list[int]:
    """Drop punctuation, titles and filler words from both ends of a leftover piece."""
    lo, hi = 0, len(piece)
    while lo < hi and (doc[piece[lo]].text in _EDGE_PUNCT or piece[lo] in noise):
        lo += 1
    while hi > lo and (doc[piece[hi - 1]].text in _EDGE_PUNCT or piece[hi - 1] in noise):
        hi -= 1
    return piece[lo:hi]


def _split_commas(doc: Doc, piece: list[int]) -> list[list[int]]:
    parts: list[list[int]] = [[]]
    for i in piece:
        if doc[i].text == ",":
            parts.append([])
        else:
            parts[-1].append(i)
    return [p for p in parts if p]


def _unknown(raw: str) -> AgencyRef:
    name = raw.strip()
    return AgencyRef(name=name[:1].upper() + name[1:], raw=raw, kind="unknown", score=0.0)


def split_agencies(cell: str | None, gazetteer: Gazetteer) -> list[AgencyRef]:
    """Split a Cơ quan chủ trì / phối hợp cell into bodies, in printed order, each named once.

    Splits by gazetteer match (longest first), never by commas alone:
    "Sở Văn hóa, Thể thao và Du lịch" -> one body; "Sở: Giáo dục và Đào tạo; Y tế;" -> two;
    "Các sở, ban, ngành, địa phương" -> ["Các sở, ban, ngành", "Các địa phương"];
    "Giám đốc các Sở: Nội vụ, Tài chính" -> ["Sở Nội vụ", "Sở Tài chính"]. Pieces that match nothing are
    kept with ``kind="unknown"`` and ``name`` = the piece as printed (first letter capitalised).
    """
    if cell is None:
        return []
    return gazetteer._cell_refs(cell)


def unknown_agencies(refs: Iterable[AgencyRef]) -> Counter[str]:
    """How often each unknown body occurs, for growing the gazetteer (``theodoi agencies --unknown``)."""
    return Counter(r.name for r in refs if r.kind == "unknown")


__all__ = [
    "DEFAULT_FILES",
    "VERSION",
    "AgencySpan",
    "Gazetteer",
    "GazetteerError",
    "split_agencies",
    "unknown_agencies",
]
