"""Imported cases by fieldworker: who sent how many, then one fieldworker's cases page by page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static

from fieldkit.errors import FieldkitError
from fieldkit.profile import Profile
from fieldkit.tui.screens.base import AppScreen
from fieldkit.tui.widgets.banner import banner
from forms import location_label

if TYPE_CHECKING:
    pass

PAGE_SIZE = 200


@dataclass(frozen=True)
class Fieldworker:
    """A device whose records this one holds, with counts (no content)."""

    fingerprint: str
    name: str
    revoked: bool
    cases: int
    last_import: str | None


def fieldworkers(profile: Profile) -> list[Fieldworker]:
    """Trusted (and revoked) fieldworkers, with their sealed records here and last import."""
    counts = {
        str(author): int(n)
        for author, n in profile.store.query(
            "SELECT author, count(*) FROM records WHERE status != 'draft' GROUP BY author"
        )
    }
    last = {
        str(sender): str(at)
        for sender, at in profile.store.query(
            "SELECT sender, max(imported_at) FROM imports WHERE kind = 'records' GROUP BY sender"
        )
    }
    out = []
    for peer in profile.peers(role="fieldworker", include_revoked=True):
        fpr = peer.public.fingerprint_digits
        out.append(Fieldworker(fpr, peer.name, peer.revoked_at is not None,
                               counts.get(fpr, 0), last.get(fpr)))
    return sorted(out, key=lambda f: (-f.cases, f.name))


@dataclass(frozen=True)
class CaseLine:
    """One of a fieldworker's records, as the list shows it."""

    record_id: str
    seq: int
    form_id: str
    status: str
    sealed_at: str
    date: str | None
    township: str | None


def cases_of(profile: Profile, author: str, *, page: int = 0,
             page_size: int = PAGE_SIZE) -> tuple[int, list[CaseLine]]:
    """How many records this author has here, and one page of them (newest in the chain first)."""
    row = profile.store.query_one(
        "SELECT count(*) FROM records WHERE author = ? AND status != 'draft'", (author,)
    )
    total = int(row[0]) if row else 0
    rows = profile.store.query(
        "SELECT r.id, r.seq, r.form_id, r.status, r.sealed_at, f.date, f.township,"
        " r.supersedes IS NOT NULL FROM records r"
        " LEFT JOIN record_facets f ON f.record_id = r.id"
        " WHERE r.author = ? AND r.status != 'draft' ORDER BY r.seq DESC LIMIT ? OFFSET ?",
        (author, page_size, page * page_size),
    )
    lines = [
        CaseLine(str(r[0]), int(r[1]), str(r[2]),
                 "amendment" if r[7] and r[3] == "sealed" else str(r[3]),
                 str(r[4] or ""), r[5], r[6])
        for r in rows
    ]
    return total, lines


def _grouped(fingerprint: str) -> str:
    return " ".join(fingerprint[i : i + 5] for i in range(0, len(fingerprint), 5))


def _place(pcode: str | None, lang: str) -> str:
    if not pcode:
        return ""
    try:
        return location_label(pcode, lang)
    except KeyError:
        return pcode


class FieldworkersScreen(AppScreen[None]):
    """Every trusted fieldworker with the number of their cases here; enter lists them."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile
        self.rows: list[Fieldworker] = []

    def compose(self) -> ComposeResult:
        yield from banner(self.app)
        yield Header()
        yield Static("Cases by fieldworker. Enter lists the highlighted fieldworker's cases.",
                     id="fieldworkers-help", markup=False)
        yield DataTable(id="fieldworkers", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#fieldworkers", DataTable)
        table.add_columns("Name", "Fingerprint", "Cases", "Last import", "Status")
        self.reload()
        table.focus()

    def reload(self) -> None:
        table = self.query_one("#fieldworkers", DataTable)
        table.clear()
        self.rows = fieldworkers(self.profile)
        for fw in self.rows:
            table.add_row(fw.name, _grouped(fw.fingerprint), str(fw.cases),
                          (fw.last_import or "never")[:16],
                          "revoked" if fw.revoked else "trusted", key=fw.fingerprint)
        if not self.rows:
            self.query_one("#fieldworkers-help", Static).update(
                "No fieldworker is trusted on this device yet. Trust their cards on the keys "
                "screen (k on the home screen), then import their bundles."
            )

    def on_screen_resume(self) -> None:
        if self.profile.store.is_open:
            self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        chosen = [fw for fw in self.rows if fw.fingerprint == event.row_key.value]
        if chosen:
            self.app.push_screen(FieldworkerCasesScreen(self.profile, chosen[0]))

    def action_back(self) -> None:
        self.app.pop_screen()


class FieldworkerCasesScreen(AppScreen[None]):
    """One fieldworker's records here, a page at a time; enter opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+n", "page(1)", "Next page"),
        Binding("ctrl+p", "page(-1)", "Previous page"),
    ]

    def __init__(self, profile: Profile, fieldworker: Fieldworker) -> None:
        super().__init__()
        self.profile = profile
        self.fieldworker = fieldworker
        self.page = 0
        self.total = 0

    def compose(self) -> ComposeResult:
        yield from banner(self.app)
        yield Header()
        yield Static(id="fw-cases-title", markup=False)
        yield DataTable(id="fw-cases", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#fw-cases", DataTable)
        table.add_columns("No.", "Form", "Status", "Sealed", "Date", "Township")
        self.watch(self.app, "language", lambda _lang: self.load(), init=False)
        self.load()
        table.focus()

    def load(self) -> None:
        try:
            self.total, lines = cases_of(self.profile, self.fieldworker.fingerprint,
                                         page=self.page)
        except FieldkitError as exc:
            self.fk_app.show_error(exc)
            return
        lang = str(getattr(self.app, "language", "en"))
        table = self.query_one("#fw-cases", DataTable)
        table.clear()
        for line in lines:
            table.add_row(str(line.seq), line.form_id, line.status, line.sealed_at[:10],
                          line.date or "", _place(line.township, lang), key=line.record_id)
        pages = max(1, -(-self.total // PAGE_SIZE))
        self.query_one("#fw-cases-title", Static).update(
            f"{self.fieldworker.name}: {self.total:,} records, page {self.page + 1} of {pages}"
            " (ctrl+n / ctrl+p for more). Enter opens a record."
        )

    def action_page(self, delta: int) -> None:
        pages = max(1, -(-self.total // PAGE_SIZE))
        page = max(0, min(self.page + delta, pages - 1))
        if page != self.page:
            self.page = page
            self.load()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        record_id = event.row_key.value
        if record_id is not None:
            from fieldkit.tui.screens.record_view import RecordScreen

            self.fk_app.open_screen(lambda: RecordScreen(self.profile, record_id))

    def action_back(self) -> None:
        self.app.pop_screen()
