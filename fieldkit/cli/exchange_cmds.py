"""Commands that move records between devices: export, import, receipt, purge."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldkit.cli.context import Context, is_terminal
from fieldkit.errors import UsageError
from fieldkit.exchange import (
    FileOutcome,
    export_bundle,
    format_gaps,
    import_file,
    purge_delivered,
    write_receipts,
)
from fieldkit.exchange.errors import EXIT_REJECTED

Common = Callable[[argparse.ArgumentParser], None]


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser("export", help="write a bundle of sealed records for your coordinator(s)")
    common(p)
    p.add_argument("--to", required=True, metavar="DIR", help="folder to write the bundle into")
    p.add_argument(
        "--recipient", action="append", metavar="FPR",
        help="a trusted coordinator's fingerprint (repeat for several; default: all)",
    )
    p.add_argument("--all", action="store_true",
                   help="export every sealed record still on this device, not only new ones")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("import", help="verify and import bundles (records or a receipt)")
    common(p)
    p.add_argument("bundles", nargs="+", metavar="BUNDLE", help="bundle files (.fkb)")
    p.add_argument("--receipts", metavar="DIR",
                   help="coordinator: then write receipts for the senders into DIR")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("receipt", help="coordinator: write receipts for fieldworkers")
    common(p)
    p.add_argument("--to", required=True, metavar="DIR", help="folder to write receipts into")
    p.add_argument("--all", action="store_true",
                   help="confirm every imported bundle again, not only new ones")
    p.set_defaults(handler=cmd_receipt)

    p = sub.add_parser("purge", help="fieldworker: drop delivered records' content")
    common(p)
    p.add_argument("--delivered", action="store_true", required=True,
                   help="purge records a coordinator's receipt confirmed (tombstones stay)")
    p.set_defaults(handler=cmd_purge)


class _Bar:
    """A one-line progress bar on a terminal's stderr; silent otherwise."""

    def __init__(self, ctx: Context, label: str) -> None:
        self._ctx = ctx
        self._label = label
        self._on = is_terminal(ctx.stderr)
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        if not self._on or total <= 0:
            return
        percent = done * 100 // total
        if percent == self._last:
            return
        self._last = percent
        filled = percent * 30 // 100
        self._ctx.stderr.write(f"\r{self._label} [{'#' * filled}{'.' * (30 - filled)}] {percent}%")
        self._ctx.stderr.flush()

    def end(self) -> None:
        if self._on and self._last >= 0:
            self._ctx.stderr.write("\n")
            self._ctx.stderr.flush()


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open_profile() as profile:
        bar = _Bar(ctx, "Exporting")
        try:
            result = export_bundle(profile, Path(args.to).expanduser(),
                                   recipients=args.recipient, everything=args.all,
                                   progress=bar)
        finally:
            bar.end()
        if result is None:
            ctx.out("Nothing new to export.")
            return 0
        ctx.note(
            f"Exported {result.records} record{'s' if result.records != 1 else ''} and "
            f"{result.attachments} attachment{'s' if result.attachments != 1 else ''} "
            f"(seq {result.first_seq}-{result.last_seq}) for {len(result.recipients)} "
            f"coordinator{'s' if len(result.recipients) != 1 else ''}."
        )
        ctx.out(str(result.path))
    return 0


def _fingerprint(digits: str) -> str:
    return " ".join(digits[i : i + 5] for i in range(0, len(digits), 5))


def _line(ctx: Context, outcome: FileOutcome) -> None:
    name = str(outcome.path)
    if outcome.own is not None:
        what = "receipt" if outcome.own.kind == "receipt" else "bundle"
        ctx.out(f"{name}: skipped: this device wrote this {what} for "
                f"{len(outcome.own.recipients)} recipient(s); nothing to import")
        return
    if outcome.error is not None:
        where = f" Kept in quarantine: {outcome.quarantined}" if outcome.quarantined else ""
        ctx.out(f"{name}: rejected: {outcome.error.message}{where}")
        if outcome.error.hint:
            ctx.note(f"hint: {outcome.error.hint}")
        return
    result = outcome.result
    assert result is not None
    who = f"{result.sender_name} ({_fingerprint(result.sender)})"
    if result.already:
        ctx.out(f"{name}: already imported")
    elif result.kind == "receipt":
        ctx.out(f"{name}: receipt from {who}: {result.records} records marked delivered")
    else:
        extra = f", {result.duplicates} already here" if result.duplicates else ""
        ctx.out(f"{name}: accepted {result.records} records from {who}{extra}")
        if result.gaps:
            ctx.out(
                f"{name}: warning: records {format_gaps(result.gaps)} of this author are "
                "missing; ask for them ('fieldkit export --all' on their device)"
            )


def cmd_import(ctx: Context, args: argparse.Namespace) -> int:
    rejected = failed = False
    with ctx.open_profile() as profile:
        if args.receipts and profile.role != "coordinator":
            raise UsageError("--receipts is for coordinators.",
                             hint="import receipts without --receipts")
        senders: set[str] = set()
        for name in args.bundles:
            outcome = import_file(profile, Path(name).expanduser())
            _line(ctx, outcome)
            rejected |= outcome.rejected
            failed |= outcome.unreadable
            if outcome.result is not None and outcome.result.kind == "records":
                senders.add(outcome.result.sender)
        if args.receipts and senders:
            for receipt in write_receipts(profile, Path(args.receipts).expanduser(),
                                          senders=sorted(senders)):
                ctx.out(f"receipt for {receipt.name}: {receipt.path}")
    return EXIT_REJECTED if rejected else (1 if failed else 0)


def cmd_receipt(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open_profile() as profile:
        results = write_receipts(profile, Path(args.to).expanduser(), everything=args.all)
        if not results:
            ctx.out("No new imports to confirm.")
        for receipt in results:
            ctx.note(f"Receipt for {receipt.name} ({_fingerprint(receipt.fieldworker)}): "
                     f"{receipt.bundles} bundles, {receipt.records} records.")
            ctx.out(str(receipt.path))
    return 0


def cmd_purge(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open_profile() as profile:
        result = purge_delivered(profile)
    if not result.records:
        ctx.out("Nothing to purge: no delivered records on this device.")
    else:
        ctx.out(f"Purged {result.records} delivered records and {result.attachments} "
                "attachments; their tombstones keep the chain verifiable.")
    return 0
