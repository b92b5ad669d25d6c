"""Errors of export, import, receipts and purge; each docstring is what the user reads.

Messages name records only by id, bundles by id and people by fingerprint:
never a name, an answer or a file name taken from a bundle.
"""

from __future__ import annotations

from fieldkit.errors import FieldkitError

EXIT_REJECTED = 4


class ExchangeError(FieldkitError):
    """The exchange could not be completed."""

    title = "Exchange problem"


class NoCoordinator(ExchangeError):
    """No coordinator is trusted on this device, so there is nobody to export to."""

    title = "No coordinator"
    hint = (
        "get your coordinator's identity card, check its fingerprint with them, then run "
        "'fieldkit keys trust CARD'"
    )


class UnknownRecipient(ExchangeError):
    """This recipient is not a trusted coordinator on this device."""

    title = "Unknown recipient"
    hint = "see trusted devices with 'fieldkit keys list'; use a coordinator's fingerprint"


class TrainingProfile(ExchangeError):
    """This is a training profile: its data can never be exported to a real coordinator."""

    title = "Training profile"
    hint = "record real cases in a fieldworker profile, not in training"


class ImportRefused(ExchangeError):
    """This bundle was refused and nothing from it was stored."""

    title = "Bundle rejected"
    hint = "keep the file, do not import it, and ask the sender to export it again"
    exit_status = EXIT_REJECTED


class WrongRole(ImportRefused):
    """This kind of bundle is not meant for a device with this role."""

    title = "Wrong kind of bundle"
    hint = (
        "coordinators import records bundles; fieldworkers import receipts from their "
        "coordinator"
    )


class TrainingBundle(ImportRefused):
    """This bundle comes from a training profile: training data never mixes with real data."""

    title = "Training bundle"
    hint = "do not import it; ask the sender to export from their real profile"


class ContentMismatch(ImportRefused):
    """The records inside this bundle do not agree with its signed list of contents."""

    title = "Bundle contents do not match"


class RecordRejected(ImportRefused):
    """A record inside this bundle is not valid."""

    title = "Record rejected"
    hint = (
        "do not trust this bundle; ask the sender to export again and check their device "
        "with 'fieldkit record list'"
    )


class ForkRefused(ImportRefused):
    """This bundle's records contradict records already imported from the same author."""

    title = "Chain forked"
    hint = (
        "the author's device may be cloned or its records altered; do not import it and "
        "check with the author by another channel"
    )
