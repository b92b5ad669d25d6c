"""Migration 6: the bundles this device wrote, by the SHA-256 of their bytes.

A fieldworker who imports everything on a USB stick meets the bundle it wrote
itself, which it cannot decrypt (it is not a recipient). Recognising the file
by its hash lets fieldkit say "this is your own bundle" instead of rejecting
it and filling the quarantine folder. Ids and hashes only, no content.
"""

from __future__ import annotations

from typing import Any

SCHEMA = """
CREATE TABLE sent_bundles (
    sha256 TEXT PRIMARY KEY,
    bundle_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('records', 'receipt')),
    recipients TEXT NOT NULL,
    written_at TEXT NOT NULL
);
"""


def migrate_v6_sent(conn: Any) -> None:
    """The SHA-256 of every bundle file written here."""
    # Imported here: fieldkit.migrations imports this module.
    from fieldkit.migrations import run_script

    run_script(conn, SCHEMA)
