"""Hostile bundles against the real import: each is refused with a specific message and the
coordinator's store keeps exactly the rows it had (every table compared before and after)."""

from __future__ import annotations

import base64
import hashlib
import io
import random
import tarfile
import time
from pathlib import Path
from typing import Any

import pytest

from fieldkit.chain import signed_bytes
from fieldkit.errors import FieldkitError
from fieldkit.exchange import ContentMismatch, RecordRejected, export_bundle, import_bundle
from fieldkit.exchange.export import _plan
from fieldkit.exchange.wire import envelope_bytes
from fieldkit.profile import Profile
from keys.domains import DOMAIN_BUNDLE
from sync import age
from sync.bundle import EntrySource, write_bundle_file
from sync.bundle_tar import member_info
from sync.errors import (
    BundleError,
    CorruptBundle,
    EntryMismatch,
    ManifestTooLarge,
    NotForThisDevice,
    RecipientMismatch,
    UnsafeEntry,
    UntrustedSender,
)
from sync.manifest import MANIFEST_PATH, SIGNATURE_PATH, ChainRange, Entry, Manifest, Sender
from sync.manifest import manifest_to_bytes as manifest_bytes
from tests.fieldkit.test_exchange_support import Pair, dump, make_pair, make_profile, seal


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One pair for the whole module: a small and a large bundle, and a stranger."""
    tmp = tmp_path_factory.mktemp("hostile")
    pair = make_pair(tmp)
    usb = tmp / "usb"
    usb.mkdir()
    # One earlier bundle already imported, so "unchanged" compares a non-empty store.
    seal(pair.field, 1)
    first = export_bundle(pair.field, usb)
    assert first is not None
    with open(first.path, "rb") as src:
        import_bundle(pair.coord, src)
    seal(pair.field, 2)
    small = export_bundle(pair.field, usb)
    seal(pair.field, 3, files=[random.Random(3).randbytes(3 * 1024 * 1024)])
    large = export_bundle(pair.field, usb)
    assert small is not None and large is not None
    yield {"pair": pair, "small": small.path.read_bytes(), "large": large.path.read_bytes(),
           "first": first.path.read_bytes(), "tmp": tmp}
    pair.close()


def refused(profile: Profile, data: bytes) -> FieldkitError:
    """Import ``data``; it must be refused with a specific, plain error."""
    with pytest.raises(FieldkitError) as err:
        import_bundle(profile, io.BytesIO(data))
    error = err.value
    assert isinstance(error, BundleError | RecordRejected | ContentMismatch), type(error)
    assert type(error) not in (BundleError, FieldkitError)  # specific, not the root
    assert error.message and error.hint
    return error


def test_small_bundle_every_byte_flipped(world: Any) -> None:
    pair: Pair = world["pair"]
    data: bytes = world["small"]
    assert len(data) < 11_000
    before = dump(pair.coord)
    conn = pair.coord.store.conn
    changes = conn.total_changes
    started = time.perf_counter()
    kinds: set[str] = set()
    for position in range(len(data)):
        flipped = bytearray(data)
        flipped[position] ^= 0x01
        with pytest.raises((NotForThisDevice, CorruptBundle)) as err:
            import_bundle(pair.coord, io.BytesIO(bytes(flipped)))
        kinds.add(type(err.value).__name__)
        assert conn.total_changes == changes  # nothing written, not even rolled back
    assert time.perf_counter() - started < 60
    assert dump(pair.coord) == before
    assert kinds <= {"NotForThisDevice", "CorruptBundle", "ManifestError"}


def test_large_bundle_sampled_flips_and_truncations(world: Any) -> None:
    pair: Pair = world["pair"]
    data: bytes = world["large"]
    before = dump(pair.coord)
    rng = random.Random(20261122)
    positions = sorted({*range(0, 300), *rng.sample(range(len(data)), 60), len(data) - 1})
    for position in positions:
        flipped = bytearray(data)
        flipped[position] ^= 0x01 << rng.randrange(8)
        refused(pair.coord, bytes(flipped))
    for cut in sorted({0, 1, 50, 200, *rng.sample(range(len(data)), 30), len(data) - 1}):
        refused(pair.coord, data[:cut])
    assert dump(pair.coord) == before


def test_small_bundle_truncated_and_trailing(world: Any) -> None:
    pair: Pair = world["pair"]
    data: bytes = world["small"]
    before = dump(pair.coord)
    for cut in range(0, len(data), 53):
        assert isinstance(refused(pair.coord, data[:cut]), NotForThisDevice | CorruptBundle)
    for extra in (b"\x00", b"x" * 100):
        assert isinstance(refused(pair.coord, data + extra), CorruptBundle)
    assert dump(pair.coord) == before


def test_replayed_bundle_is_a_no_op(world: Any) -> None:
    pair: Pair = world["pair"]
    before = dump(pair.coord)
    result = import_bundle(pair.coord, io.BytesIO(world["first"]))
    assert result.already and result.records == 0
    assert dump(pair.coord) == before


def test_untrusted_key(world: Any) -> None:
    pair: Pair = world["pair"]
    stranger = make_profile(world["tmp"] / "stranger", "Stranger", "fieldworker")
    try:
        stranger.trust(pair.coord.card_text(), pair.coord.fingerprint)
        before = dump(pair.coord)
        head = _head(stranger, [("records/0190aaaa-0000-7000-8000-000000000000.json", b"{}")],
                     recipients=(pair.coord.identity.public.fingerprint_digits,))
        bogus = _tar([*head, _regular("records/0190aaaa-0000-7000-8000-000000000000.json",
                                      b"{}")])
        error = refused(pair.coord, age.encrypt_bytes(
            bogus, [pair.coord.identity.public.x25519_public()]))
        assert isinstance(error, UntrustedSender)
        assert dump(pair.coord) == before
    finally:
        stranger.close()


def test_forwarded_to_a_third_party(world: Any) -> None:
    """The coordinator decrypts and re-encrypts to a third party: its manifest says otherwise."""
    pair: Pair = world["pair"]
    third = make_profile(world["tmp"] / "third", "Third", "coordinator")
    try:
        third.trust(pair.field.card_text(), pair.field.fingerprint)
        plain = _plaintext(pair.coord, world["small"])
        forwarded = age.encrypt_bytes(plain, [third.identity.public.x25519_public()])
        before = dump(third)
        error = refused(third, forwarded)
        assert isinstance(error, RecipientMismatch)
        assert "re-encrypted" in error.message
        assert dump(third) == before
    finally:
        third.close()


@pytest.mark.parametrize("what", ["hash", "signature"])
def test_record_with_wrong_hash_or_signature_in_signed_bundle(world: Any, what: str) -> None:
    pair: Pair = world["pair"]
    entries, *_ = _plan(pair.field, 1)  # record 2 onwards
    tampered = []
    for entry in entries:
        if entry.path.startswith("records/"):
            row = pair.field.store.query_one(
                "SELECT answers, canonical, hash, signature FROM records WHERE seq = 2")
            assert row is not None
            canonical = signed_bytes(row[0], row[1])
            digest, signature = bytearray(row[2]), bytearray(row[3])
            (digest if what == "hash" else signature)[5] ^= 0x40
            data = envelope_bytes(canonical, bytes(digest), bytes(signature))
            entry = EntrySource.from_bytes(entry.path, data)
        tampered.append(entry)
    data = _signed_bundle(pair, tampered, first=2, last=3)
    before = dump(pair.coord)
    error = refused(pair.coord, data)
    assert isinstance(error, RecordRejected)
    expected = "does not match its hash" if what == "hash" else "signature"
    assert expected in error.message
    assert dump(pair.coord) == before


def test_record_hidden_under_another_chain_range(world: Any) -> None:
    pair: Pair = world["pair"]
    entries, *_ = _plan(pair.field, 1)
    before = dump(pair.coord)
    error = refused(pair.coord, _signed_bundle(pair, entries, first=2, last=9))
    assert isinstance(error, ContentMismatch)
    assert dump(pair.coord) == before


@pytest.mark.parametrize(
    ("name", "kind", "link"),
    [
        ("../records/x.json", tarfile.REGTYPE, ""),
        ("/etc/passwd", tarfile.REGTYPE, ""),
        ("records/a/../../b.json", tarfile.REGTYPE, ""),
        ("records/link.json", tarfile.SYMTYPE, "/etc/passwd"),
        ("records/hard.json", tarfile.LNKTYPE, "fieldkit-bundle.json"),
    ],
)
def test_tar_tricks(world: Any, name: str, kind: bytes, link: str) -> None:
    pair: Pair = world["pair"]
    declared = "records/0190aaaa-0000-7000-8000-000000000001.json"
    head = _head(pair.field, [(declared, b"{}")],
                 recipients=(pair.coord.identity.public.fingerprint_digits,))
    info = member_info(declared, 0)
    info.name, info.type, info.linkname = name, kind, link
    data = age.encrypt_bytes(_tar([*head, (info, b"")]),
                             [pair.coord.identity.public.x25519_public()])
    before = dump(pair.coord)
    error = refused(pair.coord, data)
    assert isinstance(error, UnsafeEntry)
    assert name not in error.message
    assert not link or link not in error.message
    assert dump(pair.coord) == before


def test_entry_larger_than_declared(world: Any) -> None:
    pair: Pair = world["pair"]
    path = "records/0190aaaa-0000-7000-8000-000000000002.json"
    head = _head(pair.field, [(path, b"{}")],
                 recipients=(pair.coord.identity.public.fingerprint_digits,))
    data = age.encrypt_bytes(_tar([*head, _regular(path, b"{} and more")]),
                             [pair.coord.identity.public.x25519_public()])
    before = dump(pair.coord)
    assert isinstance(refused(pair.coord, data), EntryMismatch)
    assert dump(pair.coord) == before


def test_manifest_of_100_mb(world: Any) -> None:
    """Refused from the tar header's declared size, reading almost nothing."""
    pair: Pair = world["pair"]
    size = 100 * 1000 * 1000
    header = member_info(MANIFEST_PATH, size).tobuf(tarfile.USTAR_FORMAT, "utf-8", "strict")

    def plain() -> Any:
        yield header
        block = b" " * (1024 * 1024)
        for _ in range(size // len(block) + 1):
            yield block

    out = io.BytesIO()
    encryptor = age.encrypt(out, [pair.coord.identity.public.x25519_public()])
    for piece in plain():
        encryptor.write(piece)
    encryptor.close()
    before = dump(pair.coord)
    started = time.perf_counter()
    assert isinstance(refused(pair.coord, out.getvalue()), ManifestTooLarge)
    assert time.perf_counter() - started < 5
    assert dump(pair.coord) == before


# -- helpers ------------------------------------------------------------------------------


def _plaintext(coord: Profile, data: bytes) -> bytes:
    return age.decrypt_bytes(data, [coord.identity.x25519_private()])


def _sender(profile: Profile) -> Sender:
    public = profile.identity.public
    return Sender(signing_key=base64.b64encode(public.signing_key).decode(),
                  encryption_key=public.recipient, fingerprint=public.fingerprint_digits,
                  role="fieldworker")


def _head(signer: Profile, declared: list[tuple[str, bytes]], *,
          recipients: tuple[str, ...]) -> list[tuple[tarfile.TarInfo, bytes]]:
    manifest = Manifest(
        format="fieldkit-bundle/1", kind="records",
        bundle_id="0190aaaa-0000-7000-8000-00000000abcd", created_at="2026-03-01T08:30:00Z",
        sender=_sender(signer), recipients=recipients, chain=None,
        entries=tuple(Entry(path=p, size=len(d), sha256=hashlib.sha256(d).hexdigest())
                      for p, d in declared),
    )
    body = manifest_bytes(manifest)
    sig = signer.identity.sign(DOMAIN_BUNDLE, hashlib.sha256(body).digest())
    return [(member_info(MANIFEST_PATH, len(body)), body), (member_info(SIGNATURE_PATH, 64), sig)]


def _regular(path: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    return member_info(path, len(data)), data


def _tar(members: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    out = bytearray()
    for info, data in members:
        out += info.tobuf(tarfile.USTAR_FORMAT, "utf-8", "strict")
        if info.isreg():
            out += data + b"\x00" * (-len(data) % 512)
    out += b"\x00" * 1024
    out += b"\x00" * (-len(out) % tarfile.RECORDSIZE)
    return bytes(out)


def _signed_bundle(pair: Pair, entries: list[EntrySource], *, first: int, last: int) -> bytes:
    """A bundle made by the real writer and signed by the real fieldworker."""
    out_dir = pair.tmp / f"signed-{time.monotonic_ns()}"
    out_dir.mkdir()
    prev = pair.field.store.query_one("SELECT prev FROM records WHERE seq = ?", (first,))
    assert prev is not None
    path = write_bundle_file(
        out_dir, rand=__import__("os").urandom, sender=pair.field.identity,
        sender_role="fieldworker", recipients=[pair.coord.identity.public], kind="records",
        chain=ChainRange(author=pair.field.identity.public.fingerprint_digits, first_seq=first,
                         last_seq=last, prev=bytes(prev[0]).hex()),
        entries=entries,
    ).path
    return Path(path).read_bytes()
