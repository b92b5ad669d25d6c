"""Searching chosen terms by their labels: keys in the index, labels in the catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.records import create_draft, seal_new
from fieldkit.search import catalogue, index_record, search
from forms import library_example

PASS = "search labels passphrase"


@pytest.fixture
def profile(tmp_path: Path) -> Iterator[Profile]:
    p = Profile.create(tmp_path / "home", PASS, name="S", role="fieldworker", params=TESTING)
    yield p
    p.close()


def incident(violation: str, narrative: str) -> dict[str, Any]:
    answers = library_example("incident")
    # The form asks for a few sentences: pad the words under test with neutral ones.
    answers["narrative"] = f"{narrative}. " + "The witness spoke with the team. " * 3
    answers["incident_title"] = "Case under review"
    answers["acts"] = [{"violation": violation}]
    return answers


def found(profile: Profile, query: str) -> list[str]:
    return sorted(h.record_id for h in search(profile.store, query))


def test_a_chosen_term_is_found_by_its_label_in_either_language(profile: Profile) -> None:
    torture = seal_new(profile, "incident", incident("torture", "stalls burned")).id
    arrest = seal_new(profile, "incident", incident("arbitrary_arrest", "taken at night")).id
    assert found(profile, "Torture") == [torture]
    assert found(profile, "TORT") == [torture]  # part of a label, any case
    assert found(profile, "ညှဉ်းပန်းနှိပ်စက်ခြင်း") == [torture]
    assert found(profile, "ဖမ်းဆီး") == [arrest]
    assert found(profile, "arbitrary arrest") == [arrest]
    # Every word must match, in the text or in a label.
    assert found(profile, "Torture burned") == [torture]
    assert found(profile, "Torture night") == []
    assert found(profile, "Incident report") == sorted([torture, arrest])  # the form's title


def test_snippets_show_labels_in_the_asked_language(profile: Profile) -> None:
    seal_new(profile, "incident", incident("torture", "stalls burned"))
    [hit] = search(profile.store, "Torture")
    assert "[Torture]" in hit.snippet
    assert not any("\ue000" <= c <= "\uf8ff" for c in hit.snippet)
    [hit] = search(profile.store, "Torture", lang="my")
    assert "[ညှဉ်းပန်းနှိပ်စက်ခြင်း]" in hit.snippet


def test_short_words_find_labels_through_their_keys(profile: Profile) -> None:
    rid = create_draft(profile, "incident", incident("airstrike", "nothing short")).record_id
    # "မ" (Female) is one character: too short for the trigram index, but the
    # keys of the labels holding it are trigrams.
    assert rid in found(profile, "မ")
    hits = search(profile.store, "မ")
    assert not any("\ue000" <= c <= "\uf8ff" for h in hits for c in h.snippet)


def test_entries_written_before_keys_are_still_found(profile: Profile) -> None:
    with profile.store.transaction() as conn:
        index_record(conn, "old-record", "Incident report\nAirstrike\nလေကြောင်းတိုက်ခိုက်မှု",
                     form_id="incident", new=True)
    create_draft(profile, "incident", incident("airstrike", "new"))  # installs the form
    assert "old-record" in found(profile, "Airstrike")
    assert "old-record" in found(profile, "လေကြောင်း")


def test_the_catalogue_follows_installed_forms(profile: Profile) -> None:
    empty = catalogue(profile.store)
    assert empty.keys_matching("Airstrike") == []
    create_draft(profile, "incident", incident("airstrike", "x"))
    assert catalogue(profile.store).keys_matching("Airstrike")
