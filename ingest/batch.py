"""Many files into the registry: one bad file is reported and kept, and never stops the others.

``ingest_files`` is the plain sequential loop; ``ingest_parallel`` parses through an executor (worker
processes or Dask, see ``ingest.executors``) while this process stays the only registry writer. Files
whose bytes are already registered are skipped before they are even sent, so an interrupted run
resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.executors import ParseExecutor, ParseJob
from ingest.pipeline import IngestResult, ParsedDocument, run_file, sha256_hex, with_path
from ingest.resources import load_gazetteer
from ingest.safe_names import display_name, display_path
from models.errors import InputFileError, RegistryError
from models.settings import IngestSettings
from store.registry import Registry

DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
# Folders the inbox writes into; never re-ingested as input.
SKIP_DIRS = {"processed", "failed", ".theodoi"}


def collect_files(inputs: Sequence[Path], recursive: bool) -> list[Path]:
    """Files named on the command line as they are; folders expanded to the documents they hold."""
    files: list[Path] = []
    for item in inputs:
        if item.is_dir():
            pattern = item.rglob("*") if recursive else item.glob("*")
            found = [
                p
                for p in pattern
                if p.is_file()
                and p.suffix.lower() in DOCUMENT_SUFFIXES
                and not SKIP_DIRS.intersection(p.relative_to(item).parts[:-1])
            ]
            files.extend(sorted(found))
        else:
            files.append(item)
    return files


@dataclass
class BatchSummary:
    results: list[IngestResult] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 1
    executor: str = "inline"

    @property
    def failed(self) -> list[IngestResult]:
        return [r for r in self.results if r.status == "failed"]

    def counts(self) -> dict[str, int]:
        out = {"files": len(self.results), "ingested": 0, "replaced": 0, "skipped": 0, "failed": 0}
        for r in self.results:
            out[r.status] += 1
        out["tasks"] = sum(r.tasks for r in self.results)
        out["pages"] = sum(r.pages for r in self.results)
        return out

    def rates(self) -> dict[str, float | int | str]:
        """Wall time and throughput of the parsed (not skipped) files, for the report and the bench."""
        pages = sum(r.pages for r in self.results if r.status in ("ingested", "replaced"))
        return {
            "seconds": round(self.seconds, 3),
            "pages_per_s": round(pages / self.seconds, 3) if self.seconds else 0.0,
            "workers": self.workers,
            "executor": self.executor,
        }

    def to_json(self) -> str:
        return json.dumps(
            {
                "summary": self.counts(),
                "run": self.rates(),
                "failures": [{"file": r.file, "reason": r.reason} for r in self.failed],
                "files": [asdict(r) for r in self.results],
            },
            ensure_ascii=False,
            indent=2,
        )


def ingest_files(
    files: Iterable[Path],
    settings: IngestSettings,
    registry: Registry,
    *,
    force: bool = False,
    on_result: Callable[[IngestResult], None] | None = None,
) -> BatchSummary:
    """Ingest files one after the other; failures become results with a reason, and are logged."""
    summary = BatchSummary()
    gazetteer = load_gazetteer(settings.gazetteer_paths)
    for path in files:
        try:
            result = run_file(path, settings, registry, force=force, gazetteer=gazetteer)
        except (InputFileError, RegistryError) as e:
            result = IngestResult(path.name, None, "failed", reason=str(e))
            with contextlib.suppress(RegistryError):  # a registry that refuses writes is already the reason
                registry.record_failure(str(path), str(e))
        summary.results.append(result)
        if on_result:
            on_result(result)
    return summary


def _jobs(
    files: Iterable[Path], registry: Registry, force: bool, emit: Callable[[IngestResult], None]
) -> Iterator[ParseJob]:
    """Read each file and decide whether it needs parsing; results for the others go straight to ``emit``.

    Lazy, so the executor pulls files as it has room and a big archive is never all in memory.
    """
    first_seen: dict[str, str] = {}
    for path in files:
        shown = display_path(path)
        try:
            data = path.read_bytes()
        except OSError as e:
            emit(IngestResult(shown, None, "failed", reason=f"{shown}: cannot read the file ({e.strerror})"))
            continue
        doc_id = sha256_hex(data)
        if doc_id in first_seen:
            emit(IngestResult(shown, doc_id, "skipped", reason=f"same bytes as {first_seen[doc_id]}"))
            continue
        first_seen[doc_id] = shown
        try:
            registered = not force and registry.has_document(doc_id)
        except RegistryError as e:  # the registry is unreachable: reported, and the batch goes on
            emit(IngestResult(shown, doc_id, "failed", reason=str(e)))
            continue
        if registered:
            emit(IngestResult(shown, doc_id, "skipped", reason="already registered (same bytes)"))
            continue
        yield ParseJob(key=(path, doc_id), data=data, file_name=display_name(path.name))


def save_parsed(
    path: Path, doc_id: str, outcome: ParsedDocument | Exception, registry: Registry, *, force: bool
) -> IngestResult:
    """Write one parse outcome to the registry (one transaction) and say what happened to the file.

    A parse error is recorded in the registry's ``failures`` table; a registry refusal (disk full, lost
    connection, a server down) is reported as this file's failure, never raised. A document another writer registered in
    the meantime is reported as skipped, not as a failure.
    """
    shown = display_path(path)
    if not isinstance(outcome, ParsedDocument):
        with contextlib.suppress(RegistryError):  # a registry that refuses writes is already the reason
            registry.record_failure(shown, str(outcome), sha256=doc_id)
        return IngestResult(shown, doc_id, "failed", reason=str(outcome))
    try:
        existed = force and registry.has_document(doc_id)
        registry.save_document(with_path(outcome.document, path), outcome.tasks, replace=force)
    except RegistryError as e:
        with contextlib.suppress(RegistryError):  # still unreachable: the first reason is the one to give
            if not force and registry.has_document(doc_id):
                return IngestResult(shown, doc_id, "skipped", reason="registered meanwhile by another writer")
        return IngestResult(shown, doc_id, "failed", reason=str(e))
    return IngestResult(
        shown,
        doc_id,
        "replaced" if existed else "ingested",
        tasks=len(outcome.tasks),
        pages=outcome.document.pages,
        warnings=outcome.warnings,
    )


def ingest_parallel(
    files: Sequence[Path],
    registry: Registry,
    executor: ParseExecutor,
    *,
    force: bool = False,
    on_result: Callable[[IngestResult], None] | None = None,
) -> BatchSummary:
    """Parse files through ``executor`` and register each one as its parse completes.

    Results arrive in completion order; the summary lists every input file exactly once.
    """
    summary = BatchSummary(workers=executor.workers, executor=type(executor).__name__)
    started = time.perf_counter()

    def emit(result: IngestResult) -> None:
        summary.results.append(result)
        if on_result:
            on_result(result)

    for job, outcome in executor.parse_many(_jobs(files, registry, force, emit)):
        path, doc_id = job.key
        emit(save_parsed(path, doc_id, outcome, registry, force=force))
    summary.seconds = time.perf_counter() - started
    return summary
