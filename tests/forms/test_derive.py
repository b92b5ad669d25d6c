"""Search text, masking and facets derived from answers."""

from __future__ import annotations

import datetime as dt

from forms import (
    MASK,
    facets,
    index_text,
    library_example,
    library_form,
    mask_sensitive,
    term_key,
    validate_answers,
)

TODAY = dt.date(2025, 1, 1)


def _incident() -> dict[str, object]:
    result = validate_answers(library_form("incident"), library_example("incident"), today=TODAY)
    assert result.ok
    return result.answers


def test_index_text_has_keys_for_terms_and_skips_sensitive() -> None:
    form = library_form("incident")
    text = index_text(form, _incident(), include_sensitive=False)
    # A chosen term is its key, not its labels; the labels live in the catalogue.
    assert term_key("violation_types", "airstrike") in text.splitlines()[-1].split(" ")
    assert term_key("form", "incident") in text.splitlines()[-1].split(" ")
    assert "Airstrike" not in text.replace("Airstrike on a village", "")
    assert "လေကြောင်းတိုက်ခိုက်မှု" not in text
    assert "Myinmu" in text and "မြင်းမူ" in text  # place names stay text
    assert "Daw Example One" not in text
    assert "Daw Example One" in index_text(form, _incident(), include_sensitive=True)


def test_mask_sensitive() -> None:
    form = library_form("testimony")
    masked = mask_sensitive(form, library_example("testimony"))
    assert masked["full_name"] == MASK and masked["contact"] == MASK
    assert masked["events_location"]["coordinates"] == MASK
    assert masked["events_location"]["township"] == "MMR002001"
    assert masked["pseudonym"] == "Witness K"
    incident = mask_sensitive(library_form("incident"), _incident())
    assert incident["victims"][0]["victim_name"] == MASK
    assert incident["victims"][0]["victim_age"] == 54


def test_facets() -> None:
    found = facets(library_form("incident"), _incident())
    assert found.date == "2024-03-05"
    assert (found.state, found.township) == ("MMR005", "MMR005002")
    assert found.violation_types == (
        "airstrike",
        "indiscriminate_killing",
        "destruction_of_property",
    )
    empty = facets(library_form("incident"), {})
    assert empty.date is None and empty.violation_types == ()
