"""Errors raised while reading or writing age-encrypted files."""

from __future__ import annotations

from keys.errors import FieldkitError


class AgeError(FieldkitError):
    """This encrypted file could not be read or written."""

    title = "Encryption problem"


class NoIdentityMatch(AgeError):
    """This bundle is not encrypted to this device's key."""

    title = "Not encrypted to this device"
    hint = "Ask the sender to encrypt it to this device's key (check the recipient they used)."


class HeaderError(AgeError):
    """The encrypted file's header is damaged or has been altered."""

    title = "Damaged encrypted file"
    hint = "Ask the sender for a fresh copy; do not trust this one."


class PayloadError(AgeError):
    """The encrypted file is damaged, truncated or has been altered."""

    title = "Damaged encrypted file"
    hint = "Ask the sender for a fresh copy; anything read from it so far is incomplete."


class ArmorError(AgeError):
    """The text-armored encrypted file is malformed."""

    title = "Damaged encrypted file"
    hint = "Make sure the whole text block was copied, from BEGIN to END, unchanged."
