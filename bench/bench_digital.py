"""Pages per second of our digital path vs bare pdfplumber ``page.extract_tables()`` on the same PDF.

The issue's target: the whole digital read (``read_pdf`` + ``extract_table_tasks``) costs no more than a
bare ``extract_tables()`` pass, i.e. ratio ours/bare >= 1.0. Both run in this process on the same bytes,
interleaved, each repetition on a freshly opened PDF (pdfplumber caches layout per page object); the
median of the repetitions is reported.

Usage:
    .venv/bin/python bench/bench_digital.py [samples/kh15_plan.pdf] [--repeat 5]
"""

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

import pdfplumber

from models.settings import PdfSettings, TableSettings
from parsers.pdf_text import read_pdf
from parsers.tables import extract_table_tasks

ROOT = Path(__file__).resolve().parents[1]


def bare(data: bytes) -> tuple[int, int]:
    """pdfplumber alone: every page's ruled tables extracted, nothing else."""
    tables = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            tables += len(page.extract_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}))
        return len(pdf.pages), tables


def ours(data: bytes, name: str) -> tuple[int, int]:
    """Our digital path: pages -> blocks + grids -> tasks."""
    parsed = read_pdf(data, name, PdfSettings())
    tasks = extract_table_tasks(parsed, TableSettings())
    return len(parsed.pages), len(tasks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=ROOT / "samples" / "kh15_plan.pdf")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    data = args.pdf.read_bytes()
    ours(data, args.pdf.name)  # warm-up: imports, font caches
    bare(data)
    t_bare: list[float] = []
    t_ours: list[float] = []
    pages = tables = tasks = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        pages, tables = bare(data)
        t_bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        _, tasks = ours(data, args.pdf.name)
        t_ours.append(time.perf_counter() - start)
    bare_pps = pages / statistics.median(t_bare)
    ours_pps = pages / statistics.median(t_ours)
    print(
        f"file: {args.pdf.name}, {pages} pages, {tables} ruled tables, {tasks} table tasks, repeat {args.repeat}"
    )
    print(
        f"bare pdfplumber extract_tables : {bare_pps:6.2f} pages/s (median {statistics.median(t_bare):.3f} s)"
    )
    print(
        f"read_pdf + extract_table_tasks : {ours_pps:6.2f} pages/s (median {statistics.median(t_ours):.3f} s)"
    )
    print(f"ratio ours/bare (target >= 1.0): {ours_pps / bare_pps:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
