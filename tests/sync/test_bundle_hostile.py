"""Hostile bundles: every tampering, forwarding and tar trick raises a specific error."""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Iterator
from typing import Any

import pytest

from keys.domains import DOMAIN_BUNDLE
from keys.identity import Identity, PublicIdentity
from sync import age
from sync.bundle import EntrySource, read_bundle, write_bundle
from sync.bundle_tar import member_info
from sync.errors import (
    BadSignature,
    BundleError,
    CorruptBundle,
    DuplicateEntry,
    EntryMismatch,
    EntryTooLarge,
    ManifestError,
    ManifestTooLarge,
    MissingEntry,
    NotForThisDevice,
    OutOfOrderEntry,
    RecipientMismatch,
    SenderKeyMismatch,
    TrailingData,
    UnexpectedEntry,
    UnsafeEntry,
    UntrustedSender,
)
from sync.manifest import (
    MANIFEST_PATH,
    SIGNATURE_PATH,
    Entry,
    Manifest,
    Sender,
    manifest_to_bytes,
)

FIELD = Identity.generate()
COORD = Identity.generate()
THIRD = Identity.generate()
ENROLLED = {i.public.fingerprint_digits: i.public for i in (FIELD, COORD, THIRD)}
RECORD_A = "records/01890a5d-ac96-774b-bcce-b302099a8057.json"
RECORD_B = "records/01890a5d-ac96-774b-bcce-b302099a8058.json"


def trusted(fingerprint: str) -> PublicIdentity | None:
    return ENROLLED.get(fingerprint)


def read(data: bytes, identity: Identity = COORD, lookup: Any = trusted) -> dict[str, bytes]:
    got: dict[str, bytes] = {}

    def keep(entry: Any) -> None:
        got[entry.path] = entry.read()

    read_bundle(io.BytesIO(data), identity=identity, trusted=lookup, on_entry=keep)
    return got


def small_bundle() -> bytes:
    out = io.BytesIO()
    write_bundle(
        out,
        sender=FIELD,
        sender_role="fieldworker",
        recipients=[COORD.public],
        kind="records",
        chain=None,
        entries=[EntrySource.from_bytes(RECORD_A, b'{"seq":1}')],
    )
    return out.getvalue()


# -- building hostile bundles by hand -----------------------------------------


def sender_of(identity: Identity) -> Sender:
    import base64

    public = identity.public
    return Sender(
        signing_key=base64.b64encode(public.signing_key).decode(),
        encryption_key=public.recipient,
        fingerprint=public.fingerprint_digits,
        role="fieldworker",
    )


def signed_head(
    declared: list[tuple[str, bytes]],
    *,
    signer: Identity = FIELD,
    sender: Sender | None = None,
    recipients: tuple[str, ...] | None = None,
) -> list[tuple[tarfile.TarInfo, bytes]]:
    """The manifest and signature members for entries declared as (path, content)."""
    manifest = Manifest(
        format="fieldkit-bundle/1",
        kind="records",
        bundle_id="01890a5d-ac96-774b-bcce-b302099a8057",
        created_at="2025-03-01T08:30:00Z",
        sender=sender or sender_of(FIELD),
        recipients=recipients or (COORD.public.fingerprint_digits,),
        chain=None,
        entries=tuple(
            Entry(path=p, size=len(d), sha256=hashlib.sha256(d).hexdigest()) for p, d in declared
        ),
    )
    body = manifest_to_bytes(manifest)
    sig = signer.sign(DOMAIN_BUNDLE, hashlib.sha256(body).digest())
    return [(member_info(MANIFEST_PATH, len(body)), body), (member_info(SIGNATURE_PATH, 64), sig)]


def regular(path: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    return member_info(path, len(data)), data


def special(path: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = member_info(path, 0)
    info.type = kind
    info.linkname = linkname
    return info, b""


def tar_stream(
    members: list[tuple[tarfile.TarInfo, bytes]], fmt: int = tarfile.USTAR_FORMAT
) -> bytes:
    """A tar stream laid out as ``tarfile "w|"`` would; members after the first two in ``fmt``."""
    out = bytearray()
    for index, (info, data) in enumerate(members):
        out += info.tobuf(tarfile.USTAR_FORMAT if index < 2 else fmt, "utf-8", "strict")
        if info.isreg():
            out += data + b"\x00" * (-len(data) % 512)
    out += b"\x00" * 1024
    out += b"\x00" * (-len(out) % tarfile.RECORDSIZE)
    return bytes(out)


def seal(plaintext: bytes, to: tuple[Identity, ...] = (COORD,)) -> bytes:
    return age.encrypt_bytes(plaintext, [i.public.x25519_public() for i in to])


def bundle_of(
    members: list[tuple[tarfile.TarInfo, bytes]], fmt: int = tarfile.USTAR_FORMAT
) -> bytes:
    return seal(tar_stream(members, fmt))


def test_hand_built_bundle_is_accepted() -> None:
    """The builders above make valid bundles, so each test below changes one thing."""
    content = b'{"seq":1}'
    got = read(bundle_of([*signed_head([(RECORD_A, content)]), regular(RECORD_A, content)]))
    assert got == {RECORD_A: content}


# -- byte flips, truncation, trailing data ------------------------------------


def test_every_byte_flipped() -> None:
    data = small_bundle()
    assert len(data) < 11_000  # one 10 KiB tar record plus the age header
    # Flip the low bit everywhere (it hits base64 padding bits in the header text),
    # and the high bit too in the header and nonce, where text parsing happens.
    header_end = data.index(b"\n", data.index(b"\n--- ")) + 1 + 16
    for position in range(len(data)):
        for mask in (0x01, 0x80) if position < header_end else (0x01,):
            flipped = bytearray(data)
            flipped[position] ^= mask
            with pytest.raises((NotForThisDevice, CorruptBundle)):
                read(bytes(flipped))


def test_truncated() -> None:
    data = small_bundle()
    cuts = {*range(0, len(data), 37), *range(len(data) - 40, len(data))}
    for cut in sorted(cuts):
        with pytest.raises((NotForThisDevice, CorruptBundle)):
            read(data[:cut])


def test_trailing_data_after_age_stream() -> None:
    with pytest.raises(CorruptBundle):
        read(small_bundle() + b"\x00")


@pytest.mark.parametrize("extra", [b"x", b"\x00" * 512, b"\x00" * 10240, b"\x00" * 3 + b"!"])
def test_trailing_data_after_tar_end(extra: bytes) -> None:
    content = b'{"seq":1}'
    plain = tar_stream([*signed_head([(RECORD_A, content)]), regular(RECORD_A, content)])
    with pytest.raises(TrailingData):
        read(seal(plain + extra))


def test_garbage_inside_tar_padding() -> None:
    content = b'{"seq":1}'
    plain = bytearray(tar_stream([*signed_head([(RECORD_A, content)]), regular(RECORD_A, content)]))
    plain[-1] = 1
    with pytest.raises(TrailingData):
        read(seal(bytes(plain)))


# -- who sent it, who it is for ------------------------------------------------


def test_untrusted_sender() -> None:
    with pytest.raises(UntrustedSender):
        read(small_bundle(), lookup=lambda fingerprint: None)


def test_enrolled_key_differs_from_carried_key() -> None:
    # The lookup returns a different key for the sender's fingerprint: the signature
    # is checked against the enrolled key, never the one the manifest carries.
    with pytest.raises(BadSignature):
        read(small_bundle(), lookup=lambda fingerprint: THIRD.public)


def test_carried_keys_must_equal_enrolled() -> None:
    # Signed by the real sender, but the manifest carries someone else's encryption key.
    claimed = sender_of(FIELD).model_copy(update={"encryption_key": THIRD.public.recipient})
    content = b"{}"
    members = [*signed_head([(RECORD_A, content)], sender=claimed), regular(RECORD_A, content)]
    with pytest.raises(SenderKeyMismatch):
        read(bundle_of(members))


def test_signature_by_another_key() -> None:
    content = b"{}"
    members = [*signed_head([(RECORD_A, content)], signer=THIRD), regular(RECORD_A, content)]
    with pytest.raises(BadSignature):
        read(bundle_of(members))


def test_signature_wrong_size() -> None:
    content = b"{}"
    head = signed_head([(RECORD_A, content)])
    head[1] = regular(SIGNATURE_PATH, head[1][1] + b"\x00")
    with pytest.raises(BadSignature):
        read(bundle_of([*head, regular(RECORD_A, content)]))


def test_not_for_this_device() -> None:
    with pytest.raises(NotForThisDevice):
        read(small_bundle(), identity=THIRD)


def test_forwarded_to_a_third_party() -> None:
    # The coordinator decrypts and re-encrypts the untouched plaintext to someone else.
    plain = age.decrypt_bytes(small_bundle(), [COORD.x25519_private()])
    with pytest.raises(RecipientMismatch):
        read(seal(plain, to=(THIRD,)), identity=THIRD)


def test_forwarded_with_original_recipient_still_listed() -> None:
    plain = age.decrypt_bytes(small_bundle(), [COORD.x25519_private()])
    assert read(seal(plain, to=(COORD, THIRD)), identity=COORD)
    with pytest.raises(RecipientMismatch):
        read(seal(plain, to=(COORD, THIRD)), identity=THIRD)


# -- unsafe tar members ----------------------------------------------------------


def _with_member(member: tuple[tarfile.TarInfo, bytes], fmt: int = tarfile.USTAR_FORMAT) -> bytes:
    content = b"{}"
    return bundle_of([*signed_head([(RECORD_A, content)]), member], fmt)


@pytest.mark.parametrize(
    "member",
    [
        regular("../records/x.json", b"{}"),
        regular("records/../../etc/passwd", b"{}"),
        regular("/etc/passwd", b"{}"),
        regular("records\\x.json", b"{}"),
        regular("records//x.json", b"{}"),
        regular("./records/x.json", b"{}"),
        regular("records/x\x1b[2J.json", b"{}"),
        special(RECORD_A, tarfile.SYMTYPE, "/etc/passwd"),
        special(RECORD_A, tarfile.LNKTYPE, MANIFEST_PATH),
        special(RECORD_A, tarfile.CHRTYPE),
        special(RECORD_A, tarfile.BLKTYPE),
        special(RECORD_A, tarfile.FIFOTYPE),
        special("records", tarfile.DIRTYPE),
        special(RECORD_A, tarfile.CONTTYPE),
    ],
    ids=lambda m: repr(m[0].name + ":" + m[0].type.decode()),
)
def test_unsafe_members(member: tuple[tarfile.TarInfo, bytes]) -> None:
    with pytest.raises(UnsafeEntry):
        read(_with_member(member))


def test_pax_header_renaming_an_entry() -> None:
    # A pax header could rename the next member to a safe-looking declared path.
    info, data = regular("innocent", b"{}")
    info.pax_headers = {"path": RECORD_A}
    with pytest.raises(UnsafeEntry):
        read(_with_member((info, data), tarfile.PAX_FORMAT))


def test_gnu_long_name() -> None:
    with pytest.raises(UnsafeEntry):
        read(_with_member(regular("records/" + "x" * 120 + ".json", b"{}"), tarfile.GNU_FORMAT))


def test_ustar_prefix_field() -> None:
    # ustar splits long names into prefix + name; our writer never needs the prefix.
    with pytest.raises(UnsafeEntry):
        read(_with_member(regular("a" * 60 + "/" + "b" * 60, b"{}")))


def test_base256_size() -> None:
    with pytest.raises(CorruptBundle):
        read(_base256_bundle())


def _base256_bundle() -> bytes:
    content = b"{}"
    plain = bytearray(tar_stream([*signed_head([(RECORD_A, content)]), regular(RECORD_A, content)]))
    offset = _member_offset(bytes(plain), 2)
    plain[offset + 124 : offset + 136] = b"\x80" + (2).to_bytes(11, "big")
    _fix_checksum(plain, offset)
    return seal(bytes(plain))


def _member_offset(plain: bytes, index: int) -> int:
    offset = 0
    for _ in range(index):
        size = int(plain[offset + 124 : offset + 135], 8)
        offset += 512 + -(-size // 512) * 512
    return offset


def _fix_checksum(plain: bytearray, offset: int) -> None:
    plain[offset + 148 : offset + 156] = b" " * 8
    plain[offset + 148 : offset + 156] = b"%06o\x00 " % sum(plain[offset : offset + 512])


def test_bad_checksum() -> None:
    content = b"{}"
    plain = bytearray(tar_stream([*signed_head([(RECORD_A, content)]), regular(RECORD_A, content)]))
    offset = _member_offset(bytes(plain), 2)
    plain[offset + 108] ^= 1  # uid field: harmless, but the checksum no longer matches
    with pytest.raises(CorruptBundle):
        read(seal(bytes(plain)))


def test_nonzero_padding() -> None:
    content = b"{}"
    plain = bytearray(tar_stream([*signed_head([(RECORD_A, content)]), regular(RECORD_A, content)]))
    offset = _member_offset(bytes(plain), 2)
    plain[offset + 512 + 10] = 0x41
    with pytest.raises(CorruptBundle):
        read(seal(bytes(plain)))


# -- entries that do not match the manifest ---------------------------------------


def test_entry_larger_than_declared() -> None:
    members = [*signed_head([(RECORD_A, b"{}")]), regular(RECORD_A, b'{"more":1}')]
    with pytest.raises(EntryMismatch):
        read(bundle_of(members))


def test_entry_changed_same_size() -> None:
    members = [*signed_head([(RECORD_A, b'{"a":1}')]), regular(RECORD_A, b'{"a":2}')]
    with pytest.raises(EntryMismatch):
        read(bundle_of(members))


def test_missing_entry() -> None:
    declared = [(RECORD_A, b"{}"), (RECORD_B, b"{}")]
    with pytest.raises(MissingEntry):
        read(bundle_of([*signed_head(declared), regular(RECORD_A, b"{}")]))


def test_extra_entry() -> None:
    members = [
        *signed_head([(RECORD_A, b"{}")]),
        regular(RECORD_A, b"{}"),
        regular(RECORD_B, b"{}"),
    ]
    with pytest.raises(UnexpectedEntry):
        read(bundle_of(members))


def test_undeclared_entry_in_place() -> None:
    members = [*signed_head([(RECORD_A, b"{}")]), regular(RECORD_B, b"{}")]
    with pytest.raises(UnexpectedEntry):
        read(bundle_of(members))


def test_duplicate_entry() -> None:
    members = [
        *signed_head([(RECORD_A, b"{}")]),
        regular(RECORD_A, b"{}"),
        regular(RECORD_A, b"{}"),
    ]
    with pytest.raises(DuplicateEntry):
        read(bundle_of(members))


def test_duplicate_manifest() -> None:
    head = signed_head([(RECORD_A, b"{}")])
    with pytest.raises(DuplicateEntry):
        read(bundle_of([*head, head[0]]))


def test_out_of_order_entries() -> None:
    declared = [(RECORD_A, b"{}"), (RECORD_B, b"{}")]
    members = [*signed_head(declared), regular(RECORD_B, b"{}"), regular(RECORD_A, b"{}")]
    with pytest.raises(OutOfOrderEntry):
        read(bundle_of(members))


def test_manifest_not_first() -> None:
    head = signed_head([(RECORD_A, b"{}")])
    with pytest.raises(ManifestError):
        read(bundle_of([head[1], head[0], regular(RECORD_A, b"{}")]))


def test_empty_archive() -> None:
    with pytest.raises(ManifestError):
        read(seal(tar_stream([])))


def test_not_a_tar() -> None:
    with pytest.raises(CorruptBundle):
        read(seal(b"hello" * 3000))


def test_declared_size_over_limit_refused_before_streaming() -> None:
    # The manifest may declare a 5 MiB record; nothing of it needs to exist to refuse it.
    big = Entry(path=RECORD_A, size=5 * 1024 * 1024, sha256="ab" * 32)
    head = signed_head([])
    manifest = Manifest.model_validate_json(head[0][1]).model_copy(update={"entries": (big,)})
    body = manifest_to_bytes(manifest)
    sig = FIELD.sign(DOMAIN_BUNDLE, hashlib.sha256(body).digest())
    members = [regular(MANIFEST_PATH, body), regular(SIGNATURE_PATH, sig)]
    with pytest.raises(EntryTooLarge):
        read(bundle_of(members))


# -- a 100 MB manifest, generated as a stream ---------------------------------------


class LazyBundle(io.RawIOBase):
    """Encrypts plaintext pieces only as the reader asks for ciphertext."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        super().__init__()
        self._pieces = pieces
        self._buffer = bytearray()
        self._encryptor = age.encrypt(self, [COORD.public.x25519_public()])  # type: ignore[arg-type]
        self.served = 0

    def write(self, data: Any) -> int:  # the encryptor writes ciphertext here
        self._buffer += data
        return len(data)

    def readable(self) -> bool:
        return True

    def readinto(self, out: Any) -> int:
        while len(self._buffer) < len(out):
            piece = next(self._pieces, None)
            if piece is None:
                self._encryptor.close()
                break
            self._encryptor.write(piece)
        n = min(len(out), len(self._buffer))
        out[:n] = self._buffer[:n]
        del self._buffer[:n]
        self.served += n
        return n


def test_huge_manifest_refused_by_declared_size() -> None:
    size = 100 * 1000 * 1000

    def pieces() -> Iterator[bytes]:
        yield member_info(MANIFEST_PATH, size).tobuf(tarfile.USTAR_FORMAT, "ascii", "strict")
        for _ in range(size // (1 << 20) + 1):
            yield b" " * (1 << 20)

    source = LazyBundle(pieces())
    with pytest.raises(ManifestTooLarge):
        read_bundle(source, identity=COORD, trusted=trusted, on_entry=lambda e: None)  # type: ignore[arg-type]
    assert source.served < 2 * 1024 * 1024


# -- every error is a BundleError with a plain message ----------------------------------


def test_errors_are_plain() -> None:
    for error_type in (
        BadSignature,
        CorruptBundle,
        DuplicateEntry,
        EntryMismatch,
        EntryTooLarge,
        ManifestTooLarge,
        MissingEntry,
        NotForThisDevice,
        OutOfOrderEntry,
        RecipientMismatch,
        SenderKeyMismatch,
        TrailingData,
        UnexpectedEntry,
        UnsafeEntry,
        UntrustedSender,
    ):
        error = error_type()
        assert isinstance(error, BundleError)
        assert error.title and error.message.endswith(".")
        assert error.hint
