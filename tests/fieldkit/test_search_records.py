"""Search through the record lifecycle: drafts, seals, deletion, the sensitive-fields setting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.records import create_draft, delete_draft, seal, update_draft
from fieldkit.search import search
from forms import library_example

PASS = "search records passphrase"


@pytest.fixture
def profile(tmp_path: Path) -> Iterator[Profile]:
    p = Profile.create(tmp_path / "home", PASS, name="S", role="fieldworker", params=TESTING)
    yield p
    p.close()


def incident(narrative: str) -> dict[str, Any]:
    answers = library_example("incident")
    answers["narrative"] = narrative
    answers["victims"][0]["victim_name"] = "Daw Zarchi Fictional"
    return answers


def found(profile: Profile, query: str) -> list[str]:
    return [h.record_id for h in search(profile.store, query)]


def test_sensitive_fields_follow_the_setting(profile: Profile) -> None:
    draft = create_draft(profile, "incident", incident("ကျောင်းကို ဗုံးကျ၍ schoolhouse burned"))
    rid = draft.record_id
    assert found(profile, "schoolhouse") == [rid]
    assert found(profile, "ဗုံးကျ") == [rid]
    assert found(profile, "Zarchi") == []  # a sensitive name is not indexed by default
    profile.update_settings(search_sensitive=True)
    update_draft(profile, rid, incident("ကျောင်းကို ဗုံးကျ၍ schoolhouse burned"))
    assert found(profile, "Zarchi") == [rid]
    profile.update_settings(search_sensitive=False)
    seal(profile, rid)  # sealing re-indexes with the setting in force
    assert found(profile, "Zarchi") == []
    assert found(profile, "schoolhouse") == [rid]


def test_hits_have_form_date_township_and_title(profile: Profile) -> None:
    rid = create_draft(profile, "incident", incident("a quiet morning")).record_id
    [hit] = search(profile.store, "quiet morning")
    assert (hit.record_id, hit.form_id) == (rid, "incident")
    assert hit.date == "2024-03-05"
    assert hit.township == "MMR005002"
    assert found(profile, "Incident") == [rid]  # the form's title is indexed too


def test_deleted_drafts_leave_the_index(profile: Profile) -> None:
    rid = create_draft(profile, "incident", incident("an orchard was mined")).record_id
    assert found(profile, "orchard") == [rid]
    delete_draft(profile, rid)
    assert found(profile, "orchard") == []
