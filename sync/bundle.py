"""Writing bundles: a signed manifest and its entries, tarred and age-encrypted in one pass.

Reading lives in :mod:`sync.bundle_reader`; its public names are re-exported here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os
import tarfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, cast

from pydantic import ValidationError

from keys.card import Role
from keys.domains import DOMAIN_BUNDLE
from keys.identity import Identity, PublicIdentity
from sync import age
from sync.bundle_reader import BundleEntry, BundleReader, ReadLimits, VerifiedBundle, read_bundle
from sync.bundle_tar import member_info, open_tar_writer
from sync.errors import BundleWriteError, SourceChanged
from sync.ids import Clock, RandomBytes, random_name, uuid7
from sync.manifest import (
    MANIFEST_PATH,
    SIGNATURE_PATH,
    ChainRange,
    Entry,
    Kind,
    Manifest,
    Sender,
    manifest_to_bytes,
)

__all__ = [
    "BUNDLE_SUFFIX",
    "BundleEntry",
    "BundleReader",
    "BundleWriter",
    "EntrySource",
    "ReadLimits",
    "VerifiedBundle",
    "WrittenBundle",
    "read_bundle",
    "write_bundle",
    "write_bundle_file",
]

BUNDLE_SUFFIX = ".fkb"
PARTIAL_PREFIX = ".fieldkit-partial-"


@dataclass(frozen=True)
class EntrySource:
    """One planned entry: its path, the size and SHA-256 it must have, and how to open it.

    The manifest comes first in the tar yet lists every entry's size and hash,
    so these are known in advance (the store hashes attachments as it keeps
    them); the writer re-checks them while streaming.
    """

    path: str
    size: int
    sha256: str
    open: Callable[[], BinaryIO]

    @classmethod
    def from_bytes(cls, path: str, data: bytes) -> EntrySource:
        """An entry held in memory (forms, records, receipts)."""
        return cls(path, len(data), hashlib.sha256(data).hexdigest(), lambda: io.BytesIO(data))


class _CheckedSource:
    """Reads a source for ``tarfile`` while hashing it; refuses a size or hash change."""

    def __init__(self, entry: EntrySource, stream: BinaryIO) -> None:
        self._entry = entry
        self._stream = stream
        self._hash = hashlib.sha256()
        self._left = entry.size

    def read(self, n: int = -1, /) -> bytes:
        wanted = self._left if n < 0 else min(n, self._left)
        pieces: list[bytes] = []
        got = 0
        while got < wanted:  # raw streams may return short reads before the end
            piece = self._stream.read(wanted - got)
            if not piece:
                raise SourceChanged()
            pieces.append(piece)
            got += len(piece)
        data = b"".join(pieces)
        self._left -= got
        self._hash.update(data)
        return data

    def finish(self) -> None:
        if self._left or self._stream.read(1):
            raise SourceChanged()
        if not hmac.compare_digest(self._hash.hexdigest(), self._entry.sha256):
            raise SourceChanged()


def _utc_stamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(seconds)))


class BundleWriter:
    """Streams one bundle into ``dst``: manifest, signature, then each entry.

    Use as a context manager and call :meth:`write_entries` (or
    :meth:`write_next` per entry for progress). Only a clean exit closes the
    age stream; after an error the output lacks age's final chunk, so no
    reader will accept it — the caller should still delete it.
    """

    def __init__(
        self,
        dst: BinaryIO,
        *,
        sender: Identity,
        sender_role: Role,
        recipients: Sequence[PublicIdentity],
        kind: Kind,
        chain: ChainRange | None,
        entries: Sequence[EntrySource],
        clock: Clock = time.time,
        rand: RandomBytes = os.urandom,
    ) -> None:
        public = sender.public
        now = clock()
        try:
            self.manifest = Manifest(
                format="fieldkit-bundle/1",
                kind=kind,
                bundle_id=uuid7(clock=lambda: now, rand=rand),
                created_at=_utc_stamp(now),
                sender=Sender(
                    signing_key=_b64(public.signing_key),
                    encryption_key=public.recipient,
                    fingerprint=public.fingerprint_digits,
                    role=sender_role,
                ),
                recipients=tuple(r.fingerprint_digits for r in recipients),
                chain=chain,
                entries=tuple(Entry(path=e.path, size=e.size, sha256=e.sha256) for e in entries),
            )
        except ValidationError:
            raise BundleWriteError(
                "This export cannot be packed: one of its files or keys is not allowed in a bundle."
            ) from None
        self.manifest_bytes = manifest_to_bytes(self.manifest)
        self.signature = sender.sign(DOMAIN_BUNDLE, hashlib.sha256(self.manifest_bytes).digest())
        self._dst = dst
        self._recipients = [r.x25519_public() for r in recipients]
        self._sources = list(entries)
        self._next = 0
        self._rand = rand
        self._encryptor: age.Encryptor | None = None
        self._tar: tarfile.TarFile | None = None

    def __enter__(self) -> BundleWriter:
        self._encryptor = age.encrypt(self._dst, self._recipients, rand=self._rand)
        self._tar = open_tar_writer(self._encryptor)
        for path, data in ((MANIFEST_PATH, self.manifest_bytes), (SIGNATURE_PATH, self.signature)):
            self._tar.addfile(member_info(path, len(data)), io.BytesIO(data))
        return self

    @property
    def remaining(self) -> int:
        """How many entries are still to be written."""
        return len(self._sources) - self._next

    def write_next(self) -> EntrySource:
        """Stream the next planned entry and return it (for progress reporting)."""
        if self._tar is None:
            raise RuntimeError("use BundleWriter as a context manager")
        source = self._sources[self._next]
        with source.open() as stream:
            checked = _CheckedSource(source, stream)
            self._tar.addfile(member_info(source.path, source.size), checked)
            checked.finish()
        self._next += 1
        return source

    def write_entries(self) -> None:
        """Stream every remaining entry, 1 MiB at a time."""
        while self.remaining:
            self.write_next()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None or self._tar is None or self._encryptor is None:
            return  # leave the age stream unfinished: it can never verify
        if self.remaining:
            raise RuntimeError("not every planned entry was written")
        self._tar.close()
        self._encryptor.close()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def write_bundle(
    dst: BinaryIO,
    *,
    sender: Identity,
    sender_role: Role,
    recipients: Sequence[PublicIdentity],
    kind: Kind,
    chain: ChainRange | None,
    entries: Sequence[EntrySource],
    clock: Clock = time.time,
    rand: RandomBytes = os.urandom,
) -> Manifest:
    """Write a whole bundle to ``dst`` and return its manifest (see :class:`BundleWriter`)."""
    with BundleWriter(
        dst,
        sender=sender,
        sender_role=sender_role,
        recipients=recipients,
        kind=kind,
        chain=chain,
        entries=entries,
        clock=clock,
        rand=rand,
    ) as writer:
        writer.write_entries()
    return writer.manifest


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # some platforms cannot open folders; the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass  # e.g. some FAT drivers refuse fsync on folders
    finally:
        os.close(fd)


@dataclass(frozen=True)
class WrittenBundle:
    """A bundle file safely in place: its path, manifest and the SHA-256 of its bytes."""

    path: Path
    manifest: Manifest
    sha256: str


class _HashingFile:
    """Passes writes to ``out`` while hashing them (the bundle's own file hash)."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self.digest = hashlib.sha256()

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self.digest.update(data)
        return self._out.write(data)

    def flush(self) -> None:
        self._out.flush()


def write_bundle_file(
    directory: Path,
    *,
    sender: Identity,
    sender_role: Role,
    recipients: Sequence[PublicIdentity],
    kind: Kind,
    chain: ChainRange | None,
    entries: Sequence[EntrySource],
    clock: Clock = time.time,
    rand: RandomBytes = os.urandom,
) -> WrittenBundle:
    """Write a bundle into ``directory`` under a random name.

    The bytes go to a hidden partial file (created exclusively, mode 0600),
    are fsynced, and only then renamed to ``<32 hex>.fkb``: a stick pulled
    mid-export leaves no half bundle under a final name. On any error the
    partial file is removed.
    """
    partial = directory / f"{PARTIAL_PREFIX}{random_name(rand=rand)}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(partial, flags, 0o600)
    except OSError:
        raise BundleWriteError() from None
    try:
        with os.fdopen(fd, "wb") as out:
            hashing = _HashingFile(out)
            manifest = write_bundle(
                cast(BinaryIO, hashing),
                sender=sender,
                sender_role=sender_role,
                recipients=recipients,
                kind=kind,
                chain=chain,
                entries=entries,
                clock=clock,
                rand=rand,
            )
            out.flush()
            os.fsync(out.fileno())
        final = directory / f"{random_name(rand=rand)}{BUNDLE_SUFFIX}"
        if final.exists():  # 128 random bits: only a broken random source gets here
            raise BundleWriteError()
        os.rename(partial, final)
        _fsync_directory(directory)
    except OSError:
        partial.unlink(missing_ok=True)
        raise BundleWriteError() from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return WrittenBundle(final, manifest, hashing.digest.hexdigest())
