"""The cases list: filters, full-text search and a virtual table that reads only visible pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Header, Input, Select, Static

from fieldkit.errors import FieldkitError
from fieldkit.formstore import FormInfo, list_forms
from fieldkit.profile import Profile
from fieldkit.tui.case_query import CaseFilter, CaseRow, CaseSource
from fieldkit.tui.widgets.banner import banner
from forms import location_label, states, townships

if TYPE_CHECKING:
    from fieldkit.tui.app import FieldkitApp

SEARCH_LIMIT = 1000
COLUMNS = (("Created", 10), ("Form", 26), ("Status", 10), ("Date", 10),
           ("State/Region", 18), ("Township", 18))
STATUS_CHOICES = [("Draft", "draft"), ("Sealed", "sealed"), ("Purged", "purged")]


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells.

    Padding every cell to its full width means a cell that changes script (Burmese to
    English) is redrawn completely, leaving no stray glyphs behind.
    """
    if cell_len(text) > width:
        while text and cell_len(text) > width - 1:
            text = text[:-1]
        text += "…"
    return text + " " * max(0, width - cell_len(text))


def _place(pcode: str | None, lang: str) -> str:
    if not pcode:
        return ""
    try:
        return location_label(pcode, lang)
    except KeyError:
        return pcode


class CaseTable(ScrollView, can_focus=True):
    """Rows from a CaseSource, drawn line by line; only the rows on screen are read."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "open", "Open"),
    ]

    cursor: reactive[int] = reactive(0)

    class Opened(Message):
        """The user chose a row."""

        def __init__(self, row: CaseRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, source: CaseSource, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = source
        self.form_titles: dict[str, dict[str, str]] = {}
        self.snippets: dict[str, str] = {}
        self.language = "en"

    def reload(self) -> None:
        """Count again and start at the top (after a filter change or a new search)."""
        self.source.invalidate()
        total = self.source.count()
        self.virtual_size = Size(sum(w + 1 for _, w in COLUMNS) + 60, total)
        self.cursor = 0
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    @property
    def total(self) -> int:
        return self.source.count()

    def current(self) -> CaseRow | None:
        return self.source.row(self.cursor) if self.total else None

    def _line_text(self, row: CaseRow) -> str:
        lang = self.language
        titles = self.form_titles.get(row.form_id, {})
        form = titles.get(lang) or titles.get("en") or row.form_id
        status = row.status
        if row.status == "sealed" and row.supersedes:
            status = "amended"
        if row.delivered:
            status = "delivered"
        cells = [row.created_at[:10], form, status, row.date or "",
                 _place(row.state, lang), _place(row.township, lang)]
        text = " ".join(fit(c, w) for c, (_, w) in zip(cells, COLUMNS, strict=True))
        snippet = self.snippets.get(row.record_id)
        return text + (" " + snippet if snippet else "")

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        row = self.source.row(index) if index < self.total else None
        if row is None:
            return Strip.blank(width, self.rich_style)
        text = self._line_text(row)
        style = self.rich_style
        if index == self.cursor:
            style = style + Style(reverse=True)
        strip = Strip([Segment(text, style)], cell_len(text))
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()

    def _show_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def _set_cursor(self, index: int) -> None:
        total = self.total
        self.cursor = max(0, min(index, total - 1)) if total else 0
        self._show_cursor()

    def action_move(self, delta: int) -> None:
        self._set_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._set_cursor(self.cursor + direction * max(1, self.scrollable_content_region.height))

    def action_jump(self, where: int) -> None:
        self._set_cursor(where if where >= 0 else self.total - 1)

    def action_open(self) -> None:
        row = self.current()
        if row is not None:
            self.post_message(self.Opened(row))


class CasesScreen(Screen[None]):
    """Filter by form, status, date range, state/region and township; search; open a case."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        # Priority: the filter inputs would otherwise take these keys for editing.
        Binding("ctrl+f", "focus_search", "Search", priority=True),
        Binding("ctrl+g", "focus_table", "List", priority=True),
        Binding("ctrl+x", "clear_filters", "Clear filters", priority=True),
    ]

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile
        self.source = CaseSource(profile)

    @property
    def fk_app(self) -> FieldkitApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        lang = getattr(self.app, "language", "en")
        yield from banner(self.app)
        yield Header()
        with Horizontal(id="case-filters"):
            # Filled by _load_forms: parsing the form library the first time takes a
            # moment, and the list should not wait for it.
            yield Select([], prompt="Any form", id="filter-form")
            yield Select(STATUS_CHOICES, prompt="Any status", id="filter-status")
            yield Input(placeholder="from YYYY-MM-DD", id="filter-from", max_length=10)
            yield Input(placeholder="to YYYY-MM-DD", id="filter-to", max_length=10)
        with Horizontal(id="case-places"):
            yield Select(self._state_options(lang), prompt="Any state/region",
                         id="filter-state")
            yield Select([], prompt="Any township", id="filter-township", disabled=True)
            yield Input(placeholder="search (ctrl+f)", id="case-search")
        yield Static(id="case-header", markup=False)
        yield CaseTable(self.source, id="case-table")
        yield Static(id="case-status", markup=False)
        yield Footer()

    @staticmethod
    def _state_options(lang: str) -> list[tuple[str, str]]:
        return [(t.label.get(lang) or t.label.get("en") or t.code, t.code) for t in states()]

    def on_mount(self) -> None:
        table = self.query_one(CaseTable)
        table.language = getattr(self.app, "language", "en")
        self._load_forms()
        self.watch(self.app, "language", self._language_changed, init=False)
        self._update_header()
        self._reload()
        table.focus()

    @work(thread=True, exclusive=True, group="forms")
    def _load_forms(self) -> None:
        try:
            infos = list_forms(self.profile.store)
        except FieldkitError:
            return  # the list still works, showing form ids
        self.app.call_from_thread(self._forms_loaded, infos)

    def _forms_loaded(self, infos: list[FormInfo]) -> None:
        table = self.query_one(CaseTable)
        table.form_titles = {f.form_id: dict(f.title) for f in infos}
        lang = table.language
        options = [(f.title.get(lang) or f.title.get("en") or f.form_id, f.form_id)
                   for f in infos]
        self.query_one("#filter-form", Select).set_options(_unique(options))
        table.refresh()

    def _language_changed(self, language: str) -> None:
        table = self.query_one(CaseTable)
        table.language = language
        table.refresh()

    def _update_header(self) -> None:
        self.query_one("#case-header", Static).update(
            " ".join(fit(name, w) for name, w in COLUMNS)
        )

    def _reload(self) -> None:
        table = self.query_one(CaseTable)
        try:
            table.reload()
        except FieldkitError as exc:
            self.fk_app.show_error(exc)
            return
        self._update_status()

    def _update_status(self) -> None:
        total = self.source.count()
        searching = self.source.filter.record_ids is not None
        what = "matching the search" if searching else "cases"
        self.query_one("#case-status", Static).update(
            f"{total:,} {what}. Enter opens a case; ctrl+f searches; ctrl+x clears filters."
        )

    # -- filters -------------------------------------------------------------------

    def _set(self, **changes: Any) -> None:
        self.source.set_filter(self.source.filter.with_(**changes))
        self._reload()

    def on_select_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else None  # blank: any
        if event.select.id == "filter-form":
            self._set(form_id=value)
        elif event.select.id == "filter-status":
            self._set(status=value)
        elif event.select.id == "filter-state":
            township = self.query_one("#filter-township", Select)
            lang = getattr(self.app, "language", "en")
            options = [(t.label.get(lang) or t.label.get("en") or t.code, t.code)
                       for t in (townships(value) if value else [])]
            township.set_options(options)
            township.disabled = not options
            self._set(state=value, township=None)
        elif event.select.id == "filter-township":
            self._set(township=value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "case-search":
            self.run_search(event.value)
        elif event.input.id in ("filter-from", "filter-to"):
            value = event.value.strip() or None
            if value is not None and not _looks_like_date(value):
                self.query_one("#case-status", Static).update(
                    "Dates: type a year (2024), a month (2024-03) or a day (2024-03-05)."
                )
                return
            if event.input.id == "filter-from":
                self._set(date_from=value)
            else:
                self._set(date_to=value)
            self.query_one(CaseTable).focus()

    def run_search(self, query: str) -> None:
        """Narrow the list to records whose indexed text matches ``query`` (empty: all)."""
        from fieldkit.search import search

        table = self.query_one(CaseTable)
        if not query.strip():
            table.snippets = {}
            self._set(record_ids=None)
            return
        try:
            hits = search(self.profile.store, query, limit=SEARCH_LIMIT)
        except FieldkitError as exc:
            self.fk_app.show_error(exc)
            return
        table.snippets = {h.record_id: h.snippet for h in hits}
        self._set(record_ids=tuple(h.record_id for h in hits))
        table.focus()

    def action_focus_search(self) -> None:
        self.query_one("#case-search", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(CaseTable).focus()

    def action_clear_filters(self) -> None:
        for select in self.query(Select):
            select.clear()
        for field in self.query(Input):
            field.value = ""
        self.query_one(CaseTable).snippets = {}
        self.source.set_filter(CaseFilter())
        self._reload()

    # -- opening -----------------------------------------------------------------------

    def on_case_table_opened(self, event: CaseTable.Opened) -> None:
        row = event.row
        if row.status == "draft":
            self.fk_app.push_named_screen(
                "entry", "EntryScreen", self.profile, record_id=row.record_id
            )
        else:
            self.fk_app.push_named_screen("record_view", "RecordScreen", self.profile,
                                          row.record_id)

    def on_screen_resume(self) -> None:
        # A draft may have been sealed or an amendment added meanwhile.
        if self.profile.store.is_open:
            cursor = self.query_one(CaseTable).cursor
            self._reload()
            self.query_one(CaseTable)._set_cursor(cursor)

    def action_back(self) -> None:
        self.app.pop_screen()


def _unique(options: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One entry per form id (the list has one row per installed version)."""
    seen: dict[str, str] = {}
    for label, value in options:
        seen[value] = label
    return [(label, value) for value, label in seen.items()]


def _looks_like_date(text: str) -> bool:
    parts = text.split("-")
    lengths = [len(p) for p in parts]
    return all(p.isdigit() for p in parts) and lengths in ([4], [4, 2], [4, 2, 2])
