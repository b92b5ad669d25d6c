"""Sections: a group's heading above its fields (groups add no level to the answers)."""

from __future__ import annotations

from textual.containers import Vertical
from textual.widgets import Static

from fieldkit.tui.widgets.base import text_in
from forms import Field


class GroupSection(Vertical):
    """``group``: a titled section; skip logic can hide it whole."""

    DEFAULT_CSS = """
    GroupSection { height: auto; border-top: solid $primary; padding: 0 0 0 1; margin-bottom: 1; }
    GroupSection > .group-title { text-style: bold; color: $primary; width: 100%; }
    GroupSection.-hidden { display: none; }
    """

    def __init__(self, field: Field, *, lang: str = "en", prefix: str = "") -> None:
        super().__init__(classes="group")
        self.field = field
        self.lang = lang
        self.prefix = prefix

    @property
    def path(self) -> str:
        return self.prefix + self.field.name

    def title_widget(self) -> Static:
        return Static(text_in(self.field.label, self.lang), classes="group-title", markup=False)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.query_one(".group-title", Static).update(text_in(self.field.label, lang))
