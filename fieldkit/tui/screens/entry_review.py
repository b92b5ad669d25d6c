"""Review before sealing: every answer in words, every problem left, and the Seal action."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from fieldkit import records
from fieldkit.errors import FieldkitError
from fieldkit.profile import Profile
from fieldkit.tui.screens.entry_common import report
from fieldkit.tui.screens.entry_format import answer_lines
from fieldkit.tui.widgets.banner import banner
from fieldkit.tui.widgets.base import text_in
from forms import Form

_WORDS = {
    "en": {
        "title": "Review: {form}",
        "intro": "Check every answer. Once sealed, the record is signed and can only be "
        "corrected by an amendment.",
        "problems": "Fix these before sealing (Esc goes back to the form):",
        "ready": "No problems found.",
        "seal": "Seal the record",
        "sealed": "Record sealed.",
    },
    "my": {
        "title": "စစ်ဆေးရန်: {form}",
        "intro": "အဖြေအားလုံးကို စစ်ဆေးပါ။ တံဆိပ်ခတ်ပြီးပါက လက်မှတ်ထိုးပြီးဖြစ်၍ "
        "ပြင်ဆင်ချက်ဖြင့်သာ ပြင်နိုင်ပါသည်။",
        "problems": "တံဆိပ်မခတ်မီ ဤအချက်များကို ပြင်ပါ (Esc ဖြင့် ပုံစံသို့ ပြန်သွားပါ):",
        "ready": "ပြဿနာ မတွေ့ပါ။",
        "seal": "တံဆိပ်ခတ်ရန်",
        "sealed": "တံဆိပ်ခတ်ပြီးပါပြီ။",
    },
}


class ReviewScreen(Screen[str | None]):
    """Lists the answers and seals the draft; dismisses with the sealed record's id."""

    DEFAULT_CSS = """
    ReviewScreen #review-body { padding: 0 1; }
    ReviewScreen .review-intro { color: $text-muted; margin-bottom: 1; width: 100%; }
    ReviewScreen #review-problems { color: $warning; margin-bottom: 1; width: 100%; }
    ReviewScreen #review-answers { width: 100%; }
    ReviewScreen #review-seal { margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "seal", "Seal"),
        Binding("escape", "back", "Back to the form"),
    ]

    def __init__(
        self,
        profile: Profile,
        form: Form,
        record_id: str,
        answers: dict[str, object],
        problems: list[str],
        *,
        lang: str = "en",
    ) -> None:
        super().__init__()
        self.profile = profile
        self.form = form
        self.record_id = record_id
        self.answers = answers
        self.problems = problems
        self.lang = lang

    def _words(self) -> dict[str, str]:
        return _WORDS.get(self.lang, _WORDS["en"])

    def compose(self) -> ComposeResult:
        w = self._words()
        yield Header()
        yield from banner(self.app)
        with VerticalScroll(id="review-body"):
            yield Static(w["title"].format(form=text_in(self.form.title, self.lang)),
                         classes="review-title", markup=False)
            yield Static(w["intro"], classes="review-intro", markup=False)
            yield Static(self._problem_text(), id="review-problems", markup=False)
            yield Static(self._answer_text(), id="review-answers", markup=False)
            yield Button(w["seal"], id="review-seal", variant="success",
                         disabled=bool(self.problems))
        yield Footer()

    def on_mount(self) -> None:
        button = self.query_one("#review-seal", Button)
        if not button.disabled:
            button.focus()

    def _problem_text(self) -> str:
        w = self._words()
        if not self.problems:
            return w["ready"]
        return "\n".join([w["problems"], *(f"  • {line}" for line in self.problems)])

    def _answer_text(self) -> str:
        files: dict[str, str] = {}
        try:
            files = {a.sha256: a.name for a in records.get_record(
                self.profile, self.record_id).attachments}
        except FieldkitError:
            pass
        return "\n".join(answer_lines(self.form, self.answers, self.lang, files=files))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "review-seal":
            self.action_seal()

    def action_seal(self) -> None:
        if self.problems:
            self.app.bell()
            return
        try:
            sealed = records.seal(self.profile, self.record_id)
        except records.AnswersInvalid as exc:
            # The store's check is the last word: show every problem it found.
            self.problems = [f"{error.path}: {error.message}" for error in exc.errors]
            self.query_one("#review-problems", Static).update(self._problem_text())
            self.query_one("#review-seal", Button).disabled = True
            report(self.app, exc)
            return
        except FieldkitError as exc:
            report(self.app, exc)
            return
        self.notify(self._words()["sealed"], timeout=3)
        self.dismiss(sealed.id)

    def action_back(self) -> None:
        self.dismiss(None)
