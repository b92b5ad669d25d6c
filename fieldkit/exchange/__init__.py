"""Moving records between devices: export, import, receipts, purge and quarantine."""

from fieldkit.exchange.checks import CHECKS
from fieldkit.exchange.errors import (
    ContentMismatch,
    ExchangeError,
    ForkRefused,
    ImportRefused,
    NoCoordinator,
    RecordRejected,
    TrainingBundle,
    TrainingProfile,
    UnknownRecipient,
    WrongRole,
)
from fieldkit.exchange.export import ExportResult, export_bundle
from fieldkit.exchange.import_ import ImportResult, format_gaps, import_bundle
from fieldkit.exchange.purge import PurgeResult, purge_delivered
from fieldkit.exchange.quarantine import FileOutcome, import_file, quarantine
from fieldkit.exchange.receipts import ReceiptResult, write_receipts

__all__ = [
    "CHECKS",
    "ContentMismatch",
    "ExchangeError",
    "ExportResult",
    "FileOutcome",
    "ForkRefused",
    "ImportRefused",
    "ImportResult",
    "NoCoordinator",
    "PurgeResult",
    "ReceiptResult",
    "RecordRejected",
    "TrainingBundle",
    "TrainingProfile",
    "UnknownRecipient",
    "WrongRole",
    "export_bundle",
    "format_gaps",
    "import_bundle",
    "import_file",
    "purge_delivered",
    "quarantine",
    "write_receipts",
]
