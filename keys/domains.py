"""Signature domain prefixes: every Ed25519 signature in fieldkit covers one of these."""

from __future__ import annotations

# Each prefix ends in a NUL byte so that no prefix is a prefix of another, and a
# signature made for one purpose (say, a record) can never be replayed as another
# (say, a bundle manifest): the signed bytes differ from the first byte onwards.
DOMAIN_RECORD = b"fieldkit/record/v1\x00"
DOMAIN_BUNDLE = b"fieldkit/bundle/v1\x00"
DOMAIN_CARD = b"fieldkit/card/v1\x00"
DOMAIN_AUDIT = b"fieldkit/audit/v1\x00"

KNOWN_DOMAINS: frozenset[bytes] = frozenset(
    {DOMAIN_RECORD, DOMAIN_BUNDLE, DOMAIN_CARD, DOMAIN_AUDIT}
)

__all__ = [
    "DOMAIN_AUDIT",
    "DOMAIN_BUNDLE",
    "DOMAIN_CARD",
    "DOMAIN_RECORD",
    "KNOWN_DOMAINS",
]
