"""Errors raised while writing, reading and verifying bundles.

Each class's docstring is the sentence a coordinator or fieldworker sees; the
``hint`` says what to do next. Messages never quote anything taken from a
bundle (names inside a hostile tar could carry terminal escapes or content).
"""

from __future__ import annotations

from keys.errors import FieldkitError


class BundleError(FieldkitError):
    """This bundle could not be read."""

    title = "Bundle rejected"
    hint = "Keep the file, do not import it, and ask the sender to export it again."


class NotForThisDevice(BundleError):
    """This bundle was not encrypted to this device's key."""

    title = "Bundle not for this device"
    hint = (
        "Check that the sender exported it to your current key; compare the fingerprint "
        "shown by 'fieldkit keys card' with the one the sender used."
    )


class CorruptBundle(BundleError):
    """This bundle is damaged, incomplete or was altered after it was made."""

    title = "Bundle damaged"
    hint = (
        "The file may have been cut short while copying or changed on the way. Copy it "
        "again from the original device, or ask the sender to export it again."
    )


class ManifestError(CorruptBundle):
    """The list of contents inside this bundle is not valid."""

    title = "Bundle contents list invalid"


class ManifestTooLarge(ManifestError):
    """The list of contents inside this bundle is too large to be genuine."""


class UntrustedSender(BundleError):
    """This bundle comes from a key that this device has not enrolled."""

    title = "Unknown sender"
    hint = (
        "Enrol the sender's identity card after checking its fingerprint with them in "
        "person or by voice, then import the bundle again."
    )


class SenderKeyMismatch(UntrustedSender):
    """The keys inside this bundle differ from the ones enrolled for its sender."""

    hint = (
        "Someone may be impersonating an enrolled fieldworker. Do not import it; check "
        "with the sender by another channel."
    )


class BadSignature(BundleError):
    """The sender's signature on this bundle is not valid."""

    title = "Bundle signature invalid"
    hint = (
        "The bundle was altered or was not made by the enrolled sender. Do not import it; "
        "ask the sender to export it again."
    )


class RecipientMismatch(BundleError):
    """This bundle was re-encrypted to a different set of recipients."""

    title = "Bundle forwarded"
    hint = (
        "The sender did not address it to this device. Do not import it; ask the sender "
        "to export directly to your key."
    )


class EntryError(CorruptBundle):
    """A file inside this bundle does not match its list of contents."""

    title = "Bundle contents do not match"


class UnexpectedEntry(EntryError):
    """This bundle holds a file that its list of contents does not declare."""


class MissingEntry(EntryError):
    """A file listed in this bundle's contents is missing."""


class DuplicateEntry(EntryError):
    """This bundle holds the same file twice."""


class OutOfOrderEntry(EntryError):
    """The files inside this bundle are not in the declared order."""


class EntryMismatch(EntryError):
    """A file inside this bundle differs from the size or checksum its sender declared."""


class EntryTooLarge(EntryError):
    """A file inside this bundle is larger than this device accepts."""

    hint = "Ask the sender to export it again; very large attachments may need to travel apart."


class UnsafeEntry(EntryError):
    """This bundle holds a link, device, folder or unsafe file name."""

    title = "Unsafe bundle"
    hint = "Do not import it. Bundles made by fieldkit never contain such entries."


class TrailingData(CorruptBundle):
    """This bundle has unexpected data after its end."""


class SourceChanged(BundleError):
    """A file changed while the bundle was being written."""

    title = "Export interrupted"
    hint = "Nothing was exported. Run the export again."


class BundleWriteError(BundleError):
    """The bundle could not be written."""

    title = "Export failed"
    hint = "Check that the target folder exists, is writable and has enough free space."
