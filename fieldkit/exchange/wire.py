"""How records and forms travel inside a bundle: entry paths and the record envelope.

A record entry ``records/<id>.json`` is the RFC 8785 encoding of
``{"canonical": <base64>, "format": "fieldkit-sealed/1", "hash": <hex>,
"signature": <base64>}``: the exact signed bytes travel untouched (base64
keeps them byte-exact), next to the hash and signature the author made. A form
entry ``forms/<id>@<version>.json`` holds the definition exactly as the
sender's store keeps it.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from fieldkit.exchange.errors import RecordRejected

ENVELOPE_FORMAT = "fieldkit-sealed/1"
_FORM_PATH = re.compile(r"forms/(.+)@(0|[1-9][0-9]*)\.json")
_RECORD_PATH = re.compile(r"records/([0-9a-f-]{36})\.json")


@dataclass(frozen=True)
class Envelope:
    """A sealed record as it travels: not yet verified."""

    canonical: bytes
    hash: bytes
    signature: bytes


def form_path(form_id: str, version: int) -> str:
    return f"forms/{form_id}@{version}.json"


def record_path(record_id: str) -> str:
    return f"records/{record_id}.json"


def attachment_path(sha256: str) -> str:
    return f"attachments/{sha256}"


def parse_form_path(path: str) -> tuple[str, int] | None:
    match = _FORM_PATH.fullmatch(path)
    return (match.group(1), int(match.group(2))) if match else None


def parse_record_path(path: str) -> str | None:
    match = _RECORD_PATH.fullmatch(path)
    return match.group(1) if match else None


def envelope_bytes(canonical: bytes, digest: bytes, signature: bytes) -> bytes:
    """The entry bytes for one sealed record (RFC 8785: keys sorted, no spaces).

    Every value is base64 or hex, which JSON never escapes, so plain formatting
    gives exactly the canonical encoding, several times faster than a serialiser.
    """
    return (
        b'{"canonical":"' + base64.b64encode(canonical) + b'","format":"'
        + ENVELOPE_FORMAT.encode("ascii") + b'","hash":"' + digest.hex().encode("ascii")
        + b'","signature":"' + base64.b64encode(signature) + b'"}'
    )


# The one encoding envelope_bytes writes. Matching it is the strict parse: any
# other spelling of the same JSON (spaces, escapes, key order) fails to match.
_ENVELOPE = re.compile(
    rb'\{"canonical":"([A-Za-z0-9+/]*={0,2})","format":"'
    + re.escape(ENVELOPE_FORMAT.encode("ascii"))
    + rb'","hash":"([0-9a-f]{64})","signature":"([A-Za-z0-9+/]*={0,2})"\}'
)


def _bad(record_id: str) -> RecordRejected:
    return RecordRejected(f"Record {record_id} in this bundle is damaged.")


def parse_envelope(data: bytes, record_id: str) -> Envelope:
    """Parse one record entry strictly (one encoding only); raise RecordRejected."""
    match = _ENVELOPE.fullmatch(data)
    if match is None:
        raise _bad(record_id)
    try:
        canonical, digest, signature = match.groups()
        envelope = Envelope(
            base64.b64decode(canonical, validate=True), binascii.unhexlify(digest),
            base64.b64decode(signature, validate=True),
        )
    except (binascii.Error, ValueError):
        raise _bad(record_id) from None
    # Base64 has spellings that decode alike (stray padding bits): only the one
    # we write is accepted.
    if envelope_bytes(envelope.canonical, envelope.hash, envelope.signature) != data:
        raise _bad(record_id)
    return envelope
