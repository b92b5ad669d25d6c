"""Purge: drop the content of records a coordinator has confirmed, keep tombstones.

A purged record keeps its id, form, seq, prev, hash and signature, so this
device's chain still verifies (``fieldkit.chain`` checks a tombstone's
signature over its hash and its links); its answers, signed bytes, attachment
links and search entry go. Content no other record uses is deleted; with
``secure_delete`` on, SQLite zeroes the freed pages, and the write-ahead log
is checkpointed so old pages do not linger there.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldkit import audit
from fieldkit.exchange.errors import ExchangeError
from fieldkit.profile import Profile
from fieldkit.search import unindex_record


@dataclass(frozen=True)
class PurgeResult:
    """What a purge removed."""

    records: int
    attachments: int


def purge_delivered(profile: Profile) -> PurgeResult:
    """Purge every sealed record of this device that a coordinator's receipt confirmed."""
    if profile.role == "coordinator":
        raise ExchangeError(
            "A coordinator keeps the records it imported; purge is for fieldworkers.",
        )
    me = profile.identity.public.fingerprint_digits
    with profile.store.transaction() as conn:
        ids = [
            str(row[0])
            for row in conn.execute(
                "SELECT id FROM records WHERE author = ? AND status = 'sealed'"
                " AND delivered_at IS NOT NULL ORDER BY seq",
                (me,),
            )
        ]
        blobs: set[str] = set()
        for record_id in ids:
            blobs.update(
                str(r[0]) for r in conn.execute(
                    "SELECT sha256 FROM attachments WHERE record_id = ?", (record_id,)
                )
            )
            conn.execute("DELETE FROM attachments WHERE record_id = ?", (record_id,))
            conn.execute(
                "UPDATE records SET status = 'purged', answers = NULL, canonical = NULL"
                " WHERE id = ?",
                (record_id,),
            )
            unindex_record(conn, record_id)
        removed = 0
        for sha256 in sorted(blobs):
            used = conn.execute(
                "SELECT 1 FROM attachments WHERE sha256 = ? LIMIT 1", (sha256,)
            ).fetchone()
            if used is None:
                conn.execute("DELETE FROM attachment_blobs WHERE sha256 = ?", (sha256,))
                removed += 1
        if ids:
            audit.append(conn, "purge", None, {"records": len(ids), "attachments": removed},
                         clock=profile.clock)
    if ids:
        profile.store.query("PRAGMA wal_checkpoint(TRUNCATE)")
    return PurgeResult(len(ids), removed)
