"""The cases list: filters, full-text search and a virtual table that reads only visible pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Header, Input, Select, Static

from fieldkit.dashboard import DateRange
from fieldkit.errors import FieldkitError
from fieldkit.profile import Profile
from fieldkit.tui.case_query import (
    CaseFilter,
    CaseRow,
    CaseSource,
    describe,
    form_titles,
    place_label,
)
from fieldkit.tui.keybar import KeyBar
from fieldkit.tui.screens.base import AppScreen
from fieldkit.tui.widgets.banner import banner
from forms.locations import level_of

if TYPE_CHECKING:
    from fieldkit.tui.screens.cases_filters import FilterPanel
    from fieldkit.tui.widgets.picker import ChoicePicker

SEARCH_LIMIT = 1000
COLUMNS = (("Created", 10), ("Form", 26), ("Status", 10), ("Date", 10),
           ("State/Region", 18), ("Township", 18))


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
    return place_label(pcode, lang) if pcode else ""


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


class CasesScreen(AppScreen[None]):
    """Filter by form, status, date range, state/region and township; search; open a case.

    The first paint holds only the table, a search box and a line saying which
    filters are in force: the filter panel is built the first time ``f`` asks
    for it, so a list of any size opens at once.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("f", "filters", "Filters"),
        Binding("slash", "focus_search", "Search", show=False),
        # Priority: the filter inputs would otherwise take these keys for editing.
        Binding("ctrl+f", "focus_search", "Search", priority=True),
        Binding("ctrl+g", "focus_table", "List", priority=True),
        Binding("ctrl+x", "clear_filters", "Clear filters", priority=True),
    ]

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile
        self.source = CaseSource(profile)

    def compose(self) -> ComposeResult:
        yield from banner(self.app)
        yield Header()
        with Horizontal(id="case-bar"):
            yield Static(id="case-summary", markup=False)
            yield Input(placeholder="search (/ or ctrl+f), enter to run", id="case-search",
                        compact=True)
        yield Static(id="case-header", markup=False)
        yield CaseTable(self.source, id="case-table")
        yield Static(id="case-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(CaseTable)
        table.language = self.language
        try:
            table.form_titles = form_titles(self.profile)
        except FieldkitError as exc:
            self.fk_app.show_error(exc)
        self.watch(self.app, "language", self._language_changed, init=False)
        self._update_header()
        self._reload()
        table.focus()

    @property
    def panel(self) -> FilterPanel | None:
        """The filter panel, once it has been asked for."""
        found = self.query("#case-filters")
        return found.first() if found else None  # type: ignore[return-value]

    def _form_options(self) -> list[tuple[str, str]]:
        lang = self.language
        return [(title.get(lang) or title.get("en") or form_id, form_id)
                for form_id, title in sorted(self.query_one(CaseTable).form_titles.items())]

    def _language_changed(self, language: str) -> None:
        table = self.query_one(CaseTable)
        table.language = language
        table.refresh()
        if self.panel is not None:
            self.panel.set_language(language)
            self.panel.set_forms(self._form_options())
        self._update_summary()

    def _update_header(self) -> None:
        self.query_one("#case-header", Static).update(
            " ".join(fit(name, w) for name, w in COLUMNS)
        )

    def _update_summary(self) -> None:
        titles = dict((v, k) for k, v in self._form_options())
        summary = self.query_one("#case-summary", Static)
        # Padded to the full width: a summary that changes script leaves nothing behind.
        summary.update(fit(describe(self.source.filter, self.language, titles),
                           max(1, summary.size.width or 60)))

    def on_resize(self) -> None:
        self._update_summary()

    def _reload(self) -> None:
        table = self.query_one(CaseTable)
        try:
            table.reload()
        except FieldkitError as exc:
            self.fk_app.show_error(exc)
            return
        self._update_status()
        self._update_summary()

    def _update_status(self) -> None:
        total = self.source.count()
        searching = self.source.filter.record_ids is not None
        what = "matching the search" if searching else "cases"
        self.query_one("#case-status", Static).update(
            f"{total:,} {what}. Enter opens a case; f filters; / searches; ctrl+x clears."
        )

    # -- filters -------------------------------------------------------------------

    def action_filters(self) -> None:
        """Show the filter panel (building it the first time) and go to it; again hides it."""
        from fieldkit.tui.screens.cases_filters import FilterPanel

        panel = self.panel
        if panel is None:
            panel = FilterPanel(self._form_options(), self.language)
            self.mount(panel, after="#case-bar")
            self.call_after_refresh(lambda: panel.query_one("#filter-form").focus())
            return
        panel.display = not panel.display
        if panel.display:
            panel.query_one("#filter-form").focus()
        else:
            self.query_one(CaseTable).focus()

    def _set(self, **changes: Any) -> None:
        self.source.set_filter(self.source.filter.with_(**changes))
        self._reload()

    def on_select_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else None  # blank: any
        if event.select.id == "filter-form":
            self._set(form_id=value)
        elif event.select.id == "filter-status":
            self._set(status=value)

    def on_choice_picker_changed(self, event: ChoicePicker.Changed) -> None:
        code = event.picker.value
        if code is not None and level_of(code) == "township":
            self._set(state=None, township=code)
        else:
            self._set(state=code, township=None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "case-search":
            event.stop()
            self.run_search(event.value)
        elif event.input.id in ("filter-from", "filter-to"):
            event.stop()
            value = event.value.strip() or None
            if value is not None and not _looks_like_date(value):
                self.query_one("#case-status", Static).update(
                    "Dates: type a year (2024), a month (2024-03) or a day (2024-03-05)."
                )
                return
            current = self.source.filter
            start, end = (
                (value, current.date_to) if event.input.id == "filter-from"
                else (current.date_from, value)
            )
            try:
                DateRange(start, end)
            except FieldkitError as exc:
                self.query_one("#case-status", Static).update(f"{exc.message} {exc.hint or ''}")
                return
            self._set(date_from=start, date_to=end)
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
            hits = search(self.profile.store, query, limit=SEARCH_LIMIT, lang=self.language)
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
        if self.panel is not None:
            self.panel.clear()
        self.query_one("#case-search", Input).value = ""
        self.query_one(CaseTable).snippets = {}
        self.source.set_filter(CaseFilter())
        self._reload()

    # -- opening -----------------------------------------------------------------------

    def on_case_table_opened(self, event: CaseTable.Opened) -> None:
        row = event.row
        try:
            if row.status == "draft":
                from fieldkit.tui.screens.entry import EntryScreen

                self.app.push_screen(EntryScreen(self.profile, record_id=row.record_id))
            else:
                from fieldkit.tui.screens.record_view import RecordScreen

                self.app.push_screen(RecordScreen(self.profile, row.record_id))
        except FieldkitError as exc:
            self.fk_app.show_error(exc)

    def on_screen_resume(self) -> None:
        # A draft may have been sealed or an amendment added meanwhile.
        if self.profile.store.is_open:
            cursor = self.query_one(CaseTable).cursor
            self._reload()
            self.query_one(CaseTable)._set_cursor(cursor)

    def action_back(self) -> None:
        # From a filter or the search box, escape goes back to the list first.
        table = self.query_one(CaseTable)
        if self.focused is not table:
            table.focus()
            return
        self.app.pop_screen()


def _looks_like_date(text: str) -> bool:
    parts = text.split("-")
    lengths = [len(p) for p in parts]
    return all(p.isdigit() for p in parts) and lengths in ([4], [4, 2], [4, 2, 2])
