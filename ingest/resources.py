"""Lookup data the parsers need, loaded from files once per process (parsers never open files)."""

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from parsers.agency import Gazetteer

GAZETTEER_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteer"


def gazetteer_files(extra: Sequence[Path] = ()) -> list[Path]:
    """The shipped gazetteers (sorted by name) and then the caller's, which may add or override bodies."""
    return sorted(GAZETTEER_DIR.glob("*.yaml")) + [Path(p) for p in extra]


@lru_cache(maxsize=8)
def _load(paths: tuple[Path, ...]) -> Gazetteer:
    return Gazetteer.from_yaml_texts([p.read_text(encoding="utf-8") for p in paths])


def load_gazetteer(extra: Sequence[Path] = ()) -> Gazetteer:
    return _load(tuple(gazetteer_files(extra)))
