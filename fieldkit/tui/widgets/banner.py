"""The banner every screen shows when the app has one (e.g. TRAINING — NOT REAL DATA)."""

from __future__ import annotations

from collections.abc import Iterator

from textual.app import App
from textual.widget import Widget
from textual.widgets import Static


def banner(app: App[object]) -> Iterator[Widget]:
    """Yield the banner widget when ``app.banner`` is set; use ``yield from banner(self.app)``."""
    text = getattr(app, "banner", None)
    if text:
        yield Static(str(text), classes="banner", markup=False)
