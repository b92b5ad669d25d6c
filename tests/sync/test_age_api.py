"""The public API: keys, encryptor and decryptor behaviour, tar streams, bounded memory."""

from __future__ import annotations

import gc
import hashlib
import io
import tarfile
import tracemalloc

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from keys import bech32
from sync.age import (
    AgeError,
    NoIdentityMatch,
    PayloadError,
    decrypt,
    decrypt_bytes,
    encrypt,
    encrypt_bytes,
    format_identity,
    format_recipient,
    parse_identity,
    parse_recipient,
)
from sync.age.stream import CHUNK_SIZE

# From the age specification's X25519 test key (age-encryption.org/v1).
SPEC_IDENTITY = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"
SPEC_RECIPIENT = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"


class CountingRand:
    """A deterministic random source that records what was asked of it."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def __call__(self, n: int) -> bytes:
        self.calls.append(n)
        return hashlib.sha256(b"%d" % len(self.calls)).digest()[:n].ljust(n, b"\x01")


def test_spec_key_pair() -> None:
    identity = parse_identity(SPEC_IDENTITY)
    assert format_identity(identity) == SPEC_IDENTITY
    assert format_recipient(identity.public_key()) == SPEC_RECIPIENT
    assert format_recipient(parse_recipient(SPEC_RECIPIENT)) == SPEC_RECIPIENT


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "age1",
        SPEC_RECIPIENT.upper(),
        SPEC_RECIPIENT[:-1] + ("q" if SPEC_RECIPIENT[-1] != "q" else "p"),
        SPEC_IDENTITY,
        bech32.encode("age", bytes(31)),
        bech32.encode("age", bytes(33)),
    ],
)
def test_parse_recipient_rejects(bad: str) -> None:
    with pytest.raises(AgeError) as info:
        parse_recipient(bad)
    assert "age1" in str(info.value)


@pytest.mark.parametrize("bad", ["", SPEC_IDENTITY.lower(), SPEC_RECIPIENT, SPEC_IDENTITY[:-2]])
def test_parse_identity_rejects(bad: str) -> None:
    with pytest.raises(AgeError):
        parse_identity(bad)


def test_errors_carry_no_content() -> None:
    secret = SPEC_IDENTITY[:-1] + "Q"
    with pytest.raises(AgeError) as info:
        parse_identity(secret)
    assert secret not in str(info.value)


def test_known_answer_is_reproducible_and_interoperable() -> None:
    recipient = parse_recipient(SPEC_RECIPIENT)
    rand = CountingRand()
    first = encrypt_bytes(b"hello", [recipient, recipient], rand=rand)
    assert rand.calls == [16, 32, 32, 16]
    assert encrypt_bytes(b"hello", [recipient, recipient], rand=CountingRand()) == first
    assert pyrage.decrypt(first, [pyrage.x25519.Identity.from_str(SPEC_IDENTITY)]) == b"hello"


def test_write_pattern_does_not_change_the_output() -> None:
    """Large writes take the two-thread batch path; the bytes must be the same."""
    recipient = parse_recipient(SPEC_RECIPIENT)
    data = bytes(i % 253 for i in range(40 * CHUNK_SIZE + 5))
    whole = encrypt_bytes(data, [recipient], rand=CountingRand())
    out = io.BytesIO()
    with encrypt(out, [recipient], rand=CountingRand()) as enc:
        for start in range(0, len(data), 1000):
            enc.write(data[start : start + 1000])
    assert out.getvalue() == whole
    out = io.BytesIO()
    with encrypt(out, [recipient], rand=CountingRand()) as enc:
        enc.write(data[:100])
        enc.write(data[100 : 30 * CHUNK_SIZE])
        enc.write(data[30 * CHUNK_SIZE :])
    assert out.getvalue() == whole


def test_no_recipients_is_an_error() -> None:
    with pytest.raises(AgeError):
        encrypt(io.BytesIO(), [])


def test_wrong_key_is_no_identity_match() -> None:
    encrypted = encrypt_bytes(b"x", [X25519PrivateKey.generate().public_key()])
    with pytest.raises(NoIdentityMatch) as info:
        decrypt_bytes(encrypted, [X25519PrivateKey.generate()])
    assert info.value.title and info.value.hint
    with pytest.raises(NoIdentityMatch):
        decrypt_bytes(encrypted, [])


def test_second_identity_can_match() -> None:
    key = X25519PrivateKey.generate()
    encrypted = encrypt_bytes(b"x", [key.public_key()])
    assert decrypt_bytes(encrypted, [X25519PrivateKey.generate(), key]) == b"x"


@pytest.mark.parametrize("size", [0, CHUNK_SIZE, 2 * CHUNK_SIZE])
def test_exact_chunk_multiples_have_no_empty_final_chunk(size: int) -> None:
    key = X25519PrivateKey.generate()
    encrypted = encrypt_bytes(bytes(size), [key.public_key()])
    chunks = max(1, -(-size // CHUNK_SIZE))
    header_and_nonce = encrypted.index(b"\n---") + 4 + 45 + 16
    assert len(encrypted) - header_and_nonce == size + 16 * chunks


def test_exception_in_with_block_leaves_file_unsealed() -> None:
    key = X25519PrivateKey.generate()
    out = io.BytesIO()
    with pytest.raises(RuntimeError), encrypt(out, [key.public_key()]) as enc:
        enc.write(b"partial")
        raise RuntimeError("writer crashed")
    assert enc.closed
    with pytest.raises(PayloadError):
        decrypt_bytes(out.getvalue(), [key])


def test_garbage_collection_does_not_seal() -> None:
    key = X25519PrivateKey.generate()
    out = io.BytesIO()
    enc = encrypt(out, [key.public_key()])
    enc.write(b"a" * (CHUNK_SIZE + 10))
    del enc
    gc.collect()
    with pytest.raises(PayloadError):
        decrypt_bytes(out.getvalue(), [key])


def test_write_after_close_is_refused() -> None:
    enc = encrypt(io.BytesIO(), [X25519PrivateKey.generate().public_key()])
    enc.close()
    enc.close()
    with pytest.raises(ValueError):
        enc.write(b"x")


def test_plaintext_before_a_bad_chunk_comes_first_then_the_error() -> None:
    key = X25519PrivateKey.generate()
    data = bytes(range(256)) * (3 * CHUNK_SIZE // 256)
    encrypted = bytearray(encrypt_bytes(data, [key.public_key()]))
    encrypted[-CHUNK_SIZE - 100] ^= 1  # inside the second of three chunks
    dec = decrypt(io.BytesIO(bytes(encrypted)), [key])
    first = dec.read(2 * CHUNK_SIZE)
    assert first == data[:CHUNK_SIZE]
    with pytest.raises(PayloadError):
        dec.read(10)
    with pytest.raises(PayloadError):
        dec.read(10)
    with pytest.raises(PayloadError):
        decrypt(io.BytesIO(bytes(encrypted)), [key]).read()


def test_tar_stream_through_encryptor_and_decryptor() -> None:
    key = X25519PrivateKey.generate()
    members = {f"records/{i}.json": bytes([i]) * (i * 40_000) for i in range(5)}
    out = io.BytesIO()
    with encrypt(out, [key.public_key()]) as enc:
        with tarfile.open(fileobj=enc, mode="w|") as tar:
            for name, payload in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
    out.seek(0)
    got = {}
    with tarfile.open(fileobj=decrypt(out, [key]), mode="r|") as tar:
        for member in tar:
            extracted = tar.extractfile(member)
            assert extracted is not None
            got[member.name] = extracted.read()
    assert got == members


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)


def test_memory_stays_bounded_both_ways() -> None:
    key = X25519PrivateKey.generate()
    block = bytes(1024 * 1024)
    total = 24 * len(block)

    tracemalloc.start()
    try:
        with encrypt(_Discard(), [key.public_key()]) as enc:  # type: ignore[arg-type]
            for _ in range(total // len(block)):
                enc.write(block)
        _, encrypt_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    source = io.BytesIO()
    with encrypt(source, [key.public_key()]) as enc:
        for _ in range(total // len(block)):
            enc.write(block)
    source.seek(0)
    buffer = bytearray(100_000)
    tracemalloc.start()
    try:
        dec = decrypt(source, [key])
        seen = 0
        while n := dec.readinto(buffer):
            seen += n
        _, decrypt_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == total
    assert encrypt_peak < 2 * 1024 * 1024  # a 1 MiB batch buffer for large writes
    assert decrypt_peak < 1024 * 1024
