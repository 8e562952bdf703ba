"""The forkserver that parse workers are forked from (``ingest.executors``), started as early as possible.

Importing the parsers (pdfplumber, OpenCV, spaCy) takes a second or two. The forkserver does it once, in a
clean single-threaded interpreter, and then forks each worker in milliseconds. ``start()`` is called by
``theodoi ingest`` and ``theodoi watch`` before they import the parsers themselves, so that both imports
run at the same time; this module imports nothing heavy.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import BaseContext

# the parsers (ingest.pipeline) and the worker's own code; the main process itself never imports the parsers
# unless it parses in-process (``file_timeout_s=0``)
PRELOAD = ["ingest.pipeline", "ingest.executors"]


def context() -> BaseContext:
    """A forkserver that has imported the parsers; ``spawn`` where there is no forkserver.

    Not ``fork``: the watcher runs a watchdog thread (and the progress bar a refresh thread), and forking a
    process that holds threads can deadlock the child.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def start() -> None:
    """Start the forkserver now (it preloads in the background); a no-op once it runs."""
    ctx = context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()
