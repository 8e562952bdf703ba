"""Speed of the OCR path: seconds per scanned page, against bare tesseract on the same page images.

For each page of the chosen scans, in the same run and interleaved (so machine load hits both alike):
  bare   ``OMP_THREAD_LIMIT=1 tesseract page.png - -l vie`` on the page rendered at 300 dpi (PNG file)
  image  ``parsers.readers.ocr.ocr_page_image`` on the same pixels (prepare, tables, one TSV pass, cells)
  pdf    ``parsers.readers.ocr.ocr_pdf_pages`` on the scan, one page, workers=1 (adds pdftoppm rendering)
Wall time and CPU time (this process + children) are both reported: the machine is shared, CPU time is
the steadier figure. Then the whole scan with ``workers`` = 1 and 2 (pages in parallel).

Usage: ``.venv/bin/python bench/bench_ocr.py [--repeat 2] [--files kh15_p19_300dpi.pdf,...]``
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402

from external.poppler import render_pdf_page  # noqa: E402
from models.settings import OcrSettings  # noqa: E402
from parsers.readers.ocr import ocr_page_image, ocr_pdf_pages  # noqa: E402

SCANS = ROOT / "samples" / "scans"
DEFAULT = "kh15_p19_300dpi.pdf,kh15_p20-23_300dpi.pdf,cv_kgvx_letter_p1-3_300dpi.pdf"
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _cpu() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def timed(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    w, c = time.perf_counter(), _cpu()
    fn()
    return time.perf_counter() - w, _cpu() - c


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", default=DEFAULT, help="comma-separated scans in samples/scans")
    ap.add_argument("--repeat", type=int, default=1, help="runs per page and method (medians are reported)")
    ap.add_argument("--max-pages", type=int, default=3, help="pages per file")
    args = ap.parse_args(argv)
    settings = OcrSettings(workers=1, dpi=300)
    rows = []
    with tempfile.TemporaryDirectory(prefix="theodoi-bench-") as tmp:
        for name in args.files.split(","):
            pdf = SCANS / name
            data = pdf.read_bytes()
            for page in range(1, min(page_count(pdf), args.max_pages) + 1):
                gray = render_pdf_page(data, page, 300, 120)
                png = Path(tmp) / f"{pdf.stem}-{page}.png"
                cv2.imwrite(str(png), gray)
                bare, image, whole = [], [], []
                for _ in range(args.repeat):
                    cmd = ["tesseract", str(png), "-", "-l", "vie"]
                    bare.append(
                        timed(lambda c=cmd: subprocess.run(c, capture_output=True, env=ENV, check=True))
                    )
                    image.append(timed(lambda g=gray, p=page: ocr_page_image(g, p, 300, settings)))
                    whole.append(timed(lambda d=data, p=page: ocr_pdf_pages(d, [p], settings)))
                med = lambda xs, i: statistics.median(x[i] for x in xs)  # noqa: E731
                row = {"page": f"{name}:{page}", **{f"{k}_{m}": med(v, i) for k, v in
                       (("bare", bare), ("image", image), ("pdf", whole)) for i, m in ((0, "wall"), (1, "cpu"))}}  # fmt: skip
                rows.append(row)
                print(
                    f"{row['page']:32} bare {row['bare_wall']:5.2f}s ({row['bare_cpu']:5.2f} cpu)  "
                    f"ours/image {row['image_wall']:5.2f}s ({row['image_cpu']:5.2f})  "
                    f"ours/pdf {row['pdf_wall']:5.2f}s ({row['pdf_cpu']:5.2f})  "
                    f"ratio pdf/bare wall {row['pdf_wall'] / row['bare_wall']:.2f} cpu {row['pdf_cpu'] / row['bare_cpu']:.2f}",
                    flush=True,
                )
    tot = {k: sum(r[k] for r in rows) for k in rows[0] if k != "page"}
    n = len(rows)
    print(
        f"\nPER PAGE (mean of {n}): bare tesseract {tot['bare_wall'] / n:.2f}s wall / {tot['bare_cpu'] / n:.2f}s cpu; "
        f"ours from image {tot['image_wall'] / n:.2f}s / {tot['image_cpu'] / n:.2f}s; "
        f"ours from PDF {tot['pdf_wall'] / n:.2f}s / {tot['pdf_cpu'] / n:.2f}s"
    )
    print(
        f"RATIO ours(PDF)/bare: wall {tot['pdf_wall'] / tot['bare_wall']:.2f}x, cpu {tot['pdf_cpu'] / tot['bare_cpu']:.2f}x;"
        f" ours(image)/bare: wall {tot['image_wall'] / tot['bare_wall']:.2f}x, cpu {tot['image_cpu'] / tot['bare_cpu']:.2f}x"
    )
    pdf = SCANS / args.files.split(",")[-1]
    data, pages = pdf.read_bytes(), list(range(1, page_count(pdf) + 1))
    for workers in (1, 2):
        wall, _ = timed(lambda w=workers: ocr_pdf_pages(data, pages, OcrSettings(workers=w)))
        print(f"{pdf.name}: {len(pages)} pages, workers={workers}: {wall / len(pages):.2f}s per page (wall)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
