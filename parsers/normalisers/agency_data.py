"""Gazetteer data: YAML texts -> validated, merged entries (no matching here, see ``parsers.normalisers.agency``).

The gazetteer is data, not code: ``data/gazetteer/central.yaml`` (central bodies, and the words agency
names are built from: person titles, fillers, head nouns), ``vietnam.yaml`` (every province's standard
bodies, places, units, groups), then one file per province (``daklak.yaml``). Another province is another
YAML file passed after these. An entry whose name folds to an existing one is merged into it: the later
file's kind, level, note and ``each`` win and its aliases and short forms are added, so a province file
overrides what the national layer says about a body without losing the national spellings. The ingest
layer reads the files; this module only ever sees their text.
"""

import re
from collections.abc import Sequence
from typing import Literal

import yaml
from pydantic import ValidationError, field_validator

from models.base import Frozen
from models.errors import BadArgsError
from parsers.normalisers.text import clean_cell, fold

EntryKind = Literal["agency", "group"]
Level = Literal["province", "central", "party", "local"]


class GazetteerError(BadArgsError):
    """A gazetteer YAML text is malformed or contradicts itself (fix the data file named in the message)."""


def _required(value: str, message: str) -> str:
    """The value cleaned (NFC, whitespace); empty after cleaning is a data error with ``message``."""
    cleaned = clean_cell(value)
    if not cleaned:
        raise ValueError(message)
    return cleaned


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
    # For a group of like bodies, the body each listed place names: "UBND các tỉnh: Lào Cai, Phú Thọ" with
    # each="UBND tỉnh" is UBND tỉnh Lào Cai + UBND tỉnh Phú Thọ.
    each: str | None = None

    @field_validator("name")
    @classmethod
    def _clean_name(cls, value: str) -> str:
        return _required(value, "an entry needs a non-empty name")

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


class Place(Frozen):
    """A province or centrally-run city ("Lâm Đồng", unit "tỉnh"); ``former`` = merged away in 2025."""

    name: str
    unit: str
    aliases: list[str] = []
    former: bool = False

    @field_validator("name", "unit")
    @classmethod
    def _clean(cls, value: str) -> str:
        return _required(value, "a place needs a non-empty name and unit")


class Unit(Frozen):
    """An administrative unit word a place name follows ("tỉnh", "xã"; "TP." is "thành phố").

    ``listed``: only known places may follow it ("tỉnh" + a name in ``places``), so a person's name after
    "UBND tỉnh" is never read as a province; other units take any capitalised name ("xã Đức Trọng").
    """

    name: str
    aliases: list[str] = []
    listed: bool = False


class _FileModel(Frozen):
    province: str | None = None
    home: list[str] | None = None
    titles: list[str] = []
    fillers: list[str] = []
    heads: list[str] = []
    group_words: list[str] = []
    plural_words: list[str] = []
    not_heads: list[str] = []
    breaks: list[str] = []
    compounds: list[str] = []
    words: list[str] = []
    abbreviations: dict[str, str] = {}
    contractions: dict[str, str] = {}
    units: list[Unit] = []
    places: list[Place] = []
    entries: list[GazetteerEntry] = []


class GazetteerData(Frozen):
    """All files merged: entries in load order (later files merged in place), and the word lists.

    ``titles``, ``fillers``, ``heads``, ``group_words``, ``plural_words``, ``not_heads``, ``breaks``,
    ``compounds``, ``words``, ``abbreviations``, ``contractions``, ``units`` and ``places`` are unioned over the files;
    ``home`` (the province the canonical names imply) is the last file's that declares one.
    """

    entries: list[GazetteerEntry]
    titles: list[str]
    fillers: list[str]
    sources: list[str]  # the ``province`` label of each file, in load order
    heads: list[str] = []
    group_words: list[str] = []
    plural_words: list[str] = []
    not_heads: list[str] = []
    breaks: list[str] = []
    compounds: list[str] = []
    words: list[str] = []  # words of bodies' names, for reading OCR slips in unknown bodies
    abbreviations: dict[str, str] = {}  # as printed -> written out, for unknown bodies' names
    contractions: dict[str, str] = {}  # written out (any case and tone placement) -> canonical short form
    units: list[Unit] = []
    places: list[Place] = []
    home: list[str] = []


_AMPERSAND = re.compile(r"\s*&\s*")


def alias_text(text: str) -> str:
    """The comparable form of a name before tokenising: NFC, folded, "&" read as "và".

    "Sở KH&CN" -> "sở kh và cn", "Sở Giáo dục & Đào tạo" -> "sở giáo dục và đào tạo".
    """
    return fold(_AMPERSAND.sub(" và ", clean_cell(text)))


def _union(values: list[str], more: Sequence[str]) -> list[str]:
    seen = {alias_text(v) for v in values}
    out = list(values)
    for value in more:
        if alias_text(value) not in seen:
            seen.add(alias_text(value))
            out.append(value)
    return out


def _merge(earlier: GazetteerEntry, later: GazetteerEntry) -> GazetteerEntry:
    """``later`` redefines ``earlier`` (same name): its fields win, the spellings of both are kept."""
    return later.model_copy(
        update={
            "aliases": _union(later.aliases, earlier.aliases),
            "short": _union(later.short, earlier.short),
        }
    )


# libyaml's safe loader where PyYAML has it: the same data, the gazetteer's YAML read in half the time
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    words: dict[str, dict[str, str]] = {
        k: {} for k in ("heads", "group_words", "plural_words", "not_heads", "breaks", "compounds", "words")
    }
    units: dict[str, Unit] = {}
    places: dict[str, Place] = {}
    abbreviations: dict[str, str] = {}
    contractions: dict[str, str] = {}
    home: list[str] = []
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
            # dict keeps the first position; the later entry wins and keeps the earlier spellings
            merged[key] = _merge(merged[key], entry) if key in merged else entry
        for title in model.titles:
            titles.setdefault(alias_text(title), title)
        for filler in model.fillers:
            fillers.setdefault(alias_text(filler), filler)
        for name, bucket in words.items():
            for word in getattr(model, name):
                bucket.setdefault(alias_text(word), word)
        abbreviations.update(model.abbreviations)
        contractions.update(model.contractions)
        for unit in model.units:
            units[alias_text(unit.name)] = unit
        for place in model.places:
            places[alias_text(place.name)] = place
        if model.home is not None:
            home = list(model.home)
    return GazetteerData(
        entries=list(merged.values()),
        titles=list(titles.values()),
        fillers=list(fillers.values()),
        sources=sources,
        **{name: list(bucket.values()) for name, bucket in words.items()},
        abbreviations=abbreviations,
        contractions=contractions,
        units=list(units.values()),
        places=list(places.values()),
        home=home,
    )


def _parse_one(text: str, number: int) -> _FileModel:
    try:
        raw = yaml.load(text, Loader=_YAML_LOADER)  # a safe loader (libyaml's where installed)
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
