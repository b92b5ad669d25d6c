"""Rebuild the search index after the 'sensitive fields are searchable' setting changes.

Without this, turning the setting off would leave names and contacts already
indexed, searchable as before: exactly what a user turning it off wants gone.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from fieldkit import audit
from fieldkit.errors import FieldkitError
from fieldkit.formstore import get_form
from fieldkit.profile import Profile
from fieldkit.records_batch import index_entry
from fieldkit.search import index_record
from forms import Form

Progress = Callable[[int, int], None]


def reindex(profile: Profile, *, progress: Progress | None = None) -> int:
    """Index every record's text again under the current settings; return how many."""
    include = profile.settings.search_sensitive
    rows = profile.store.query(
        "SELECT id, form_id, form_version, answers FROM records"
        " WHERE status != 'purged' AND answers IS NOT NULL"
    )
    forms: dict[tuple[str, int], Form] = {}
    with profile.store.transaction() as conn:
        for done, (record_id, form_id, version, answers) in enumerate(rows, start=1):
            key = (str(form_id), int(version))
            try:
                if key not in forms:
                    forms[key] = get_form(profile.store, *key)
                text, facets = index_entry(forms[key], json.loads(answers),
                                           include_sensitive=include)
                index_record(conn, record_id, text, form_id=key[0], facets=facets,
                             normalised=True)
            except (FieldkitError, ValueError, TypeError, KeyError):
                # A draft that cannot be read as its form: keep it listed (its facets
                # stay) but with nothing searchable, rather than stale text.
                index_record(conn, record_id, "", form_id=key[0])
            if progress is not None:
                progress(done, len(rows))
        audit.append(conn, "settings", None, {"reindexed": len(rows),
                                               "search_sensitive": include},
                     clock=profile.clock)
    return len(rows)
