"""The hash-chained audit log: every action on the profile, in order.

Each entry's hash is SHA-256 over the previous entry's hash and the RFC 8785
encoding of the entry, so editing, deleting or reordering entries breaks the
chain from that point on. Entries describe actions (ids, counts, form ids),
never the content of testimonies.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import rfc8785

from fieldkit.clock import Clock, rfc3339, utc_now
from fieldkit.errors import FieldkitError

if TYPE_CHECKING:
    from fieldkit.store import Connection, Store

GENESIS = bytes(32)

ACTIONS = frozenset(
    {
        "init", "settings", "trust", "revoke", "form-install",
        "create", "edit", "seal", "amend", "attach", "detach", "delete",
        "export", "import", "receipt", "purge", "wipe-settings",
    }
)


class AuditChainBroken(FieldkitError):
    """The audit log has been altered: its hash chain is broken."""

    title = "Audit log broken"
    hint = "treat this device as tampered with and tell your coordinator"

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(f"The audit log is broken at entry {seq}: {reason}.")
        self.seq = seq


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    seq: int
    at: str
    action: str
    subject: str | None
    details: dict[str, Any]


def _entry_hash(prev: bytes, entry: AuditEntry) -> bytes:
    body = rfc8785.dumps(
        {
            "seq": entry.seq,
            "at": entry.at,
            "action": entry.action,
            "subject": entry.subject,
            "details": entry.details,
        }
    )
    return hashlib.sha256(prev + body).digest()


def append(
    conn: Connection,
    action: str,
    subject: str | None = None,
    details: dict[str, Any] | None = None,
    *,
    clock: Clock = utc_now,
) -> AuditEntry:
    """Append an entry; call inside the same transaction as the action itself."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (int(last[0]) + 1, bytes(last[1])) if last else (1, GENESIS)
    entry = AuditEntry(seq, rfc3339(clock()), action, subject, dict(details or {}))
    digest = _entry_hash(prev, entry)
    conn.execute(
        "INSERT INTO audit_log (seq, at, action, subject, details, prev, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, entry.at, action, subject, json.dumps(entry.details, sort_keys=True), prev, digest),
    )
    return entry


def entries(store: Store) -> list[AuditEntry]:
    """Every entry, oldest first."""
    rows = store.query("SELECT seq, at, action, subject, details FROM audit_log ORDER BY seq")
    return [AuditEntry(int(r[0]), r[1], r[2], r[3], json.loads(r[4])) for r in rows]


def verify(store: Store) -> int:
    """Walk the whole chain; return the number of entries or raise AuditChainBroken."""
    rows = store.query(
        "SELECT seq, at, action, subject, details, prev, hash FROM audit_log ORDER BY seq"
    )
    prev = GENESIS
    expected_seq = 1
    for seq, at, action, subject, details, stored_prev, stored_hash in rows:
        if seq != expected_seq:
            raise AuditChainBroken(expected_seq, "an entry is missing")
        if bytes(stored_prev) != prev:
            raise AuditChainBroken(seq, "it does not follow the entry before it")
        try:
            parsed = json.loads(details)
        except ValueError:
            raise AuditChainBroken(seq, "its details are unreadable") from None
        entry = AuditEntry(int(seq), at, action, subject, parsed)
        if _entry_hash(prev, entry) != bytes(stored_hash):
            raise AuditChainBroken(seq, "it was changed after it was written")
        prev = bytes(stored_hash)
        expected_seq += 1
    return len(rows)
