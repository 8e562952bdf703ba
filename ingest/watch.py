"""The secretariat's inbox: every document dropped into a folder is registered once, then filed away.

A file is taken only once it is complete: its size and mtime have not changed for ``settle_s`` seconds,
its name is not a temporary one (``*.part``, ``~$*``, ``.*``; named once in the log), and a PDF ends with
its ``%%EOF`` trailer. A PDF that stays without its trailer is waited for ``settle_timeout_s`` (default
``WatchSettings.settle_timeout_s``, ``--settle-timeout``) after its last change, then read as it is: a truncated
file goes to ``failed/`` with the reason. The log names every file waited for, given up on or left.
It is parsed, written to the registry in one transaction, and only then moved to
``processed/YYYY-MM/``; a file that cannot be read as a document goes to ``failed/`` with
``NAME.error.txt`` beside it. So a crash at any point leaves either nothing registered and the file in the
inbox, or the document registered and the file in the inbox (it is filed on the next start, not
registered twice). Nothing is deleted or overwritten: moves are hard links that refuse to replace, and name
clashes get " (n)". A reason that is not the file's fault (registry full, ``processed/`` read-only) leaves
the file in the inbox and retries it later.

inotify (watchdog) wakes the loop as soon as something changes; the folder is also rescanned every
``interval_s`` while files are settling, so a missed event costs a few seconds, never a document. On a
network share, where inotify sees nothing, ``poll=True`` relies on the rescans alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from ingest.executors import ParseExecutor, make_executor, worker_settings
from ingest.safe_names import display_name, display_path, move_no_clobber, write_new_text
from ingest.spine import Job, Refused, Skip, Unreadable, commit, prepare
from models.errors import BadArgsError, ExitCode, RegistryError, TheodoiError
from models.parsed import ParsedDocument
from models.settings import IngestSettings, WatchSettings
from store.registry import Registry

log = logging.getLogger("theodoi.watch")

PROCESSED, FAILED, STATE = "processed", "failed", ".theodoi"
TEMP_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", ".temp", ".filepart", ".swp")
# filed: registered by an earlier run whose move to processed/ failed (or was cut short by a crash)
WatchStatus = Literal["ingested", "filed", "duplicate", "failed", "retry"]
DEFAULTS = WatchSettings()  # the timings' defaults, in one place (models/settings.py)


def is_temporary(name: str) -> bool:
    """Names that belong to a copy still in progress or to an editor: ``x.pdf.part``, ``~$plan.docx``."""
    lower = name.lower()
    return name.startswith((".", "~$", "~")) or lower.endswith(TEMP_SUFFIXES)


@dataclass(frozen=True)
class WatchResult:
    """What happened to one dropped file; ``moved_to`` is None when it stays in the inbox."""

    file: str
    status: WatchStatus
    doc_id: str | None = None
    tasks: int = 0
    pages: int = 0
    moved_to: str | None = None
    reason: str | None = None
    registry_refused: bool = False  # left for a retry because the registry refused the write


@dataclass
class _Seen:
    signature: tuple[int, int, int]  # size, mtime_ns, inode
    since: float  # monotonic time this signature was first seen
    retry_at: float = 0.0  # monotonic time before which a deferred file is left alone
    delay: float = 0.0


@dataclass
class WatchSummary:
    results: list[WatchResult] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # ``--once``: names left in the inbox, still incomplete

    def counts(self) -> dict[str, int]:
        out = {"ingested": 0, "filed": 0, "duplicate": 0, "failed": 0, "retry": 0}
        for r in self.results:
            out[r.status] += 1
        return out


class Inbox:
    """One inbox folder and the rules for taking, registering and filing what is dropped into it."""

    def __init__(
        self,
        root: Path,
        registry: Registry,
        executor: ParseExecutor,
        *,
        settle_s: float = DEFAULTS.settle_s,
        retry_s: float = DEFAULTS.retry_s,
        max_retry_s: float = DEFAULTS.max_retry_s,
        settle_timeout_s: float = DEFAULTS.settle_timeout_s,
        now: Callable[[], datetime] = datetime.now,
        settings: IngestSettings | None = None,
    ) -> None:
        self.root = root.resolve()
        self.registry = registry
        self.executor = executor
        self.settings = settings or executor.settings  # the size limit; parsing is the executor's
        self.settle_s = settle_s
        self.retry_s = retry_s
        self.max_retry_s = max_retry_s
        self.settle_timeout_s = settle_timeout_s
        self._now = now
        self._seen: dict[str, _Seen] = {}
        self.deferred: set[str] = set()  # paths left in the inbox for a retry (``--once`` stops at them)
        # complete-looking size/mtime but no %%EOF yet: path -> seconds since its last change
        self.incomplete: dict[str, float] = {}
        self._named: set[tuple[str, str]] = set()  # (path, what) already said in the log

    # -- finding files ---------------------------------------------------------------------------------
    def candidates(self) -> Iterator[str]:
        """Every non-temporary file under the inbox, outside processed/, failed/ and hidden folders."""
        stack = [os.fsencode(self.root)]
        while stack:
            folder = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError as e:
                log.warning("cannot list %s: %s", display_name(folder), e.strerror)
                continue
            for entry in entries:
                name = os.fsdecode(entry.name)
                if entry.is_dir(follow_symlinks=False):
                    top = folder == os.fsencode(self.root)
                    if not name.startswith(".") and not (top and name in (PROCESSED, FAILED)):
                        stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    if not is_temporary(name):
                        yield os.fsdecode(entry.path)
                    elif self._first_time(os.fsdecode(entry.path), "ignored"):
                        log.info("ignored   %s: a temporary or hidden name (a copy in progress, an editor's"
                                 " lock file); it is taken once renamed", display_name(name))  # fmt: skip

    def finish_interrupted_moves(self) -> int:
        """Unlink inbox names whose file is already linked into processed/ or failed/.

        A move is a hard link then an unlink; a watcher killed between the two leaves the same inode under
        both names. The filed copy is complete (same inode), so dropping the inbox name loses nothing and
        keeps the file from being filed twice.
        """
        linked = {}
        for folder in (self.root / PROCESSED, self.root / FAILED):
            for dirpath, _, names in os.walk(os.fsencode(folder)):
                for name in names:
                    st = os.stat(os.path.join(dirpath, name), follow_symlinks=False)
                    if st.st_nlink > 1:
                        linked[(st.st_dev, st.st_ino)] = os.path.join(dirpath, name)
        finished = 0
        for path in list(self.candidates()):
            st = os.stat(path, follow_symlinks=False)
            if st.st_nlink > 1 and (st.st_dev, st.st_ino) in linked:
                os.unlink(path)
                log.info("%s: move to %s finished after a restart", display_name(path),
                         display_name(linked[(st.st_dev, st.st_ino)]))  # fmt: skip
                finished += 1
        return finished

    def retake_unfinished_failures(self) -> int:
        """Move back into the inbox every file in failed/ that has no ``NAME.error.txt`` beside it.

        A failed file is moved, then its failure is recorded, then its reason is written beside it; a
        watcher killed between the move and the note leaves a file in failed/ that says nothing. Taken
        again, it fails again and gets its note (and a failure row, perhaps a second one: the registry's
        failures are a log). Nothing is lost: the file is moved, never copied or deleted.
        """
        folder = self.root / FAILED
        try:
            names = set(os.listdir(os.fsencode(folder)))
        except FileNotFoundError:
            return 0
        retaken = 0
        for name in sorted(names):
            if name.endswith((b".error.txt", b".duplicate.txt")) or name + b".error.txt" in names:
                continue
            path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))
            if not path.is_file() or path.is_symlink():
                continue
            try:
                target = move_no_clobber(path, self.root, os.fsdecode(name), root=self.root)
            except (OSError, ValueError) as e:
                log.warning("%s: in %s/ without its reason, and cannot be taken again (%s)", display_name(name),
                            FAILED, e)  # fmt: skip
                continue
            log.info("%s: was being filed in %s/ when the watcher stopped (no reason beside it); taken again"
                     " as %s", display_name(name), FAILED, self._rel(target))  # fmt: skip
            retaken += 1
        return retaken

    def pending(self) -> int:
        """Files in the inbox not yet filed (settling, ready or waiting for a retry)."""
        return sum(1 for _ in self.candidates())

    def pending_paths(self) -> list[str]:
        return list(self.candidates())

    def ready(self) -> tuple[list[str], int]:
        """Files complete and due now, and how many others are still settling."""
        clock = time.monotonic()
        ready: list[str] = []
        settling = 0
        present = set()
        self.incomplete = {}
        for path in self.candidates():
            present.add(path)
            try:
                st = os.stat(path, follow_symlinks=False)
            except FileNotFoundError:
                continue
            sig = (st.st_size, st.st_mtime_ns, st.st_ino)
            seen = self._seen.get(path)
            if seen is None or seen.signature != sig:
                retry_at, delay = (seen.retry_at, seen.delay) if seen else (0.0, 0.0)
                self._seen[path] = seen = _Seen(sig, clock, retry_at, delay)
            if clock < seen.retry_at:
                continue
            if clock - seen.since < self.settle_s:
                settling += 1
                continue
            if not self._looks_complete(path, st):
                self.incomplete[path] = time.time() - st.st_mtime
                continue
            ready.append(path)
        for gone in set(self._seen) - present:
            del self._seen[gone]
        self._named = {(p, what) for p, what in self._named if os.path.lexists(p)}
        return sorted(ready), settling

    def _looks_complete(self, path: str, st: os.stat_result) -> bool:
        """A PDF without its %%EOF trailer is still being written, unless it has sat like that for
        ``settle_timeout_s`` since its last change: then it is read as it is (and fails if truncated).

        An empty file is not waited for beyond the settle time: it goes to failed/ as empty (if a copy
        was only stalled, its bytes land in failed/ and nothing is lost). Waiting and giving up are
        both logged, once per file.
        """
        try:
            with open(path, "rb") as f:
                head = f.read(1024)
                if b"%PDF-" not in head:
                    return True
                f.seek(max(0, st.st_size - 2048))
                tail = f.read()
        except OSError:
            return False
        if b"%%EOF" in tail:
            return True
        name = display_name(os.path.basename(path))
        still = time.time() - st.st_mtime
        if still > self.settle_timeout_s:
            log.warning("giving up waiting for %s: a PDF without its %%%%EOF trailer, unchanged for %.0f s"
                        " (--settle-timeout %.0f s); reading it as it is", name, still,
                        self.settle_timeout_s)  # fmt: skip
            return True
        if self._first_time(path, f"incomplete {st.st_size} {st.st_mtime_ns}"):
            log.info("waiting   %s: a PDF without its %%%%EOF trailer (still being copied?); read as it is"
                     " if unchanged for %.0f s more (--settle-timeout)", name,
                     self.settle_timeout_s - still)  # fmt: skip
        return False

    def _first_time(self, path: str, what: str) -> bool:
        """True the first time ``what`` is said about ``path`` (so the log names it once, not every scan)."""
        if (path, what) in self._named:
            return False
        self._named.add((path, what))
        return True

    # -- processing ------------------------------------------------------------------------------------
    def process(self, paths: list[str], stop: threading.Event | None = None) -> list[WatchResult]:
        """Register and file ``paths``; one result (and one log line) per file."""
        results: list[WatchResult] = []
        seen: dict[str, str] = {}  # doc_id -> path, for the bytes taken in this round

        def jobs() -> Iterator[Job]:
            for path in paths:
                if stop is not None and stop.is_set():
                    return
                job = self._prepare(path, seen, results)
                if job is not None:
                    yield job

        for job, outcome in self.executor.parse_many(jobs(), stop):
            results.append(self._finish(job, outcome))
        return results

    def _prepare(self, path: str, seen: dict[str, str], results: list[WatchResult]) -> Job | None:
        """The spine's ``prepare``, plus the watcher's own check: the file did not change while it was read."""
        name = display_name(os.path.basename(path))
        got: Job | Skip | Refused
        try:
            before = os.stat(path)
            try:
                got = prepare(Path(path), self.registry, self.settings, seen=seen)
            except Refused as e:  # empty, unknown kind, too large: filed as failed, once it has settled
                got = e
            after = os.stat(path)
        except (Unreadable, OSError) as e:  # gone meanwhile, or not readable yet
            results.append(self._defer(path, None, f"{name}: cannot read it yet ({e.strerror})"))
            return None
        except RegistryError as e:  # unreachable (a server restarting): the file waits for a retry
            results.append(self._defer(path, None, f"{name}: {e}", registry_refused=True))
            return None
        source = got.source if isinstance(got, Refused) else got
        if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or source.size != after.st_size:
            self._seen.pop(path, None)  # still changing: settle again
            if seen.get(source.doc_id) == source.shown:
                del seen[source.doc_id]
            return None
        if isinstance(got, Refused):
            results.append(self._file_failure(path, source.doc_id, str(got)))
            return None
        if isinstance(got, Skip):
            if not got.repeat:  # a repeat in this round is filed as a duplicate in the next one
                results.append(self._file_duplicate(path, got.doc_id))
            return None
        return got

    def _finish(self, job: Job, outcome: ParsedDocument | TheodoiError) -> WatchResult:
        path = str(job.path)
        name = display_name(os.path.basename(path))
        if isinstance(outcome, Exception):
            return self._file_failure(path, job.doc_id, str(outcome))
        saved = commit(self.registry, job, outcome)
        if saved.status == "failed":  # the parse succeeded: only the registry can have refused it
            return self._defer(path, job.doc_id, f"{name}: {saved.reason}", registry_refused=True)
        try:
            target = self._move(path, self._processed_dir())
        except (OSError, ValueError) as e:
            return self._defer(path, job.doc_id, f"{name}: registered, but cannot be moved to {PROCESSED}/ ({e})")
        result = WatchResult(name, "ingested", job.doc_id, saved.tasks, saved.pages, self._rel(target))
        log.info("ingested  %s: %d tasks, %d pages -> %s", name, saved.tasks, saved.pages, result.moved_to)
        self._seen.pop(path, None)
        self.deferred.discard(path)
        return result

    def _file_duplicate(self, path: str, doc_id: str) -> WatchResult:
        """Bytes already registered: this very file after an interrupted run, or a copy under a new name."""
        name = display_name(os.path.basename(path))
        try:
            first = self.registry.document(doc_id)
        except RegistryError as e:
            return self._defer(path, doc_id, f"{name}: {e}", registry_refused=True)
        same_file = first is not None and first.file == name
        folder = self._processed_dir()
        note = (
            f"{name}: same bytes as the document already registered as {doc_id[:12]}"
            f" (file {first.file if first else '?'}, registered {first.ingested_at if first else '?'});"
            " not registered again.\n"
        )
        try:
            target = self._move(path, folder)
            if not same_file:
                write_new_text(folder, target.name + ".duplicate.txt", note, root=self.root)
        except (OSError, ValueError) as e:
            return self._defer(path, doc_id, f"{name}: already registered, but cannot be moved ({e})")
        self._seen.pop(path, None)
        self.deferred.discard(path)
        if same_file:
            log.info("filed     %s: registered by an earlier run -> %s", name, self._rel(target))
            return WatchResult(name, "filed", doc_id, moved_to=self._rel(target))
        log.info("duplicate %s: already registered as %s -> %s", name, doc_id[:12], self._rel(target))
        return WatchResult(name, "duplicate", doc_id, moved_to=self._rel(target), reason=note.strip())

    def _file_failure(self, path: str, doc_id: str | None, reason: str) -> WatchResult:
        name = display_name(os.path.basename(path))
        folder = self.root / FAILED
        first_line = reason.splitlines()[0]
        try:
            target = self._move(path, folder)
        except (OSError, ValueError) as e:
            return self._defer(path, doc_id, f"{name}: failed ({first_line}) and cannot be moved ({e})")
        try:  # recorded before the note: a failed/ file without its note is taken again at start
            self.registry.record_failure(self._rel(target), first_line, sha256=doc_id)
        except TheodoiError as e:
            log.warning("could not record the failure of %s in the registry: %s", name, e)
        unwritten = ""
        note = folder / (target.name + ".error.txt")
        try:
            write_new_text(folder, note.name, reason + "\n", root=self.root)
        except (OSError, ValueError) as e:  # the inbox's disk is full: the file is in failed/ all the same
            unwritten = f" (its reason could not be written beside it: {e}; it is in this log and the registry)"
            with contextlib.suppress(OSError):
                if note.stat().st_size == 0:  # an empty note would say nothing; never leave one
                    note.unlink()
        self._seen.pop(path, None)
        self.deferred.discard(path)
        log.error("failed    %s: %s -> %s%s", name, first_line, self._rel(target), unwritten)
        return WatchResult(name, "failed", doc_id, moved_to=self._rel(target), reason=reason)

    def _defer(
        self, path: str, doc_id: str | None, reason: str, *, registry_refused: bool = False
    ) -> WatchResult:
        """Leave the file where it is and try again later, waiting longer each time (up to max_retry_s)."""
        seen = self._seen.get(path)
        if seen is not None:
            seen.delay = min(self.max_retry_s, seen.delay * 2 if seen.delay else self.retry_s)
            seen.retry_at = time.monotonic() + seen.delay
            delay = seen.delay
        else:
            delay = 0.0
        self.deferred.add(path)
        log.error("retry     %s; it stays in the inbox, next try in %.0f s", reason, delay)
        return WatchResult(display_name(os.path.basename(path)), "retry", doc_id, reason=reason,
                           registry_refused=registry_refused)  # fmt: skip

    def _processed_dir(self) -> Path:
        return self.root / PROCESSED / self._now().strftime("%Y-%m")

    def _move(self, path: str, folder: Path) -> Path:
        return move_no_clobber(Path(path), folder, os.path.basename(path), root=self.root)

    def _rel(self, target: Path) -> str:
        return display_path(target.relative_to(self.root))


class InboxLock:
    """One watcher per inbox: a second one would parse the same files twice."""

    def __init__(self, root: Path) -> None:
        state = root / STATE
        state.mkdir(exist_ok=True)
        self._file = open(state / "watch.lock", "a+")  # noqa: SIM115 - held for the watcher's lifetime
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            self._file.close()
            raise BadArgsError(f"another `theodoi watch` is already running on {root}; stop it first") from e

    def release(self) -> None:
        self._file.close()


def watch(
    inbox: Inbox,
    *,
    once: bool = False,
    poll: bool = False,
    interval_s: float = DEFAULTS.interval_s,
    idle_rescan_s: float = DEFAULTS.idle_rescan_s,
    once_wait_s: float = DEFAULTS.once_wait_s,
    stop: threading.Event | None = None,
) -> WatchSummary:
    """Run the inbox until ``stop`` is set, or (``once``) until every file found has been dealt with.

    With ``once``, a file deferred for a retry is left in the inbox and counted, not waited for; files
    still settling after ``once_wait_s`` (plus each round's processing) are left for the next run.
    """
    stop = stop or threading.Event()
    wake = threading.Event()
    observer = None if (poll or once) else _start_observer(inbox.root, wake)
    summary = WatchSummary()
    inbox.finish_interrupted_moves()
    inbox.retake_unfinished_failures()
    # --once does not wait long for a copy still in progress (or an empty file): the next run takes it
    give_up = time.monotonic() + max(once_wait_s, 2 * inbox.settle_s + 1)
    try:
        while not stop.is_set():
            ready, settling = inbox.ready()
            if once:
                ready = [p for p in ready if p not in inbox.deferred]
            if ready:
                summary.results.extend(inbox.process(ready, stop))
                continue
            if once and (settling == 0 or time.monotonic() > give_up):
                summary.left = _log_left(inbox)
                break
            log.debug("scan: %d ready, %d settling", len(ready), settling)
            busy = settling or inbox.incomplete or poll or observer is None
            _sleep(wake, stop, interval_s if busy else idle_rescan_s)
    finally:
        if observer is not None:
            observer.stop()
            observer.join(timeout=5)
    return summary


def _log_left(inbox: Inbox) -> list[str]:
    """``--once`` is done: name every file it leaves in the inbox (other than those deferred for a retry,
    named when they were deferred), and why; returns their names."""
    left = []
    for path in sorted(inbox.pending_paths()):
        name = display_name(os.path.basename(path))
        if path in inbox.deferred:
            continue
        left.append(name)
        if path in inbox.incomplete:
            log.warning("left      %s: a PDF without its %%%%EOF trailer, unchanged for %.0f s; a later run reads"
                        " it as it is once unchanged for %.0f s (--settle-timeout)", name,
                        inbox.incomplete[path], inbox.settle_timeout_s)  # fmt: skip
        else:
            log.warning("left      %s: still being written (size or time changed within --settle %.1f s);"
                        " the next run takes it", name, inbox.settle_s)  # fmt: skip
    return left


def _sleep(wake: threading.Event, stop: threading.Event, seconds: float) -> None:
    """Wait until a file event, a stop request or ``seconds``; checks ``stop`` at least twice a second."""
    end = time.monotonic() + seconds
    while not stop.is_set() and not wake.wait(min(0.5, max(0.0, end - time.monotonic()))):
        if time.monotonic() >= end:
            break
    wake.clear()


def _start_observer(root: Path, wake: threading.Event):  # type: ignore[no-untyped-def]
    """An inotify observer that only wakes the loop; None (rescans only) when inotify is unavailable."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    class Wake(FileSystemEventHandler):
        # Not "opened"/"closed_no_write": the watcher's own scans open the folder and would wake it again.
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in ("created", "moved", "closed", "modified") and not event.is_directory:
                wake.set()

    observer = Observer()
    try:
        observer.schedule(Wake(), str(root), recursive=True)
        observer.start()
    except OSError as e:  # inotify watch limit reached, or a file system without inotify
        log.warning("inotify unavailable on %s (%s); falling back to rescans every interval", root, e)
        return None
    return observer


def run_watch(
    inbox: Path,
    db: str,
    *,
    poll: bool = False,
    once: bool = False,
    timings: WatchSettings = DEFAULTS,
    workers: int = 0,
    file_timeout_s: float | None = None,
    worker_memory_mb: int | None = None,
    log_level: int = logging.INFO,
) -> int:
    """The body of ``theodoi watch``. Exit 0; with ``--once``, 4 (registry_error) when the registry refused
    a write (the file stays in the inbox for the next run), else 5 (partial_batch) when a file failed or
    had to stay in the inbox (deferred for a retry, or still incomplete)."""
    if not inbox.is_dir():
        raise BadArgsError(f"{inbox} is not a folder; create it or give the inbox's path")
    _log_to_stderr(log_level)
    lock = InboxLock(inbox)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    executor = make_executor(worker_settings(file_timeout_s, worker_memory_mb), workers=workers)
    try:
        with Registry(db) as reg:
            box = Inbox(inbox, reg, executor, settle_s=timings.settle_s, retry_s=timings.retry_s,
                        max_retry_s=timings.max_retry_s, settle_timeout_s=timings.settle_timeout_s)  # fmt: skip
            log.info("watching %s (%s), registry %s; settle %.1f s, settle timeout %.0f s", inbox,
                     "polling" if poll else "inotify", reg.shown_url, timings.settle_s, timings.settle_timeout_s)  # fmt: skip
            summary = watch(box, once=once, poll=poll, interval_s=timings.interval_s,
                            idle_rescan_s=timings.idle_rescan_s, once_wait_s=timings.once_wait_s, stop=stop)  # fmt: skip
    finally:
        executor.close()
        lock.release()
    counts = summary.counts()
    log.info(
        "done: %d ingested, %d filed, %d duplicate, %d failed, %d left for retry, %d left incomplete",
        counts["ingested"], counts["filed"], counts["duplicate"], counts["failed"], counts["retry"],
        len(summary.left),
    )  # fmt: skip
    if once and any(r.registry_refused for r in summary.results):
        return int(ExitCode.registry_error)
    if once and (counts["failed"] or counts["retry"] or summary.left):
        return int(ExitCode.partial_batch)
    return int(ExitCode.ok)


def _log_to_stderr(level: int = logging.INFO) -> None:
    """One timestamped line per file on stderr at INFO (``-q``: warnings and errors only; ``-vv``: debug),
    whatever THEODOI_LOG says for the other modules."""
    log.setLevel(min(level, logging.INFO) if level != logging.ERROR else logging.WARNING)
    if log.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    log.addHandler(handler)
    log.propagate = False
