"""Shared helpers for the dashboard, export and import screen tests.

Named ``test_exchange_screens_support`` so the dashboard, export and import
test files can import it; it holds one smoke test of its own.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.screens.unlock import UnlockScreen
from tests.fieldkit.test_dashboard_support import PASSPHRASE

SIZE = (120, 40)


def make_app(home: Path) -> FieldkitApp:
    """The real app on ``home`` with cheap Argon2id and no idle timer."""
    return FieldkitApp(home, params=TESTING, idle_check_seconds=None)


async def unlock(pilot: Pilot[int]) -> Profile:
    """Type the passphrase and wait for the home screen; return the open profile."""
    field = pilot.app.screen.query_one("#passphrase", Input)
    field.value = PASSPHRASE
    await pilot.press("enter")
    for _ in range(250):
        await pilot.pause(0.02)
        if not isinstance(pilot.app.screen, UnlockScreen):
            break
    profile = getattr(pilot.app, "profile", None)
    assert isinstance(profile, Profile)
    return profile


WORK_GROUPS = ("dashboard", "export", "import")


async def settle(pilot: Pilot[int], timeout: float = 20.0) -> None:
    """Let the screens' own workers finish and their results reach the screen.

    Not ``workers.wait_for_complete()``: a DirectoryTree's loader never completes.
    """
    for _ in range(int(timeout / 0.02)):
        busy = [w for w in pilot.app.workers if w.group in WORK_GROUPS and w.is_running]
        if not busy:
            break
        await pilot.pause(0.02)
    await pilot.pause()
    await pilot.pause()


def test_app_starts_locked(tmp_path: Path) -> None:
    assert make_app(tmp_path).profile is None
