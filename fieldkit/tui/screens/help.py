"""The help screen: every key the app answers to."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from fieldkit.wipe import FLASH_NOTE

KEYS = [
    ("ctrl+l", "Lock now: closes the store and clears the screen"),
    ("ctrl+t", "Switch form labels between English and Burmese"),
    ("n", "Home: start a new case"),
    ("c", "Home: list, filter and search cases"),
    ("k", "Home: your key, fingerprint and QR code; trust a card"),
    ("s", "Home: settings (auto-lock minutes, language, search)"),
    ("w / f12", "Home / unlock: panic wipe (asks you to type WIPE)"),
    ("tab", "Move to the next field or button"),
    ("f1", "This help"),
    ("ctrl+p", "Command palette"),
    ("ctrl+q", "Quit (locks first)"),
    ("escape", "Close this help / go back"),
]


class HelpScreen(ModalScreen[None]):
    """A list of keys; escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("f1", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        rows = "\n".join(f"[b]{key:<10}[/b] {what}" for key, what in KEYS)
        with Vertical(id="help-box"):
            yield Static("[b]Keys[/b]\n\n" + rows, id="help-keys")
            yield Static(
                "[b]Locking and wiping[/b]\n\nThe app locks itself after the idle minutes "
                "set in Settings. A panic wipe destroys the profile without the passphrase. "
                + FLASH_NOTE,
                id="help-wipe",
            )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
