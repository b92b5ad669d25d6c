"""Reading bundles: decrypt, check the signed manifest, then stream verified entries.

The checks run in the order DESIGN section 8 fixes: decrypt as a stream, parse
the manifest (size-limited), verify its signature against the sender's enrolled
key, require our own fingerprint among the recipients, then check every entry
against the manifest while it streams. A bundle counts as verified only once
:meth:`BundleReader.entries` is exhausted without error: that is when the tar
end and age's final chunk have been checked. Callers import inside one
transaction and roll back on any :class:`~sync.errors.BundleError`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from keys.domains import DOMAIN_BUNDLE
from keys.errors import SignatureInvalid
from keys.identity import SIGNATURE_LENGTH, Identity, PublicIdentity
from sync import age
from sync.bundle_tar import CHUNK, TarReader
from sync.errors import (
    BadSignature,
    CorruptBundle,
    DuplicateEntry,
    EntryMismatch,
    EntryTooLarge,
    ManifestError,
    ManifestTooLarge,
    MissingEntry,
    NotForThisDevice,
    OutOfOrderEntry,
    RecipientMismatch,
    SenderKeyMismatch,
    UnexpectedEntry,
    UntrustedSender,
)
from sync.manifest import (
    MANIFEST_PATH,
    MAX_ENTRY_SIZE,
    MAX_MANIFEST_SIZE,
    SIGNATURE_PATH,
    Entry,
    Manifest,
    parse_manifest,
)

TrustedLookup = Callable[[str], PublicIdentity | None]
"""Maps a 30-digit fingerprint to the key enrolled under it, or None if not enrolled."""

SMALL_ENTRY_LIMIT = 4 * 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """How much a reader accepts before refusing a bundle unread."""

    max_manifest: int = MAX_MANIFEST_SIZE
    max_small_entry: int = SMALL_ENTRY_LIMIT
    """Forms, records and receipts: JSON documents that are read whole."""
    max_attachment: int = MAX_ENTRY_SIZE


@dataclass(frozen=True)
class VerifiedBundle:
    """What a fully read bundle proved: its manifest, signature and enrolled sender."""

    manifest: Manifest
    manifest_bytes: bytes
    signature: bytes
    sender: PublicIdentity


class BundleEntry:
    """One entry as it streams past; its data can be read once, then it is gone."""

    def __init__(self, tar: TarReader, entry: Entry, max_read: int) -> None:
        self.path = entry.path
        self.size = entry.size
        self.sha256 = entry.sha256
        self._tar = tar
        self._max_read = max_read
        self._stream: Iterator[bytes] | None = None

    def chunks(self) -> Iterator[bytes]:
        """The entry's bytes in pieces of at most 1 MiB.

        The last piece is held back until the whole entry's SHA-256 has been
        checked, so a caller that consumes every piece has seen only bytes of
        a verified entry; a mismatch raises :class:`EntryMismatch` instead.
        """
        if self._stream is not None:
            raise RuntimeError("an entry's data can be read only once")
        self._stream = self._verified_pieces()
        return self._stream

    def read(self) -> bytes:
        """The whole entry, verified; only for small entries (forms, records, receipts)."""
        if self.size > self._max_read:
            raise ValueError("use chunks() for large entries")
        return b"".join(self.chunks())

    def _verified_pieces(self) -> Iterator[bytes]:
        digest = hashlib.sha256()
        held: bytes | None = None
        while piece := self._tar.read_data(CHUNK):
            digest.update(piece)
            if held is not None:
                yield held
            held = piece
        if not hmac.compare_digest(digest.hexdigest(), self.sha256):
            raise EntryMismatch()
        if held is not None:
            yield held

    def _drain(self) -> None:
        stream = self._stream if self._stream is not None else self.chunks()
        for _ in stream:
            pass


class BundleReader:
    """Opens a bundle and checks everything before its entries; then streams them."""

    def __init__(
        self,
        src: BinaryIO,
        *,
        identity: Identity,
        trusted: TrustedLookup,
        limits: ReadLimits | None = None,
    ) -> None:
        self.limits = limits or ReadLimits()
        self._decryptor = _decrypt(src, identity)
        self._tar = TarReader(self._read)
        manifest_bytes = self._read_header_member(MANIFEST_PATH, self.limits.max_manifest)
        manifest = parse_manifest(manifest_bytes, max_size=self.limits.max_manifest)
        signature = self._read_header_member(SIGNATURE_PATH, SIGNATURE_LENGTH)
        if len(signature) != SIGNATURE_LENGTH:
            raise BadSignature()
        sender = _check_sender(manifest, manifest_bytes, signature, trusted)
        if identity.public.fingerprint_digits not in manifest.recipients:
            raise RecipientMismatch()
        self._check_limits(manifest)
        self.verified = VerifiedBundle(manifest, manifest_bytes, signature, sender)
        self._started = False

    @property
    def manifest(self) -> Manifest:
        """The signed manifest (already checked against the enrolled sender)."""
        return self.verified.manifest

    def _read(self, n: int) -> bytes:
        try:
            data: bytes = self._decryptor.read(n)
        except age.AgeError:
            raise CorruptBundle() from None
        return data

    def _read_header_member(self, name: str, limit: int) -> bytes:
        member = self._tar.next_member()
        if member is None or member.name != name:
            raise ManifestError("This bundle does not start with its signed list of contents.")
        if member.size > limit:
            # Refused by the size the tar header declares, before reading any of it.
            raise ManifestTooLarge() if name == MANIFEST_PATH else BadSignature()
        data = bytearray()
        while piece := self._tar.read_data(CHUNK):
            data += piece
        return bytes(data)

    def _check_limits(self, manifest: Manifest) -> None:
        for entry in manifest.entries:
            limit = self.limits.max_attachment if entry.rank == 2 else self.limits.max_small_entry
            if entry.size > limit:
                raise EntryTooLarge()

    def entries(self) -> Iterator[BundleEntry]:
        """Each entry in manifest order, checked against it; the bundle ends verified.

        An entry not read by the caller is still read and hash-checked before
        the next one starts. Stopping early leaves the bundle unverified.
        """
        if self._started:
            raise RuntimeError("a bundle's entries can be read only once")
        self._started = True
        expected = self.manifest.entries
        position = {entry.path: index for index, entry in enumerate(expected)}
        seen = {MANIFEST_PATH, SIGNATURE_PATH}
        for index, entry in enumerate(expected):
            member = self._tar.next_member()
            if member is None:
                raise MissingEntry()
            if member.name != entry.path:
                raise _misplaced(member.name, seen, position, index)
            if member.size != entry.size:
                raise EntryMismatch()
            seen.add(entry.path)
            item = BundleEntry(self._tar, entry, self.limits.max_small_entry)
            yield item
            item._drain()
        member = self._tar.next_member()
        if member is not None:
            raise DuplicateEntry() if member.name in seen else UnexpectedEntry()


def _misplaced(name: str, seen: set[str], position: dict[str, int], index: int) -> Exception:
    if name in seen:
        return DuplicateEntry()
    if position.get(name, -1) > index:
        return OutOfOrderEntry()
    return UnexpectedEntry()


def _decrypt(src: BinaryIO, identity: Identity) -> Any:
    try:
        return age.decrypt(src, [identity.x25519_private()])
    except age.NoIdentityMatch:
        raise NotForThisDevice() from None
    except age.AgeError:
        raise CorruptBundle() from None


def _check_sender(
    manifest: Manifest, manifest_bytes: bytes, signature: bytes, trusted: TrustedLookup
) -> PublicIdentity:
    """The enrolled key for the manifest's sender, after checking the signature with it."""
    enrolled = trusted(manifest.sender.fingerprint)
    if enrolled is None:
        raise UntrustedSender()
    # The keys carried in the manifest are only a claim: the signature is checked
    # with the key enrolled after an out-of-band fingerprint check.
    try:
        enrolled.verify(DOMAIN_BUNDLE, hashlib.sha256(manifest_bytes).digest(), signature)
    except SignatureInvalid:
        raise BadSignature() from None
    carried = manifest.sender
    if (
        enrolled.fingerprint_digits != carried.fingerprint
        or enrolled.signing_key != carried.signing_key_bytes
        or enrolled.encryption_key != carried.encryption_key_bytes
    ):
        raise SenderKeyMismatch()
    return enrolled


def read_bundle(
    src: BinaryIO,
    *,
    identity: Identity,
    trusted: TrustedLookup,
    on_entry: Callable[[BundleEntry], None],
    limits: ReadLimits | None = None,
) -> VerifiedBundle:
    """Read and verify a whole bundle, handing each entry to ``on_entry`` as it streams.

    ``on_entry`` may consume ``entry.chunks()`` (or ``entry.read()`` for small
    entries) into its own sink; whatever it leaves is still verified. Returns
    only if everything checked out; otherwise raises a
    :class:`~sync.errors.BundleError` and the caller discards what it kept.
    """
    reader = BundleReader(src, identity=identity, trusted=trusted, limits=limits)
    for entry in reader.entries():
        on_entry(entry)
    return reader.verified
