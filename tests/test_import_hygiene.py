"""Imports only go downwards: keys/forms import nothing of the project, only fieldkit.tui
imports Textual (DESIGN section 3)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import forms
import keys
import sync

PACKAGES = {"keys": keys, "forms": forms, "sync": sync}
ALLOWED = {
    "keys": {"keys"},
    "forms": {"forms", "keys"},
    "sync": {"sync", "keys", "forms"},
}


def _modules(package: object) -> list[str]:
    name = package.__name__  # type: ignore[attr-defined]
    path = package.__path__  # type: ignore[attr-defined]
    return [name] + [m.name for m in pkgutil.walk_packages(path, prefix=name + ".")]


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_core_package_imports(package: str) -> None:
    modules = _modules(PACKAGES[package])
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    loaded = json.loads(subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout)
    project = {m.split(".")[0] for m in loaded} & {"keys", "forms", "sync", "fieldkit"}
    assert project <= ALLOWED[package], project - ALLOWED[package]
    assert not any(m == "textual" or m.startswith("textual.") for m in loaded)


def test_cli_does_not_load_textual_for_commands() -> None:
    code = (
        "import json, sys\n"
        "import fieldkit.cli.main\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    loaded = json.loads(subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout)
    assert "textual" not in loaded
