"""The fault suite: hostile files, killed processes, a registry that fails (issue 14).

Every test here carries the ``faults`` mark. ``faults(full=True)`` marks the heavy part (big bombs, 2,000
pages, kills at random moments): ``make test`` skips it, saying so; ``make test-faults`` runs everything
(``THEODOI_FAULTS=full``).
"""

from __future__ import annotations

import os

import pytest

from tests.ingest.conftest import letter_bytes, pg_db, pg_url, tiny_bytes  # noqa: F401 - fixtures shared

FULL = os.environ.get("THEODOI_FAULTS") == "full"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "faults(full=False): the fault suite (tests/faults); full=True: only with `make test-faults`",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if FULL:
        return
    skip = pytest.mark.skip(reason="the full fault suite: run `make test-faults` (THEODOI_FAULTS=full)")
    for item in items:
        mark = item.get_closest_marker("faults")
        if mark is not None and mark.kwargs.get("full"):
            item.add_marker(skip)
