"""The dashboard: cases by violation type, state/region, township and month, as charts and text."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Input, Static
from textual_plotext import PlotextPlot

from fieldkit.dashboard import Counts, DateRange, dashboard_counts, parse_bound
from fieldkit.errors import FieldkitError
from fieldkit.profile import Profile
from fieldkit.tui.screens.base import AppScreen
from fieldkit.tui.widgets.banner import banner
from forms import location_label, vocabulary

if TYPE_CHECKING:
    pass

# (key, title); the key names the chart, the table and the list in Counts.
CHARTS = (
    ("violation", "Cases by violation type"),
    ("state", "Cases by state/region"),
    ("township", "Cases by township (top 10)"),
    ("month", "Cases by month"),
)
LABEL_CELLS = 30
NOT_KNOWN = {"en": "(not known)", "my": "(မသိ)"}
NO_MONTH = {"en": "(no month)", "my": "(လ မသိ)"}


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells, so a label that changes script
    (Burmese to English) overwrites all of the old one."""
    if cell_len(text) > width:
        while text and cell_len(text) > width - 1:
            text = text[:-1]
        text += "…"
    return text + " " * max(0, width - cell_len(text))


def _place(pcode: str | None, lang: str) -> str:
    if pcode is None:
        return NOT_KNOWN.get(lang, NOT_KNOWN["en"])
    try:
        return location_label(pcode, lang)
    except KeyError:
        return pcode


def _violation(code: str, lang: str) -> str:
    try:
        return vocabulary("violation_types").label(code, lang)
    except FieldkitError:
        return code


def labelled(counts: Counts, key: str, lang: str) -> list[tuple[str, int]]:
    """One chart's bars as (label in ``lang``, count)."""
    if key == "violation":
        return [(_violation(code, lang), n) for code, n in counts.by_violation]
    if key == "state":
        return [(_place(code, lang), n) for code, n in counts.by_state]
    if key == "township":
        return [(_place(code, lang), n) for code, n in counts.by_township]
    return [(month or NO_MONTH.get(lang, NO_MONTH["en"]), n) for month, n in counts.by_month]


def table_text(rows: list[tuple[str, int]]) -> str:
    """The numbers of one chart as lines of text (for screen readers, tests and copying)."""
    # The number comes first: terminals and Rich disagree on the width of many
    # Burmese marks, so anything after a Burmese label may land in the wrong column.
    if not rows:
        return fit("no cases", LABEL_CELLS + 8)
    return "\n".join(f"{n:>6}  {fit(label, LABEL_CELLS)}" for label, n in rows)


class DashboardScreen(AppScreen[None]):
    """Counts of sealed cases, filterable by a date range; numbers shown beside each chart."""

    DEFAULT_CSS = """
    DashboardScreen #dash-filter { height: 3; padding: 0 1; }
    DashboardScreen #dash-filter Static { width: auto; padding: 1 1 0 1; }
    DashboardScreen #dash-filter Input { width: 16; }
    DashboardScreen #dash-status { width: 1fr; color: $warning; }
    DashboardScreen .dash-title { text-style: bold; padding: 1 1 0 1; }
    DashboardScreen PlotextPlot { width: 100%; height: 14; }
    DashboardScreen .dash-table { width: 100%; height: auto; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+r", "clear_range", "All dates"),
        Binding("ctrl+g", "focus_charts", "Charts"),
    ]

    def __init__(self, profile: Profile, *, author: str | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.author = author
        self.date_range = DateRange()
        self.counts: Counts | None = None

    def compose(self) -> ComposeResult:
        yield from banner(self.app)
        yield Header()
        with Horizontal(id="dash-filter"):
            yield Static("From")
            yield Input(placeholder="YYYY-MM", id="dash-from", max_length=10)
            yield Static("to")
            yield Input(placeholder="YYYY-MM", id="dash-to", max_length=10)
            yield Static(id="dash-status", markup=False)
        with VerticalScroll(id="dash-body"):
            for key, title in CHARTS:
                yield Static(title, classes="dash-title", id=f"dash-title-{key}", markup=False)
                # The table goes under its chart, not beside it: on a row after a
                # Burmese label, a terminal may draw text some columns off.
                yield PlotextPlot(id=f"dash-chart-{key}")
                yield Static(id=f"dash-table-{key}", classes="dash-table", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "language", self._language_changed, init=False)
        self.query_one("#dash-from", Input).focus()
        self.refresh_counts()

    # -- counting ----------------------------------------------------------------------

    def refresh_counts(self) -> None:
        """Count again for the current date range (in a thread: 100,000 cases take a moment)."""
        self._say("Counting…")
        self._count(self.date_range)

    @work(thread=True, exclusive=True, group="dashboard")
    def _count(self, date_range: DateRange) -> None:
        try:
            counts = dashboard_counts(self.profile.store, date_range, author=self.author)
        except FieldkitError as exc:
            self.app.call_from_thread(self._failed, exc)
        else:
            self.app.call_from_thread(self.show_counts, counts)

    def _failed(self, exc: FieldkitError) -> None:
        self._say("")
        self.fk_app.show_error(exc)

    def show_counts(self, counts: Counts) -> None:
        """Draw every chart and table from ``counts``."""
        self.counts = counts
        rng = self.date_range
        span = ""
        if rng.start or rng.end:
            span = f" dated {rng.start or 'any time'} to {rng.end or 'now'}"
        self._say(f"{counts.cases:,} cases{span}.")
        self._draw()

    def _draw(self) -> None:
        counts = self.counts
        if counts is None:
            return
        lang = self.language
        for key, title in CHARTS:
            rows = labelled(counts, key, lang)
            if key == "township" and counts.townships_total > len(
                [c for c, _ in counts.by_township if c is not None]
            ):
                title = f"{title}, of {counts.townships_total}"
            self.query_one(f"#dash-title-{key}", Static).update(title)
            self.query_one(f"#dash-table-{key}", Static).update(table_text(rows))
            self._plot(self.query_one(f"#dash-chart-{key}", PlotextPlot), key, rows)

    @staticmethod
    def _plot(widget: PlotextPlot, key: str, rows: list[tuple[str, int]]) -> None:
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        if rows:
            labels = [fit(label, 18).rstrip() for label, _ in rows]
            values = [n for _, n in rows]
            # Counts are whole numbers: ticks at integers, not 0.75.
            top = max(values)
            step = max(1, -(-top // 5))
            ticks = [float(t) for t in range(0, top + step, step)]
            if key == "month":
                plt.bar(labels, values)
                plt.yticks(ticks)
            else:
                # Largest at the top: plotext draws horizontal bars bottom-up.
                plt.bar(labels[::-1], values[::-1], orientation="horizontal")
                plt.xticks(ticks)
        widget.refresh()

    def _language_changed(self, language: str) -> None:
        self._draw()

    def _say(self, text: str) -> None:
        self.query_one("#dash-status", Static).update(text)

    # -- the date range ------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            start = parse_bound(self.query_one("#dash-from", Input).value)
            end = parse_bound(self.query_one("#dash-to", Input).value)
            self.date_range = DateRange(start, end)
        except FieldkitError as exc:
            self._say(f"{exc.message} Please {exc.hint}." if exc.hint else exc.message)
            return
        self.refresh_counts()

    def action_clear_range(self) -> None:
        for field in self.query(Input):
            field.value = ""
        self.date_range = DateRange()
        self.refresh_counts()

    def action_focus_charts(self) -> None:
        self.query_one("#dash-body", VerticalScroll).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
