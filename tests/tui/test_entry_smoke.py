"""The entry screen opens the library's incident form and shows its widgets."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from fieldkit import records
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


async def test_language_toggle_redraws_labels(tmp_path: Path) -> None:
    profile = make_profile(tmp_path)
    app = Host(lambda: EntryScreen(profile, form_id="incident", today=TODAY))
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        label = field(app, "incident_title").query_one(".field-label", Static)
        assert str(label.render()).startswith("Short title *")
        app.language = "my"
        await pilot.pause()
        assert str(label.render()).startswith("ခေါင်းစဉ် အတို")
        entry_title = str(field(app, "victims").query_one(".repeat-add").render())
        assert "ထိခိုက်ခံရသူများ" in entry_title
        app.language = "en"
        await pilot.pause()
        assert str(label.render()).startswith("Short title *")
    profile.close()


async def test_leaving_saves_at_once(tmp_path: Path) -> None:
    profile = make_profile(tmp_path)
    app = Host(lambda: EntryScreen(profile, form_id="incident", today=TODAY))
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EntryScreen)
        await fill(pilot, "incident_title", "First")
        await pilot.pause(0.4)  # the autosave ran
        assert screen.record_id is not None
        saved = records.get_record(profile, screen.record_id).answers or {}
        assert saved["incident_title"] == "First"
        await fill(pilot, "incident_title", "Second")
        await pilot.press("escape")  # no waiting: leaving saves what was typed
        saved = records.get_record(profile, screen.record_id).answers or {}
        assert saved["incident_title"] == "Second"
        # Continuing the draft shows what was saved.
        app.push_screen(EntryScreen(profile, record_id=screen.record_id, today=TODAY))
        await pilot.pause()
        assert field(app, "incident_title").query_one(Input).value == "Second"
    profile.close()
