"""Every CLI command is documented in docs/cli.md (STYLE habit 11)."""

from __future__ import annotations

import argparse
from pathlib import Path

from fieldkit.cli.main import build_parser

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                leaf = not any(isinstance(a, argparse._SubParsersAction) for a in sub._actions)
                out.append((prefix + name, leaf))
                out.extend(_commands(sub, prefix + name + " "))
    return out


def test_every_command_has_a_section() -> None:
    text = DOC.read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("### `fieldkit ")]
    missing = [
        name for name, leaf in _commands(build_parser())
        if leaf and not any(h.startswith(f"### `fieldkit {name}") for h in headings)
    ]
    assert missing == []
