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
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from models.errors import InputFileError
from models.settings import OrientationSettings

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
    # PIL itself refuses > 2 × Image.MAX_IMAGE_PIXELS from the header (DecompressionBombError); below
    # that our own limit applies, also read from the header (frame.size) before any decoding.
    try:
        img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as e:
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
            with warnings.catch_warnings(record=True):  # PIL's own bomb warning: our limit already applied
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


def binarise(gray: np.ndarray, denoise: bool = True) -> np.ndarray:
    """Ink mask (255 = ink) that survives uneven lighting and JPEG noise: adaptive mean threshold.

    ``denoise`` runs a 3×3 median first (speckles go); turn it off when one-pixel rules must survive
    (ruling-line detection on a reduced page).
    """
    src = cv2.medianBlur(gray, 3) if denoise else gray
    block = max(15, (min(gray.shape) // 60) | 1)
    return cv2.adaptiveThreshold(src, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)


def rotate_quadrant(gray: np.ndarray, degrees: int) -> np.ndarray:
    """Rotate counter-clockwise by 0/90/180/270 degrees without resampling."""
    codes = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}
    return gray if degrees % 360 == 0 else cv2.rotate(gray, codes[degrees % 360])


def rotate_small(gray: np.ndarray, angle_deg: float, ink: bool = False) -> np.ndarray:
    """Rotate by a small angle (deskew) about the centre, filling the corners with white paper.

    ``ink``: the image is an ink mask (255 = ink), so the corners are filled with no ink and pixels are
    taken, not blended (a mask stays two-tone).
    """
    if abs(angle_deg) < 0.02:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    flags, fill = (cv2.INTER_NEAREST, 0) if ink else (cv2.INTER_LINEAR, 255)
    return cv2.warpAffine(gray, m, (w, h), flags=flags, borderValue=fill)


def reduce(img: np.ndarray, factor: int) -> np.ndarray:
    """Shrink by an integer factor (cv2's fast exact-area path)."""
    if factor <= 1:
        return img
    h, w = img.shape
    return cv2.resize(img, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)


def reduce_dark(img: np.ndarray, factor: int) -> np.ndarray:
    """Shrink by an integer factor keeping each block's darkest pixel, so hairline rules stay black."""
    if factor <= 1:
        return img
    return np.ascontiguousarray(cv2.erode(img, np.ones((factor, factor), np.uint8))[::factor, ::factor])


def _small(img: np.ndarray, target: int) -> np.ndarray:
    return reduce(img, -(-max(img.shape) // target))


class _RowProfile:
    """Row-profile sharpness of an ink image at trial rotations, without rotating the image.

    Each ink pixel's row after a rotation by ``a`` degrees (cv2's counter-clockwise sense) is computed
    directly and counted with one ``bincount``: a few milliseconds per angle on a ~1400 px image.
    """

    def __init__(self, ink: np.ndarray) -> None:
        ys, xs = np.nonzero(ink > 64)
        if len(ys) > 60_000:
            pick = np.random.default_rng(0).choice(len(ys), 60_000, replace=False)
            ys, xs = ys[pick], xs[pick]
        h, w = ink.shape
        self.n, self.h = len(ys), h
        self.yc, self.xc = ys - h // 2, xs - w // 2  # integer centres: no .5 rounding ties at 0°

    def score(self, a: float) -> float:
        if self.n < 50:
            return 0.0
        t = np.deg2rad(a)
        rows = np.floor(self.yc * np.cos(t) - self.xc * np.sin(t) + self.h + 0.5).astype(np.int64)
        prof = np.bincount(rows, minlength=2 * self.h + 1).astype(np.float64)
        return float(np.square(np.diff(prof)).sum())

    def best(self, angles: np.ndarray) -> tuple[float, float]:
        scores = [self.score(a) for a in angles]
        i = int(np.argmax(scores))
        return float(angles[i]), scores[i]


_COARSE = np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-6, 0.5)


def estimate_skew(ink: np.ndarray) -> float:
    """Skew angle in degrees (positive = counter-clockwise correction) by projection-profile sharpness.

    Text lines and ruling lines give the sharpest row profile when horizontal: a 0.5° search, then 0.1°
    and 0.025° refinements.
    """
    prof = _RowProfile(ink)
    if prof.n < 50:
        return 0.0
    best, _ = prof.best(_COARSE)
    best, _ = prof.best(np.arange(best - 0.4, best + 0.4 + 1e-6, 0.1))
    return prof.best(np.arange(best - 0.075, best + 0.075 + 1e-6, 0.025))[0]


def vertical_ratio(ink: np.ndarray) -> float:
    """How much more sharply the text lines run top-to-bottom than left-to-right (> 1: sideways).

    Horizontal text gives a row profile with sharp steps (one per line) and a flat column profile;
    sideways text the reverse. Both are taken at their best small angle, so a skewed scan votes right.
    Long ruling lines are removed first so a table frame does not vote. Upright pages measure 0.1–0.6 on
    the samples and the real scans (1.1 for a sparse table scan at 200 dpi); sideways ones 5–6; a page
    holding nothing but a round stamp 2.
    """
    text = _without_long_lines(ink)
    rows = _RowProfile(text).best(_COARSE)[1]
    cols = _RowProfile(np.ascontiguousarray(text.T)).best(_COARSE)[1]
    return cols / rows if rows > 0 else (np.inf if cols > 0 else 0.0)


def _without_long_lines(ink: np.ndarray) -> np.ndarray:
    """The ink without its ruling lines (and the pixel around them)."""
    length = max(15, min(ink.shape) // 10)
    hor = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    ver = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    lines = cv2.dilate(cv2.bitwise_or(hor, ver), np.ones((3, 3), np.uint8))
    return cv2.subtract(ink, lines)


@dataclass(frozen=True)
class LineMarks:
    """Ink above and below the x-height band, summed over a page's text lines (``voters`` of them)."""

    voters: int
    above: float
    below: float

    @property
    def ratio(self) -> float:
        """below / above: ~0.3–0.6 for upright print, its inverse (~2–3) for print upside down."""
        return self.below / self.above if self.above > 0 else (np.inf if self.below > 0 else 0.0)


def line_marks(ink: np.ndarray) -> LineMarks:
    """Vietnamese (and Latin) lines carry more ink above their x-height band (capitals, ascenders and the
    tone/vowel marks of "ế", "ở", "ữ") than below it (descenders, the dot of "ạ"). Summed over all lines
    of a page the asymmetry is strong; turned 180° it flips. Handwriting weakens it (a filled-in form
    measured 1.3–1.6 upright), which is why a turn is only taken on a clear ratio or a reading check.
    """
    small = _without_long_lines(ink)
    lines = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((1, 15), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(lines)
    above = below = 0.0
    voters = 0
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if w < 4 * h or h < 5:
            continue
        prof = (small[y : y + h, x : x + w] > 0).sum(axis=1).astype(np.float64)
        prof[prof > 0.6 * w] = 0  # rows of a ruling line the opening missed (dashed by resampling)
        if prof.max() <= 0:
            continue
        core = np.nonzero(prof >= 0.5 * prof.max())[0]
        above += prof[: core[0]].sum()
        below += prof[core[-1] + 1 :].sum()
        voters += 1
    return LineMarks(voters, above, below)


WORK_PX = 1400  # long side of the working image used to decide orientation and skew
DEFAULT_RULES = OrientationSettings()  # the thresholds of a turn (models/settings.py)


@dataclass(frozen=True)
class Readability:
    """What a reading check found in a band of text: words read, and a 0..1 score (mean confidence of
    the words that look like Vietnamese syllables, over all words)."""

    words: int
    score: float


# Reads an image and says how readable it is (``parsers.readers.ocr`` supplies one backed by tesseract).
Reader = Callable[[np.ndarray], Readability]


@dataclass(frozen=True)
class Orientation:
    """The decision for one page: the quarter turn taken (degrees counter-clockwise), the skew corrected,
    and the evidence, readable in a log line."""

    turn: int
    skew: float
    evidence: str
    checked: bool = False  # a reading check (Reader) took part


def text_band(gray: np.ndarray) -> np.ndarray:
    """The quarter of the page (full width) holding the most text ink: what a reading check reads."""
    ink = _without_long_lines(binarise(_small(gray, WORK_PX)))
    f = gray.shape[0] / ink.shape[0]
    rows = (ink > 0).sum(axis=1).astype(np.float64)
    h = max(1, ink.shape[0] // 4)
    y = int(np.argmax(np.convolve(rows, np.ones(h), "valid"))) if len(rows) > h else 0
    return gray[int(y * f) : int((y + h) * f)]


def _check(
    gray: np.ndarray, proposed: list[int], reader: Reader, rules: OrientationSettings
) -> tuple[int | None, str]:
    """Read the text band as the page is and turned by each ``proposed`` quarter turn.

    Returns the turn whose reading is clearly better than the page as it is (else 0), or None when no
    reading finds enough words to tell; and a note for the log.
    """
    band = text_band(gray)
    keep = reader(band)
    notes = [f"read as is {keep.score:.2f} ({keep.words} words)"]
    best, best_read = 0, keep
    for q in proposed:
        turned = reader(rotate_quadrant(band, 180) if q == 180 else text_band(rotate_quadrant(gray, q)))
        notes.append(f"turned {q} {turned.score:.2f} ({turned.words})")
        if turned.score > best_read.score:
            best, best_read = q, turned
    note = ", ".join(notes)
    if max(keep.words, best_read.words) < rules.min_read_words:
        return None, note
    if best and best_read.score >= max(
        rules.read_min_score, rules.read_factor * keep.score, keep.score + rules.read_margin
    ):
        return best, note
    return 0, note


def orient_page(
    gray: np.ndarray, reader: Reader | None = None, rules: OrientationSettings = DEFAULT_RULES
) -> tuple[np.ndarray, Orientation]:
    """Upright and deskewed page, and the decision taken with its evidence.

    An upright page is never turned on doubtful evidence: geometry (``vertical_ratio``, ``line_marks``) on
    one downscaled ink image (~1400 px) proposes a turn; a clear measure turns the page, a doubtful one
    only when ``reader`` confirms it (the band of text read turned is clearly more readable than as it
    is). With a ``reader``, every proposed turn is checked, clear or not: a wrong turn loses a page.
    Sideways is decided first (so the skew search sees horizontal lines), then deskew, then upside down
    (the above/below-the-line measure needs straight lines). ``rules``: the thresholds (settings).
    """
    ink = binarise(_small(gray, WORK_PX))
    notes: list[str] = []
    checked = False
    turn = 0
    vr = vertical_ratio(ink)
    notes.append(f"vertical {vr:.2f}")
    if vr >= rules.sideways_doubt:
        side_ink = rotate_quadrant(ink, 90)
        side_angle = estimate_skew(side_ink)
        straight = side_ink if abs(side_angle) < 0.1 else rotate_small(side_ink, side_angle, ink=True)
        marks = line_marks(straight)
        proposed = 270 if marks.voters >= rules.min_lines and marks.ratio > rules.upside_down_doubt else 90
        notes.append(f"turned 90: lines {marks.voters}, below/above {marks.ratio:.2f}")
        sideways = proposed if vr >= rules.sideways_clear and marks.voters >= rules.min_lines_clear else 0
        if reader is not None:
            checked = True
            verdict, note = _check(gray, [90, 270], reader, rules)
            notes.append(note)
            sideways = sideways if verdict is None else verdict
        if sideways:
            turn = sideways
            gray, ink = rotate_quadrant(gray, turn), rotate_quadrant(ink, turn)
    angle = estimate_skew(ink)
    if abs(angle) < 0.1:  # < 6 px over a 300-dpi page width: not worth a resampling
        angle = 0.0
    else:
        # deskew the full page, then look again: a resampled small image breaks ruling lines into steps
        gray = rotate_small(gray, angle)
        ink = binarise(_small(gray, WORK_PX))
    marks = line_marks(ink)
    notes.append(f"lines {marks.voters}, below/above {marks.ratio:.2f}")
    if marks.voters >= rules.min_lines and marks.ratio > rules.upside_down_doubt:
        flip = 180 if marks.voters >= rules.min_lines_clear and marks.ratio >= rules.upside_down_clear else 0
        if reader is not None:
            checked = True
            verdict, note = _check(gray, [180], reader, rules)
            notes.append(note)
            flip = flip if verdict is None else verdict
        if flip:
            turn = (turn + 180) % 360
            gray = rotate_quadrant(gray, 180)
    return gray, Orientation(turn, angle, "; ".join(notes), checked)


def prepare_page(gray: np.ndarray, reader: Reader | None = None) -> tuple[np.ndarray, int, float]:
    """Upright and deskewed page; returns (image, quadrant turn in degrees CCW, skew corrected in degrees).

    ``orient_page`` without its evidence.
    """
    img, orientation = orient_page(gray, reader)
    return img, orientation.turn, orientation.skew
