"""A one-widget footer of the screen's shortcuts, cheap enough for screens that must open fast.

Textual's Footer mounts one widget per shortcut and mounts them all again each
time the bindings change (every focus move). On the cases list that was a
third of the time to open it. This bar draws the same shortcuts as one line of
text and redraws only that line.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    """The focused screen's shortcuts, key then description, at the bottom of the screen."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 100%;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground;
        text-style: bold;
    }
    KeyBar > .keybar--description {
        color: $footer-description-foreground;
    }
    KeyBar > .keybar--disabled {
        color: $text-disabled;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "keybar--key", "keybar--description", "keybar--disabled",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._pending = False

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.redraw)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        # Several changes arrive together when focus moves: draw once after them.
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self.redraw)

    def line(self) -> Text:
        """The shortcuts as one line (one entry per action, in the order Textual gives)."""
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        text_style = self.get_component_rich_style("keybar--description", partial=True)
        off_style = self.get_component_rich_style("keybar--disabled", partial=True)
        out = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            out.append(f" {self.app.get_key_display(binding)} ",
                       key_style if enabled else off_style)
            out.append(f"{binding.description} ", text_style if enabled else off_style)
        return out

    def redraw(self) -> None:
        self._pending = False
        if self.is_attached:
            self.update(self.line())
