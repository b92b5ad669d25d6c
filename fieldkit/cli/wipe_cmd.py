"""The `fieldkit wipe` command: destroy the profile, after typing WIPE."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from fieldkit.cli.context import Context
from fieldkit.errors import FieldkitError, UsageError
from fieldkit.wipe import FLASH_NOTE, wipe_profile

Common = Callable[[argparse.ArgumentParser], None]
CONFIRM_WORD = "WIPE"


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser(
        "wipe",
        help="panic wipe: destroy this profile for good (no passphrase needed)",
        description="Destroy the profile: its key material first, then its files. " + FLASH_NOTE,
    )
    common(p)
    p.add_argument(
        "--yes", action="store_true", help="do not ask to type WIPE (for scripts; irreversible)"
    )
    p.set_defaults(handler=cmd_wipe)


def cmd_wipe(ctx: Context, args: argparse.Namespace) -> int:
    if not args.yes:
        if not ctx.interactive:
            raise UsageError(
                "A wipe must be confirmed on a terminal.",
                hint="run it on a terminal, or pass --yes if you are sure",
            )
        ctx.note(f"This destroys the profile in {ctx.home} for good. It cannot be undone.")
        if not ctx.confirm(f"Type {CONFIRM_WORD} to destroy it: ", expected=CONFIRM_WORD):
            raise FieldkitError("Not wiped: the confirmation was not typed.",
                                hint="nothing was changed")
    wipe_profile(ctx.home)
    ctx.out(f"Wiped the profile in {ctx.home}.")
    ctx.note(FLASH_NOTE)
    return 0
