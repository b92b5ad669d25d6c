"""The application's error types (the root, FieldkitError, lives in keys.errors)."""

from __future__ import annotations

from keys.errors import FieldkitError

__all__ = [
    "FieldkitError",
    "NoProfile",
    "PassphraseError",
    "ProfileExists",
    "StoreError",
    "UsageError",
    "WrongPassphrase",
]


class StoreError(FieldkitError):
    """The encrypted store could not be used."""

    title = "Store problem"


class WrongPassphrase(StoreError):
    """Wrong passphrase: the store could not be unlocked."""

    title = "Wrong passphrase"
    hint = "check the passphrase and try again; nothing was changed"


class NoProfile(StoreError):
    """There is no fieldkit profile here."""

    title = "No profile"
    hint = (
        "create one with 'fieldkit init --role fieldworker --name NAME',"
        " or pick another with --home"
    )


class ProfileExists(StoreError):
    """A profile already exists here."""

    title = "Profile exists"
    hint = "use another --home, or keep using this profile"


class PassphraseError(FieldkitError):
    """No usable passphrase was given."""

    title = "Passphrase needed"


class UsageError(FieldkitError):
    """The command was not used correctly."""

    title = "Usage"
