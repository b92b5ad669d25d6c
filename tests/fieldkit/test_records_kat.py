"""Known-answer vector for a sealed record: canonical bytes, hash and signature."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit import records
from fieldkit.chain import RecordInvalid, verify_record
from fieldkit.formstore import install_form
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from forms import load_form_file
from keys.domains import DOMAIN_RECORD
from keys.errors import SignatureInvalid
from keys.identity import Identity

DATA = Path(__file__).parents[1] / "data" / "records"
KAT: dict[str, Any] = json.loads((DATA / "kat.json").read_text(encoding="utf-8"))


def _identity() -> Identity:
    return Identity.from_private_bytes(
        bytes.fromhex(KAT["signing_private_hex"]), bytes.fromhex(KAT["encryption_private_hex"])
    )


def test_sealing_reproduces_the_vector(tmp_path: Path) -> None:
    moment = datetime.fromisoformat(KAT["clock"].replace("Z", "+00:00")).astimezone(UTC)
    profile = Profile.create(tmp_path / "h", "passphrase1", name="KAT", role="fieldworker",
                             params=TESTING, clock=lambda: moment)
    identity = _identity()
    with profile, profile.store.transaction() as conn:
        conn.execute(
            "UPDATE identity SET signing_private = ?, encryption_private = ? WHERE id = 1",
            (identity.signing_private_bytes(), identity.encryption_private_bytes()),
        )
    profile = Profile.open(tmp_path / "h", "passphrase1", params=TESTING, clock=lambda: moment)
    with profile:
        install_form(profile.store, load_form_file(DATA / KAT["form"]), clock=lambda: moment)
        sealed = records.seal_new(profile, "kat_form", KAT["answers"],
                                  new_id=lambda: KAT["record_id"])
    assert sealed.author == KAT["author"] == identity.public.fingerprint_digits
    assert sealed.canonical == KAT["canonical"].encode("utf-8")
    assert sealed.hash.hex() == KAT["hash_hex"]
    assert sealed.signature.hex() == KAT["signature_hex"]


def test_vector_is_consistent_by_independent_means() -> None:
    canonical = KAT["canonical"].encode("utf-8")
    # The canonical bytes are the rfc8785 package's own output for their content.
    assert rfc8785.dumps(json.loads(canonical)) == canonical
    digest = hashlib.sha256(canonical).digest()
    assert digest.hex() == KAT["hash_hex"]
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(KAT["signing_private_hex"]))
    key.public_key().verify(bytes.fromhex(KAT["signature_hex"]),
                            b"fieldkit/record/v1\x00" + digest)
    assert DOMAIN_RECORD == b"fieldkit/record/v1\x00"
    body = json.loads(canonical)
    assert body["format"] == "fieldkit-record/1"
    assert body["seq"] == 1 and body["prev"] == "0" * 64 and body["supersedes"] is None


def test_verify_record_accepts_the_vector() -> None:
    sealed = verify_record(
        KAT["canonical"].encode("utf-8"), bytes.fromhex(KAT["hash_hex"]),
        bytes.fromhex(KAT["signature_hex"]), _identity().public,
    )
    assert sealed.id == KAT["record_id"]
    assert sealed.answers["people"] == 12


@pytest.mark.parametrize("part", ["canonical", "hash", "signature"])
def test_verify_record_refuses_any_flipped_byte(part: str) -> None:
    values = {
        "canonical": KAT["canonical"].encode("utf-8"),
        "hash": bytes.fromhex(KAT["hash_hex"]),
        "signature": bytes.fromhex(KAT["signature_hex"]),
    }
    original = values[part]
    for index in range(0, len(original), max(1, len(original) // 40)):
        changed = bytearray(original)
        changed[index] ^= 0x01
        attempt = {**values, part: bytes(changed)}
        with pytest.raises((RecordInvalid, SignatureInvalid)):
            verify_record(attempt["canonical"], attempt["hash"], attempt["signature"],
                          _identity().public)


def test_verify_record_refuses_another_author() -> None:
    other = Identity.from_private_bytes(bytes(32), bytes(32))
    with pytest.raises(SignatureInvalid):
        verify_record(KAT["canonical"].encode("utf-8"), bytes.fromhex(KAT["hash_hex"]),
                      bytes.fromhex(KAT["signature_hex"]), other.public)


def test_verify_record_refuses_non_canonical_bytes_signed_by_the_author() -> None:
    # Validly signed but not the RFC 8785 form: only fieldkit's encoding is accepted.
    identity = _identity()
    loose = KAT["canonical"].replace('"seq":1', '"seq": 1').encode("utf-8")
    digest = hashlib.sha256(loose).digest()
    with pytest.raises(RecordInvalid):
        verify_record(loose, digest, identity.sign(DOMAIN_RECORD, digest), identity.public)
