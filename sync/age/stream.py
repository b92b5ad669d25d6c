"""The age v1 payload: STREAM encryption in 64 KiB ChaCha20-Poly1305 chunks.

Memory stays at a couple of chunk buffers whatever the size of the payload, and
the reader never hands out plaintext from a chunk before its tag has verified.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import AgeError, PayloadError

CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
ENCRYPTED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE
NONCE_SIZE = 16
# The 11-byte big-endian chunk counter must never wrap around.
_MAX_COUNTER = 1 << 88


class Readable(Protocol):
    """A binary source; ``readinto`` is used when it has one (it saves a copy)."""

    def read(self, size: int = -1, /) -> bytes: ...


class Writable(Protocol):
    """A binary sink."""

    def write(self, data: memoryview, /) -> object: ...


def payload_key(file_key: bytes, nonce: bytes) -> bytes:
    """The STREAM key: HKDF-SHA256 over the file key, salted with the payload nonce."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=nonce, info=b"payload")
    return hkdf.derive(file_key)


# Large writes are sealed in batches split across two threads (see _seal_batch);
# a batch bounds the extra memory to 1 MiB per writer.
_BATCH_CHUNKS = 16
_MIN_PARALLEL_CHUNKS = 4
_PARALLEL = (os.cpu_count() or 1) > 1
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _helper_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="age-seal")
        return _pool


def _chunk_nonce(counter: int, last: bool) -> bytes:
    if counter >= _MAX_COUNTER:
        raise AgeError("This file is too large to encrypt.")
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class StreamWriter:
    """Encrypts plaintext written to it into ``dst``; ``close()`` seals the last chunk."""

    def __init__(self, dst: Writable, key: bytes) -> None:
        self._dst = dst
        self._aead = ChaCha20Poly1305(key)
        self._buf = bytearray(CHUNK_SIZE)
        self._sealed = memoryview(bytearray(ENCRYPTED_CHUNK_SIZE))
        self._helper_aead = ChaCha20Poly1305(key)
        self._batch_out: memoryview | None = None  # allocated on the first large write
        self._filled = 0
        self._counter = 0
        self.closed = False
        self.written = 0

    def _seal(self, chunk: memoryview | bytearray, last: bool) -> None:
        # One reused output buffer: the io contract lets a caller reuse what it passed
        # to write() once the call returns, and skipping an allocation per chunk is
        # a measurable share of the throughput.
        out = self._sealed[: len(chunk) + TAG_SIZE]
        self._aead.encrypt_into(_chunk_nonce(self._counter, last), chunk, None, out)
        self._dst.write(out)
        self._counter += 1

    def _seal_batch(self, chunks: memoryview, count: int) -> None:
        """Seal ``count`` full non-final chunks, half of them on a helper thread.

        ChaCha20-Poly1305 in ``cryptography`` releases the GIL, so on two cores this
        nearly doubles throughput for large writes; each thread has its own AEAD
        object and its own slice of the output, and the output is written in order.
        """
        if count >= _MAX_COUNTER - self._counter:
            raise AgeError("This file is too large to encrypt.")
        if self._batch_out is None:
            self._batch_out = memoryview(bytearray(_BATCH_CHUNKS * ENCRYPTED_CHUNK_SIZE))
        out = self._batch_out[: count * ENCRYPTED_CHUNK_SIZE]
        half = count // 2
        pool = _helper_pool()
        helper = pool.submit(self._seal_range, self._helper_aead, chunks, out, half, count)
        try:
            self._seal_range(self._aead, chunks, out, 0, half)
        finally:
            helper.result()
        self._dst.write(out)
        self._counter += count

    def _seal_range(
        self, aead: ChaCha20Poly1305, chunks: memoryview, out: memoryview, start: int, stop: int
    ) -> None:
        for i in range(start, stop):
            aead.encrypt_into(
                _chunk_nonce(self._counter + i, False),
                chunks[i * CHUNK_SIZE : (i + 1) * CHUNK_SIZE],
                None,
                out[i * ENCRYPTED_CHUNK_SIZE : (i + 1) * ENCRYPTED_CHUNK_SIZE],
            )

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Encrypt ``data``; returns its length. A chunk is sealed only once more follows."""
        if self.closed:
            raise ValueError("write to a closed encryptor")
        view = memoryview(data).cast("B")
        total = len(view)
        self.written += total
        pos = 0
        while pos < total:
            if self._filled == CHUNK_SIZE:
                self._seal(self._buf, last=False)
                self._filled = 0
            if self._filled == 0 and total - pos > CHUNK_SIZE:
                # Large writes go straight from the caller's buffer: no copy. Only
                # chunks with more data after them can be sealed as non-final.
                count = min((total - pos - 1) // CHUNK_SIZE, _BATCH_CHUNKS)
                if count >= _MIN_PARALLEL_CHUNKS and _PARALLEL:
                    self._seal_batch(view[pos : pos + count * CHUNK_SIZE], count)
                    pos += count * CHUNK_SIZE
                else:
                    self._seal(view[pos : pos + CHUNK_SIZE], last=False)
                    pos += CHUNK_SIZE
                continue
            take = min(CHUNK_SIZE - self._filled, total - pos)
            self._buf[self._filled : self._filled + take] = view[pos : pos + take]
            self._filled += take
            pos += take
        return total

    def close(self) -> None:
        """Seal the final chunk (empty only if nothing at all was written)."""
        if self.closed:
            return
        self._seal(memoryview(self._buf)[: self._filled], last=True)
        self._filled = 0
        self._buf[:] = bytes(CHUNK_SIZE)
        self.closed = True

    def abort(self) -> None:
        """Stop without sealing: the output stays truncated and will not decrypt."""
        self._buf[:] = bytes(CHUNK_SIZE)
        self.closed = True


class StreamReader:
    """Decrypts the payload from ``src`` one authenticated chunk at a time."""

    def __init__(self, src: Readable, key: bytes) -> None:
        self._src = src
        readinto = getattr(src, "readinto", None)
        self._readinto: Callable[[memoryview], int | None] = (
            readinto if callable(readinto) else self._readinto_by_read
        )
        self._aead = ChaCha20Poly1305(key)
        self._in = bytearray(ENCRYPTED_CHUNK_SIZE)
        self._out = bytearray(CHUNK_SIZE)
        self._counter = 0
        self._done = False
        self._error: AgeError | None = None

    def _readinto_by_read(self, view: memoryview) -> int:
        data = self._src.read(len(view))
        view[: len(data)] = data
        return len(data)

    def _read_full(self, view: memoryview) -> int:
        filled = 0
        while filled < len(view):
            got = self._readinto(view[filled:])
            if not got:
                break
            filled += got
        return filled

    def _fail(self, message: str) -> PayloadError:
        # Whatever an unauthenticated chunk decrypted to must not linger.
        self._out[:] = bytes(CHUNK_SIZE)
        self._error = PayloadError(message)
        return self._error

    def _open(self, data: memoryview, last: bool) -> int:
        out = memoryview(self._out)[: len(data) - TAG_SIZE]
        return self._aead.decrypt_into(_chunk_nonce(self._counter, last), data, None, out)

    def next_chunk(self) -> memoryview | None:
        """Return the next chunk's plaintext (valid until the next call), ``None`` at the end.

        Raises ``PayloadError`` for a corrupt, truncated or over-long payload, and
        keeps raising it; plaintext of the failing chunk is never returned. An error
        found only after the final chunk (trailing data) is raised on the next call.
        """
        if self._error is not None:
            raise self._error
        if self._done:
            return None
        n = self._read_full(memoryview(self._in))
        if n == 0:
            raise self._fail("The encrypted file is truncated.")
        last = n < ENCRYPTED_CHUNK_SIZE
        if n < TAG_SIZE:
            raise self._fail("The encrypted file is truncated.")
        if last and n == TAG_SIZE and self._counter != 0:
            # Only an entirely empty payload may end with an empty chunk.
            raise self._fail("The encrypted file ends with an empty chunk.")
        data = memoryview(self._in)[:n]
        try:
            size = self._open(data, last)
        except InvalidTag:
            if last:
                raise self._fail("The encrypted file is damaged or has been altered.") from None
            # A full-size chunk may still be the final one.
            try:
                size = self._open(data, True)
            except InvalidTag:
                raise self._fail("The encrypted file is damaged or has been altered.") from None
            last = True
        self._counter += 1
        if last:
            self._done = True
            self._check_end()
        return memoryview(self._out)[:size]

    def _check_end(self) -> None:
        try:
            extra = self._src.read(1)
        except AgeError as exc:
            self._error = exc
            return
        if extra:
            self._error = PayloadError("The encrypted file has data after its end.")
