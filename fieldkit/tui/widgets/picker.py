"""A type-to-filter chooser: an input that narrows a short list of matches, used by selects
and location levels alike (the full list may be long; only the first matches are shown)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

Source = Callable[[str], list[tuple[str, str]]]
"""Given the filter text, the matching (code, label) pairs, best first."""

MAX_MATCHES = 50


def filter_terms(terms: list[tuple[str, str]], text: str, limit: int = MAX_MATCHES) -> list[
    tuple[str, str]
]:
    """Terms whose label or code contains ``text`` (case-insensitive), prefix matches first."""
    needle = text.strip().casefold()
    if not needle:
        return terms[:limit]
    first: list[tuple[str, str]] = []
    rest: list[tuple[str, str]] = []
    for code, label in terms:
        folded = label.casefold()
        if folded.startswith(needle):
            first.append((code, label))
        elif needle in folded or needle in code.casefold():
            rest.append((code, label))
        if len(first) >= limit:
            break
    return (first + rest)[:limit]


class FilterInput(Input):
    """The picker's input: arrows move through the matches, enter chooses."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next match", show=False),
        Binding("up", "move(-1)", "Previous match", show=False),
        Binding("ctrl+x", "clear_choice", "Clear choice"),
    ]

    def action_move(self, step: int) -> None:
        picker = self.parent
        if isinstance(picker, ChoicePicker):
            picker.move(step)

    def action_clear_choice(self) -> None:
        picker = self.parent
        if isinstance(picker, ChoicePicker):
            picker.clear()


class ChoicePicker(Vertical):
    """Choose one code, or several, from a list filtered as you type."""

    DEFAULT_CSS = """
    ChoicePicker { height: auto; }
    ChoicePicker .picker-chosen { width: 100%; color: $success; }
    ChoicePicker OptionList { max-height: 8; display: none; }
    ChoicePicker.-open OptionList { display: block; }
    """

    class Changed(Message):
        """The chosen codes changed."""

        def __init__(self, picker: ChoicePicker) -> None:
            super().__init__()
            self.picker = picker

    def __init__(
        self,
        source: Source,
        label_of: Callable[[str], str],
        *,
        multiple: bool = False,
        placeholder: str = "type to filter",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.source = source
        self.label_of = label_of
        self.multiple = multiple
        self.placeholder = placeholder
        self.codes: list[str] = []
        self.empty_text = "—"

    def compose(self) -> ComposeResult:
        yield Static(self._chosen_text(), classes="picker-chosen", markup=False)
        yield FilterInput(placeholder=self.placeholder, classes="picker-input", compact=True)
        yield OptionList(classes="picker-options", compact=True)

    def on_mount(self) -> None:
        self.query_one(OptionList).can_focus = False

    # -- value ---------------------------------------------------------------------

    @property
    def value(self) -> str | None:
        """The chosen code (single choice)."""
        return self.codes[0] if self.codes else None

    def set_codes(self, codes: list[str], *, notify: bool = False) -> None:
        self.codes = list(codes) if self.multiple else list(codes[:1])
        self.refresh_labels()
        if notify:
            self.post_message(self.Changed(self))

    def clear(self) -> None:
        if self.codes:
            self.set_codes([], notify=True)

    def _chosen_text(self) -> str:
        if not self.codes:
            return self.empty_text
        prefix = "✓ " if self.multiple else "→ "
        return prefix + ", ".join(self.label_of(code) for code in self.codes)

    def refresh_labels(self) -> None:
        """Redraw the chosen labels and the matches (after a language change too)."""
        if not self.is_mounted:
            return
        self.query_one(".picker-chosen", Static).update(self._chosen_text())
        if self.has_class("-open"):
            self._fill(self.query_one(FilterInput).value)

    # -- matches -------------------------------------------------------------------

    def _fill(self, text: str) -> None:
        options = self.query_one(OptionList)
        matches = self.source(text)
        options.clear_options()
        marks = ("☑ ", "☐ ") if self.multiple else ("", "")
        options.add_options(
            Option(
                (marks[0] if code in self.codes else marks[1]) + label.replace("[", r"\["),
                id=code,
            )
            for code, label in matches
        )
        if matches:
            options.highlighted = 0

    @on(Input.Changed, ".picker-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.add_class("-open")
        self._fill(event.value)

    def on_descendant_focus(self) -> None:
        if not self.has_class("-open"):
            self.add_class("-open")
            self._fill(self.query_one(FilterInput).value)

    def on_descendant_blur(self) -> None:
        self.remove_class("-open")

    def move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self.has_class("-open"):
            self.add_class("-open")
            self._fill(self.query_one(FilterInput).value)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    @on(Input.Submitted, ".picker-input")
    def _chosen(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is None or not options.option_count:
            return
        code = options.get_option_at_index(options.highlighted).id
        if code is None:
            return
        if self.multiple:
            codes = [c for c in self.codes if c != code] if code in self.codes else [
                *self.codes,
                code,
            ]
            highlighted = options.highlighted
            self.set_codes(codes, notify=True)
            self._fill(event.value)
            options.highlighted = min(highlighted, options.option_count - 1)
        else:
            self.query_one(FilterInput).value = ""
            self.set_codes([code], notify=True)
            self.remove_class("-open")
