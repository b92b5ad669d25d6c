"""Record identifiers: UUIDv7 (RFC 9562) with injectable time and randomness."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable

Millis = Callable[[], int]
"""Milliseconds since the Unix epoch."""

RandomBytes = Callable[[int], bytes]
"""``n -> n`` random bytes, like :func:`os.urandom`."""

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _now_millis() -> int:
    return time.time_ns() // 1_000_000


def uuid7(*, millis: Millis = _now_millis, rand: RandomBytes = os.urandom) -> str:
    """A new UUIDv7 as a lower-case canonical string.

    48 bits of Unix milliseconds then 74 random bits, so ids sort by creation
    time (handy for lists) while staying unguessable; both sources are
    parameters so known-answer tests can pin them.
    """
    ms = millis()
    if not 0 <= ms < 1 << 48:
        raise ValueError("time out of the UUIDv7 range")
    noise = rand(10)
    if len(noise) != 10:
        raise ValueError("the random source returned the wrong length")
    value = ms << 80 | int.from_bytes(noise, "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 9562 variant
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def is_uuid(text: str) -> bool:
    """Whether ``text`` is a UUID in canonical lower-case form (any version)."""
    return bool(_UUID.match(text))
