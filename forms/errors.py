"""Errors raised while loading form definitions and vocabularies."""

from __future__ import annotations

from keys.errors import FieldkitError


class FormError(FieldkitError):
    """This form definition is not valid."""

    title = "Form definition rejected"
    hint = "Fix the definition at the place named in the message and load it again."

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.file = file
        self.path = path
        self.line = line
        self.detail = message
        where = file or "<form>"
        if line is not None:
            where = f"{where}:{line}"
        text = f"{where}: {path}: {message}" if path else f"{where}: {message}"
        super().__init__(text, hint=hint)


class VocabularyError(FormError):
    """This vocabulary is not valid or does not exist."""

    title = "Vocabulary problem"


class UnknownForm(FormError):
    """There is no form with this id and version in the library."""

    title = "Unknown form"
