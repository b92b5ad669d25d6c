"""A modal that shows a core error as a title, a plain sentence and what to do next."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class ErrorModal(ModalScreen[None]):
    """Title, message and hint of a FieldkitError; enter or escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, title: str, message: str, hint: str | None = None) -> None:
        super().__init__()
        self.error_title = title
        self.error_message = message
        self.error_hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box"):
            # markup=False: messages may quote file names with brackets in them.
            yield Label(self.error_title, id="error-title", markup=False)
            yield Static(self.error_message, id="error-message", markup=False)
            if self.error_hint:
                yield Static(f"What to do: {self.error_hint}", id="error-hint", markup=False)
            yield Button("OK", variant="primary", id="error-ok")

    def on_mount(self) -> None:
        self.query_one("#error-ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
