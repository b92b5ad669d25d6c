"""Fixtures shared by the whole suite: cheap Argon2id, temporary homes, a CLI runner."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from fieldkit.cli import context as cli_context
from fieldkit.cli.main import main
from fieldkit.kdf import TESTING

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests use cheap Argon2id parameters; the product never does."""
    monkeypatch.setattr(cli_context, "KDF_PARAMS", TESTING)


@pytest.fixture(autouse=True)
def _no_ambient_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the developer's own profile or passphrase."""
    monkeypatch.delenv("FIELDKIT_HOME", raising=False)
    monkeypatch.delenv("FIELDKIT_PASSPHRASE", raising=False)


@dataclass
class Result:
    """What a CLI run printed and returned."""

    code: int
    out: str
    err: str


class CLI:
    """Runs ``fieldkit`` in-process, as a user would type it, in a temporary home."""

    def __init__(self, home: Path, passphrase: str = PASSPHRASE) -> None:
        self.home = home
        self.passphrase = passphrase

    def __call__(
        self, *argv: str, passphrase: str | None = None, stdin: str = "", home: bool = True
    ) -> Result:
        out, err = io.StringIO(), io.StringIO()
        args: Sequence[str] = [*argv, "--home", str(self.home)] if home else list(argv)
        env_pass = self.passphrase if passphrase is None else passphrase
        saved = os.environ.get("FIELDKIT_PASSPHRASE")
        os.environ["FIELDKIT_PASSPHRASE"] = env_pass
        real = (sys.stdin, sys.stdout, sys.stderr)
        try:
            sys.stdin = io.StringIO(stdin)
            sys.stdout, sys.stderr = out, err
            try:
                code = main(list(args))
            except SystemExit as exc:
                code = int(exc.code or 0)
        finally:
            sys.stdin, sys.stdout, sys.stderr = real
            if saved is None:
                os.environ.pop("FIELDKIT_PASSPHRASE", None)
            else:
                os.environ["FIELDKIT_PASSPHRASE"] = saved
        return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    return CLI(tmp_path / "home")


@pytest.fixture
def make_cli(tmp_path: Path) -> Iterator[type[CLI]]:
    """Make several CLIs (a fieldworker and a coordinator) with separate homes."""
    counter = iter(range(1000))

    class _Named(CLI):
        def __init__(self, name: str = "", passphrase: str = PASSPHRASE) -> None:
            super().__init__(tmp_path / (name or f"home{next(counter)}"), passphrase)

    yield _Named
