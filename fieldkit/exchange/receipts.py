"""Receipts written by a coordinator: which bundles and records of a fieldworker it holds.

One receipt bundle per fieldworker, signed by the coordinator and encrypted
to that fieldworker only, listing the bundles imported since the last receipt
and the hashes of the records they brought. The fieldworker's side (verify
and mark delivered) is in :mod:`fieldkit.exchange.import_`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from fieldkit import audit
from fieldkit.clock import rfc3339
from fieldkit.exchange.errors import ExchangeError, TrainingProfile
from fieldkit.exchange.sent import remember_sent
from fieldkit.profile import Profile
from keys.card import Role
from sync.bundle import EntrySource, write_bundle_file
from sync.manifest import RECEIPT_PATH
from sync.receipt import Receipt, receipt_to_bytes

MAX_BUNDLES_PER_RECEIPT = 2000
"""Keeps the receipt body well under the 4 MiB a reader accepts (with its hashes)."""
MAX_HASHES_PER_RECEIPT = 50_000


@dataclass(frozen=True)
class ReceiptResult:
    """One receipt bundle written for one fieldworker."""

    path: Path
    bundle_id: str
    fieldworker: str
    name: str
    bundles: int
    records: int


def write_receipts(
    profile: Profile,
    directory: Path,
    *,
    senders: Sequence[str] | None = None,
    everything: bool = False,
    rand: Callable[[int], bytes] = os.urandom,
) -> list[ReceiptResult]:
    """Write a receipt for each fieldworker with imports not yet receipted (all with
    ``everything``); only for ``senders`` when given. Empty list: nothing to confirm."""
    if profile.role == "training":
        raise TrainingProfile()
    if profile.role != "coordinator":
        raise ExchangeError("Only a coordinator writes receipts.",
                            hint="a fieldworker gets receipts from its coordinator")
    directory = Path(directory)
    if not directory.is_dir():
        raise ExchangeError("The receipt folder does not exist.", hint="create it first")
    pending = "" if everything else " AND receipt_at IS NULL"
    rows = profile.store.query(
        "SELECT sender, bundle_id FROM imports WHERE kind = 'records'" + pending
        + " ORDER BY sender, bundle_id"
    )
    by_sender: dict[str, list[str]] = {}
    for sender, bundle_id in rows:
        if senders is None or sender in senders:
            by_sender.setdefault(sender, []).append(bundle_id)
    out = []
    for sender, bundle_ids in by_sender.items():
        peer = profile.peer(sender)
        if peer is None:
            continue  # revoked since: it gets no receipt
        for start in range(0, len(bundle_ids), MAX_BUNDLES_PER_RECEIPT):
            part = bundle_ids[start : start + MAX_BUNDLES_PER_RECEIPT]
            out.append(_one_receipt(profile, directory, sender, peer.name, part, rand))
    return out


def _one_receipt(
    profile: Profile, directory: Path, sender: str, name: str, bundle_ids: list[str],
    rand: Callable[[int], bytes],
) -> ReceiptResult:
    peer = profile.peer(sender)
    assert peer is not None
    marks = ",".join("?" * len(bundle_ids))
    hashes = [
        bytes(row[0]).hex()
        for row in profile.store.query(
            f"SELECT hash FROM records WHERE author = ? AND origin IN ({marks})",
            (sender, *bundle_ids),
        )
    ]
    if len(hashes) > MAX_HASHES_PER_RECEIPT:
        raise ExchangeError(
            "Too many records to confirm in one receipt.",
            hint="write receipts more often, after each import",
        )
    receipt = Receipt.build(bundle_ids, {sender: hashes})
    clock = profile.clock
    written = write_bundle_file(
        directory,
        rand=rand,
        sender=profile.identity,
        sender_role=cast(Role, profile.role),
        recipients=[peer.public],
        kind="receipt",
        chain=None,
        entries=[EntrySource.from_bytes(RECEIPT_PATH, receipt_to_bytes(receipt))],
        clock=lambda: clock().timestamp(),
    )
    manifest = written.manifest
    now = rfc3339(clock())
    with profile.store.transaction() as conn:
        remember_sent(conn, written, "receipt", [sender], now)
        conn.executemany(
            "UPDATE imports SET receipt_at = ? WHERE bundle_id = ?",
            [(now, b) for b in bundle_ids],
        )
        conn.execute(
            "INSERT INTO receipts (bundle_id, direction, peer, at, bundles, records)"
            " VALUES (?, 'sent', ?, ?, ?, ?)",
            (manifest.bundle_id, sender, now, len(bundle_ids), len(hashes)),
        )
        audit.append(
            conn, "receipt", manifest.bundle_id,
            {"direction": "sent", "to": sender, "bundles": len(bundle_ids),
             "records": len(hashes)},
            clock=clock,
        )
    return ReceiptResult(
        written.path, manifest.bundle_id, sender, name, len(bundle_ids), len(hashes)
    )
