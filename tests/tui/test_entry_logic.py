"""The entry screen's pure helpers: skip logic, error owners, answer paths, date shapes,
place search."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldkit.tui.screens.entry_logic import error_owner, hidden_paths, value_at
from fieldkit.tui.widgets.date import precision_of
from fieldkit.tui.widgets.location import chain_of, search_places
from forms import library_form

TODAY = dt.date(2025, 6, 1)


def test_hidden_paths_follow_answers_per_repeat_entry() -> None:
    form = library_form("incident")
    answers = {
        "victims": [{"victim_sex": "male", "victim_age": 30}, {"victim_sex": "female"}],
        "follow_up": "no",
    }
    hidden = hidden_paths(form, answers, TODAY)
    assert "victims[0].victim_pregnant" in hidden
    assert "victims[1].victim_pregnant" not in hidden
    assert "victims[0].victim_age_group" in hidden
    assert "victims[1].victim_age_group" not in hidden
    assert "follow_up_notes" in hidden
    assert "follow_up_notes" not in hidden_paths(form, {"follow_up": "yes"}, TODAY)


@pytest.mark.parametrize(
    ("error", "owner"),
    [
        ("location.township", "location"),
        ("victims[0].victim_age", "victims[0].victim_age"),
        ("victims", "victims"),
        ("consent.scopes[0]", "consent"),
        ("victimsx", None),
    ],
)
def test_error_owner(error: str, owner: str | None) -> None:
    paths = ["location", "victims", "victims[0].victim_age", "consent"]
    assert error_owner(error, paths) == owner


def test_value_at() -> None:
    answers = {"victims": [{"age": 3}, {"age": 4}], "title": "x"}
    assert value_at(answers, "victims[1].age") == 4
    assert value_at(answers, "victims[2].age") is None
    assert value_at(answers, "title") == "x"


@pytest.mark.parametrize(
    ("text", "precision"),
    [("2024-02-29", "day"), ("2025-02-29", None), ("2025-13", None), ("2025-05", "month"),
     ("2025", "year"), ("25", None), ("5 May 2025", None)],
)
def test_date_shapes(text: str, precision: str | None) -> None:
    assert precision_of(text) == precision


def test_place_search_is_bounded_and_fills_the_cascade() -> None:
    matches = search_places("hpa-an", "en")
    assert matches[0] == ("MMR003001", "Hpa-An, Kayin")
    assert len(search_places("an", "en")) <= 50
    assert search_places("a", "en") == []
    tract = matches[1][0]
    assert chain_of(tract) == {"state": "MMR003", "township": "MMR003001", "village_tract": tract}
