"""Accuracy of the whole pipeline on every sample that has an expected-results file.

Usage: .venv/bin/python bench/accuracy.py [--only NAME] [--mismatches N] [--json out/accuracy.json]

For each ``samples/expected/<name>.tasks.json`` the sample file it names, its Word twin and the scans of
it listed in ``samples/scans/manifest.json`` are parsed from scratch (``ingest.pipeline.parse_bytes``) and
scored: row recall/precision, exact match per field over the
matched rows, character error rate of the task text.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.evaluate import FIELDS, evaluate_file, sample_sets  # noqa: E402
from ingest.pipeline import parse_bytes  # noqa: E402
from models.settings import IngestSettings  # noqa: E402


def _print_totals(rows: list[dict]) -> None:
    """Digital (text layer, Word) and scanned samples pooled: rows and field hits weighted by task."""
    groups = {"digital": [r for r in rows if not r["scan"]], "scans": [r for r in rows if r["scan"]]}
    for name, group in groups.items():
        if not group:
            continue
        expected = sum(r["expected"] for r in group)
        found = sum(r["found"] for r in group)
        matched = sum(r["matched"] for r in group)
        chars = sum(r["chars"] for r in group)
        errors = sum(r["char_errors"] for r in group)
        fields = "  ".join(
            f"{f} {sum(r['fields'][f] * r['matched'] for r in group) / matched:.1%}" for f in FIELDS
        )
        print(
            f"TOTAL {name:8} rows {matched}/{expected} found {found}  recall {matched / expected:6.1%}"
            f"  precision {matched / found:6.1%}  text CER {errors / max(chars, 1):6.2%}\n    {fields}"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="substring of the expected file names to run")
    ap.add_argument("--mismatches", type=int, default=0, help="print up to N field mismatches per file")
    ap.add_argument("--json", type=Path, default=ROOT / "out" / "accuracy.json")
    args = ap.parse_args()

    settings = IngestSettings()
    rows = []
    for sample, expected_path, pages in sample_sets(ROOT / "samples"):
        if args.only and args.only not in str(sample.relative_to(ROOT / "samples")):
            continue
        start = time.perf_counter()
        result = evaluate_file(sample, expected_path, lambda d, n: parse_bytes(d, n, settings), pages)
        summary = result.summary() | {
            "seconds": round(time.perf_counter() - start, 2),
            "scan": pages is not None,
            "chars": result.chars,
            "char_errors": result.char_errors,
        }
        rows.append(summary)
        print(
            f"{sample.relative_to(ROOT / 'samples')!s:34} rows {result.matched}/{result.expected} found {result.found}"
            f"  recall {result.recall:6.1%}  precision {result.precision:6.1%}  text CER {result.cer:6.2%}"
        )
        print("    " + "  ".join(f"{f} {result.field_rate(f):.1%}" for f in FIELDS))
        for miss in result.misses[: args.mismatches]:
            print(f"    MISSED {miss}")
        for m in result.mismatches[: args.mismatches]:
            print(f"    {m['key']} {m['field']}: expected {m['expected']!r}\n{'':8}got      {m['got']!r}")
    _print_totals(rows)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
