"""Form entry: one widget per field, live skip logic and checks, autosave of the draft."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static

from fieldkit import records
from fieldkit.errors import FieldkitError
from fieldkit.formstore import get_form
from fieldkit.profile import Profile
from fieldkit.tui.screens.entry_common import app_language, report
from fieldkit.tui.screens.entry_logic import error_owner, hidden_paths, value_at
from fieldkit.tui.widgets.attachment import AttachmentField
from fieldkit.tui.widgets.banner import banner
from fieldkit.tui.widgets.base import FieldWidget, text_in
from fieldkit.tui.widgets.build import all_fields, build_fields, collect_answers, consent_first
from fieldkit.tui.widgets.repeat import RepeatEntry
from forms import AnswerError, Form, validate_answers

AUTOSAVE_SECONDS = 0.3
"""Saving waits this long after the last change, so typing is not one write per key."""
CHECK_SECONDS = 0.15
"""Checks and skip logic run this long after the last key: redrawing a long form's layout
on every key would make typing lag."""

_WORDS = {
    "en": {
        "new": "New draft (saved as soon as you type)",
        "saved": "Draft saved",
        "unsaved": "Saving…",
        "amends": "Amendment of {id}",
        "ready": "✓ No problems left: press F2 to review and seal.",
        "problems": "⚠ {n} answer(s) need attention before sealing (F4 goes to the next):",
    },
    "my": {
        "new": "မူကြမ်းအသစ် (စာရိုက်သည်နှင့် သိမ်းဆည်းမည်)",
        "saved": "မူကြမ်း သိမ်းဆည်းပြီး",
        "unsaved": "သိမ်းဆည်းနေသည်…",
        "amends": "{id} ၏ ပြင်ဆင်ချက်",
        "ready": "✓ ပြဿနာ မရှိတော့ပါ - စစ်ဆေးပြီး တံဆိပ်ခတ်ရန် F2 ကို နှိပ်ပါ။",
        "problems": "⚠ တံဆိပ်မခတ်မီ အဖြေ {n} ခု ပြင်ရန် လိုသည် (နောက်တစ်ခုသို့ F4):",
    },
}
SUMMARY_LINES = 5


def words(lang: str) -> dict[str, str]:
    return _WORDS.get(lang, _WORDS["en"])


class EntryScreen(Screen[None]):
    """Fill in a form: a new draft (``form_id``) or an existing one (``record_id``)."""

    DEFAULT_CSS = """
    EntryScreen #entry-head { height: auto; padding: 0 1; width: 100%; }
    EntryScreen #entry-title { text-style: bold; width: 100%; }
    EntryScreen #entry-status { color: $text-muted; width: 100%; }
    EntryScreen #entry-summary { height: auto; max-height: 8; width: 100%;
                                 padding: 0 1; background: $boost; }
    EntryScreen #entry-summary.-ready { color: $success; }
    EntryScreen #entry-summary.-problems { color: $warning; }
    EntryScreen #entry-fields { padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "review", "Review & seal"),
        Binding("f3", "attachments", "Attachments"),
        Binding("f4", "next_problem", "Next problem"),
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(
        self,
        profile: Profile,
        *,
        form_id: str | None = None,
        record_id: str | None = None,
        today: dt.date | None = None,
    ) -> None:
        super().__init__()
        self.profile = profile
        self.record_id = record_id
        self.supersedes: str | None = None
        self._today = today
        answers: dict[str, Any] = {}
        if record_id is not None:
            record = records.get_record(profile, record_id)
            if record.status != "draft":
                raise records.RecordSealed(
                    f"Record {record_id} is {record.status} and can no longer change."
                )
            self.form: Form = get_form(profile.store, record.form_id, record.form_version)
            answers = dict(record.answers or {})
            self.supersedes = record.supersedes
        elif form_id is not None:
            self.form = get_form(profile.store, form_id)
        else:
            raise FieldkitError("Choose a form first.")
        self.initial = answers
        self.answers: dict[str, Any] = answers
        self.lang: str = profile.settings.language
        self.errors: list[AnswerError] = []
        """Every problem left before sealing (required answers included)."""
        self.show_required = False
        self._dirty = False
        self._timer: Timer | None = None
        self._check_timer: Timer | None = None
        self._summary_text = ""
        self._head_text = ""

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield from banner(self.app)
        self.lang = app_language(self.app, self.lang)
        yield Static(id="entry-head", markup=False)
        yield Static(id="entry-summary", markup=False)
        with VerticalScroll(id="entry-fields"):
            yield from build_fields(consent_first(self.form.fields), self.lang, "", self.initial)
        yield Footer()

    def on_mount(self) -> None:
        self._head()
        self._attachments_changed()
        # Repeats open with their minimum number of entries: check what is on screen.
        self.answers = self.current_answers()
        self.refresh_checks()
        if hasattr(self.app, "language"):
            self.watch(self.app, "language", self._language_changed, init=False)
        self.focus_first()

    def focus_first(self) -> None:
        for widget in self.query_one("#entry-fields").query("Input, TextArea, Select, Button"):
            if widget.focusable:
                widget.focus()
                return

    def _head(self) -> None:
        w = words(self.lang)
        title = text_in(self.form.title, self.lang)
        if self.record_id is None:
            status = w["new"]
        else:
            status = w["unsaved"] if self._dirty else w["saved"]
        if self.supersedes:
            status += "  ·  " + w["amends"].format(id=self.supersedes)
        text = f"{title}\n{status}"
        if text != self._head_text:
            self._head_text = text
            self.query_one("#entry-head", Static).update(text)

    # -- the answers -----------------------------------------------------------------

    @property
    def fields_box(self) -> VerticalScroll:
        return self.query_one("#entry-fields", VerticalScroll)

    def current_answers(self) -> dict[str, Any]:
        """The answers as the widgets hold them now."""
        return collect_answers(self.fields_box)

    @on(FieldWidget.Changed)
    def _field_changed(self, event: FieldWidget.Changed) -> None:
        event.stop()
        self._dirty = True
        if self._check_timer is not None:
            self._check_timer.stop()
        self._check_timer = self.set_timer(CHECK_SECONDS, self._recheck)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_SECONDS, self.save)
        self._head()

    def _recheck(self) -> None:
        self._check_timer = None
        self.answers = self.current_answers()
        self.refresh_checks()

    def save(self) -> bool:
        """Write the draft now if anything changed; False (and the error shown) on failure."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self._dirty:
            return True
        answers = self.current_answers()
        try:
            if self.record_id is None:
                result = records.create_draft(
                    self.profile, self.form.id, answers, version=self.form.version
                )
                self.record_id = result.record_id
            else:
                records.update_draft(self.profile, self.record_id, answers)
        except FieldkitError as exc:
            report(self.app, exc)
            return False
        self._dirty = False
        if self.is_mounted:
            self._head()
        return True

    def flush(self) -> None:
        """Save pending changes at once (before the app locks or the screen goes)."""
        if self.profile.store.is_open:
            self.save()

    # -- checks ------------------------------------------------------------------------

    def refresh_checks(self) -> None:
        """Run skip logic and the form's checks; show errors next to their fields."""
        answers = self.answers
        hidden = hidden_paths(self.form, answers, self.today)
        widgets = all_fields(self.fields_box)
        for widget in widgets:
            widget.set_class(widget.path in hidden, "-hidden")
        full = validate_answers(self.form, answers, lang=self.lang, today=self.today)
        self.errors = list(full.errors)
        shown = self.errors
        if not self.show_required:
            shown = validate_answers(
                self.form, answers, lang=self.lang, today=self.today, partial=True
            ).errors
        self._show_inline(shown, [w for w in widgets if isinstance(w, FieldWidget)])
        for widget in widgets:
            if widget.field.type == "calculate" and isinstance(widget, FieldWidget):
                widget.load(value_at(full.answers, widget.path))
        self._summary()

    def _show_inline(self, errors: list[AnswerError], widgets: list[FieldWidget]) -> None:
        by_path = {widget.path: widget for widget in widgets}
        found: dict[str, tuple[str, str]] = {}
        for error in errors:
            owner = error_owner(error.path, by_path)
            if owner is not None and owner not in found:
                found[owner] = (error.message, error.path[len(owner):])
        for path, widget in by_path.items():
            message, sub = found.get(path, (None, ""))
            widget.show_error(message, sub)

    def where(self, error_path: str, widgets: list[FieldWidget] | None = None) -> str:
        """A fieldworker's name for the place of an error: 'Victims 2 › Age in years'."""
        if widgets is None:
            widgets = [w for w in all_fields(self.fields_box) if isinstance(w, FieldWidget)]
        owner = error_owner(error_path, [w.path for w in widgets])
        widget = next((w for w in widgets if w.path == owner), None)
        if widget is None:
            return error_path
        parts = [
            str(entry.query_one(".entry-title", Static).render()).strip()
            for entry in widget.ancestors
            if isinstance(entry, RepeatEntry)
        ]
        return " › ".join([*reversed(parts), text_in(widget.field.label, self.lang)])

    def problem_lines(self) -> list[str]:
        """Every remaining problem as 'where: what'."""
        widgets = [w for w in all_fields(self.fields_box) if isinstance(w, FieldWidget)]
        local = [(w.path, w.local_error()) for w in widgets if not w.has_class("-hidden")]
        lines = [f"{self.where(path, widgets)}: {text}" for path, text in local if text]
        seen = {path for path, text in local if text}
        for error in self.errors:
            if error_owner(error.path, seen) is None:
                lines.append(f"{self.where(error.path, widgets)}: {error.message}")
        return lines

    def _summary(self) -> None:
        summary = self.query_one("#entry-summary", Static)
        lines = self.problem_lines()
        w = words(self.lang)
        summary.set_class(not lines, "-ready")
        summary.set_class(bool(lines), "-problems")
        if not lines:
            text = w["ready"]
        else:
            shown = [f"  • {line}" for line in lines[:SUMMARY_LINES]]
            if len(lines) > SUMMARY_LINES:
                shown.append(f"  … +{len(lines) - SUMMARY_LINES}")
            text = "\n".join([w["problems"].format(n=len(lines)), *shown])
        # Redrawing only on a real change keeps typing fast on long forms.
        if text != self._summary_text:
            self._summary_text = text
            summary.update(text)

    # -- language ---------------------------------------------------------------------

    def _language_changed(self, lang: str) -> None:
        self.lang = lang
        for widget in all_fields(self.fields_box):
            widget.set_language(lang)
        self._head()
        self.refresh_checks()
        # Burmese marks can leave stray glyphs where the terminal and Rich disagree on
        # widths: repaint the whole screen, not just the changed regions.
        self.refresh(layout=True)
        self.app.refresh(repaint=True, layout=True)

    # -- attachments ------------------------------------------------------------------

    def _attachments_changed(self) -> None:
        files: dict[str, str] = {}
        if self.record_id is not None:
            try:
                record = records.get_record(self.profile, self.record_id)
            except FieldkitError as exc:
                report(self.app, exc)
                return
            files = {ref.sha256: ref.name for ref in record.attachments}
        for widget in self.query(AttachmentField):
            widget.set_files(files)

    # -- actions ----------------------------------------------------------------------

    def action_save(self) -> None:
        self._dirty = True if self.record_id is None else self._dirty
        if self.save():
            self.notify(words(self.lang)["saved"], timeout=2)

    def action_close(self) -> None:
        if self.save():
            self.dismiss(None)

    def action_next_problem(self) -> None:
        self.show_required = True
        self.refresh_checks()
        invalid = [
            w
            for w in all_fields(self.fields_box)
            if isinstance(w, FieldWidget) and w.error and not w.has_class("-hidden")
        ]
        if not invalid:
            return
        focused = self.focused
        start = 0
        if focused is not None:
            for index, widget in enumerate(invalid):
                if focused in widget.walk_children() or focused is widget:
                    start = index + 1
                    break
        target = invalid[start % len(invalid)]
        for control in target.query("Input, TextArea, Select, Checkbox, Button"):
            if control.focusable:
                control.focus()
                break
        self.fields_box.scroll_to_widget(target)

    def action_review(self) -> None:
        from fieldkit.tui.screens.entry_review import ReviewScreen

        self._dirty = True if self.record_id is None else self._dirty
        if not self.save():
            return
        self.show_required = True
        self.answers = self.current_answers()
        self.refresh_checks()
        assert self.record_id is not None
        self.app.push_screen(
            ReviewScreen(self.profile, self.form, self.record_id, self.answers,
                         self.problem_lines(), lang=self.lang),
            self._reviewed,
        )

    def _reviewed(self, sealed_id: str | None) -> None:
        if sealed_id is None:
            return
        from fieldkit.tui.screens.record_view import RecordScreen

        self.app.switch_screen(RecordScreen(self.profile, sealed_id))

    def action_attachments(self) -> None:
        from fieldkit.tui.screens.attachments import AttachmentsScreen

        self._dirty = True if self.record_id is None else self._dirty
        if not self.save():
            return
        assert self.record_id is not None
        self.app.push_screen(
            AttachmentsScreen(self.profile, self.record_id),
            lambda _: self._attachments_changed(),
        )
