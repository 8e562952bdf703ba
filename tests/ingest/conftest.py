"""Fixtures for the batch, watcher and PostgreSQL tests: a real PostgreSQL server and small documents.

The server is a throwaway cluster (initdb + pg_ctl) in a temporary folder, on a free loopback port, run
as the ``postgres`` user when the tests run as root (PostgreSQL refuses to run as root), stopped at the
end of the session. Missing binaries fail the test with the command to run, never skip it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pg_server
from tests.pg_server import ServerMissing, free_port, throwaway_server

__all__ = ["free_port"]  # the PostgreSQL tests import it from here

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
LETTER = SAMPLES / "cv_kgvx_letter.pdf"
PLAN = SAMPLES / "kh15_plan.pdf"


def pg_bin() -> Path:
    try:
        return pg_server.pg_bin()
    except ServerMissing as e:
        pytest.fail(str(e))


def _as_server_user(cmd: list[str]) -> list[str]:
    try:
        return pg_server.as_server_user(cmd)
    except ServerMissing as e:
        pytest.fail(str(e))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A URL to a fresh PostgreSQL database on this machine (one server for the session)."""
    try:
        server = throwaway_server()
        url = server.__enter__()
    except ServerMissing as e:
        pytest.fail(str(e))
    try:
        yield url
    finally:
        server.__exit__(None, None, None)


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
