"""Pages per second of our digital path vs bare pdfplumber ``page.extract_tables()`` on the same PDF.

The issue's target: the whole digital ingest costs no more than a bare ``extract_tables()`` pass, i.e.
ratio ours/bare >= 1.0. Two of ours are timed: the table path alone (``read_pdf`` + ``extract_table_tasks``)
and the full ingest (``parse_bytes``: read, text-layer check, metadata, tables, prose, agencies, deadlines,
task ids, then the registry transaction into a fresh SQLite file). Both run in this process on the same bytes,
interleaved, each repetition on a freshly opened PDF (pdfplumber caches layout per page object); the
median of the repetitions is reported.

Usage:
    .venv/bin/python bench/bench_digital.py [samples/kh15_plan.pdf] [--repeat 5]
"""

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

from ingest.pipeline import parse_bytes
from ingest.resources import load_gazetteer
from models.settings import IngestSettings, PdfSettings, TableSettings
from parsers.extractors.tables import extract_table_tasks
from parsers.readers.pdf_text import read_pdf
from store.registry import Registry

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


def full(data: bytes, name: str) -> tuple[int, int]:
    """The whole ingest of one file, registry write included."""
    parsed = parse_bytes(data, name, IngestSettings(), load_gazetteer())
    with tempfile.TemporaryDirectory() as tmp, Registry(Path(tmp) / "bench.sqlite") as reg:
        reg.save_document(parsed.document, parsed.tasks)
    return parsed.document.pages, len(parsed.tasks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=ROOT / "samples" / "kh15_plan.pdf")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    data = args.pdf.read_bytes()
    ours(data, args.pdf.name)  # warm-up: imports, font caches, the gazetteer's matchers
    full(data, args.pdf.name)
    bare(data)
    t_bare: list[float] = []
    t_ours: list[float] = []
    t_full: list[float] = []
    pages = tables = tasks = all_tasks = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        pages, tables = bare(data)
        t_bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        _, tasks = ours(data, args.pdf.name)
        t_ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        _, all_tasks = full(data, args.pdf.name)
        t_full.append(time.perf_counter() - start)
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
    full_pps = pages / statistics.median(t_full)
    print(
        f"full ingest ({all_tasks} tasks)    : {full_pps:6.2f} pages/s (median {statistics.median(t_full):.3f} s)"
    )
    print(f"ratio table path/bare  : {ours_pps / bare_pps:.2f}")
    print(f"ratio full ingest/bare (target >= 1.0): {full_pps / bare_pps:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
