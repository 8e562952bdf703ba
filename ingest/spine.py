"""The ingestion spine: every way into the registry is ``prepare`` → ``parse`` → ``commit``.

``theodoi ingest`` (``ingest.batch``), the inbox watcher (``ingest.watch``), ``theodoi diff`` on a file
(``ingest.diff_cmd``) and ``run_file`` below all go through these three and nothing else, so a file is read
once, hashed once, sniffed once and checked against the size limit once, whoever takes it:

- ``prepare(path, registry, settings, force)`` reads the bytes and decides: a ``Job`` to parse, or a
  ``Skip`` (already registered, or the same bytes as a file earlier in this run). It raises
  ``Unreadable`` (the file cannot be read now), ``Refused`` (read, but empty, of an unknown kind or over
  the size limit) or ``RegistryError``.
- ``parse(job)`` is pure and picklable (bytes in, ``ParsedDocument`` out): it runs in this process, in a
  worker process, on a Dask worker or in the parse server.
- ``commit(registry, job, outcome)`` writes a parsed document in one transaction
  (``Registry.save_document``), or records a failure (``Registry.record_failure``), and says what
  happened to the file as an ``IngestResult``.

What is not the spine's stays with its caller: the batch's order and progress, the watcher's settling,
moving and retrying. This module imports nothing heavy; the parsers load on the first ``parse``.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ingest.detect import FileKind, sha256_hex, sniff
from ingest.safe_names import display_name, display_path
from models.errors import InputFileError, RegistryError
from models.parsed import ParsedDocument
from models.settings import IngestSettings

if TYPE_CHECKING:  # the parse workers import this module and never open a registry (SQLAlchemy: 0.3 s)
    from store.registry import Registry


@dataclass(frozen=True)
class IngestResult:
    file: str
    doc_id: str | None
    status: Literal["ingested", "replaced", "skipped", "failed"]
    tasks: int = 0
    pages: int = 0
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    """A file once read: where it is, which bytes (``doc_id``), how many, and whether they were registered."""

    path: Path
    doc_id: str
    size: int
    existed: bool

    @property
    def shown(self) -> str:
        """The path as results and the failures table give it (control characters made visible)."""
        return display_path(self.path)


@dataclass(frozen=True)
class Job(Source):
    """A file to parse: its bytes, what they are, and the settings to parse them with. Plain data, so it
    crosses process boundaries (``ingest.executors``)."""

    data: bytes
    kind: FileKind
    file_name: str  # the name messages give (never a path: a Dask worker has no use for it)
    settings: IngestSettings


@dataclass(frozen=True)
class Skip(Source):
    """A file not to parse: already registered, or (``repeat``) the same bytes as one taken earlier in this run."""

    reason: str
    repeat: bool = False

    @property
    def result(self) -> IngestResult:
        return IngestResult(self.shown, self.doc_id, "skipped", reason=self.reason)


class Unreadable(InputFileError):
    """The file cannot be read now (gone, no permission, an I/O error); nothing is known of its bytes."""

    def __init__(self, message: str, strerror: str | None) -> None:
        super().__init__(message)
        self.strerror = strerror  # the system's words, for a caller that words its own message

    def __reduce__(self) -> tuple[type[Unreadable], tuple[str, str | None]]:
        return type(self), (str(self), self.strerror)


class Refused(InputFileError):
    """The file was read but cannot be parsed: empty, of a kind theodoi does not read, over the size limit."""

    def __init__(self, message: str, source: Source) -> None:
        super().__init__(message)
        self.source = source

    def __reduce__(self) -> tuple[type[Refused], tuple[str, Source]]:
        return type(self), (str(self), self.source)


def admit(data: bytes, file_name: str, settings: IngestSettings) -> FileKind:
    """The file's kind, if theodoi reads it and it is within ``PdfSettings.max_file_mb``.

    Raises:
        InputFileError: empty, of an unknown kind, or too large (checked before anything decodes it).
    """
    limit = settings.pdf.max_file_mb * 1024 * 1024
    if len(data) > limit:
        raise InputFileError(
            f"{file_name}: {len(data) / 1e6:.0f} MB is over the {settings.pdf.max_file_mb:.0f} MB limit"
            " (PdfSettings.max_file_mb); split the file"
        )
    return sniff(data, file_name)


def prepare(
    path: Path,
    registry: Registry,
    settings: IngestSettings,
    force: bool = False,
    *,
    seen: dict[str, str] | None = None,
) -> Job | Skip:
    """Read ``path`` once and say whether it needs parsing.

    ``seen`` (doc_id → shown path) is the caller's memory of the bytes taken in this run: a second file
    with the same bytes is a ``Skip`` with ``repeat=True``, before the registry is asked.

    Raises:
        Unreadable: the file cannot be read.
        Refused: read, but empty, of an unknown kind or over the size limit (``.source`` says which bytes).
        RegistryError: the registry cannot say whether the bytes are registered.
    """
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise Unreadable(f"{shown}: cannot read the file ({e.strerror})", e.strerror) from e
    doc_id = sha256_hex(data)
    if seen is not None:
        if doc_id in seen:
            return Skip(path, doc_id, len(data), False, f"same bytes as {seen[doc_id]}", repeat=True)
        seen[doc_id] = shown
    existed = registry.has_document(doc_id)
    if existed and not force:
        return Skip(path, doc_id, len(data), True, "already registered (same bytes)")
    name = display_name(path.name)
    try:
        kind = admit(data, name, settings)
    except InputFileError as e:
        raise Refused(str(e), Source(path, doc_id, len(data), existed)) from e
    return Job(path, doc_id, len(data), existed, data, kind, name, settings)


def parse(job: Job) -> ParsedDocument:
    """The job's bytes as a Document and its Tasks (``ingest.pipeline``); touches no file and no registry.

    Raises:
        InputFileError: the bytes cannot be read as a document, or hold no task.
    """
    from ingest.pipeline import parse_kind  # the parsers load here, in whichever process parses

    return parse_kind(job.data, job.file_name, job.kind, job.doc_id, job.settings)


def commit(registry: Registry, job: Source, outcome: ParsedDocument | Exception) -> IngestResult:
    """Register a parse outcome in one transaction and say what happened to the file.

    An error (``outcome`` is the exception the parse or ``prepare`` raised) is recorded in the registry's
    failures table. A registry refusal (disk full, lost connection, a server down) is reported as this
    file's failure, never raised. A document another writer registered in the meantime is reported as
    skipped, not as a failure.
    """
    shown = job.shown
    if isinstance(outcome, Exception):
        with contextlib.suppress(RegistryError):  # a registry that refuses writes is already the reason
            registry.record_failure(shown, str(outcome), sha256=job.doc_id)
        return IngestResult(shown, job.doc_id, "failed", reason=str(outcome))
    # the absolute path it was ingested from: the report links to the file there
    document = outcome.document.model_copy(update={"path": display_path(os.path.abspath(job.path))})
    try:
        registry.save_document(document, outcome.tasks, replace=job.existed)
    except RegistryError as e:
        with contextlib.suppress(RegistryError):  # still unreachable: the first reason is the one to give
            if not job.existed and registry.has_document(job.doc_id):
                return IngestResult(shown, job.doc_id, "skipped", reason="registered meanwhile by another writer")
        return IngestResult(shown, job.doc_id, "failed", reason=str(e))
    return IngestResult(
        shown,
        job.doc_id,
        "replaced" if job.existed else "ingested",
        tasks=len(outcome.tasks),
        pages=outcome.document.pages,
        warnings=outcome.warnings,
    )


def run_file(path: Path, settings: IngestSettings, registry: Registry, *, force: bool = False) -> IngestResult:
    """Ingest one file: a no-op (skipped) when its bytes are already registered, unless ``force``.

    Raises:
        InputFileError: the file cannot be read or parsed, or its parse ran past ``file_timeout_s`` or
            ``worker_memory_mb`` (it runs in a worker process, as in a batch; nothing is written for it).
        TheodoiError: the worker crashed, or a parser bug (nothing is written for it).
        RegistryError: the registry refused the write (nothing is written for it).
    """
    got = prepare(path, registry, settings, force)
    if isinstance(got, Skip):
        return got.result
    from ingest.executors import InlineExecutor  # deferred: executors imports this module

    with contextlib.closing(InlineExecutor(settings)) as worker:  # the time and memory limits, as in a batch
        [(_, outcome)] = list(worker.parse_many([got]))
    if not isinstance(outcome, ParsedDocument):
        raise outcome  # nothing written for it: the caller (diff) reports the reason
    result = commit(registry, got, outcome)
    if result.status == "failed":  # the parse succeeded, so the registry refused it
        raise RegistryError(result.reason or "the registry refused the write")
    return result
