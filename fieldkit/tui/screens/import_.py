"""The import screen: bundles (coordinator) or receipts (fieldworker), one result line per file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DirectoryTree, Footer, Header, Input, ProgressBar, Static

from fieldkit.errors import FieldkitError
from fieldkit.exchange import FileOutcome, format_gaps, import_file
from fieldkit.profile import Profile
from fieldkit.tui.screens.base import AppScreen
from fieldkit.tui.widgets.banner import banner
from sync.bundle import BUNDLE_SUFFIX, PARTIAL_PREFIX

if TYPE_CHECKING:
    pass


def bundle_files(path: Path) -> list[Path]:
    """The bundle at ``path``, or every bundle file directly inside the folder ``path``."""
    if path.is_dir():
        return sorted(
            p for p in path.iterdir()
            if p.suffix == BUNDLE_SUFFIX and p.is_file() and not p.name.startswith(PARTIAL_PREFIX)
        )
    return [path] if path.is_file() else []


def outcome_text(outcome: FileOutcome) -> str:
    """One file's result in words: accepted, already imported, or rejected and why."""
    result = outcome.result
    if result is not None:
        if result.already:
            return "already imported: nothing to do"
        if result.kind == "receipt":
            return (f"receipt from {result.sender_name}: {result.records} records marked "
                    "delivered")
        text = f"accepted {result.records} records from {result.sender_name}"
        if result.duplicates:
            text += f" ({result.duplicates} already here)"
        if result.gaps:
            text += (f"; records still missing from this sender: {format_gaps(result.gaps)}"
                     " (ask for an export of all records)")
        return text
    error = outcome.error
    if error is None:  # pragma: no cover - a FileOutcome holds a result or an error
        return "not imported"
    what = "could not read" if outcome.unreadable else "rejected"
    text = f"{what}: {error.title}. {error.message}"
    if error.hint:
        text += f" What to do: {error.hint}."
    if outcome.quarantined is not None:
        text += f" A copy was kept in {outcome.quarantined}."
    return text


class ImportScreen(AppScreen[None]):
    """Choose files or a folder, import with progress, and list what happened to each file."""

    DEFAULT_CSS = """
    ImportScreen #import-body { padding: 0 2; }
    ImportScreen .import-help { margin-top: 1; text-style: bold; }
    ImportScreen #import-path-row { height: auto; }
    ImportScreen #import-path { width: 1fr; }
    ImportScreen #import-tree { height: 10; border: round $primary; }
    ImportScreen #import-progress { margin-top: 1; }
    ImportScreen #import-results { margin-top: 1; height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+o", "import", "Import"),
        Binding("ctrl+f", "fieldworkers", "Cases by fieldworker"),
    ]

    def __init__(self, profile: Profile, *, start: Path | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.start = start if start is not None else Path.home()
        self.outcomes: list[FileOutcome] = []
        self.running = False

    def compose(self) -> ComposeResult:
        coordinator = self.profile.role == "coordinator"
        what = "bundles from fieldworkers" if coordinator else "receipts from your coordinator"
        yield from banner(self.app)
        yield Header()
        with VerticalScroll(id="import-body"):
            yield Static(f"Import {what}: a bundle file, or a folder to import every "
                         f"{BUNDLE_SUFFIX} file in it.", classes="import-help", markup=False)
            with Horizontal(id="import-path-row"):
                yield Input(placeholder=f"/media/usb or /media/usb/….{BUNDLE_SUFFIX[1:]}",
                            id="import-path")
                yield Button("Import", id="import-go", variant="primary")
            yield DirectoryTree(self.start, id="import-tree")
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Static(id="import-summary", markup=False)
            yield Static(id="import-results", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    # -- choosing ------------------------------------------------------------------------

    @on(DirectoryTree.FileSelected)
    def _picked_file(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.query_one("#import-path", Input).value = str(event.path)

    @on(DirectoryTree.DirectorySelected)
    def _picked_folder(self, event: DirectoryTree.DirectorySelected) -> None:
        event.stop()
        self.query_one("#import-path", Input).value = str(event.path)

    # -- importing -----------------------------------------------------------------------

    @on(Input.Submitted, "#import-path")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_import()

    @on(Button.Pressed, "#import-go")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_import()

    def action_import(self) -> None:
        if self.running:
            return
        text = self.query_one("#import-path", Input).value.strip()
        if not text:
            self._summary("Type or pick a bundle file or a folder first.")
            return
        files = bundle_files(Path(text).expanduser())
        if not files:
            self._summary(f"No {BUNDLE_SUFFIX} bundle files there. Check the path, or pick "
                          "the file in the list below.")
            return
        self.running = True
        self.outcomes = []
        self.query_one("#import-go", Button).disabled = True
        self.query_one("#import-progress", ProgressBar).update(total=len(files), progress=0)
        self.query_one("#import-results", Static).update("")
        self._summary(f"Importing {len(files)} bundle files…")
        self._import(files)

    @work(thread=True, exclusive=True, group="import")
    def _import(self, files: list[Path]) -> None:
        # Every file is checked in full and stored all or nothing, one at a time.
        for path in files:
            try:
                outcome = import_file(self.profile, path)
            except FieldkitError as exc:  # quarantining itself failed (a full disk)
                outcome = FileOutcome(path, error=exc)
            self.app.call_from_thread(self._one_done, outcome)
        self.app.call_from_thread(self._all_done)

    def _one_done(self, outcome: FileOutcome) -> None:
        self.outcomes.append(outcome)
        self.query_one("#import-progress", ProgressBar).advance(1)
        lines = [f"{o.path.name}: {outcome_text(o)}" for o in self.outcomes]
        self.query_one("#import-results", Static).update("\n".join(lines))

    def _all_done(self) -> None:
        self.running = False
        self.query_one("#import-go", Button).disabled = False
        accepted = sum(1 for o in self.outcomes if o.result is not None and not o.result.already)
        already = sum(1 for o in self.outcomes if o.result is not None and o.result.already)
        rejected = sum(1 for o in self.outcomes if o.error is not None)
        text = f"Done: {accepted} accepted, {already} already imported, {rejected} not imported."
        if accepted and self.profile.role == "coordinator":
            text += " Press ctrl+f to see the cases by fieldworker."
        self._summary(text)

    def _summary(self, text: str) -> None:
        self.query_one("#import-summary", Static).update(text)

    def action_fieldworkers(self) -> None:
        from fieldkit.tui.screens.peers_cases import FieldworkersScreen

        self.fk_app.open_screen(lambda: FieldworkersScreen(self.profile))

    def action_back(self) -> None:
        self.app.pop_screen()
