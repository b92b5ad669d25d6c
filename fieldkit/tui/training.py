"""The training sandbox in the app: pick a scenario, read the testimony beside the
form, fill it with guidance, then see a per-field result and a score.

The walkthrough is the real form entry screen (same widgets, same checks,
drafts autosaved in the sandbox store) with the testimony and guidance beside
it; submitting scores the answers instead of sealing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from fieldkit.errors import FieldkitError
from fieldkit.kdf import PRODUCT, KdfParams
from fieldkit.profile import Profile
from fieldkit.training.sandbox import (
    BANNER,
    FICTION_NOTE,
    SANDBOX_PASSPHRASE,
    open_sandbox,
    reset_sandbox,
)
from fieldkit.training.scenario import Scenario, ScenarioError, load_scenarios, scenario_form
from fieldkit.training.scoring import ScoreReport, score
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.screens.entry import EntryScreen
from fieldkit.tui.screens.entry_common import app_language
from fieldkit.tui.widgets.banner import banner
from forms import Form

VERDICT_WORDS = {
    "en": {"correct": "correct", "partly": "partly", "wrong": "wrong", "missing": "missing"},
    "my": {"correct": "မှန်", "partly": "တစ်စိတ်တစ်ပိုင်း", "wrong": "မှား", "missing": "မဖြည့်ရသေး"},
}


def _text(label: dict[str, str], lang: str) -> str:
    return label.get(lang) or label.get("en") or next(iter(label.values()), "")


def field_label(form: Form, path: str, lang: str) -> str:
    """A trainee's name for a scored path: 'Victims › Status after the act'."""
    parts: list[str] = []
    for step in path.split("."):
        name = step.split("[")[0]
        try:
            parts.append(_text(form.field(name).label, lang))
        except KeyError:
            parts.append(name.replace("_", " "))
    return " › ".join(parts)


class TrainingApp(FieldkitApp):
    """The app opened on the training sandbox, with the banner on every screen."""

    def __init__(
        self,
        sandbox: Path,
        home: Path,
        scenarios_dir: Path | None = None,
        *,
        params: KdfParams = PRODUCT,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("notice", f"Training sandbox. Passphrase: {SANDBOX_PASSPHRASE}")
        super().__init__(sandbox, params=params, banner=BANNER, **kwargs)
        self.real_home = home
        self.scenarios_dir = scenarios_dir

    def on_mount(self, event: events.Mount) -> None:  # type: ignore[override]
        # Replaces FieldkitApp's unlock-first start (Textual would run both handlers):
        # no passphrase to type, the sandbox holds fictional cases only.
        event.prevent_default()
        if self._idle_check_seconds:
            self.set_interval(self._idle_check_seconds, self.check_auto_lock)
        try:
            profile = open_sandbox(self.real_home, params=self.params)
        except FieldkitError as exc:
            self.show_error(exc)
            return
        self.profile = profile
        self.apply_settings(profile.settings)
        self.touch()
        self.push_screen(ScenarioListScreen(profile, self.scenarios_dir))

    def open_profile(self, profile: Profile) -> None:
        self.profile = profile
        self.apply_settings(profile.settings)
        self.touch()
        self.switch_screen(ScenarioListScreen(profile, self.scenarios_dir))

    def reset(self) -> None:
        """Throw away every training draft and start a fresh sandbox."""
        self._close_profile()
        profile = reset_sandbox(self.real_home, params=self.params)
        self.profile = profile
        self.notify("The training sandbox is empty again.", title="Reset")


class ScenarioListScreen(Screen[None]):
    """Every scenario (built in, and the trainer's folder), and what is wrong with bad files."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start scenario", show=True),
        Binding("ctrl+r", "reset", "Reset sandbox"),
    ]

    def __init__(self, profile: Profile, scenarios_dir: Path | None) -> None:
        super().__init__()
        self.profile = profile
        self.scenarios, self.problems = load_scenarios(scenarios_dir)
        self._reset_armed = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield from banner(self.app)
        lang = app_language(self.app)
        with Vertical(id="training-list"):
            yield Static(
                "Training scenarios — choose one and press enter.\n" + FICTION_NOTE,
                id="training-intro", markup=False,
            )
            table: DataTable[str] = DataTable(id="scenarios", cursor_type="row")
            table.add_columns("Scenario", "Form")
            for scenario in self.scenarios:
                table.add_row(_text(scenario.title, lang), scenario.form.id, key=scenario.id)
            yield table
            if self.problems:
                lines = "\n".join(f"• {p}" for p in self.problems)
                yield Static(f"These scenario files could not be used:\n{lines}",
                             id="scenario-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#scenarios", DataTable).focus()

    def _selected(self) -> Scenario | None:
        table = self.query_one("#scenarios", DataTable)
        if not self.scenarios:
            return None
        return self.scenarios[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_start()

    def action_start(self) -> None:
        scenario = self._selected()
        app = self.app
        if scenario is None or not isinstance(app, FieldkitApp) or app.profile is None:
            return
        try:
            app.push_screen(WalkthroughScreen(app.profile, scenario))
        except FieldkitError as exc:
            app.show_error(exc)

    def action_reset(self) -> None:
        # Deliberate: the first ctrl+r only asks, the second one resets.
        if not self._reset_armed:
            self._reset_armed = True
            self.notify("Press ctrl+r again to delete every training draft.",
                        title="Reset sandbox?", severity="warning")
            return
        self._reset_armed = False
        app = self.app
        if isinstance(app, TrainingApp):
            app.reset()
            if app.profile is not None:
                self.profile = app.profile


class WalkthroughScreen(EntryScreen):
    """The real form entry, with the testimony and per-field guidance beside it."""

    DEFAULT_CSS = EntryScreen.DEFAULT_CSS + """
    WalkthroughScreen #walk { height: 1fr; }
    WalkthroughScreen #testimony-pane { width: 45%; border-right: solid $primary;
                                        padding: 0 1; }
    WalkthroughScreen #entry-pane { width: 1fr; }
    WalkthroughScreen #guidance.-hidden { display: none; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "submit", "Submit for scoring"),
        Binding("f5", "toggle_guidance", "Guidance"),
        Binding("f4", "next_problem", "Next problem"),
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(
        self, profile: Profile, scenario: Scenario, *, record_id: str | None = None
    ) -> None:
        # A new walkthrough starts an empty draft; record_id resumes a saved one.
        if record_id is None:
            super().__init__(profile, form_id=scenario.form.id)
        else:
            super().__init__(profile, record_id=record_id)
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        yield Header()
        yield from banner(self.app)
        self.lang = app_language(self.app, self.lang)
        with Horizontal(id="walk"):
            with VerticalScroll(id="testimony-pane"):
                yield Static(id="testimony", markup=False)
                yield Static(id="guidance", markup=False)
            with Vertical(id="entry-pane"):
                parent = super().compose()
                for widget in parent:
                    # The parent's header, banner and footer are drawn once here.
                    if isinstance(widget, Header | Footer) or "banner" in widget.classes:
                        continue
                    yield widget
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self._show_testimony()

    def _language_changed(self, lang: str) -> None:
        super()._language_changed(lang)
        self._show_testimony()

    def _show_testimony(self) -> None:
        s = self.scenario
        self.query_one("#testimony", Static).update(
            f"{_text(s.title, self.lang)}\n\n{_text(s.testimony, self.lang)}\n{FICTION_NOTE}\n"
        )
        lines = [
            f"• {_text(self.form.field(name).label, self.lang)}: {_text(label, self.lang)}"
            for name, label in s.guidance.items()
        ]
        self.query_one("#guidance", Static).update("Guidance\n" + "\n".join(lines))

    def action_toggle_guidance(self) -> None:
        self.query_one("#guidance", Static).toggle_class("-hidden")

    def action_submit(self) -> None:
        self._dirty = True if self.record_id is None else self._dirty
        if not self.save():
            return
        report = score(self.scenario, self.current_answers(), lang=self.lang)
        self.app.push_screen(ResultScreen(self.scenario, report, lang=self.lang))


class ResultScreen(Screen[None]):
    """Per-field results with guidance, the score, and what to review."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry (keep answers)"),
        Binding("escape", "retry", "Back to the form"),
        Binding("n", "scenarios", "Other scenario"),
    ]

    def __init__(self, scenario: Scenario, report: ScoreReport, *, lang: str = "en") -> None:
        super().__init__()
        self.scenario = scenario
        self.report = report
        self.lang = lang

    def compose(self) -> ComposeResult:
        yield Header()
        yield from banner(self.app)
        words = VERDICT_WORDS.get(self.lang, VERDICT_WORDS["en"])
        with VerticalScroll(id="result"):
            yield Static(
                f"{_text(self.scenario.title, self.lang)}\nScore: {self.report.score}%",
                id="score", markup=False,
            )
            table: DataTable[str] = DataTable(id="results", cursor_type="row")
            table.add_columns("Field", "Result", "Expected", "You entered")
            form = scenario_form(self.scenario)
            for item in self.report.results:
                table.add_row(field_label(form, item.field, self.lang), words[item.verdict],
                              item.expected, item.given)
            yield table
            review = self.report.to_review
            if review:
                lines = [
                    f"• {field_label(form, r.field, self.lang)} ({words[r.verdict]}):"
                    f" {_text(r.guidance, self.lang)}"
                    for r in review
                ]
                yield Static("What to review:\n" + "\n".join(lines), id="review", markup=False)
            else:
                yield Static("Everything is correct. Well done.", id="review", markup=False)
        yield Footer()

    def action_retry(self) -> None:
        self.dismiss(None)

    def action_scenarios(self) -> None:
        app = self.app
        while len(app.screen_stack) > 2 and not isinstance(app.screen, ScenarioListScreen):
            app.pop_screen()


def run(sandbox: Path, home: Path, scenarios_dir: Path | None, *, params: KdfParams) -> int:
    app = TrainingApp(sandbox, home, scenarios_dir, params=params)
    app.run()
    return int(app.return_code or 0)


__all__ = ["SANDBOX_PASSPHRASE", "ScenarioError", "TrainingApp", "run"]
