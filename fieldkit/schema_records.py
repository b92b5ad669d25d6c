"""Migration 2: the records table (drafts, sealed records, tombstones)."""

from __future__ import annotations

from typing import Any

from fieldkit.migrations import run_script

# Why the columns look the way they do:
# - ``canonical`` holds the exact RFC 8785 bytes that were hashed and signed;
#   the other columns of a sealed record are copies kept for queries, and
#   chain verification checks that they still agree with the signed bytes.
# - ``answers`` of a draft is what the user typed (never lost, even when it
#   does not validate); of a sealed record, the normalised answers it sealed;
#   NULL once purged (the tombstone keeps seq, prev, hash and signature).
# - (author, seq) is indexed but not UNIQUE: forks must be storable so that
#   chain verification can report them; the seal path never makes one.
RECORDS_SQL = """
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    form_id TEXT NOT NULL,
    form_version INTEGER NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'sealed', 'purged')),
    answers TEXT,
    seq INTEGER,
    prev BLOB,
    hash BLOB,
    signature BLOB,
    canonical BLOB,
    supersedes TEXT,
    sealed_at TEXT,
    origin TEXT NOT NULL DEFAULT 'local',
    delivered_at TEXT,
    CHECK (status = 'draft' OR (seq IS NOT NULL AND prev IS NOT NULL
                                AND hash IS NOT NULL AND signature IS NOT NULL))
);
CREATE INDEX records_author_seq ON records (author, seq);
CREATE INDEX records_status ON records (status, updated_at);
CREATE INDEX records_form ON records (form_id, status);
CREATE INDEX records_supersedes ON records (supersedes);
"""


def v2_records(conn: Any) -> None:
    """Records: drafts, sealed records and purged tombstones."""
    run_script(conn, RECORDS_SQL)
