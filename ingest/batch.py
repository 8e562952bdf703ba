"""Many files into the registry: one bad file is reported and kept, and never stops the others."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.pipeline import IngestResult, run_file
from ingest.resources import load_gazetteer
from models.errors import InputFileError, RegistryError
from models.registry import Registry
from models.settings import IngestSettings

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

    def to_json(self) -> str:
        return json.dumps(
            {"summary": self.counts(), "files": [asdict(r) for r in self.results]}, ensure_ascii=False, indent=2
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
