"""Schema migrations, applied in order and recorded in PRAGMA user_version.

Each migration is a function that takes an open connection inside a
transaction. Append new ones to ``MIGRATIONS``; never edit a released one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlcipher3

from fieldkit.errors import StoreError

if TYPE_CHECKING:
    from fieldkit.store import Store

Migration = Callable[[Any], None]


def run_script(conn: Any, script: str) -> None:
    """Execute several statements inside the caller's transaction.

    ``executescript`` would COMMIT the open transaction first, breaking
    all-or-nothing migrations, so statements are run one at a time.
    """
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlcipher3.complete_statement(pending):
            conn.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError("incomplete SQL statement in migration script")


def _v1_profile(conn: Any) -> None:
    """Profile, identity, peers, installed forms, audit log."""
    run_script(
        conn,
        """
        CREATE TABLE profile (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE identity (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            signing_private BLOB NOT NULL,
            encryption_private BLOB NOT NULL,
            card TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE peers (
            fingerprint TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            signing_key BLOB NOT NULL UNIQUE,
            encryption_key BLOB NOT NULL,
            card TEXT NOT NULL,
            trusted_at TEXT NOT NULL,
            revoked_at TEXT,
            revoked_reason TEXT,
            replaced_by TEXT
        );
        CREATE TABLE forms (
            form_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            definition BLOB NOT NULL,
            source TEXT NOT NULL,
            installed_at TEXT NOT NULL,
            PRIMARY KEY (form_id, version)
        );
        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT,
            details TEXT NOT NULL,
            prev BLOB NOT NULL,
            hash BLOB NOT NULL
        );
        """
    )


from fieldkit.schema_attachments import migrate_v3_attachments as _v3_attachments  # noqa: E402
from fieldkit.schema_exchange import migrate_v5_exchange as _v5_exchange  # noqa: E402
from fieldkit.schema_records import v2_records as _v2_records  # noqa: E402
from fieldkit.schema_search import migrate_v4_search as _v4_search  # noqa: E402
from fieldkit.schema_sent import migrate_v6_sent as _v6_sent  # noqa: E402

MIGRATIONS: list[Migration] = [
    _v1_profile,
    _v2_records,
    _v3_attachments,
    _v4_search,
    _v5_exchange,
    _v6_sent,
]


def migrate(store: Store, *, target: int | None = None) -> None:
    """Bring the store's schema up to ``target`` (default: the latest)."""
    target = len(MIGRATIONS) if target is None else target
    current = store.user_version
    if current > len(MIGRATIONS):
        raise StoreError(
            "This profile was written by a newer version of fieldkit.",
            hint="update fieldkit on this device before opening the profile",
        )
    for version in range(current + 1, target + 1):
        with store.transaction() as conn:
            MIGRATIONS[version - 1](conn)
            conn.execute(f"PRAGMA user_version = {version}")
