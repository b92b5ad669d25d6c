"""X25519 recipient stanzas: wrapping and unwrapping the file key."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import AgeError, HeaderError
from .header import Stanza, b64decode, b64encode

STANZA_TYPE = "X25519"
FILE_KEY_SIZE = 16
POINT_SIZE = 32
_INFO = b"age-encryption.org/v1/X25519"
_ZERO_NONCE = bytes(12)
_WRAPPED_SIZE = FILE_KEY_SIZE + 16


def _wrap_key(shared: bytes, share: bytes, recipient: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=share + recipient, info=_INFO)
    return hkdf.derive(shared)


def _exchange(private: X25519PrivateKey, public: X25519PublicKey) -> bytes:
    """X25519, refusing the all-zero result a low-order point gives."""
    try:
        shared = private.exchange(public)
    except ValueError:
        shared = bytes(POINT_SIZE)
    if shared == bytes(POINT_SIZE):
        raise ValueError("low-order X25519 point")
    return shared


def wrap(file_key: bytes, recipient: X25519PublicKey, rand: Callable[[int], bytes]) -> Stanza:
    """Wrap ``file_key`` to ``recipient`` with a fresh ephemeral key drawn from ``rand(32)``."""
    ephemeral = X25519PrivateKey.from_private_bytes(rand(32))
    share = ephemeral.public_key().public_bytes_raw()
    try:
        shared = _exchange(ephemeral, recipient)
    except ValueError:
        raise AgeError("This recipient key is not a usable encryption key.") from None
    key = _wrap_key(shared, share, recipient.public_bytes_raw())
    body = ChaCha20Poly1305(key).encrypt(_ZERO_NONCE, file_key, None)
    return Stanza(STANZA_TYPE, (b64encode(share).decode("ascii"),), body)


def unwrap(stanza: Stanza, identity: X25519PrivateKey) -> bytes | None:
    """Return the file key if ``stanza`` is an X25519 stanza for ``identity``, else ``None``.

    A malformed X25519 stanza is a ``HeaderError`` rather than "not for us": a
    silently skipped stanza would let damage pass as a wrong-key problem.
    """
    if stanza.type != STANZA_TYPE:
        return None
    if len(stanza.args) != 1:
        raise HeaderError("An X25519 recipient stanza in the header is malformed.")
    try:
        share = b64decode(stanza.args[0].encode("ascii"))
    except ValueError:
        raise HeaderError("An X25519 recipient stanza in the header is malformed.") from None
    if len(share) != POINT_SIZE:
        raise HeaderError("An X25519 recipient stanza in the header is malformed.")
    # Checked before decrypting, so a body of the wrong size cannot be taken for a
    # wrong key (and a longer "file key" is never accepted).
    if len(stanza.body) != _WRAPPED_SIZE:
        raise HeaderError("An X25519 recipient stanza in the header has a malformed file key.")
    try:
        shared = _exchange(identity, X25519PublicKey.from_public_bytes(share))
    except ValueError:
        raise HeaderError("An X25519 recipient stanza in the header is invalid.") from None
    key = _wrap_key(shared, share, identity.public_key().public_bytes_raw())
    try:
        return ChaCha20Poly1305(key).decrypt(_ZERO_NONCE, stanza.body, None)
    except InvalidTag:
        return None
