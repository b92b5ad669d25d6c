"""Tests for the bundle manifest model, its canonical bytes and strict parser."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keys import bech32
from sync.errors import ManifestError, ManifestTooLarge
from sync.ids import random_name, uuid7
from sync.manifest import (
    FORMAT,
    ChainRange,
    Entry,
    Manifest,
    Sender,
    entry_rank,
    manifest_to_bytes,
    parse_manifest,
)
from sync.receipt import Receipt, ReceiptError, parse_receipt, receipt_to_bytes

FPR_A = "1" * 30
FPR_B = "2" * 30
SHA = "ab" * 32


def _sender() -> Sender:
    return Sender(
        signing_key="A" * 43 + "=",
        encryption_key=bech32.encode("age", bytes(32)),
        fingerprint=FPR_A,
        role="fieldworker",
    )


def _manifest(**changes: Any) -> Manifest:
    fields: dict[str, Any] = {
        "format": FORMAT,
        "kind": "records",
        "bundle_id": "01890a5d-ac96-774b-bcce-b302099a8057",
        "created_at": "2025-03-01T08:30:00Z",
        "sender": _sender(),
        "recipients": (FPR_B,),
        "chain": ChainRange(author=FPR_A, first_seq=1, last_seq=3, prev=None),
        "entries": (
            Entry(path="forms/incident@1.json", size=10, sha256=SHA),
            Entry(path="records/01890a5d-ac96-774b-bcce-b302099a8057.json", size=5, sha256=SHA),
            Entry(path=f"attachments/{SHA}", size=0, sha256=SHA),
        ),
    }
    fields.update(changes)
    return Manifest(**fields)


def _as_json(manifest: Manifest) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(manifest_to_bytes(manifest))
    return data


def _canonical(data: dict[str, Any]) -> bytes:
    import rfc8785

    out: bytes = rfc8785.dumps(data)
    return out


# -- strategies -----------------------------------------------------------

_hex64 = st.binary(min_size=32, max_size=32).map(bytes.hex)
_fpr = st.text("0123456789", min_size=30, max_size=30)
_uuid = st.builds(
    lambda ms, rand: uuid7(clock=lambda: ms / 1000, rand=lambda n: rand),
    st.integers(0, 2**48 - 1),
    st.binary(min_size=10, max_size=10),
)
_form_path = st.builds(
    "forms/{}@{}.json".format,
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,40}", fullmatch=True),
    st.integers(0, 10**6),
)
_record_path = _uuid.map("records/{}.json".format)


@st.composite
def _entries(draw: st.DrawFn) -> tuple[Entry, ...]:
    forms = draw(st.lists(_form_path, max_size=3, unique=True))
    records = draw(st.lists(_record_path, max_size=3, unique=True))
    attachments = draw(st.lists(_hex64, max_size=3, unique=True))
    sizes = st.integers(0, 8**11 - 1)
    out = [Entry(path=p, size=draw(sizes), sha256=draw(_hex64)) for p in forms + records]
    out += [Entry(path=f"attachments/{h}", size=draw(sizes), sha256=h) for h in attachments]
    return tuple(out)


@st.composite
def _manifests(draw: st.DrawFn) -> Manifest:
    first = draw(st.integers(0, 2**53 - 1))
    chain = draw(
        st.none()
        | st.builds(
            ChainRange,
            author=_fpr,
            first_seq=st.just(first),
            last_seq=st.integers(first, 2**53 - 1),
            prev=st.none() | _hex64,
        )
    )
    sender = Sender(
        signing_key=draw(st.binary(min_size=32, max_size=32).map(_b64)),
        encryption_key=bech32.encode("age", draw(st.binary(min_size=32, max_size=32))),
        fingerprint=draw(_fpr),
        role=draw(st.sampled_from(["fieldworker", "coordinator", "training"])),
    )
    return Manifest(
        format=FORMAT,
        kind="records",
        bundle_id=draw(_uuid),
        created_at=draw(st.datetimes(datetime(1970, 1, 1), datetime(9999, 1, 1))).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        ),
        sender=sender,
        recipients=tuple(draw(st.lists(_fpr, min_size=1, max_size=4, unique=True))),
        chain=chain,
        entries=draw(_entries()),
    )


def _b64(raw: bytes) -> str:
    import base64

    return base64.b64encode(raw).decode()


# -- round trips ------------------------------------------------------------


@given(_manifests())
def test_round_trip(manifest: Manifest) -> None:
    data = manifest_to_bytes(manifest)
    assert parse_manifest(data) == manifest
    assert manifest_to_bytes(parse_manifest(data)) == data


def test_receipt_manifest_round_trip() -> None:
    manifest = _manifest(
        kind="receipt", chain=None, entries=(Entry(path="receipt.json", size=3, sha256=SHA),)
    )
    assert parse_manifest(manifest_to_bytes(manifest)) == manifest


# -- strictness -------------------------------------------------------------


def test_unknown_key() -> None:
    data = _as_json(_manifest())
    data["extra"] = 1
    with pytest.raises(ManifestError):
        parse_manifest(_canonical(data))


def test_unknown_nested_key() -> None:
    data = _as_json(_manifest())
    data["entries"][0]["mode"] = 420
    with pytest.raises(ManifestError):
        parse_manifest(_canonical(data))


def test_missing_key() -> None:
    data = _as_json(_manifest())
    del data["chain"]
    with pytest.raises(ManifestError):
        parse_manifest(_canonical(data))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("size", "10"),
        ("size", 10.5),
        ("size", True),
        ("size", -1),
        ("size", 8**11),
        ("sha256", SHA.upper()),
        ("sha256", 123),
    ],
)
def test_wrong_entry_types(field: str, value: object) -> None:
    data = _as_json(_manifest())
    data["entries"][0][field] = value
    with pytest.raises(ManifestError):
        parse_manifest(_canonical(data))


@pytest.mark.parametrize(
    "path",
    [
        "../records/x.json",
        "/etc/passwd",
        "records/../../x.json",
        "records\\01890a5d-ac96-774b-bcce-b302099a8057.json",
        "records/01890a5d-ac96-774b-bcce-b302099a8057.json/",
        "records/01890A5D-AC96-774B-BCCE-B302099A8057.json",
        "forms/../x@1.json",
        "forms/x@01.json",
        "forms/.hidden@1.json",
        "forms/x@1.json\n",
        "fieldkit-bundle.json",
        "fieldkit-bundle.sig",
        "attachments/" + "g" * 64,
        "forms/" + "a" * 90 + "@1.json",
        "",
    ],
)
def test_bad_paths(path: str) -> None:
    with pytest.raises(ValueError):
        entry_rank(path)
    data = _as_json(_manifest())
    data["entries"][0]["path"] = path
    with pytest.raises(ManifestError):
        parse_manifest(_canonical(data))


def test_duplicate_paths() -> None:
    entry = Entry(path="forms/a@1.json", size=1, sha256=SHA)
    data = _as_json(_manifest())
    data["entries"] = [entry.model_dump(), entry.model_dump()]
    with pytest.raises(ManifestError):
        parse_manifest(_canonical(data))


def test_sections_out_of_order() -> None:
    data = _as_json(_manifest())
    data["entries"].reverse()
    with pytest.raises(ManifestError):
        parse_manifest(_canonical(data))


def test_attachment_must_be_named_by_hash() -> None:
    data = _as_json(_manifest())
    data["entries"][2]["sha256"] = "cd" * 32
    with pytest.raises(ManifestError):
        parse_manifest(_canonical(data))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("format", "fieldkit-bundle/2"),
        ("kind", "other"),
        ("bundle_id", "01890a5d-ac96-474b-bcce-b302099a8057"),  # v4, not v7
        ("created_at", "2025-13-01T08:30:00Z"),
        ("created_at", "2025-03-01T08:30:00+00:00"),
        ("recipients", []),
        ("recipients", [FPR_B, FPR_B]),
        ("recipients", ["12345 67890 12345 67890 12345 67890"]),
    ],
)
def test_bad_top_level_values(field: str, value: object) -> None:
    data = _as_json(_manifest())
    data[field] = value
    with pytest.raises(ManifestError):
        parse_manifest(_canonical(data))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("signing_key", "A" * 44),
        ("signing_key", "AAAA"),
        ("encryption_key", "AGE1" + "Q" * 58),
        ("role", "admin"),
        ("fingerprint", "1" * 29),
    ],
)
def test_bad_sender(field: str, value: str) -> None:
    data = _as_json(_manifest())
    data["sender"][field] = value
    with pytest.raises(ManifestError):
        parse_manifest(_canonical(data))


def test_chain_range_order() -> None:
    data = _as_json(_manifest())
    data["chain"]["last_seq"] = 0
    with pytest.raises(ManifestError):
        parse_manifest(_canonical(data))


def test_receipt_kind_rules() -> None:
    data = _as_json(_manifest())
    data["kind"] = "receipt"
    with pytest.raises(ManifestError):
        parse_manifest(_canonical(data))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b + b"\n",
        lambda b: b" " + b,
        lambda b: json.dumps(json.loads(b), indent=1).encode(),
        lambda b: json.dumps(json.loads(b), sort_keys=False)[::1].encode(),
        lambda b: b.replace(b'"size":10', b'"size":1e1'),
        lambda b: b.replace(b'"kind":"records"', b'"kind":"records","kind":"records"'),
        lambda b: b.replace(b"incident", b"incid\\u0065nt"),
    ],
)
def test_non_canonical_bytes(mangle: Any) -> None:
    data = manifest_to_bytes(_manifest())
    mangled = mangle(data)
    assert mangled != data
    with pytest.raises(ManifestError):
        parse_manifest(mangled)


@pytest.mark.parametrize("data", [b"", b"null", b"[]", b"\xff\xfe", b"{", b'"x"'])
def test_not_a_manifest(data: bytes) -> None:
    with pytest.raises(ManifestError):
        parse_manifest(data)


def test_size_limit_before_parsing() -> None:
    with pytest.raises(ManifestTooLarge):
        parse_manifest(b"{" * (16 * 1024 * 1024 + 1))
    with pytest.raises(ManifestTooLarge):
        parse_manifest(manifest_to_bytes(_manifest()), max_size=100)


def test_error_does_not_echo_hostile_keys() -> None:
    data = _as_json(_manifest())
    data["\x1b[31mevil"] = 1
    with pytest.raises(ManifestError) as caught:
        parse_manifest(_canonical(data))
    assert "\x1b" not in str(caught.value)
    assert "evil" not in str(caught.value)


# -- ids ----------------------------------------------------------------------


def test_uuid7_known_answer() -> None:
    got = uuid7(clock=lambda: 1_700_000_000.123, rand=lambda n: bytes(range(n)))
    assert got == "018bcfe5-687b-7001-8203-040506070809"


def test_uuid7_rfc9562_example() -> None:
    # The UUIDv7 example value from RFC 9562, Appendix A.2.
    got = uuid7(
        clock=lambda: 0x017F22E279B0 / 1000, rand=lambda n: bytes.fromhex("0cc318c4dc0c0c07398f")
    )
    assert got == "017f22e2-79b0-7cc3-98c4-dc0c0c07398f"


def test_uuid7_orders_by_time() -> None:
    early = uuid7(clock=lambda: 1.0)
    late = uuid7(clock=lambda: 2.0)
    assert early < late


def test_random_name() -> None:
    assert random_name(rand=lambda n: b"\x01" * n) == "01" * 16
    assert len(random_name()) == 32


# -- receipts -----------------------------------------------------------------


@given(
    st.lists(_uuid, max_size=4),
    st.dictionaries(_fpr, st.lists(_hex64, max_size=4), max_size=3),
)
def test_receipt_round_trip(bundle_ids: list[str], records: dict[str, list[str]]) -> None:
    receipt = Receipt.build(bundle_ids, records)
    data = receipt_to_bytes(receipt)
    assert parse_receipt(data) == receipt
    for author, hashes in records.items():
        assert receipt.hashes_for(author) == frozenset(hashes)


@pytest.mark.parametrize(
    "data",
    [
        b"{}",
        b'{"bundle_ids":[],"format":"fieldkit-receipt/1","records":[],"x":1}',
        b'{"bundle_ids":[],"records":[]}',
        b'{"bundle_ids":["b","a"],"format":"fieldkit-receipt/1","records":[]}',
        b'{"bundle_ids":[],"format":"fieldkit-receipt/1","records":[] }',
    ],
)
def test_bad_receipts(data: bytes) -> None:
    with pytest.raises(ReceiptError):
        parse_receipt(data)


def test_receipt_ids_must_be_sorted() -> None:
    one = uuid7(clock=lambda: 1.0)
    two = uuid7(clock=lambda: 2.0)
    data = (
        b'{"bundle_ids":["' + two.encode() + b'","' + one.encode() + b'"],'
        b'"format":"fieldkit-receipt/1","records":[]}'
    )
    with pytest.raises(ReceiptError):
        parse_receipt(data)
    assert parse_receipt(receipt_to_bytes(Receipt.build([two, one], {}))).bundle_ids == (one, two)
