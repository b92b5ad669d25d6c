"""Shared helpers for the entry, record and attachment Pilot tests (a host app, typing)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input

from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.tui.widgets.base import FieldWidget
from fieldkit.tui.widgets.picker import ChoicePicker

PASS = "correct horse battery staple"
TODAY = dt.date(2025, 6, 1)


def make_profile(tmp_path: Path) -> Profile:
    return Profile.create(tmp_path / "p", PASS, name="Ko Min", role="fieldworker", params=TESTING)


class Host(App[None]):
    """A bare app with the conventions the screens use (language, show_error)."""

    language: reactive[str] = reactive("en")

    def __init__(self, screen_factory: Any) -> None:
        super().__init__()
        self.screen_factory = screen_factory
        self.errors: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.screen_factory())

    def show_error(self, exc: Any) -> None:
        self.errors.append(exc)


def field(app: App[Any], path: str) -> FieldWidget:
    """The field widget at ``path`` on the current screen."""
    for widget in app.screen.query(FieldWidget):
        if widget.path == path:
            return widget
    raise AssertionError(f"no field {path}")


async def type_into(pilot: Any, widget: Widget, text: str) -> None:
    """Focus ``widget``, clear what it holds with backspace, and type ``text`` key by key."""
    widget.focus()
    await pilot.pause()
    held = getattr(widget, "value", None)
    if isinstance(held, str) and held:
        await pilot.press("end", *["backspace"] * len(held))
    await pilot.press(*[char if char != " " else "space" for char in text])
    await settle(pilot)


async def settle(pilot: Any) -> None:
    """Wait until the entry screen has run its (debounced) checks."""
    await pilot.pause(0.2)


async def paste_into(pilot: Any, widget: Widget, text: str) -> None:
    """Focus ``widget`` and paste ``text`` into it, as a terminal's paste would."""
    widget.focus()
    await pilot.pause()
    widget.post_message(events.Paste(text))
    await settle(pilot)


async def fill(pilot: Any, path: str, text: str, css: str = "Input") -> None:
    """Type ``text`` into the first matching control of the field at ``path``."""
    target = field(pilot.app, path).query(css).first()
    await type_into(pilot, target, text)


async def choose(pilot: Any, path: str, text: str, css: str = "ChoicePicker") -> None:
    """Type ``text`` into a picker of the field at ``path`` and press enter on the first match."""
    picker = field(pilot.app, path).query(css).first()
    assert isinstance(picker, ChoicePicker)
    await type_into(pilot, picker.query_one(Input), text)
    await pilot.press("enter")
    await settle(pilot)
