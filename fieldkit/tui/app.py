"""The fieldkit app: unlock, home, and what holds on every screen (lock, idle lock, errors)."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Literal

from rich.text import Text
from textual import events
from textual.app import App, ScreenStackError
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from fieldkit.errors import FieldkitError
from fieldkit.kdf import PRODUCT, KdfParams
from fieldkit.profile import Profile
from fieldkit.settings import Settings
from fieldkit.tui.screens.error import ErrorModal
from fieldkit.tui.screens.help import HelpScreen
from fieldkit.tui.screens.home import HomeScreen
from fieldkit.tui.screens.unlock import UnlockScreen

Language = Literal["en", "my"]
Ticker = Callable[[], float]

# How often the idle timer looks at the clock; the lock happens at most this
# late after the configured idle time.
IDLE_CHECK_SECONDS = 5.0


class FieldkitApp(App[int]):
    """One app for every role; what it shows depends on the unlocked profile.

    Conventions the screens rely on: ``app.profile`` (None while locked),
    ``app.language`` ("en" or "my", toggled with ctrl+t), ``app.banner``
    (shown on every screen when set), ``app.show_error(exc)``, and
    ``app.clock`` (monotonic seconds; injected by tests to drive the idle lock).
    """

    TITLE = "fieldkit"
    CSS_PATH = "fieldkit.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "lock", "Lock", priority=True),
        Binding("ctrl+t", "toggle_language", "Language", priority=True),
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    language: reactive[Language] = reactive("en")

    def __init__(
        self,
        home: Path,
        *,
        params: KdfParams = PRODUCT,
        banner: str | None = None,
        clock: Ticker = time.monotonic,
        idle_check_seconds: float | None = IDLE_CHECK_SECONDS,
        notice: str | None = None,
    ) -> None:
        """``notice``: a line shown over the first unlock screen (the demo's passphrase,
        which the terminal's own output would otherwise hide behind the app)."""
        super().__init__()
        self.notice = notice
        self.home = Path(home)
        self.params = params
        self.banner = banner
        self.clock = clock
        self.profile: Profile | None = None
        self.auto_lock_seconds = Settings().auto_lock_minutes * 60.0
        self.last_activity = clock()
        self._idle_check_seconds = idle_check_seconds
        self.wiped = False

    def on_mount(self) -> None:
        self.push_screen(UnlockScreen(self.home, self.params, banner=self.banner))
        if self.notice:
            self.notify(self.notice, title="Demo", timeout=3600)
        if self._idle_check_seconds:
            self.set_interval(self._idle_check_seconds, self.check_auto_lock)

    # -- unlocking and locking ---------------------------------------------

    def open_profile(self, profile: Profile) -> None:
        """Called by the unlock screen once the store is open."""
        self.profile = profile
        self.clear_notifications()  # e.g. the demo's passphrase notice
        self.apply_settings(profile.settings)
        self.touch()
        self.switch_screen(HomeScreen(profile, banner=self.banner))

    def apply_settings(self, settings: Settings) -> None:
        """Take the profile's settings into effect (after unlock or the settings screen)."""
        self.auto_lock_seconds = settings.auto_lock_minutes * 60.0
        self.language = settings.language

    async def action_lock(self) -> None:
        """Close the store and clear every screen, then ask for the passphrase again."""
        if self.wiped:
            return
        self._close_profile()
        # Every screen above the default one goes, with its inputs and values;
        # the unlock screen is a new one, so not even the passphrase dots stay.
        await self._replace_all(UnlockScreen(self.home, self.params, banner=self.banner))
        if self.notice:
            self.notify(self.notice, title="Demo", timeout=3600)

    def _close_profile(self, *, save: bool = True) -> None:
        self.clear_notifications()
        # Whatever was typed last reaches the store before it closes (drafts
        # autosave after a short pause; a lock must not lose that pause). A
        # panic wipe skips this: every moment counts and the data goes anyway.
        for screen in self.screen_stack if save else ():
            flush = getattr(screen, "flush", None)
            if callable(flush):
                try:
                    flush()
                except FieldkitError:
                    pass  # the draft keeps its last saved state; locking goes on
        if self.profile is not None:
            self.workers.cancel_all()
            self.profile.close()
            self.profile = None

    async def _replace_all(self, screen: Screen[None]) -> None:
        try:
            while len(self.screen_stack) > 2:
                await self.pop_screen()
            await self.switch_screen(screen)
        except ScreenStackError:
            pass  # the app is shutting down: nothing left to show

    # -- idle lock -------------------------------------------------------------

    def touch(self) -> None:
        """Note user activity now (any key, click or scroll)."""
        self.last_activity = self.clock()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.touch()
        await super().on_event(event)

    def check_auto_lock(self) -> bool:
        """Lock when idle for longer than the setting; return whether it locked."""
        if self.profile is None:
            return False
        if self.clock() - self.last_activity < self.auto_lock_seconds:
            return False
        # The store closes now; the screens are cleared as the next step of the loop.
        self._close_profile()
        self.call_next(self.action_lock)
        return True

    # -- language, errors, help ------------------------------------------------

    def action_toggle_language(self) -> None:
        self.language = "my" if self.language == "en" else "en"

    def show_error(self, exc: FieldkitError) -> None:
        """Show a core error as a title and a plain sentence; never a traceback."""
        self.push_screen(ErrorModal(exc.title, exc.message, exc.hint))

    def open_screen(self, make: Callable[[], Screen[None]]) -> None:
        """Push the screen ``make()`` builds; a core error while building it is shown instead."""
        try:
            screen = make()
        except FieldkitError as exc:
            self.show_error(exc)
            return
        self.push_screen(screen)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- panic wipe ------------------------------------------------------------

    def wipe_now(self) -> None:
        """Close the store and destroy the profile now; then leave only a neutral screen."""
        from fieldkit.tui.screens.wipe import WipedScreen
        from fieldkit.wipe import wipe_profile

        self._close_profile(save=False)
        try:
            wipe_profile(self.home)
        except FieldkitError as exc:
            screen = WipedScreen(f"{exc.title}: {exc.message} {exc.hint or ''}")
        else:
            self.wiped = True
            screen = WipedScreen()
        # The screens go in the app's own loop: the caller may be one of them.
        self.call_later(self._replace_all, screen)

    def _fatal_error(self) -> None:
        """Textual's hook for an unhandled exception, replaced: its own prints a traceback
        with local variables, which can hold a passphrase or a testimony, to the
        terminal's scrollback (DESIGN section 2: no plaintext in crash output)."""
        error = sys.exc_info()[1]
        with contextlib.suppress(Exception):
            self._close_profile()  # saves what was typed, then closes the store
        self.bell()
        self._exit_renderables.append(
            Text(
                f"fieldkit: error: internal error ({type(error).__name__}); the app closed\n"
                "hint: your saved drafts and sealed records are in the store; open the app"
                " again, and tell your coordinator what you were doing"
            )
        )
        self._close_messages_no_wait()

    async def action_quit(self) -> None:
        self._close_profile()
        self.exit(0)
