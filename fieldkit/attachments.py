"""Attachments: files streamed into the store in chunks, deduplicated by SHA-256.

A file is never held in memory whole and never copied outside the store: it
is read in 1 MiB chunks, each hashed and written inside one transaction, and
read back the same way, with the hash checked when the last chunk is out.
The original file name is sensitive (it often names a person or a village),
so it is stored but never written to logs, errors or the audit log.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from fieldkit import audit
from fieldkit.clock import Clock, rfc3339, utc_now
from fieldkit.errors import FieldkitError
from fieldkit.store import Store

if TYPE_CHECKING:
    from fieldkit.store import Connection

CHUNK_BYTES = 1024 * 1024
MAX_NAME_CHARS = 255
DEFAULT_MIME = "application/octet-stream"


class AttachmentError(FieldkitError):
    """The attachment could not be added or read."""

    title = "Attachment problem"


class AttachmentRefused(AttachmentError):
    """Sealed records never change: attachments can only be added to drafts."""

    title = "Record is sealed"
    hint = "amend the record to make a correction with new attachments"


class UnknownAttachment(AttachmentError):
    """There is no such attachment in this store."""

    title = "Unknown attachment"
    hint = "see the record's attachments with 'fieldkit record show ID'"


class AttachmentCorrupt(AttachmentError):
    """An attachment's stored bytes no longer match its SHA-256: it was altered or damaged."""

    title = "Attachment damaged"
    hint = "treat this device's store as damaged or tampered with and tell your coordinator"


class ByteSource(Protocol):
    """Anything with ``read(n)`` returning at most n bytes (b"" at the end): files, pipes."""

    def read(self, n: int = ..., /) -> bytes: ...


@dataclass(frozen=True)
class AttachmentRef:
    """What a record knows about one of its attachments (the name is sensitive)."""

    sha256: str
    size: int
    name: str
    mime: str


def _clean_name(name: str) -> str:
    """The last path component, without control characters that could upset a terminal."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(
        "?" if unicodedata.category(c) in ("Cc", "Cf") and c != "\u200c" and c != "\u200d" else c
        for c in unicodedata.normalize("NFC", name)
    ).strip()
    if not cleaned:
        raise AttachmentError(
            "The attachment has no file name.", hint="attach a file with a name"
        )
    return cleaned[:MAX_NAME_CHARS]


def guess_mime(name: str) -> str:
    """The MIME type suggested by the file name's extension, or a generic binary type."""
    mime, _ = mimetypes.guess_type(name, strict=False)
    return mime or DEFAULT_MIME


def _require_draft(conn: Connection, record_id: str) -> None:
    row = conn.execute("SELECT status FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        raise AttachmentError(
            f"There is no record {record_id}.", hint="see your records with 'fieldkit record list'"
        )
    if row[0] != "draft":
        raise AttachmentRefused(f"Record {record_id} is {row[0]}; its attachments cannot change.")


def _ref(conn: Connection, record_id: str, sha256: str) -> AttachmentRef | None:
    row = conn.execute(
        "SELECT a.sha256, b.size, a.name, a.mime FROM attachments a"
        " JOIN attachment_blobs b ON b.sha256 = a.sha256"
        " WHERE a.record_id = ? AND a.sha256 = ?",
        (record_id, sha256),
    ).fetchone()
    return AttachmentRef(row[0], int(row[1]), row[2], row[3]) if row else None


def _stream_in(conn: Connection, src: ByteSource) -> tuple[str, int]:
    """Copy ``src`` into a new blob row in chunks; return its (sha256, size)."""
    blob_id = conn.execute("INSERT INTO attachment_blobs (sha256) VALUES (NULL)").lastrowid
    digest = hashlib.sha256()
    size = 0
    seq = 0
    while True:
        chunk = src.read(CHUNK_BYTES)
        if not chunk:
            break
        # Short reads (pipes, sockets) are fine: chunks need not be equal.
        digest.update(chunk)
        size += len(chunk)
        conn.execute(
            "INSERT INTO attachment_chunks (blob_id, seq, data) VALUES (?, ?, ?)",
            (blob_id, seq, chunk),
        )
        seq += 1
        del chunk
    sha256 = digest.hexdigest()
    existing = conn.execute(
        "SELECT id FROM attachment_blobs WHERE sha256 = ?", (sha256,)
    ).fetchone()
    if existing is not None:
        # Same content already stored: keep one copy. Chunks go by cascade.
        conn.execute("DELETE FROM attachment_blobs WHERE id = ?", (blob_id,))
    else:
        conn.execute(
            "UPDATE attachment_blobs SET sha256 = ?, size = ?, chunks = ? WHERE id = ?",
            (sha256, size, seq, blob_id),
        )
    return sha256, size


def add_attachment(
    store: Store,
    record_id: str,
    src: ByteSource,
    name: str,
    mime: str | None = None,
    *,
    clock: Clock = utc_now,
) -> AttachmentRef:
    """Stream ``src`` into the store and link it to the draft ``record_id``.

    Attaching the same content to the same record twice returns the first
    reference unchanged.
    """
    clean = _clean_name(name)
    mime_type = (mime or guess_mime(clean)).strip() or DEFAULT_MIME
    with store.transaction() as conn:
        _require_draft(conn, record_id)
        sha256, size = _stream_in(conn, src)
        existing = _ref(conn, record_id, sha256)
        if existing is not None:
            return existing
        conn.execute(
            "INSERT INTO attachments (record_id, sha256, name, mime, added_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (record_id, sha256, clean, mime_type, rfc3339(clock())),
        )
        audit.append(conn, "attach", record_id, {"sha256": sha256, "size": size}, clock=clock)
    return AttachmentRef(sha256, size, clean, mime_type)


def remove_attachment(
    store: Store, record_id: str, sha256: str, *, clock: Clock = utc_now
) -> None:
    """Unlink an attachment from a draft; its bytes go when no record uses them."""
    with store.transaction() as conn:
        _require_draft(conn, record_id)
        if _ref(conn, record_id, sha256) is None:
            raise UnknownAttachment(f"Record {record_id} has no attachment {sha256[:16]}.")
        conn.execute(
            "DELETE FROM attachments WHERE record_id = ? AND sha256 = ?", (record_id, sha256)
        )
        still_used = conn.execute(
            "SELECT 1 FROM attachments WHERE sha256 = ? LIMIT 1", (sha256,)
        ).fetchone()
        if still_used is None:
            # secure_delete is on, so the freed pages are zeroed too.
            conn.execute("DELETE FROM attachment_blobs WHERE sha256 = ?", (sha256,))
        audit.append(conn, "detach", record_id, {"sha256": sha256}, clock=clock)


def attachments_of(store_or_conn: Store | Connection, record_id: str) -> list[AttachmentRef]:
    """A record's attachments, ordered by sha256 (the order sealed records use)."""
    sql = (
        "SELECT a.sha256, b.size, a.name, a.mime FROM attachments a"
        " JOIN attachment_blobs b ON b.sha256 = a.sha256"
        " WHERE a.record_id = ? ORDER BY a.sha256"
    )
    rows: list[Any] = (
        store_or_conn.query(sql, (record_id,))
        if isinstance(store_or_conn, Store)
        else store_or_conn.execute(sql, (record_id,)).fetchall()
    )
    return [AttachmentRef(r[0], int(r[1]), r[2], r[3]) for r in rows]


def attachment_size(store: Store, sha256: str) -> int:
    """The size in bytes of the stored content with this SHA-256."""
    row = store.query_one("SELECT size FROM attachment_blobs WHERE sha256 = ?", (sha256,))
    if row is None:
        raise UnknownAttachment(f"There is no attachment {sha256[:16]} in this store.")
    return int(row[0])


class AttachmentReader(io.RawIOBase):
    """Streams one attachment's bytes out of the store, checking its SHA-256 at the end.

    Bytes are handed out before the check can run (that is what streaming
    means), so a caller must treat everything read as unverified until the
    read that returns end-of-file has returned without raising.
    """

    def __init__(self, store: Store, blob_id: int, sha256: str, size: int, chunks: int) -> None:
        super().__init__()
        self._store = store
        self._blob_id = blob_id
        self.sha256 = sha256
        self.size = size
        self._chunks = chunks
        self._next = 0
        self._buffer = memoryview(b"")
        self._digest = hashlib.sha256()
        self._seen = 0
        self._verified = False

    def readable(self) -> bool:
        return True

    def _fill(self) -> bool:
        """Load the next chunk; False at the end, after verifying the whole file."""
        if self._next >= self._chunks:
            if not self._verified:
                if self._seen != self.size or self._digest.hexdigest() != self.sha256:
                    raise AttachmentCorrupt()
                self._verified = True
            return False
        row = self._store.query_one(
            "SELECT CAST(data AS BLOB) FROM attachment_chunks WHERE blob_id = ? AND seq = ?",
            (self._blob_id, self._next),
        )
        if row is None:
            raise AttachmentCorrupt()
        data = bytes(row[0])
        self._digest.update(data)
        self._seen += len(data)
        self._next += 1
        self._buffer = memoryview(data)
        return True

    def readinto(self, buffer: Any) -> int:
        target = memoryview(buffer).cast("B")
        while not self._buffer:
            if not self._fill():
                return 0
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n

    def chunks(self) -> Iterator[bytes]:
        """The remaining content chunk by chunk (about 1 MiB each)."""
        while True:
            if self._buffer:
                out = bytes(self._buffer)
                self._buffer = memoryview(b"")
                yield out
            if not self._fill():
                return

    @property
    def verified(self) -> bool:
        """True once the whole content was read and matched its SHA-256."""
        return self._verified


def open_attachment(store: Store, sha256: str) -> AttachmentReader:
    """A reader streaming the content with this SHA-256 (raises AttachmentCorrupt on mismatch)."""
    row = store.query_one(
        "SELECT id, size, chunks FROM attachment_blobs WHERE sha256 = ?", (sha256,)
    )
    if row is None:
        raise UnknownAttachment(f"There is no attachment {sha256[:16]} in this store.")
    return AttachmentReader(store, int(row[0]), sha256, int(row[1]), int(row[2]))


def store_blob(conn: Connection, src: ByteSource) -> tuple[str, int]:
    """Stream ``src`` into the content store inside the caller's transaction.

    Returns ``(sha256, size)``; the caller links the content to records. Used
    by bundle import, whose transaction also holds the records.
    """
    return _stream_in(conn, src)
