"""Counts and facts about a profile, for `fieldkit status` and the home screen."""

from __future__ import annotations

from typing import Any

from fieldkit.kdf import PRODUCT
from fieldkit.profile import Profile


def _table_exists(profile: Profile, name: str) -> bool:
    row = profile.store.query_one(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    )
    return row is not None


def _count(profile: Profile, sql: str) -> int:
    row = profile.store.query_one(sql)
    return int(row[0]) if row else 0


def profile_status(profile: Profile) -> dict[str, Any]:
    """Name, role, fingerprint and counts (only of what this schema has)."""
    counts: dict[str, int] = {
        "trusted_peers": _count(profile, "SELECT count(*) FROM peers WHERE revoked_at IS NULL"),
        "installed_forms": _count(profile, "SELECT count(*) FROM forms"),
    }
    if _table_exists(profile, "records"):
        counts["drafts"] = _count(profile, "SELECT count(*) FROM records WHERE status = 'draft'")
        counts["sealed"] = _count(profile, "SELECT count(*) FROM records WHERE status != 'draft'")
    return {
        "name": profile.name,
        "role": profile.role,
        "fingerprint": profile.fingerprint,
        "created_at": profile.created_at,
        "schema_version": profile.store.user_version,
        "kdf": PRODUCT.describe(),
        "counts": counts,
    }
