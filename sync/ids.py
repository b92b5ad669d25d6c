"""Identifiers for bundles: UUIDv7 bundle ids and random file names."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

Clock = Callable[[], float]
"""Seconds since the Unix epoch, like :func:`time.time`."""

RandomBytes = Callable[[int], bytes]
"""``n -> n`` random bytes, like :func:`os.urandom`."""


def uuid7(*, clock: Clock = time.time, rand: RandomBytes = os.urandom) -> str:
    """A UUIDv7 (RFC 9562) as a lowercase canonical string.

    48 bits of Unix milliseconds, then 74 random bits; both sources are
    parameters so known-answer tests can pin them.
    """
    millis = int(clock() * 1000)
    if not 0 <= millis < 1 << 48:
        raise ValueError("clock out of the UUIDv7 range")
    noise = rand(10)
    if len(noise) != 10:
        raise ValueError("random source returned the wrong length")
    value = millis << 80 | int.from_bytes(noise, "big") & ((1 << 80) - 1)
    # Overwrite the 4 version bits (7) and the 2 variant bits (0b10).
    value = (value & ~(0xF << 76)) | (0x7 << 76)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def random_name(*, rand: RandomBytes = os.urandom) -> str:
    """32 random hex digits: a file name that reveals no date, name or order."""
    data = rand(16)
    if len(data) != 16:
        raise ValueError("random source returned the wrong length")
    return data.hex()
