"""Choose the form for a new case; enter opens it for entry."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from fieldkit.errors import FieldkitError
from fieldkit.formstore import list_forms
from fieldkit.profile import Profile
from fieldkit.tui.screens.entry_common import app_language, report
from fieldkit.tui.widgets.banner import banner
from fieldkit.tui.widgets.base import text_in

_PROMPT = {"en": "Choose a form for the new case:", "my": "ဖြစ်ရပ်သစ်အတွက် ပုံစံ ရွေးပါ:"}


class FormPickerScreen(Screen[None]):
    """Every form usable on this device (library and installed), newest version of each."""

    DEFAULT_CSS = """
    FormPickerScreen #picker-prompt { padding: 1 1 0 1; width: 100%; }
    FormPickerScreen #picker-forms { margin: 1; height: auto; max-height: 20; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Back")]

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile
        newest: dict[str, tuple[int, dict[str, str]]] = {}
        for info in list_forms(profile.store):
            if info.form_id not in newest or info.version > newest[info.form_id][0]:
                newest[info.form_id] = (info.version, info.title)
        self.forms = newest

    def compose(self) -> ComposeResult:
        lang = app_language(self.app, self.profile.settings.language)
        yield Header()
        yield from banner(self.app)
        yield Static(_PROMPT.get(lang, _PROMPT["en"]), id="picker-prompt", markup=False)
        yield OptionList(*self._options(lang), id="picker-forms")
        yield Footer()

    def _options(self, lang: str) -> list[Option]:
        return [
            Option(f"{text_in(title, lang)}  (v{version})".replace("[", r"\["), id=form_id)
            for form_id, (version, title) in sorted(self.forms.items())
        ]

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        if hasattr(self.app, "language"):
            self.watch(self.app, "language", self._language_changed, init=False)

    def _language_changed(self, lang: str) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(self._options(lang))
        options.highlighted = highlighted
        self.query_one("#picker-prompt", Static).update(_PROMPT.get(lang, _PROMPT["en"]))
        self.app.refresh(repaint=True, layout=True)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from fieldkit.tui.screens.entry import EntryScreen

        event.stop()
        form_id = event.option.id
        if form_id is None:
            return
        try:
            screen = EntryScreen(self.profile, form_id=form_id)
        except FieldkitError as exc:
            report(self.app, exc)
            return
        self.app.switch_screen(screen)

    def action_close(self) -> None:
        self.dismiss(None)
