"""Tests for device identities: keys, signing domains, age encodings."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pyrage
import pytest

from keys import bech32
from keys.domains import DOMAIN_AUDIT, DOMAIN_BUNDLE, DOMAIN_CARD, DOMAIN_RECORD
from keys.errors import FingerprintMismatch, KeysError, SignatureInvalid
from keys.identity import Identity, PublicIdentity, normalise_fingerprint, parse_recipient

DIGEST = hashlib.sha256(b"a sealed record").digest()


def counter_bytes() -> Callable[[int], bytes]:
    """A deterministic stand-in for os.urandom."""
    state = {"next": 0}

    def draw(n: int) -> bytes:
        start = state["next"]
        state["next"] += n
        return bytes(i % 256 for i in range(start, start + n))

    return draw


@pytest.fixture(scope="module")
def identity() -> Identity:
    return Identity.generate()


def test_domains_are_distinct_and_nul_terminated() -> None:
    domains = [DOMAIN_RECORD, DOMAIN_BUNDLE, DOMAIN_CARD, DOMAIN_AUDIT]
    assert len(set(domains)) == 4
    assert all(d.startswith(b"fieldkit/") and d.endswith(b"/v1\x00") for d in domains)


def test_generate_uses_the_injected_randomness() -> None:
    a = Identity.generate(counter_bytes())
    b = Identity.from_private_bytes(bytes(range(32)), bytes(range(32, 64)))
    assert a.signing_private_bytes() == bytes(range(32))
    assert a.encryption_private_bytes() == bytes(range(32, 64))
    assert a.public == b.public


def test_generate_gives_fresh_keys() -> None:
    assert Identity.generate().public != Identity.generate().public


def test_private_bytes_round_trip(identity: Identity) -> None:
    again = Identity.from_private_bytes(
        identity.signing_private_bytes(), identity.encryption_private_bytes()
    )
    assert again.public == identity.public
    assert again.public.fingerprint == identity.public.fingerprint


@pytest.mark.parametrize("domain", [DOMAIN_RECORD, DOMAIN_BUNDLE, DOMAIN_CARD, DOMAIN_AUDIT])
def test_sign_and_verify(identity: Identity, domain: bytes) -> None:
    signature = identity.sign(domain, DIGEST)
    assert len(signature) == 64
    identity.public.verify(domain, DIGEST, signature)  # raises if not valid


def test_signature_does_not_cross_domains(identity: Identity) -> None:
    signature = identity.sign(DOMAIN_RECORD, DIGEST)
    with pytest.raises(SignatureInvalid):
        identity.public.verify(DOMAIN_BUNDLE, DIGEST, signature)


def test_verify_raises_on_any_change(identity: Identity) -> None:
    signature = identity.sign(DOMAIN_RECORD, DIGEST)
    other = Identity.generate().public
    with pytest.raises(SignatureInvalid):
        other.verify(DOMAIN_RECORD, DIGEST, signature)
    with pytest.raises(SignatureInvalid):
        identity.public.verify(DOMAIN_RECORD, hashlib.sha256(b"x").digest(), signature)
    for i in (0, 31, 32, 63):
        bad = bytearray(signature)
        bad[i] ^= 0x01
        with pytest.raises(SignatureInvalid):
            identity.public.verify(DOMAIN_RECORD, DIGEST, bytes(bad))
    for bad_length in (b"", signature[:63], signature + b"\x00"):
        with pytest.raises(SignatureInvalid):
            identity.public.verify(DOMAIN_RECORD, DIGEST, bad_length)
    with pytest.raises(SignatureInvalid):
        identity.public.verify(DOMAIN_RECORD, DIGEST[:31], signature)


def test_sign_refuses_unknown_domains_and_bad_digests(identity: Identity) -> None:
    for domain in (b"", b"fieldkit/record/v1", b"fieldkit/other/v1\x00"):
        with pytest.raises(KeysError):
            identity.sign(domain, DIGEST)
        with pytest.raises(KeysError):
            identity.public.verify(domain, DIGEST, bytes(64))
    for digest in (b"", DIGEST[:31], DIGEST + b"\x00", hashlib.sha512().digest()):
        with pytest.raises(KeysError):
            identity.sign(DOMAIN_RECORD, digest)


def test_repr_shows_no_private_key(identity: Identity) -> None:
    text = repr(identity) + str(identity)
    for secret in (identity.signing_private_bytes(), identity.encryption_private_bytes()):
        assert secret.hex() not in text
        assert repr(secret) not in text
    assert identity.age_identity not in text
    assert identity.public.fingerprint in text


def test_age_encodings_interoperate_with_pyrage(identity: Identity) -> None:
    assert identity.public.recipient.startswith("age1")
    assert identity.age_identity.startswith("AGE-SECRET-KEY-1")
    theirs = pyrage.x25519.Identity.from_str(identity.age_identity)
    assert str(theirs.to_public()) == identity.public.recipient
    sealed = pyrage.encrypt(b"hello", [pyrage.x25519.Recipient.from_str(identity.public.recipient)])
    assert pyrage.decrypt(sealed, [theirs]) == b"hello"


def test_cryptography_objects_match(identity: Identity) -> None:
    pub = identity.x25519_private().public_key()
    assert pub.public_bytes_raw() == identity.public.encryption_key
    assert identity.public.x25519_public().public_bytes_raw() == identity.public.encryption_key


def test_public_identity_validates_lengths() -> None:
    with pytest.raises(KeysError):
        PublicIdentity(bytes(31), bytes(32))
    with pytest.raises(KeysError):
        PublicIdentity(bytes(32), bytes(33))
    with pytest.raises(KeysError):
        PublicIdentity(bytearray(32), bytes(32))  # type: ignore[arg-type]
    with pytest.raises(KeysError):
        Identity.from_private_bytes(bytes(31), bytes(32))


def test_public_identity_is_a_value(identity: Identity) -> None:
    copy = PublicIdentity(identity.public.signing_key, identity.public.encryption_key)
    assert copy == identity.public and hash(copy) == hash(identity.public)
    assert PublicIdentity.from_recipient(copy.signing_key, copy.recipient) == copy


def test_parse_recipient_is_strict(identity: Identity) -> None:
    recipient = identity.public.recipient
    assert parse_recipient(recipient) == identity.public.encryption_key
    short = bech32.encode("age", bytes(31))
    for bad in (
        recipient.upper(),  # valid bech32, but not the canonical spelling
        recipient[:-1] + ("q" if recipient[-1] != "q" else "p"),
        bech32.encode("agf", identity.public.encryption_key),
        short,
        "",
        identity.age_identity,
    ):
        with pytest.raises(KeysError):
            parse_recipient(bad)


def test_confirm_fingerprint(identity: Identity) -> None:
    public = identity.public
    public.confirm_fingerprint(public.fingerprint)
    public.confirm_fingerprint("-".join(public.fingerprint.split()))
    wrong = Identity.generate().public.fingerprint
    with pytest.raises(FingerprintMismatch):
        public.confirm_fingerprint(wrong)
    with pytest.raises(KeysError):
        public.confirm_fingerprint(public.fingerprint[:-1])
    assert normalise_fingerprint(public.fingerprint) == public.fingerprint_digits
