"""A throwaway PostgreSQL server (initdb + pg_ctl in a temporary folder, on a free loopback port).

Shared by the PostgreSQL tests (``tests/ingest/conftest.py``) and the scale bench (``bench/scale.py``).
Run as the ``postgres`` user when the caller is root (PostgreSQL refuses to run as root). A missing
binary or user raises ``ServerMissing`` with the command that installs it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


class ServerMissing(RuntimeError):
    """The server cannot be started here: what is missing and how to install it."""


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise ServerMissing(
            "PostgreSQL server binaries are missing (/usr/lib/postgresql/*/bin/pg_ctl):"
            " run `make install` (it installs Debian's postgresql package), then re-run the tests"
        )
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise ServerMissing(
            "running as root and there is no `postgres` user to run the server: run `make install`"
        ) from None
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextlib.contextmanager
def throwaway_server(*settings: str) -> Iterator[str]:
    """A URL to the ``postgres`` database of a fresh server, stopped and deleted on exit. ``settings``:
    more ``-c name=value`` server settings (fsync is off: the data is thrown away)."""
    bindir = pg_bin()
    base = Path(tempfile.mkdtemp(prefix="theodoi-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    port = free_port()
    options = " ".join(f"-c {s}" for s in ("listen_addresses=127.0.0.1", "fsync=off", *settings))
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    try:
        subprocess.run(
            as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", "theodoi", "--auth=trust",
                            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
            **run,
        )  # fmt: skip
        subprocess.run(
            as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w",
                            "-t", "60", "-o", f"-p {port} -k {sock} {options}", "start"]),
            **run,
        )  # fmt: skip
    except subprocess.CalledProcessError as e:
        log = (base / "server.log").read_text(errors="replace") if (base / "server.log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise ServerMissing(f"could not start PostgreSQL: {e.stderr}\n{log}") from e
    try:
        yield f"postgresql://theodoi@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            subprocess.run(
                as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                capture_output=True, timeout=60,
            )  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)
