"""Answer validation: types, shapes, relevance, requiredness, constraints, repeats."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms import Form, load_form_text, validate_answers
from forms.messages import message_keys

TODAY = dt.date(2025, 1, 1)

FORM = load_form_text(
    """
id: sample
version: 1
title: {en: Sample, my: နမူနာ}
languages: [en, my]
fields:
  - {name: name, type: text, label: {en: Name, my: အမည်}, required: true, sensitive: true}
  - {name: story, type: text, multiline: true, label: {en: Story, my: ဇာတ်လမ်း}}
  - {name: age, type: integer, label: {en: Age, my: အသက်}, constraint: . >= 0}
  - {name: height, type: decimal, label: {en: Height, my: အရပ်}}
  - {name: adult, type: calculate, label: {en: Adult, my: လူကြီး}, calculation: "${age} >= 18"}
  - {name: guardian, type: text, label: {en: Guardian, my: အုပ်ထိန်းသူ},
     relevant: "${age} < 18", required: true}
  - {name: alive, type: boolean, label: {en: Alive, my: အသက်ရှင်}, default: true}
  - {name: when, type: date, label: {en: When, my: ဘယ်တော့}}
  - {name: at, type: time, label: {en: At, my: အချိန်}}
  - name: colour
    type: select_one
    label: {en: Colour, my: အရောင်}
    choices:
      - {code: red, label: {en: Red, my: အနီ}}
      - {code: blue, label: {en: Blue, my: အပြာ}}
  - {name: needs, type: select_multiple, label: {en: Needs, my: လိုအပ်ချက်},
     choices: humanitarian_needs}
  - {name: first_need, type: select_one, label: {en: First, my: ပထမ},
     choices: humanitarian_needs, choice_filter: "selected(${needs}, .)"}
  - {name: place, type: location, label: {en: Place, my: နေရာ}, min_level: village_tract}
  - {name: photo, type: attachment, label: {en: Photo, my: ဓာတ်ပုံ}}
  - {name: consent, type: consent, label: {en: Consent, my: သဘောတူညီချက်}}
  - {name: info, type: note, label: {en: Info, my: သတင်း}}
  - name: people
    type: repeat
    label: {en: People, my: လူများ}
    min_repeat: 1
    max_repeat: 2
    fields:
      - {name: person, type: text, label: {en: Name, my: အမည်}, required: true}
      - {name: older, type: boolean, label: {en: Older, my: အသက်ကြီး}, relevant: "${age} > 60"}
""",
    "sample.yaml",
)


def check(answers: dict[str, Any], *, form: Form = FORM, **kwargs: Any) -> dict[str, str]:
    base = {"name": "A", "age": 30, "people": [{"person": "B"}]}
    result = validate_answers(form, {**base, **answers}, today=TODAY, **kwargs)
    return {error.path: error.message for error in result.errors}


def normalised(answers: dict[str, Any]) -> dict[str, Any]:
    base = {"name": "A", "age": 30, "people": [{"person": "B"}]}
    result = validate_answers(FORM, {**base, **answers}, today=TODAY)
    assert result.ok, result.errors
    return result.answers


def test_minimal_answers_with_default_and_calculation() -> None:
    answers = normalised({})
    assert answers == {
        "name": "A",
        "age": 30,
        "adult": True,
        "alive": True,
        "people": [{"person": "B"}],
    }


def test_unknown_keys_and_note_answers() -> None:
    assert set(check({"nope": 1, "info": "x"})) == {"nope", "info"}
    assert set(check({"people": [{"person": "B", "extra": 1}]})) == {"people[0].extra"}


@pytest.mark.parametrize(
    ("answers", "path"),
    [
        ({"name": 5}, "name"),
        ({"name": "two\nlines"}, "name"),
        ({"age": "30"}, "age"),
        ({"age": True}, "age"),
        ({"age": 1.5}, "age"),
        ({"height": "tall"}, "height"),
        ({"alive": "yes"}, "alive"),
        ({"at": "25:00"}, "at"),
        ({"colour": "green"}, "colour"),
        ({"needs": ["food", "food"]}, "needs[1]"),
        ({"needs": "food"}, "needs"),
        ({"photo": "abc"}, "photo"),
        ({"height": float("inf")}, "height"),
    ],
)
def test_type_errors(answers: dict[str, Any], path: str) -> None:
    assert set(check(answers)) == {path}


def test_text_is_normalised() -> None:
    assert normalised({"name": "  A  ", "story": "a\nb"})["story"] == "a\nb"
    assert normalised({"name": "A"})["name"] == "A"
    assert normalised({"age": 30.0})["age"] == 30
    assert normalised({"at": "07:05:59"})["at"] == "07:05"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-05", {"precision": "day", "value": "2024-03-05", "around": False}),
        ("2024-03", {"precision": "month", "value": "2024-03", "around": False}),
        ("2024", {"precision": "year", "value": "2024", "around": False}),
        (
            {"precision": "unknown", "value": None},
            {"precision": "unknown", "value": None, "around": False},
        ),
        (
            {
                "precision": "month",
                "value": "2023-11",
                "around": True,
                "until": {"precision": "day", "value": "2024-01-15"},
            },
            {
                "precision": "month",
                "value": "2023-11",
                "around": True,
                "until": {"precision": "day", "value": "2024-01-15"},
            },
        ),
    ],
)
def test_date_shapes(raw: Any, expected: dict[str, Any]) -> None:
    assert normalised({"when": raw})["when"] == expected


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ("2024-02-30", "when.value"),
        ("5 March", "when"),
        ({"precision": "day", "value": "2024-03"}, "when.value"),
        ({"precision": "unknown", "value": "2024"}, "when.value"),
        ({"precision": "week", "value": "2024"}, "when.precision"),
        ("2025-06-01", "when.value"),
        ({"precision": "year", "value": "2024", "until": "2023"}, "when.until"),
        ({"precision": "unknown", "value": None, "until": "2023"}, "when.until"),
        ({"precision": "year", "value": "2024", "around": "yes"}, "when.around"),
        ({"precision": "year", "value": "2024", "circa": True}, "when.circa"),
    ],
)
def test_date_errors(raw: Any, path: str) -> None:
    assert set(check({"when": raw})) == {path}


def test_relevance_drops_answers_like_odk() -> None:
    result = validate_answers(
        FORM,
        {"name": "A", "age": 30, "guardian": "G", "people": [{"person": "B", "older": True}]},
        today=TODAY,
    )
    assert result.ok
    assert result.dropped == ["guardian", "people[0].older"]
    assert "guardian" not in result.answers
    # Relevant and missing: required.
    assert set(check({"age": 10})) == {"guardian"}


def test_partial_skips_requiredness_only() -> None:
    result = validate_answers(FORM, {"age": 10}, today=TODAY, partial=True)
    assert result.ok, result.errors
    result = validate_answers(FORM, {"age": "x"}, today=TODAY, partial=True)
    assert [e.path for e in result.errors] == ["age"]


def test_repeats() -> None:
    assert set(check({"people": []})) == {"people"}
    assert set(check({"people": [{"person": "B"}] * 3})) == {"people"}
    assert set(check({"people": [{}]})) == {"people[0].person"}
    assert set(check({"people": ["x"]})) == {"people[0]"}
    assert set(check({"people": {"person": "B"}})) == {"people"}


def test_repeat_counts_read_as_english() -> None:
    assert check({"people": []})["people"] == "At least one entry is needed."
    assert check({"people": [{"person": "B"}] * 3})["people"] == "At most 2 entries are allowed."


def test_choice_filter() -> None:
    assert normalised({"needs": ["food", "water"], "first_need": "water"})["first_need"] == "water"
    assert set(check({"needs": ["food"], "first_need": "water"})) == {"first_need"}


def test_location() -> None:
    full = {"state": "MMR005", "township": "MMR005002", "village_tract": "MMR005002002"}
    place = normalised({"place": full})["place"]
    assert place == {**full, "village": None, "coordinates": None}
    assert set(check({"place": {"state": "MMR005", "township": "MMR005002"}})) == {
        "place.village_tract"
    }
    # Urban townships without tracts are complete at township level.
    assert normalised({"place": {"state": "MMR010", "township": "MMR010001"}})["place"]
    assert set(check({"place": {"state": "MMR005", "village_tract": "MMR005002002"}})) == {
        "place.village_tract"
    }
    assert set(check({"place": {**full, "coordinates": {"lat": 95, "lon": 0}}})) == {
        "place.coordinates"
    }
    assert set(check({"place": {**full, "town": "x"}})) == {"place.town"}
    assert set(check({"place": "MMR005"})) == {"place"}


def test_consent() -> None:
    good = {"scopes": ["documentation", "legal"], "obtained": "verbal", "date": "2024-12-31"}
    assert normalised({"consent": good})["consent"] == good
    assert set(check({"consent": {**good, "scopes": ["legal"]}})) == {"consent.scopes"}
    assert set(check({"consent": {**good, "scopes": ["documentation", "sell"]}})) == {
        "consent.scopes[1]"
    }
    assert set(check({"consent": {**good, "obtained": "telepathy"}})) == {"consent.obtained"}
    assert set(check({"consent": {**good, "date": "2025-02-01"}})) == {"consent.date"}
    assert set(check({"consent": {"scopes": ["documentation"], "obtained": "verbal"}})) == {
        "consent.date"
    }


def test_messages_follow_the_language() -> None:
    assert check({"name": None})["name"] == "An answer is required."
    assert check({"name": None}, lang="my")["name"] == "ဖြေဆိုရန် လိုအပ်ပါသည်။"
    assert check({"name": None}, lang="fr")["name"] == "An answer is required."


def test_every_message_has_burmese() -> None:
    from forms.messages import _MESSAGES

    for key in message_keys():
        assert set(_MESSAGES[key]) == {"en", "my"}


def test_not_a_mapping() -> None:
    result = validate_answers(FORM, ["x"], today=TODAY)  # type: ignore[arg-type]
    assert not result.ok


@given(
    st.one_of(
        st.dates(max_value=TODAY).map(lambda d: d.isoformat()),
        st.dates(max_value=TODAY).map(lambda d: d.isoformat()[:7]),
        st.integers(1900, 2024).map(str),
    ),
    st.booleans(),
)
def test_date_normalisation_is_a_fixed_point(text: str, around: bool) -> None:
    first = normalised({"when": {**normalised({"when": text})["when"], "around": around}})
    assert normalised({"when": first["when"]}) == first
    assert first["when"]["value"] == text
