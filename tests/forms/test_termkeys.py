"""Term keys and the label catalogue: what the search index holds instead of labels."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from forms import index_text, label_catalogue, library_example, library_form, library_forms
from forms.compile import Plan
from forms.loader import compiled_form
from forms.model import Form
from forms.termkeys import KEY_CHARS, clean_text, is_key_char, namespace_of, term_key


def _plans(form: Form) -> list[Plan]:
    out, stack = [], list(compiled_form(form).plans)
    while stack:
        plan = stack.pop()
        stack.extend(plan.children)
        out.append(plan)
    return out


def test_keys_are_three_private_use_characters_and_never_change() -> None:
    key = term_key("violation_types", "airstrike")
    assert len(key) == KEY_CHARS and all(is_key_char(c) for c in key)
    # Pinned: keys are stored in every index, so their derivation must never change.
    assert key == "\uf3be\ue3fa\ue38c"
    assert key != term_key("violation_types", "arrest")
    assert key != term_key("other_list", "airstrike")


def test_no_two_terms_of_the_library_share_a_key() -> None:
    keys: dict[str, tuple[str, str]] = {}
    for form in library_forms():
        for plan in _plans(form):
            namespace = namespace_of(form, plan)
            if namespace is None or plan.vocabulary is None:
                continue
            for term in plan.vocabulary.terms:
                key = term_key(namespace, term.code)
                assert keys.setdefault(key, (namespace, term.code)) == (namespace, term.code)
    assert len(label_catalogue(library_forms())) >= len(keys) > 50


def test_inline_choices_are_keyed_per_form() -> None:
    seen = 0
    for form in library_forms():
        for plan in _plans(form):
            if plan.vocabulary is not None and plan.vocabulary.id.endswith(":inline"):
                assert namespace_of(form, plan) == f"{form.id}/{plan.vocabulary.id}"
                seen += 1
    assert seen, "the library has fields with inline choices"


@given(st.text())
def test_clean_text_never_holds_a_key_character(text: str) -> None:
    cleaned = clean_text(text)
    assert not any(is_key_char(c) for c in cleaned)
    assert cleaned == unicodedata.normalize("NFC", cleaned)


def test_free_text_with_private_use_characters_cannot_forge_a_key() -> None:
    form = library_form("incident")
    forged = term_key("violation_types", "torture")
    answers = library_example("incident")
    answers["narrative"] = f"text {forged} more"
    assert forged not in index_text(form, answers, include_sensitive=False)


def test_catalogue_finds_keys_by_any_language_and_case() -> None:
    catalogue = label_catalogue([library_form("incident")])
    airstrike = term_key("violation_types", "airstrike")
    assert airstrike in catalogue.keys_matching("AIRSTRIKE")
    assert airstrike in catalogue.keys_matching("airstr")
    assert airstrike in catalogue.keys_matching("လေကြောင်းတိုက်ခိုက်")
    assert catalogue.keys_matching("zzqx") == []
    assert catalogue.keys_matching("") == []
    assert term_key("form", "incident") in catalogue.keys_matching("incident report")
    assert catalogue.label(airstrike, "en") == "Airstrike"
    assert catalogue.label(airstrike, "my") == "လေကြောင်းတိုက်ခိုက်မှု"
    assert catalogue.label(airstrike, "fr") == "Airstrike"  # falls back to English
    assert catalogue.label("\ue000\ue000\ue000", "en") is None


def test_catalogue_keeps_every_version_s_labels() -> None:
    form = library_form("incident")
    renamed = form.model_copy(update={"title": {"en": "Event report", "my": "ဖြစ်ရပ်"}})
    catalogue = label_catalogue([form, renamed])
    key = term_key("form", "incident")
    assert key in catalogue.keys_matching("incident report")
    assert key in catalogue.keys_matching("event report")
    assert catalogue.label(key, "en") == "Incident report"  # the first seen is shown
