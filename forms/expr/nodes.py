"""The expression syntax tree (frozen dataclasses) and the value types it works on."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias

#: What a field answer or an expression result can be. ``float`` is accepted
#: from callers but never produced: it is turned into ``Decimal`` on the way in
#: so that ``0.1 + 0.2 = 0.3`` holds, as form authors expect.
Value: TypeAlias = bool | int | float | Decimal | str | datetime.date | tuple[str, ...] | None

#: Binary operators and their binding strength (higher binds tighter); all
#: are left-associative, as in XPath 1.0.
BINARY_PRECEDENCE: dict[str, int] = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "div": 6,
    "mod": 6,
}
UNARY_PRECEDENCE = 7
ATOM_PRECEDENCE = 8


@dataclass(frozen=True, slots=True)
class Literal:
    """A number or string written in the expression.

    Numbers are never negative here: ``-1`` is ``Unary('-', Literal(1))``, so
    that every tree has exactly one spelling. A string may not hold both kinds
    of quote, because XPath string literals have no escapes to write it.
    """

    value: int | Decimal | str

    def __post_init__(self) -> None:
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            raise TypeError("Literal holds an int, a Decimal or a str")
        if isinstance(value, Decimal) and (not value.is_finite() or value.is_signed()):
            raise ValueError("Literal decimals are finite and not negative")
        if isinstance(value, int) and value < 0:
            raise ValueError("Literal integers are not negative")
        if isinstance(value, str) and "'" in value and '"' in value:
            raise ValueError("a string literal cannot hold both ' and \"")


@dataclass(frozen=True, slots=True)
class FieldRef:
    """``${name}``: the answer to another field."""

    name: str


@dataclass(frozen=True, slots=True)
class Current:
    """``.``: the answer to the field the expression belongs to."""


@dataclass(frozen=True, slots=True)
class Unary:
    """Unary minus (``not`` is the function ``not()``)."""

    op: str
    operand: Expr


@dataclass(frozen=True, slots=True, eq=False)
class Binary:
    """A binary operator applied to two operands."""

    op: str
    left: Expr
    right: Expr

    # A sum of hundreds of terms is a tree hundreds of levels deep on its left
    # side; the generated __eq__/__hash__ would recurse down it and overflow
    # the stack, so walk the left spine in a loop instead.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Binary):
            return NotImplemented
        a: Expr = self
        b: Expr = other
        while isinstance(a, Binary) and isinstance(b, Binary):
            if a is b:
                return True
            if a.op != b.op or a.right != b.right:
                return False
            a, b = a.left, b.left
        return a == b

    def __hash__(self) -> int:
        node: Expr = self
        spine: list[int] = []
        while isinstance(node, Binary):
            spine.append(hash((node.op, node.right)))
            node = node.left
        return hash((hash(node), *spine))


@dataclass(frozen=True, slots=True)
class Call:
    """A function call such as ``selected(${x}, 'a')``."""

    name: str
    args: tuple[Expr, ...]


Expr: TypeAlias = Literal | FieldRef | Current | Unary | Binary | Call


def precedence(expr: Expr) -> int:
    """How tightly ``expr`` binds when written out (for parenthesising)."""
    if isinstance(expr, Binary):
        return BINARY_PRECEDENCE[expr.op]
    if isinstance(expr, Unary):
        return UNARY_PRECEDENCE
    return ATOM_PRECEDENCE
