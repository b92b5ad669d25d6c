"""Fingerprints: the 30-digit number two people read aloud to confirm a device identity.

Construction (fieldkit fingerprint v1), over the 32-byte raw Ed25519 public key
``ed25519_pub`` and the 32-byte raw X25519 public key ``x25519_pub``::

    data = b"fieldkit/fingerprint/v1\\x00" + ed25519_pub + x25519_pub
    h = SHA-512(data)
    repeat 5199 times:                      # 5200 SHA-512 iterations in total
        h = SHA-512(h + ed25519_pub + x25519_pub)
    for i in 0..5:                          # the first 30 bytes of h
        chunk = h[5*i : 5*i + 5]            # six 5-byte chunks
        group_i = int.from_bytes(chunk, "big") % 100000, zero-padded to 5 digits
    fingerprint = " ".join(group_0 .. group_5)

The result looks like ``12345 67890 12345 67890 12345 67890``. The iteration
count makes a search for a second identity with a chosen-prefix fingerprint cost
5200 hashes per try, as in Signal's safety numbers; 30 digits keep about 99.6
bits. The test vector is in ``tests/data/keys/fingerprint_vector.json`` and in
``docs/fingerprint.md``.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata

from keys.errors import KeysError

FINGERPRINT_DOMAIN = b"fieldkit/fingerprint/v1\x00"
ITERATIONS = 5200
GROUPS = 6
GROUP_DIGITS = 5
DIGITS = GROUPS * GROUP_DIGITS

_KEY_LENGTH = 32
# Separators people type or paste between groups: spaces (also the no-break
# kinds messengers insert), tabs and the common dashes.
_SEPARATORS = frozenset(" \t\u00a0\u202f-\u2010\u2011\u2012\u2013\u2014\u2212")
_FORMAT_HINT = (
    "A fingerprint is 30 digits in six groups of five, like 12345 67890 12345 67890 12345 67890."
)


def fingerprint_digits(ed25519_pub: bytes, x25519_pub: bytes) -> str:
    """Return the 30-digit fingerprint of a pair of raw public keys, without spaces."""
    if len(ed25519_pub) != _KEY_LENGTH or len(x25519_pub) != _KEY_LENGTH:
        raise KeysError("A public key must be exactly 32 bytes long.")
    return _digits(bytes(ed25519_pub), bytes(x25519_pub))


# Screens and card checks ask for the same few fingerprints again and again; each
# costs 5200 hashes (a few milliseconds), so remember recent ones.
@functools.lru_cache(maxsize=512)
def _digits(ed25519_pub: bytes, x25519_pub: bytes) -> str:
    keys = ed25519_pub + x25519_pub
    h = hashlib.sha512(FINGERPRINT_DOMAIN + keys).digest()
    for _ in range(ITERATIONS - 1):
        h = hashlib.sha512(h + keys).digest()
    groups = (
        int.from_bytes(h[i * GROUP_DIGITS : (i + 1) * GROUP_DIGITS], "big") % 100000
        for i in range(GROUPS)
    )
    return "".join(f"{g:05d}" for g in groups)


def format_fingerprint(digits: str) -> str:
    """Group 30 digits as six groups of five separated by single spaces."""
    digits = normalise_fingerprint(digits)
    return " ".join(digits[i : i + GROUP_DIGITS] for i in range(0, DIGITS, GROUP_DIGITS))


def normalise_fingerprint(text: str) -> str:
    """Return the 30 ASCII digits of a typed fingerprint, or raise ``KeysError``.

    Spaces and dashes between digits are ignored, and Myanmar digits (၀-၉) are
    read as their ASCII values, since a number read aloud in Burmese is often
    typed on a Burmese keyboard. Anything else is refused.
    """
    out: list[str] = []
    for ch in text.strip():
        if ch in _SEPARATORS:
            continue
        if "0" <= ch <= "9":
            out.append(ch)
        elif "\u1040" <= ch <= "\u1049":
            out.append(str(unicodedata.decimal(ch)))
        else:
            raise KeysError(_FORMAT_HINT, hint="Type only the digits; spaces and dashes are fine.")
    if len(out) != DIGITS:
        raise KeysError(_FORMAT_HINT, hint="Check that no group is missing or typed twice.")
    return "".join(out)


__all__ = [
    "DIGITS",
    "FINGERPRINT_DOMAIN",
    "ITERATIONS",
    "fingerprint_digits",
    "format_fingerprint",
    "normalise_fingerprint",
]
