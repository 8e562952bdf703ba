"""Score the pipeline on the real documents of ``../shared/real`` against ``samples/expected/real/``.

Usage::

    .venv/bin/python bench/real.py                 # every document with an expected file, table + pooled
    .venv/bin/python bench/real.py 31 41 --show 5  # only these (file-name prefixes), 5 mismatches each
    .venv/bin/python bench/real.py --json out/real-score.json
    .venv/bin/python bench/real.py --by-family     # + pooled per family of FORMATS.md, and over scans

The expected tasks were written by reading each document (``samples/expected/real/README.md``), never
from theodoi's output. Tasks are paired by text: the expected text is the printed beginning of the task,
so each expected/found pair gets the best of a prefix ratio and a partial ratio over folded text, and one
assignment (``linear_sum_assignment``) maximises the total; pairs below ``MIN_PAIR`` are no pair.

Fields, over paired tasks:
- lead/co exact: the sets of agency keys are equal. A key is the gazetteer's canonical name when the name
  resolves, else the folded name with dashes unified; expected names go through the same normaliser
  (``split_agencies``), so spelling and grouping conventions do not count, only bodies do;
- deadline exact: the same ``due`` date and both with or both without a deadline phrase;
- status exact (tracking reports).
An **invented agency** is a found lead/co of a paired task that the expected task does not name and that
the gazetteer does not know (kind ``unknown``): a phrase turned into a body.

Page reading (OCR) is cached under ``out/real-cache/`` by file hash and reader version (``--no-cache`` to
read again), so re-scoring after an extractor change takes seconds. Output is figures and short excerpts
on the terminal only: the real documents carry names, so nothing derived from them is committed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.detect import sniff  # noqa: E402
from ingest.pipeline import extract_document, read_document, sha256_hex  # noqa: E402
from ingest.resources import load_gazetteer  # noqa: E402
from models.errors import NoTasksFound  # noqa: E402
from models.page import ParsedFile  # noqa: E402
from models.settings import IngestSettings  # noqa: E402
from parsers.normalisers.agency import Gazetteer, split_agencies  # noqa: E402
from parsers.normalisers.text import collapse_ws, fold, nfc  # noqa: E402
from parsers.readers import ocr  # noqa: E402

EXPECTED_DIR = ROOT / "samples" / "expected" / "real"
CACHE_DIR = ROOT / "out" / "real-cache"
MIN_PAIR = 70.0
# How far into the expected text (characters) a partial match may start: OCR noise or a marker it kept.
START_SLACK = 12
_DASHES = re.compile(r"\s*[-–—‐‑−]\s*")


# The family of FORMATS.md each document mostly writes its tasks in (by file-name prefix; a document mixes
# families, so this is its main one). "Scans" is not a family of writing: ``--by-family`` adds a line for
# every document read by OCR, whatever its family.
FAMILIES = {
    "agency as subject, 'giao X'": ("01", "14", "23", "41", "44", "45", "47", "55"),
    "lead-in over a list": ("21", "42", "43", "50", "51"),
    "agency headings + bullets": ("07", "31", "32", "37", "38", "39", "46", "54", "57"),
    "labelled fields": ("08", "40", "48"),
    "tables": ("06", "12", "49", "52", "53"),
    "tracking reports": ("35", "36"),
    "no task (decoys, proposals, requests)": ("18", "30", "33", "34", "56"),
}


def family_of(name: str) -> str:
    return next((f for f, prefixes in FAMILIES.items() if name[:2] in prefixes), "other")


def shared_real() -> Path:
    import os

    return Path(os.environ.get("THEODOI_SHARED", ROOT.parent / "shared")) / "real"


def _norm_text(s: str | None) -> str:
    return fold(collapse_ws(nfc(s or ""))).strip(" .;:-–")


def text_similarity(expected: str, found: str) -> float:
    """How well a found task's text starts like (or contains the start of) the expected text, 0..100."""
    e, f = _norm_text(expected), _norm_text(found)
    if not e or not f:
        return 0.0
    prefix = fuzz.ratio(e, f[: len(e)])
    if len(f) < 20:
        return prefix
    # the expected text is the task's beginning: a found text that only matches further into it (a
    # short row title echoed inside a longer sentence) is another task
    partial = fuzz.partial_ratio_alignment(e, f[: len(e) + 120])
    return max(prefix, partial.score if partial.src_start <= START_SLACK else 0.0)


def agency_key(name: str, gazetteer: Gazetteer) -> str:
    ref = gazetteer.lookup(name)
    canonical = ref.name if ref is not None else name
    return _DASHES.sub(" - ", fold(collapse_ws(nfc(canonical)))).strip(" .,;:")


def expected_keys(names: list[str], gazetteer: Gazetteer) -> set[str]:
    """Keys of the expected bodies, each name read by the same normaliser as the found ones.

    An expected group written as the document prints it ("Các sở, ban, ngành, địa phương") and the
    normaliser's split of it ("Các sở, ban, ngành" + "Các địa phương") are the same bodies; only a name
    the normaliser cannot read at all is compared as written.
    """
    keys: set[str] = set()
    for name in names:
        refs = split_agencies(name, gazetteer)
        if refs and all(r.kind != "unknown" for r in refs):
            keys |= {agency_key(r.name, gazetteer) for r in refs}
        else:
            keys.add(agency_key(name, gazetteer))
    return keys


def _deadline_key(due: str | None, raw: str | None) -> tuple[str | None, bool]:
    return (due, bool(raw))


@dataclass
class DocScore:
    name: str
    expected: int
    found: int
    matched: int = 0
    hits: dict[str, int] = field(default_factory=lambda: {"lead": 0, "co": 0, "deadline": 0, "status": 0})
    invented: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    scanned: bool = False

    def rate(self, key: str) -> float | None:
        return self.hits[key] / self.matched if self.matched else None


def read_cached(path: Path, settings: IngestSettings, use_cache: bool) -> tuple[ParsedFile, str]:
    """Pages of one file; OCR'd files are cached by hash and OCR version (text layers are cheap to re-read)."""
    data = path.read_bytes()
    doc_id = sha256_hex(data)
    version = f"{ocr.VERSION}|{settings.ocr.lang}|{settings.ocr.dpi}"
    key = hashlib.sha256(f"{doc_id}|{version}".encode()).hexdigest()[:24]
    cached = CACHE_DIR / f"{key}.json"
    if use_cache and cached.exists():
        return ParsedFile.model_validate_json(cached.read_text(encoding="utf-8")), doc_id
    parsed = read_document(data, path.name, sniff(data, path.name), settings)
    if use_cache and any(p.method == "ocr" for p in parsed.pages):
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        cached.write_text(parsed.model_dump_json(), encoding="utf-8")
    return parsed, doc_id


def is_scan(path: Path, settings: IngestSettings) -> bool:
    """Whether any page of the file is read by OCR (from the cache when it was read before)."""
    parsed, _ = read_cached(path, settings, use_cache=True)
    return any(p.method == "ocr" for p in parsed.pages)


def found_records(path: Path, settings: IngestSettings, gazetteer: Gazetteer, use_cache: bool) -> list[dict[str, Any]]:
    parsed, doc_id = read_cached(path, settings, use_cache)
    try:
        result = extract_document(parsed, doc_id, path.name, settings, gazetteer)
    except NoTasksFound:
        return []
    out = []
    for t in result.tasks:
        out.append(
            {
                "text": t.text,
                "stt": t.stt,
                "lead": [(a.name, a.kind) for a in t.lead],
                "co": [(a.name, a.kind) for a in t.co],
                "deadline_raw": t.deadline.raw,
                "due": t.deadline.due.isoformat() if t.deadline.due else None,
                "status": t.status,
            }
        )
    return out


def score_document(expected: dict[str, Any], found: list[dict[str, Any]], gazetteer: Gazetteer) -> DocScore:
    exp_tasks = expected["tasks"]
    score = DocScore(name=expected["file"], expected=len(exp_tasks), found=len(found))
    pairs: list[tuple[int, int]] = []
    if exp_tasks and found:
        sim = np.array([[text_similarity(e["text"], f["text"]) for f in found] for e in exp_tasks])
        rows, cols = linear_sum_assignment(-sim)
        pairs = [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if sim[r, c] >= MIN_PAIR]
    paired_e = {r for r, _ in pairs}
    paired_f = {c for _, c in pairs}
    score.matched = len(pairs)
    score.misses = [exp_tasks[i]["text"][:70] for i in range(len(exp_tasks)) if i not in paired_e]
    score.extras = [found[j]["text"][:70] for j in range(len(found)) if j not in paired_f]
    for r, c in pairs:
        e, f = exp_tasks[r], found[c]
        exp_lead = expected_keys(e.get("lead") or [], gazetteer)
        exp_co = expected_keys(e.get("co") or [], gazetteer)
        got_lead = {agency_key(n, gazetteer) for n, _ in f["lead"]}
        got_co = {agency_key(n, gazetteer) for n, _ in f["co"]}
        checks = {
            "lead": exp_lead == got_lead,
            "co": exp_co == got_co,
            "deadline": _deadline_key(e.get("due"), e.get("deadline_raw")) == _deadline_key(f["due"], f["deadline_raw"]),
            "status": _norm_text(e.get("status")) == _norm_text(f.get("status")),
        }
        for key, ok in checks.items():
            score.hits[key] += ok
        named = exp_lead | exp_co
        for n, kind in f["lead"] + f["co"]:
            if kind == "unknown" and agency_key(n, gazetteer) not in named:
                score.invented.append(n)
        bad = [k for k, ok in checks.items() if not ok]
        if bad:
            detail = []
            if "lead" in bad:
                detail.append(f"lead {sorted(exp_lead)} ≠ {sorted(got_lead)}")
            if "co" in bad:
                detail.append(f"co {sorted(exp_co)} ≠ {sorted(got_co)}")
            if "deadline" in bad:
                detail.append(f"deadline {e.get('deadline_raw')!r}/{e.get('due')} ≠ {f['deadline_raw']!r}/{f['due']}")
            if "status" in bad:
                detail.append(f"status {e.get('status')!r} ≠ {f.get('status')!r}")
            score.mismatches.append(f"{e['text'][:50]!r}: " + "; ".join(detail))
    return score


def pooled(scores: list[DocScore]) -> tuple[int, int, int, dict[str, int], int]:
    """Expected, found and matched tasks, field hits and invented agencies over ``scores``."""
    hits = {k: sum(s.hits[k] for s in scores) for k in ("lead", "co", "deadline", "status")}
    return (
        sum(s.expected for s in scores),
        sum(s.found for s in scores),
        sum(s.matched for s in scores),
        hits,
        sum(len(s.invented) for s in scores),
    )


def _pooled_line(label: str, scores: list[DocScore]) -> str:
    exp, fnd, mat, hits, invented = pooled(scores)
    return (
        f"{label[:44]:44} {exp:>4} {fnd:>5} {mat:>5} {_pct(mat, exp):>7} {_pct(mat, fnd):>7} "
        f"{_pct(hits['lead'], mat):>7} {_pct(hits['co'], mat):>7} {_pct(hits['deadline'], mat):>7} {invented:>4}"
    )


def _pct(num: int, den: int) -> str:
    return f"{100 * num / den:.1f}%" if den else "—"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="file-name prefixes to score (default: all)")
    parser.add_argument("--show", type=int, default=0, help="print this many misses/extras/mismatches per file")
    parser.add_argument("--no-cache", action="store_true", help="read (OCR) every file again")
    parser.add_argument("--json", type=Path, help="write the figures (no document text) to this file")
    parser.add_argument("--by-family", action="store_true", help="also pool the figures per family of FORMATS.md")
    args = parser.parse_args(argv)

    real = shared_real()
    if not real.is_dir():
        print(f"bench/real.py: {real} is absent (the real documents live in ../shared/real)", file=sys.stderr)
        return 2
    settings = IngestSettings()
    gazetteer = load_gazetteer(settings.gazetteer_paths, settings.agency)
    scores: list[DocScore] = []
    for exp_path in sorted(EXPECTED_DIR.glob("*.json")):
        expected = json.loads(exp_path.read_text(encoding="utf-8"))
        if args.only and not any(expected["file"].startswith(p) for p in args.only):
            continue
        t0 = time.perf_counter()
        doc = real / expected["file"]
        try:
            found = found_records(doc, settings, gazetteer, not args.no_cache)
            score = score_document(expected, found, gazetteer)
            score.scanned = is_scan(doc, settings)
        except Exception as e:  # a bench reports a crash per document and goes on
            score = DocScore(name=expected["file"], expected=len(expected["tasks"]), found=0, error=repr(e)[:200])
        score.seconds = time.perf_counter() - t0
        scores.append(score)

    head = f"{'document':44} {'exp':>4} {'found':>5} {'match':>5} {'recall':>7} {'prec':>7} {'lead':>7} {'co':>7} {'deadl':>7} {'inv':>4}"
    print(head)
    print("-" * len(head))
    for s in scores:
        print(
            f"{s.name[:44]:44} {s.expected:>4} {s.found:>5} {s.matched:>5} {_pct(s.matched, s.expected):>7} "
            f"{_pct(s.matched, s.found):>7} {_pct(s.hits['lead'], s.matched):>7} {_pct(s.hits['co'], s.matched):>7} "
            f"{_pct(s.hits['deadline'], s.matched):>7} {len(s.invented):>4}" + (f"  ERROR {s.error}" if s.error else "")
        )
        if args.show:
            for m in s.misses[: args.show]:
                print(f"      miss  {m!r}")
            for x in s.extras[: args.show]:
                print(f"      extra {x!r}")
            for m in s.mismatches[: args.show]:
                print(f"      diff  {m}")
            for inv in s.invented[: args.show]:
                print(f"      invented {inv!r}")
    exp, fnd, mat, hits, invented = pooled(scores)
    print("-" * len(head))
    print(_pooled_line(f"pooled ({len(scores)} documents)", scores))
    if args.by_family:
        print("-" * len(head))
        for family in [*FAMILIES, "other"]:
            members = [s for s in scores if family_of(s.name) == family]
            if members:
                print(_pooled_line(f"{family} ({len(members)})", members))
        scans = [s for s in scores if s.scanned]
        print(_pooled_line(f"scans, any family ({len(scans)})", scans))
    no_task_docs = [s for s in scores if s.expected == 0]
    print(f"documents with no task: {len(no_task_docs)}, of which given tasks: {sum(1 for s in no_task_docs if s.found)}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "pooled": {"expected": exp, "found": fnd, "matched": mat, **hits, "invented": invented},
                    "documents": [
                        {"file": s.name, "expected": s.expected, "found": s.found, "matched": s.matched,
                         **s.hits, "invented": len(s.invented), "error": s.error}
                        for s in scores
                    ],
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
