"""Many files into the registry: one bad file is reported and kept, and never stops the others.

``ingest_parallel`` runs the spine (``ingest.spine``: prepare, parse, commit) over the files, parsing
through an executor (one worker process, several, or Dask, see ``ingest.executors``) while this process
stays the only registry writer. Files whose bytes are already registered are skipped before they are
even sent, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.executors import ParseExecutor
from ingest.safe_names import display_path
from ingest.spine import IngestResult, Job, Refused, Skip, commit, prepare
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


def _jobs(
    files: Iterable[Path],
    registry: Registry,
    settings: IngestSettings,
    force: bool,
    emit: Callable[[IngestResult], None],
) -> Iterator[Job]:
    """``prepare`` each file; results for those not to parse go straight to ``emit``.

    Lazy, so the executor pulls files as it has room and a big archive is never all in memory.
    """
    seen: dict[str, str] = {}
    for path in files:
        try:
            got = prepare(path, registry, settings, force, seen=seen)
        except Refused as e:  # empty, unknown kind, too large: a failure of the file, recorded
            emit(commit(registry, e.source, e))
            continue
        except (InputFileError, RegistryError) as e:  # unreadable, or the registry is unreachable
            emit(IngestResult(display_path(path), None, "failed", reason=str(e)))
            continue
        if isinstance(got, Skip):
            emit(got.result)
            continue
        yield got


def ingest_parallel(
    files: Sequence[Path],
    registry: Registry,
    executor: ParseExecutor,
    *,
    force: bool = False,
    on_result: Callable[[IngestResult], None] | None = None,
    settings: IngestSettings | None = None,
) -> BatchSummary:
    """Parse files through ``executor`` and register each one as its parse completes (``ingest.spine``).

    ``settings`` default to the executor's. Results arrive in completion order; the summary lists every
    input file exactly once.
    """
    summary = BatchSummary(workers=executor.workers, executor=type(executor).__name__)
    started = time.perf_counter()

    def emit(result: IngestResult) -> None:
        summary.results.append(result)
        if on_result:
            on_result(result)

    for job, outcome in executor.parse_many(_jobs(files, registry, settings or executor.settings, force, emit)):
        emit(commit(registry, job, outcome))
    summary.seconds = time.perf_counter() - started
    return summary
