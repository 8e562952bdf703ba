"""Session-wide test rules: tests marked ``needs_shared`` skip, with one reason, where ../shared is absent."""

from __future__ import annotations

import os

import pytest

from tests.shared_paths import HAVE_SHARED, SHARED, SKIP_REASON


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "needs_shared: reads ../shared (seeds, real documents); skipped where it is absent"
    )
    if os.environ.get("THEODOI_REQUIRE_SHARED") == "1" and not HAVE_SHARED:
        raise pytest.UsageError(f"THEODOI_REQUIRE_SHARED=1 but the shared folder is absent: {SHARED}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if HAVE_SHARED:
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if item.get_closest_marker("needs_shared") is not None:
            item.add_marker(skip)
