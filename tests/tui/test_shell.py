"""The app shell driven with Pilot: unlock (right and wrong), home, help, lock."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.screens.help import HelpScreen
from fieldkit.tui.screens.home import HomeScreen
from fieldkit.tui.screens.unlock import UnlockScreen

PASS = "correct horse battery staple"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    Profile.create(tmp_path / "p", PASS, name="Ko Min", role="fieldworker", params=TESTING).close()
    return tmp_path / "p"


async def unlock(pilot, passphrase: str) -> None:  # type: ignore[no-untyped-def]
    field = pilot.app.screen.query_one("#passphrase", Input)
    field.value = passphrase
    await pilot.press("enter")
    for _ in range(100):
        await pilot.pause(0.02)
        if not field.disabled:
            break
    await pilot.pause()


async def test_wrong_then_right_passphrase(home: Path) -> None:
    app = FieldkitApp(home, params=TESTING)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, UnlockScreen)
        await unlock(pilot, "wrong passphrase")
        assert isinstance(app.screen, UnlockScreen)
        message = str(app.screen.query_one("#unlock-message", Static).render())
        assert "Wrong passphrase" in message
        assert app.screen.query_one("#passphrase", Input).value == ""
        await unlock(pilot, PASS)
        assert isinstance(app.screen, HomeScreen)
        text = str(app.screen.query_one("#home-profile", Static).render())
        assert "Ko Min" in text and "fieldworker" in text
        assert app.profile is not None
        assert app.profile.fingerprint in text


async def test_lock_clears_and_closes(home: Path) -> None:
    app = FieldkitApp(home, params=TESTING)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot, PASS)
        profile = app.profile
        assert profile is not None
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert app.profile is None
        assert not profile.store.is_open
        assert app.screen.query_one("#passphrase", Input).value == ""
        assert len(app.screen_stack) == 2  # the default screen and the unlock screen


async def test_no_profile_message(tmp_path: Path) -> None:
    app = FieldkitApp(tmp_path / "empty", params=TESTING)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        message = str(app.screen.query_one("#unlock-message", Static).render())
        assert "no profile" in message.lower()
