"""The panic wipe screen (type WIPE to confirm) and the neutral screen left afterwards."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Static

from fieldkit.tui.widgets.banner import banner
from fieldkit.wipe import FLASH_NOTE

if TYPE_CHECKING:
    from fieldkit.tui.app import FieldkitApp

CONFIRM_WORD = "WIPE"

EXPLANATION = (
    "This destroys everything in this profile: every case, draft, attachment and key. "
    "It cannot be undone. Nobody can recover it afterwards, not even your coordinator, "
    "and it works without the passphrase.\n\n"
    + FLASH_NOTE
    + "\n\nType WIPE and press enter to destroy it now. Press escape to go back."
)


class WipeScreen(ModalScreen[None]):
    """Ask for the word WIPE; anything else changes nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    def compose(self) -> ComposeResult:
        yield from banner(self.app)
        with Vertical(id="wipe-box"):
            yield Label("Panic wipe", id="wipe-title")
            yield Static(EXPLANATION, id="wipe-text", markup=False)
            yield Input(placeholder="type WIPE", id="wipe-confirm")
            yield Static("", id="wipe-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#wipe-confirm", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() == CONFIRM_WORD:
            app: FieldkitApp = self.app  # type: ignore[assignment]
            app.wipe_now()
            return
        event.input.value = ""
        self.query_one("#wipe-message", Static).update(
            "Nothing was wiped. Type WIPE in capital letters, or press escape to go back."
        )

    def action_back(self) -> None:
        self.dismiss(None)


class WipedScreen(Screen[None]):
    """What is left after a wipe: nothing that says what was here."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", "Quit")]

    def __init__(self, message: str = "There is no profile in this folder.") -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="wiped-box"):
            yield Static(self.message, id="wiped-message", markup=False)
        yield Footer()
