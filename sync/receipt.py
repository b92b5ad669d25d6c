"""The body of a receipt bundle: which bundles and records a coordinator accepted."""

from __future__ import annotations

import re
from typing import Any, Literal

import rfc8785
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sync.errors import EntryError

RECEIPT_FORMAT = "fieldkit-receipt/1"
MAX_RECEIPT_SIZE = 4 * 1024 * 1024

_HEX64 = re.compile(r"[0-9a-f]{64}")
_FINGERPRINT = re.compile(r"[0-9]{30}")
_UUID7 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


class ReceiptError(EntryError):
    """The receipt inside this bundle is not valid."""

    title = "Receipt rejected"


def _sorted_unique(values: tuple[str, ...], pattern: re.Pattern[str], what: str) -> None:
    # Sorted and unique means one receipt has one encoding, like the manifest.
    for value in values:
        if not pattern.fullmatch(value):
            raise ValueError(f"not a valid {what}")
    if list(values) != sorted(set(values)):
        raise ValueError(f"{what}s must be sorted and unique")


class AuthorRecords(BaseModel):
    """The sealed records of one author that the coordinator stored."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    author: str
    """The author's 30-digit fingerprint."""
    hashes: tuple[str, ...] = Field(min_length=1)
    """Hex SHA-256 of each accepted sealed record, sorted."""

    @field_validator("author")
    @classmethod
    def _author(cls, value: str) -> str:
        if not _FINGERPRINT.fullmatch(value):
            raise ValueError("not a valid fingerprint")
        return value

    @field_validator("hashes")
    @classmethod
    def _hashes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        _sorted_unique(value, _HEX64, "hash")
        return value


class Receipt(BaseModel):
    """What a coordinator confirms it imported, sent back as ``receipt.json``."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    format: Literal["fieldkit-receipt/1"] = "fieldkit-receipt/1"
    bundle_ids: tuple[str, ...]
    """Accepted bundle ids (UUIDv7), sorted."""
    records: tuple[AuthorRecords, ...]
    """Accepted records grouped by author, sorted by author."""

    @field_validator("bundle_ids")
    @classmethod
    def _bundle_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        _sorted_unique(value, _UUID7, "bundle id")
        return value

    @field_validator("records")
    @classmethod
    def _records(cls, value: tuple[AuthorRecords, ...]) -> tuple[AuthorRecords, ...]:
        authors = [group.author for group in value]
        if authors != sorted(set(authors)):
            raise ValueError("authors must be sorted and unique")
        return value

    @classmethod
    def build(cls, bundle_ids: list[str], records: dict[str, list[str]]) -> Receipt:
        """A receipt from unordered inputs (sorts and removes repeats)."""
        return cls(
            bundle_ids=tuple(sorted(set(bundle_ids))),
            records=tuple(
                AuthorRecords(author=author, hashes=tuple(sorted(set(hashes))))
                for author, hashes in sorted(records.items())
                if hashes
            ),
        )

    def hashes_for(self, author: str) -> frozenset[str]:
        """The accepted record hashes of one author (empty if none)."""
        for group in self.records:
            if group.author == author:
                return frozenset(group.hashes)
        return frozenset()


def receipt_to_bytes(receipt: Receipt) -> bytes:
    """The receipt as RFC 8785 canonical JSON."""
    data: Any = receipt.model_dump(mode="json")
    out: bytes = rfc8785.dumps(data)
    return out


def parse_receipt(data: bytes, *, max_size: int = MAX_RECEIPT_SIZE) -> Receipt:
    """Parse receipt bytes strictly (canonical form only); raise :class:`ReceiptError`."""
    if len(data) > max_size:
        raise ReceiptError("The receipt inside this bundle is too large.")
    try:
        receipt = Receipt.model_validate_json(data, strict=True)
    except ValidationError:
        raise ReceiptError() from None
    if receipt_to_bytes(receipt) != data:
        raise ReceiptError("The receipt inside this bundle is not in canonical form.")
    return receipt
