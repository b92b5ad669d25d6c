"""A draft's files: add one by typing its path or browsing, list them, remove one."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DirectoryTree, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from fieldkit import records
from fieldkit.attachments import AttachmentError, add_attachment, remove_attachment
from fieldkit.errors import FieldkitError
from fieldkit.profile import Profile
from fieldkit.tui.screens.entry_common import report
from fieldkit.tui.screens.entry_format import file_size
from fieldkit.tui.widgets.banner import banner


class AttachmentsScreen(Screen[None]):
    """Files of the draft ``record_id``, streamed into the encrypted store."""

    DEFAULT_CSS = """
    AttachmentsScreen #attach-body { padding: 0 1; }
    AttachmentsScreen #attach-list { height: auto; max-height: 10; margin-bottom: 1; }
    AttachmentsScreen #attach-add-row { height: auto; }
    AttachmentsScreen #attach-path { width: 1fr; }
    AttachmentsScreen #attach-tree { height: 1fr; min-height: 8; }
    AttachmentsScreen .attach-help { color: $text-muted; width: 100%; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete", "remove", "Remove file"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, profile: Profile, record_id: str, *, start: Path | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.record_id = record_id
        self.start = start or Path.home()
        self.files = list(records.get_record(profile, record_id).attachments)

    def compose(self) -> ComposeResult:
        yield Header()
        yield from banner(self.app)
        with Vertical(id="attach-body"):
            yield Static("Files attached to this draft (Delete removes the highlighted one):",
                         classes="attach-help", markup=False)
            yield OptionList(id="attach-list")
            yield Static("Add a file: type its full path and press Enter, or pick it below.",
                         classes="attach-help", markup=False)
            with Horizontal(id="attach-add-row"):
                yield Input(placeholder="/media/usb/photo.jpg", id="attach-path")
                yield Button("Add", id="attach-add", variant="primary")
            yield DirectoryTree(self.start, id="attach-tree")
        yield Footer()

    def on_mount(self) -> None:
        self._fill()
        self.query_one("#attach-path", Input).focus()

    def _fill(self) -> None:
        listing = self.query_one("#attach-list", OptionList)
        listing.clear_options()
        listing.add_options(
            Option(f"{ref.name}  ·  {ref.mime}  ·  {file_size(ref.size)}".replace("[", r"\["),
                   id=ref.sha256)
            for ref in self.files
        )
        if not self.files:
            listing.add_option(Option("(no files yet)", disabled=True))

    def reload(self) -> None:
        self.files = list(records.get_record(self.profile, self.record_id).attachments)
        self._fill()

    def add_path(self, path: Path) -> bool:
        """Stream the file at ``path`` into the store; False (and a message) on failure."""
        try:
            if not path.is_file():
                raise AttachmentError(
                    "There is no readable file at that path.",
                    hint="check the path, or pick the file in the list below",
                )
            try:
                with path.open("rb") as source:
                    add_attachment(self.profile.store, self.record_id, source, path.name,
                                   clock=self.profile.clock)
            except OSError:
                # The path itself may name a person or a place: it stays out of the message.
                raise AttachmentError(
                    "The file could not be read.",
                    hint="check that the file and the USB stick are readable",
                ) from None
        except FieldkitError as exc:
            report(self.app, exc)
            return False
        self.reload()
        self.notify("File attached.", timeout=2)
        return True

    @on(Input.Submitted, "#attach-path")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        self._add_typed()

    @on(Button.Pressed, "#attach-add")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._add_typed()

    def _add_typed(self) -> None:
        field = self.query_one("#attach-path", Input)
        text = field.value.strip()
        if not text:
            return
        if self.add_path(Path(text).expanduser()):
            field.value = ""

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.add_path(Path(event.path))

    def action_remove(self) -> None:
        listing = self.query_one("#attach-list", OptionList)
        if listing.highlighted is None or not self.files:
            return
        digest = listing.get_option_at_index(listing.highlighted).id
        if digest is None:
            return
        try:
            remove_attachment(self.profile.store, self.record_id, digest,
                              clock=self.profile.clock)
        except FieldkitError as exc:
            report(self.app, exc)
            return
        self.reload()
        self.notify("File removed from the draft.", timeout=2)

    def action_close(self) -> None:
        self.dismiss(None)
