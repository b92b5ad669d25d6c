"""Yes / no questions, with 'not answered' kept distinct from 'no'."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Select

from fieldkit.tui.widgets.base import FieldWidget

_WORDS = {"en": ("Yes", "No", "Not answered"), "my": ("ဟုတ်", "မဟုတ်", "မဖြေရသေး")}


class BooleanField(FieldWidget):
    """``boolean``: a drop-down of Yes and No; blank means no answer."""

    def compose_control(self) -> ComposeResult:
        yield Select(self._options(), prompt=self._words()[2], classes="control", compact=True)

    def _words(self) -> tuple[str, str, str]:
        return _WORDS.get(self.lang, _WORDS["en"])

    def _options(self) -> list[tuple[str, bool]]:
        yes, no, _ = self._words()
        return [(yes, True), (no, False)]

    def answer(self) -> Any:
        value = self.query_one(Select).value
        return value if isinstance(value, bool) else None

    def show_value(self, value: Any) -> None:
        select: Select[bool] = self.query_one(Select)
        if isinstance(value, bool):
            select.value = value
        else:
            select.clear()

    def set_language(self, lang: str) -> None:
        super().set_language(lang)
        select: Select[bool] = self.query_one(Select)
        value = select.value
        select.prompt = self._words()[2]
        select.set_options(self._options())
        if isinstance(value, bool):
            select.value = value

    @on(Select.Changed)
    def _edited(self, event: Select.Changed) -> None:
        event.stop()
        self.changed()
