"""Make scanned versions of the rendered samples: image-only PDFs that look like office scans.

Why: the OCR path must be measured on the same documents as the text layer, with known answers. Each
page of ``samples/kh15_plan.pdf`` / ``samples/cv_kgvx_letter.pdf`` is rasterised with poppler, then
degraded the way a flatbed scanner degrades paper: a small random skew (0.5–1.5°), grey paper with
uneven lighting, a little blur, sensor noise, grayscale JPEG at quality 55–70 (each file ≤ 2.0 MB); one annex page is put in
sideways (rotated 90°). Pages are wrapped into an image-only PDF with Pillow (no text layer).

Outputs (``samples/scans/``): see ``MANIFEST`` below and ``samples/scans/README.md``; the manifest is also
written as ``samples/scans/manifest.json`` so ``bench/ocr_accuracy.py`` knows which source pages each
scan holds. Deterministic (seeded). Usage: ``.venv/bin/python samples/make_scans.py``.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
MAX_BYTES = 2_000_000  # a committed sample stays small (tests/parsers/test_ocr.py checks it)
OUT = HERE / "scans"

# name -> source PDF, source pages (1-based), dpi, JPEG quality, {source page: clockwise quarter turns}
# Files split only where no task row runs over the page break (≤ 2.0 MB each, MAX_BYTES).
_PLAN = {"source": "kh15_plan.pdf", "expected": "expected/kh15_plan.tasks.json"}
_LETTER = {"source": "cv_kgvx_letter.pdf", "expected": "expected/cv_kgvx_letter.tasks.json"}
MANIFEST: dict[str, dict] = {
    "kh15_p06-08_200dpi.pdf": {**_PLAN, "pages": [6, 7, 8], "dpi": 200, "quality": 60, "rotate": {},
                               "what": "Phụ lục I, STT 1-19 (sections I-III)"},
    "kh15_p09-13_200dpi.pdf": {**_PLAN, "pages": [9, 10, 11, 12, 13], "dpi": 200, "quality": 60, "rotate": {},
                               "what": "Phụ lục I, STT 20-59"},
    "kh15_p14-18_200dpi.pdf": {**_PLAN, "pages": [14, 15, 16, 17, 18], "dpi": 200, "quality": 65,
                               "rotate": {16: 1}, "what": "Phụ lục I, STT 60-89; page 16 scanned sideways"},
    "kh15_p19_300dpi.pdf": {**_PLAN, "pages": [19], "dpi": 300, "quality": 70, "rotate": {},
                            "what": "Phụ lục II (6 tasks), 300 dpi"},
    "kh15_p20-23_300dpi.pdf": {**_PLAN, "pages": [20, 21, 22, 23], "dpi": 300, "quality": 55, "rotate": {},
                               "what": "Phụ lục III (24 tasks), 300 dpi"},
    # the letter is split in two where no directive group runs over the break (pages 1-2 | 3-4 would cut
    # group 2's "Giao Sở … chủ trì:" heading off its items 2.9-2.14); whole it was 2.2 MB even at q60
    "cv_kgvx_letter_p1-3_300dpi.pdf": {**_LETTER, "pages": [1, 2, 3], "dpi": 300, "quality": 60, "rotate": {},
                                       "what": "the letter /UBND-KGVX, pages 1-3 (prose directives 1.1-4.1)"},
    "cv_kgvx_letter_p4_300dpi.pdf": {**_LETTER, "pages": [4], "dpi": 300, "quality": 65, "rotate": {},
                                     "what": "the letter /UBND-KGVX, page 4 (directives 5.1-6.3)"},
}  # fmt: skip


def render(pdf: Path, page: int, dpi: int) -> np.ndarray:
    png = subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-gray",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"))


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def degrade(gray: np.ndarray, rng: np.random.Generator, dpi: int, quarter_turns: int) -> Image.Image:
    """Skew, grey uneven paper, blur, noise; then the optional sideways turn."""
    img = Image.fromarray(gray)
    angle = float(rng.uniform(0.5, 1.5) * rng.choice([-1, 1]))
    img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    a = np.asarray(img).astype(np.float32)
    h, w = a.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 236 + 10 * (xx / w) - 6 * (yy / h)  # paper tone, brighter on one side
    a = a / 255.0 * light
    # a light optical blur: average with the 4-neighbours
    a = (4 * a + np.roll(a, 1, 0) + np.roll(a, -1, 0) + np.roll(a, 1, 1) + np.roll(a, -1, 1)) / 8
    a += rng.normal(0, 1.5, a.shape)  # sensor noise (stronger noise only makes the JPEGs huge)
    out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    if quarter_turns:
        out = out.rotate(-90 * quarter_turns, expand=True)
    return out


def make(name: str, spec: dict, rng: np.random.Generator) -> None:
    src = HERE / spec["source"]
    pages = spec["pages"] or list(range(1, page_count(src) + 1))
    spec["pages"] = pages
    images = [degrade(render(src, p, spec["dpi"]), rng, spec["dpi"], spec["rotate"].get(p, 0)) for p in pages]
    out = OUT / name
    # Pillow's PDF writer JPEG-encodes each page itself with the options given here; without
    # ``quality`` it used its default 75 (a q60 JPEG handed to it was decoded and re-encoded at q75,
    # which made the files ~40 % larger than their stated quality). One encoding, at the stated quality,
    # with optimised Huffman tables (lossless, a few % smaller).
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=spec["dpi"],
                   quality=spec["quality"], optimize=True)  # fmt: skip
    size = out.stat().st_size
    print(f"{name}: {len(pages)} pages, {size / 1e6:.2f} MB")
    if size > MAX_BYTES:
        raise SystemExit(
            f"{name} is {size / 1e6:.2f} MB, over {MAX_BYTES / 1e6:.1f} MB: split it or lower its quality"
        )


def main() -> int:
    OUT.mkdir(exist_ok=True)
    missing = [s["source"] for s in MANIFEST.values() if not (HERE / s["source"]).exists()]
    if missing:
        print(
            f"make_scans: run samples/make_samples.py first (missing {', '.join(missing)})", file=sys.stderr
        )
        return 1
    rng = np.random.default_rng(20260130)
    for name, spec in MANIFEST.items():
        make(name, spec, rng)
    manifest = {
        k: {**v, "rotate": {str(p): t * 90 for p, t in v["rotate"].items()}} for k, v in MANIFEST.items()
    }
    (OUT / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
