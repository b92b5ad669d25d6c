"""The home screen: who this device is, what it holds, and where to go next."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Header, Static

from fieldkit.profile import Profile
from fieldkit.status import last_export, profile_counts
from fieldkit.tui.keybar import KeyBar
from fieldkit.tui.screens.base import AppScreen
from fieldkit.tui.widgets.banner import banner

if TYPE_CHECKING:
    pass


def home_counts(profile: Profile) -> list[tuple[str, str]]:
    """The lines of counts home shows, as (label, value)."""
    counts = profile_counts(profile)
    lines = [("Drafts", counts["drafts"]), ("Sealed", counts["sealed"]),
             ("Undelivered", counts["undelivered"])]
    if profile.role == "coordinator" or counts["imported"]:
        lines.append(("Imported", counts["imported"]))
    lines.append(("Trusted peers", counts["trusted_peers"]))
    out = [(label, f"{value:,}") for label, value in lines]
    out.append(("Last export", last_export(profile) or "never"))
    return out


MENU = """\
n  start a new case             c  list and search cases
x  export a bundle for a coordinator
k  keys and trust               s  settings

Coordinators
i  import bundles or receipts   d  dashboard
f  cases by fieldworker

w  panic wipe    ctrl+l  lock now    ctrl+t  English / Burmese    f1  help"""


class HomeScreen(AppScreen[None]):
    """Profile name, role, fingerprint, counts, and the keys to every other screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_case", "New case"),
        Binding("c", "cases", "Cases"),
        Binding("k", "keys", "Keys"),
        Binding("s", "settings", "Settings"),
        Binding("x", "export", "Export"),
        # The menu on screen lists these; the footer keeps room for lock and language.
        Binding("w", "wipe", "Panic wipe", show=False),
        Binding("i", "import", "Import", show=False),
        Binding("d", "dashboard", "Dashboard", show=False),
        Binding("f", "fieldworkers", "Fieldworkers", show=False),
    ]

    def __init__(self, profile: Profile, *, banner: str | None = None) -> None:
        super().__init__()
        self.profile = profile

    def compose(self) -> ComposeResult:
        yield from banner(self.app)
        yield Header()
        with Vertical(id="home"):
            yield Static(id="home-profile", markup=False)
            yield Static(id="home-counts", markup=False)
            yield Static(MENU, id="home-menu", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.refresh_status()

    def on_screen_resume(self) -> None:
        # Counts change after entry, sealing or trusting on other screens.
        if self.profile.store.is_open:
            self.refresh_status()

    def refresh_status(self) -> None:
        profile = self.profile
        self.query_one("#home-profile", Static).update(
            f"{profile.name}  ·  {profile.role}\nFingerprint  {profile.fingerprint}"
        )
        lines = [f"{label:<16}{value}" for label, value in home_counts(profile)]
        self.query_one("#home-counts", Static).update("\n".join(lines))

    # -- navigation --------------------------------------------------------------

    # Screens are imported when first opened: the app starts faster without them.
    def action_new_case(self) -> None:
        from fieldkit.tui.screens.form_picker import FormPickerScreen

        self.fk_app.open_screen(lambda: FormPickerScreen(self.profile))

    def action_cases(self) -> None:
        from fieldkit.tui.screens.cases import CasesScreen

        self.fk_app.open_screen(lambda: CasesScreen(self.profile))

    def action_keys(self) -> None:
        from fieldkit.tui.screens.keys import KeysScreen

        self.fk_app.open_screen(lambda: KeysScreen(self.profile))

    def action_settings(self) -> None:
        from fieldkit.tui.screens.settings import SettingsScreen

        self.fk_app.open_screen(lambda: SettingsScreen(self.profile))

    def action_wipe(self) -> None:
        from fieldkit.tui.screens.wipe import WipeScreen

        self.fk_app.open_screen(WipeScreen)

    def action_export(self) -> None:
        from fieldkit.tui.screens.export import ExportScreen

        self.fk_app.open_screen(lambda: ExportScreen(self.profile))

    def action_import(self) -> None:
        from fieldkit.tui.screens.import_ import ImportScreen

        self.fk_app.open_screen(lambda: ImportScreen(self.profile))

    def action_dashboard(self) -> None:
        from fieldkit.tui.screens.dashboard import DashboardScreen

        self.fk_app.open_screen(lambda: DashboardScreen(self.profile))

    def action_fieldworkers(self) -> None:
        from fieldkit.tui.screens.peers_cases import FieldworkersScreen

        self.fk_app.open_screen(lambda: FieldworkersScreen(self.profile))
