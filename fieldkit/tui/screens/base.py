"""What every screen that works on an unlocked profile needs from the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from fieldkit.tui.app import FieldkitApp

ResultT = TypeVar("ResultT")


class AppScreen(Screen[ResultT]):
    """A screen of the fieldkit app: typed access to the app and its label language."""

    @property
    def fk_app(self) -> FieldkitApp:
        return cast("FieldkitApp", self.app)

    @property
    def language(self) -> str:
        return str(getattr(self.app, "language", "en"))
