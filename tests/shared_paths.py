"""Where the team's shared folder is, and the one rule for tests that read it.

``../shared`` beside the checkout (as CI lays it out), or ``$THEODOI_SHARED`` (``$THEODOI_SEEDS`` for the
seeds alone, as ``samples/make_samples.py`` reads them). The seeds and real documents are read in place,
never copied into the project, so a clone alone does not have them: every test that reads them carries
the ``needs_shared`` mark and is skipped, with ``SKIP_REASON``, when the folder is absent
(``tests/conftest.py`` applies the mark). Set ``THEODOI_REQUIRE_SHARED=1`` (CI) to make its absence an
error instead of a skip.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("THEODOI_SHARED", ROOT.parent / "shared"))
SEEDS = Path(os.environ.get("THEODOI_SEEDS", SHARED / "seeds"))
REAL = SHARED / "real"

HAVE_SHARED = SEEDS.is_dir() and REAL.is_dir()
SKIP_REASON = (
    f"needs the team's shared folder (seeds and real documents), absent here: {SEEDS} and {REAL}"
    " (../shared beside the checkout, or set THEODOI_SHARED)"
)

# Mark a test (or a module: ``pytestmark = needs_shared``) that reads SEEDS or REAL.
needs_shared = pytest.mark.needs_shared


def shared_params(make: Callable[[], Sequence[Any]], *, n_args: int = 1) -> list[Any]:
    """Parameters computed from the shared files at import time: ``make()`` when they are there, else one
    placeholder case carrying the mark (so the module still imports, and the test shows one skip)."""
    if HAVE_SHARED:
        return list(make())
    values = (None,) * n_args
    return [pytest.param(*values, marks=needs_shared, id="needs-shared")]
