"""The keys screen: this device's card, fingerprint and QR code; trusted peers; trusting a card."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Static

from fieldkit.errors import FieldkitError
from fieldkit.profile import Profile
from fieldkit.tui.qr import qr_text
from fieldkit.tui.widgets.banner import banner
from keys.card import IdentityCard, parse_card

if TYPE_CHECKING:
    from fieldkit.tui.app import FieldkitApp

MAX_CARD_BYTES = 64 * 1024


class CardFileError(FieldkitError):
    """This file cannot be read as an identity card."""

    title = "Cannot read card"
    hint = "check the path, and that you picked the card file its owner gave you"


def read_card_file(path: Path) -> str:
    """The text of a card file, refusing anything large or not text."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_CARD_BYTES + 1)
    except OSError as exc:
        raise CardFileError(f"The file {path} cannot be read ({exc.strerror}).") from None
    if len(data) > MAX_CARD_BYTES:
        raise CardFileError("This file is too large to be an identity card.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CardFileError("This file is not an identity card (it is not text).") from None


class KeysScreen(Screen[None]):
    """Own card and peers; trusting a card needs its fingerprint typed or confirmed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+o", "open_card", "Trust a card"),
        Binding("ctrl+r", "toggle_qr", "QR code"),
    ]

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile
        self.pending: tuple[str, IdentityCard] | None = None

    def compose(self) -> ComposeResult:
        yield from banner(self.app)
        yield Header()
        with VerticalScroll(id="keys"):
            yield Label("This device", classes="section")
            yield Static(id="own-card", markup=False)
            yield Static(id="own-qr", classes="hidden")
            yield Label("Trusted devices", classes="section")
            yield DataTable(id="peers", cursor_type="row", zebra_stripes=True)
            yield Label("Trust a card", classes="section")
            yield Input(placeholder="path of the card file, e.g. /media/usb/coordinator.card",
                        id="card-path")
            with Vertical(id="confirm-box", classes="hidden"):
                yield Static(id="confirm-card", markup=False)
                yield Input(placeholder="type the 30 digits its owner reads out",
                            id="confirm-digits")
                with Horizontal(id="confirm-buttons"):
                    yield Button("Trust (digits typed)", variant="primary", id="trust-typed")
                    yield Button("Every digit matches", id="trust-confirmed")
                    yield Button("Cancel", id="trust-cancel")
            yield Static("", id="keys-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#peers", DataTable)
        table.add_columns("Name", "Role", "Fingerprint", "Trusted since")
        self.refresh_keys()

    def refresh_keys(self) -> None:
        profile = self.profile
        public = profile.identity.public
        self.query_one("#own-card", Static).update(
            f"{profile.name}  ·  {profile.role}\n"
            f"Fingerprint  {public.fingerprint}\n"
            f"Recipient    {public.recipient}\n"
            "Read the fingerprint aloud to whoever trusts this device; ctrl+r shows the card "
            "as a QR code. 'fieldkit keys card -o FILE' writes the card to a file."
        )
        self.query_one("#own-qr", Static).update(qr_text(profile.card_text()))
        table = self.query_one("#peers", DataTable)
        table.clear()
        peers = profile.peers()
        for peer in peers:
            table.add_row(peer.name, peer.role, peer.fingerprint, peer.trusted_at[:10])
        if not peers:
            table.add_row("(nobody yet)", "", "", "")

    # -- trusting ----------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.query_one("#keys-message", Static).update(text)

    def _fail(self, exc: FieldkitError) -> None:
        fk: FieldkitApp = self.app  # type: ignore[assignment]
        fk.show_error(exc)

    def action_open_card(self) -> None:
        self.query_one("#card-path", Input).focus()

    def action_toggle_qr(self) -> None:
        qr = self.query_one("#own-qr", Static)
        qr.toggle_class("hidden")
        if not qr.has_class("hidden"):
            # The card's code is nearly a screen tall: bring all of it into view.
            self.call_after_refresh(qr.scroll_visible, top=True, animate=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "card-path":
            self.read_card(event.value.strip())
        elif event.input.id == "confirm-digits":
            self.trust_pending(typed=event.value)

    def read_card(self, raw_path: str) -> None:
        """Read and check the card, then show it and ask for the fingerprint."""
        if not raw_path:
            self._say("Type the path of the card file first.")
            return
        try:
            text = read_card_file(Path(raw_path).expanduser())
            card = parse_card(text)
        except FieldkitError as exc:
            self._fail(exc)
            return
        self.pending = (text, card)
        self.query_one("#confirm-card", Static).update(
            f"Card of {card.name} ({card.role})\n"
            f"Fingerprint on the card:  {card.fingerprint}\n"
            "Ask its owner to read their fingerprint aloud (in person or by a call you "
            "trust). Type the digits they read, or choose 'Every digit matches' if each "
            "digit is the same as above."
        )
        self.query_one("#confirm-box").remove_class("hidden")
        self.query_one("#confirm-digits", Input).focus()
        self._say("")

    def trust_pending(self, *, typed: str | None = None, confirmed: bool = False) -> None:
        if self.pending is None:
            return
        text, card = self.pending
        if not confirmed and not (typed or "").strip():
            self._say("Type the digits its owner reads out, or confirm that every digit matches.")
            return
        try:
            peer = self.profile.trust(text, card.fingerprint if confirmed else typed)
        except FieldkitError as exc:
            self.query_one("#confirm-digits", Input).value = ""
            self._fail(exc)
            return
        self._reset_trust()
        self.refresh_keys()
        self._say(f"Trusted {peer.name} ({peer.role}).")

    def _reset_trust(self) -> None:
        self.pending = None
        self.query_one("#card-path", Input).value = ""
        self.query_one("#confirm-digits", Input).value = ""
        self.query_one("#confirm-box").add_class("hidden")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "trust-typed":
            self.trust_pending(typed=self.query_one("#confirm-digits", Input).value)
        elif event.button.id == "trust-confirmed":
            self.trust_pending(confirmed=True)
        elif event.button.id == "trust-cancel":
            self._reset_trust()
            self._say("Nothing was trusted.")

    def action_back(self) -> None:
        self.app.pop_screen()
