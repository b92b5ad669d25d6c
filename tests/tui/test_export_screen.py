"""The export screen: recipients, folder, progress, the bundle's name; training refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, Checkbox, Input, ProgressBar, Static

from fieldkit.tui.screens.error import ErrorModal
from fieldkit.tui.screens.export import ExportScreen
from tests.fieldkit.test_dashboard_support import make_profile, seal_cases
from tests.tui.test_exchange_screens_support import SIZE, make_app, settle, unlock


@pytest.fixture
def homes(tmp_path: Path) -> tuple[Path, Path]:
    """A fieldworker with six sealed cases who trusts one coordinator (and vice versa)."""
    with make_profile(tmp_path / "fw", "Ko Field", "fieldworker") as fw, \
            make_profile(tmp_path / "co", "Daw Coord", "coordinator") as co:
        fw.trust(co.card_text(), co.fingerprint)
        co.trust(fw.card_text(), fw.fingerprint)
        seal_cases(fw)
    (tmp_path / "usb").mkdir()
    return tmp_path / "fw", tmp_path / "usb"


def result(screen: ExportScreen) -> str:
    return str(screen.query_one("#export-result", Static).render())


async def test_export_writes_a_bundle_then_nothing_new(homes: tuple[Path, Path]) -> None:
    home, usb = homes
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        profile = await unlock(pilot)
        app.push_screen(ExportScreen(profile, start=usb))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.query_one("#recipient-0", Checkbox).value  # every coordinator by default
        assert "Daw Coord" in str(screen.query_one("#recipient-0", Checkbox).label)
        # Typed paths are set whole: pressing each key of a long path takes seconds.
        pilot.app.screen.query_one("#export-dir", Input).value = str(usb)
        await pilot.press("enter")
        await settle(pilot)
        bundles = list(usb.glob("*.fkb"))
        assert len(bundles) == 1
        assert bundles[0].name in result(screen) and "6 records" in result(screen)
        assert screen.query_one("#export-progress", ProgressBar).percentage == 1.0
        assert screen.result is not None and screen.result.path == bundles[0]

        await pilot.press("ctrl+e")
        await settle(pilot)
        assert "Nothing new to export" in result(screen)
        assert len(list(usb.glob("*.fkb"))) == 1

        screen.query_one("#export-all", Checkbox).value = True
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert len(list(usb.glob("*.fkb"))) == 2 and "6 records" in result(screen)


async def test_export_needs_a_folder_and_a_recipient(homes: tuple[Path, Path]) -> None:
    home, usb = homes
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        profile = await unlock(pilot)
        app.push_screen(ExportScreen(profile, start=usb))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        await pilot.press("enter")
        assert "folder" in result(screen)
        screen.query_one("#export-dir", Input).value = str(usb / "missing")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)  # title and sentence, never a traceback
        assert "does not exist" in result(screen)
        await pilot.press("escape")
        await pilot.pause()
        screen.query_one("#recipient-0", Checkbox).value = False
        await pilot.press("ctrl+e")
        assert "at least one coordinator" in result(screen)
        assert list(usb.iterdir()) == []


async def test_home_x_opens_export_and_training_is_refused(tmp_path: Path) -> None:
    with make_profile(tmp_path / "tr", "Trainee", "training"):
        pass
    app = make_app(tmp_path / "tr")
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("x")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert "Training profile" in result(screen)
        assert screen.query_one("#export-go", Button).disabled
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ErrorModal)
