"""Page images made ready for OCR with OpenCV: decoded safely, turned upright, deskewed.

Why here and not in tesseract: tesseract's own orientation detection (``--psm 0``) costs ~1.5 s per page on
this kind of machine and guesses wrong on sparse table pages, and its deskew is weak on ruled tables. The
ruling lines and the shape of Vietnamese text lines (marks above the letters: "ệ", "ở", "ữ") tell the same
things for a few tens of milliseconds.

All functions take and return numpy arrays (uint8, grayscale, 0 = black ink) and never touch files.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from models.errors import InputFileError

A4_LONG_SIDE_IN = 11.69
MAX_SKEW_DEG = 5.0


@dataclass(frozen=True)
class PageImage:
    """One decoded page: grayscale pixels and the resolution they were scanned at."""

    gray: np.ndarray
    dpi: float


def decode_image(data: bytes, file_name: str, max_pixels: int) -> list[PageImage]:
    """Decode PNG/JPEG/TIFF bytes (every frame of a multi-page TIFF) into grayscale pages.

    The size is checked from the header before any pixel is decoded, so a 20000×20000 px image or a
    decompression bomb is refused with a clear message instead of exhausting memory.

    Raises:
        InputFileError: empty, not an image, truncated, or larger than ``max_pixels`` per frame.
    """
    if not data:
        raise InputFileError(f"{file_name}: the file is empty; check that the upload or copy finished.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
            raise InputFileError(f"{file_name}: refused as a decompression bomb ({e}).") from e
        except UnidentifiedImageError as e:
            raise InputFileError(
                f"{file_name}: not a readable image (PNG, JPEG or TIFF expected); re-export or re-scan it."
            ) from e
        pages: list[PageImage] = []
        for frame in ImageSequence.Iterator(img):
            w, h = frame.size
            if w * h > max_pixels:
                raise InputFileError(
                    f"{file_name}: page {len(pages) + 1} is {w}×{h} px ({w * h / 1e6:.0f} Mpx), over the "
                    f"{max_pixels / 1e6:.0f} Mpx limit (OcrSettings.max_image_pixels); re-scan at 300 dpi."
                )
            try:
                gray = np.asarray(frame.convert("L"), dtype=np.uint8)
            except OSError as e:
                raise InputFileError(f"{file_name}: the image data is truncated or corrupt ({e}).") from e
            pages.append(PageImage(gray=gray, dpi=_frame_dpi(frame, w, h)))
    return pages


def _frame_dpi(frame: Image.Image, w: int, h: int) -> float:
    """The dpi the scanner recorded, else the one that makes the long side an A4 page."""
    dpi = frame.info.get("dpi")
    if dpi and 100 <= float(dpi[0]) <= 1200:
        return float(dpi[0])
    return max(w, h) / A4_LONG_SIDE_IN


def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink mask (255 = ink) that survives uneven lighting and JPEG noise: adaptive mean threshold."""
    blur = cv2.medianBlur(gray, 3)
    block = max(15, (min(gray.shape) // 60) | 1)
    return cv2.adaptiveThreshold(blur, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)


def rotate_quadrant(gray: np.ndarray, degrees: int) -> np.ndarray:
    """Rotate counter-clockwise by 0/90/180/270 degrees without resampling."""
    codes = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}
    return gray if degrees % 360 == 0 else cv2.rotate(gray, codes[degrees % 360])


def rotate_small(gray: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate by a small angle (deskew) about the centre, filling the corners with white paper."""
    if abs(angle_deg) < 0.02:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _small(ink: np.ndarray, target: int = 1200) -> tuple[np.ndarray, float]:
    scale = min(1.0, target / max(ink.shape))
    if scale == 1.0:
        return ink, 1.0
    return cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale


def estimate_skew(ink: np.ndarray) -> float:
    """Skew angle in degrees (positive = counter-clockwise correction) by projection-profile sharpness.

    Text lines and ruling lines give the sharpest row profile when horizontal; a coarse 0.5° search
    0.1° and 0.025° refinements on a downscaled image keeps it to a few tens of milliseconds.
    """
    small, _ = _small(ink, 1000)
    small = (small > 64).astype(np.float32)
    if small.sum() < 50:
        return 0.0
    h, w = small.shape
    centre = (w / 2, h / 2)

    def score(a: float) -> float:
        m = cv2.getRotationMatrix2D(centre, a, 1.0)
        rot = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        prof = rot.sum(axis=1)
        return float(np.square(np.diff(prof)).sum())

    best = max(np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-6, 0.5), key=score)
    best = max(np.arange(best - 0.4, best + 0.4 + 1e-6, 0.1), key=score)
    return float(max(np.arange(best - 0.075, best + 0.075 + 1e-6, 0.025), key=score))


def text_is_vertical(ink: np.ndarray) -> bool:
    """True when the text lines run top-to-bottom (a landscape page scanned sideways).

    Horizontal text gives a row profile with sharp steps (one per line) and a flat column profile;
    sideways text the reverse. Long ruling lines are removed first so a table frame does not vote.
    """
    small, _ = _small(ink, 1200)
    small = (_without_long_lines(small) > 0).astype(np.float32)
    rows = float(np.square(np.diff(small.sum(axis=1))).sum())
    cols = float(np.square(np.diff(small.sum(axis=0))).sum())
    return cols > 1.3 * rows


def _without_long_lines(ink: np.ndarray) -> np.ndarray:
    length = max(15, min(ink.shape) // 10)
    hor = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    ver = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    return cv2.subtract(ink, cv2.bitwise_or(hor, ver))


def text_is_upside_down(ink: np.ndarray) -> bool:
    """True when horizontal text is upside down.

    Vietnamese (and Latin) lines carry more ink above their x-height band (capitals, ascenders and the
    tone/vowel marks of "ế", "ở", "ữ") than below it (descenders, the dot of "ạ"). Summed over all lines
    of a page the asymmetry is strong; turned 180° it flips.
    """
    small, _ = _small(ink, 1600)
    small = _without_long_lines(small)
    lines = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((1, 25), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(lines)
    above = below = 0.0
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if w < 4 * h or h < 6:
            continue
        prof = (small[y : y + h, x : x + w] > 0).sum(axis=1).astype(np.float64)
        if prof.max() <= 0:
            continue
        core = np.nonzero(prof >= 0.5 * prof.max())[0]
        above += prof[: core[0]].sum()
        below += prof[core[-1] + 1 :].sum()
    return below > 1.15 * above and below - above > 50


def prepare_page(gray: np.ndarray) -> tuple[np.ndarray, int, float]:
    """Upright and deskewed page; returns (image, quadrant turn in degrees CCW, skew corrected in degrees).

    Sideways first (so the skew search sees horizontal lines), then deskew, then upside-down (the
    above/below-the-line test needs straight lines).
    """
    ink = binarise(gray)
    turn = 0
    if text_is_vertical(ink):
        turn = 90
        gray, ink = rotate_quadrant(gray, 90), rotate_quadrant(ink, 90)
    angle = estimate_skew(ink)
    if abs(angle) >= 0.02:
        gray, ink = rotate_small(gray, angle), _rotate_ink(ink, angle)
    if text_is_upside_down(ink):
        turn = (turn + 180) % 360
        gray = rotate_quadrant(gray, 180)
    return gray, turn, angle


def _rotate_ink(ink: np.ndarray, angle_deg: float) -> np.ndarray:
    h, w = ink.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    return cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
