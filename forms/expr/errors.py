"""Errors raised while parsing or evaluating form expressions."""

from __future__ import annotations

from keys.errors import FieldkitError


class ExpressionError(FieldkitError):
    """A form expression is not valid; the form definition needs fixing."""

    title = "Form expression problem"

    def __init__(
        self,
        message: str | None = None,
        *,
        expression: str = "",
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        # The expression is part of the form definition, never user content,
        # so it is safe to carry it in the error and show it.
        self.expression = expression
        self.column = column
        super().__init__(message, hint=hint)


class ExpressionSyntaxError(ExpressionError):
    """This form expression cannot be read; check the form definition."""

    title = "Form expression syntax error"

    def __str__(self) -> str:
        if not self.expression:
            return self.message
        # Tabs and newlines would push the caret out of line with the text.
        shown = "".join(" " if ch in "\t\r\n\f\v" else ch for ch in self.expression)
        lines = [self.message, "  " + shown]
        if self.column is not None:
            lines.append("  " + " " * (self.column - 1) + "^")
        return "\n".join(lines)


class ExpressionEvalError(ExpressionError):
    """A form expression could not be worked out with these answers."""

    title = "Form expression failed"
