"""Counts and facts about a profile, for `fieldkit status` and the home screen."""

from __future__ import annotations

from typing import Any

from fieldkit.kdf import PRODUCT
from fieldkit.profile import Profile

COUNTS = {
    "drafts": "SELECT count(*) FROM records WHERE status = 'draft'",
    "sealed": "SELECT count(*) FROM records WHERE status = 'sealed'",
    "undelivered": (
        "SELECT count(*) FROM records WHERE status = 'sealed' AND origin = 'local'"
        " AND delivered_at IS NULL"
    ),
    "imported": "SELECT count(*) FROM records WHERE origin != 'local'",
    "trusted_peers": "SELECT count(*) FROM peers WHERE revoked_at IS NULL",
    "installed_forms": "SELECT count(*) FROM forms",
}


def _count(profile: Profile, sql: str) -> int:
    row = profile.store.query_one(sql)
    return int(row[0]) if row and row[0] is not None else 0


def last_export(profile: Profile) -> str | None:
    """When this device last wrote a bundle, or None if it never has."""
    row = profile.store.query_one("SELECT max(exported_at) FROM exports")
    return str(row[0]) if row and row[0] is not None else None


def profile_counts(profile: Profile) -> dict[str, int]:
    """Drafts, sealed, undelivered and imported records, trusted peers, installed forms."""
    return {label: _count(profile, sql) for label, sql in COUNTS.items()}


def profile_status(profile: Profile) -> dict[str, Any]:
    """Name, role, fingerprint, counts and the last export."""
    return {
        "name": profile.name,
        "role": profile.role,
        "fingerprint": profile.fingerprint,
        "created_at": profile.created_at,
        "schema_version": profile.store.user_version,
        "kdf": PRODUCT.describe(),
        "counts": profile_counts(profile),
        "last_export": last_export(profile),
    }
