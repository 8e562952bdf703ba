"""Fixtures for the batch, watcher and PostgreSQL tests: a real PostgreSQL server and small documents.

The server is a throwaway cluster (initdb + pg_ctl) in a temporary folder, on a free loopback port, run
as the ``postgres`` user when the tests run as root (PostgreSQL refuses to run as root), stopped at the
end of the session. Missing binaries fail the test with the command to run, never skip it.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
LETTER = SAMPLES / "cv_kgvx_letter.pdf"
PLAN = SAMPLES / "kh15_plan.pdf"


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        pytest.fail(
            "PostgreSQL server binaries are missing (/usr/lib/postgresql/*/bin/pg_ctl):"
            " run `make install` (it installs Debian's postgresql package), then re-run the tests"
        )
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail("running as root and there is no `postgres` user to run the server: run `make install`")
    return ["runuser", "-u", "postgres", "--", *cmd]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A URL to a fresh PostgreSQL database on this machine (one server for the session)."""
    bindir = pg_bin()
    base = Path(tempfile.mkdtemp(prefix="theodoi-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    port = free_port()
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    try:
        subprocess.run(
            _as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", "theodoi", "--auth=trust",
                             "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
            **run,
        )  # fmt: skip
        subprocess.run(
            _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w",
                             "-t", "60", "-o", f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off",
                             "start"]),
            **run,
        )  # fmt: skip
    except subprocess.CalledProcessError as e:
        log = (base / "server.log").read_text(errors="replace") if (base / "server.log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {e.stderr}\n{log}")
    try:
        yield f"postgresql://theodoi@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            subprocess.run(
                _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                capture_output=True, timeout=60,
            )  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture()
def pg_db(pg_url: str) -> Iterator[str]:
    """A database of its own for one test, dropped afterwards."""
    import sqlalchemy as sa

    name = f"t_{os.getpid()}_{free_port()}"
    admin = sa.create_engine(
        pg_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" STRATEGY FILE_COPY'))
    try:
        yield pg_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def sample(path: Path) -> bytes:
    if not path.exists():
        pytest.fail(
            f"{path} is missing: run `make samples` (samples/make_samples.py renders it from the seeds)"
        )
    return path.read_bytes()


def variant(data: bytes, n: int) -> bytes:
    """Other bytes (another sha256). The tiny letter gives *another document*: the letter rendered with
    the number {1000 + n}/UBND-KGVX (since issue 13 one document received twice is one document, so tests
    that drop N files to get N documents need N numbers); any other PDF gets a comment after %%EOF: the
    same document, another rendition."""
    base = tiny_letter(1000 + n) if isinstance(data, TinyLetter) else data
    return base + f"\n% theodoi test variant {n}\n".encode()


@pytest.fixture(scope="session")
def letter_bytes() -> bytes:
    return sample(LETTER)


def write_variants(folder: Path, data: bytes, count: int, *, start: int = 0, stem: str = "cv") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        p = folder / f"{stem}_{i:04d}.pdf"
        p.write_bytes(variant(data, i))
        paths.append(p)
    return paths


class TinyLetter(bytes):
    """The bytes of ``tiny_letter``: ``variant`` re-renders these with another number."""


@functools.cache
def tiny_letter(number: int = 12) -> bytes:
    """A one-page Công văn with three directives (about 50 ms to parse): cheap enough to drop by hundreds.
    Rendered once per number (cached), so equal numbers give equal bytes."""
    from reportlab.lib.pagesizes import A4

    from tests.fixtures.make_table_pdfs import Para, build_pdf

    return TinyLetter(build_pdf(
        [
            Para("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", bold=True),
            Para(f"Số: {number}/UBND-KGVX"),
            Para("Đắk Lắk, ngày 10 tháng 6 năm 2026"),
            Para("V/v triển khai chuyển đổi số"),
            Para("1. Giao Sở Khoa học và Công nghệ chủ trì:"),
            Para("- Rà soát, nâng cấp trang thiết bị đầu cuối tại cấp xã; hoàn thành trước ngày 30/6/2026."),
            Para("- Tham mưu triển khai Kế hoạch số 51/KH-UBND; hoàn thành trong tháng 7/2026."),
            Para(
                "2. Giao Sở Tài chính chủ trì: bố trí kinh phí thực hiện; báo cáo UBND tỉnh trước ngày 15/7/2026."
            ),
        ],
        page_size=A4,
    ))


@pytest.fixture(scope="session")
def tiny_bytes() -> bytes:
    return tiny_letter()


def corrupt_pdf(data: bytes) -> bytes:
    """A PDF cut in the middle of its objects, as a failed download leaves it (still ends with %%EOF)."""
    return data[: len(data) // 3] + b"\n%%EOF\n"


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())
