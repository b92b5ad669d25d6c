"""The settings screen: auto-lock minutes, label language, sensitive fields in search."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pydantic import ValidationError
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static, Switch

from fieldkit.errors import FieldkitError
from fieldkit.profile import Profile
from fieldkit.tui.widgets.banner import banner

if TYPE_CHECKING:
    from fieldkit.tui.app import FieldkitApp

LANGUAGES = [("English", "en"), ("Burmese (မြန်မာ)", "my")]


class SettingsScreen(Screen[None]):
    """Edit the profile's settings; ctrl+s or the Save button stores them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile

    def compose(self) -> ComposeResult:
        settings = self.profile.settings
        yield from banner(self.app)
        yield Header()
        with Vertical(id="settings"):
            with Horizontal(classes="setting"):
                yield Label("Lock after this many idle minutes (1–240)", classes="setting-label")
                yield Input(str(settings.auto_lock_minutes), id="auto-lock", type="integer",
                            max_length=3)
            with Horizontal(classes="setting"):
                yield Label("Language of form labels", classes="setting-label")
                yield Select(LANGUAGES, value=settings.language, allow_blank=False,
                             id="language")
            with Horizontal(classes="setting"):
                yield Label("Sensitive fields (names, contacts) can be searched",
                            classes="setting-label")
                yield Switch(settings.search_sensitive, id="search-sensitive")
            yield Static(
                "Searching sensitive fields helps find a person again, but anyone who "
                "unlocks this device can then search for names. Records saved before a "
                "change keep the old choice until they are saved again.",
                id="settings-note", markup=False,
            )
            yield Button("Save", variant="primary", id="save")
            yield Static("", id="settings-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#auto-lock", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def _say(self, text: str) -> None:
        self.query_one("#settings-message", Static).update(text)

    def action_save(self) -> None:
        raw = self.query_one("#auto-lock", Input).value.strip()
        try:
            minutes = int(raw)
        except ValueError:
            self._say("Auto-lock: type a whole number of minutes between 1 and 240.")
            return
        language = self.query_one("#language", Select).value
        sensitive = self.query_one("#search-sensitive", Switch).value
        changed_search = sensitive != self.profile.settings.search_sensitive
        try:
            settings = self.profile.update_settings(
                auto_lock_minutes=minutes, language=language, search_sensitive=sensitive
            )
        except ValidationError:
            self._say("Auto-lock: type a whole number of minutes between 1 and 240.")
            return
        except FieldkitError as exc:
            app: FieldkitApp = self.app  # type: ignore[assignment]
            app.show_error(exc)
            return
        fk: FieldkitApp = self.app  # type: ignore[assignment]
        fk.apply_settings(settings)
        if changed_search:
            # Records already stored must follow the setting too: a name that is
            # no longer meant to be searchable must leave the index now.
            self._say("Saved. Updating the search index…")
            self._reindex()
        else:
            self._say("Saved.")

    @work(thread=True, exclusive=True)
    def _reindex(self) -> None:
        from fieldkit.reindex import reindex

        try:
            count = reindex(self.profile)
        except FieldkitError as exc:
            self.app.call_from_thread(self._say, f"{exc.title}: {exc.message}")
            return
        self.app.call_from_thread(
            self._say, f"Saved. The search index was rebuilt for {count} records."
        )

    def action_back(self) -> None:
        self.app.pop_screen()
