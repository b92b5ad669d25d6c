"""The `fieldkit demo` command: a sample profile with sample cases, then the app."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldkit.cli.context import PASSPHRASE_ENV, Context
from fieldkit.demo import DEMO_PASSPHRASE, create_demo, default_demo_home

Common = Callable[[argparse.ArgumentParser], None]


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser(
        "demo",
        help="create a demo profile with fictional sample cases, then open the app",
        description=f"Passphrase: ${PASSPHRASE_ENV} if set, else the printed demo one. "
        "Without --home the demo lives in its own folder, apart from any real profile.",
    )
    common(p)
    p.add_argument("--no-open", action="store_true", help="only create it; do not open the app")
    p.set_defaults(handler=cmd_demo)


def cmd_demo(ctx: Context, args: argparse.Namespace) -> int:
    home = Path(args.home).expanduser() if getattr(args, "home", None) else default_demo_home()
    passphrase = os.environ.get(PASSPHRASE_ENV) or DEMO_PASSPHRASE
    demo = create_demo(home, passphrase, params=ctx.params)
    if demo.created:
        ctx.out(f"Created a demo profile with {demo.cases} fictional cases in {home}")
        ctx.out(f"and a demo coordinator that trusts it in {demo.coordinator}"
                f" (open it with: fieldkit --home {demo.coordinator})")
    else:
        ctx.out(f"Using the profile already in {home}")
    shown = f"${PASSPHRASE_ENV}" if os.environ.get(PASSPHRASE_ENV) else repr(DEMO_PASSPHRASE)
    ctx.out(f"Passphrase: {shown}")
    if args.no_open:
        return 0
    from fieldkit.tui.run import run_app

    # The app hides what was printed above, so the unlock screen repeats it.
    notice = (
        f"Demo profile. Passphrase: the value of ${PASSPHRASE_ENV}"
        if os.environ.get(PASSPHRASE_ENV)
        else f"Demo profile. Passphrase: {DEMO_PASSPHRASE}"
    )
    return run_app(home, params=ctx.params, notice=notice)
