"""Export: this device's sealed records, their forms and attachments, as one bundle.

Incremental per recipient (DESIGN section 8): the ``exports`` table keeps, for
each coordinator, the highest seq of this device's chain already sent to it; a
bundle to several coordinators holds everything any of them still lacks.
``everything=True`` (``--all``) sends every sealed record still on the device,
which is also how a coordinator's reported gap is filled. Records are read
from the store when the writer reaches them, attachments stream in 1 MiB
pieces, and the file appears under its final random name only once complete.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from fieldkit import audit
from fieldkit.attachments import open_attachment
from fieldkit.chain import GENESIS, RecordInvalid, signed_bytes
from fieldkit.clock import rfc3339
from fieldkit.exchange.errors import ExchangeError, NoCoordinator, TrainingProfile, UnknownRecipient
from fieldkit.exchange.sent import remember_sent
from fieldkit.exchange.wire import attachment_path, envelope_bytes, form_path, record_path
from fieldkit.profile import Peer, Profile
from fieldkit.store import Store
from keys.card import Role
from sync.bundle import EntrySource, write_bundle_file
from sync.manifest import ChainRange

Progress = Callable[[int, int], None]
"""Called with (bytes written so far, bytes in all entries)."""


@dataclass(frozen=True)
class ExportResult:
    """A bundle that was written."""

    path: Path
    bundle_id: str
    records: int
    attachments: int
    recipients: tuple[str, ...]
    first_seq: int
    last_seq: int


class DamagedRecord(ExchangeError):
    """A sealed record on this device was changed after it was sealed."""

    title = "Record damaged"
    hint = (
        "do not export until this is understood: run 'fieldkit record verify' and tell"
        " your coordinator"
    )


class _Counting:
    """Wraps an entry's stream to report progress as the writer reads it."""

    def __init__(self, stream: BinaryIO, tick: Callable[[int], None]) -> None:
        self._stream = stream
        self._tick = tick

    def read(self, n: int = -1, /) -> bytes:
        data = self._stream.read(n)
        self._tick(len(data))
        return data

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> _Counting:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def resolve_recipients(profile: Profile, fingerprints: Sequence[str] | None) -> list[Peer]:
    """The coordinators to export to: those named, or every trusted coordinator."""
    if not fingerprints:
        peers = profile.peers(role="coordinator")
        if not peers:
            raise NoCoordinator()
        return peers
    chosen: dict[str, Peer] = {}
    for fingerprint in fingerprints:
        try:
            peer = profile.peer(fingerprint)
        except Exception:  # a malformed fingerprint
            peer = None
        if peer is None or peer.role != "coordinator":
            raise UnknownRecipient(
                "The recipient you named is not a trusted coordinator on this device."
            )
        chosen[peer.public.fingerprint_digits] = peer
    return list(chosen.values())


def _since(store: Store, recipients: Sequence[Peer]) -> int:
    lowest: int | None = None
    for peer in recipients:
        row = store.query_one(
            "SELECT last_seq FROM exports WHERE recipient = ?", (peer.public.fingerprint_digits,)
        )
        seq = int(row[0]) if row else 0
        lowest = seq if lowest is None else min(lowest, seq)
    return lowest or 0


def _record_entry(store: Store, record_id: str) -> bytes:
    row = store.query_one(
        "SELECT answers, canonical, hash, signature FROM records"
        " WHERE id = ? AND status = 'sealed'",
        (record_id,),
    )
    if row is None:
        raise ExchangeError(
            f"Record {record_id} changed while it was being exported.",
            hint="run the export again",
        )
    return _entry_bytes(record_id, *row)


def _entry_bytes(record_id: str, answers: str | bytes | None, stored: bytes | None,
                 digest: bytes, signature: bytes) -> bytes:
    """A stored sealed record as a bundle entry: its signed bytes made whole again
    (see :func:`signed_bytes`), refused if they no longer match its hash."""
    digest = bytes(digest)
    try:
        signed = signed_bytes(answers, stored)
    except RecordInvalid:
        signed = b""
    # A row edited underneath the app would make the coordinator refuse the
    # whole bundle; saying so here names the record and keeps the bundle out.
    if not hmac.compare_digest(hashlib.sha256(signed).digest(), digest):
        raise DamagedRecord(
            f"Sealed record {record_id} on this device no longer matches its signature,"
            " so nothing was exported."
        )
    return envelope_bytes(signed, digest, bytes(signature))


def _plan(profile: Profile, since: int) -> tuple[list[EntrySource], int, int, int, bytes, int]:
    """Entries for every own sealed record after ``since``, with forms and attachments."""
    store = profile.store
    author = profile.identity.public.fingerprint_digits
    records: list[EntrySource] = []
    forms: dict[tuple[str, int], None] = {}
    first_seq = last_seq = 0
    first_prev = GENESIS
    rows = store.query(
        "SELECT id, seq, prev, hash, signature, answers, canonical, form_id, form_version"
        " FROM records WHERE author = ? AND status = 'sealed' AND seq > ? ORDER BY seq",
        (author, since),
    )
    for record_id, seq, prev, digest, signature, answers, stored, form_id, version in rows:
        data = _entry_bytes(record_id, answers, stored, digest, signature)
        # The bytes are made again when the writer reaches the entry, so a large
        # export does not hold every record in memory at once.
        records.append(EntrySource(
            record_path(record_id), len(data), hashlib.sha256(data).hexdigest(),
            functools.partial(_open_record, store, record_id),
        ))
        forms[(form_id, int(version))] = None
        if not first_seq:
            first_seq, first_prev = int(seq), bytes(prev)
        last_seq = int(seq)
    del rows
    form_entries = []
    for form_id, version in sorted(forms):
        row = store.query_one(
            "SELECT definition FROM forms WHERE form_id = ? AND version = ?", (form_id, version)
        )
        if row is None:
            raise ExchangeError(
                f"The form '{form_id}' version {version} is missing from this device.",
                hint="install that form version again with 'fieldkit forms install'",
            )
        form_entries.append(EntrySource.from_bytes(form_path(form_id, version), bytes(row[0])))
    blobs = store.query(
        "SELECT DISTINCT b.sha256, b.size FROM attachments a"
        " JOIN attachment_blobs b ON b.sha256 = a.sha256"
        " JOIN records r ON r.id = a.record_id"
        " WHERE r.author = ? AND r.status = 'sealed' AND r.seq > ? ORDER BY b.sha256",
        (author, since),
    )
    attachments = [
        EntrySource(attachment_path(sha), int(size), sha,
                    functools.partial(_open_blob, store, sha))
        for sha, size in blobs
    ]
    return ([*form_entries, *records, *attachments], len(records), len(attachments), first_seq,
            first_prev, last_seq)


def _open_record(store: Store, record_id: str) -> BinaryIO:
    return io.BytesIO(_record_entry(store, record_id))


def _open_blob(store: Store, sha256: str) -> BinaryIO:
    return cast(BinaryIO, open_attachment(store, sha256))


def export_bundle(
    profile: Profile,
    directory: Path,
    *,
    recipients: Sequence[str] | None = None,
    everything: bool = False,
    progress: Progress | None = None,
    rand: Callable[[int], bytes] = os.urandom,
) -> ExportResult | None:
    """Write the next bundle into ``directory``; None when there is nothing new to export."""
    role = profile.role
    if role == "training":
        raise TrainingProfile()
    peers = resolve_recipients(profile, recipients)
    directory = Path(directory)
    if not directory.is_dir():
        raise ExchangeError(
            "The export folder does not exist.", hint="create it, or plug in the USB stick"
        )
    since = 0 if everything else _since(profile.store, peers)
    entries, n_records, n_attachments, first_seq, first_prev, last_seq = _plan(profile, since)
    if not n_records:
        return None
    if progress is not None:
        entries = _with_progress(entries, progress)
    author = profile.identity.public.fingerprint_digits
    chain = ChainRange(
        author=author, first_seq=first_seq, last_seq=last_seq,
        prev=None if first_prev == GENESIS else first_prev.hex(),
    )
    clock = profile.clock
    written = write_bundle_file(
        directory,
        rand=rand,
        sender=profile.identity,
        sender_role=cast(Role, role),
        recipients=[p.public for p in peers],
        kind="records",
        chain=chain,
        entries=entries,
        clock=lambda: clock().timestamp(),
    )
    bundle_id = written.manifest.bundle_id
    fingerprints = tuple(p.public.fingerprint_digits for p in peers)
    now = rfc3339(clock())
    with profile.store.transaction() as conn:
        remember_sent(conn, written, "records", fingerprints, now)
        for fingerprint in fingerprints:
            conn.execute(
                "INSERT INTO exports (recipient, last_seq, last_bundle, exported_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT(recipient) DO UPDATE SET"
                " last_seq = max(last_seq, excluded.last_seq),"
                " last_bundle = excluded.last_bundle, exported_at = excluded.exported_at",
                (fingerprint, last_seq, bundle_id, now),
            )
        audit.append(
            conn, "export", bundle_id,
            {"records": n_records, "attachments": n_attachments, "first_seq": first_seq,
             "last_seq": last_seq, "recipients": list(fingerprints)},
            clock=clock,
        )
    return ExportResult(written.path, bundle_id, n_records, n_attachments, fingerprints, first_seq,
                        last_seq)


def _with_progress(entries: list[EntrySource], progress: Progress) -> list[EntrySource]:
    total = sum(e.size for e in entries)
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        progress(done[0], total)

    def wrap(entry: EntrySource) -> EntrySource:
        opener = entry.open
        return EntrySource(entry.path, entry.size, entry.sha256,
                           lambda: cast(BinaryIO, _Counting(opener(), tick)))

    return [wrap(e) for e in entries]


def fsync_directory(directory: Path) -> None:
    """Make a rename durable; platforms that cannot fsync a folder are let be."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
