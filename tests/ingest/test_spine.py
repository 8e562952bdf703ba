"""The spine (``ingest.spine``): prepare reads, hashes and checks a file once; commit is one transaction.

Real files, a real SQLite registry, the real parser; the only wrapping is a counter around the real
``read_bytes`` and ``sha256_hex`` to show that each file is read and hashed once whoever takes it.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pytest

from ingest import spine
from ingest.batch import ingest_parallel
from ingest.executors import InlineExecutor
from ingest.spine import Job, Refused, Skip, Unreadable, commit, parse, prepare, run_file
from models.settings import IngestSettings, PdfSettings
from store.registry import Registry
from tests.ingest.conftest import corrupt_pdf, write_variants


@pytest.fixture()
def reg(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Registry(tmp_path / "r.sqlite") as registry:
        yield registry


def test_prepare_parse_commit_registers_a_file_once(tmp_path: Path, reg: Registry, tiny_bytes: bytes) -> None:
    path = tmp_path / "công văn.pdf"
    path.write_bytes(tiny_bytes)
    job = prepare(path, reg, IngestSettings())
    assert isinstance(job, Job) and job.kind == "pdf" and not job.existed
    assert job.doc_id == hashlib.sha256(tiny_bytes).hexdigest() and job.size == len(tiny_bytes)
    parsed = parse(pickle.loads(pickle.dumps(job)))  # plain data: it crosses process boundaries as it is
    result = commit(reg, job, parsed)
    assert (result.status, result.tasks) == ("ingested", len(parsed.tasks)) and result.tasks > 0
    assert reg.document(job.doc_id) is not None

    again = prepare(path, reg, IngestSettings())
    assert isinstance(again, Skip) and not again.repeat and again.result.status == "skipped"
    forced = prepare(path, reg, IngestSettings(), force=True)
    assert isinstance(forced, Job) and forced.existed
    assert commit(reg, forced, parse(forced)).status == "replaced"


def test_the_same_bytes_twice_in_a_run_are_a_repeat_before_the_registry_is_asked(
    tmp_path: Path, reg: Registry, tiny_bytes: bytes
) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    first.write_bytes(tiny_bytes)
    second.write_bytes(tiny_bytes)
    seen: dict[str, str] = {}
    assert isinstance(prepare(first, reg, IngestSettings(), seen=seen), Job)
    skip = prepare(second, reg, IngestSettings(), seen=seen)
    assert isinstance(skip, Skip) and skip.repeat and skip.reason == f"same bytes as {first}"


def test_a_file_over_the_size_limit_is_refused_before_parsing_and_recorded(
    tmp_path: Path, reg: Registry, tiny_bytes: bytes
) -> None:
    path = tmp_path / "lớn.pdf"
    path.write_bytes(tiny_bytes)
    settings = IngestSettings(pdf=PdfSettings(max_file_mb=len(tiny_bytes) / 1024 / 1024 / 2))
    with pytest.raises(Refused, match=r"over the 0 MB limit \(PdfSettings.max_file_mb\)") as caught:
        prepare(path, reg, settings)
    assert "--max-file-mb" not in str(caught.value)  # no such option: the message names the setting
    result = commit(reg, caught.value.source, caught.value)
    assert result.status == "failed" and result.doc_id == hashlib.sha256(tiny_bytes).hexdigest()
    assert reg.document(result.doc_id) is None


def test_an_empty_and_a_missing_file(tmp_path: Path, reg: Registry) -> None:
    (tmp_path / "rỗng.pdf").write_bytes(b"")
    with pytest.raises(Refused, match="the file is empty"):
        prepare(tmp_path / "rỗng.pdf", reg, IngestSettings())
    with pytest.raises(Unreadable, match="cannot read the file") as caught:
        prepare(tmp_path / "không có.pdf", reg, IngestSettings())
    assert caught.value.strerror == "No such file or directory"


def test_run_file_and_the_batch_read_and_hash_each_file_once(
    tmp_path: Path, reg: Registry, tiny_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_variants(tmp_path / "in", tiny_bytes, 3)
    (tmp_path / "in" / "hỏng.pdf").write_bytes(corrupt_pdf(tiny_bytes))
    files.append(tmp_path / "in" / "hỏng.pdf")
    reads: list[str] = []
    hashes: list[int] = []
    real_read, real_hash = Path.read_bytes, spine.sha256_hex
    monkeypatch.setattr(Path, "read_bytes", lambda p: reads.append(p.name) or real_read(p))
    monkeypatch.setattr(spine, "sha256_hex", lambda data: hashes.append(len(data)) or real_hash(data))

    assert run_file(files[0], IngestSettings(), reg).status == "ingested"
    assert (reads, len(hashes)) == ([files[0].name], 1)
    reads.clear()
    hashes.clear()
    summary = ingest_parallel(files, reg, InlineExecutor(IngestSettings(file_timeout_s=0)))
    assert [r.status for r in summary.results] == ["skipped", "ingested", "ingested", "failed"]
    assert sorted(reads) == sorted(p.name for p in files) and len(hashes) == len(files)


@pytest.mark.issue(14)
def test_run_file_parses_under_the_time_limit_and_writes_nothing_when_it_is_reached(
    tmp_path: Path, reg: Registry
) -> None:
    """``theodoi diff FILE`` registers through ``run_file``: a parse that never ends is stopped, as in a batch."""
    from models.errors import InputFileError
    from tests.faults.hostile import recursive_pdf

    endless = tmp_path / "vòng lặp.pdf"
    endless.write_bytes(recursive_pdf())
    with pytest.raises(InputFileError, match="took longer than 3 s"):
        run_file(endless, IngestSettings(file_timeout_s=3), reg)
    assert not reg.has_document(hashlib.sha256(endless.read_bytes()).hexdigest())
