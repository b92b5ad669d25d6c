"""The dashboard screen: counts as charts and text, the date range, the language toggle."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from fieldkit.tui.screens.dashboard import DashboardScreen
from tests.fieldkit.test_dashboard_support import make_profile, seal_cases
from tests.tui.test_exchange_screens_support import SIZE, make_app, settle, unlock


@pytest.fixture
def home(tmp_path: Path) -> Path:
    with make_profile(tmp_path / "c") as profile:
        seal_cases(profile)
    return tmp_path / "c"


def text(screen: DashboardScreen, key: str) -> str:
    return str(screen.query_one(f"#dash-table-{key}", Static).render())


async def test_counts_range_and_language(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert "6 cases" in str(screen.query_one("#dash-status", Static).render())
        violations = text(screen, "violation").splitlines()
        assert violations[0].split() == ["3", "Airstrike"]
        assert "Kachin" in text(screen, "state") and "Myitkyina" in text(screen, "township")
        assert "2024-03" in text(screen, "month") and "(no month)" in text(screen, "month")

        # A range: type it and press enter.
        screen.query_one("#dash-from", Input).value = "2024-04"
        screen.query_one("#dash-to", Input).focus()
        await pilot.press(*"2024-05", "enter")
        await settle(pilot)
        assert "3 cases dated 2024-04 to 2024-05" in str(
            screen.query_one("#dash-status", Static).render())
        assert "Airstrike" in text(screen, "violation")  # the year-only 2024 case
        assert "Kachin" in text(screen, "state") and "Kayah" in text(screen, "state")

        # A bad bound says what to type and keeps the counts.
        screen.query_one("#dash-from", Input).value = "April"
        await pilot.press("enter")
        await settle(pilot)
        assert "type a year" in str(screen.query_one("#dash-status", Static).render())

        # Burmese labels, then back to English with nothing of the Burmese left.
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "ကချင်ပြည်နယ်" in text(screen, "state")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "ကချင်" not in text(screen, "state")

        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "6 cases" in str(screen.query_one("#dash-status", Static).render())
        await pilot.press("escape")
        assert not isinstance(app.screen, DashboardScreen)
