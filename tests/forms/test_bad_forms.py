"""Every bad form fixture fails with the file, the field path and the line in its message."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms import FormError, form_from_json, load_form_file

BAD = Path(__file__).resolve().parent.parent / "data" / "forms" / "bad"

# fixture -> (field path or None, line, a word the message must contain)
EXPECTED: dict[str, tuple[str | None, int, str]] = {
    "bad_expression_syntax": ("fields[0].constraint", 9, "expression"),
    "bad_field_name": ("fields[0].name", 6, "pattern"),
    "calculate_without_calculation": ("fields[0]", 6, "calculation"),
    "choice_filter_refers_to_missing_field": ("fields[0].choice_filter", 10, "${needs}"),
    "choices_on_integer": ("fields[0].choices", 9, "does not apply"),
    "constraint_message_without_constraint": ("fields[0].constraint_message", 9, "constraint"),
    "default_wrong_type": ("fields[0].default", 9, "default"),
    "duplicate_choice_code": ("fields[0].choices[1].code", 11, "duplicate choice code"),
    "duplicate_field_name": ("fields[1].name", 9, "duplicate field name"),
    "duplicate_key": ("fields[0].type", 8, "duplicate key"),
    "duplicate_name_in_group": ("fields[1].fields[0].name", 13, "duplicate field name"),
    "facet_unknown_field": ("facets.date", 5, "not a date field"),
    "group_without_fields": ("fields[0].fields", 6, "fields"),
    "languages_missing_my": ("languages", 4, "'my'"),
    "missing_label": ("fields[0].label", 6, "missing required key"),
    "missing_my_label": ("fields[0].label", 8, "'my'"),
    "multiline_on_integer": ("fields[0].multiline", 9, "does not apply"),
    "not_a_mapping": (None, 1, "expected a mapping"),
    "not_yaml": (None, 4, "not valid YAML"),
    "refers_into_repeat": ("fields[1].relevant", 16, "inside repeat"),
    "relevant_refers_to_missing_field": ("fields[1].relevant", 12, "${agee}"),
    "repeat_min_gt_max": ("fields[0].min_repeat", 9, "greater than max_repeat"),
    "select_without_choices": ("fields[0]", 6, "needs 'choices'"),
    "unknown_field_type": ("fields[0].type", 7, "'number' is not allowed"),
    "unknown_function": ("fields[0].constraint", 9, "sqrt"),
    "unknown_key": ("fields[0].colour", 9, "unknown key 'colour'"),
    "unknown_vocabulary": ("fields[0].choices", 9, "unknown vocabulary 'colours'"),
    "version_not_integer": ("version", 2, "integer"),
}


def test_every_fixture_has_an_expectation() -> None:
    names = {path.stem for path in BAD.glob("*.yaml")}
    assert names == set(EXPECTED)
    assert len(names) >= 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_form_names_file_path_and_line(name: str) -> None:
    path, line, word = EXPECTED[name]
    with pytest.raises(FormError) as caught:
        load_form_file(BAD / f"{name}.yaml")
    error = caught.value
    assert error.file == f"{name}.yaml"
    assert error.path == path
    assert error.line == line
    text = str(error)
    assert text.startswith(f"{name}.yaml:{line}: ")
    if path is not None:
        assert f": {path}: " in text
    assert word in text


def test_json_definitions_get_the_same_checks() -> None:
    data = (
        b'{"id": "sample", "version": 1, "title": {"en": "S", "my": "\xe1\x80\x85"},'
        b' "languages": ["en", "my"], "fields": [{"name": "a", "type": "integer",'
        b' "label": {"en": "A", "my": "\xe1\x80\x80"}, "relevant": "${b} = 1"}]}'
    )
    with pytest.raises(FormError) as caught:
        form_from_json(data, source="sample@1.json")
    assert caught.value.path == "fields[0].relevant"
    assert caught.value.line is None
    assert str(caught.value).startswith("sample@1.json: fields[0].relevant: ")


def test_not_json() -> None:
    with pytest.raises(FormError, match="not valid JSON"):
        form_from_json(b"{nope", source="x.json")
