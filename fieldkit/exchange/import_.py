"""Import: verify a bundle completely and store it in one transaction, or store nothing.

The order of checks is DESIGN section 8's: :class:`sync.bundle.BundleReader`
decrypts, reads the size-limited manifest, checks its signature against the
sender's *enrolled* key and our place among the recipients; entries are then
checked against the manifest as they stream. Each record is verified (hash,
signature, author, answers against its form) as soon as its bytes have matched
the signed manifest, and the author chain is checked once every record is in.
Everything is written inside one ``store.transaction()``: any failure rolls it
back, so a rejected bundle leaves the store exactly as it was. Quarantining a
rejected file is the caller's step (:mod:`fieldkit.exchange.quarantine`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from fieldkit import audit
from fieldkit.attachments import store_blob
from fieldkit.chain import GENESIS, RecordInvalid, stored_envelope, verify_record_with_answers
from fieldkit.clock import rfc3339
from fieldkit.errors import FieldkitError
from fieldkit.exchange.checks import CHECKS, passed_before_reader_error
from fieldkit.exchange.errors import (
    ContentMismatch,
    ForkRefused,
    RecordRejected,
    TrainingBundle,
    TrainingProfile,
    WrongRole,
)
from fieldkit.exchange.wire import parse_envelope, parse_form_path, parse_record_path
from fieldkit.formstore import FormConflict, ensure_form_installed
from fieldkit.profile import Peer, Profile
from fieldkit.records_batch import (
    BatchCache,
    BatchWriter,
    IndexEntry,
    SealedRow,
    index_entry,
    write_sealed,
)
from fieldkit.store import Connection
from forms import Form, FormError, form_from_json, validate_answers
from keys.errors import SignatureInvalid
from keys.identity import PublicIdentity
from sync.bundle import BundleEntry, BundleReader, ReadLimits
from sync.manifest import Manifest
from sync.receipt import parse_receipt

Gap = tuple[int, int]


@dataclass(frozen=True)
class ImportResult:
    """What importing one bundle did."""

    bundle_id: str
    kind: str
    sender: str
    """The sender's fingerprint (30 digits)."""
    sender_name: str
    """The name on the sender's enrolled card (this device's copy, not the bundle's)."""
    already: bool = False
    """The bundle had been imported before: nothing was done."""
    records: int = 0
    """New records stored (records bundle) or marked delivered (receipt)."""
    duplicates: int = 0
    """Records this device already had."""
    attachments: int = 0
    gaps: tuple[Gap, ...] = ()
    """Ranges of the sender's chain still missing on this device after the import."""


class _Chunks:
    """A verified entry's chunks as a ``read(n)`` source for the attachment store."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks

    def read(self, n: int = -1, /) -> bytes:
        return next(self._chunks, b"")


def _form_cache_key(form_id: str, version: int) -> tuple[str, int]:
    return (form_id, version)


@dataclass
class _RecordsImport:
    """State of one records bundle while it streams into an open transaction."""

    profile: Profile
    conn: Connection
    manifest: Manifest
    sender: PublicIdentity
    search_sensitive: bool
    now: str
    forms: dict[tuple[str, int], Form] = field(default_factory=dict)
    links: dict[int, tuple[bytes, bytes, str]] = field(default_factory=dict)
    blobs_expected: dict[str, int] = field(default_factory=dict)
    blobs_got: set[str] = field(default_factory=set)
    attachment_links: list[tuple[str, str, str, str]] = field(default_factory=list)
    added: int = 0
    """Records verified and handed to the writer (new ones and ones already stored)."""
    stored: set[str] = field(default_factory=set)
    """Ids of the bundle's records this device already had (found by the writer)."""
    writer: BatchWriter | None = None
    cache: BatchCache | None = None

    @property
    def new_records(self) -> int:
        return self.added - len(self.stored)

    @property
    def duplicates(self) -> int:
        return len(self.stored)

    # -- entries -------------------------------------------------------------------

    def take_all(self, entries: Iterator[BundleEntry]) -> None:
        """Take every entry; new records are written on a second thread as they come.

        Verifying a record (signature, canonical form, answers) is Python work,
        storing and indexing it is SQLite work: the writer overlaps the two.
        Whatever fails, the writer is stopped before the transaction ends.
        """
        with BatchCache(self.conn) as cache:
            self.cache = cache
            writer = self.writer = BatchWriter(self.conn, self._write,
                                               name="fieldkit-import-writer")
            try:
                for entry in entries:
                    self.take(entry)
            except BaseException:
                writer.close(quiet=True)
                raise
            finally:
                self.writer = None
                self.cache = None
            writer.close()

    def _own_connection(self) -> None:
        """Wait for the writer before this thread uses the connection itself."""
        if self.writer is not None:
            self.writer.drain()

    def take(self, entry: BundleEntry) -> None:
        if entry.path.startswith("forms/"):
            self._form(entry)
        elif entry.path.startswith("records/"):
            self._record(entry)
        elif entry.path.startswith("attachments/"):
            self._attachment(entry)
        else:  # the manifest parser allows nothing else in a records bundle
            raise ContentMismatch()

    def _form(self, entry: BundleEntry) -> None:
        where = parse_form_path(entry.path)
        if where is None:
            raise ContentMismatch()
        form_id, version = where
        try:
            form = form_from_json(entry.read(), source="bundle")
        except FormError:
            raise ContentMismatch(
                f"The form '{form_id}' version {version} inside this bundle is not valid."
            ) from None
        if (form.id, form.version) != where:
            raise ContentMismatch(
                f"The form '{form_id}' version {version} inside this bundle is another form."
            )
        self._own_connection()
        try:
            ensure_form_installed(self.conn, form, source="bundle", clock=self.profile.clock)
        except FormConflict:
            raise ContentMismatch(
                f"The form '{form_id}' version {version} inside this bundle differs from the one"
                " installed here under the same version.",
                hint="ask the form's maintainer which definition is right",
            ) from None
        self.forms[where] = form

    def _installed_form(self, form_id: str, version: int) -> Form | None:
        key = _form_cache_key(form_id, version)
        if key not in self.forms:
            self._own_connection()
            row = self.conn.execute(
                "SELECT definition FROM forms WHERE form_id = ? AND version = ?",
                (form_id, version),
            ).fetchone()
            if row is None:
                return None
            self.forms[key] = form_from_json(bytes(row[0]), source="installed form")
        return self.forms[key]

    def _record(self, entry: BundleEntry) -> None:
        record_id = parse_record_path(entry.path)
        if record_id is None:
            raise ContentMismatch()
        envelope = parse_envelope(entry.read(), record_id)
        try:
            sealed, answers_canonical = verify_record_with_answers(
                envelope.canonical, envelope.hash, envelope.signature, self.sender)
        except SignatureInvalid:
            raise RecordRejected(
                f"The author's signature on record {record_id} in this bundle is not valid."
            ) from None
        except RecordInvalid as exc:
            raise RecordRejected(f"Record {record_id} in this bundle: {exc.message}") from None
        if sealed.id != record_id:
            raise RecordRejected(f"Record {record_id} in this bundle is filed under another id.")
        form = self._installed_form(sealed.form_id, sealed.form_version)
        if form is None:
            raise RecordRejected(
                f"Record {record_id} uses form '{sealed.form_id}' version {sealed.form_version},"
                " which is neither in this bundle nor on this device."
            )
        try:
            today = dt.date.fromisoformat(sealed.sealed_at[:10])
            result = validate_answers(form, sealed.answers, today=today, partial=False)
        except (ValueError, TypeError, FieldkitError):
            raise RecordRejected(
                f"Record {record_id} in this bundle cannot be checked against its form."
            ) from None
        if result.errors:
            raise RecordRejected(
                f"Record {record_id} in this bundle does not pass the checks of its form"
                f" ({len(result.errors)} problems)."
            )
        if sealed.seq in self.links and self.links[sealed.seq][1] != sealed.hash:
            raise ForkRefused(f"Two records in this bundle are number {sealed.seq} of its author.")
        self.links[sealed.seq] = (sealed.prev, sealed.hash, record_id)
        for attachment in sealed.attachments:
            self.blobs_expected[attachment.sha256] = attachment.size
            self.attachment_links.append(
                (record_id, attachment.sha256, attachment.name, attachment.mime)
            )
        # Stored as sealing stores a record: the canonical answers, and in the
        # canonical column only the rest of the signed bytes.
        row = (record_id, sealed.form_id, sealed.form_version, sealed.author,
               sealed.created_at, self.now, answers_canonical.decode("utf-8"), sealed.seq,
               sealed.prev, sealed.hash, sealed.signature,
               stored_envelope(sealed.canonical, answers_canonical),
               sealed.supersedes, sealed.sealed_at, self.manifest.bundle_id)
        text, found = index_entry(form, result.answers, include_sensitive=self.search_sensitive)
        assert self.writer is not None  # take_all runs every entry
        # Paths are unique in a manifest and each record's id is its path's, so
        # no record comes twice; whether one is already stored, the writer asks.
        self.writer.add(row, (record_id, text, form.id, found))
        self.added += 1

    def _write(self, conn: Connection, rows: list[SealedRow], entries: list[IndexEntry]
               ) -> None:
        """Write one chunk of verified records (on the writer thread), skipping those this
        device already has; a stored copy that differs refuses the bundle."""
        ids = [row[0] for row in rows]
        existing = dict(conn.execute(
            f"SELECT id, hash FROM records WHERE id IN ({', '.join('?' * len(ids))})", ids
        ).fetchall())
        if existing:
            for row in rows:
                if row[0] in existing and (existing[row[0]] is None
                                           or bytes(existing[row[0]]) != row[9]):
                    raise ForkRefused(
                        f"Record {row[0]} in this bundle differs from the copy of it on this"
                        " device."
                    )
            self.stored.update(existing)
            rows = [row for row in rows if row[0] not in existing]
            entries = [entry for entry in entries if entry[0] not in existing]
        write_sealed(conn, rows, entries)

    def _attachment(self, entry: BundleEntry) -> None:
        sha256 = entry.path.removeprefix("attachments/")
        if self.blobs_expected.get(sha256) != entry.size:
            raise ContentMismatch(
                "This bundle holds an attachment that none of its records lists."
                if sha256 not in self.blobs_expected
                else "An attachment in this bundle differs in size from what its record lists."
            )
        self._own_connection()
        if self.cache is not None:
            # Attachments stream through in pieces and are never read back
            # here: the default cache keeps their memory use bounded.
            self.cache.restore()
        got, _size = store_blob(self.conn, _Chunks(entry.chunks()))
        if got != sha256:  # the reader checked the hash; this would be our own bug
            raise ContentMismatch()
        self.blobs_got.add(sha256)

    # -- once every entry has been verified -------------------------------------------

    def check_range(self) -> None:
        chain = self.manifest.chain
        if not self.links:
            if chain is not None:
                raise ContentMismatch(
                    "The chain range in this bundle's list of contents does not match its"
                    " records."
                )
            return
        first = min(self.links)
        prev = self.links[first][0]
        if (
            chain is None
            or chain.author != self.sender.fingerprint_digits
            or chain.first_seq != first
            or chain.last_seq != max(self.links)
            or chain.prev != (None if prev == GENESIS else prev.hex())
        ):
            raise ContentMismatch(
                "The chain range in this bundle's list of contents does not match its records."
            )

    def check_attachments(self) -> None:
        for sha256 in self.blobs_expected.keys() - self.blobs_got:
            row = self.conn.execute(
                "SELECT 1 FROM attachment_blobs WHERE sha256 = ?", (sha256,)
            ).fetchone()
            if row is None:
                raise ContentMismatch("An attachment that a record lists is not in this bundle.")
        self.conn.executemany(
            "INSERT OR IGNORE INTO attachments (record_id, sha256, name, mime, added_at)"
            " VALUES (?, ?, ?, ?, ?)",
            # A record already stored keeps the links it was stored with.
            [(*link, self.now) for link in self.attachment_links if link[0] not in self.stored],
        )

    def check_chain(self) -> tuple[Gap, ...]:
        """Refuse forks against what is stored; return the gaps left in the sender's chain."""
        author = self.sender.fingerprint_digits
        stored: dict[int, tuple[bytes, bytes]] = {}
        bundle_ids = {rid for _, _, rid in self.links.values()}
        for seq, prev, digest, rid in self.conn.execute(
            "SELECT seq, prev, hash, id FROM records WHERE author = ? AND status != 'draft'",
            (author,),
        ):
            if rid in bundle_ids:
                continue  # inserted by this import (or the same record imported before)
            if seq in stored and stored[seq][1] != bytes(digest):
                raise ForkRefused(f"This device already holds two records number {seq} of"
                                  " this author.")
            stored[int(seq)] = (bytes(prev), bytes(digest))
        for seq, (prev, digest, rid) in self.links.items():
            if seq in stored and stored[seq][1] != digest:
                raise ForkRefused(
                    f"Record {rid} takes place {seq} in its author's chain, which a different"
                    " record imported earlier already holds."
                )
            before = GENESIS if seq == 1 else (
                self.links[seq - 1][1] if seq - 1 in self.links
                else stored[seq - 1][1] if seq - 1 in stored else None
            )
            if before is not None and prev != before:
                raise ForkRefused(
                    f"Record {rid} does not follow the record before it in its author's chain."
                )
            after = stored.get(seq + 1)
            if after is not None and after[0] != digest:
                raise ForkRefused(
                    f"Record {rid} is not the one that the author's next record, imported"
                    " earlier, follows."
                )
        present = set(stored) | set(self.links)
        return _gaps(present)


def _gaps(present: set[int]) -> tuple[Gap, ...]:
    gaps: list[Gap] = []
    start: int | None = None
    for seq in range(1, max(present, default=0) + 1):
        if seq not in present:
            start = seq if start is None else start
        elif start is not None:
            gaps.append((start, seq - 1))
            start = None
    return tuple(gaps)


def format_gaps(gaps: tuple[Gap, ...]) -> str:
    """'5-7, 9' for the ranges (5, 7) and (9, 9)."""
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in gaps)


def _peer_lookup(peers: dict[str, Peer]) -> Any:
    def lookup(fingerprint: str) -> PublicIdentity | None:
        peer = peers.get(fingerprint)
        return peer.public if peer is not None else None

    return lookup


def import_bundle(
    profile: Profile,
    src: BinaryIO,
    *,
    passed: list[str] | None = None,
    limits: ReadLimits | None = None,
) -> ImportResult:
    """Verify and store one bundle (records on a coordinator, a receipt on a fieldworker).

    Raises a :class:`~keys.errors.FieldkitError` (a ``BundleError`` or an
    ``ImportRefused``) when the bundle is rejected; then nothing was stored.
    ``passed`` receives the names of the checks (:data:`CHECKS`) that passed.
    """
    passed = passed if passed is not None else []
    role = profile.role
    if role == "training":
        raise TrainingProfile("A training profile does not import bundles.",
                              hint="import bundles in a real coordinator or fieldworker profile")
    peers = {p.public.fingerprint_digits: p for p in profile.peers()}
    try:
        reader = BundleReader(src, identity=profile.identity, trusted=_peer_lookup(peers),
                              limits=limits)
    except FieldkitError as exc:
        passed.extend(CHECKS[: passed_before_reader_error(exc)])
        raise
    passed.extend(CHECKS[:4])
    manifest = reader.manifest
    peer = peers[manifest.sender.fingerprint]
    fpr = peer.public.fingerprint_digits
    if manifest.sender.role == "training" or peer.role == "training":
        raise TrainingBundle()
    done = profile.store.query_one(
        "SELECT 1 FROM imports WHERE bundle_id = ?", (manifest.bundle_id,)
    )
    if done is not None:
        return ImportResult(manifest.bundle_id, manifest.kind, fpr, peer.name,
                            already=True)
    if manifest.kind == "receipt":
        return _import_receipt(profile, reader, peer, passed)
    if role != "coordinator":
        raise WrongRole("Only a coordinator imports records bundles; this device is a "
                        f"{role}.")
    return _import_records(profile, reader, peer, passed)


def _import_records(
    profile: Profile, reader: BundleReader, peer: Peer, passed: list[str]
) -> ImportResult:
    manifest = reader.manifest
    fpr = peer.public.fingerprint_digits
    now = rfc3339(profile.clock())
    store = profile.store
    with store.deferred_checkpoint(), store.transaction() as conn:
        state = _RecordsImport(profile, conn, manifest, reader.verified.sender,
                               profile.settings.search_sensitive, now)
        state.take_all(reader.entries())
        passed.append(CHECKS[4])
        state.check_range()
        state.check_attachments()
        passed.append(CHECKS[5])
        gaps = state.check_chain()
        passed.append(CHECKS[6])
        conn.execute(
            "INSERT INTO imports (bundle_id, kind, sender, created_at, imported_at, records,"
            " attachments) VALUES (?, 'records', ?, ?, ?, ?, ?)",
            (manifest.bundle_id, fpr, manifest.created_at, now,
             state.new_records, len(state.blobs_got)),
        )
        audit.append(
            conn, "import", manifest.bundle_id,
            {"kind": "records", "sender": fpr, "records": state.new_records,
             "duplicates": state.duplicates, "attachments": len(state.blobs_got),
             "missing": sum(b - a + 1 for a, b in gaps)},
            clock=profile.clock,
        )
    return ImportResult(
        manifest.bundle_id, "records", fpr, peer.name,
        records=state.new_records, duplicates=state.duplicates,
        attachments=len(state.blobs_got), gaps=gaps,
    )


def _import_receipt(
    profile: Profile, reader: BundleReader, peer: Peer, passed: list[str]
) -> ImportResult:
    manifest = reader.manifest
    fpr = peer.public.fingerprint_digits
    if peer.role != "coordinator" or manifest.sender.role != "coordinator":
        raise WrongRole("This receipt does not come from a trusted coordinator.")
    body = b""
    for entry in reader.entries():
        body = entry.read()
    passed.append(CHECKS[4])
    receipt = parse_receipt(body)
    me = profile.identity.public.fingerprint_digits
    hashes = sorted(receipt.hashes_for(me))
    now = rfc3339(profile.clock())
    with profile.store.transaction() as conn:
        marked = 0
        for digest in hashes:
            cursor = conn.execute(
                "UPDATE records SET delivered_at = ? WHERE author = ? AND hash = ?"
                " AND status = 'sealed' AND delivered_at IS NULL",
                (now, me, bytes.fromhex(digest)),
            )
            marked += max(cursor.rowcount, 0)
        conn.execute(
            "INSERT INTO imports (bundle_id, kind, sender, created_at, imported_at, records,"
            " attachments) VALUES (?, 'receipt', ?, ?, ?, ?, 0)",
            (manifest.bundle_id, fpr, manifest.created_at, now, marked),
        )
        conn.execute(
            "INSERT INTO receipts (bundle_id, direction, peer, at, bundles, records)"
            " VALUES (?, 'received', ?, ?, ?, ?)",
            (manifest.bundle_id, fpr, now, len(receipt.bundle_ids), len(hashes)),
        )
        audit.append(
            conn, "receipt", manifest.bundle_id,
            {"direction": "received", "from": fpr, "delivered": marked,
             "listed": len(hashes)},
            clock=profile.clock,
        )
    return ImportResult(manifest.bundle_id, "receipt", fpr, peer.name,
                        records=marked)
