"""select_one and select_multiple over a vocabulary or the field's own choices."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult

from fieldkit.tui.widgets.base import FieldWidget, text_in
from fieldkit.tui.widgets.picker import ChoicePicker, filter_terms
from forms import Field, Term, VocabularyError, vocabulary


def field_terms(field: Field) -> list[Term]:
    """The choices a select field offers (an unknown vocabulary offers none)."""
    if isinstance(field.choices, list):
        return list(field.choices)
    if isinstance(field.choices, str):
        try:
            return list(vocabulary(field.choices).terms)
        except VocabularyError:
            return []
    return []


class SelectField(FieldWidget):
    """``select_one`` / ``select_multiple``: type to narrow the list, enter to choose."""

    def __init__(
        self, field: Field, *, lang: str = "en", prefix: str = "", value: Any = None
    ) -> None:
        super().__init__(field, lang=lang, prefix=prefix, value=value)
        self.terms = field_terms(field)
        self._labels = {term.code: term.label for term in self.terms}

    def compose_control(self) -> ComposeResult:
        multiple = self.field.type == "select_multiple"
        hint = "type to filter, enter to tick or untick" if multiple else (
            "type to filter, enter to choose"
        )
        yield ChoicePicker(self._source, self._label, multiple=multiple, placeholder=hint)

    def _label(self, code: str) -> str:
        return text_in(self._labels.get(code), self.lang) or code

    def _source(self, text: str) -> list[tuple[str, str]]:
        return filter_terms([(t.code, text_in(t.label, self.lang)) for t in self.terms], text)

    def answer(self) -> Any:
        codes = self.query_one(ChoicePicker).codes
        if self.field.type == "select_multiple":
            return list(codes) or None
        return codes[0] if codes else None

    def show_value(self, value: Any) -> None:
        if isinstance(value, list):
            codes = [str(code) for code in value]
        elif value is None:
            codes = []
        else:
            codes = [str(value)]
        self.query_one(ChoicePicker).set_codes(codes)

    def set_language(self, lang: str) -> None:
        super().set_language(lang)
        self.query_one(ChoicePicker).refresh_labels()

    @on(ChoicePicker.Changed)
    def _edited(self, event: ChoicePicker.Changed) -> None:
        event.stop()
        self.changed()
