"""The help screen: every key the app answers to."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from fieldkit.wipe import FLASH_NOTE

KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Everywhere", [
        ("ctrl+l", "Lock now: closes the store and clears the screen"),
        ("ctrl+t", "Switch labels between English and Burmese"),
        ("tab", "Move to the next field or button"),
        ("escape", "Go back (or close this help)"),
        ("f1", "This help"),
        ("ctrl+p", "Command palette"),
        ("ctrl+q", "Quit (locks first)"),
    ]),
    ("Home", [
        ("n", "Start a new case"),
        ("c", "List, filter and search cases"),
        ("x", "Export a bundle for a coordinator"),
        ("k", "Your key, fingerprint and QR code; trust a card"),
        ("s", "Settings (auto-lock minutes, language, search)"),
        ("i  d  f", "Coordinators: import, dashboard, cases by fieldworker"),
        ("w / f12", "Panic wipe, from home or unlock (asks you to type WIPE)"),
    ]),
    ("Cases list", [
        ("/ ctrl+f", "Search; enter runs the search"),
        ("f", "Show or hide the filters (form, status, dates, place)"),
        ("ctrl+x", "Clear every filter and the search"),
        ("enter", "Open the case under the cursor"),
    ]),
    ("Form entry and records", [
        ("f2", "Review and seal the draft"),
        ("f3", "Attachments"),
        ("f4", "Go to the next problem"),
        ("r  a", "Record: reveal sensitive fields; amend"),
    ]),
]


class HelpScreen(ModalScreen[None]):
    """A list of keys; escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("f1", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        rows = "\n\n".join(
            f"[b]{title}[/b]\n" + "\n".join(f"[b]{key:<10}[/b] {what}" for key, what in keys)
            for title, keys in KEYS
        )
        # Scrolls (arrows, page keys) when the terminal is shorter than the help.
        with VerticalScroll(id="help-box"):
            yield Static(rows, id="help-keys")
            yield Static(
                "[b]Locking and wiping[/b]\n\nThe app locks itself after the idle minutes "
                "set in Settings. A panic wipe destroys the profile without the passphrase. "
                + FLASH_NOTE,
                id="help-wipe",
            )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
