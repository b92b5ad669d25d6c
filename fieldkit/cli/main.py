"""Parse arguments, dispatch to a command, render errors once, pick the exit status.

Exit statuses (DESIGN section 10): 0 success, 1 error, 2 usage error,
3 wrong passphrase, 4 bundle rejected.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from fieldkit.cli import (
    demo_cmd,
    exchange_cmds,
    forms_cmds,
    profile_cmds,
    record_cmds,
    search_cmds,
    training_cmds,
    wipe_cmd,
)
from fieldkit.cli.context import Context
from fieldkit.errors import FieldkitError, UsageError, WrongPassphrase

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_PASSPHRASE, EXIT_REJECTED = 0, 1, 2, 3, 4

Handler = Callable[[Context, argparse.Namespace], int]

# Each module has register(subparsers, common) adding its commands with
# set_defaults(handler=...). Later groups append themselves here.
COMMAND_MODULES: list[ModuleType] = [
    profile_cmds, forms_cmds, wipe_cmd, search_cmds, record_cmds, training_cmds,
    exchange_cmds, demo_cmd,
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"fieldkit: error: {message}", file=sys.stderr)
        print(f"hint: see '{self.prog} --help'", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # On subcommands the defaults are SUPPRESS so that a --home given before
    # the subcommand is not overwritten by the subparser's default.
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--home", metavar="DIR", default=default,
        help="profile folder (default: $FIELDKIT_HOME or the user data folder)",
    )
    parser.add_argument(
        "--passphrase-file", metavar="FILE", default=default,
        help="read the passphrase from the first line of FILE (for scripts)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fieldkit",
        description="Secure, offline field documentation. With no command, opens the app.",
    )
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def common(p: argparse.ArgumentParser) -> None:
        _common(p, top=False)

    for module in COMMAND_MODULES:
        module.register(sub, common)
    return parser


def render_error(exc: FieldkitError, stderr: object = None) -> None:
    stream = stderr if stderr is not None else sys.stderr
    print(f"fieldkit: error: {exc.message}", file=stream)  # type: ignore[arg-type]
    if exc.hint:
        print(f"hint: {exc.hint}", file=stream)  # type: ignore[arg-type]


def exit_status(exc: FieldkitError) -> int:
    if isinstance(exc, WrongPassphrase):
        return EXIT_PASSPHRASE
    if isinstance(exc, UsageError):
        return EXIT_USAGE
    return int(getattr(exc, "exit_status", EXIT_ERROR))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = Context.from_args(getattr(args, "home", None), getattr(args, "passphrase_file", None))
    handler: Handler | None = getattr(args, "handler", None)
    try:
        if handler is None:
            if args.command is not None:
                parser.parse_args([args.command, "--help"])
            from fieldkit.tui.run import run_app

            return run_app(ctx.home)
        return handler(ctx, args)
    except FieldkitError as exc:
        render_error(exc, ctx.stderr)
        return exit_status(exc)
    except KeyboardInterrupt:
        print("fieldkit: error: interrupted", file=ctx.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # never a traceback, never content: only the type
        print(f"fieldkit: error: internal error ({type(exc).__name__})", file=ctx.stderr)
        print("hint: please report this to your coordinator; run again to retry", file=ctx.stderr)
        return EXIT_ERROR


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
