"""Changing whether sensitive fields are searchable changes what search finds, for
records already stored too."""

from __future__ import annotations

from pathlib import Path

from fieldkit import records
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.reindex import reindex
from fieldkit.search import search
from forms import library_example


def test_turning_sensitive_search_on_and_off_reindexes(tmp_path: Path) -> None:
    with Profile.create(tmp_path / "p", "a passphrase", name="Ko Min", role="fieldworker",
                        params=TESTING) as profile:
        answers = library_example("incident")
        name = answers["victims"][0]["victim_name"]  # a sensitive field
        sealed = records.seal_new(profile, "incident", answers)
        records.create_draft(profile, "incident", {"incident_title": "half typed",
                                                   "victims": "not a list"})
        assert search(profile.store, name) == []            # off by default

        profile.update_settings(search_sensitive=True)
        assert search(profile.store, name) == []            # not yet reindexed
        assert reindex(profile) == 2
        assert [h.record_id for h in search(profile.store, name)] == [sealed.id]

        profile.update_settings(search_sensitive=False)
        reindex(profile)
        assert search(profile.store, name) == []            # gone from the index
        assert [h.record_id for h in search(profile.store, "market")] == [sealed.id]
        facets = profile.store.query("SELECT count(*) FROM record_facets")
        assert facets == [(2,)]                             # lists and dashboard unchanged
