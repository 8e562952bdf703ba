"""Lookup data the parsers need, loaded from files once per process (parsers never open files)."""

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from models.settings import AgencySettings
from parsers.normalisers.agency import DEFAULT_FILES, Gazetteer

GAZETTEER_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteer"


def gazetteer_files(extra: Sequence[Path] = ()) -> list[Path]:
    """The shipped gazetteers and then the caller's, which may add or override bodies.

    Order matters (later files override): ``DEFAULT_FILES`` first (central, national, home province), then
    any other shipped file by name, then ``extra``.
    """
    shipped = [GAZETTEER_DIR / name for name in DEFAULT_FILES]
    others = sorted(p for p in GAZETTEER_DIR.glob("*.yaml") if p.name not in DEFAULT_FILES)
    return shipped + others + [Path(p) for p in extra]


@lru_cache(maxsize=8)
def _load(paths: tuple[Path, ...], rules: AgencySettings) -> Gazetteer:
    return Gazetteer.from_yaml_texts([p.read_text(encoding="utf-8") for p in paths], rules)


def load_gazetteer(extra: Sequence[Path] = (), rules: AgencySettings | None = None) -> Gazetteer:
    """The gazetteer of the shipped files and ``extra``, matching with ``rules`` (default thresholds if
    None); built once per process for each combination."""
    return _load(tuple(gazetteer_files(extra)), rules or AgencySettings())
