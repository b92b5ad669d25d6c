"""Fieldworker exports through the screen; the coordinator imports through the screen and counts.

The whole path a bundle takes in the app: export screen -> file -> import
screen (accepted, then already imported) -> cases by fieldworker -> dashboard;
and a rejected file shows its reason and where its copy was kept.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from fieldkit.exchange import export_bundle, import_file, write_receipts
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.tui.screens.dashboard import DashboardScreen
from fieldkit.tui.screens.export import ExportScreen
from fieldkit.tui.screens.import_ import ImportScreen, bundle_files
from fieldkit.tui.screens.peers_cases import FieldworkerCasesScreen, FieldworkersScreen
from tests.fieldkit.test_dashboard_support import PASSPHRASE, make_profile, seal_cases
from tests.tui.test_exchange_screens_support import SIZE, make_app, settle, unlock


@pytest.fixture
def homes(tmp_path: Path) -> tuple[Path, Path, Path]:
    with make_profile(tmp_path / "fw", "Ko Field", "fieldworker") as fw, \
            make_profile(tmp_path / "co", "Daw Coord", "coordinator") as co:
        fw.trust(co.card_text(), co.fingerprint)
        co.trust(fw.card_text(), fw.fingerprint)
        seal_cases(fw)
    (tmp_path / "usb").mkdir()
    return tmp_path / "fw", tmp_path / "co", tmp_path / "usb"


def static(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def export_through_screen(home: Path, usb: Path) -> Path:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        profile = await unlock(pilot)
        app.push_screen(ExportScreen(profile, start=usb))
        await pilot.pause()
        # Typed paths are set whole: pressing each key of a long path takes seconds.
        pilot.app.screen.query_one("#export-dir", Input).value = str(usb)
        await pilot.press("enter")
        await settle(pilot)
    (bundle,) = usb.glob("*.fkb")
    return bundle


async def test_export_import_browse_and_count(homes: tuple[Path, Path, Path]) -> None:
    fw_home, co_home, usb = homes
    bundle = await export_through_screen(fw_home, usb)

    app = make_app(co_home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        screen.query_one("#import-path", Input).value = str(usb)  # a folder: every bundle
        await pilot.press("enter")
        await settle(pilot)
        results = static(screen, "#import-results")
        assert f"{bundle.name}: accepted 6 records from Ko Field" in results
        assert "1 accepted, 0 already imported, 0 not imported" in static(
            screen, "#import-summary")

        await pilot.press("ctrl+o")  # the same folder again
        await settle(pilot)
        assert "already imported" in static(screen, "#import-results")

        # The imported cases, under their fieldworker.
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, FieldworkersScreen)
        table = app.screen.query_one("#fieldworkers", DataTable)
        assert [str(c) for c in table.get_row_at(0)][:1] == ["Ko Field"]
        assert str(table.get_row_at(0)[2]) == "6"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FieldworkerCasesScreen)
        cases = app.screen.query_one("#fw-cases", DataTable)
        assert cases.row_count == 6
        assert "Ko Field: 6 records" in static(app.screen, "#fw-cases-title")
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "RecordScreen"

        # Back home, then the dashboard counts what was imported.
        while len(app.screen_stack) > 2:
            await app.pop_screen()
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "6 cases" in static(app.screen, "#dash-status")
        violations = static(app.screen, "#dash-table-violation").splitlines()
        assert violations[0].split() == ["3", "Airstrike"]
        assert len(violations) == 7


async def test_rejected_bundle_shows_reason_and_quarantine(
    homes: tuple[Path, Path, Path],
) -> None:
    _, co_home, usb = homes
    junk = usb / "from-a-stranger.fkb"
    junk.write_bytes(os.urandom(4096))
    app = make_app(co_home)
    async with app.run_test(size=SIZE) as pilot:
        profile = await unlock(pilot)
        app.push_screen(ImportScreen(profile, start=usb))
        await pilot.pause()
        # Typed paths are set whole: pressing each key of a long path takes seconds.
        pilot.app.screen.query_one("#import-path", Input).value = str(junk)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        line = static(screen, "#import-results")
        assert line.startswith("from-a-stranger.fkb: rejected: ")
        quarantine = co_home / "quarantine"
        (copy,) = quarantine.glob("*.fkb")
        assert str(copy) in line.replace("\n", "")
        assert "0 accepted, 0 already imported, 1 not imported" in static(
            screen, "#import-summary")


async def test_nothing_to_import(tmp_path: Path) -> None:
    with make_profile(tmp_path / "co"):
        pass
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".fieldkit-partial-x").write_bytes(b"half")
    assert bundle_files(tmp_path / "empty") == []
    app = make_app(tmp_path / "co")
    async with app.run_test(size=SIZE) as pilot:
        profile = await unlock(pilot)
        app.push_screen(ImportScreen(profile, start=tmp_path))
        await pilot.pause()
        await pilot.press("enter")
        assert "first" in static(app.screen, "#import-summary")
        app.screen.query_one("#import-path", Input).value = str(tmp_path / "empty")
        await pilot.press("enter")
        assert "No .fkb bundle files" in static(app.screen, "#import-summary")


async def test_fieldworker_imports_a_receipt(homes: tuple[Path, Path, Path]) -> None:
    fw_home, co_home, usb = homes

    with Profile.open(fw_home, PASSPHRASE, params=TESTING) as fw:
        exported = export_bundle(fw, usb)
    assert exported is not None
    back = usb.parent / "back"
    back.mkdir()
    with Profile.open(co_home, PASSPHRASE, params=TESTING) as co:
        assert import_file(co, exported.path).result is not None
        (receipt,) = write_receipts(co, back)
    app = make_app(fw_home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        # Typed paths are set whole: pressing each key of a long path takes seconds.
        pilot.app.screen.query_one("#import-path", Input).value = str(receipt.path)
        await pilot.press("enter")
        await settle(pilot)
        assert "receipt from Daw Coord: 6 records marked delivered" in static(
            app.screen, "#import-results")
