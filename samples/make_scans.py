"""Make scanned versions of the rendered samples: image-only PDFs that look like office scans.

Why: the OCR path must be measured on the same documents as the text layer, with known answers. Each
page of ``samples/kh15_plan.pdf`` / ``samples/cv_kgvx_letter.pdf`` is rasterised with poppler, then
degraded the way a flatbed scanner degrades paper: a small random skew (0.5–1.5°), grey paper with
uneven lighting, a little blur, sensor noise, grayscale JPEG at quality 60–75; one annex page is put in
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
OUT = HERE / "scans"

# name -> source PDF, source pages (1-based), dpi, JPEG quality, {source page: clockwise quarter turns}
# Files split only where no task row runs over the page break (≤ ~2 MB each).
_PLAN = {"source": "kh15_plan.pdf", "expected": "expected/kh15_plan.tasks.json"}
MANIFEST: dict[str, dict] = {
    "kh15_p06-08_200dpi.pdf": {**_PLAN, "pages": [6, 7, 8], "dpi": 200, "quality": 60, "rotate": {},
                               "what": "Phụ lục I, STT 1-19 (sections I-III)"},
    "kh15_p09-13_200dpi.pdf": {**_PLAN, "pages": [9, 10, 11, 12, 13], "dpi": 200, "quality": 60, "rotate": {},
                               "what": "Phụ lục I, STT 20-59"},
    "kh15_p14-18_200dpi.pdf": {**_PLAN, "pages": [14, 15, 16, 17, 18], "dpi": 200, "quality": 65,
                               "rotate": {16: 1}, "what": "Phụ lục I, STT 60-89; page 16 scanned sideways"},
    "kh15_p19_300dpi.pdf": {**_PLAN, "pages": [19], "dpi": 300, "quality": 70, "rotate": {},
                            "what": "Phụ lục II (6 tasks), 300 dpi"},
    "kh15_p20-23_300dpi.pdf": {**_PLAN, "pages": [20, 21, 22, 23], "dpi": 300, "quality": 60, "rotate": {},
                               "what": "Phụ lục III (24 tasks), 300 dpi"},
    "cv_kgvx_letter_300dpi.pdf": {"source": "cv_kgvx_letter.pdf", "expected": "expected/cv_kgvx_letter.tasks.json",
                                  "pages": None, "dpi": 300, "quality": 65, "rotate": {},
                                  "what": "the letter /UBND-KGVX, every page (prose directives)"},
}  # fmt: skip


def render(pdf: Path, page: int, dpi: int) -> np.ndarray:
    png = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(pdf)],
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
    images = []
    for p in pages:
        img = degrade(render(src, p, spec["dpi"]), rng, spec["dpi"], spec["rotate"].get(p, 0))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=spec["quality"], dpi=(spec["dpi"], spec["dpi"]))
        images.append(Image.open(io.BytesIO(buf.getvalue())))
    out = OUT / name
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=spec["dpi"])
    print(f"{name}: {len(pages)} pages, {out.stat().st_size / 1e6:.2f} MB")


def main() -> int:
    OUT.mkdir(exist_ok=True)
    missing = [s["source"] for s in MANIFEST.values() if not (HERE / s["source"]).exists()]
    if missing:
        print(f"make_scans: run samples/make_samples.py first (missing {', '.join(missing)})", file=sys.stderr)
        return 1
    rng = np.random.default_rng(20260130)
    for name, spec in MANIFEST.items():
        make(name, spec, rng)
    manifest = {k: {**v, "rotate": {str(p): t * 90 for p, t in v["rotate"].items()}} for k, v in MANIFEST.items()}
    (OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
