"""Truncation and bit-flip sweeps: only our error types, never plaintext of a bad chunk."""

from __future__ import annotations

import base64
import io

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.age import (
    AgeError,
    ArmorError,
    HeaderError,
    NoIdentityMatch,
    PayloadError,
    decrypt,
    encrypt_bytes,
)
from sync.age.stream import CHUNK_SIZE

KEY = X25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER = X25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
_ERRORS = (NoIdentityMatch, HeaderError, PayloadError, ArmorError)


def _fixed_rand(n: int) -> bytes:
    return bytes([7]) * n


SMALL = bytes(range(256)) * 3
SMALL_FILE = encrypt_bytes(SMALL, [OTHER.public_key(), KEY.public_key()], rand=_fixed_rand)
BIG = bytes(i % 251 for i in range(2 * CHUNK_SIZE + 300))
BIG_FILE = encrypt_bytes(BIG, [KEY.public_key()], rand=_fixed_rand)


def _armor(data: bytes) -> bytes:
    text = base64.b64encode(data)
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return b"\n".join(
        [b"-----BEGIN AGE ENCRYPTED FILE-----", *lines, b"-----END AGE ENCRYPTED FILE-----\n"]
    )


SMALL_ARMORED = _armor(SMALL_FILE)


def attempt(data: bytes, *, armored: bool = False) -> tuple[bytes, AgeError | None]:
    """Decrypt ``data``, returning what was released and our error; anything else fails."""
    released = bytearray()
    try:
        dec = decrypt(io.BytesIO(data), [KEY], armored=armored)
        while chunk := dec.read(1000):
            released += chunk
    except AgeError as exc:
        assert type(exc) in _ERRORS
        return bytes(released), exc
    return bytes(released), None


def test_intact_files_decrypt() -> None:
    assert attempt(SMALL_FILE) == (SMALL, None)
    assert attempt(BIG_FILE) == (BIG, None)
    assert attempt(SMALL_ARMORED, armored=True) == (SMALL, None)


def test_every_truncation_of_a_small_file_fails_without_plaintext() -> None:
    for end in range(len(SMALL_FILE)):
        released, error = attempt(SMALL_FILE[:end])
        assert error is not None, end
        assert released == b"", end


def test_every_bit_flip_of_a_small_file_fails_without_plaintext() -> None:
    data = bytearray(SMALL_FILE)
    for pos in range(len(data)):
        for bit in range(8):
            data[pos] ^= 1 << bit
            released, error = attempt(bytes(data))
            data[pos] ^= 1 << bit
            assert error is not None, (pos, bit)
            assert released == b"", (pos, bit)


def test_trailing_bytes_are_refused() -> None:
    # After a short final chunk the extra byte spoils that chunk: nothing is released.
    assert attempt(SMALL_FILE + b"\x00")[0] == b""
    # After a full-size final chunk, its plaintext is authentic and comes first.
    full = bytes(CHUNK_SIZE)
    released, error = attempt(encrypt_bytes(full, [KEY.public_key()]) + b"\x00")
    assert isinstance(error, PayloadError)
    assert released == full


def _payload_start(data: bytes) -> int:
    return data.index(b"\n---") + 4 + 45 + 16


@pytest.mark.parametrize("chunk", [0, 1, 2])
def test_bit_flips_in_a_chunk_release_only_earlier_chunks(chunk: int) -> None:
    start = _payload_start(BIG_FILE) + chunk * (CHUNK_SIZE + 16)
    end = min(start + CHUNK_SIZE + 16, len(BIG_FILE))
    data = bytearray(BIG_FILE)
    for pos in (start, start + 1, (start + end) // 2, end - 17, end - 16, end - 1):
        data[pos] ^= 0x80
        released, error = attempt(bytes(data))
        data[pos] ^= 0x80
        assert isinstance(error, PayloadError)
        assert released == BIG[: chunk * CHUNK_SIZE]


def test_truncations_of_a_multi_chunk_file_release_only_whole_chunks() -> None:
    start = _payload_start(BIG_FILE)
    step = CHUNK_SIZE + 16
    cuts = {0, start - 1, start, start + 1, len(BIG_FILE) - 1}
    for boundary in (start + step, start + 2 * step):
        cuts |= {boundary - 17, boundary - 16, boundary - 1, boundary, boundary + 1, boundary + 16}
    for end in sorted(cuts):
        released, error = attempt(BIG_FILE[:end])
        assert isinstance(error, AgeError), end
        # Only chunks that arrived whole can have authenticated.
        assert len(released) <= max(0, (end - start) // step) * CHUNK_SIZE, end
        assert released == BIG[: len(released)], end


def test_every_truncation_of_an_armored_file_is_an_error() -> None:
    for end in range(0, len(SMALL_ARMORED) - 1):
        released, error = attempt(SMALL_ARMORED[:end], armored=True)
        assert error is not None, end
        assert released == b"", end


def test_bit_flips_in_an_armored_file_are_errors() -> None:
    data = bytearray(SMALL_ARMORED)
    for pos in range(len(data) - 1):  # the last newline is optional
        data[pos] ^= 0x01
        released, error = attempt(bytes(data), armored=True)
        data[pos] ^= 0x01
        assert error is not None, pos
        assert released == b"", pos
