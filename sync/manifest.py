"""The bundle manifest: its model, canonical bytes and strict parser."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from typing import Any, Literal

import rfc8785
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from keys import bech32
from keys.card import Role
from sync.errors import ManifestError, ManifestTooLarge

FORMAT = "fieldkit-bundle/1"
MANIFEST_PATH = "fieldkit-bundle.json"
SIGNATURE_PATH = "fieldkit-bundle.sig"
RECEIPT_PATH = "receipt.json"
MAX_MANIFEST_SIZE = 16 * 1024 * 1024
MAX_PATH_LENGTH = 100
"""Paths fit the ustar ``name`` field whole, so the tar needs no prefix or extension."""
MAX_ENTRY_SIZE = 8**11 - 1
"""The largest size a ustar header can state (11 octal digits, just under 8 GiB)."""
MAX_SEQ = 2**53 - 1
"""RFC 8785 numbers are IEEE doubles; larger integers would not round-trip."""

Kind = Literal["records", "receipt"]

_HEX64 = re.compile(r"[0-9a-f]{64}")
_FINGERPRINT = re.compile(r"[0-9]{30}")
_UUID7 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_PATHS = (
    # Rank orders the sections: forms before the records that use them, records
    # before their attachments, so an importer can check each piece as it arrives.
    (0, re.compile(r"forms/[A-Za-z0-9][A-Za-z0-9_.-]*@(0|[1-9][0-9]{0,8})\.json")),
    (1, re.compile(r"records/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.json")),
    (2, re.compile(r"attachments/[0-9a-f]{64}")),
    (3, re.compile(re.escape(RECEIPT_PATH))),
)


def entry_rank(path: str) -> int:
    """The section of a bundle a path belongs to (0 forms … 3 receipt); ValueError if none."""
    if len(path) > MAX_PATH_LENGTH or not path.isascii():
        raise ValueError("path is too long or not ASCII")
    for rank, pattern in _PATHS:
        if pattern.fullmatch(path):
            return rank
    raise ValueError("path is not one a bundle may hold")


def _check(pattern: re.Pattern[str], value: str, what: str) -> str:
    if not pattern.fullmatch(value):
        raise ValueError(f"not a valid {what}")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Sender(_Strict):
    """Who made the bundle: the keys it carries and the role it claims."""

    signing_key: str
    """Ed25519 public key, standard base64 with padding."""
    encryption_key: str
    """X25519 public key as an age recipient (``age1…``)."""
    fingerprint: str
    """The 30-digit fingerprint of both keys, without spaces."""
    role: Role
    """The sender's role as on its identity card."""

    @field_validator("signing_key")
    @classmethod
    def _signing_key(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("not base64") from None
        if len(raw) != 32 or base64.b64encode(raw).decode() != value:
            raise ValueError("not a canonical 32-byte key")
        return value

    @field_validator("encryption_key")
    @classmethod
    def _encryption_key(cls, value: str) -> str:
        try:
            hrp, raw = bech32.decode(value)
        except ValueError:
            raise ValueError("not an age recipient") from None
        if hrp != "age" or len(raw) != 32 or bech32.encode("age", raw) != value:
            raise ValueError("not a canonical age recipient")
        return value

    @field_validator("fingerprint")
    @classmethod
    def _fingerprint(cls, value: str) -> str:
        return _check(_FINGERPRINT, value, "fingerprint")

    @property
    def signing_key_bytes(self) -> bytes:
        """The raw 32-byte Ed25519 public key."""
        return base64.b64decode(self.signing_key)

    @property
    def encryption_key_bytes(self) -> bytes:
        """The raw 32-byte X25519 public key."""
        return bech32.decode(self.encryption_key)[1]


class ChainRange(_Strict):
    """The stretch of one author's hash chain that the bundle's records cover."""

    author: str
    """The author's 30-digit fingerprint."""
    first_seq: int = Field(ge=0, le=MAX_SEQ)
    last_seq: int = Field(ge=0, le=MAX_SEQ)
    prev: str | None
    """Hex SHA-256 of the author's record before ``first_seq``; null at the chain's start."""

    @field_validator("author")
    @classmethod
    def _author(cls, value: str) -> str:
        return _check(_FINGERPRINT, value, "fingerprint")

    @field_validator("prev")
    @classmethod
    def _prev(cls, value: str | None) -> str | None:
        return None if value is None else _check(_HEX64, value, "hash")

    @model_validator(mode="after")
    def _ordered(self) -> ChainRange:
        if self.last_seq < self.first_seq:
            raise ValueError("last_seq is before first_seq")
        return self


class Entry(_Strict):
    """One file of the tar stream: where it goes, how long it is, its SHA-256."""

    path: str
    size: int = Field(ge=0, le=MAX_ENTRY_SIZE)
    sha256: str

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        entry_rank(value)
        return value

    @field_validator("sha256")
    @classmethod
    def _sha256(cls, value: str) -> str:
        return _check(_HEX64, value, "hash")

    @property
    def rank(self) -> int:
        """The section this entry belongs to (see :func:`entry_rank`)."""
        return entry_rank(self.path)


class Manifest(_Strict):
    """The signed table of contents that opens every bundle."""

    format: Literal["fieldkit-bundle/1"]
    kind: Kind
    bundle_id: str
    """UUIDv7, lowercase."""
    created_at: str
    """UTC, whole seconds: ``YYYY-MM-DDTHH:MM:SSZ``."""
    sender: Sender
    recipients: tuple[str, ...] = Field(min_length=1)
    """Fingerprints of every key the bundle is encrypted to, so forwarding shows."""
    chain: ChainRange | None
    entries: tuple[Entry, ...]

    @field_validator("bundle_id")
    @classmethod
    def _bundle_id(cls, value: str) -> str:
        return _check(_UUID7, value, "UUIDv7")

    @field_validator("created_at")
    @classmethod
    def _created_at(cls, value: str) -> str:
        _check(_TIMESTAMP, value, "timestamp")
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")  # rejects e.g. month 13
        return value

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for fingerprint in value:
            _check(_FINGERPRINT, fingerprint, "fingerprint")
        if len(set(value)) != len(value):
            raise ValueError("a recipient is listed twice")
        return value

    @model_validator(mode="after")
    def _entries(self) -> Manifest:
        seen: set[str] = set()
        last_rank = 0
        for entry in self.entries:
            if entry.path in seen:
                raise ValueError("an entry is listed twice")
            seen.add(entry.path)
            rank = entry.rank
            if rank < last_rank:
                raise ValueError("entries are not in section order")
            last_rank = rank
            if rank == 2 and entry.path.removeprefix("attachments/") != entry.sha256:
                raise ValueError("an attachment is not named by its SHA-256")
        receipts = [e for e in self.entries if e.rank == 3]
        if self.kind == "receipt":
            if len(receipts) != 1 or len(self.entries) != 1 or self.chain is not None:
                raise ValueError("a receipt bundle holds exactly one receipt and no chain")
        elif receipts:
            raise ValueError("a records bundle holds no receipt")
        return self

    @property
    def created(self) -> datetime:
        """``created_at`` as an aware datetime."""
        return datetime.strptime(self.created_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def format_timestamp(moment: datetime) -> str:
    """An aware datetime as the manifest's ``created_at`` (UTC, whole seconds)."""
    if moment.tzinfo is None:
        raise ValueError("timestamp must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def manifest_to_bytes(manifest: Manifest) -> bytes:
    """The manifest as RFC 8785 canonical JSON: the exact bytes that get signed."""
    data: Any = manifest.model_dump(mode="json")
    out: bytes = rfc8785.dumps(data)
    return out


def _where(error: ValidationError) -> str:
    """The field path of the first problem, keeping only names from our own schema."""
    first = error.errors()[0]
    parts: list[str] = []
    for part in first["loc"]:
        if isinstance(part, int) or (
            isinstance(part, str) and part.isascii() and part.isidentifier() and len(part) < 32
        ):
            parts.append(str(part))
        else:
            parts.append("?")
    return ".".join(parts) or "(top level)"


def parse_manifest(data: bytes, *, max_size: int = MAX_MANIFEST_SIZE) -> Manifest:
    """Parse and validate manifest bytes; raise :class:`ManifestError` on anything off.

    Strict: unknown or missing keys, wrong types, bad or duplicate paths, and
    bytes that are not exactly the canonical form are all refused, so one
    manifest has one encoding and its signature covers exactly what we read.
    """
    if len(data) > max_size:
        raise ManifestTooLarge()
    try:
        manifest = Manifest.model_validate_json(data, strict=True)
    except ValidationError as error:
        raise ManifestError(
            f"The list of contents inside this bundle is not valid (at {_where(error)})."
        ) from None
    if manifest_to_bytes(manifest) != data:
        raise ManifestError("The list of contents inside this bundle is not in canonical form.")
    return manifest
