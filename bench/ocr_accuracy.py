"""Accuracy of the OCR path on the scanned samples, and of an img2table + tesseract baseline.

``measure_scan(pdf_path, expected_json_path) -> dict`` OCRs every page of a scan (``parsers.readers.ocr``), hands
the result to the same extractors as the text layer (``parsers.extractors.tables.extract_table_tasks``, and
``parsers.extractors.directives.extract_prose_tasks`` for letters) and scores the tasks against the expected file,
restricted to the source pages the scan holds (``samples/scans/manifest.json``).
``measure_baseline(pdf_path, expected_json_path)`` does the same with img2table's tables (img2table
renders, finds the grid and runs tesseract itself); its grids go through the same ``extract_table_tasks``,
so the comparison is about reading the scan, not about row logic.

Figures: rows matched / expected (row recall), found (precision), task-text CER (Levenshtein / length
over matched rows), exact task texts, exact lead-agency cell text, exact deadline text, exact STT.

Usage: ``.venv/bin/python bench/ocr_accuracy.py [--baseline] [--lang vie|Vietnamese] [--only NAME]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # before img2table starts any tesseract

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402
from rapidfuzz.fuzz import ratio  # noqa: E402

from models.page import PageText, ParsedFile, TableGrid  # noqa: E402
from models.settings import OcrSettings, TableSettings  # noqa: E402
from models.task import RawTask  # noqa: E402
from parsers.extractors.tables import extract_table_tasks  # noqa: E402
from parsers.normalisers.text import clean_cell, collapse_ws, nfc  # noqa: E402
from parsers.readers.ocr import ocr_pdf_pages  # noqa: E402

SCANS = ROOT / "samples" / "scans"


def _norm(s: str | None) -> str:
    return collapse_ws(nfc(s or ""))


def _manifest_pages(pdf_path: Path) -> list[int] | None:
    manifest = pdf_path.parent / "manifest.json"
    if not manifest.exists():
        return None
    entry = json.loads(manifest.read_text(encoding="utf-8")).get(pdf_path.name)
    return entry["pages"] if entry else None


def expected_tasks(pdf_path: Path, expected_json_path: Path) -> list[dict[str, Any]]:
    """Expected tasks whose pages all lie in the source pages this scan holds."""
    tasks = json.loads(expected_json_path.read_text(encoding="utf-8"))["tasks"]
    pages = _manifest_pages(pdf_path)
    if pages is None:
        return tasks
    return [t for t in tasks if set(t["pages"]) <= set(pages)]


def _found_record(t: RawTask) -> dict[str, Any]:
    return {"source": t.source, "annex": t.annex, "stt": t.stt, "text": t.text, "lead_raw": t.lead_raw,
            "deadline_raw": t.deadline_raw}  # fmt: skip


def score(expected: list[dict[str, Any]], found: list[RawTask]) -> dict[str, Any]:
    """Pair expected and found tasks (same annex and STT and similar text, else best similar text)."""
    recs = [_found_record(t) for t in found]
    used: set[int] = set()
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for want_key in (True, False):
        for e in expected:
            if any(e is p[0] for p in pairs):
                continue
            best, best_score = None, 60.0
            for j, f in enumerate(recs):
                if j in used or f["source"] != e["source"]:
                    continue
                if want_key and (f["annex"] != e["annex"] or f["stt"] != e["stt"]):
                    continue
                s = ratio(_norm(e["text"]), _norm(f["text"]))
                if s > best_score:
                    best, best_score = j, s
            if best is not None:
                used.add(best)
                pairs.append((e, recs[best]))
    n = len(expected)
    errors = sum(Levenshtein.distance(_norm(e["text"]), _norm(f["text"])) for e, f in pairs)
    chars = sum(len(_norm(e["text"])) for e, _ in pairs)

    def rate(field: str, exp_get: Any) -> float:
        return (
            round(sum(_norm(exp_get(e)) == _norm(f[field]) for e, f in pairs) / len(pairs), 4)
            if pairs
            else 0.0
        )

    return {
        "expected": n,
        "found": len(found),
        "matched": len(pairs),
        "row_recall": round(len(pairs) / n, 4) if n else 1.0,
        "row_precision": round(len(pairs) / len(found), 4) if found else 1.0,
        "text_cer": round(errors / chars, 4) if chars else 0.0,
        "text_exact": sum(_norm(e["text"]) == _norm(f["text"]) for e, f in pairs),
        "lead_raw_exact": rate("lead_raw", lambda e: e.get("lead_raw")),
        "deadline_raw_exact": rate("deadline_raw", lambda e: (e.get("deadline") or {}).get("raw")),
        "stt_exact": rate("stt", lambda e: e.get("stt")),
        "misses": [
            f"{e['annex']} {e['stt']} {e['text'][:50]}" for e in expected if not any(e is p[0] for p in pairs)
        ],
    }


def _tasks(parsed: ParsedFile, prose: bool) -> list[RawTask]:
    if prose:
        from parsers.extractors.directives import extract_prose_tasks

        return extract_prose_tasks(parsed)
    return extract_table_tasks(parsed, TableSettings())


def _page_count(data: bytes) -> int:
    import io

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def measure_scan(
    pdf_path: Path | str, expected_json_path: Path | str, settings: OcrSettings | None = None
) -> dict:
    """OCR a scanned sample with ``parsers.readers.ocr`` and score its tasks against the expected file."""
    pdf_path, expected_json_path = Path(pdf_path), Path(expected_json_path)
    expected = expected_tasks(pdf_path, expected_json_path)
    prose = all(t["source"] == "prose" for t in expected)
    data = pdf_path.read_bytes()
    n_pages = _page_count(data)
    start = time.perf_counter()
    pages = ocr_pdf_pages(data, list(range(1, n_pages + 1)), OcrSettings.resolve(settings))
    seconds = time.perf_counter() - start
    parsed = ParsedFile(source_sha256=hashlib.sha256(data).hexdigest(), file_name=pdf_path.name, pages=pages)
    found = [t for t in _tasks(parsed, prose) if t.source == ("prose" if prose else "table")]
    result = score([t for t in expected if t["source"] == ("prose" if prose else "table")], found)
    return {"file": pdf_path.name, "method": "theodoi-ocr", "pages": n_pages,
            "seconds_per_page": round(seconds / n_pages, 2), **result}  # fmt: skip


def img2table_grids(data: bytes, lang: str = "vie") -> list[PageText]:
    """img2table + tesseract on an image-only PDF: its bordered tables as ``TableGrid`` pages."""
    from img2table.document import PDF
    from img2table.ocr import TesseractOCR

    doc = PDF(
        src=data, detect_rotation=True, pdf_text_extraction=False
    )  # its own deskew, else it finds no table
    tables = doc.extract_tables(
        ocr=TesseractOCR(n_threads=1, lang=lang), implicit_rows=False, borderless_tables=False
    )
    pages = []
    for idx, page_tables in sorted(tables.items()):
        grids = []
        for tab in page_tables:
            rows = [
                [clean_cell(v) if isinstance(v, str) else None for v in row]
                for row in tab.df.fillna("").values
            ]
            if not rows:
                continue
            b = tab.bbox
            grids.append(TableGrid(page=idx + 1, bbox=(b.x1, b.y1, b.x2, b.y2), rows=rows,
                                   row_tops=[float(b.y1 + i) for i in range(len(rows))], method="ocr"))  # fmt: skip
        pages.append(PageText(page=idx + 1, width=842, height=595, method="ocr", tables=grids))
    return pages


def measure_baseline(pdf_path: Path | str, expected_json_path: Path | str, lang: str = "vie") -> dict:
    """The same scoring with img2table's grids instead of ours (the baseline to beat)."""
    pdf_path, expected_json_path = Path(pdf_path), Path(expected_json_path)
    expected = [t for t in expected_tasks(pdf_path, expected_json_path) if t["source"] == "table"]
    data = pdf_path.read_bytes()
    start = time.perf_counter()
    pages = img2table_grids(data, lang)
    seconds = time.perf_counter() - start
    parsed = ParsedFile(source_sha256=hashlib.sha256(data).hexdigest(), file_name=pdf_path.name, pages=pages)
    found = [t for t in extract_table_tasks(parsed, TableSettings()) if t.source == "table"]
    return {"file": pdf_path.name, "method": "img2table", "pages": len(pages),
            "seconds_per_page": round(seconds / max(1, len(pages)), 2), **score(expected, found)}  # fmt: skip


def _line(r: dict) -> str:
    return (
        f"{r['file']:28} {r['method']:11} rows {r['matched']:3}/{r['expected']:<3} found {r['found']:3} "
        f"recall {r['row_recall']:6.1%} CER {r['text_cer']:6.2%} exact-text {r['text_exact']:3} "
        f"lead {r['lead_raw_exact']:6.1%} deadline {r['deadline_raw_exact']:6.1%} stt {r['stt_exact']:6.1%} "
        f"{r['seconds_per_page']:5.1f}s/p"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", action="store_true", help="also run img2table + tesseract")
    ap.add_argument(
        "--lang", default="vie", help="tesseract model: vie (Debian) or Vietnamese (script model)"
    )
    ap.add_argument("--only", help="substring of the scan file names to run")
    ap.add_argument("--misses", type=int, default=0, help="print up to N missed rows per file")
    ap.add_argument("--json", type=Path, help="write all results here")
    args = ap.parse_args(argv)
    manifest = json.loads((SCANS / "manifest.json").read_text(encoding="utf-8"))
    results = []
    for name, entry in manifest.items():
        if args.only and args.only not in name:
            continue
        pdf, expected = SCANS / name, ROOT / "samples" / entry["expected"]
        runs = [measure_scan(pdf, expected, OcrSettings(lang=args.lang))]
        if args.baseline and "kh15" in name:
            runs.append(measure_baseline(pdf, expected, args.lang))
        for r in runs:
            print(_line(r), flush=True)
            for m in r["misses"][: args.misses]:
                print(f"    MISSED {m}")
        results.extend(runs)
    for method in sorted({r["method"] for r in results}):
        rs = [r for r in results if r["method"] == method and r["expected"]]
        exp, mat = sum(r["expected"] for r in rs), sum(r["matched"] for r in rs)
        cer = sum(r["text_cer"] * r["matched"] for r in rs) / max(1, mat)
        print(f"TOTAL {method:11} rows {mat}/{exp} ({mat / max(1, exp):.1%}), exact texts "
              f"{sum(r['text_exact'] for r in rs)}, CER ~{cer:.2%} (row-weighted)")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
