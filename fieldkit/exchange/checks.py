"""The named checks of an import, in DESIGN section 8's order, for reports and messages."""

from __future__ import annotations

from keys.errors import FieldkitError
from sync.errors import (
    BadSignature,
    EntryTooLarge,
    ManifestError,
    RecipientMismatch,
    UntrustedSender,
)

CHECKS: tuple[str, ...] = (
    "decrypted with this device's key",
    "list of contents read",
    "signature checked against the sender's enrolled key",
    "addressed to this device",
    "every file matched the list of contents",
    "every record's hash, signature and answers checked",
    "author chain checked",
)


def passed_before_reader_error(error: FieldkitError) -> int:
    """How many checks had passed when opening a bundle raised ``error``."""
    if isinstance(error, EntryTooLarge):
        return 4  # limits are checked once the recipients are known
    if isinstance(error, RecipientMismatch):
        return 3
    if isinstance(error, UntrustedSender | BadSignature):
        return 2
    if isinstance(error, ManifestError):
        return 1
    return 0
