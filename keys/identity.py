"""Device identities: an Ed25519 signing key plus an X25519 (age) encryption key."""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)

from keys import bech32
from keys.domains import (
    DOMAIN_AUDIT,
    DOMAIN_BUNDLE,
    DOMAIN_CARD,
    DOMAIN_RECORD,
    KNOWN_DOMAINS,
)
from keys.errors import FingerprintMismatch, KeysError, SignatureInvalid
from keys.fingerprint import fingerprint_digits, format_fingerprint, normalise_fingerprint

KEY_LENGTH = 32
DIGEST_LENGTH = 32
SIGNATURE_LENGTH = 64
RECIPIENT_HRP = "age"
AGE_IDENTITY_HRP = "age-secret-key-"

_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw
_RAW_PRIVATE = serialization.PrivateFormat.Raw
_NO_ENCRYPTION = serialization.NoEncryption()


def _check_domain_and_digest(domain: bytes, digest: bytes, error: type[KeysError]) -> None:
    if domain not in KNOWN_DOMAINS:
        # A programming error, never user input: fieldkit signs only in its own domains.
        raise KeysError("Refusing to use a signature domain fieldkit does not know.")
    if len(digest) != DIGEST_LENGTH:
        raise error("A signed digest must be exactly 32 bytes (a SHA-256 hash).")


def parse_recipient(recipient: str) -> bytes:
    """Return the raw X25519 public key of an ``age1...`` recipient, or raise ``KeysError``.

    Only the canonical lower-case spelling is accepted, so that one key has
    exactly one written form (an identity card must not verify in two spellings).
    """
    try:
        hrp, key = bech32.decode(recipient)
    except ValueError:
        raise KeysError("This is not a valid age recipient (age1...).") from None
    if hrp != RECIPIENT_HRP or len(key) != KEY_LENGTH or bech32.encode(hrp, key) != recipient:
        raise KeysError("This is not a valid age recipient (age1...).")
    return key


@dataclass(frozen=True)
class PublicIdentity:
    """The public half of a device identity: what a card carries and a peer trusts."""

    signing_key: bytes
    """The 32-byte raw Ed25519 public key."""
    encryption_key: bytes
    """The 32-byte raw X25519 public key (an age recipient)."""

    def __post_init__(self) -> None:
        for name in ("signing_key", "encryption_key"):
            value = getattr(self, name)
            if type(value) is not bytes or len(value) != KEY_LENGTH:
                raise KeysError(f"The {name.replace('_', ' ')} must be exactly 32 bytes.")

    @classmethod
    def from_recipient(cls, signing_key: bytes, recipient: str) -> PublicIdentity:
        """Build from a raw signing key and an ``age1...`` recipient string."""
        return cls(signing_key, parse_recipient(recipient))

    @property
    def fingerprint_digits(self) -> str:
        """The 30-digit fingerprint without spaces."""
        return fingerprint_digits(self.signing_key, self.encryption_key)

    @property
    def fingerprint(self) -> str:
        """The fingerprint as six groups of five digits: ``12345 67890 ...``."""
        return format_fingerprint(self.fingerprint_digits)

    @property
    def recipient(self) -> str:
        """The encryption key as an age recipient, ``age1...``."""
        return bech32.encode(RECIPIENT_HRP, self.encryption_key)

    def x25519_public(self) -> X25519PublicKey:
        """The encryption key as a ``cryptography`` object, for age encryption."""
        return X25519PublicKey.from_public_bytes(self.encryption_key)

    def verify(self, domain: bytes, digest: bytes, signature: bytes) -> None:
        """Check an Ed25519 signature over ``domain + digest``; raise ``SignatureInvalid``."""
        _check_domain_and_digest(domain, digest, SignatureInvalid)
        if len(signature) != SIGNATURE_LENGTH:
            raise SignatureInvalid()
        try:
            verifier = Ed25519PublicKey.from_public_bytes(self.signing_key)
            verifier.verify(signature, domain + digest)
        except InvalidSignature:
            raise SignatureInvalid() from None

    def confirm_fingerprint(self, typed: str) -> None:
        """Check a fingerprint typed by the user; raise ``KeysError`` or ``FingerprintMismatch``."""
        digits = normalise_fingerprint(typed)
        if not hmac.compare_digest(digits, self.fingerprint_digits):
            raise FingerprintMismatch(
                hint="Ask the owner to read their fingerprint aloud again; "
                "if it still differs, do not trust this card."
            )

    def __repr__(self) -> str:
        return f"PublicIdentity(fingerprint={self.fingerprint!r})"


class Identity:
    """A device's own identity, with private keys. Never logged, never printed."""

    __slots__ = ("_encryption", "_public", "_signing")

    def __init__(self, signing: Ed25519PrivateKey, encryption: X25519PrivateKey) -> None:
        self._signing = signing
        self._encryption = encryption
        self._public = PublicIdentity(
            signing.public_key().public_bytes(_RAW, _RAW_PUBLIC),
            encryption.public_key().public_bytes(_RAW, _RAW_PUBLIC),
        )

    @classmethod
    def generate(cls, randbytes: Callable[[int], bytes] = os.urandom) -> Identity:
        """Create a new identity from 64 fresh random bytes (``randbytes`` pins tests)."""
        # Both key types take any 32 uniform bytes as a private key (Ed25519
        # hashes its seed; X25519 clamps), so drawing them ourselves is as sound
        # as cryptography's generate() and lets known-answer tests be exact.
        return cls.from_private_bytes(randbytes(KEY_LENGTH), randbytes(KEY_LENGTH))

    @classmethod
    def from_private_bytes(cls, signing: bytes, encryption: bytes) -> Identity:
        """Rebuild an identity from its two 32-byte raw private keys."""
        if len(signing) != KEY_LENGTH or len(encryption) != KEY_LENGTH:
            raise KeysError("A private key must be exactly 32 bytes.")
        return cls(
            Ed25519PrivateKey.from_private_bytes(bytes(signing)),
            X25519PrivateKey.from_private_bytes(bytes(encryption)),
        )

    def signing_private_bytes(self) -> bytes:
        """The raw 32-byte Ed25519 private key (store it only inside the encrypted store)."""
        return self._signing.private_bytes(_RAW, _RAW_PRIVATE, _NO_ENCRYPTION)

    def encryption_private_bytes(self) -> bytes:
        """The raw 32-byte X25519 private key (store it only inside the encrypted store)."""
        return self._encryption.private_bytes(_RAW, _RAW_PRIVATE, _NO_ENCRYPTION)

    @property
    def public(self) -> PublicIdentity:
        """The public half of this identity."""
        return self._public

    @property
    def age_identity(self) -> str:
        """The X25519 private key as an age identity, ``AGE-SECRET-KEY-1...``."""
        return bech32.encode(AGE_IDENTITY_HRP, self.encryption_private_bytes()).upper()

    def x25519_private(self) -> X25519PrivateKey:
        """The encryption key as a ``cryptography`` object, for age decryption."""
        return self._encryption

    def sign(self, domain: bytes, digest: bytes) -> bytes:
        """Sign ``domain + digest`` with Ed25519; ``domain`` must be a known fieldkit domain."""
        _check_domain_and_digest(domain, digest, KeysError)
        return self._signing.sign(domain + digest)

    def __repr__(self) -> str:
        return f"Identity(fingerprint={self._public.fingerprint!r})"


__all__ = [
    "DOMAIN_AUDIT",
    "DOMAIN_BUNDLE",
    "DOMAIN_CARD",
    "DOMAIN_RECORD",
    "KNOWN_DOMAINS",
    "Identity",
    "PublicIdentity",
    "normalise_fingerprint",
    "parse_recipient",
]
