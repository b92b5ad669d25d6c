"""Layout snapshots of the unlock, home and form-entry screens, with size, keys and time pinned."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.screens.entry import EntryScreen
from fieldkit.tui.screens.unlock import UnlockScreen
from keys.identity import Identity

PASS = "correct horse battery staple"
SIZE = (100, 30)
ENTRY_SIZE = (110, 40)
TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A profile with fixed keys, so the fingerprint on screen never changes."""
    identity = Identity.from_private_bytes(bytes(range(32)), bytes(range(32, 64)))
    Profile.create(tmp_path / "p", PASS, name="Ko Min", role="fieldworker", params=TESTING,
                   identity=identity).close()
    return tmp_path / "p"


def make_app(home: Path) -> FieldkitApp:
    return FieldkitApp(home, params=TESTING, idle_check_seconds=None)


class TestSnapshots:
    """The screens a fieldworker sees first."""

    def test_unlock(self, home: Path, snap_compare: Any) -> None:
        """The passphrase prompt."""
        assert snap_compare(make_app(home), terminal_size=SIZE)

    def test_unlock_wrong_passphrase(self, home: Path, snap_compare: Any) -> None:
        """The plain message after a wrong passphrase."""

        async def wrong(pilot: Any) -> None:
            await _unlock(pilot, "not the passphrase")

        assert snap_compare(make_app(home), terminal_size=SIZE, run_before=wrong)

    def test_home(self, home: Path, snap_compare: Any) -> None:
        """Name, role, fingerprint and counts after unlocking."""

        async def unlocked(pilot: Any) -> None:
            await _unlock(pilot, PASS)

        assert snap_compare(make_app(home), terminal_size=SIZE, run_before=unlocked)

    def test_form_entry(self, home: Path, snap_compare: Any) -> None:
        """A new incident report: the consent block first, the errors summary, the footer."""

        async def new_incident(pilot: Any) -> None:
            await _unlock(pilot, PASS)
            app = pilot.app
            app.push_screen(EntryScreen(app.profile, form_id="incident", today=TODAY))
            await pilot.pause()
            await pilot.pause()

        assert snap_compare(make_app(home), terminal_size=ENTRY_SIZE, run_before=new_incident)


async def _unlock(pilot: Any, passphrase: str) -> None:
    field = pilot.app.screen.query_one("#passphrase", Input)
    field.value = passphrase
    await pilot.press("enter")
    for _ in range(200):
        await pilot.pause(0.02)
        if not isinstance(pilot.app.screen, UnlockScreen) or not field.disabled:
            break
    await pilot.pause()
