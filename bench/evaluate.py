"""Accuracy against expected results: row recall/precision and per-field exact match, plus text CER.

Expected files are ``samples/expected/<name>.tasks.json`` (see samples/README.md), written from the seeds by
hand-checked rules, never from the parsers' output. Tasks are paired by their place (source, annex, section,
STT, occurrence); tasks the parser misplaced are then paired by text similarity so that one wrong section
number costs a field, not a row.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from parsers.normalisers.text import collapse_ws, nfc
from store.export import task_record

FIELDS = ["text", "stt", "section", "section_title", "annex", "lead", "co", "output", "deadline_raw", "deadline"]
_MIN_TEXT_SIMILARITY = 60.0


def _key(rec: dict[str, Any]) -> tuple[Any, ...]:
    return (rec["source"], rec.get("annex"), rec.get("section"), rec.get("stt"))


def _value(rec: dict[str, Any], name: str) -> Any:
    norm = lambda s: collapse_ws(nfc(s)) if isinstance(s, str) else s  # noqa: E731
    if name in ("lead", "co"):
        return sorted(a["name"] for a in rec.get(name) or [])
    if name == "deadline_raw":
        return norm((rec.get("deadline") or {}).get("raw"))
    if name == "deadline":
        d = rec.get("deadline") or {}
        return (d.get("kind") or "none", d.get("due"), d.get("recurrence"))
    return norm(rec.get(name))


@dataclass
class FileScore:
    file: str
    expected: int
    found: int
    matched: int
    field_hits: Counter[str] = field(default_factory=Counter)
    char_errors: int = 0
    chars: int = 0
    misses: list[str] = field(default_factory=list)
    mismatches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def cer(self) -> float:
        return self.char_errors / self.chars if self.chars else 0.0

    def field_rate(self, name: str) -> float:
        return self.field_hits[name] / self.matched if self.matched else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "expected": self.expected,
            "found": self.found,
            "matched": self.matched,
            "row_recall": round(self.recall, 4),
            "row_precision": round(self.precision, 4),
            "text_cer": round(self.cer, 4),
            "fields": {f: round(self.field_rate(f), 4) for f in FIELDS},
        }


def _pair(expected: list[dict[str, Any]], found: list[dict[str, Any]]) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    by_key: dict[tuple[Any, ...], list[int]] = {}
    for j, rec in enumerate(found):
        by_key.setdefault(_key(rec), []).append(j)
    used: set[int] = set()
    left = []
    for i, rec in enumerate(expected):
        candidates = [j for j in by_key.get(_key(rec), []) if j not in used]
        if candidates:
            pairs.append((i, candidates[0]))
            used.add(candidates[0])
        else:
            left.append(i)
    for i in left:  # misplaced tasks: best remaining text match
        best, best_score = None, _MIN_TEXT_SIMILARITY
        for j, rec in enumerate(found):
            if j in used or rec["source"] != expected[i]["source"]:
                continue
            score = ratio(expected[i]["text"], rec["text"])
            if score > best_score:
                best, best_score = j, score
        if best is not None:
            pairs.append((i, best))
            used.add(best)
    return pairs


def score(expected: list[dict[str, Any]], found: list[dict[str, Any]], file: str) -> FileScore:
    pairs = _pair(expected, found)
    result = FileScore(file=file, expected=len(expected), found=len(found), matched=len(pairs))
    paired = {i for i, _ in pairs}
    result.misses = [f"{_key(e)} {e['text'][:60]}" for i, e in enumerate(expected) if i not in paired]
    for i, j in pairs:
        exp, got = expected[i], found[j]
        for name in FIELDS:
            if _value(exp, name) == _value(got, name):
                result.field_hits[name] += 1
            elif len(result.mismatches) < 400:
                result.mismatches.append(
                    {"key": list(_key(exp)), "field": name, "expected": _value(exp, name), "got": _value(got, name)}
                )
        result.char_errors += Levenshtein.distance(_value(exp, "text"), _value(got, "text"))
        result.chars += len(_value(exp, "text"))
    return result


def load_expected(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def evaluate_file(
    sample: Path, expected_path: Path, parse: Any, source_pages: list[int] | None = None
) -> FileScore:
    """Parse ``sample`` with ``parse(data, name) -> ParsedDocument`` and score it against the expected file.

    ``source_pages``: for a scan of part of a sample (samples/scans/manifest.json), the pages of the
    original it holds; only the expected tasks printed wholly on those pages are expected from it.
    """
    expected = load_expected(expected_path)["tasks"]
    if source_pages is not None:
        expected = [t for t in expected if t.get("pages") and set(t["pages"]) <= set(source_pages)]
    parsed = parse(sample.read_bytes(), sample.name)
    found = [task_record(t, parsed.document) for t in parsed.tasks]
    return score(expected, found, sample.name)


def sample_sets(samples: Path) -> list[tuple[Path, Path, list[int] | None]]:
    """Every (sample file, expected file, source pages) pair: each expected file's PDF and its Word twin,
    then the scans listed in samples/scans/manifest.json."""
    sets: list[tuple[Path, Path, list[int] | None]] = []
    for expected_path in sorted((samples / "expected").glob("*.tasks.json")):
        pdf = samples / load_expected(expected_path)["file"]
        sets += [(f, expected_path, None) for f in (pdf, pdf.with_suffix(".docx")) if f.exists()]
    manifest = samples / "scans" / "manifest.json"
    if manifest.exists():
        for name, entry in json.loads(manifest.read_text(encoding="utf-8")).items():
            sets.append((manifest.parent / name, samples / entry["expected"], list(entry["pages"])))
    return sets
