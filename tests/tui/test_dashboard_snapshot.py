"""Snapshot of the dashboard: fixed data (six fictional cases), fixed size, English labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.fieldkit.test_dashboard_support import make_profile, seal_cases
from tests.tui.test_exchange_screens_support import SIZE, make_app, settle, unlock


class TestDashboardSnapshot:
    """The dashboard as a coordinator sees it."""

    def test_dashboard(self, snap_compare: Any, tmp_path: Path) -> None:
        """Four charts with their numbers beside them, for all dates."""
        with make_profile(tmp_path / "c") as profile:
            seal_cases(profile)

        async def open_dashboard(pilot: Pilot[int]) -> None:
            await unlock(pilot)
            await pilot.press("d")
            await settle(pilot)
            await pilot.press("tab")  # from the 'from' input to 'to': no blinking cursor
            await pilot.pause()

        assert snap_compare(make_app(tmp_path / "c"), terminal_size=SIZE,
                            run_before=open_dashboard)
