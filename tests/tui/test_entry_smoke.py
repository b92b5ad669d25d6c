"""The entry screen opens the library's incident form and shows its widgets."""

from __future__ import annotations

from pathlib import Path

from fieldkit.tui.screens.entry import EntryScreen
from tests.tui.test_entry_support import TODAY, Host, field, fill, make_profile


async def test_opens_incident(tmp_path: Path) -> None:
    profile = make_profile(tmp_path)
    app = Host(lambda: EntryScreen(profile, form_id="incident", today=TODAY))
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        await fill(pilot, "incident_title", "Market airstrike")
        await pilot.pause(0.5)
        screen = app.screen
        assert screen.record_id is not None
        assert screen.answers["incident_title"] == "Market airstrike"
        assert field(app, "acts[0].violation") is not None
    profile.close()
