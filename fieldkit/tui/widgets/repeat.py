"""Repeat groups: one numbered entry per victim, perpetrator or source, with add and remove."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Static

from fieldkit.tui.widgets.base import FieldWidget, text_in
from forms import Field

Builder = Callable[[list[Field], str, str, Mapping[str, Any]], list[Widget]]
"""Builds the widgets of ``fields`` in ``lang`` under a path prefix, with stored answers."""

_WORDS = {
    "en": {"add": "Add {label}", "remove": "Remove", "entry": "{label} {n}"},
    "my": {"add": "{label} ထည့်ရန်", "remove": "ဖယ်ရှားရန်", "entry": "{label} ({n})"},
}


class RepeatEntry(Vertical):
    """One entry of a repeat group."""

    DEFAULT_CSS = """
    RepeatEntry { height: auto; border: round $primary-darken-2; padding: 0 1; margin-bottom: 1; }
    RepeatEntry > Horizontal { height: auto; }
    RepeatEntry .entry-title { width: 1fr; text-style: bold; }
    RepeatEntry .entry-remove { min-width: 12; }
    """

    def __init__(self, children: list[Widget], title: str, remove: str) -> None:
        super().__init__(
            Horizontal(
                Static(title, classes="entry-title", markup=False),
                Button(remove, classes="entry-remove", variant="warning", compact=True),
            ),
            *children,
            classes="repeat-entry",
        )


class RepeatField(FieldWidget):
    """``repeat``: entries with add/remove, kept between ``min_repeat`` and ``max_repeat``."""

    DEFAULT_CSS = """
    RepeatField { border-left: thick $primary; padding-left: 1; }
    RepeatField .repeat-entries { height: auto; }
    RepeatField .repeat-add { margin-bottom: 1; }
    """

    def __init__(
        self, field: Field, *, lang: str = "en", prefix: str = "", value: Any = None,
        builder: Builder,
    ) -> None:
        super().__init__(field, lang=lang, prefix=prefix, value=value)
        self.builder = builder

    def _words(self) -> dict[str, str]:
        return _WORDS.get(self.lang, _WORDS["en"])

    def _entry(self, index: int, answers: Mapping[str, Any]) -> RepeatEntry:
        words = self._words()
        children = self.builder(
            self.field.fields or [], self.lang, f"{self.path}[{index}].", answers
        )
        title = words["entry"].format(label=text_in(self.field.label, self.lang), n=index + 1)
        return RepeatEntry(children, title, words["remove"])

    def compose_control(self) -> ComposeResult:
        stored = self.initial if isinstance(self.initial, list) else []
        count = max(len(stored), self.field.min_repeat)
        entries = [
            self._entry(i, stored[i] if i < len(stored) and isinstance(stored[i], dict) else {})
            for i in range(count)
        ]
        yield Vertical(*entries, classes="repeat-entries")
        label = text_in(self.field.label, self.lang)
        yield Button(
            self._words()["add"].format(label=label), classes="repeat-add", compact=True
        )

    def on_mount(self) -> None:
        self._update_buttons()

    def show_value(self, value: Any) -> None:
        # Entries were built with their answers; nothing to put into controls.
        pass

    @property
    def entries(self) -> list[RepeatEntry]:
        return list(self.query_one(".repeat-entries", Vertical).query_children(RepeatEntry))

    def answer(self) -> Any:
        from fieldkit.tui.widgets.build import collect_answers

        return [collect_answers(entry) for entry in self.entries]

    def _update_buttons(self) -> None:
        count = len(self.entries)
        limit = self.field.max_repeat
        self.query_one(".repeat-add", Button).disabled = limit is not None and count >= limit
        for entry in self.entries:
            entry.query_one(".entry-remove", Button).disabled = count <= self.field.min_repeat

    def renumber(self) -> None:
        """Give every entry its number and every field inside its new path."""
        from fieldkit.tui.widgets.build import set_prefix

        words = self._words()
        label = text_in(self.field.label, self.lang)
        for index, entry in enumerate(self.entries):
            entry.query_one(".entry-title", Static).update(
                words["entry"].format(label=label, n=index + 1)
            )
            entry.query_one(".entry-remove", Button).label = words["remove"]
            set_prefix(entry, f"{self.path}[{index}].")
        self.query_one(".repeat-add", Button).label = words["add"].format(label=label)
        self._update_buttons()

    async def add_entry(self) -> RepeatEntry:
        """Append an empty entry and focus its first control."""
        entry = self._entry(len(self.entries), {})
        await self.query_one(".repeat-entries", Vertical).mount(entry)
        self._update_buttons()
        self.changed()
        for widget in entry.query("Input, TextArea, Select, Checkbox"):
            if widget.focusable:
                widget.focus()
                break
        return entry

    async def remove_entry(self, entry: RepeatEntry) -> None:
        await entry.remove()
        self.renumber()
        self.changed()
        self.query_one(".repeat-add", Button).focus()

    def set_language(self, lang: str) -> None:
        super().set_language(lang)
        self.renumber()

    @on(Button.Pressed, ".repeat-add")
    async def _add(self, event: Button.Pressed) -> None:
        event.stop()
        await self.add_entry()

    @on(Button.Pressed, ".entry-remove")
    async def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        entry = next((e for e in event.button.ancestors if isinstance(e, RepeatEntry)), None)
        if entry is not None and entry.parent is not None and entry in self.entries:
            await self.remove_entry(entry)
