"""The fieldkit app: unlock, home, and the global keys (lock, help, quit)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from fieldkit.kdf import PRODUCT, KdfParams
from fieldkit.profile import Profile
from fieldkit.tui.screens.help import HelpScreen
from fieldkit.tui.screens.home import HomeScreen
from fieldkit.tui.screens.unlock import UnlockScreen


class FieldkitApp(App[int]):
    """One app for every role; what it shows depends on the unlocked profile."""

    TITLE = "fieldkit"
    CSS_PATH = "fieldkit.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "lock", "Lock", priority=True),
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self, home: Path, *, params: KdfParams = PRODUCT, banner: str | None = None
    ) -> None:
        super().__init__()
        self.home = Path(home)
        self.params = params
        self.banner = banner
        self.profile: Profile | None = None

    def on_mount(self) -> None:
        self.push_screen(UnlockScreen(self.home, self.params, banner=self.banner))

    def open_profile(self, profile: Profile) -> None:
        """Called by the unlock screen once the store is open."""
        self.profile = profile
        self.switch_screen(HomeScreen(profile, banner=self.banner))

    def action_lock(self) -> None:
        """Close the store and clear every screen, then ask for the passphrase again."""
        if self.profile is not None:
            self.profile.close()
            self.profile = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(UnlockScreen(self.home, self.params, banner=self.banner))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        if self.profile is not None:
            self.profile.close()
            self.profile = None
        self.exit(0)
