"""Time of day typed as HH:MM."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input

from fieldkit.tui.widgets.base import FieldWidget


class TimeField(FieldWidget):
    """``time``: 24-hour ``HH:MM``."""

    def compose_control(self) -> ComposeResult:
        yield Input(placeholder="HH:MM (24-hour)", classes="control", max_length=8, compact=True)

    def answer(self) -> Any:
        text = self.query_one(Input).value.strip()
        return text or None

    def show_value(self, value: Any) -> None:
        self.query_one(Input).value = value if isinstance(value, str) else ""

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        event.stop()
        self.changed()
