"""Splits expression text into tokens, each with its 1-based column."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from forms.expr.errors import ExpressionSyntaxError

MAX_LENGTH = 2000


class Kind(Enum):
    """What sort of token this is."""

    NUMBER = "number"
    STRING = "string"
    FIELD = "field"
    DOT = "dot"
    NAME = "name"
    SYMBOL = "symbol"
    END = "end"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, its text (or decoded value) and where it starts."""

    kind: Kind
    text: str
    column: int
    number: int | Decimal | None = None


# Field names follow XLSForm: a letter or underscore, then letters, digits,
# underscores, hyphens and dots. ASCII only, like XLSForm.
FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*\Z")
_FIELD = re.compile(r"\$\{([^}]*)\}")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
# A hyphen belongs to a name only when a letter follows it, so that
# ``count-selected`` is one name but ``3 mod-2`` still reads as ``mod - 2``.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*")
_SYMBOLS = ("!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "(", ")", ",")
_SPACE = " \t\r\n"


def tokenize(text: str) -> list[Token]:
    """Return the tokens of ``text``, ending with an END token."""
    if len(text) > MAX_LENGTH:
        raise ExpressionSyntaxError(
            f"expression is longer than {MAX_LENGTH} characters",
            expression=text[:80] + "…",
            hint="Split it into calculate fields.",
        )
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        column = pos + 1
        if ch in _SPACE:
            pos += 1
        elif ch in "'\"":
            end = text.find(ch, pos + 1)
            if end < 0:
                raise ExpressionSyntaxError(
                    f"unterminated string at column {column}", expression=text, column=column
                )
            tokens.append(Token(Kind.STRING, text[pos + 1 : end], column))
            pos = end + 1
        elif ch == "$":
            pos = _field(text, pos, tokens)
        elif (match := _NUMBER.match(text, pos)) is not None:
            digits = match.group()
            number: int | Decimal = Decimal(digits) if "." in digits else int(digits)
            tokens.append(Token(Kind.NUMBER, digits, column, number))
            pos = match.end()
        elif ch == ".":
            if text.startswith("..", pos):
                raise ExpressionSyntaxError(
                    f"'..' is not supported at column {column}",
                    expression=text,
                    column=column,
                    hint="Refer to other fields as ${name}.",
                )
            tokens.append(Token(Kind.DOT, ".", column))
            pos += 1
        elif (match := _NAME.match(text, pos)) is not None:
            tokens.append(Token(Kind.NAME, match.group(), column))
            pos = match.end()
        else:
            pos = _symbol(text, pos, tokens)
    tokens.append(Token(Kind.END, "", len(text) + 1))
    return tokens


def _field(text: str, pos: int, tokens: list[Token]) -> int:
    column = pos + 1
    match = _FIELD.match(text, pos)
    if match is None:
        raise ExpressionSyntaxError(
            f"expected '${{name}}' at column {column}",
            expression=text,
            column=column,
        )
    if FIELD_NAME.match(match.group(1)) is None:
        raise ExpressionSyntaxError(
            f"not a valid field name at column {column + 2}",
            expression=text,
            column=column + 2,
            hint="Field names start with a letter or '_' and use letters, digits, '_', '-', '.'.",
        )
    tokens.append(Token(Kind.FIELD, match.group(1), column))
    return match.end()


def _symbol(text: str, pos: int, tokens: list[Token]) -> int:
    column = pos + 1
    for symbol in _SYMBOLS:
        if text.startswith(symbol, pos):
            tokens.append(Token(Kind.SYMBOL, symbol, column))
            return pos + len(symbol)
    ch = text[pos]
    shown = repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"
    raise ExpressionSyntaxError(
        f"unexpected character {shown} at column {column}", expression=text, column=column
    )
