"""Migration 5: exchange bookkeeping (exports per recipient, imported bundles, receipts)."""

from __future__ import annotations

from typing import Any

# - ``exports``: per recipient, the highest seq of this device's own chain that
#   has gone into a bundle to it; the next export holds the records after it.
#   Updated only once a bundle file is safely in place.
# - ``imports``: every bundle this device accepted (records on a coordinator,
#   receipts on a fieldworker); the primary key makes a second import a no-op.
#   ``receipt_at`` (coordinator) is when a receipt covering it was written.
# - ``receipts``: receipts written (coordinator) and applied (fieldworker).
# Nothing here holds content: ids, fingerprints, counts and times only.
SCHEMA = """
CREATE TABLE exports (
    recipient TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL,
    last_bundle TEXT NOT NULL,
    exported_at TEXT NOT NULL
);
CREATE TABLE imports (
    bundle_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('records', 'receipt')),
    sender TEXT NOT NULL,
    created_at TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    records INTEGER NOT NULL,
    attachments INTEGER NOT NULL,
    receipt_at TEXT
);
CREATE INDEX imports_by_sender ON imports (sender, receipt_at);
CREATE TABLE receipts (
    bundle_id TEXT PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
    peer TEXT NOT NULL,
    at TEXT NOT NULL,
    bundles INTEGER NOT NULL,
    records INTEGER NOT NULL
);
CREATE INDEX records_origin ON records (origin);
CREATE INDEX records_hash ON records (hash);
"""


def migrate_v5_exchange(conn: Any) -> None:
    """Export state per recipient, imported bundles, receipts; lookups by origin and hash."""
    # Imported here: fieldkit.migrations imports this module.
    from fieldkit.migrations import run_script

    run_script(conn, SCHEMA)
