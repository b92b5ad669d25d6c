"""Display-only fields: notes, and calculated values the form works out."""

from __future__ import annotations

import json
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from fieldkit.tui.widgets.base import FieldWidget


class NoteField(FieldWidget):
    """``note``: the label is the whole content."""


class CalculateField(FieldWidget):
    """``calculate``: shows the value the form computes; never typed."""

    def compose_control(self) -> ComposeResult:
        yield Static("—", classes="calculated", markup=False)

    def show_value(self, value: Any) -> None:
        if value is None:
            text = "—"
        elif isinstance(value, str):
            text = value
        else:
            text = json.dumps(value, ensure_ascii=False)
        shown = self.query_one(".calculated", Static)
        if str(shown.render()) != text:
            shown.update(text)
