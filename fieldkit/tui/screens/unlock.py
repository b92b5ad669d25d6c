"""The unlock screen: a masked passphrase field, and a plain message when it is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from fieldkit.errors import FieldkitError, NoProfile, WrongPassphrase
from fieldkit.kdf import KdfParams
from fieldkit.locations import ProfilePaths
from fieldkit.profile import Profile
from fieldkit.tui.widgets.banner import banner

if TYPE_CHECKING:
    from fieldkit.tui.app import FieldkitApp


class UnlockScreen(Screen[None]):
    """Ask for the passphrase and open the store."""

    # A coerced user may not be able to unlock, so the wipe is reachable here too.
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f12", "wipe", "Panic wipe")]

    def __init__(self, home: Path, params: KdfParams, *, banner: str | None = None) -> None:
        super().__init__()
        self.home = home
        self.params = params
        self.banner = banner

    def compose(self) -> ComposeResult:
        yield from banner(self.app)
        with Center(), Vertical(id="unlock-box"):
            yield Label("fieldkit", id="unlock-title")
            yield Label("Enter your passphrase to unlock.", id="unlock-prompt")
            yield Input(password=True, placeholder="passphrase", id="passphrase")
            yield Button("Unlock", variant="primary", id="unlock")
            yield Static("", id="unlock-message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#passphrase", Input).focus()
        if not ProfilePaths(self.home).database.exists():
            self._say(
                "There is no profile in this folder. Create one with "
                "'fieldkit init --role fieldworker --name NAME', or try 'make run' for a demo."
            )

    def action_wipe(self) -> None:
        from fieldkit.tui.screens.wipe import WipeScreen

        self.app.push_screen(WipeScreen())

    def _say(self, text: str) -> None:
        self.query_one("#unlock-message", Static).update(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._try_unlock()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "unlock":
            self._try_unlock()

    def _try_unlock(self) -> None:
        field = self.query_one("#passphrase", Input)
        passphrase = field.value
        if not passphrase:
            self._say("Type your passphrase first.")
            return
        field.disabled = True
        self._say("Unlocking…")
        self._unlock(passphrase)

    @work(thread=True, exclusive=True)
    def _unlock(self, passphrase: str) -> None:
        # Argon2id takes a noticeable moment: keep the UI responsive.
        try:
            profile = Profile.open(self.home, passphrase, params=self.params)
        except WrongPassphrase:
            self.app.call_from_thread(self._failed, "Wrong passphrase. Try again.")
        except NoProfile as exc:
            self.app.call_from_thread(self._failed, f"{exc.message} {exc.hint or ''}")
        except FieldkitError as exc:
            self.app.call_from_thread(self._failed, f"{exc.title}: {exc.message}")
        else:
            self.app.call_from_thread(self._succeeded, profile)

    def _failed(self, message: str) -> None:
        field = self.query_one("#passphrase", Input)
        field.value = ""
        field.disabled = False
        field.focus()
        self._say(message)

    def _succeeded(self, profile: Profile) -> None:
        self.query_one("#passphrase", Input).value = ""
        app: FieldkitApp = self.app  # type: ignore[assignment]
        app.open_profile(profile)
