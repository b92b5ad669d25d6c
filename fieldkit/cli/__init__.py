"""The ``fieldkit`` command line: one module per group of commands."""

from fieldkit.cli.main import main

__all__ = ["main"]
