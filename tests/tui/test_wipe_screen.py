"""Panic wipe from the app: only the typed word WIPE destroys the profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from fieldkit.errors import StoreError
from fieldkit.kdf import TESTING
from fieldkit.locations import ProfilePaths
from fieldkit.profile import Profile
from fieldkit.store import Store
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.screens.home import HomeScreen
from fieldkit.tui.screens.unlock import UnlockScreen
from fieldkit.tui.screens.wipe import WipedScreen, WipeScreen

PASS = "correct horse battery staple"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    Profile.create(tmp_path / "p", PASS, name="Ko Min", role="fieldworker", params=TESTING).close()
    return tmp_path / "p"


async def test_wipe_from_home(home: Path) -> None:
    app = FieldkitApp(home, params=TESTING, idle_check_seconds=None)
    async with app.run_test(size=(110, 36)) as pilot:
        app.screen.query_one("#passphrase", Input).value = PASS
        await pilot.press("enter")
        for _ in range(200):
            await pilot.pause(0.02)
            if not isinstance(app.screen, UnlockScreen):
                break
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("w")
        assert isinstance(app.screen, WipeScreen)
        text = str(app.screen.query_one("#wipe-text", Static).render())
        assert "flash" in text.lower() or "SSD" in text
        await pilot.press(*"wipe", "enter")
        assert isinstance(app.screen, WipeScreen)
        assert "Nothing was wiped" in str(app.screen.query_one("#wipe-message").render())
        assert ProfilePaths(home).database.exists()
        await pilot.press(*"WIPE", "enter")
        await pilot.pause()
        assert isinstance(app.screen, WipedScreen)
        assert app.profile is None
        assert len(app.screen_stack) == 2
        assert not ProfilePaths(home).database.exists()
        await pilot.press("ctrl+l")  # locking after a wipe changes nothing
        assert isinstance(app.screen, WipedScreen)
    with pytest.raises(StoreError):
        Store.open(home, PASS, params=TESTING)


async def test_wipe_from_unlock_without_passphrase(home: Path) -> None:
    app = FieldkitApp(home, params=TESTING, idle_check_seconds=None)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.press("f12")
        assert isinstance(app.screen, WipeScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, UnlockScreen)
        await pilot.press("f12", *"WIPE", "enter")
        await pilot.pause()
        assert isinstance(app.screen, WipedScreen)
    assert not ProfilePaths(home).database.exists()
