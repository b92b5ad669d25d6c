"""The built-in library: every form and vocabulary loads, every example validates."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from forms import (
    FIELD_TYPES,
    Form,
    UnknownForm,
    form_from_json,
    form_to_json,
    library_example,
    library_form,
    library_forms,
    validate_answers,
    vocabulary,
    vocabulary_ids,
)

TODAY = dt.date(2025, 1, 1)
IDS = ["defector_debrief", "displacement", "incident", "testimony"]


def test_library_has_the_four_forms() -> None:
    assert [form.id for form in library_forms()] == IDS


@pytest.mark.parametrize("form_id", IDS)
def test_every_label_is_in_english_and_burmese(form_id: str) -> None:
    form = library_form(form_id)
    assert form.title["en"] and form.title["my"]
    for _path, field in form.walk():
        assert field.label["en"].strip() and field.label["my"].strip()
        # Burmese text must really be Burmese (Myanmar Unicode block).
        assert any("\u1000" <= ch <= "\u109f" for ch in field.label["my"]), field.name
        if isinstance(field.choices, list):
            for choice in field.choices:
                assert any("\u1000" <= ch <= "\u109f" for ch in choice.label["my"])


@pytest.mark.parametrize("vocab_id", vocabulary_ids())
def test_every_vocabulary_validates(vocab_id: str) -> None:
    vocab = vocabulary(vocab_id)
    assert len(vocab) > 0
    for term in vocab.terms:
        assert term.label["en"].strip()
        assert any("\u1000" <= ch <= "\u109f" for ch in term.label["my"]), term.code
        if term.huri_code is not None:
            assert vocab.huri_list is not None


def test_violation_types_have_local_extensions_and_huridocs_codes() -> None:
    vocab = vocabulary("violation_types")
    for code in (
        "airstrike",
        "drone_attack",
        "shelling",
        "landmine_uxo",
        "forced_conscription",
        "arson",
        "human_shields",
        "attack_on_religious_site",
        "attack_on_school",
        "attack_on_health_care",
    ):
        assert code in vocab and vocab.term(code).huri_code is None
    assert vocab.term("torture").huri_code == "020111110000"
    assert vocab.label("arson", "my") == "မီးရှို့ခြင်း"


def test_library_uses_every_field_type() -> None:
    used = {field.type for form in library_forms() for _path, field in form.walk()}
    assert used == set(FIELD_TYPES)


@pytest.mark.parametrize("form_id", IDS)
def test_example_validates(form_id: str) -> None:
    form = library_form(form_id)
    result = validate_answers(form, library_example(form_id), today=TODAY)
    assert result.ok, result.errors
    assert result.dropped == []
    # Normalised answers are a fixed point.
    again = validate_answers(form, result.answers, today=TODAY)
    assert again.ok and again.answers == result.answers


def _broken(form_id: str) -> tuple[dict[str, Any], set[str]]:
    answers = copy.deepcopy(library_example(form_id))
    if form_id == "incident":
        answers["victims"][1]["victim_age"] = 130
        answers["victims"][0]["victim_sex"] = "woman"
        answers["acts"][2]["violation"] = "other"
        answers["location"]["township"] = "MMR004001"
        del answers["narrative"]
        return answers, {
            "victims[1].victim_age",
            "victims[0].victim_sex",
            "acts[2].violation_other",
            "location.township",
            "narrative",
        }
    if form_id == "testimony":
        answers["age"] = 15
        answers["events_date"] = {"precision": "month", "value": "2024-13"}
        answers["consent"]["scopes"] = ["legal"]
        answers["violations_described"] = ["airstrike", "airstrike"]
        return answers, {
            "guardian_present",
            "events_date.value",
            "consent.scopes",
            "violations_described[1]",
        }
    if form_id == "defector_debrief":
        answers["rank"] = "field_marshal"
        answers["family_members"] = 0
        answers["crimes"][0]["crime_location"] = {"state": "MMR999"}
        answers["vetting_status"] = "concerns"
        return answers, {
            "rank",
            "family_members",
            "crimes[0].crime_location.state",
            "vetting_notes",
        }
    answers["total_people"] = 10
    answers["most_urgent_need"] = "education"
    answers["male_60_plus"] = -1
    answers["displacement_date"]["until"] = {"precision": "day", "value": "2024-10-01"}
    return answers, {"total_people", "most_urgent_need", "male_60_plus", "displacement_date.until"}


@pytest.mark.parametrize("form_id", IDS)
def test_example_with_errors_gives_expected_paths(form_id: str) -> None:
    answers, expected = _broken(form_id)
    result = validate_answers(library_form(form_id), answers, today=TODAY)
    assert not result.ok
    assert {error.path for error in result.errors} == expected


@pytest.mark.parametrize("form_id", IDS)
def test_errors_come_in_burmese(form_id: str) -> None:
    answers, _expected = _broken(form_id)
    result = validate_answers(library_form(form_id), answers, lang="my", today=TODAY)
    for error in result.errors:
        assert any("\u1000" <= ch <= "\u109f" for ch in error.message), error


@pytest.mark.parametrize("form_id", IDS)
def test_json_round_trip(form_id: str) -> None:
    form = library_form(form_id)
    data = form_to_json(form)
    again = form_from_json(data, source=f"{form_id}@{form.version}.json")
    assert again.model_dump() == form.model_dump()
    assert form_to_json(again) == data


def test_unknown_form() -> None:
    with pytest.raises(UnknownForm):
        library_form("nope")
    with pytest.raises(UnknownForm):
        library_form("incident", version=99)
    assert isinstance(library_form("incident", version=1), Form)
