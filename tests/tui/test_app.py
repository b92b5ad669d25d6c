"""The app frame: auto-lock with an injected clock, lock clears inputs, language, errors, banner."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import Input, Static

from fieldkit.errors import FieldkitError
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.screens.error import ErrorModal
from fieldkit.tui.screens.home import HomeScreen
from fieldkit.tui.screens.settings import SettingsScreen
from fieldkit.tui.screens.unlock import UnlockScreen

PASS = "correct horse battery staple"
SIZE = (110, 36)


class FakeClock:
    """Monotonic seconds that only move when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def home(tmp_path: Path) -> Path:
    Profile.create(tmp_path / "p", PASS, name="Ko Min", role="fieldworker", params=TESTING).close()
    return tmp_path / "p"


async def unlock(pilot, passphrase: str = PASS) -> None:  # type: ignore[no-untyped-def]
    field = pilot.app.screen.query_one("#passphrase", Input)
    field.value = passphrase
    await pilot.press("enter")
    for _ in range(200):
        await pilot.pause(0.02)
        if not isinstance(pilot.app.screen, UnlockScreen) or not field.disabled:
            break
    await pilot.pause()


def make_app(home: Path, clock: FakeClock | None = None, banner: str | None = None) -> FieldkitApp:
    return FieldkitApp(home, params=TESTING, clock=clock or FakeClock(), banner=banner,
                       idle_check_seconds=None)


async def test_auto_lock_after_idle_minutes(home: Path) -> None:
    clock = FakeClock()
    app = make_app(home, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert isinstance(app.screen, HomeScreen)
        profile = app.profile
        assert profile is not None
        assert app.auto_lock_seconds == 5 * 60
        clock.now += 4 * 60
        assert app.check_auto_lock() is False
        await pilot.press("f1")  # any key counts as activity
        await pilot.press("escape")
        clock.now += 4 * 60
        assert app.check_auto_lock() is False
        clock.now += 61
        assert app.check_auto_lock() is True
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert app.profile is None
        assert not profile.store.is_open
        assert len(app.screen_stack) == 2


async def test_idle_timer_does_nothing_while_locked(home: Path) -> None:
    clock = FakeClock()
    app = make_app(home, clock)
    async with app.run_test(size=SIZE):
        clock.now += 10_000
        assert app.check_auto_lock() is False


async def test_settings_change_the_idle_time(home: Path) -> None:
    clock = FakeClock()
    app = make_app(home, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#auto-lock", Input).value = "1"
        await pilot.press("ctrl+s")
        assert app.auto_lock_seconds == 60
        clock.now += 61
        assert app.check_auto_lock() is True
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)


async def test_lock_clears_typed_values_on_every_screen(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("k")
        app.screen.query_one("#card-path", Input).value = "/secret/path/of/a/card"
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        values = [w.value for s in app.screen_stack for w in s.query(Input)]
        assert values == [""]
        rendered = " ".join(str(w.render()) for s in app.screen_stack for w in s.query(Static))
        assert "Ko Min" not in rendered and "/secret" not in rendered


async def test_language_toggle(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert app.language == "en"
        await pilot.press("ctrl+t")
        assert app.language == "my"
        await pilot.press("ctrl+t")
        assert app.language == "en"


async def test_language_setting_applies_on_unlock(home: Path) -> None:
    with Profile.open(home, PASS, params=TESTING) as profile:
        profile.update_settings(language="my")
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert app.language == "my"


async def test_show_error_is_a_title_and_a_sentence(home: Path) -> None:
    class Broken(FieldkitError):
        """The thing broke."""

        title = "Cannot do that"
        hint = "try the other thing"

    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        app.show_error(Broken())
        await pilot.pause()
        assert isinstance(app.screen, ErrorModal)
        text = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "Cannot do that" in str(app.screen.query_one("#error-title").render())
        assert "The thing broke." in text and "try the other thing" in text
        assert "Traceback" not in text
        await pilot.press("escape")
        assert isinstance(app.screen, UnlockScreen)


async def test_banner_on_every_screen(home: Path) -> None:
    app = make_app(home, banner="TRAINING — NOT REAL DATA")
    async with app.run_test(size=SIZE) as pilot:
        seen = []

        def has_banner() -> bool:
            return any("TRAINING" in str(w.render()) for w in app.screen.query(".banner"))

        seen.append(has_banner())
        await unlock(pilot)
        seen.append(has_banner())
        for key in ("c", "k", "s"):
            await pilot.press(key)
            await pilot.pause()
            seen.append(has_banner())
            await pilot.press("escape")
        assert all(seen), seen


async def test_every_home_key_opens_its_screen(home: Path) -> None:
    """No key on home leads to a 'not available' notice: each opens a real screen."""
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        for key, name in (("n", "FormPickerScreen"), ("c", "CasesScreen"), ("k", "KeysScreen"),
                          ("s", "SettingsScreen"), ("x", "ExportScreen"),
                          ("i", "ImportScreen"), ("d", "DashboardScreen"),
                          ("f", "FieldworkersScreen"), ("w", "WipeScreen"),
                          ("f1", "HelpScreen")):
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == name, key
            assert not app._notifications, key
            app.pop_screen()
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen), key


async def test_error_while_opening_a_screen_is_shown(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)

        def broken() -> Screen[None]:
            raise FieldkitError("The store is busy.")

        app.open_screen(broken)
        await pilot.pause()
        assert isinstance(app.screen, ErrorModal)


async def test_notice_shows_over_the_unlock_screen(home: Path) -> None:
    app = FieldkitApp(home, params=TESTING, idle_check_seconds=None,
                      notice="Demo passphrase: 'demo passphrase for training only'")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert any("Demo passphrase" in n.message for n in app._notifications)
        await unlock(pilot)
        assert not app._notifications  # gone with the unlock screen's contents


@pytest.mark.parametrize("how", ["ctrl+l", "idle"])
async def test_locking_saves_what_was_just_typed(home: Path, how: str) -> None:
    """Drafts autosave after a short pause; locking inside that pause loses nothing."""
    from fieldkit import records
    from fieldkit.tui.screens.entry import EntryScreen
    from tests.tui.test_entry_support import fill

    clock = FakeClock()
    app = make_app(home, clock)
    async with app.run_test(size=(120, 50)) as pilot:
        await unlock(pilot)
        assert app.profile is not None
        app.push_screen(EntryScreen(app.profile, form_id="incident"))
        await pilot.pause()
        await fill(pilot, "incident_title", "Typed just before the lock")
        if how == "ctrl+l":
            await pilot.press("ctrl+l")
        else:
            clock.now += 6 * 60
            assert app.check_auto_lock()
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
    with Profile.open(home, PASS, params=TESTING) as profile:
        drafts = records.list_records(profile, status="draft")
        assert len(drafts) == 1
        answers = records.get_record(profile, drafts[0].id).answers or {}
        assert answers["incident_title"] == "Typed just before the lock"


async def test_demo_notice_shows_on_every_unlock(home: Path) -> None:
    app = FieldkitApp(home, params=TESTING, clock=FakeClock(), idle_check_seconds=None,
                      notice="Demo profile. Passphrase: x")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["Demo profile. Passphrase: x"]
        await unlock(pilot)
        assert list(app._notifications) == []
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["Demo profile. Passphrase: x"]


async def test_a_crash_prints_no_traceback_or_locals(home: Path) -> None:
    """An unhandled error closes the store and leaves one content-free line."""
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        profile = app.profile
        assert profile is not None
        secret = "Daw Secret Witness"  # a local the default handler would print
        try:
            raise RuntimeError(secret)
        except RuntimeError:
            app._fatal_error()
        shown = " ".join(str(r) for r in app._exit_renderables)
        app._exit_renderables.clear()
        assert "internal error (RuntimeError)" in shown
        assert secret not in shown
        assert "Traceback" not in shown
        assert not profile.store.is_open
