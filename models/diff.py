"""What changed between two directives: tasks paired one-to-one, then described field by field.

Analysts hold a plan and its revision (Kế hoạch 15/KH-BCĐ, then 21/KH-BCĐ "thay thế"/"điều chỉnh") side
by side and ask: which tasks are new, which were dropped, whose deadline moved and by how many days, who
was re-assigned, what was reworded. This module answers that from two task lists; it is pure (no
registry, no files) so the CLI, the HTML report and the benchmark share it.

How tasks are paired (key pairing and content pairing combined):

1. Every pair (a, b) gets a *content score* = ``text_weight`` x word-level similarity of the task texts
   (rapidfuzz Indel ratio over folded words) + ``agency_weight`` x Jaccard overlap of the agencies named
   (lead and co together). Word level, because two unrelated tasks of the same plan share many syllables
   ("triển khai", "chuyển đổi số") and look 50-60 % alike character by character but rarely over 50 %
   word by word (measured on the 119 tasks of the seed plan: nearest unrelated neighbour at most 0.49).
2. When B revises A (``by_key=True``), a pair with the same key (source, annex, section, STT,
   occurrence) gets ``key_bonus`` on top, so that among near-equal candidates the task in the same place
   wins (the seed plan prints task 26 and task 66 with identical text: only the key tells them apart).
3. One global one-to-one assignment (``scipy.optimize.linear_sum_assignment``) maximises the summed
   score. A task renumbered because another was inserted above it therefore pairs with its own text in
   B (score ~1) rather than with the stranger that now holds its old number (score ~0.3 + bonus).
4. An assigned pair is kept only if its content score reaches ``match_threshold``, or it has the same
   key and its *text* similarity reaches ``key_text_threshold`` (a reworded task keeps its place).
   A same-key pair whose text is totally different fails both tests: it is reported as one task
   removed and one added, never as a "change".

Example:
    >>> d = diff_tasks(old_tasks, new_tasks, DiffSettings())
    >>> [c.deadline.days for c in d.changed if c.deadline]   # "Quý I năm 2026" -> "Quý II năm 2026"
    [91]
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from models.base import Frozen
from models.task import AgencyRef, Deadline, Task, task_fields
from models.text import fold

if TYPE_CHECKING:  # numpy and rapidfuzz are imported where tasks are paired: the query commands never pair
    import numpy as np

VERSION = "diff.v1"

_WORD = re.compile(r"[^\W_]+(?:[./-][^\W_]+)*", re.UNICODE)
def words(text: str | None) -> list[str]:
    """Folded words without punctuation, the unit of similarity ("Sở KH&CN;" -> ["sở", "kh", "cn"])."""
    return _WORD.findall(fold(text))


def normalise_doc_number(number: str | None) -> str:
    """Comparison key for a document number, so that a citation finds the document it names.

    "15/KH-BCĐ", "15/KH-BCD", "15 /KH-BCĐ", "15-KH/BCĐ" and "số 015/kh-bcđ" all give "15/KH/BCD":
    NFC, upper case, Đ as D, no spaces, "-" and "/" alike, leading zeros of the serial dropped.
    Returns "" when there is no number ("/UBND-KGVX" keeps its agency part: "/UBND/KGVX").
    """
    if not number:
        return ""
    text = unicodedata.normalize("NFC", number).upper().replace("Đ", "D")
    text = re.sub(r"^\s*SỐ\s*:?\s*", "", text)
    text = re.sub(r"\s+", "", text).replace("-", "/")
    text = re.sub(r"/+", "/", text)
    return re.sub(r"^0+(?=\d)", "", text)


class DiffSettings(Frozen):
    """Weights and thresholds of the pairing (see the module docstring for how they combine)."""

    text_weight: float = Field(0.85, ge=0, le=1)
    agency_weight: float = Field(0.15, ge=0, le=1)
    key_bonus: float = Field(0.2, ge=0, le=1)
    match_threshold: float = Field(0.6, gt=0, le=1)
    key_text_threshold: float = Field(0.5, gt=0, le=1)


WordOpKind = Literal["equal", "delete", "insert"]


class WordOp(Frozen):
    """One run of words in a word-level diff; a replacement is a delete followed by an insert."""

    op: WordOpKind
    text: str


class TextHunk(Frozen):
    """One place where the wording changed: the words removed and the words put in their stead."""

    deleted: str
    inserted: str


class AgencyChange(Frozen):
    """Agencies (canonical names) that a revision added to or removed from a lead/co cell."""

    added: list[str] = []
    removed: list[str] = []


class DeadlineChange(Frozen):
    """A deadline as printed before and after; ``days`` > 0 when it moved later."""

    before: Deadline
    after: Deadline
    days: int | None = None  # after.due - before.due, when both are dated
    direction: Literal["earlier", "later", "same_day", "undated"]


class TaskChange(Frozen):
    """A task of A paired with a task of B, and what differs between them (nothing: unchanged)."""

    a: Task
    b: Task
    paired_by: Literal["key", "content"]
    score: float  # content score of the pair, 0..1
    text_ops: list[WordOp] = []
    text_hunks: list[TextHunk] = []
    lead: AgencyChange | None = None
    co: AgencyChange | None = None
    output_before: str | None = None
    output_after: str | None = None
    output_changed: bool = False
    deadline: DeadlineChange | None = None
    renumbered: bool = False  # its key (annex/section/STT) differs
    parser_changed: bool = False  # A and B were read by different parser versions

    @property
    def changes(self) -> list[str]:
        """Names of the fields that changed, in a fixed order: text, lead, co, output, deadline."""
        found = [
            ("text", bool(self.text_hunks)),
            ("lead", self.lead is not None),
            ("co", self.co is not None),
            ("output", self.output_changed),
            ("deadline", self.deadline is not None),
        ]
        return [name for name, changed in found if changed]


class TaskDiff(Frozen):
    """The difference between two task lists (A: earlier, B: later)."""

    a_doc_ids: list[str]
    b_doc_ids: list[str]
    by_key: bool
    settings: DiffSettings
    added: list[Task] = []  # in B only, B's order
    removed: list[Task] = []  # in A only, A's order
    changed: list[TaskChange] = []  # paired and different, B's order
    unchanged: list[TaskChange] = []  # paired and identical in content (maybe renumbered), B's order
    version: str = VERSION

    @property
    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "renumbered": sum(c.renumbered for c in self.changed + self.unchanged),
        }


def task_key(task: Task) -> tuple[str, str, str, str]:
    """Where a task sits in its document: source, annex, section, STT ("table", "I", "III", "15")."""
    return (task.source, task.annex or "", task.section or "", task.stt or "")


def key_label(task: Task) -> str:
    """Human label of a task's place: "PL I · III · 15", "mục 2.4" for prose."""
    if task.source == "prose":
        return f"mục {task.stt or task.section or '?'}"
    parts = [f"PL {task.annex}" if task.annex else None, task.section, task.stt]
    return " · ".join(p for p in parts if p) or "?"


def _occurrence_keys(tasks: list[Task]) -> list[tuple[str, str, str, str, int]]:
    seen: Counter[tuple[str, str, str, str]] = Counter()
    out = []
    for t in tasks:
        k = task_key(t)
        out.append((*k, seen[k]))
        seen[k] += 1
    return out


def _agency_names(t: Task) -> set[str]:
    return {fold(a.name) for a in (*t.lead, *t.co)}


def _jaccard_matrix(a: list[set[str]], b: list[set[str]]) -> np.ndarray:
    """|A ∩ B| / |A ∪ B| for every pair, through incidence matrices; 1.0 when both name nobody."""
    import numpy as np

    vocab = {name: i for i, name in enumerate(sorted(set().union(*a, *b)))}
    ia = np.zeros((len(a), max(len(vocab), 1)), dtype=np.float32)
    ib = np.zeros((len(b), max(len(vocab), 1)), dtype=np.float32)
    for row, names in enumerate(a):
        ia[row, [vocab[n] for n in names]] = 1
    for row, names in enumerate(b):
        ib[row, [vocab[n] for n in names]] = 1
    inter = ia @ ib.T
    union = ia.sum(1)[:, None] + ib.sum(1)[None, :] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / np.maximum(union, 1), 1.0).astype(np.float32)


def _score_matrices(a: list[Task], b: list[Task], s: DiffSettings) -> tuple[np.ndarray, np.ndarray]:
    """(text similarity, content score) for every pair, both n_a x n_b in 0..1."""
    import numpy as np
    from rapidfuzz import fuzz, process

    text = process.cdist([words(t.text) for t in a], [words(t.text) for t in b], scorer=fuzz.ratio,
                         dtype=np.float32, workers=1) / 100.0  # fmt: skip
    agencies = _jaccard_matrix([_agency_names(t) for t in a], [_agency_names(t) for t in b])
    total = s.text_weight + s.agency_weight or 1.0
    content = (s.text_weight * text + s.agency_weight * agencies) / total
    return text, content


def _agency_change(before: list[AgencyRef], after: list[AgencyRef]) -> AgencyChange | None:
    old = {fold(a.name): a.name for a in before}
    new = {fold(a.name): a.name for a in after}
    if old.keys() == new.keys():
        return None
    return AgencyChange(
        added=[new[k] for k in new if k not in old],
        removed=[old[k] for k in old if k not in new],
    )


def _deadline_change(before: Deadline, after: Deadline) -> DeadlineChange | None:
    same = fold(before.raw) == fold(after.raw) and before.due == after.due and before.kind == after.kind
    if same:
        return None
    if before.due and after.due:
        days = (after.due - before.due).days
        direction = "later" if days > 0 else "earlier" if days < 0 else "same_day"
        return DeadlineChange(before=before, after=after, days=days, direction=direction)
    return DeadlineChange(before=before, after=after, direction="undated")


def word_diff(before: str, after: str) -> tuple[list[WordOp], list[TextHunk]]:
    """Word-level diff (difflib over whitespace tokens, compared folded, shown as printed).

    Example: "Quý I năm 2026" -> "trong Quý II năm 2026" gives the hunks ("", "trong") and ("I", "II").
    """
    ta, tb = before.split(), after.split()
    matcher = difflib.SequenceMatcher(None, [fold(w) for w in ta], [fold(w) for w in tb], autojunk=False)
    ops: list[WordOp] = []
    hunks: list[TextHunk] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(WordOp(op="equal", text=" ".join(tb[j1:j2])))
            continue
        deleted, inserted = " ".join(ta[i1:i2]), " ".join(tb[j1:j2])
        if deleted:
            ops.append(WordOp(op="delete", text=deleted))
        if inserted:
            ops.append(WordOp(op="insert", text=inserted))
        hunks.append(TextHunk(deleted=deleted, inserted=inserted))
    return ops, hunks


def describe_pair(a: Task, b: Task, *, paired_by: Literal["key", "content"], score: float) -> TaskChange:
    """Compare two paired tasks field by field."""
    ops, hunks = word_diff(a.text, b.text) if fold(a.text) != fold(b.text) else ([], [])
    output_changed = fold(a.output) != fold(b.output)
    return TaskChange(
        a=a,
        b=b,
        paired_by=paired_by,
        score=round(float(score), 4),
        text_ops=ops,
        text_hunks=hunks,
        lead=_agency_change(a.lead, b.lead),
        co=_agency_change(a.co, b.co),
        output_before=a.output,
        output_after=b.output,
        output_changed=output_changed,
        deadline=_deadline_change(a.deadline, b.deadline),
        renumbered=task_key(a) != task_key(b),
        parser_changed=bool(
            a.parser_versions and b.parser_versions and a.parser_versions != b.parser_versions
        ),
    )


def pair_tasks(
    a: list[Task], b: list[Task], settings: DiffSettings, *, by_key: bool = True
) -> list[tuple[int, int, Literal["key", "content"], float]]:
    """One-to-one pairs (index in a, index in b, how paired, content score), in B's order."""
    if not a or not b:
        return []
    import numpy as np

    text, content = _score_matrices(a, b, settings)
    same_key = np.zeros(content.shape, dtype=bool)
    if by_key:
        where_b: dict[tuple[str, str, str, str, int], int] = {k: j for j, k in enumerate(_occurrence_keys(b))}
        for i, k in enumerate(_occurrence_keys(a)):
            j = where_b.get(k)
            if j is not None:
                same_key[i, j] = True
    acceptable = (content >= settings.match_threshold) | (same_key & (text >= settings.key_text_threshold))
    gain = np.where(acceptable, content + settings.key_bonus * same_key, -1.0)
    # deferred, as numpy and rapidfuzz are: scipy costs 0.3 s, and every registry open imports this module
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(gain, maximize=True)
    pairs = [
        (int(i), int(j), "key" if same_key[i, j] else "content", float(content[i, j]))
        for i, j in zip(rows, cols, strict=True)
        if acceptable[i, j]
    ]
    return sorted(pairs, key=lambda p: p[1])  # type: ignore[return-value]


def diff_tasks(
    a: list[Task], b: list[Task], settings: DiffSettings | None = None, *, by_key: bool = True
) -> TaskDiff:
    """Pair A's tasks with B's and describe every difference.

    Args:
        a: the earlier document's tasks, in document order.
        b: the later document's tasks, in document order.
        settings: pairing weights and thresholds; defaults when None.
        by_key: B revises A, so a task's place (annex/section/STT) is evidence of identity. Pass False
            for two unrelated documents (a plan and a letter), where only content counts.

    Returns:
        A frozen ``TaskDiff``; ``added``/``changed``/``unchanged`` in B's order, ``removed`` in A's.
    """
    settings = settings or DiffSettings()
    pairs = pair_tasks(a, b, settings, by_key=by_key)
    paired_a = {i for i, _, _, _ in pairs}
    paired_b = {j for _, j, _, _ in pairs}
    described = [describe_pair(a[i], b[j], paired_by=how, score=score) for i, j, how, score in pairs]
    return TaskDiff(
        a_doc_ids=sorted({t.doc_id for t in a}),
        b_doc_ids=sorted({t.doc_id for t in b}),
        by_key=by_key,
        settings=settings,
        added=[t for j, t in enumerate(b) if j not in paired_b],
        removed=[t for i, t in enumerate(a) if i not in paired_a],
        changed=[c for c in described if c.changes],
        unchanged=[c for c in described if not c.changes],
    )


def task_brief(t: Task) -> dict[str, object]:
    """A task in a diff record: its place, text, agencies and deadline (not the full contract record)."""
    f = task_fields(t)
    keys = ("task_id", "doc_id", "source", "annex", "section", "stt", "text")
    return {k: f[k] for k in keys} | {
        "lead": [a.name for a in t.lead],
        "co": [a.name for a in t.co],
        "output": f["output"],
        "deadline": f["deadline_raw"],
        "due": f["deadline_due"],
        "pages": f["pages"],
    }


def change_record(c: TaskChange) -> dict[str, object]:
    """One paired task in the JSON shape tools read; a field that did not change is null."""
    dl = c.deadline
    return {
        "a": task_brief(c.a),
        "b": task_brief(c.b),
        "paired_by": c.paired_by,
        "score": c.score,
        "renumbered": c.renumbered,
        "parser_changed": c.parser_changed,
        "changes": c.changes,
        "text": [h.model_dump() for h in c.text_hunks] or None,
        "lead": c.lead.model_dump() if c.lead else None,
        "co": c.co.model_dump() if c.co else None,
        "output": {"before": c.output_before, "after": c.output_after} if c.output_changed else None,
        "deadline": {
            "before": dl.before.raw,
            "after": dl.after.raw,
            "before_due": dl.before.due.isoformat() if dl.before.due else None,
            "after_due": dl.after.due.isoformat() if dl.after.due else None,
            "days": dl.days,
            "direction": dl.direction,
        }
        if dl
        else None,
    }


def diff_record(d: TaskDiff) -> dict[str, object]:
    """The whole diff as plain JSON-ready data (``theodoi diff --format json``)."""
    return {
        "version": d.version,
        "a_doc_ids": d.a_doc_ids,
        "b_doc_ids": d.b_doc_ids,
        "by_key": d.by_key,
        "settings": d.settings.model_dump(),
        "counts": d.counts,
        "added": [task_brief(t) for t in d.added],
        "removed": [task_brief(t) for t in d.removed],
        "changed": [change_record(c) for c in d.changed],
        "unchanged": [
            {
                "a": c.a.task_id,
                "b": c.b.task_id,
                "a_key": key_label(c.a),
                "b_key": key_label(c.b),
                "renumbered": c.renumbered,
            }
            for c in d.unchanged
        ],
    }
