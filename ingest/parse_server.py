"""The forkserver that parse workers are forked from (``ingest.executors``), started as early as possible.

Importing the parsers (pdfplumber, OpenCV, spaCy) and building the gazetteer takes about a second of CPU.
The forkserver does it once and then forks each worker in milliseconds, so a worker killed at its time limit
is replaced at once; workers are its children, never the main process's, and die with it.

``theodoi ingest`` and ``theodoi watch`` call ``start(fork=True)`` first thing, while the process has one
thread: the server is then a *fork* of the command's own process, taken once the modules both sides use
(pydantic, the models, the worker loop: ``ingest.executors``) are loaded, and it imports only the parsers
while the command imports SQLAlchemy and opens the registry. Measured on a one-file ingest
(``bench/speed.py``), a fresh interpreter as forkserver (multiprocessing's own) costs ~0.5 s more CPU: its
start, and pydantic, NumPy, rich and typer (spaCy's CLI) imported a second time. Where a fork is not safe
(another thread is running, as in the watcher once started, or a test runner's) or multiprocessing's
forkserver differs from the one this was written against, multiprocessing starts its own. Library callers
(``ProcessExecutor``) get multiprocessing's own: a fork would carry over whatever the caller has patched.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import socket
import threading
from multiprocessing.context import BaseContext
from typing import NoReturn

# the parsers (ingest.pipeline) and the worker's own code; the main process itself never imports the parsers
# unless it parses in-process (``file_timeout_s=0``)
PRELOAD = ["ingest.pipeline", "ingest.executors"]


def context() -> BaseContext:
    """A forkserver that has imported the parsers; ``spawn`` where there is no forkserver.

    Not ``fork`` for the workers themselves: the watcher runs a watchdog thread (and the progress bar a
    refresh thread), and forking a process that holds threads can deadlock the child.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def start(*, fork: bool = False) -> None:
    """Start the forkserver now (it preloads in the background); a no-op once it runs.

    ``fork``: start it as a fork of this process when that is safe (see the module's docstring).
    """
    ctx = context()
    if ctx.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    if not (fork and _fork_server()):
        forkserver.ensure_running()


def _fork_server() -> bool:
    """multiprocessing's ``ForkServer.ensure_running`` with ``os.fork`` in place of a fresh interpreter;
    False (nothing done) when a server runs already, another thread runs, or the stdlib differs."""
    from multiprocessing import connection, forkserver, resource_tracker, util

    server = forkserver._forkserver  # type: ignore[attr-defined]
    expected = all(hasattr(server, a) for a in ("_forkserver_address", "_forkserver_alive_fd", "_lock"))
    if not expected or hasattr(server, "_forkserver_authkey"):  # 3.14 authenticates its clients
        return False
    if server._forkserver_pid is not None or threading.active_count() > 1:
        return False
    import ingest.executors  # noqa: F401 - what both processes need, imported once, before the fork

    with server._lock:
        resource_tracker.ensure_running()
        with socket.socket(socket.AF_UNIX) as listener:
            address = connection.arbitrary_address("AF_UNIX")
            listener.bind(address)
            if not util.is_abstract_socket_namespace(address):
                os.chmod(address, 0o600)
            listener.listen()
            # every client holds the write end of the "alive" pipe; EOF on the read end stops the server
            alive_r, alive_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                _serve(listener.fileno(), alive_r, alive_w)
            os.close(alive_r)
        server._forkserver_address = address
        server._forkserver_alive_fd = alive_w
        server._forkserver_pid = pid
    return True


def _serve(listener_fd: int, alive_r: int, alive_w: int) -> NoReturn:
    """The forked server: load what every parse needs, then serve fork requests until the main process goes."""
    from multiprocessing import forkserver

    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the main process's to handle
        os.close(alive_w)  # or the server would keep itself alive after the main process died
        _preload()
        forkserver.main(listener_fd, alive_r, [])  # raises SystemExit once the main process has gone
    except SystemExit:
        pass
    except BaseException:  # reported; the main process sees the server gone and starts its own
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def _preload() -> None:
    """Import the parsers and build the default gazetteer, once for every worker forked from here.

    A failure is left for the parse that needs the module or the file, which reports it for its document
    (multiprocessing's own forkserver ignores a preload that fails to import, too).
    """
    with contextlib.suppress(Exception):
        for name in PRELOAD:
            __import__(name)
        from ingest.resources import load_gazetteer

        load_gazetteer()
