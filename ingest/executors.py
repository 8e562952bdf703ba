"""Where documents are parsed: in this process, in worker processes, or on a Dask cluster.

Parsing (``ingest.pipeline.parse_bytes``) is pure and is the slow part (pdfplumber, OCR), so it is what
runs elsewhere; writing to the registry stays in the one process that called ``parse_many``, so there is
one writer and one transaction per document whatever the executor. Bytes travel to the worker (a Dask
worker on another machine has no access to the secretariat's share), results travel back as plain data.

At most ``2 × workers`` documents are in flight, so a 10,000-file archive is never all in memory.
"""

from __future__ import annotations

import logging
import multiprocessing
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from ingest.pipeline import ParsedDocument, parse_bytes
from models.errors import BadArgsError, MissingDependencyError, TheodoiError
from models.settings import IngestSettings

log = logging.getLogger("theodoi.executors")

ExecutorKind = Literal["local", "dask"]


@dataclass(frozen=True)
class ParseJob:
    """One document to parse; ``key`` is the caller's handle (a path) and is never sent to workers."""

    key: Any
    data: bytes
    file_name: str


class WorkerCrash(TheodoiError):
    """A worker process died while parsing (killed, out of memory, a crash in a C library)."""


class ParserBug(TheodoiError):
    """The parser raised something that is not a theodoi error: a bug, reported with its traceback."""


Outcome = ParsedDocument | TheodoiError


def parse_job(data: bytes, file_name: str, settings: IngestSettings) -> ParsedDocument:
    """What a worker runs; the gazetteer is loaded once per worker process (``load_gazetteer`` caches)."""
    return parse_bytes(data, file_name, settings)


def _as_outcome(file_name: str, error: BaseException) -> TheodoiError:
    """The error a worker raised, as a theodoi error the batch can report for that one file.

    Theodoi's own errors pass through. Anything else is a parser bug: the batch must not stop for one
    bad file (the file is quarantined and the run exits ``partial_batch``), but the reason says it is a
    bug and carries the traceback so that it can be reported, never a silent fallback.
    """
    if isinstance(error, TheodoiError):
        return error
    if isinstance(error, BrokenProcessPool):
        return WorkerCrash(
            f"{file_name}: the worker process parsing it died twice (out of memory or a crash)"
        )
    detail = "".join(traceback.format_exception(error)).strip()
    return ParserBug(
        f"{file_name}: internal parser error {error.__class__.__name__}: {error}; please send the file and"
        f" this message to the maintainers\n{detail}"
    )


class ParseExecutor(Protocol):
    workers: int

    def parse_many(self, jobs: Iterable[ParseJob]) -> Iterator[tuple[ParseJob, Outcome]]:
        """Yield each job with its ParsedDocument or the error it raised, in completion order."""
        ...

    def close(self) -> None: ...


class InlineExecutor:
    """Parse in this process, one file after the other (``--workers 0``): no start-up cost."""

    workers = 1

    def __init__(self, settings: IngestSettings) -> None:
        self.settings = settings

    def parse_many(self, jobs: Iterable[ParseJob]) -> Iterator[tuple[ParseJob, Outcome]]:
        for job in jobs:
            try:
                yield job, parse_job(job.data, job.file_name, self.settings)
            except MissingDependencyError:
                raise  # tesseract missing fails every file: stop the batch and say what to install
            except Exception as e:  # quarantined per file, see _as_outcome
                yield job, _as_outcome(job.file_name, e)

    def close(self) -> None:
        return None


class _FutureExecutor:
    """Bounded submission and completion-order results over futures (processes or Dask)."""

    workers: int

    def __init__(self, settings: IngestSettings) -> None:
        self.settings = settings

    def _submit(self, job: ParseJob) -> Future[ParsedDocument]:
        raise NotImplementedError

    def _wait(self, pending: set[Future[ParsedDocument]]) -> set[Future[ParsedDocument]]:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        return done

    def _restart(self) -> None:
        raise NotImplementedError

    def parse_many(self, jobs: Iterable[ParseJob]) -> Iterator[tuple[ParseJob, Outcome]]:
        queue: deque[tuple[ParseJob, int]] = deque()
        todo = iter(jobs)
        running: dict[Future[ParsedDocument], tuple[ParseJob, int]] = {}
        limit = max(2, 2 * self.workers)
        exhausted = False
        while True:
            while not exhausted and len(queue) + len(running) < limit:
                job = next(todo, None)
                if job is None:
                    exhausted = True
                else:
                    queue.append((job, 1))
            while queue and len(running) < limit:
                job, attempt = queue.popleft()
                running[self._submit(job)] = (job, attempt)
            if not running:
                return
            broken = False
            for fut in self._wait(set(running)):
                job, attempt = running.pop(fut)
                try:
                    yield job, fut.result()
                except MissingDependencyError:
                    raise
                except BrokenProcessPool:
                    broken = True
                    if attempt >= 2:
                        yield (
                            job,
                            WorkerCrash(
                                f"{job.file_name}: the worker process parsing it died twice (out of memory or a"
                                " crash in a C library); try the file alone with --workers 0 to see the error"
                            ),
                        )
                    else:
                        queue.append((job, attempt + 1))
                except Exception as e:  # quarantined per file, see _as_outcome
                    yield job, _as_outcome(job.file_name, e)
            if broken:
                # every other future of a broken pool fails too: run them again in a fresh pool
                for job, attempt in running.values():
                    queue.append((job, attempt))
                running.clear()
                log.warning("a worker process died; restarting the pool and retrying its documents once")
                self._restart()


class ProcessExecutor(_FutureExecutor):
    """``concurrent.futures`` worker processes on this machine (``--workers N``).

    Workers are started with ``spawn`` (not ``fork``): the watcher runs a watchdog thread, and forking a
    process that holds threads can deadlock the child.
    """

    def __init__(self, settings: IngestSettings, workers: int) -> None:
        super().__init__(settings)
        if workers < 1:
            raise BadArgsError("--workers must be at least 1 for worker processes (0 parses in-process)")
        self.workers = workers
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"))

    def _submit(self, job: ParseJob) -> Future[ParsedDocument]:
        return self._pool.submit(parse_job, job.data, job.file_name, self.settings)

    def _restart(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(_FutureExecutor):
    """Documents sent to a Dask cluster: the one at ``scheduler`` (tcp://HOST:PORT), or a LocalCluster.

    The workers need theodoi installed (same version) and nothing else: the bytes are sent with the task.
    ``processes=False`` runs a LocalCluster's workers as threads (tests, small machines).
    """

    def __init__(
        self,
        settings: IngestSettings,
        workers: int,
        *,
        scheduler: str | None = None,
        processes: bool = True,
        connect_timeout_s: float = 20,
    ) -> None:
        super().__init__(settings)
        from distributed import Client, LocalCluster  # deferred: importing distributed takes ~1 s

        self._cluster = None
        try:
            if scheduler:
                self._client = Client(scheduler, timeout=connect_timeout_s, set_as_default=False)
            else:
                self._cluster = LocalCluster(
                    n_workers=max(1, workers),
                    threads_per_worker=1,
                    processes=processes,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self._client = Client(self._cluster, set_as_default=False)
        except OSError as e:  # distributed raises OSError (TimeoutError) when the scheduler is unreachable
            raise BadArgsError(
                f"cannot reach the Dask scheduler {scheduler or '(local)'}: {e}; check the address and that"
                " `dask scheduler` is running there"
            ) from e
        n = len(self._client.scheduler_info().get("workers", {}))
        self.workers = max(1, n, workers if not scheduler else 1)
        self._settings_future = self._client.scatter(settings, broadcast=True)

    def _submit(self, job: ParseJob) -> Future[ParsedDocument]:
        return self._client.submit(  # type: ignore[no-any-return]
            parse_job, job.data, job.file_name, self._settings_future, pure=False, key=None
        )

    def _wait(self, pending: set[Future[ParsedDocument]]) -> set[Future[ParsedDocument]]:
        from distributed import wait as dask_wait

        with self._client.as_current():  # the client is not the process-wide default
            done, _ = dask_wait(list(pending), return_when="FIRST_COMPLETED")
        return set(done)

    def _restart(self) -> None:
        return None  # a Dask worker that dies is replaced by the nanny; its tasks are rescheduled

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(
    settings: IngestSettings,
    *,
    workers: int = 0,
    kind: ExecutorKind = "local",
    scheduler: str | None = None,
    dask_processes: bool = True,
) -> ParseExecutor:
    """The executor the CLI options ask for: ``--workers 0`` in-process, N processes, or Dask."""
    if kind == "dask":
        return DaskExecutor(settings, workers or 1, scheduler=scheduler, processes=dask_processes)
    if scheduler:
        raise BadArgsError("--scheduler needs --executor dask")
    if workers == 0:
        return InlineExecutor(settings)
    return ProcessExecutor(settings, workers)


Factory = Callable[[], ParseExecutor]
