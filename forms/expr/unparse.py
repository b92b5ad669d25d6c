"""Writes a syntax tree back as canonical text, and lists the fields it uses."""

from __future__ import annotations

from decimal import Decimal

from forms.expr.nodes import (
    BINARY_PRECEDENCE,
    UNARY_PRECEDENCE,
    Binary,
    Call,
    Current,
    Expr,
    FieldRef,
    Literal,
    Unary,
    precedence,
)


def unparse(expr: Expr) -> str:
    """Canonical text for ``expr``: single spaces around binary operators, minimal parentheses.

    ``parse(unparse(e)) == e`` for every tree ``parse`` can produce.
    """
    if isinstance(expr, Binary):
        return _binary(expr)
    if isinstance(expr, Literal):
        return _literal(expr.value)
    if isinstance(expr, FieldRef):
        return f"${{{expr.name}}}"
    if isinstance(expr, Current):
        return "."
    if isinstance(expr, Unary):
        return f"{expr.op}{_wrap(expr.operand, precedence(expr.operand) < UNARY_PRECEDENCE)}"
    return f"{expr.name}({', '.join(unparse(arg) for arg in expr.args)})"


def _binary(expr: Binary) -> str:
    # Walk down the left spine without recursion: a sum of a thousand terms
    # is a tree a thousand levels deep on its left side.
    chain = [expr]
    while True:
        node = chain[-1]
        left = node.left
        if isinstance(left, Binary) and precedence(left) >= BINARY_PRECEDENCE[node.op]:
            chain.append(left)
        else:
            break
    deepest = chain[-1]
    text = _wrap(deepest.left, precedence(deepest.left) < BINARY_PRECEDENCE[deepest.op])
    for node in reversed(chain):
        strength = BINARY_PRECEDENCE[node.op]
        text += f" {node.op} " + _wrap(node.right, precedence(node.right) <= strength)
    return text


def _wrap(expr: Expr, parenthesise: bool) -> str:
    text = unparse(expr)
    return f"({text})" if parenthesise else text


def _literal(value: int | Decimal | str) -> str:
    if isinstance(value, str):
        # XPath strings have no escapes; Literal refuses strings with both quotes.
        return f'"{value}"' if "'" in value else f"'{value}'"
    if isinstance(value, Decimal):
        text = format(value, "f")
        # Keep the decimal point so the text parses back to a Decimal, not an int.
        return text if "." in text else text + ".0"
    return str(value)


def references(expr: Expr) -> frozenset[str]:
    """The names of the fields ``expr`` refers to with ``${...}``."""
    names: set[str] = set()
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, FieldRef):
            names.add(node.name)
        elif isinstance(node, Binary):
            stack.extend((node.left, node.right))
        elif isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Call):
            stack.extend(node.args)
    return frozenset(names)
