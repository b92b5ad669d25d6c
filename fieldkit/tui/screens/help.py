"""The help screen: every key the app answers to."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("ctrl+l", "Lock now: closes the store and clears the screen"),
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

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
