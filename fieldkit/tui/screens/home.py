"""The home screen: who this device is, what it holds, and where to go next."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from fieldkit.profile import Profile
from fieldkit.tui.widgets.banner import banner

if TYPE_CHECKING:
    from fieldkit.tui.app import FieldkitApp


def _table_exists(profile: Profile, name: str) -> bool:
    row = profile.store.query_one(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    )
    return row is not None


def _count(profile: Profile, sql: str) -> int:
    row = profile.store.query_one(sql)
    return int(row[0]) if row and row[0] is not None else 0


def last_export(profile: Profile) -> str | None:
    """When this device last exported a bundle, if the schema records exports yet."""
    if not _table_exists(profile, "exports"):
        return None
    columns = {str(r[1]) for r in profile.store.query("PRAGMA table_info(exports)")}
    for column in ("created_at", "exported_at", "at"):
        if column in columns:
            row = profile.store.query_one(f"SELECT max({column}) FROM exports")
            return str(row[0]) if row and row[0] is not None else None
    return None


def home_counts(profile: Profile) -> dict[str, int]:
    """Drafts, sealed and undelivered records, and trusted peers."""
    counts = {"drafts": 0, "sealed": 0, "undelivered": 0}
    if _table_exists(profile, "records"):
        counts["drafts"] = _count(profile, "SELECT count(*) FROM records WHERE status = 'draft'")
        counts["sealed"] = _count(
            profile, "SELECT count(*) FROM records WHERE status = 'sealed'"
        )
        counts["undelivered"] = _count(
            profile,
            "SELECT count(*) FROM records WHERE status = 'sealed' AND origin = 'local'"
            " AND delivered_at IS NULL",
        )
    counts["trusted peers"] = _count(
        profile, "SELECT count(*) FROM peers WHERE revoked_at IS NULL"
    )
    return counts


class HomeScreen(Screen[None]):
    """Profile name, role, fingerprint, counts, and the keys to every other screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_case", "New case"),
        Binding("c", "cases", "Cases"),
        Binding("k", "keys", "Keys"),
        Binding("s", "settings", "Settings"),
        Binding("w", "wipe", "Panic wipe"),
        Binding("x", "export", "Export"),
        Binding("i", "import", "Import"),
        Binding("d", "dashboard", "Dashboard"),
        Binding("f", "fieldworkers", "Fieldworkers"),
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
            yield Static(
                "n  start a new case      c  list and search cases\n"
                "k  keys and trust        s  settings\n"
                "x  export a bundle       i  import bundles or receipts\n"
                "d  dashboard             f  cases by fieldworker\n"
                "w  panic wipe            ctrl+l  lock now      f1  help",
                id="home-menu",
                markup=False,
            )
        yield Footer()

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
        lines = [f"{label.capitalize():<16}{value}" for label, value in
                 home_counts(profile).items()]
        lines.append(f"{'Last export':<16}{last_export(profile) or 'never'}")
        self.query_one("#home-counts", Static).update("\n".join(lines))

    # -- navigation --------------------------------------------------------------

    @property
    def fk_app(self) -> FieldkitApp:
        return self.app  # type: ignore[return-value]

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
