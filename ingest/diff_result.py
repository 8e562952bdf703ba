"""What ``theodoi diff`` produced, and its two options: shared by the command (``ingest.diff_cmd``), the HTML
page (``ingest.report``) and the command line (``ingest.cli``), none of which need import another for it.

Imports nothing at run time but the standard library: ``ingest.cli`` builds its options from
``DiffFormat`` and ``KeyMode`` when it starts, and ``theodoi --version`` should not load pydantic for that.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.diff import TaskDiff
    from models.document import Document
    from models.task import Task


class DiffFormat(StrEnum):
    terminal = "terminal"
    json = "json"
    html = "html"
    xlsx = "xlsx"


class KeyMode(StrEnum):
    """Pair tasks by annex/section/STT too: ``auto`` when B revises A."""

    auto = "auto"
    yes = "yes"
    no = "no"


@dataclass(frozen=True)
class Side:
    """One side of a diff: the registered document and its tasks in document order."""

    document: Document
    tasks: list[Task]
    ingested_now: bool = False


@dataclass(frozen=True)
class DiffResult:
    a: Side
    b: Side
    diff: TaskDiff


def doc_label(d: Document) -> str:
    return d.meta.number or d.file
