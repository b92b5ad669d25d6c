"""The consent block: what the person agreed to, how consent was obtained, and when."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label

from fieldkit.tui.widgets.base import FieldWidget, text_in
from fieldkit.tui.widgets.picker import ChoicePicker, filter_terms
from forms import Term, VocabularyError, vocabulary

_WORDS = {
    "en": {
        "scopes": "The person agrees to (tick every use they agreed to)",
        "obtained": "How consent was obtained",
        "date": "Date consent was given (YYYY-MM-DD)",
    },
    "my": {
        "scopes": "သဘောတူသည့် အသုံးပြုမှုများ (အားလုံးကို အမှတ်ခြစ်ပါ)",
        "obtained": "သဘောတူညီချက် ရယူပုံ",
        "date": "သဘောတူသည့် ရက်စွဲ (YYYY-MM-DD)",
    },
}


def _terms(vocab_id: str) -> list[Term]:
    try:
        return list(vocabulary(vocab_id).terms)
    except VocabularyError:
        return []


class ConsentField(FieldWidget):
    """``consent``: scopes, method and date; shown first on a form that has one."""

    DEFAULT_CSS = """
    ConsentField { border: round $warning; padding: 0 1; }
    ConsentField .consent-label { color: $text-muted; width: 100%; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = _terms("consent_scopes")
        self.methods = _terms("consent_methods")
        self._labels = {t.code: t.label for t in [*self.scopes, *self.methods]}

    def _words(self) -> dict[str, str]:
        return _WORDS.get(self.lang, _WORDS["en"])

    def _label(self, code: str) -> str:
        return text_in(self._labels.get(code), self.lang) or code

    def _source(self, terms: list[Term], text: str) -> list[tuple[str, str]]:
        return filter_terms([(t.code, text_in(t.label, self.lang)) for t in terms], text)

    def compose_control(self) -> ComposeResult:
        words = self._words()
        yield Label(words["scopes"], classes="consent-label consent-label-scopes")
        yield ChoicePicker(
            lambda text: self._source(self.scopes, text),
            self._label,
            multiple=True,
            classes="consent-scopes control",
        )
        yield Label(words["obtained"], classes="consent-label consent-label-obtained")
        yield ChoicePicker(
            lambda text: self._source(self.methods, text), self._label, classes="consent-obtained"
        )
        yield Label(words["date"], classes="consent-label consent-label-date")
        yield Input(placeholder="YYYY-MM-DD", classes="consent-date", compact=True)

    def answer(self) -> Any:
        scopes = self.query_one(".consent-scopes", ChoicePicker).codes
        obtained = self.query_one(".consent-obtained", ChoicePicker).value
        date = self.query_one(".consent-date", Input).value.strip() or None
        if not scopes and obtained is None and date is None:
            return None
        return {"scopes": list(scopes), "obtained": obtained, "date": date}

    def show_value(self, value: Any) -> None:
        data = value if isinstance(value, dict) else {}
        scopes = data.get("scopes")
        self.query_one(".consent-scopes", ChoicePicker).set_codes(
            [str(s) for s in scopes] if isinstance(scopes, list) else []
        )
        obtained = data.get("obtained")
        self.query_one(".consent-obtained", ChoicePicker).set_codes(
            [obtained] if isinstance(obtained, str) else []
        )
        date = data.get("date")
        self.query_one(".consent-date", Input).value = date if isinstance(date, str) else ""

    def part_name(self, sub: str) -> str | None:
        key = sub.lstrip(".").split("[")[0]
        return self._words().get(key)

    def set_language(self, lang: str) -> None:
        super().set_language(lang)
        words = self._words()
        for key in ("scopes", "obtained", "date"):
            self.query_one(f".consent-label-{key}", Label).update(words[key])
        for picker in self.query(ChoicePicker):
            picker.refresh_labels()

    @on(ChoicePicker.Changed)
    @on(Input.Changed, ".consent-date")
    def _edited(self, event: ChoicePicker.Changed | Input.Changed) -> None:
        event.stop()
        self.changed()
