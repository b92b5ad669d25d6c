"""Every X25519 vector of the C2SP CCTV age suite (tests/data/age-cctv, see SOURCE.txt)."""

from __future__ import annotations

import hashlib
import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sync.age import (
    AgeError,
    ArmorError,
    HeaderError,
    NoIdentityMatch,
    PayloadError,
    decrypt,
    parse_identity,
)

VECTORS = Path(__file__).parent.parent / "data" / "age-cctv"
_NOT_VECTORS = {"README.md", "SOURCE.txt", "LICENSE-README-excerpt.txt"}
_KNOWN_KEYS = {
    "expect",
    "payload",
    "file key",
    "identity",
    "passphrase",
    "armored",
    "compressed",
    "comment",
}
_EXPECTED_ERROR: dict[str, type[AgeError]] = {
    "no match": NoIdentityMatch,
    "HMAC failure": HeaderError,
    "header failure": HeaderError,
    "payload failure": PayloadError,
    "armor failure": ArmorError,
}


@dataclass
class Vector:
    name: str
    expect: str
    payload: str | None
    identities: list[str]
    armored: bool
    body: bytes
    skip: str | None = None
    keys: set[str] = field(default_factory=set)


def load(path: Path) -> Vector:
    raw = path.read_bytes()
    head, _, body = raw.partition(b"\n\n")
    fields: list[tuple[str, str]] = []
    for line in head.decode("utf-8").split("\n"):
        key, _, value = line.partition(": ")
        fields.append((key, value))
    values = dict(fields)
    identities = [v for k, v in fields if k == "identity"]
    skip = None
    unknown = {k for k, _ in fields} - _KNOWN_KEYS
    if unknown:
        skip = f"unknown header keys {sorted(unknown)}"
    elif "passphrase" in values:
        skip = "needs a passphrase (scrypt)"
    elif any(not i.startswith("AGE-SECRET-KEY-1") for i in identities):
        skip = "needs a non-X25519 identity"
    if values.get("compressed") == "zlib":
        body = zlib.decompress(body)
    elif "compressed" in values:
        skip = "unknown compression"
    return Vector(
        name=path.name,
        expect=values["expect"],
        payload=values.get("payload"),
        identities=identities,
        armored=values.get("armored") == "yes",
        body=body,
        skip=skip,
    )


ALL = [load(p) for p in sorted(VECTORS.iterdir()) if p.name not in _NOT_VECTORS]
RUN = [v for v in ALL if v.skip is None]


def test_vector_count() -> None:
    """The harness runs every X25519 vector: a change in loading cannot pass on nothing."""
    assert len(ALL) == 143
    assert len(RUN) == 98
    assert sum(v.armored for v in RUN) == 31


def run(vector: Vector) -> tuple[bytes, BaseException | None]:
    """Decrypt as a consumer would, returning every byte released and the error, if any."""
    released = bytearray()
    identities = [parse_identity(i) for i in vector.identities]
    try:
        dec = decrypt(io.BytesIO(vector.body), identities, armored=vector.armored)
        while True:
            data = dec.read(10_000)
            if not data:
                break
            released += data
    except AgeError as exc:
        return bytes(released), exc
    return bytes(released), None


@pytest.mark.parametrize("vector", RUN, ids=lambda v: v.name)
def test_vector(vector: Vector) -> None:
    released, error = run(vector)
    if vector.expect == "success":
        assert error is None, f"{vector.name}: {error!r}"
    else:
        assert isinstance(error, _EXPECTED_ERROR[vector.expect]), f"{vector.name}: {error!r}"
    if vector.payload is not None:
        assert hashlib.sha256(released).hexdigest() == vector.payload
    else:
        assert released == b""
