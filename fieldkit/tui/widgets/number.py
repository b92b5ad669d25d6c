"""Whole numbers and decimals typed into an Input."""

from __future__ import annotations

import math
import re
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input

from fieldkit.tui.widgets.base import FieldWidget

_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
_MESSAGES = {
    "integer": {"en": "Type a whole number, like 12.", "my": "ကိန်းပြည့်ဖြင့် ရေးပါ (ဥပမာ 12)။"},
    "decimal": {"en": "Type a number, like 12 or 3.5.", "my": "ကိန်းဂဏန်းဖြင့် ရေးပါ (ဥပမာ 3.5)။"},
}
# Burmese digits typed on a Myanmar keyboard count as the same numbers.
_MYANMAR_DIGITS = str.maketrans("၀၁၂၃၄၅၆၇၈၉", "0123456789")


class NumberField(FieldWidget):
    """``integer`` and ``decimal``: the typed text is kept as is until it reads as a number."""

    def compose_control(self) -> ComposeResult:
        yield Input(classes="control", compact=True)

    def _text(self) -> str:
        return self.query_one(Input).value.strip().translate(_MYANMAR_DIGITS)

    def answer(self) -> Any:
        text = self._text()
        if not text:
            return None
        if self.field.type == "integer" and _INTEGER.match(text):
            return int(text)
        if self.field.type == "decimal" and _DECIMAL.match(text):
            value = float(text)
            return value if math.isfinite(value) else text
        # Kept as typed, so the draft loses nothing; the validator flags it.
        return text

    def local_error(self) -> str | None:
        if isinstance(self.answer(), str):
            texts = _MESSAGES[self.field.type]
            return texts.get(self.lang, texts["en"])
        return None

    def show_value(self, value: Any) -> None:
        if value is None:
            text = ""
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value)) if self.field.type == "integer" else str(value)
        else:
            text = str(value)
        self.query_one(Input).value = text

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        event.stop()
        self.changed()
