"""Attachment references: pick one (or several) of the files attached to this draft."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult

from fieldkit.tui.widgets.base import FieldWidget
from fieldkit.tui.widgets.picker import ChoicePicker, filter_terms


class AttachmentField(FieldWidget):
    """``attachment``: the answer is the SHA-256 of an attached file (or a list of them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.files: dict[str, str] = {}

    def compose_control(self) -> ComposeResult:
        yield ChoicePicker(
            self._source,
            self._label,
            multiple=self.field.multiple,
            placeholder="attach files first (ctrl+a), then type to choose",
        )

    def set_files(self, files: dict[str, str]) -> None:
        """The draft's attachments, sha256 → file name."""
        self.files = dict(files)
        if self.is_mounted:
            self.query_one(ChoicePicker).refresh_labels()

    def _label(self, digest: str) -> str:
        return self.files.get(digest, digest[:12] + "…")

    def _source(self, text: str) -> list[tuple[str, str]]:
        return filter_terms(sorted(self.files.items(), key=lambda item: item[1]), text)

    def answer(self) -> Any:
        codes = self.query_one(ChoicePicker).codes
        if self.field.multiple:
            return list(codes) or None
        return codes[0] if codes else None

    def show_value(self, value: Any) -> None:
        if isinstance(value, list):
            codes = [str(v) for v in value]
        else:
            codes = [value] if isinstance(value, str) else []
        self.query_one(ChoicePicker).set_codes(codes)

    @on(ChoicePicker.Changed)
    def _edited(self, event: ChoicePicker.Changed) -> None:
        event.stop()
        self.changed()
