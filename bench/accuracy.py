"""Accuracy of the whole pipeline on every sample that has an expected-results file.

Usage: .venv/bin/python bench/accuracy.py [--only NAME] [--mismatches N] [--json out/accuracy.json]

For each ``samples/expected/<name>.tasks.json`` the sample file it names is parsed from scratch
(``ingest.pipeline.parse_bytes``) and scored: row recall/precision, exact match per field over the
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

from ingest.evaluate import FIELDS, evaluate_file, load_expected  # noqa: E402
from ingest.pipeline import parse_bytes  # noqa: E402
from models.settings import IngestSettings  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="substring of the expected file names to run")
    ap.add_argument("--mismatches", type=int, default=0, help="print up to N field mismatches per file")
    ap.add_argument("--json", type=Path, default=ROOT / "out" / "accuracy.json")
    args = ap.parse_args()

    settings = IngestSettings()
    rows = []
    for expected_path in sorted((ROOT / "samples" / "expected").glob("*.tasks.json")):
        if args.only and args.only not in expected_path.name:
            continue
        sample = ROOT / "samples" / load_expected(expected_path)["file"]
        start = time.perf_counter()
        result = evaluate_file(sample, expected_path, lambda d, n: parse_bytes(d, n, settings))
        summary = result.summary() | {"seconds": round(time.perf_counter() - start, 2)}
        rows.append(summary)
        print(
            f"{summary['file']:32} rows {result.matched}/{result.expected} found {result.found}"
            f"  recall {result.recall:6.1%}  precision {result.precision:6.1%}  text CER {result.cer:6.2%}"
        )
        print("    " + "  ".join(f"{f} {result.field_rate(f):.1%}" for f in FIELDS))
        for miss in result.misses[: args.mismatches]:
            print(f"    MISSED {miss}")
        for m in result.mismatches[: args.mismatches]:
            print(f"    {m['key']} {m['field']}: expected {m['expected']!r}\n{'':8}got      {m['got']!r}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
