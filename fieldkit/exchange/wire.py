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
import json
import re
from dataclasses import dataclass

from fieldkit.exchange.errors import RecordRejected

ENVELOPE_FORMAT = "fieldkit-sealed/1"
_KEYS = frozenset({"canonical", "format", "hash", "signature"})
_FORM_PATH = re.compile(r"forms/(.+)@(0|[1-9][0-9]*)\.json")
_RECORD_PATH = re.compile(r"records/([0-9a-f-]{36})\.json")
_HEX64 = re.compile(r"[0-9a-f]{64}")


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


def _b64(value: object, record_id: str) -> bytes:
    if not isinstance(value, str):
        raise _bad(record_id)
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _bad(record_id) from None
    if base64.b64encode(raw).decode("ascii") != value:
        raise _bad(record_id)
    return raw


def _bad(record_id: str) -> RecordRejected:
    return RecordRejected(f"Record {record_id} in this bundle is damaged.")


def parse_envelope(data: bytes, record_id: str) -> Envelope:
    """Parse one record entry strictly (one encoding only); raise RecordRejected."""
    try:
        body = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise _bad(record_id) from None
    if not isinstance(body, dict) or set(body) != _KEYS or body["format"] != ENVELOPE_FORMAT:
        raise _bad(record_id)
    digest = body["hash"]
    if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
        raise _bad(record_id)
    envelope = Envelope(
        _b64(body["canonical"], record_id), bytes.fromhex(digest),
        _b64(body["signature"], record_id),
    )
    if envelope_bytes(envelope.canonical, envelope.hash, envelope.signature) != data:
        raise _bad(record_id)
    return envelope
