"""Round trips with pyrage (the Rust ``age`` crate) in both directions."""

from __future__ import annotations

import io
import os

import pyrage
import pytest

from sync.age import (
    decrypt,
    decrypt_bytes,
    encrypt,
    encrypt_bytes,
    parse_identity,
    parse_recipient,
)

SIZES = [0, 1, 65535, 65536, 65537, 10 * 1024 * 1024]


def _data(size: int) -> bytes:
    # Non-repeating content, so a misplaced or repeated chunk cannot decrypt to the same bytes.
    return os.urandom(size)


@pytest.fixture(scope="module")
def keys() -> list[pyrage.x25519.Identity]:
    return [pyrage.x25519.Identity.generate() for _ in range(3)]


@pytest.mark.parametrize("size", SIZES)
def test_ours_to_pyrage(size: int, keys: list[pyrage.x25519.Identity]) -> None:
    data = _data(size)
    recipients = [parse_recipient(str(k.to_public())) for k in keys]
    encrypted = encrypt_bytes(data, recipients)
    for key in keys:
        assert pyrage.decrypt(encrypted, [key]) == data


@pytest.mark.parametrize("size", SIZES)
def test_pyrage_to_ours(size: int, keys: list[pyrage.x25519.Identity]) -> None:
    data = _data(size)
    encrypted = pyrage.encrypt(data, [k.to_public() for k in keys])
    for key in keys:
        assert decrypt_bytes(encrypted, [parse_identity(str(key))]) == data


def test_streaming_both_ways_with_odd_write_and_read_sizes(
    keys: list[pyrage.x25519.Identity],
) -> None:
    data = _data(3 * 65536 + 12345)
    out = io.BytesIO()
    with encrypt(out, [parse_recipient(str(keys[0].to_public()))]) as enc:
        for start in range(0, len(data), 7777):
            enc.write(memoryview(data)[start : start + 7777])
    assert pyrage.decrypt(out.getvalue(), [keys[0]]) == data

    encrypted = pyrage.encrypt(data, [keys[1].to_public()])
    dec = decrypt(io.BytesIO(encrypted), [parse_identity(str(keys[1]))])
    got = bytearray()
    while chunk := dec.read(50_001):
        got += chunk
    assert got == data


def test_key_strings_match_pyrage(keys: list[pyrage.x25519.Identity]) -> None:
    from sync.age import format_identity, format_recipient

    for key in keys:
        assert format_identity(parse_identity(str(key))) == str(key)
        assert format_recipient(parse_recipient(str(key.to_public()))) == str(key.to_public())
        assert format_recipient(parse_identity(str(key)).public_key()) == str(key.to_public())
