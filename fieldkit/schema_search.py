"""Migration 4: the full-text index (FTS5, trigram) and the per-record facets beside it."""

from __future__ import annotations

from typing import Any

# The trigram tokenizer indexes every three-character window, so substrings of
# Burmese (written without spaces between words) are found; unicode61 would
# treat a whole Burmese phrase as one token. The FTS row's rowid is the facets
# row's id, so replacing or removing a record's text is a lookup by key, not a
# scan of the index. record_id is plain TEXT (no foreign key into records).
SCHEMA = """
CREATE TABLE record_facets (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL UNIQUE,
    form_id TEXT,
    date TEXT,
    state TEXT,
    township TEXT,
    violation_types TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX record_facets_by_form ON record_facets (form_id);
CREATE INDEX record_facets_by_township ON record_facets (township);
CREATE VIRTUAL TABLE record_text USING fts5 (body, tokenize = 'trigram');
"""


def migrate_v4_search(conn: Any) -> None:
    """The FTS5 trigram index over answers and form titles, and the facets table."""
    # Imported here: fieldkit.migrations imports this module.
    from fieldkit.migrations import run_script

    run_script(conn, SCHEMA)
