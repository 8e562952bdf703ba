"""What parsing one file produced: its Document, its Tasks and the readers' warnings.

Plain data that crosses process boundaries (a worker parses, the main process registers). It lives here,
not beside the parser (``ingest.pipeline``), so that the process receiving it imports only ``models`` to
unpickle it, never the parsers (pdfplumber, spaCy: seconds of imports a registering process has no use for).
"""

from dataclasses import dataclass, field

from models.document import Document
from models.task import Task


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    tasks: list[Task]
    warnings: list[str] = field(default_factory=list)
