"""The bundles this device wrote, so that meeting one again is not taken for an attack."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sync.bundle import WrittenBundle

if TYPE_CHECKING:
    from fieldkit.store import Connection, Store

READ_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class SentBundle:
    """A bundle file this device wrote."""

    bundle_id: str
    kind: str
    recipients: tuple[str, ...]
    written_at: str


def remember_sent(
    conn: Connection, written: WrittenBundle, kind: str, recipients: Sequence[str], at: str
) -> None:
    """Record a bundle file just written (inside the export's transaction)."""
    conn.execute(
        "INSERT OR IGNORE INTO sent_bundles (sha256, bundle_id, kind, recipients, written_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (written.sha256, written.manifest.bundle_id, kind, json.dumps(list(recipients)), at),
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as src:
        while piece := src.read(READ_CHUNK):
            digest.update(piece)
    return digest.hexdigest()


def find_sent(store: Store, path: Path) -> SentBundle | None:
    """The record of ``path`` if this device wrote exactly that file, else None."""
    try:
        digest = file_sha256(path)
    except OSError:
        return None
    row = store.query_one(
        "SELECT bundle_id, kind, recipients, written_at FROM sent_bundles WHERE sha256 = ?",
        (digest,),
    )
    if row is None:
        return None
    return SentBundle(str(row[0]), str(row[1]), tuple(json.loads(row[2])), str(row[3]))
