"""age v1 file encryption (X25519 recipients), streaming with bounded memory.

Files written here decrypt with the ``age`` tool and any other age v1
implementation, and the other way round. Only X25519 recipients are written and
tried; other stanza types in a header are parsed and skipped.
"""

from __future__ import annotations

import hmac
import io
import os
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from keys import bech32

from .armor import BEGIN, ArmorReader
from .errors import AgeError, ArmorError, HeaderError, NoIdentityMatch, PayloadError
from .header import b64encode, marshal_stanzas, parse_header
from .stream import NONCE_SIZE, Readable, StreamReader, StreamWriter, payload_key
from .x25519 import FILE_KEY_SIZE, unwrap, wrap

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "AgeError",
    "ArmorError",
    "Decryptor",
    "Encryptor",
    "HeaderError",
    "NoIdentityMatch",
    "PayloadError",
    "decrypt",
    "decrypt_bytes",
    "encrypt",
    "encrypt_bytes",
    "format_identity",
    "format_recipient",
    "parse_identity",
    "parse_recipient",
]

_RECIPIENT_HRP = "age"
_IDENTITY_HRP = "age-secret-key-"


def parse_recipient(s: str) -> X25519PublicKey:
    """Parse an ``age1...`` recipient (an X25519 public key)."""
    s = s.strip()
    try:
        hrp, data = bech32.decode(s)
    except ValueError:
        raise AgeError("This is not a valid age recipient key (age1...).") from None
    # age keeps the case of the prefix: recipients are lower case only.
    if hrp != _RECIPIENT_HRP or s != s.lower() or len(data) != 32:
        raise AgeError("This is not a valid age recipient key (age1...).")
    return X25519PublicKey.from_public_bytes(data)


def format_recipient(pub: X25519PublicKey) -> str:
    """The ``age1...`` form of an X25519 public key."""
    return bech32.encode(_RECIPIENT_HRP, pub.public_bytes_raw())


def parse_identity(s: str) -> X25519PrivateKey:
    """Parse an ``AGE-SECRET-KEY-1...`` identity (an X25519 private key)."""
    s = s.strip()
    try:
        hrp, data = bech32.decode(s)
    except ValueError:
        raise AgeError("This is not a valid age secret key (AGE-SECRET-KEY-1...).") from None
    if hrp != _IDENTITY_HRP or s != s.upper() or len(data) != 32:
        raise AgeError("This is not a valid age secret key (AGE-SECRET-KEY-1...).")
    return X25519PrivateKey.from_private_bytes(data)


def format_identity(priv: X25519PrivateKey) -> str:
    """The ``AGE-SECRET-KEY-1...`` form of an X25519 private key."""
    return bech32.encode(_IDENTITY_HRP, priv.private_bytes_raw()).upper()


def _header_mac(file_key: bytes, covered: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"header")
    return hmac.digest(hkdf.derive(file_key), covered, "sha256")


def _random(rand: Callable[[int], bytes], n: int) -> bytes:
    data = rand(n)
    if len(data) != n:
        raise ValueError("the random source returned the wrong number of bytes")
    return data


class Encryptor:
    """A writable binary stream that encrypts into the destination it was made for.

    ``close()`` (or leaving a ``with`` block normally) writes the final chunk; until
    then the output is a truncated file that will not decrypt. Leaving a ``with``
    block by an exception deliberately does not seal it, and neither does garbage
    collection: a half-written bundle must never pass as a complete one. The
    destination itself is never closed here.
    """

    def __init__(self, writer: StreamWriter) -> None:
        self._writer = writer

    @property
    def closed(self) -> bool:
        """Whether the stream is finished (sealed or aborted)."""
        return self._writer.closed

    def writable(self) -> bool:
        """Always true: this is a write-only stream."""
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Encrypt ``data`` (buffered up to one 64 KiB chunk); returns ``len(data)``."""
        return self._writer.write(data)

    def flush(self) -> None:
        """Nothing to do: a chunk can only be written once the next one is known."""

    def tell(self) -> int:
        """How many plaintext bytes have been written so far."""
        return self._writer.written

    # Present, and refusing, so that the encryptor fits where a binary file object
    # is expected (``tarfile.open(fileobj=..., mode="w|")``).
    def readable(self) -> bool:
        """Always false: this is a write-only stream."""
        return False

    def seekable(self) -> bool:
        """Always false: the output is written strictly in order."""
        return False

    def read(self, size: int = -1, /) -> bytes:
        """Not supported."""
        raise io.UnsupportedOperation("read")

    def seek(self, pos: int, whence: int = 0, /) -> int:
        """Not supported."""
        raise io.UnsupportedOperation("seek")

    def close(self) -> None:
        """Write the final chunk. The destination is left open."""
        self._writer.close()

    def __enter__(self) -> Encryptor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self._writer.abort()


def encrypt(
    dst: BinaryIO,
    recipients: Sequence[X25519PublicKey],
    *,
    rand: Callable[[int], bytes] = os.urandom,
) -> Encryptor:
    """Write an age header for ``recipients`` to ``dst`` and return the payload stream.

    ``rand`` is called for the file key (16 bytes), then one ephemeral key per
    recipient (32 bytes each, in order), then the payload nonce (16 bytes), so a
    known-answer test can pin every random byte.
    """
    if not recipients:
        raise AgeError("No recipient keys were given to encrypt to.")
    file_key = _random(rand, FILE_KEY_SIZE)
    stanzas = [wrap(file_key, r, lambda n: _random(rand, n)) for r in recipients]
    covered = marshal_stanzas(stanzas)
    mac = _header_mac(file_key, covered)
    nonce = _random(rand, NONCE_SIZE)
    dst.write(covered + b" " + b64encode(mac) + b"\n" + nonce)
    return Encryptor(StreamWriter(dst, payload_key(file_key, nonce)))


class Decryptor(io.RawIOBase):
    """A readable binary stream of the plaintext, decrypted one 64 KiB chunk at a time.

    Reads fill the request across chunks. Plaintext is only handed out once its
    chunk has authenticated; when a later chunk fails, the bytes already gathered
    are returned and ``PayloadError`` (or ``ArmorError``) comes with the next read.
    Reaching the end (an empty read) means the whole file was authentic and complete.
    """

    def __init__(self, reader: StreamReader) -> None:
        super().__init__()
        self._reader = reader
        self._chunk = memoryview(b"")

    def readable(self) -> bool:
        return True

    def _refill(self) -> bool:
        chunk = self._reader.next_chunk()
        if chunk is None:
            return False
        self._chunk = chunk
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        """Fill ``buffer`` with plaintext; returns the count, 0 only at the end."""
        self._checkClosed()
        # Released on return: a stored error's traceback must not pin the caller's buffer.
        with memoryview(buffer) as view, view.cast("B") as out:
            return self._fill(out)

    def _fill(self, out: memoryview) -> int:
        filled = 0
        while filled < len(out):
            if not self._chunk:
                try:
                    if not self._refill():
                        break
                except AgeError:
                    # The reader keeps the error and raises it again on the next read.
                    if filled:
                        break
                    raise
            n = min(len(out) - filled, len(self._chunk))
            out[filled : filled + n] = self._chunk[:n]
            self._chunk = self._chunk[n:]
            filled += n
        return filled

    def read(self, size: int | None = -1) -> bytes:
        """Read up to ``size`` bytes (all that is left if ``size`` is negative)."""
        self._checkClosed()
        if size is None or size < 0:
            return self.readall()
        if len(self._chunk) >= size:
            data = bytes(self._chunk[:size])
            self._chunk = self._chunk[size:]
            return data
        buf = bytearray(size)
        n = self.readinto(buf)
        del buf[n:]
        return bytes(buf)

    def readall(self) -> bytes:
        """Read to the end; raises rather than return a partial result."""
        self._checkClosed()
        parts = [bytes(self._chunk)]
        self._chunk = memoryview(b"")
        while self._refill():
            parts.append(bytes(self._chunk))
        self._chunk = memoryview(b"")
        return b"".join(parts)


def _read_exact(src: Readable, n: int) -> bytes:
    data = b""
    while len(data) < n:
        more = src.read(n - len(data))
        if not more:
            break
        data += more
    return data


def decrypt(
    src: BinaryIO,
    identities: Sequence[X25519PrivateKey],
    *,
    armored: bool = False,
) -> Decryptor:
    """Read and check the header from ``src`` now; decrypt the payload as it is read.

    Raises ``NoIdentityMatch`` if no identity opens the file, ``HeaderError`` if the
    header is malformed or altered, ``ArmorError`` for bad armor (``armored=True``).
    """
    source: BinaryIO = ArmorReader(src) if armored else src  # type: ignore[assignment]
    header, covered = parse_header(source)
    file_key: bytes | None = None
    for identity in identities:
        for stanza in header.stanzas:
            file_key = unwrap(stanza, identity)
            if file_key is not None:
                break
        if file_key is not None:
            break
    if file_key is None:
        raise NoIdentityMatch()
    if not hmac.compare_digest(_header_mac(file_key, covered), header.mac):
        raise HeaderError("The encrypted file's header has been altered (its MAC does not match).")
    nonce = _read_exact(source, NONCE_SIZE)
    if len(nonce) != NONCE_SIZE:
        raise HeaderError("The encrypted file ends before its payload begins.")
    return Decryptor(StreamReader(source, payload_key(file_key, nonce)))


def encrypt_bytes(
    data: bytes | bytearray | memoryview,
    recipients: Sequence[X25519PublicKey],
    *,
    rand: Callable[[int], bytes] = os.urandom,
) -> bytes:
    """Encrypt ``data`` in memory to ``recipients``."""
    out = io.BytesIO()
    with encrypt(out, recipients, rand=rand) as enc:
        enc.write(data)
    return out.getvalue()


def decrypt_bytes(data: bytes, identities: Sequence[X25519PrivateKey]) -> bytes:
    """Decrypt an age file held in memory, binary or armored (detected by its BEGIN line)."""
    armored = data.lstrip().startswith(BEGIN)
    return decrypt(io.BytesIO(data), identities, armored=armored).readall()
