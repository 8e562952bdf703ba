"""LibreOffice headless: legacy Word (.doc) → .docx, so ``parsers.readers.docx_text.read_docx`` can read it.

A subprocess and files, so it lives with the other external programs (``external``). Each call uses its
own throw-away LibreOffice profile: two conversions running at once (batch mode, the watcher) would otherwise fight over
the default profile's lock and one of them would exit 0 without writing anything.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from models.errors import InputFileError, MissingDependencyError
from models.settings import DocxSettings

DEFAULT_TIMEOUT_S = DocxSettings().convert_timeout_s
_CANDIDATES = ("soffice", "libreoffice")


def find_soffice() -> str:
    """Path of the LibreOffice binary, or MissingDependencyError saying how to install it."""
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise MissingDependencyError(
        "LibreOffice (soffice) is needed to read .doc files and was not found on PATH; install it with "
        "`apt-get install libreoffice-writer-nogui` or save the file as .docx"
    )


def convert_doc(
    path: Path, out_dir: Path, target: str = "docx", timeout_s: float = DEFAULT_TIMEOUT_S
) -> Path:
    """Convert ``path`` (.doc, .rtf, .odt …) to ``target`` ("docx" or "pdf") in ``out_dir``.

    Args:
        path: the input file.
        out_dir: where the converted file is written (created if missing).
        target: LibreOffice filter extension, "docx" by default.
        timeout_s: seconds before the conversion is abandoned.

    Returns:
        Path of the converted file (``out_dir / f"{path.stem}.{target}"``).

    Raises:
        MissingDependencyError: soffice is not installed.
        InputFileError: the file is missing, LibreOffice cannot read it, or it takes too long.
    """
    if not path.is_file():
        raise InputFileError(f"{path}: no such file; check the path")
    soffice = find_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    expected = out_dir / f"{path.stem}.{target}"
    with tempfile.TemporaryDirectory(prefix="theodoi-lo-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            str(path),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as e:
            raise InputFileError(
                f"{path}: LibreOffice did not finish converting within {timeout_s:.0f} s; the file may be "
                "damaged or very large — open it in Word/LibreOffice and save it as .docx"
            ) from e
    if result.returncode != 0 or not expected.is_file() or expected.stat().st_size == 0:
        detail = (result.stderr or result.stdout).strip()[-300:]
        raise InputFileError(
            f"{path}: LibreOffice could not convert it to .{target} (exit {result.returncode}: {detail or 'no output'}); "
            "the file is probably not a Word document or is damaged"
        )
    return expected


def doc_to_docx_bytes(data: bytes, file_name: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> bytes:
    """Convert a legacy .doc held in memory to .docx bytes (the pipeline works on bytes, not paths)."""
    with tempfile.TemporaryDirectory(prefix="theodoi-doc-") as tmp:
        source = Path(tmp) / "document.doc"  # never the received name: it may hold "../" or newlines
        source.write_bytes(data)
        return convert_doc(source, Path(tmp) / "out", timeout_s=timeout_s).read_bytes()
