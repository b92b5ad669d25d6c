"""Myanmar states/regions, townships and village tracts (Source: MIMU P-codes 9.6)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from forms.model import Term

SOURCE = "Source: MIMU P-codes 9.6"


@dataclass(frozen=True, slots=True)
class _Place:
    pcode: str
    parent: str | None
    en: str
    my: str


@dataclass(frozen=True)
class _Gazetteer:
    places: dict[str, _Place]
    children: dict[str | None, tuple[str, ...]]
    source: str


@cache
def _gazetteer() -> _Gazetteer:
    # Loaded once per process; the file ships inside the package.
    raw = resources.files("forms").joinpath("vocabularies/locations.json").read_bytes()
    document = json.loads(raw)
    places: dict[str, _Place] = {}
    children: dict[str | None, list[str]] = {}
    for pcode, en, my in document["states"]:
        places[pcode] = _Place(pcode, None, en, my)
        children.setdefault(None, []).append(pcode)
    for level in ("townships", "village_tracts"):
        for pcode, parent, en, my in document[level]:
            places[pcode] = _Place(pcode, parent, en, my)
            children.setdefault(parent, []).append(pcode)
    return _Gazetteer(
        places=places,
        children={key: tuple(value) for key, value in children.items()},
        source=str(document["source"]),
    )


def _term(place: _Place) -> Term:
    return Term(code=place.pcode, label={"en": place.en, "my": place.my}, parent=place.parent)


@cache
def _terms(parent: str | None) -> tuple[Term, ...]:
    gazetteer = _gazetteer()
    return tuple(_term(gazetteer.places[code]) for code in gazetteer.children.get(parent, ()))


def level_of(pcode: str) -> str | None:
    """``state``, ``township`` or ``village_tract`` for a known P-code, else None."""
    if pcode not in _gazetteer().places:
        return None
    return {6: "state", 9: "township", 12: "village_tract"}.get(len(pcode))


def parent_of(pcode: str) -> str | None:
    """The P-code one level up (None for states and unknown codes)."""
    place = _gazetteer().places.get(pcode)
    return place.parent if place else None


def states() -> list[Term]:
    """The 18 states and regions (including Nay Pyi Taw)."""
    return list(_terms(None))


def townships(state_pcode: str) -> list[Term]:
    """Townships of a state or region; empty for an unknown code."""
    if level_of(state_pcode) != "state":
        return []
    return list(_terms(state_pcode))


def village_tracts(township_pcode: str) -> list[Term]:
    """Active village tracts of a township (urban townships may have none)."""
    if level_of(township_pcode) != "township":
        return []
    return list(_terms(township_pcode))


def location_label(pcode: str, lang: str) -> str:
    """The place's name in ``lang`` (English when the language is not ``my``)."""
    place = _gazetteer().places.get(pcode)
    if place is None:
        raise KeyError(pcode)
    return place.my if lang == "my" else place.en


def location_source() -> str:
    """Attribution for the place names and codes."""
    return _gazetteer().source
