"""The home screen: who this device is and what it holds."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from fieldkit.profile import Profile
from fieldkit.status import profile_status


class HomeScreen(Screen[None]):
    """Profile name, role, fingerprint and counts."""

    def __init__(self, profile: Profile, *, banner: str | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.banner = banner

    def compose(self) -> ComposeResult:
        yield Header()
        if self.banner:
            yield Static(self.banner, classes="banner")
        with Vertical(id="home"):
            yield Static(id="home-profile")
            yield Static(id="home-counts")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_status()

    def refresh_status(self) -> None:
        status: dict[str, Any] = profile_status(self.profile)
        self.query_one("#home-profile", Static).update(
            f"[b]{status['name']}[/b]  ·  {status['role']}\n"
            f"Fingerprint  {status['fingerprint']}"
        )
        lines = [
            f"{label.replace('_', ' ').capitalize():<18}{value}"
            for label, value in status["counts"].items()
        ]
        self.query_one("#home-counts", Static).update("\n".join(lines))
