"""One record: its answers (sensitive ones masked until revealed), files, history and amend."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from fieldkit import records
from fieldkit.errors import FieldkitError
from fieldkit.formstore import get_form
from fieldkit.profile import Profile
from fieldkit.tui.screens.entry_common import app_language, report
from fieldkit.tui.screens.entry_format import answer_lines, file_size
from fieldkit.tui.widgets.banner import banner
from fieldkit.tui.widgets.base import text_in

_WORDS = {
    "en": {
        "status": "Status: {status}", "sealed_at": "sealed {at}", "seq": "number {seq}",
        "hash": "hash {hash}", "amends": "Corrects {id}", "amended": "Corrected by {id}",
        "answers": "Answers", "files": "Attached files", "history": "History",
        "no_files": "none", "draft": "draft (F2 continues editing)",
        "masked": "Sensitive answers are hidden; press r to reveal them.",
        "revealed": "Sensitive answers are shown; press r to hide them.",
    },
    "my": {
        "status": "အခြေအနေ: {status}", "sealed_at": "တံဆိပ်ခတ်ချိန် {at}", "seq": "အမှတ် {seq}",
        "hash": "hash {hash}", "amends": "{id} ကို ပြင်ဆင်သည်", "amended": "{id} ဖြင့် ပြင်ဆင်ထားသည်",
        "answers": "အဖြေများ", "files": "ပူးတွဲဖိုင်များ", "history": "မှတ်တမ်း",
        "no_files": "မရှိ", "draft": "မူကြမ်း (ဆက်ပြင်ရန် F2)",
        "masked": "အရေးကြီးသော အဖြေများကို ဖုံးထားသည်။ ပြရန် r ကို နှိပ်ပါ။",
        "revealed": "အရေးကြီးသော အဖြေများကို ပြထားသည်။ ဖုံးရန် r ကို နှိပ်ပါ။",
    },
}


class RecordScreen(Screen[None]):
    """A record as stored: sealed (amend with a), or a draft (continue with F2)."""

    DEFAULT_CSS = """
    RecordScreen #record-body { padding: 0 1; }
    RecordScreen .record-section { text-style: bold; color: $primary; margin-top: 1; width: 100%; }
    RecordScreen Static { width: 100%; }
    RecordScreen #record-mask { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reveal", "Reveal/hide sensitive"),
        Binding("a", "amend", "Amend"),
        Binding("f2", "edit", "Continue draft"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, profile: Profile, record_id: str) -> None:
        super().__init__()
        self.profile = profile
        self.record_id = record_id
        self.record = records.get_record(profile, record_id)
        self.form = get_form(profile.store, self.record.form_id, self.record.form_version)
        self.revealed = False
        self.lang: str = profile.settings.language

    def _words(self) -> dict[str, str]:
        return _WORDS.get(self.lang, _WORDS["en"])

    def compose(self) -> ComposeResult:
        self.lang = app_language(self.app, self.lang)
        yield Header()
        yield from banner(self.app)
        with VerticalScroll(id="record-body"):
            yield Static(id="record-head", markup=False)
            yield Static(id="record-mask", markup=False)
            yield Static(classes="record-section", id="record-answers-title", markup=False)
            yield Static(id="record-answers", markup=False)
            yield Static(classes="record-section", id="record-files-title", markup=False)
            yield Static(id="record-files", markup=False)
            yield Static(classes="record-section", id="record-history-title", markup=False)
            yield Static(id="record-history", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.render_record()
        if hasattr(self.app, "language"):
            self.watch(self.app, "language", self._language_changed, init=False)

    def _language_changed(self, lang: str) -> None:
        self.lang = lang
        self.render_record()
        self.app.refresh(repaint=True, layout=True)

    def render_record(self) -> None:
        """Fill every part of the screen from the stored record (again)."""
        w = self._words()
        record = self.record
        status = w["draft"] if record.status == "draft" else record.status
        head = [
            f"{text_in(self.form.title, self.lang)}  ·  {record.id}",
            w["status"].format(status=status),
        ]
        if record.sealed_at:
            head.append(w["sealed_at"].format(at=record.sealed_at) + "  ·  "
                        + w["seq"].format(seq=record.seq) + "  ·  "
                        + w["hash"].format(hash=(records.record_digest_hex(record) or "")[:16]))
        if record.supersedes:
            head.append(w["amends"].format(id=record.supersedes))
        if record.superseded_by:
            head.append(w["amended"].format(id=record.superseded_by))
        self.query_one("#record-head", Static).update("\n".join(head))
        self.query_one("#record-mask", Static).update(
            w["revealed"] if self.revealed else w["masked"]
        )
        files = {a.sha256: a.name for a in record.attachments}
        self.query_one("#record-answers-title", Static).update(w["answers"])
        lines = answer_lines(
            self.form, record.answers or {}, self.lang, files=files, masked=not self.revealed
        )
        self.query_one("#record-answers", Static).update("\n".join(lines))
        self.query_one("#record-files-title", Static).update(w["files"])
        file_lines = [
            f"  {a.name if self.revealed else '•••'}  {a.mime}  {file_size(a.size)}"
            f"  {a.sha256[:12]}"
            for a in record.attachments
        ]
        self.query_one("#record-files", Static).update("\n".join(file_lines) or w["no_files"])
        self.query_one("#record-history-title", Static).update(w["history"])
        try:
            versions = records.history(self.profile, record.id)
        except FieldkitError:
            versions = [record]
        history = [
            f"  {'▶' if v.id == record.id else ' '} {v.id}  {v.status}  "
            f"{v.sealed_at or v.updated_at}"
            for v in versions
        ]
        self.query_one("#record-history", Static).update("\n".join(history))

    def reload(self) -> None:
        try:
            self.record = records.get_record(self.profile, self.record_id)
        except FieldkitError as exc:
            report(self.app, exc)
            return
        self.render_record()

    def action_reveal(self) -> None:
        self.revealed = not self.revealed
        self.render_record()

    def action_amend(self) -> None:
        from fieldkit.tui.screens.entry import EntryScreen

        if self.record.status != "sealed":
            self.notify("Only sealed records are amended; a draft is simply edited (F2).")
            return
        try:
            draft = records.start_amendment(
                self.profile, self.record.id, self.record.answers or {}
            )
            screen = EntryScreen(self.profile, record_id=draft.record_id)
        except FieldkitError as exc:
            report(self.app, exc)
            return
        self.app.push_screen(screen, lambda _: self.reload())

    def action_edit(self) -> None:
        from fieldkit.tui.screens.entry import EntryScreen

        if self.record.status != "draft":
            self.notify("This record is sealed: press a to amend it.")
            return
        try:
            screen = EntryScreen(self.profile, record_id=self.record.id)
        except FieldkitError as exc:
            report(self.app, exc)
            return
        self.app.push_screen(screen, lambda _: self.reload())

    def action_close(self) -> None:
        self.dismiss(None)
