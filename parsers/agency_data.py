"""Gazetteer data: YAML texts -> validated, merged entries (no matching here, see ``parsers.agency``).

The gazetteer is data, not code: ``data/gazetteer/central.yaml`` (central bodies, person titles, fillers)
then one file per province (``daklak.yaml``). Another province is another YAML file passed after these;
an entry whose name folds to an existing one replaces it, anything else is added. The ingest layer reads
the files; this module only ever sees their text.
"""

import re
from collections.abc import Sequence
from typing import Literal

import yaml
from pydantic import ValidationError, field_validator

from models.base import Frozen
from models.errors import BadArgsError
from parsers.text import clean_cell, fold

EntryKind = Literal["agency", "group"]
Level = Literal["province", "central", "party"]


class GazetteerError(BadArgsError):
    """A gazetteer YAML text is malformed or contradicts itself (fix the data file named in the message)."""


class GazetteerEntry(Frozen):
    """One body or group as the YAML file spells it.

    ``short`` holds the tails used in factored lists: for "Sở Tư pháp" the short form "Tư pháp" lets
    "Sở Khoa học và Công nghệ, Tư pháp" name two bodies. For an agency at least one short form must
    end its name ("Sở " + "Tư pháp"); the part before it ("sở") is the head a list must be about.
    """

    name: str
    kind: EntryKind
    level: Level = "province"
    aliases: list[str] = []
    short: list[str] = []
    note: str | None = None

    @field_validator("name")
    @classmethod
    def _clean_name(cls, value: str) -> str:
        cleaned = clean_cell(value)
        if not cleaned:
            raise ValueError("an entry needs a non-empty name")
        return cleaned

    @field_validator("aliases", "short")
    @classmethod
    def _clean_list(cls, values: list[str]) -> list[str]:
        return [c for c in (clean_cell(v) for v in values) if c]

    @property
    def head(self) -> str:
        """Folded head of an agency's short forms ("Sở Tư pháp" / "Tư pháp" -> "sở"); "" for groups."""
        if self.kind == "group" or not self.short:
            return ""
        name = fold(self.name)
        for short in self.short:
            tail = fold(short)
            if name.endswith(" " + tail):
                return name[: -len(tail)].strip()
        return ""


class _FileModel(Frozen):
    province: str | None = None
    titles: list[str] = []
    fillers: list[str] = []
    entries: list[GazetteerEntry] = []


class GazetteerData(Frozen):
    """All files merged: entries in load order (later files' replacements in place), titles and fillers."""

    entries: list[GazetteerEntry]
    titles: list[str]
    fillers: list[str]
    sources: list[str]  # the ``province`` label of each file, in load order


_AMPERSAND = re.compile(r"\s*&\s*")


def alias_text(text: str) -> str:
    """The comparable form of a name before tokenising: NFC, folded, "&" read as "và".

    "Sở KH&CN" -> "sở kh và cn", "Sở Giáo dục & Đào tạo" -> "sở giáo dục và đào tạo".
    """
    return fold(_AMPERSAND.sub(" và ", clean_cell(text)))


def parse_yaml_texts(texts: Sequence[str]) -> GazetteerData:
    """Validate and merge gazetteer YAML texts in order (later files override entries of the same name).

    Raises:
        GazetteerError: a text is not YAML, has unknown keys, an agency's short forms do not end its name,
            or one file lists the same name twice.
    """
    if not texts:
        raise GazetteerError("no gazetteer text given: pass data/gazetteer/central.yaml and a province file")
    merged: dict[str, GazetteerEntry] = {}
    titles: dict[str, str] = {}
    fillers: dict[str, str] = {}
    sources: list[str] = []
    for number, text in enumerate(texts, start=1):
        model = _parse_one(text, number)
        label = model.province or f"file {number}"
        sources.append(label)
        seen: set[str] = set()
        for entry in model.entries:
            key = alias_text(entry.name)
            if key in seen:
                raise GazetteerError(
                    f"gazetteer {label!r} lists {entry.name!r} twice: merge the two entries into one"
                )
            seen.add(key)
            if entry.kind == "agency" and entry.short and not entry.head:
                raise GazetteerError(
                    f"gazetteer {label!r}: no short form of {entry.name!r} ends its name "
                    f"(short={entry.short}); add the tail used in lists, e.g. 'Tư pháp' for 'Sở Tư pháp'"
                )
            merged[key] = entry  # dict keeps the first position, takes the later value
        for title in model.titles:
            titles.setdefault(alias_text(title), title)
        for filler in model.fillers:
            fillers.setdefault(alias_text(filler), filler)
    return GazetteerData(
        entries=list(merged.values()),
        titles=list(titles.values()),
        fillers=list(fillers.values()),
        sources=sources,
    )


def _parse_one(text: str, number: int) -> _FileModel:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise GazetteerError(f"gazetteer file {number} is not valid YAML: {e}") from e
    if not isinstance(raw, dict):
        raise GazetteerError(
            f"gazetteer file {number} must be a mapping with 'entries:' (and optional 'province', "
            f"'titles', 'fillers'); got {type(raw).__name__}"
        )
    try:
        return _FileModel.model_validate(raw)
    except ValidationError as e:
        raise GazetteerError(f"gazetteer file {number} has an invalid entry: {e}") from e
