"""Panic wipe: key material first, then the files; the store never opens again."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fieldkit.cli.context import Context
from fieldkit.errors import NoProfile, StoreError
from fieldkit.kdf import TESTING
from fieldkit.locations import ProfilePaths
from fieldkit.profile import Profile
from fieldkit.store import Store
from fieldkit.wipe import HEAD_BYTES, destroy_header, wipe_profile

PASS = "correct horse battery staple"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "p"
    with Profile.create(home, PASS, name="Ko Min", role="fieldworker", params=TESTING) as p:
        p.update_settings(language="my")
    return home


def test_header_destruction_alone_makes_the_store_unopenable(home: Path) -> None:
    db = ProfilePaths(home).database
    tail_before = db.read_bytes()[HEAD_BYTES:]
    destroy_header(db)
    # Even with the right passphrase: the salt is gone, so is the key.
    with pytest.raises(StoreError):
        Store.open(home, PASS, params=TESTING)
    # Only the head changed, so it really was the key material that mattered.
    assert db.read_bytes()[HEAD_BYTES:] == tail_before


def test_wipe_removes_everything_and_open_fails(home: Path) -> None:
    paths = ProfilePaths(home)
    paths.quarantine.mkdir()
    (paths.quarantine / "rejected.bundle").write_bytes(b"x" * 5000)
    wipe_profile(home)
    assert not paths.database.exists()
    assert not any(p.exists() for p in paths.sidecars())
    assert not home.exists()
    with pytest.raises(NoProfile):
        Store.open(home, PASS, params=TESTING)


def test_wipe_while_the_store_is_open(home: Path) -> None:
    profile = Profile.open(home, PASS, params=TESTING)
    try:
        wipe_profile(home)
    finally:
        profile.store.close()
    with pytest.raises(StoreError):
        Store.open(home, PASS, params=TESTING)


def test_wipe_keeps_foreign_files(home: Path) -> None:
    (home / "notes.txt").write_text("not ours")
    wipe_profile(home)
    assert (home / "notes.txt").exists()
    assert not ProfilePaths(home).database.exists()


def test_wipe_uses_injected_randomness_for_the_head(home: Path) -> None:
    db = ProfilePaths(home).database
    destroy_header(db, rand=lambda n: b"\0" * n)
    assert db.read_bytes()[:4096] == b"\0" * 4096


def test_nothing_to_wipe(tmp_path: Path) -> None:
    with pytest.raises(NoProfile):
        wipe_profile(tmp_path / "none")


# -- the command ---------------------------------------------------------------


def test_cli_refuses_without_terminal_or_yes(cli, home: Path) -> None:  # type: ignore[no-untyped-def]
    cli.home = home
    result = cli("wipe")
    assert result.code == 2
    assert "terminal" in result.err
    assert ProfilePaths(home).database.exists()


def test_cli_yes_wipes(cli, home: Path) -> None:  # type: ignore[no-untyped-def]
    cli.home = home
    result = cli("wipe", "--yes")
    assert result.code == 0, result.err
    assert "flash" in result.err.lower() or "SSD" in result.err
    assert not ProfilePaths(home).database.exists()
    assert cli("status").code == 1


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("typed", "wiped"), [("WIPE\n", True), ("wipe\n", False), ("\n", False)])
def test_cli_asks_to_type_wipe(home: Path, typed: str, wiped: bool) -> None:
    from fieldkit.cli.wipe_cmd import cmd_wipe

    ctx = Context(home=home, stdin=_Tty(typed), stdout=io.StringIO(), stderr=_Tty())
    import argparse

    if wiped:
        assert cmd_wipe(ctx, argparse.Namespace(yes=False)) == 0
    else:
        with pytest.raises(Exception, match="Not wiped"):
            cmd_wipe(ctx, argparse.Namespace(yes=False))
    assert ProfilePaths(home).database.exists() is not wiped
