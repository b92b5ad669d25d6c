"""The keys screen: own fingerprint and QR, trusting a card by typed or confirmed digits."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.qr import qr_lines
from fieldkit.tui.screens.error import ErrorModal
from fieldkit.tui.screens.keys import KeysScreen
from fieldkit.tui.screens.unlock import UnlockScreen

PASS = "correct horse battery staple"
SIZE = (110, 40)


@pytest.fixture
def homes(tmp_path: Path) -> tuple[Path, Path, str]:
    """A fieldworker's home and a coordinator's card file with its fingerprint."""
    Profile.create(tmp_path / "fw", PASS, name="Ko Min", role="fieldworker",
                   params=TESTING).close()
    with Profile.create(tmp_path / "co", PASS, name="Daw Coordinator", role="coordinator",
                        params=TESTING) as co:
        card = tmp_path / "coordinator.card"
        card.write_text(co.card_text())
        fingerprint = co.fingerprint
    return tmp_path / "fw", card, fingerprint


async def open_keys(pilot) -> None:  # type: ignore[no-untyped-def]
    field = pilot.app.screen.query_one("#passphrase", Input)
    field.value = PASS
    await pilot.press("enter")
    for _ in range(200):
        await pilot.pause(0.02)
        if not isinstance(pilot.app.screen, UnlockScreen):
            break
    await pilot.press("k")
    await pilot.pause()
    assert isinstance(pilot.app.screen, KeysScreen)


def peer_names(app: FieldkitApp) -> list[str]:
    table = app.screen.query_one("#peers", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_own_card_and_qr(homes: tuple[Path, Path, str]) -> None:
    home, _, _ = homes
    app = FieldkitApp(home, params=TESTING, idle_check_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await open_keys(pilot)
        assert app.profile is not None
        text = str(app.screen.query_one("#own-card", Static).render())
        assert app.profile.fingerprint in text
        qr = app.screen.query_one("#own-qr", Static)
        assert qr.has_class("hidden")
        await pilot.press("ctrl+r")
        assert not qr.has_class("hidden")


async def test_trust_with_typed_digits(homes: tuple[Path, Path, str]) -> None:
    home, card, fingerprint = homes
    app = FieldkitApp(home, params=TESTING, idle_check_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await open_keys(pilot)
        await pilot.press("ctrl+o")
        await pilot.press(*str(card))
        await pilot.press("enter")
        await pilot.pause()
        confirm = str(app.screen.query_one("#confirm-card", Static).render())
        assert "Daw Coordinator" in confirm and fingerprint in confirm
        # The owner reads the digits aloud; typed without spaces.
        await pilot.press(*fingerprint.replace(" ", ""))
        await pilot.press("enter")
        await pilot.pause()
        assert peer_names(app) == ["Daw Coordinator"]
        assert app.screen.query_one("#confirm-box").has_class("hidden")


async def test_wrong_digits_are_refused_plainly(homes: tuple[Path, Path, str]) -> None:
    home, card, fingerprint = homes
    wrong = ("1" if fingerprint[0] != "1" else "2") + fingerprint[1:]
    app = FieldkitApp(home, params=TESTING, idle_check_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await open_keys(pilot)
        screen = app.screen
        assert isinstance(screen, KeysScreen)
        screen.read_card(str(card))
        screen.trust_pending(typed=wrong)
        await pilot.pause()
        assert isinstance(app.screen, ErrorModal)
        assert "does not match" in str(app.screen.query_one("#error-message").render())
        await pilot.press("escape")
        assert "(nobody yet)" in peer_names(app)


async def test_confirm_button_and_unreadable_file(homes: tuple[Path, Path, str]) -> None:
    home, card, _ = homes
    app = FieldkitApp(home, params=TESTING, idle_check_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await open_keys(pilot)
        screen = app.screen
        assert isinstance(screen, KeysScreen)
        screen.read_card(str(card.parent / "missing.card"))
        await pilot.pause()
        assert isinstance(app.screen, ErrorModal)
        assert app.screen.error_title == "Cannot read card"
        await pilot.press("escape")
        screen.read_card(str(card))
        await pilot.pause()
        await pilot.click("#trust-confirmed")
        await pilot.pause()
        assert peer_names(app) == ["Daw Coordinator"]


def test_qr_lines_are_half_blocks() -> None:
    lines = qr_lines("hello")
    assert len({len(line) for line in lines}) == 1
    assert set("".join(lines)) <= set(" ▀▄█")
    # 21 modules + 2 quiet-zone modules each side, two rows per line.
    assert len(lines[0]) == 25 and len(lines) == 13
