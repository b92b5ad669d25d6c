"""Migration 3: attachment contents (deduplicated by SHA-256, in chunks) and their links."""

from __future__ import annotations

from typing import Any

# A blob row is written first with sha256 NULL (provisional) while its chunks
# stream in; only when the whole file has been hashed does it get its sha256,
# or it is dropped because the same content is already stored. record_id is a
# plain TEXT column, not a foreign key: the records table is another
# migration's concern and may be ordered differently.
SCHEMA = """
CREATE TABLE attachment_blobs (
    id INTEGER PRIMARY KEY,
    sha256 TEXT UNIQUE,
    size INTEGER NOT NULL DEFAULT 0,
    chunks INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE attachment_chunks (
    blob_id INTEGER NOT NULL REFERENCES attachment_blobs (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (blob_id, seq)
);
CREATE TABLE attachments (
    record_id TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES attachment_blobs (sha256),
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (record_id, sha256)
);
CREATE INDEX attachments_by_sha256 ON attachments (sha256);
"""


def migrate_v3_attachments(conn: Any) -> None:
    """Attachment blobs, their 1 MiB chunks, and which record uses which blob."""
    # Imported here: fieldkit.migrations imports this module.
    from fieldkit.migrations import run_script

    run_script(conn, SCHEMA)
