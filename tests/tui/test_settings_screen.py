"""The settings screen stores auto-lock minutes, language and sensitive search."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, Static, Switch

from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.screens.settings import SettingsScreen
from fieldkit.tui.screens.unlock import UnlockScreen

PASS = "correct horse battery staple"


async def test_save_settings(tmp_path: Path) -> None:
    home = tmp_path / "p"
    Profile.create(home, PASS, name="Ko Min", role="fieldworker", params=TESTING).close()
    app = FieldkitApp(home, params=TESTING, idle_check_seconds=None)
    async with app.run_test(size=(110, 36)) as pilot:
        app.screen.query_one("#passphrase", Input).value = PASS
        await pilot.press("enter")
        for _ in range(200):
            await pilot.pause(0.02)
            if not isinstance(app.screen, UnlockScreen):
                break
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        minutes = screen.query_one("#auto-lock", Input)
        minutes.value = "999"
        await pilot.press("ctrl+s")
        assert "between 1 and 240" in str(screen.query_one("#settings-message", Static).render())
        minutes.value = "15"
        screen.query_one("#language", Select).value = "my"
        screen.query_one("#search-sensitive", Switch).value = True
        await pilot.press("ctrl+s")
        message = screen.query_one("#settings-message", Static)
        for _ in range(100):  # the search index is rebuilt in the background
            await pilot.pause(0.02)
            if "rebuilt" in str(message.render()):
                break
        assert str(message.render()) == "Saved. The search index was rebuilt for 0 records."
        assert app.profile is not None
        settings = app.profile.settings
        assert (settings.auto_lock_minutes, settings.language, settings.search_sensitive) == (
            15, "my", True)
        assert app.auto_lock_seconds == 15 * 60
        assert app.language == "my"
