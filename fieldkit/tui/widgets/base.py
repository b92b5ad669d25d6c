"""The frame every field widget shares: label, required marker, hint, control and error line."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from forms import Field


def text_in(label: dict[str, str] | None, lang: str) -> str:
    """A label in ``lang``, falling back to English, then to any language."""
    if not label:
        return ""
    return label.get(lang) or label.get("en") or next(iter(label.values()), "")


class FieldWidget(Vertical):
    """One form field: subclasses add the control and map it to the JSON answer shape."""

    DEFAULT_CSS = """
    FieldWidget { height: auto; margin: 0 0 1 0; }
    FieldWidget .field-label { width: 100%; text-style: bold; }
    FieldWidget .field-hint { width: 100%; color: $text-muted; }
    FieldWidget .field-error { width: 100%; color: $error; display: none; }
    FieldWidget Input, FieldWidget TextArea, FieldWidget Select { background: $boost; }
    FieldWidget Input:focus, FieldWidget TextArea:focus { background: $primary 30%; }
    FieldWidget.-invalid .field-error { display: block; }
    FieldWidget.-hidden { display: none; }
    """

    class Changed(Message):
        """The answer of a field changed because the user edited it."""

        def __init__(self, field: FieldWidget) -> None:
            super().__init__()
            self.field = field

    def __init__(
        self, field: Field, *, lang: str = "en", prefix: str = "", value: Any = None
    ) -> None:
        super().__init__(classes=f"field field-{field.type}")
        self.field = field
        self.lang = lang
        self.prefix = prefix
        self.initial = value
        self._error: str | None = None
        self._last: Any = None

    def on_mount(self) -> None:
        self.load(self.initial)

    @property
    def path(self) -> str:
        """Where this field's answer lives, e.g. ``victims[1].age``."""
        return self.prefix + self.field.name

    def compose(self) -> ComposeResult:
        yield Static(self._label_text(), classes="field-label", markup=False)
        if self.field.hint:
            yield Static(text_in(self.field.hint, self.lang), classes="field-hint", markup=False)
        yield from self.compose_control()
        yield Static("", classes="field-error", markup=False)

    def compose_control(self) -> ComposeResult:
        """The input controls (none for display-only fields)."""
        yield from ()

    def _label_text(self) -> str:
        marker = " *" if self.field.required is True else ""
        return text_in(self.field.label, self.lang) + marker

    # -- answers ---------------------------------------------------------------

    def answer(self) -> Any:
        """The answer in the form's JSON shape; None when the field is empty."""
        return None

    def load(self, value: Any) -> None:
        """Show ``value`` (a stored answer) without posting Changed."""
        self.show_value(value)
        self._last = self.answer()

    def show_value(self, value: Any) -> None:
        """Put ``value`` into the controls."""

    def local_error(self) -> str | None:
        """A problem the widget itself can explain better than the validator (bad typing)."""
        return None

    def changed(self) -> None:
        """Tell the screen the answer changed (echoes of load() change nothing and are dropped)."""
        answer = self.answer()
        if answer != self._last or self.local_error() is not None:
            self._last = answer
            self.post_message(self.Changed(self))

    # -- display -----------------------------------------------------------------

    def part_name(self, sub: str) -> str | None:
        """The name of a part of a compound answer (``.township``) to prefix its errors with."""
        return None

    def show_error(self, message: str | None, sub: str = "") -> None:
        """Show ``message`` (about the part ``sub`` of the answer) under the field, or clear it."""
        part = self.part_name(sub) if sub and message else None
        if part and message:
            message = f"{part}: {message}"
        message = self.local_error() or message
        if message == self._error:
            return
        self._error = message
        self.set_class(message is not None, "-invalid")
        self.query_one(".field-error", Static).update(f"⚠ {message}" if message else "")

    @property
    def error(self) -> str | None:
        return self._error

    def set_language(self, lang: str) -> None:
        """Redraw every label in ``lang``."""
        self.lang = lang
        self.query_one(".field-label", Static).update(self._label_text())
        if self.field.hint:
            self.query_one(".field-hint", Static).update(text_in(self.field.hint, lang))
