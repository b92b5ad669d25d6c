"""Places: a search over every township and village tract, the state → township → village
tract cascade it fills in, a free-text village and optional coordinates."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label

from fieldkit.tui.widgets.base import FieldWidget
from fieldkit.tui.widgets.picker import MAX_MATCHES, ChoicePicker, filter_terms
from forms import location_label, states, townships, village_tracts
from forms.locations import level_of, parent_of

_WORDS = {
    "en": {
        "search": "Find a township or village tract (type part of its name)",
        "state": "State / region",
        "township": "Township",
        "village_tract": "Village tract",
        "village": "Village (free text)",
        "coordinates": "Coordinates (optional): latitude, longitude",
        "bad_coordinates": "Type coordinates as two numbers: 16.87, 96.19.",
    },
    "my": {
        "search": "မြို့နယ် သို့မဟုတ် ကျေးရွာအုပ်စု ရှာရန် (အမည်တစ်စိတ်တစ်ပိုင်း ရိုက်ပါ)",
        "state": "ပြည်နယ် / တိုင်းဒေသကြီး",
        "township": "မြို့နယ်",
        "village_tract": "ကျေးရွာအုပ်စု",
        "village": "ကျေးရွာ (စာသား)",
        "coordinates": "ကိုဩဒိနိတ် (မဖြစ်မနေ မဟုတ်): လတ္တီတွဒ်, လောင်ဂျီတွဒ်",
        "bad_coordinates": "ကိုဩဒိနိတ်ကို ကိန်းနှစ်လုံးဖြင့် ရေးပါ: 16.87, 96.19။",
    },
}
_COORDS = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*[,\s]\s*([+-]?\d+(?:\.\d+)?)\s*$")
LEVELS = ("state", "township", "village_tract")


@cache
def _places(lang: str) -> tuple[tuple[str, str, str], ...]:
    """Every township and village tract as (pcode, 'Name, Township, State', folded)."""
    out: list[tuple[str, str, str]] = []
    for state in states():
        state_name = location_label(state.code, lang)
        for township in townships(state.code):
            town_name = location_label(township.code, lang)
            text = f"{town_name}, {state_name}"
            out.append((township.code, text, text.casefold()))
            for tract in village_tracts(township.code):
                text = f"{location_label(tract.code, lang)}, {town_name}, {state_name}"
                out.append((tract.code, text, text.casefold()))
    return tuple(out)


def search_places(text: str, lang: str, limit: int = MAX_MATCHES) -> list[tuple[str, str]]:
    """Townships and village tracts whose name (or P-code) contains ``text``; names first."""
    needle = text.strip().casefold()
    if len(needle) < 2:
        return []  # one letter matches thousands of places; wait for more
    starts: list[tuple[str, str]] = []
    contains: list[tuple[str, str]] = []
    for code, label, folded in _places(lang):
        if folded.startswith(needle):
            starts.append((code, label))
            if len(starts) >= limit:
                break
        elif len(contains) < limit and (needle in folded or needle in code.casefold()):
            contains.append((code, label))
    return (starts + contains)[:limit]


def chain_of(pcode: str) -> dict[str, str | None]:
    """The state, township and village tract a P-code sits in (itself included)."""
    out: dict[str, str | None] = dict.fromkeys(LEVELS)
    code: str | None = pcode
    while code is not None:
        level = level_of(code)
        if level is None:
            break
        out[level] = code
        code = parent_of(code)
    return out


class LocationField(FieldWidget):
    """``location``: search or cascade, village and coordinates."""

    DEFAULT_CSS = """
    LocationField .loc-label { color: $text-muted; width: 100%; }
    LocationField .loc-cascade { margin-left: 2; }
    """

    def _words(self) -> dict[str, str]:
        return _WORDS.get(self.lang, _WORDS["en"])

    def _place_name(self, code: str) -> str:
        try:
            return location_label(code, self.lang)
        except KeyError:
            return code

    def compose_control(self) -> ComposeResult:
        words = self._words()
        yield Label(words["search"], classes="loc-label loc-label-search")
        yield ChoicePicker(
            lambda text: search_places(text, self.lang),
            self._place_name,
            placeholder="…",
            classes="loc-search control",
        )
        yield Label(words["state"], classes="loc-label loc-label-state")
        yield ChoicePicker(self._states, self._place_name, classes="loc-state loc-cascade")
        yield Label(words["township"], classes="loc-label loc-label-township")
        yield ChoicePicker(self._townships, self._place_name, classes="loc-township loc-cascade")
        yield Label(words["village_tract"], classes="loc-label loc-label-village_tract")
        yield ChoicePicker(self._tracts, self._place_name, classes="loc-village_tract loc-cascade")
        yield Label(words["village"], classes="loc-label loc-label-village")
        yield Input(classes="loc-village", compact=True)
        yield Label(words["coordinates"], classes="loc-label loc-label-coordinates")
        yield Input(placeholder="16.87, 96.19", classes="loc-coordinates", compact=True)

    def on_mount(self) -> None:
        # The search picker only fills in the cascade; it never holds a choice itself.
        self.query_one(".loc-search", ChoicePicker).empty_text = ""
        self.query_one(".loc-search", ChoicePicker).refresh_labels()

    def _level(self, level: str) -> ChoicePicker:
        return self.query_one(f".loc-{level}", ChoicePicker)

    def _terms(self, terms: list[Any], text: str) -> list[tuple[str, str]]:
        return filter_terms([(t.code, self._place_name(t.code)) for t in terms], text)

    def _states(self, text: str) -> list[tuple[str, str]]:
        return self._terms(states(), text)

    def _townships(self, text: str) -> list[tuple[str, str]]:
        state = self._level("state").value
        return self._terms(townships(state), text) if state else []

    def _tracts(self, text: str) -> list[tuple[str, str]]:
        township = self._level("township").value
        return self._terms(village_tracts(township), text) if township else []

    # -- answers ---------------------------------------------------------------------

    def _coordinates(self) -> dict[str, float] | str | None:
        text = self.query_one(".loc-coordinates", Input).value.strip()
        if not text:
            return None
        match = _COORDS.match(text)
        if match is None:
            return text
        return {"lat": float(match.group(1)), "lon": float(match.group(2))}

    def answer(self) -> Any:
        out: dict[str, Any] = {level: self._level(level).value for level in LEVELS}
        village = self.query_one(".loc-village", Input).value.strip()
        out["village"] = village or None
        coordinates = self._coordinates()
        out["coordinates"] = coordinates
        if not any(out.values()):
            return None
        return out

    def local_error(self) -> str | None:
        if isinstance(self._coordinates(), str):
            return self._words()["bad_coordinates"]
        return None

    def show_value(self, value: Any) -> None:
        data = value if isinstance(value, dict) else {}
        for level in LEVELS:
            code = data.get(level)
            self._level(level).set_codes([code] if isinstance(code, str) else [])
        village = data.get("village")
        self.query_one(".loc-village", Input).value = village if isinstance(village, str) else ""
        coords = data.get("coordinates")
        text = ""
        if isinstance(coords, dict):
            text = f"{coords.get('lat')}, {coords.get('lon')}"
        elif isinstance(coords, str):
            text = coords
        self.query_one(".loc-coordinates", Input).value = text

    def set_language(self, lang: str) -> None:
        super().set_language(lang)
        words = self._words()
        for key in ("search", *LEVELS, "village", "coordinates"):
            self.query_one(f".loc-label-{key}", Label).update(words[key])
        for picker in self.query(ChoicePicker):
            picker.refresh_labels()

    # -- events ----------------------------------------------------------------------

    @on(ChoicePicker.Changed)
    def _picked(self, event: ChoicePicker.Changed) -> None:
        event.stop()
        picker = event.picker
        if picker.has_class("loc-search"):
            code = picker.value
            picker.set_codes([])
            if code is None:
                return
            chain = chain_of(code)
            for level in LEVELS:
                found = chain[level]
                self._level(level).set_codes([found] if found else [])
        elif picker.has_class("loc-state"):
            self._level("township").set_codes([])
            self._level("village_tract").set_codes([])
        elif picker.has_class("loc-township"):
            township = picker.value
            tract = self._level("village_tract").value
            if tract is None or township is None or parent_of(tract) != township:
                self._level("village_tract").set_codes([])
        self.changed()

    @on(Input.Changed, ".loc-village, .loc-coordinates")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.changed()
