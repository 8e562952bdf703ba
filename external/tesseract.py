"""tesseract, the OCR engine: which language models it has, and one run over a page image held in memory.

The only module that starts tesseract (``parsers.readers.ocr`` hands it encoded images and reads back its
TSV). ``OMP_THREAD_LIMIT=1`` is passed explicitly: tesseract's OpenMP threads make it 2–5× slower on a small
shared machine; pages are run in parallel instead, ``OcrSettings.workers`` at a time. A run has a time limit
(``subprocess.TimeoutExpired`` goes back to the caller, which flags the page). No lock is needed: each call is
a process of its own.
"""

from __future__ import annotations

import functools
import os
import subprocess

from models.errors import InputFileError, MissingDependencyError

APT_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie tesseract-ocr-script-viet poppler-utils"
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
TimeoutExpired = subprocess.TimeoutExpired  # what a run over its time limit raises


@functools.cache
def installed_languages() -> frozenset[str]:
    """Language models tesseract can load (``tesseract --list-langs``), asked once per process.

    Read here rather than with pytesseract's ``get_languages``, which drops capitalised script models
    such as ``Vietnamese``; one process, which also tells whether tesseract is installed at all (a
    missing tesseract raises, and a raise is not cached: the next call asks again).

    Raises:
        MissingDependencyError: tesseract is not installed.
    """
    try:
        out = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, check=False, env=ENV
        )
    except FileNotFoundError as e:
        raise MissingDependencyError(f"tesseract is not installed; run: {APT_HINT}") from e
    return frozenset(line.strip() for line in out.stdout.splitlines()[1:] if line.strip())


def check_languages(lang: str) -> None:
    """Fail early and clearly when tesseract or a language model of ``lang`` ("vie", "vie+eng") is missing.

    Raises:
        MissingDependencyError: with the apt command that installs what is missing.
    """
    installed = installed_languages()
    missing = [code for code in lang.split("+") if code not in installed]
    if missing:
        raise MissingDependencyError(
            f"tesseract language data {', '.join(m + '.traineddata' for m in missing)} not found "
            f"(installed: {', '.join(sorted(installed))}); run: {APT_HINT}"
        )


def tsv(
    image: bytes, *, lang: str, dpi: int, psm: int, timeout_s: float, whitelist: str | None = None
) -> str:
    """tesseract's TSV (one row per page, block, paragraph, line and word) of one encoded image (PGM, PNG).

    Raises:
        TimeoutExpired: the run took longer than ``timeout_s``.
        MissingDependencyError: tesseract is not installed.
        InputFileError: tesseract failed on the image.
    """
    opts = ["stdout", "-l", lang, "--dpi", str(dpi), "--psm", str(psm)]
    if whitelist:
        opts += ["-c", f"tessedit_char_whitelist={whitelist}"]
    opts.append("tsv")
    try:
        proc = _run(image, opts, timeout_s)
    except FileNotFoundError as e:
        raise MissingDependencyError(f"tesseract is not installed; run: {APT_HINT}") from e
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()[:300]
        raise InputFileError(f"tesseract failed on the page image: {err}")
    return proc.stdout.decode("utf-8")


def _run(image: bytes, opts: list[str], timeout_s: float) -> subprocess.CompletedProcess[bytes]:
    """Run tesseract on an encoded image held in memory, never on disk.

    Why not ``tesseract stdin``: tesseract reads stdin one byte at a time through an iostream, ~0.35 s
    for a 300-dpi page's 8.7 MB (a blank page: 0.8 s via stdin, 0.37 s via memfd). An anonymous
    in-memory file (Linux ``memfd_create``) handed over as ``/dev/fd/N`` is read by leptonica at
    memory speed. Elsewhere stdin is used.
    """
    if not hasattr(os, "memfd_create"):
        return subprocess.run(
            ["tesseract", "stdin", *opts], input=image, capture_output=True, timeout=timeout_s, env=ENV
        )
    fd = os.memfd_create("theodoi-page", os.MFD_CLOEXEC)  # CLOEXEC: other pages' children don't inherit it
    try:
        view = memoryview(image)
        while view:
            view = view[os.write(fd, view) :]
        return subprocess.run(
            ["tesseract", f"/dev/fd/{fd}", *opts],
            capture_output=True,
            timeout=timeout_s,
            env=ENV,
            pass_fds=(fd,),
        )
    finally:
        os.close(fd)
