"""File names from the inbox made safe to write with, and moves that never overwrite.

People drop whatever they have into the secretariat's inbox: names with newlines, ``../`` (from a
zip tool or a script), 300-character titles ("Kế hoạch triển khai … năm 2026.pdf"), or bytes that are
not UTF-8 (a Windows-1258 name copied from an old share). The watcher moves those files into
``processed/`` and ``failed/`` under names built here, so a name can never point outside the folder it is
written in, never replace another file, and is always valid UTF-8 (NFC) that a log line can show.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import unicodedata
from pathlib import Path

# ext4/xfs allow 255 bytes per name; keep room for " (99)" and ".error.txt".
MAX_NAME_BYTES = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def display_name(name: str | bytes) -> str:
    """A name as text for logs and reports: undecodable bytes shown as U+FFFD, controls as spaces."""
    if isinstance(name, bytes):
        text = name.decode("utf-8", errors="replace")
    else:
        # names from os.listdir carry undecodable bytes as surrogates (PEP 383)
        text = os.fsencode(name).decode("utf-8", errors="replace")
    return _UNSAFE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as valid UTF-8 text for reports and the registry: like ``display_name`` but keeps ``/``."""
    text = os.fsencode(path).decode("utf-8", errors="replace")
    return re.sub(r"[\x00-\x1f\x7f]+", " ", unicodedata.normalize("NFC", text))


def safe_name(name: str | bytes, *, max_bytes: int = MAX_NAME_BYTES) -> str:
    """One path component that is safe to create inside a folder, keeping the name recognisable.

    Separators, control characters (newlines), characters Windows shares refuse and leading dots are
    replaced; ``..`` cannot survive; non-UTF-8 bytes become U+FFFD; the result is NFC and at most
    ``max_bytes`` UTF-8 bytes, cut before the extension so that ``.pdf`` stays.

    Example:
        >>> safe_name("../../etc/Kế hoạch\\n15.pdf")
        'etc Kế hoạch 15.pdf'
    """
    text = display_name(name)
    text = text.replace("/", "_").replace("\\", "_")
    text = re.sub(r"\s+", " ", text)
    # a name made only of dots and separators ("..", "../..") keeps its parts but loses the dots
    text = re.sub(r"^[.\s_]+", "", text)
    text = re.sub(r"\.{2,}", ".", text)
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem or len(ext.encode()) > 16 or " " in ext:
        stem, ext = text, ""
    if not stem.strip(" ._"):
        stem = "unnamed"
    suffix = f".{ext}" if ext else ""
    budget = max_bytes - len(suffix.encode())
    stem_bytes = stem.encode("utf-8")[:budget]
    stem = stem_bytes.decode("utf-8", errors="ignore").rstrip(" .")
    return unicodedata.normalize("NFC", (stem or "unnamed") + suffix)


def inside(root: Path, target: Path) -> bool:
    """True when ``target`` (resolved, symlinks followed) lies within ``root``."""
    root_real = Path(os.path.realpath(root))
    target_real = Path(os.path.realpath(target))
    return target_real == root_real or root_real in target_real.parents


def _candidates(folder: Path, name: str) -> list[Path]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    return [folder / name] + [folder / f"{stem} ({n}){suffix}" for n in range(1, 1000)]


def move_no_clobber(src: Path, folder: Path, name: str, *, root: Path) -> Path:
    """Move ``src`` into ``folder`` as ``safe_name(name)``, adding " (n)" when that name is taken.

    A hard link then an unlink is atomic and refuses to replace an existing file; across file systems
    (or on shares without hard links) the bytes are copied to a file created with O_EXCL, flushed, then
    the source is removed. The source is removed only once the copy is complete.

    Raises:
        OSError: the folder cannot be written (read-only, full); ``src`` is still where it was.
        ValueError: the target would fall outside ``root`` (a symlinked folder pointing elsewhere).
    """
    folder.mkdir(parents=True, exist_ok=True)
    for target in _candidates(folder, safe_name(name)):
        if not inside(root, target.parent):
            raise ValueError(f"{target.parent} is outside {root}; refusing to write there")
        try:
            os.link(os.fsencode(src), os.fsencode(target), follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError as e:
            if e.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            if not _copy_exclusive(src, target):
                continue
        os.unlink(os.fsencode(src))
        return target
    raise OSError(errno.EEXIST, f"{folder}: 1000 files already carry the name {name!r}")


def _copy_exclusive(src: Path, target: Path) -> bool:
    """Copy to a new file; False when ``target`` already exists. A partial copy is removed."""
    try:
        fd = os.open(os.fsencode(target), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    try:
        with os.fdopen(fd, "wb") as out, open(os.fsencode(src), "rb") as inp:
            shutil.copyfileobj(inp, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
    except OSError:
        os.unlink(os.fsencode(target))
        raise
    return True


def write_new_text(folder: Path, name: str, text: str, *, root: Path) -> Path:
    """Write a small note (``NAME.error.txt``) beside a moved file, never replacing one."""
    folder.mkdir(parents=True, exist_ok=True)
    for target in _candidates(folder, safe_name(name)):
        if not inside(root, target.parent):
            raise ValueError(f"{target.parent} is outside {root}; refusing to write there")
        try:
            fd = os.open(os.fsencode(target), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        return target
    raise OSError(errno.EEXIST, f"{folder}: 1000 files already carry the name {name!r}")
