"""The error root shared by every fieldkit package.

Each error carries a short ``title`` and a ``message`` that tells the user what
to do next. Errors are raised deep and rendered once at the edge (stderr in the
CLI, a modal in the TUI). ``keys`` is the lowest package, so the root lives here
and the other packages import it from ``keys.errors``.
"""

from __future__ import annotations


class FieldkitError(Exception):
    """Something went wrong that the user can act on."""

    title: str = "Something went wrong"
    hint: str | None = None

    def __init__(self, message: str | None = None, *, hint: str | None = None) -> None:
        self.message = message or (self.__doc__ or self.title).strip()
        if hint is not None:
            self.hint = hint
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class KeysError(FieldkitError):
    """A key, fingerprint or identity card is not valid."""

    title = "Key problem"


class CardError(KeysError):
    """This identity card is damaged or has been altered."""

    title = "Identity card rejected"


class FingerprintMismatch(KeysError):
    """The fingerprint does not match the card."""

    title = "Fingerprint does not match"


class SignatureInvalid(KeysError):
    """The signature does not match: the data was altered or signed by another key."""

    title = "Signature not valid"


class NameRejected(KeysError):
    """This name cannot go on an identity card."""

    title = "Name not accepted"
