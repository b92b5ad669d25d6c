"""Commands for trainers: open the sandbox, check scenario files."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldkit.cli.context import Context
from fieldkit.training.scenario import ScenarioError, load_scenario_file

Common = Callable[[argparse.ArgumentParser], None]


def register(sub: Any, common: Common) -> None:
    group = sub.add_parser("training", help="the training sandbox (fictional cases only)")
    common(group)
    group.add_argument(
        "--scenarios", metavar="DIR", help="extra folder of scenario YAML files"
    )
    group.add_argument("--reset", action="store_true", help="start with an empty sandbox")
    group.set_defaults(handler=cmd_training)
    tsub = group.add_subparsers(dest="training_command", metavar="COMMAND")
    p = tsub.add_parser("validate", help="check scenario files")
    common(p)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(handler=cmd_training_validate)


def cmd_training_validate(ctx: Context, args: argparse.Namespace) -> int:
    def check(name: str) -> str:
        scenario = load_scenario_file(name)
        return (f"{scenario.id}, form {scenario.form.id} v{scenario.form.version},"
                f" {len(scenario.scoring)} scored fields")

    return ctx.check_files(args.files, "scenario", check)


def cmd_training(ctx: Context, args: argparse.Namespace) -> int:
    from fieldkit.training.sandbox import reset_sandbox, sandbox_home

    scenarios = Path(args.scenarios).expanduser() if args.scenarios else None
    if scenarios is not None and not scenarios.is_dir():
        raise ScenarioError(f"the scenario folder {scenarios} does not exist",
                            hint="give a folder of .yaml scenario files with --scenarios")
    if args.reset:
        reset_sandbox(ctx.home, params=ctx.params).close()
        ctx.note("The training sandbox was reset.")
    from fieldkit.training.sandbox import SANDBOX_PASSPHRASE
    from fieldkit.tui.run import run_training

    ctx.note(f"Training sandbox: fictional cases only. After a lock, its passphrase is "
             f"'{SANDBOX_PASSPHRASE}'.")

    return run_training(sandbox_home(ctx.home), ctx.home, scenarios, params=ctx.params)
