"""Attachments from the entry screen: add by typed path and by the file browser, remove,
then reference the file from a field."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DirectoryTree, Input, OptionList

from fieldkit import records
from fieldkit.tui.screens.attachments import AttachmentsScreen
from fieldkit.tui.screens.entry import EntryScreen
from tests.tui.test_entry_support import (
    TODAY,
    Host,
    choose,
    fill,
    make_profile,
    paste_into,
    settle,
)


async def test_attach_remove_and_reference(tmp_path: Path) -> None:
    files = tmp_path / "usb"
    files.mkdir()
    (files / "photo.jpg").write_bytes(b"\xff\xd8" + bytes(3000))
    (files / "voice.m4a").write_bytes(b"audio" * 100)
    profile = make_profile(tmp_path)
    app = Host(lambda: EntryScreen(profile, form_id="incident", today=TODAY))
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        await fill(pilot, "incident_title", "Files")
        entry = app.screen
        assert isinstance(entry, EntryScreen)
        # F3 opens the attachments screen (after saving the draft); browse the USB folder.
        await pilot.press("f3")
        await pilot.pause()
        app.pop_screen()
        app.push_screen(AttachmentsScreen(profile, entry.record_id or "", start=files))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AttachmentsScreen)
        await paste_into(pilot, screen.query_one("#attach-path", Input), str(files / "photo.jpg"))
        await pilot.press("enter")
        await pilot.pause()
        assert [ref.name for ref in screen.files] == ["photo.jpg"]
        # A path that does not exist gives a plain error, and nothing is added.
        await paste_into(pilot, screen.query_one("#attach-path", Input), str(files / "nope"))
        await pilot.press("enter")
        await pilot.pause()
        assert app.errors and app.errors[-1].title == "Attachment problem"
        assert "nope" not in app.errors[-1].message
        # Pick the second file in the browser with the keyboard.
        tree = screen.query_one(DirectoryTree)
        tree.focus()
        await pilot.pause(0.3)
        for _ in range(10):
            node = tree.cursor_node
            if node is not None and node.data is not None and node.data.path.name == "voice.m4a":
                break
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert sorted(ref.name for ref in screen.files) == ["photo.jpg", "voice.m4a"]
        # Remove the photo: highlight it in the list and press delete.
        listing = screen.query_one("#attach-list", OptionList)
        listing.focus()
        names = [ref.name for ref in screen.files]
        listing.highlighted = names.index("photo.jpg")
        await pilot.press("delete")
        await pilot.pause()
        assert [ref.name for ref in screen.files] == ["voice.m4a"]
        stored = records.get_record(profile, entry.record_id or "")
        assert [a.name for a in stored.attachments] == ["voice.m4a"]


async def test_entry_f3_and_reference(tmp_path: Path) -> None:
    files = tmp_path / "usb"
    files.mkdir()
    (files / "voice.m4a").write_bytes(b"audio" * 100)
    profile = make_profile(tmp_path)
    app = Host(lambda: EntryScreen(profile, form_id="incident", today=TODAY))
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        entry = app.screen
        assert isinstance(entry, EntryScreen)
        await pilot.press("f3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AttachmentsScreen)
        assert entry.record_id is not None  # an empty draft was created to hold the file
        await paste_into(pilot, screen.query_one("#attach-path", Input), str(files / "voice.m4a"))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is entry
        await choose(pilot, "sources[0].source_files", "voi")
        await settle(pilot)
        digest = records.get_record(profile, entry.record_id).attachments[0].sha256
        assert entry.current_answers()["sources"] == [{"source_files": [digest]}]
        entry.save()
        saved = records.get_record(profile, entry.record_id).answers or {}
        assert saved["sources"] == [{"source_files": [digest]}]
