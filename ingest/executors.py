"""Where documents are parsed: in this process, in worker processes, or on a Dask cluster.

Parsing (``ingest.spine.parse``) is pure and is the slow part (pdfplumber, OCR), so it is what
runs elsewhere; writing to the registry stays in the one process that called ``parse_many``, so there is
one writer and one transaction per document whatever the executor. Bytes travel to the worker (a Dask
worker on another machine has no access to the secretariat's share), results travel back as plain data.

At most ``2 × workers`` documents are in flight, so a 10,000-file archive is never all in memory.

On this machine every parse runs in a child process (``ProcessExecutor``; ``InlineExecutor`` is one such
child for ``--workers 0``), so that a parse that never ends (a PDF whose objects refer to each other
sends pdfminer round a loop for ever) or eats all memory is *killed*, not waited for: after
``IngestSettings.file_timeout_s`` (``--file-timeout``) the child is killed with its process group
(tesseract, LibreOffice), the file is reported "took longer than N s", and a fresh child takes the next
file. A child that dies (out of memory, a crash in a C library) is replaced and its file retried once;
the other files in flight are not touched. Children are forked from a forkserver that has imported
the parsers once (``ingest.parse_server``; a new child costs milliseconds, not the second or two of a fresh
interpreter), and they die with the process that started them (``PR_SET_PDEATHSIG`` plus a watch on
its pid). ``file_timeout_s=0`` turns the limit off and, with ``--workers 0``, parses in this process as
before.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import multiprocessing
import os
import resource
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_ready
from typing import Any, Literal, Protocol

from ingest import parse_server
from ingest.spine import Job, parse
from models.errors import BadArgsError, InputFileError, MissingDependencyError, TheodoiError
from models.parsed import ParsedDocument
from models.settings import IngestSettings

log = logging.getLogger("theodoi.executors")

ExecutorKind = Literal["local", "dask"]
# (on_total(n): a file's n pages are about to be OCR'd, on_page(): one more page done)
PageProgress = tuple[Callable[[int], None], Callable[[], None]]


class WorkerCrash(TheodoiError):
    """A worker process died while parsing (killed, out of memory, a crash in a C library)."""


class ParserBug(TheodoiError):
    """The parser raised something that is not a theodoi error: a bug, reported with its traceback."""


class ParseTimeout(InputFileError):
    """The parse of one file took longer than ``IngestSettings.file_timeout_s``; its process was killed."""


class OutOfMemory(InputFileError):
    """The parse of one file needed more than ``IngestSettings.worker_memory_mb``."""


Outcome = ParsedDocument | TheodoiError
DaskFuture = Any  # a ``distributed.Future``; distributed is imported only when Dask is asked for

def _as_outcome(file_name: str, error: BaseException) -> TheodoiError:
    """The error a worker raised, as a theodoi error the batch can report for that one file.

    Theodoi's own errors pass through. Anything else is a parser bug: the batch must not stop for one
    bad file (the file is quarantined and the run exits ``partial_batch``), but the reason says it is a
    bug and carries the traceback so that it can be reported, never a silent fallback.
    """
    if isinstance(error, TheodoiError):
        return error
    detail = "".join(traceback.format_exception(error)).strip()
    return ParserBug(
        f"{file_name}: internal parser error {error.__class__.__name__}: {error}; please send the file and"
        f" this message to the maintainers\n{detail}"
    )


def _take(todo: Iterator[Job], queue: deque[tuple[Job, int]], room: int) -> bool:
    """Queue up to ``room`` more jobs (first attempts) from ``todo``; True once ``todo`` has run dry.

    Every executor keeps at most ``2 × workers`` documents queued or in flight, so a long batch never holds
    every file's bytes at once.
    """
    for _ in range(room):
        job = next(todo, None)
        if job is None:
            return True
        queue.append((job, 1))
    return False


def _crash(file_name: str, exitcode: int | None = None, memory_mb: int = 0) -> WorkerCrash:
    how = f" (killed by signal {-exitcode})" if exitcode is not None and exitcode < 0 else ""
    limit = f", over the {memory_mb} MB a parse may use" if memory_mb else ""
    return WorkerCrash(
        f"{file_name}: the worker process parsing it died twice{how} (out of memory{limit}, or a crash in"
        " a C library); try the file alone with --workers 0 -v to see the error"
    )


def _out_of_memory(file_name: str, error: BaseException, settings: IngestSettings) -> OutOfMemory | None:
    """A parse that ran out of the worker's memory (a decompression bomb inside a PDF stream), said so,
    whatever wrapped the ``MemoryError`` ("corrupt PDF (MemoryError …)")."""
    seen: BaseException | None = error
    while seen is not None and not isinstance(seen, MemoryError):
        seen = seen.__cause__ or seen.__context__
    if seen is None:
        return None
    return OutOfMemory(
        f"{file_name}: needs more than the {settings.worker_memory_mb} MB of memory a parse may use"
        f" (IngestSettings.worker_memory_mb): a decompression bomb, or a document too big to read ({error})"
    )


def _timeout(file_name: str, seconds: float) -> ParseTimeout:
    return ParseTimeout(
        f"{file_name}: took longer than {seconds:g} s to parse (--file-timeout); the parse was stopped."
        " A damaged file (objects that refer to each other) never ends; a very long scan may need a"
        " larger --file-timeout"
    )


@contextlib.contextmanager
def ocr_page_progress(on_total: Callable[[int], None], on_page: Callable[[], None]) -> Iterator[None]:
    """Report OCR progress of files parsed in this process: ``on_total(n)`` when a file's n pages are
    about to be OCR'd, ``on_page()`` after each page (called from OCR threads).

    The pipeline has no page callback, so this wraps the OCR module's entry points for the duration of the
    ``with`` block: ``ocr_pdf_pages`` (it receives the list of pages to OCR), ``image_prep.decode_image``
    (a multi-page TIFF's frames) and ``ocr_page_image`` (called once per page, by both). A worker process
    runs it around its parse and sends the calls to the process that shows the bar.
    """
    from parsers.readers import image_prep, ocr

    saved = (ocr.ocr_pdf_pages, ocr.ocr_page_image, image_prep.decode_image)
    pdf_pages, page_image, decode_image = saved

    def counted_pdf_pages(data: bytes, page_numbers: list[int], *args: Any, **kwargs: Any) -> Any:
        on_total(len(page_numbers))
        return pdf_pages(data, page_numbers, *args, **kwargs)

    def counted_page_image(*args: Any, **kwargs: Any) -> Any:
        result = page_image(*args, **kwargs)
        on_page()
        return result

    def counted_decode(*args: Any, **kwargs: Any) -> Any:
        images = decode_image(*args, **kwargs)
        on_total(len(images))
        return images

    ocr.ocr_pdf_pages, ocr.ocr_page_image, image_prep.decode_image = (
        counted_pdf_pages, counted_page_image, counted_decode,
    )  # fmt: skip
    try:
        yield
    finally:
        ocr.ocr_pdf_pages, ocr.ocr_page_image, image_prep.decode_image = saved


class ParseExecutor(Protocol):
    workers: int
    settings: IngestSettings  # its limits (time, memory); the jobs carry the settings they are parsed with

    def parse_many(
        self, jobs: Iterable[Job], stop: threading.Event | None = None
    ) -> Iterator[tuple[Job, Outcome]]:
        """Yield each job with its ParsedDocument or the error it raised, in completion order; once
        ``stop`` is set, return without waiting for the files in flight (they get no outcome)."""
        ...

    def close(self) -> None: ...


# -- worker processes on this machine ---------------------------------------------------------------------
_PR_SET_PDEATHSIG = 1


def _die_with_parent(main_pid: int) -> None:
    """Make this worker die when the process that started it dies, even while it is stuck in C code.

    ``PR_SET_PDEATHSIG`` (Linux) kills it when its parent (the forkserver, which exits when the main
    process does) goes; a thread also checks every half second that the main process and the parent
    are still there (the signal cannot be asked for before the fork, so a parent that died in between
    would be missed). The worker holds no copy of the forkserver's "alive" pipe, so the forkserver ends
    with the main process and not with the last worker.
    """
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    with contextlib.suppress(Exception):  # private: the forkserver's liveness pipe, inherited by fork
        from multiprocessing import forkserver

        fd = forkserver._forkserver._forkserver_alive_fd  # type: ignore[attr-defined]
        if fd is not None and parent != main_pid:
            os.close(fd)
            forkserver._forkserver._forkserver_alive_fd = None  # type: ignore[attr-defined]

    def gone() -> bool:
        if os.getppid() != parent:
            return True
        try:
            os.kill(main_pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    def watch() -> None:
        while not gone():
            time.sleep(0.5)
        os._exit(70)

    if gone():
        os._exit(70)
    threading.Thread(target=watch, name="theodoi-parent-watch", daemon=True).start()


def _worker_main(conn: Connection, settings: IngestSettings, main_pid: int, progress: bool) -> None:
    """A parse worker: receives a ``Job``, sends back ("done", outcome); ``None`` ends it.

    Runs in its own process group, so that a timeout kills the tesseract or LibreOffice it started
    too, and a Ctrl-C on the terminal reaches the main process only (which then stops its workers).
    """
    _die_with_parent(main_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    if settings.worker_memory_mb:
        with contextlib.suppress(OSError, ValueError):  # a hard limit lower than ours stays
            cap = settings.worker_memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
    lock = threading.Lock()

    def send(message: tuple[Any, ...]) -> None:
        with lock:
            conn.send(message)

    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        file_name = job.file_name
        watching = (
            ocr_page_progress(lambda n: send(("total", n)), lambda: send(("page",)))
            if progress
            else contextlib.nullcontext()
        )
        outcome: Outcome
        try:
            with watching:
                outcome = parse(job)
        except Exception as e:  # quarantined per file, see _as_outcome
            outcome = _out_of_memory(file_name, e, settings) or _as_outcome(file_name, e)
        del job
        try:
            send(("done", outcome))
        except Exception as e:  # an outcome that does not pickle is a bug, reported for that file
            send(("done", _as_outcome(file_name, e)))
        if isinstance(outcome, OutOfMemory):
            return  # its heap is fragmented and maybe half-freed: the next file gets a fresh worker


@dataclass
class _Slot:
    """One worker process and the job it is parsing (None: idle)."""

    proc: multiprocessing.process.BaseProcess
    conn: Connection
    job: Job | None = None
    attempt: int = 1
    started: float = 0.0
    deadline: float = math.inf


class ProcessExecutor:
    """Worker processes on this machine (``--workers N``), each parsing one file at a time.

    Each job has a deadline (``settings.file_timeout_s``); a worker past it is killed with its process
    group and replaced, and only its own file fails. A worker that dies is replaced and its file retried
    once (then reported as a crash); the files of the other workers are not disturbed. Workers start on
    the first file that needs parsing, so a batch of already-registered files starts none.
    """

    def __init__(
        self, settings: IngestSettings, workers: int, *, progress: PageProgress | None = None
    ) -> None:
        if workers < 1:
            raise BadArgsError("--workers must be at least 1 for worker processes (0 parses in-process)")
        self.settings = settings
        self.workers = workers
        self.timeout_s = settings.file_timeout_s or math.inf
        self.progress = progress
        self._ctx = parse_server.context()
        self._slots: list[_Slot] = []
        self._closed = False
        parse_server.start()  # its imports overlap with opening the registry and listing files

    # -- worker life ---------------------------------------------------------------------------------
    def _start(self) -> _Slot:
        ours, theirs = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(  # type: ignore[attr-defined]
            target=_worker_main,
            args=(theirs, self.settings, os.getpid(), self.progress is not None),
            name="theodoi-parser",
            daemon=True,
        )
        proc.start()
        theirs.close()
        slot = _Slot(proc, ours)
        self._slots.append(slot)
        return slot

    def _kill(self, slot: _Slot) -> None:
        """Kill a worker and everything it started (its process group), and forget it."""
        pid = slot.proc.pid
        if pid is not None:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)  # the worker leads its own group (tesseract, soffice)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        slot.proc.join(timeout=10)
        slot.conn.close()
        with contextlib.suppress(ValueError):
            slot.proc.close()
        self._slots.remove(slot)

    def _idle(self) -> _Slot | None:
        for slot in self._slots:
            if slot.job is None:
                return slot
        return self._start() if len(self._slots) < self.workers else None

    def _send(self, slot: _Slot, job: Job, attempt: int) -> bool:
        try:
            slot.conn.send(job)
        except (OSError, EOFError):  # the idle worker died meanwhile (killed, out of memory)
            self._kill(slot)
            return False
        slot.job, slot.attempt = job, attempt
        slot.started = time.monotonic()
        slot.deadline = slot.started + self.timeout_s
        return True

    def _receive(self, slot: _Slot) -> tuple[str, Any]:
        """The worker's next message: ("done", outcome), ("total", n), ("page",), or ("dead", None)."""
        try:
            if slot.conn.poll():
                message = slot.conn.recv()
                return message[0], (message[1] if len(message) > 1 else None)
        except (EOFError, OSError):
            return "dead", None
        if not slot.proc.is_alive():
            return "dead", None
        return "busy", None

    # -- the batch -----------------------------------------------------------------------------------
    def parse_many(
        self, jobs: Iterable[Job], stop: threading.Event | None = None
    ) -> Iterator[tuple[Job, Outcome]]:
        try:
            yield from self._parse_many(jobs, stop)
        finally:  # an abandoned batch (an error in the caller, Ctrl-C): its parses are of no use now
            for slot in [s for s in self._slots if s.job is not None]:
                self._kill(slot)

    def _parse_many(self, jobs: Iterable[Job], stop: threading.Event | None) -> Iterator[tuple[Job, Outcome]]:
        queue: deque[tuple[Job, int]] = deque()
        todo = iter(jobs)
        exhausted = False
        limit = max(2, 2 * self.workers)
        while True:
            busy = [s for s in self._slots if s.job is not None]
            if not exhausted:
                exhausted = _take(todo, queue, limit - len(queue) - len(busy))
            while queue:
                slot = self._idle()
                if slot is None:
                    break
                job, attempt = queue[0]
                if self._send(slot, job, attempt):
                    queue.popleft()
            busy = [s for s in self._slots if s.job is not None]
            if not busy:
                if queue:
                    continue
                return
            now = time.monotonic()
            wait_s = max(0.0, min(s.deadline for s in busy) - now)
            if stop is not None:
                wait_s = min(wait_s, 0.5)  # a stop request (SIGTERM to the watcher) is seen within 0.5 s
            ready = wait_ready(
                [s.conn for s in busy] + [s.proc.sentinel for s in busy],
                timeout=None if math.isinf(wait_s) else wait_s,
            )
            if stop is not None and stop.is_set():
                log.info("stopping: %d parse(s) in flight abandoned", len(busy))
                return  # parse_many's finally kills their workers; their files are left where they are
            for slot in busy:
                if slot.conn not in ready and slot.proc.sentinel not in ready:
                    continue
                kind, value = self._outcome(slot)
                job = slot.job
                assert job is not None
                if kind == "done":
                    slot.job, slot.deadline = None, math.inf
                    if isinstance(value, MissingDependencyError):
                        raise value  # tesseract missing fails every file: stop and say what to install
                    yield job, value
                elif kind == "dead":
                    slot.proc.join(timeout=5)
                    code = slot.proc.exitcode
                    self._kill(slot)
                    if slot.attempt >= 2:
                        yield job, _crash(job.file_name, code, self.settings.worker_memory_mb)
                    else:
                        log.warning("a worker process died (exit %s) parsing %s; retrying it once in a new"
                                    " one", code, job.file_name)  # fmt: skip
                        queue.appendleft((job, slot.attempt + 1))
            now = time.monotonic()
            for slot in [s for s in self._slots if s.job is not None and s.deadline <= now]:
                kind, value = self._outcome(slot)
                job = slot.job
                assert job is not None
                if kind == "done":  # finished just in time
                    slot.job, slot.deadline = None, math.inf
                    yield job, value
                    continue
                self._kill(slot)
                log.info("%s: took longer than %g s; its worker process was killed", job.file_name,
                            self.timeout_s)  # fmt: skip
                yield job, _timeout(job.file_name, self.timeout_s)

    def _outcome(self, slot: _Slot) -> tuple[str, Any]:
        """The slot's next message that is not progress ("done" or "dead"); progress is passed on."""
        kind, value = self._receive(slot)
        while kind in ("total", "page"):
            self._progress(kind, value)
            kind, value = self._receive(slot)
        return kind, value

    def running(self) -> list[tuple[int, str, float]]:
        """(worker pid, file name, seconds so far) of each file being parsed now."""
        now = time.monotonic()
        return [
            (s.proc.pid or 0, s.job.file_name, now - s.started)
            for s in list(self._slots)
            if s.job is not None
        ]

    def _progress(self, kind: str, value: Any) -> None:
        if self.progress is None:
            return
        on_total, on_page = self.progress
        if kind == "total":
            on_total(int(value))
        else:
            on_page()

    def close(self) -> None:
        """Stop every worker: idle ones are asked to finish, busy ones (an abandoned batch) are killed."""
        if self._closed:
            return
        self._closed = True
        for slot in list(self._slots):
            if slot.job is None:
                with contextlib.suppress(OSError, EOFError):
                    slot.conn.send(None)
        deadline = time.monotonic() + 5
        for slot in list(self._slots):
            if slot.job is None:
                slot.proc.join(timeout=max(0.0, deadline - time.monotonic()))
            self._kill(slot)


class InlineExecutor(ProcessExecutor):
    """``--workers 0``: one file at a time, in one worker process that can be killed at its time limit.

    With no time limit (``file_timeout_s=0``) files are parsed in this very process, as before there was
    a limit: no process at all, but nothing can stop a parse that never ends.
    """

    def __init__(self, settings: IngestSettings, *, progress: PageProgress | None = None) -> None:
        self.in_process = not settings.file_timeout_s
        if self.in_process:
            self.settings, self.workers, self.progress = settings, 1, progress
            self.timeout_s, self._slots, self._closed = math.inf, [], False
            return
        super().__init__(settings, 1, progress=progress)

    def parse_many(
        self, jobs: Iterable[Job], stop: threading.Event | None = None
    ) -> Iterator[tuple[Job, Outcome]]:
        if not self.in_process:
            yield from super().parse_many(jobs, stop)
            return
        for job in jobs:
            watching = ocr_page_progress(*self.progress) if self.progress else contextlib.nullcontext()
            try:
                with watching:
                    outcome: Outcome = parse(job)
            except MissingDependencyError:
                raise  # tesseract missing fails every file: stop the batch and say what to install
            except Exception as e:  # quarantined per file, see _as_outcome
                outcome = _as_outcome(job.file_name, e)
            yield job, outcome


class DaskExecutor:
    """Documents sent to a Dask cluster: the one at ``scheduler`` (tcp://HOST:PORT), or a LocalCluster.

    The workers need theodoi installed (same version) and nothing else: the bytes are sent with the task.
    ``processes=False`` runs a LocalCluster's workers as threads (tests, small machines).

    Limits, as on this machine but enforced the cluster's way: a document that runs past
    ``file_timeout_s`` on a worker is reported "took longer than N s" and that worker is restarted by its
    nanny (the only way to stop a parse stuck in a loop); a worker that dies (killed, out of memory: start
    workers with ``--memory-limit``) has its documents rescheduled by the scheduler on the others, and a
    document that kills ``distributed.scheduler.allowed-failures`` workers in a row is reported as a crash.
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
        self.settings = settings
        self._late: dict[DaskFuture, float] = {}  # stopped for running past the time limit
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
        # The settings travel with each job (a few hundred bytes), never scattered: scattered data lives on
        # the workers only, and a worker that dies takes it with it ("lost scattered data, which can't be
        # recovered"), cancelling every document still to parse (found by tests/faults/test_dask_cluster.py).
        self._started: dict[str, float] = {}  # task key -> when a worker was first seen running it

    def parse_many(
        self, jobs: Iterable[Job], stop: threading.Event | None = None
    ) -> Iterator[tuple[Job, Outcome]]:
        """Yield each job with its outcome as it completes, at most ``2 × workers`` documents submitted."""
        todo = iter(jobs)
        running: dict[DaskFuture, Job] = {}
        limit = max(2, 2 * self.workers)
        while True:
            while len(running) < limit and (job := next(todo, None)) is not None:
                running[self._client.submit(parse, job, pure=False, key=None)] = job
            if not running:
                return
            for fut in self._wait(set(running)):
                job = running.pop(fut)
                if fut in self._late:
                    yield job, _timeout(job.file_name, self._late.pop(fut))
                    continue
                try:
                    yield job, fut.result()
                except MissingDependencyError:
                    raise
                except Exception as e:  # quarantined per file, see _failed
                    yield job, self._failed(job, e)

    def _wait(self, pending: set[DaskFuture]) -> set[DaskFuture]:
        from distributed import wait as dask_wait

        limit = self.settings.file_timeout_s
        while True:
            with self._client.as_current():  # the client is not the process-wide default
                try:
                    done, _ = dask_wait(list(pending), timeout=1 if limit else None, return_when="FIRST_COMPLETED")
                except TimeoutError:
                    done = set()
            late = self._stop_late(pending, limit) if limit else set()
            if done or late:
                for fut in done | late:
                    self._started.pop(fut.key, None)
                return set(done) | late

    def _stop_late(self, pending: set[DaskFuture], limit: float) -> set[DaskFuture]:
        """Futures running longer than ``limit`` on a worker: cancelled, and their workers restarted."""
        now = time.monotonic()
        running = {key: addr for addr, keys in self._client.processing().items() for key in keys}
        late, workers = set(), set()
        for fut in pending:
            if fut.key not in running:
                continue
            started = self._started.setdefault(fut.key, now)
            if now - started > limit:
                late.add(fut)
                workers.add(running[fut.key])
                self._late[fut] = limit
        if late:
            self._client.cancel(list(late))
            log.warning("stopping %d document(s) past the %g s limit: restarting their Dask workers", len(late), limit)
            with contextlib.suppress(Exception):  # a worker without a nanny cannot restart: it stays busy
                self._client.restart_workers(sorted(workers), raise_for_error=False)
        return late

    def _failed(self, job: Job, error: Exception) -> Outcome:
        from distributed import KilledWorker

        if isinstance(error, KilledWorker):
            return WorkerCrash(
                f"{job.file_name}: every Dask worker that parsed it died (out of memory or a crash); the"
                " scheduler gave up after its allowed failures"
            )
        return _as_outcome(job.file_name, error)

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def worker_settings(file_timeout_s: float | None, worker_memory_mb: int | None) -> IngestSettings:
    """The settings with the command line's per-file limits (None: the default), for ingest and watch."""
    limits = {"file_timeout_s": file_timeout_s, "worker_memory_mb": worker_memory_mb}
    return IngestSettings(**{k: v for k, v in limits.items() if v is not None})


def make_executor(
    settings: IngestSettings,
    *,
    workers: int = 0,
    kind: ExecutorKind = "local",
    scheduler: str | None = None,
    dask_processes: bool = True,
    progress: PageProgress | None = None,
) -> ParseExecutor:
    """The executor the CLI options ask for: ``--workers 0`` one file at a time, N processes, or Dask.

    ``progress`` (OCR pages of the file being parsed) is reported for ``--workers 0`` only.
    """
    if kind == "dask":
        return DaskExecutor(settings, workers or 1, scheduler=scheduler, processes=dask_processes)
    if scheduler:
        raise BadArgsError("--scheduler needs --executor dask")
    if workers == 0:
        return InlineExecutor(settings, progress=progress)
    return ProcessExecutor(settings, workers)
