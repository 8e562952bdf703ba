"""Renditions and versions: which files are one document, and which tasks are still in force.

A province receives one document several times (the Word draft, the signed PDF, a scan of the paper copy,
partial re-scans). Each file stays a row of ``documents`` (keyed by its bytes); files that are renditions of
one document share a ``logical_id``, and only the best rendition's tasks are stored.

**Matching a new file to a logical document** (``match``), in this order:

1. *Printed identity.* Both carry a number with a serial ("15/KH-BCĐ", not "/UBND-KGVX") compared by
   ``number_key`` (case, accents and Đ/D folded, "-"/"/" alike). Equal numbers and no conflicting printed
   date: the same document. Different numbers: never the same document, whatever the content says (a
   revision restates most of its predecessor's tasks; only its number tells them apart).
2. *Content*, when either side has no usable number (a draft, a scan of annex pages, a letter whose serial
   is left blank): the tasks of the smaller side are paired with the other's (``models.diff.pair_tasks``,
   place and wording); at least ``CONTENT_SHARE`` (90 %) of them pairing, with at least
   ``MIN_CONTENT_TASKS`` tasks on the smaller side, makes it a rendition. Among several candidates the
   highest share wins, then the higher mean score. Only the ``CONTENT_CANDIDATES`` most recent logical
   documents are compared, so ingesting stays linear in the registry's size.

**The best rendition** (``rank``): Word, then a text layer, then mixed, then OCR; then more tasks (a full
file before a partial scan); a tie keeps the rendition already stored. Its tasks are stored, with a field
the best one lacks (lead, co, output, an unparsed deadline) taken from the paired task of another
rendition. Task ids derive from the logical id (``models.task.task_id_for``): the logical id is the first
rendition's doc id, so a document with one file keeps the ids it always had, and every rendition of a
document, re-ingested or not, gives its tasks the same ids.

**Versions** (``refresh_versions``): a later document is linked to an earlier one when it cites its number
(any rendition's reference), or when both have the same issuer and subject and it is dated later. An
earlier task that the later document restates (paired by ``diff_tasks``) is superseded
(``tasks.superseded_by`` = the later document's logical id); when the later document says "thay thế" in its
subject or citation, every task of the earlier one is. A task the later version dropped stays current
unless it says "thay thế": nothing is hidden on a guess. Tasks
with ``superseded_by`` NULL are current: ``store.registry.current_tasks_clause``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from models.diff import DiffSettings, normalise_doc_number, pair_tasks
from models.document import Document, DocumentMeta
from models.task import Task, task_id_for
from models.text import fold, strip_diacritics

CONTENT_SHARE = 0.9
MIN_CONTENT_TASKS = 3
CONTENT_CANDIDATES = 200
METHOD_RANK = {"docx": 3, "text": 2, "mixed": 1, "ocr": 0}
REPLACES = ("thay the",)  # folded without accents


def number_fold(number: str | None) -> str:
    """A printed number compared without case, accents, Đ/D or "-"/"/" ("21/kh-bcd" == "21/KH-BCĐ")."""
    return normalise_doc_number(strip_diacritics(number).upper()) if number else ""


def number_key(number: str | None) -> str:
    """``number_fold``, or "" when the serial is blank ("/UBND-KGVX" identifies no single document)."""
    key = number_fold(number)
    return "" if key.startswith("/") else key


def rank(method: str, task_count: int) -> tuple[int, int]:
    """Which rendition's tasks are stored: Word > text layer > mixed > OCR, then more tasks."""
    return METHOD_RANK.get(method, 0), task_count


def merged_meta(renditions: Sequence[Document]) -> DocumentMeta:
    """The best rendition's metadata, each missing field taken from the next rendition that has it."""
    best = renditions[0].meta
    if len(renditions) == 1:  # most documents: nothing to merge (and no number to fold, listing thousands)
        return best
    fill: dict[str, object] = {}
    if not number_key(best.number):  # a draft's "Số:    /KH-BCĐ": the issued file's number is the document's
        numbered = next((r.meta.number for r in renditions[1:] if number_key(r.meta.number)), None)
        if numbered:
            fill["number"] = numbered
    for name in ("doc_type", "number", "issue_date", "issue_month", "place", "issuer", "issuer_raw", "subject",
                 "signer", "signer_title"):  # fmt: skip
        if getattr(best, name) is None and name not in fill:
            for other in renditions[1:]:
                if (value := getattr(other.meta, name)) is not None:
                    fill[name] = value
                    break
    return best.model_copy(update=fill) if fill else best


def fill_missing(best: list[Task], other: list[Task]) -> list[Task]:
    """``best`` with a field it lacks (lead, co, output, deadline not understood) taken from the paired
    task of another rendition: OCR may lose a cell the Word file has, and the other way round."""
    if not best or not other:
        return best
    out = list(best)
    for j, i, _, _ in pair_tasks(other, best, DiffSettings(), by_key=True):
        t, o = out[i], other[j]
        update: dict[str, object] = {}
        if not t.lead and o.lead:
            update["lead"] = o.lead
        if not t.co and o.co:
            update["co"] = o.co
        if not t.output and o.output:
            update["output"] = o.output
        if t.deadline.kind in ("none", "unknown") and o.deadline.kind not in ("none", "unknown"):
            update["deadline"] = o.deadline
        if update:
            out[i] = t.model_copy(update=update)
    return out


def with_ids(found: Iterable[Task], logical_id: str, doc_id: str) -> list[Task]:
    """Tasks given the ids of the logical document (``task_id_for``) and the stored rendition's doc id.

    Tasks read from the file whose doc id is the logical id keep the ids the pipeline gave them (the same
    derivation), so a document with one file is stored exactly as parsed.
    """
    found = list(found)
    if all(t.doc_id == logical_id for t in found):
        return [t.model_copy(update={"doc_id": doc_id, "superseded_by": None}) for t in found]
    seen: Counter[tuple[str, str | None, str | None, str | None]] = Counter()
    out = []
    for t in sorted(found, key=lambda x: x.order):
        key = (t.source, t.annex, t.section, t.stt)
        occurrence = seen[key]
        seen[key] += 1
        out.append(t.model_copy(update={
            "task_id": task_id_for(logical_id, t.source, t.annex, t.section, t.stt, occurrence),
            "doc_id": doc_id, "superseded_by": None,
        }))  # fmt: skip
    return out


def content_share(a: list[Task], b: list[Task]) -> tuple[float, float]:
    """(share of the smaller side's tasks that pair, mean pairing score); (0, 0) below MIN_CONTENT_TASKS."""
    if min(len(a), len(b)) < MIN_CONTENT_TASKS:
        return 0.0, 0.0
    pairs = pair_tasks(a, b, DiffSettings(), by_key=True)
    if not pairs:
        return 0.0, 0.0
    return len(pairs) / min(len(a), len(b)), sum(p[3] for p in pairs) / len(pairs)


def same_by_identity(a: DocumentMeta, b: DocumentMeta) -> bool | None:
    """True/False when the printed numbers decide; None when content has to (one has no number)."""
    ka, kb = number_key(a.number), number_key(b.number)
    if not ka or not kb:
        return None
    if ka != kb:
        return False
    return not (a.issue_date and b.issue_date and a.issue_date != b.issue_date)


def says_replaces(doc: Document) -> bool:
    texts = [doc.meta.subject or "", *(r.raw for r in doc.meta.references)]
    return any(word in strip_diacritics(t) for t in texts for word in REPLACES)


def same_subject(a: DocumentMeta, b: DocumentMeta) -> bool:
    return bool(a.subject and a.issuer and fold(a.subject) == fold(b.subject) and fold(a.issuer) == fold(b.issuer))


def doc_date(meta: DocumentMeta) -> str:
    if meta.issue_date:
        return meta.issue_date.isoformat()
    return meta.issue_month or ""


