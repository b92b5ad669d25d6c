"""Text fields: one line in an Input, narratives in a TextArea."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, TextArea

from fieldkit.tui.widgets.base import FieldWidget


class TextField(FieldWidget):
    """``text``: single line, or multi-line when the field says so."""

    DEFAULT_CSS = """
    TextField TextArea { height: 6; }
    """

    def compose_control(self) -> ComposeResult:
        if self.field.multiline:
            yield TextArea(classes="control", soft_wrap=True, tab_behavior="focus", compact=True)
        else:
            yield Input(classes="control", compact=True)

    def answer(self) -> Any:
        if self.field.multiline:
            text = self.query_one(TextArea).text
        else:
            text = self.query_one(Input).value
        return text if text.strip() else None

    def show_value(self, value: Any) -> None:
        text = value if isinstance(value, str) else ""
        if self.field.multiline:
            self.query_one(TextArea).load_text(text)
        else:
            self.query_one(Input).value = text

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _edited(self, event: Input.Changed | TextArea.Changed) -> None:
        event.stop()
        self.changed()
