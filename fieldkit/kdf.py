"""Turning a passphrase into the store key with Argon2id.

The parameters are fixed in code rather than written beside the database: the
file must look like random bytes, with no header that says what it is. A later
version that raises the cost keeps the old parameter sets in ``KNOWN`` and
tries them in turn when unlocking.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

SALT_BYTES = 16
KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters (memory in KiB)."""

    memory_kib: int
    iterations: int
    lanes: int

    def describe(self) -> str:
        return (
            f"Argon2id memory={self.memory_kib // 1024} MiB "
            f"iterations={self.iterations} lanes={self.lanes}"
        )


# Calibrated in bench/unlock.py: about 0.3 s per unlock on the reference
# 2-core machine, twice DESIGN's 64 MiB floor.
PRODUCT = KdfParams(memory_kib=128 * 1024, iterations=3, lanes=4)

# Cheap parameters for the test suite only; the product never selects them.
TESTING = KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)


def normalise_passphrase(passphrase: str) -> bytes:
    """NFC-normalise so the same words typed on another keyboard give the same key."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """Derive the 32-byte SQLCipher key from ``passphrase`` and the file's salt."""
    if len(salt) != SALT_BYTES:
        raise ValueError("salt must be 16 bytes")
    kdf = Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(normalise_passphrase(passphrase))
