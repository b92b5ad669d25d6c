"""The cases list's filter panel (built only when first asked for) and its one-line summary."""

from __future__ import annotations

from functools import cache

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select

from fieldkit.tui.case_query import place_label
from fieldkit.tui.widgets.picker import ChoicePicker, filter_terms
from forms import states, townships

STATUS_CHOICES = [("Draft", "draft"), ("Sealed", "sealed"), ("Purged", "purged")]
PLACE_PROMPT = "State/region or township: type part of its name, enter chooses"


@cache
def place_terms(lang: str) -> tuple[tuple[str, str], ...]:
    """Every state/region and township as (pcode, label); townships name their state."""
    out: list[tuple[str, str]] = []
    for state in states():
        state_name = place_label(state.code, lang)
        out.append((state.code, state_name))
        out.extend(
            (town.code, f"{place_label(town.code, lang)}, {state_name}")
            for town in townships(state.code)
        )
    return tuple(out)


def find_places(text: str, lang: str) -> list[tuple[str, str]]:
    """States/regions and townships matching ``text``: the exact name, then names starting
    with it, then the rest ("Mon" puts Mon State before Monywa)."""
    needle = text.strip().casefold()
    found = filter_terms(list(place_terms(lang)), text)
    return sorted(found, key=lambda term: term[1].split(",")[0].casefold() != needle)


class FilterPanel(Vertical):
    """Form, status, date range and place; the screen reacts to the widgets' own messages."""

    DEFAULT_CSS = """
    FilterPanel { height: auto; padding: 0 1; border-bottom: solid $primary-background; }
    FilterPanel Horizontal { height: auto; }
    FilterPanel Select { width: 1fr; }
    FilterPanel Input { width: 20; }
    FilterPanel ChoicePicker { width: 100%; }
    """

    def __init__(self, forms: list[tuple[str, str]], lang: str) -> None:
        super().__init__(id="case-filters")
        self._forms = forms
        self._lang = lang

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Select(self._forms, prompt="Any form", id="filter-form", compact=True)
            yield Select(STATUS_CHOICES, prompt="Any status", id="filter-status",
                         compact=True)
            yield Input(placeholder="from YYYY-MM-DD", id="filter-from", max_length=10,
                        compact=True)
            yield Input(placeholder="to YYYY-MM-DD", id="filter-to", max_length=10,
                        compact=True)
        picker = ChoicePicker(
            lambda text: find_places(text, self._lang),
            lambda code: place_label(code, self._lang),
            placeholder=PLACE_PROMPT,
            id="filter-place",
        )
        picker.empty_text = "Anywhere"
        yield picker

    def set_language(self, lang: str) -> None:
        """Labels in ``lang`` from now on (the picker redraws what it shows)."""
        self._lang = lang
        self.query_one(ChoicePicker).refresh_labels()

    def set_forms(self, forms: list[tuple[str, str]]) -> None:
        self._forms = forms
        select = self.query_one("#filter-form", Select)
        value = select.value
        select.set_options(forms)
        if isinstance(value, str) and any(v == value for _, v in forms):
            select.value = value

    def clear(self) -> None:
        """Every filter back to 'any', without posting changes (the screen resets itself)."""
        with self.prevent(Select.Changed, ChoicePicker.Changed):
            for select in self.query(Select):
                select.clear()
            self.query_one(ChoicePicker).set_codes([])
        for field in self.query(Input):
            field.value = ""
