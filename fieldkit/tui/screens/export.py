"""The export screen: this device's sealed records as one bundle for the chosen coordinators."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    DirectoryTree,
    Footer,
    Header,
    Input,
    ProgressBar,
    Static,
)

from fieldkit.errors import FieldkitError
from fieldkit.exchange import ExportResult, NoCoordinator, TrainingProfile, export_bundle
from fieldkit.profile import Peer, Profile
from fieldkit.tui.screens.base import AppScreen
from fieldkit.tui.widgets.banner import banner

if TYPE_CHECKING:
    pass


def grouped(fingerprint: str) -> str:
    """A 30-digit fingerprint in groups of five, as people read it aloud."""
    return " ".join(fingerprint[i : i + 5] for i in range(0, len(fingerprint), 5))


def result_text(result: ExportResult | None, everything: bool) -> str:
    """What the export did, in a sentence."""
    if result is None:
        if everything:
            return "Nothing to export: this device holds no sealed records."
        return (
            "Nothing new to export: every sealed record has already gone to these "
            "coordinators. Tick 'all sealed records' to send everything again."
        )
    attachments = f" and {result.attachments} attachments" if result.attachments else ""
    return (
        f"Bundle written: {result.path.name}\n"
        f"{result.records} records{attachments}, in {result.path.parent}.\n"
        "Take this file to your coordinator; only they can open it."
    )


class ExportScreen(AppScreen[None]):
    """Choose recipients and a folder, export with a progress bar, then show the bundle's name."""

    DEFAULT_CSS = """
    ExportScreen #export-body { padding: 0 2; }
    ExportScreen .export-help { margin-top: 1; text-style: bold; }
    ExportScreen #export-dir-row { height: auto; }
    ExportScreen #export-dir { width: 1fr; }
    ExportScreen #export-tree { height: 10; border: round $primary; }
    ExportScreen #export-progress { margin-top: 1; }
    ExportScreen #export-result { margin-top: 1; height: auto; }
    ExportScreen #export-result.error { color: $error; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+e", "export", "Export", priority=True),
    ]

    def __init__(self, profile: Profile, *, start: Path | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.start = start if start is not None else Path.home()
        self.coordinators: list[Peer] = profile.peers(role="coordinator")
        self.result: ExportResult | None = None
        self.running = False

    @property
    def training(self) -> bool:
        return self.profile.role == "training"

    def compose(self) -> ComposeResult:
        yield from banner(self.app)
        yield Header()
        with VerticalScroll(id="export-body"):
            yield Static("Send to (trusted coordinators):", classes="export-help")
            for i, peer in enumerate(self.coordinators):
                yield Checkbox(f"{peer.name}  ·  {grouped(peer.public.fingerprint_digits)}",
                               value=True, id=f"recipient-{i}")
            if not self.coordinators:
                yield Static(f"{NoCoordinator.__doc__} To fix it: {NoCoordinator.hint}.",
                             markup=False, id="export-none")
            yield Checkbox("All sealed records, not only those not yet sent", id="export-all")
            yield Static("Destination folder (a USB stick, for example):",
                         classes="export-help")
            with Horizontal(id="export-dir-row"):
                yield Input(placeholder="/media/usb", id="export-dir")
                yield Button("Export", id="export-go", variant="primary")
            yield DirectoryTree(self.start, id="export-tree")
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static(id="export-result", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#export-dir", Input).focus()
        if self.training:
            self._show(f"{TrainingProfile.title}: {TrainingProfile.__doc__} "
                       "Exporting is switched off here.", error=True)
            self.query_one("#export-go", Button).disabled = True
        elif not self.coordinators:
            self.query_one("#export-go", Button).disabled = True

    # -- choosing ------------------------------------------------------------------------

    @on(DirectoryTree.DirectorySelected)
    def _picked(self, event: DirectoryTree.DirectorySelected) -> None:
        event.stop()
        self.query_one("#export-dir", Input).value = str(event.path)

    @on(DirectoryTree.FileSelected)
    def _picked_file(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()  # a bundle goes into a folder: take the file's folder
        self.query_one("#export-dir", Input).value = str(Path(event.path).parent)

    def chosen_recipients(self) -> list[str]:
        """Fingerprints (30 digits) of the ticked coordinators."""
        return [
            peer.public.fingerprint_digits
            for i, peer in enumerate(self.coordinators)
            if self.query_one(f"#recipient-{i}", Checkbox).value
        ]

    # -- exporting -----------------------------------------------------------------------

    @on(Input.Submitted, "#export-dir")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    @on(Button.Pressed, "#export-go")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        if self.running:
            return
        if self.training:
            self.fk_app.show_error(TrainingProfile())
            return
        if not self.coordinators:
            self.fk_app.show_error(NoCoordinator())
            return
        recipients = self.chosen_recipients()
        if not recipients:
            self._show("Tick at least one coordinator to send to.", error=True)
            return
        text = self.query_one("#export-dir", Input).value.strip()
        if not text:
            self._show("Type or pick the folder to write the bundle into.", error=True)
            return
        everything = self.query_one("#export-all", Checkbox).value
        self.running = True
        self.query_one("#export-go", Button).disabled = True
        self.query_one("#export-progress", ProgressBar).update(total=None, progress=0)
        self._show("Exporting…")
        self._export(Path(text).expanduser(), recipients, everything)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, folder: Path, recipients: list[str], everything: bool) -> None:
        shown = [-1]

        def progress(done: int, total: int) -> None:
            # Redraw at most once per percent: each call waits for the UI thread.
            percent = 100 * done // total if total else 100
            if percent != shown[0]:
                shown[0] = percent
                self.app.call_from_thread(self._progress, done, total)

        try:
            result = export_bundle(self.profile, folder, recipients=recipients,
                                   everything=everything, progress=progress)
        except FieldkitError as exc:
            self.app.call_from_thread(self._failed, exc)
        else:
            self.app.call_from_thread(self._done, result, everything)

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#export-progress", ProgressBar).update(total=total, progress=done)

    def _done(self, result: ExportResult | None, everything: bool) -> None:
        self.running = False
        self.result = result
        self.query_one("#export-go", Button).disabled = False
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=1, progress=1)
        self._show(result_text(result, everything))
        if result is not None:
            self.query_one("#export-tree", DirectoryTree).reload()

    def _failed(self, exc: FieldkitError) -> None:
        self.running = False
        self.query_one("#export-go", Button).disabled = False
        self.query_one("#export-progress", ProgressBar).update(total=1, progress=0)
        hint = f" What to do: {exc.hint}." if exc.hint else ""
        self._show(f"{exc.title}: {exc.message}{hint}", error=True)
        self.fk_app.show_error(exc)

    def _show(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#export-result", Static)
        widget.set_class(error, "error")
        widget.update(text)

    def action_back(self) -> None:
        self.app.pop_screen()
