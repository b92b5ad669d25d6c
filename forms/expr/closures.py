"""Expressions turned into nested closures once, so validation does not walk the tree per record.

A closure computes exactly what :func:`forms.expr.evaluate` computes for the
same tree and context; it may raise any exception where ``evaluate`` raises an
:class:`ExpressionError` (``evaluate`` turns every exception into one), so a
caller treats *any* ``Exception`` from a closure as "the rule cannot run".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from forms.expr.errors import ExpressionEvalError
from forms.expr.evaluator import Context, evaluate
from forms.expr.functions import EAGER, call_problem
from forms.expr.nodes import Binary, Call, Current, Expr, FieldRef, Literal, Unary, Value
from forms.expr.values import (
    _INT_LIMIT,
    _INT_OPS,
    arithmetic,
    compare,
    is_empty,
    negate,
    normalize,
    truthy,
)

Compiled = Callable[[Context], Value]

_COMPARE = frozenset({"=", "!=", "<", "<=", ">", ">="})
_ARITHMETIC = frozenset({"+", "-", "*", "div", "mod"})


def compile_expr(expr: Expr) -> Compiled:
    """A closure computing ``evaluate(expr, ctx)`` for any context ``ctx``."""
    try:
        return _compile(expr)
    except RecursionError:
        # Too deep to build closures for: the tree walker handles it (or fails cleanly).
        return lambda ctx: evaluate(expr, ctx)


def _raises(message: str, hint: str | None = None) -> Compiled:
    def run(ctx: Context) -> Value:
        raise ExpressionEvalError(message, hint=hint)

    return run


def _compile(expr: Expr) -> Compiled:
    if isinstance(expr, Literal):
        value = expr.value
        return lambda ctx: value
    if isinstance(expr, FieldRef):
        name = expr.name
        return lambda ctx: normalize(ctx.lookup(name))
    if isinstance(expr, Current):
        return lambda ctx: normalize(ctx.current())
    if isinstance(expr, Binary):
        return _binary(expr)
    if isinstance(expr, Unary):
        if expr.op != "-":
            return _raises(f"unknown operator '{expr.op}'")
        operand = _compile(expr.operand)
        return lambda ctx: negate(operand(ctx))
    if isinstance(expr, Call):
        return _call(expr)
    return _raises(f"not an expression node: {type(expr).__name__}")


def _binary(expr: Binary) -> Compiled:
    # The left spine is folded iteratively, as the tree walker does, so a long
    # chain of ``a + b + c ...`` does not nest closures as deep as it is long.
    chain = [expr]
    while isinstance(chain[-1].left, Binary):
        chain.append(chain[-1].left)
    first = _compile(chain[-1].left)
    steps = [_step(node.op, node.right) for node in reversed(chain)]
    if len(steps) == 1:
        direct = _compare_answer(expr)
        if direct is not None:
            return direct
        step = steps[0]
        return lambda ctx: step(first(ctx), ctx)

    def run(ctx: Context) -> Value:
        value = first(ctx)
        for step in steps:
            value = step(value, ctx)
        return value

    return run


def _literal(expr: Expr) -> str | int | None:
    """A text literal, or an integer one that compare() takes on its exact path."""
    if isinstance(expr, Literal):
        value = expr.value
        if type(value) is str or (type(value) is int and -_INT_LIMIT < value < _INT_LIMIT):
            return value
    return None


def _compare_answer(expr: Binary) -> Compiled | None:
    """``${name} = 'code'`` or ``. <= 120`` in one closure (most conditions in forms).

    A text answer against a text literal, or an exact integer against an integer
    literal, is what compare() would decide on its first lines; anything else
    goes to compare() after normalize(), as the general closures do.
    """
    op, left = expr.op, expr.left
    literal = _literal(expr.right)
    if op not in _COMPARE or literal is None or not isinstance(left, FieldRef | Current):
        return None
    test = _INT_OPS[op]
    kind = type(literal)
    if kind is str and op not in ("=", "!="):
        return None
    if isinstance(left, FieldRef):
        name = left.name

        def field(ctx: Context) -> Value:
            value = ctx.lookup(name)
            if value.__class__ is kind and (kind is str or -_INT_LIMIT < value < _INT_LIMIT):
                decided: bool = test(value, literal)
                return decided
            return compare(op, normalize(value), literal)

        return field

    def current(ctx: Context) -> Value:
        value = ctx.current()
        if value.__class__ is kind and (kind is str or -_INT_LIMIT < value < _INT_LIMIT):
            decided: bool = test(value, literal)
            return decided
        return compare(op, normalize(value), literal)

    return current


def _bool(value: Value) -> bool:
    return value if value is True or value is False else truthy(value)


def _step(op: str, right_expr: Expr) -> Callable[[Value, Context], Value]:
    right = _compile(right_expr)
    if op == "and":
        def both(left: Value, ctx: Context) -> Value:
            if not (left if left is True or left is False else truthy(left)):
                return False
            return _bool(right(ctx))

        return both
    if op == "or":
        def either(left: Value, ctx: Context) -> Value:
            if left if left is True or left is False else truthy(left):
                return True
            return _bool(right(ctx))

        return either
    literal = _literal(right_expr)
    if op in _COMPARE and literal is not None and (type(literal) is int or op in ("=", "!=")):
        test, kind = _INT_OPS[op], type(literal)

        def against(left: Value, ctx: Context) -> Value:
            if left.__class__ is kind and (kind is str or -_INT_LIMIT < left < _INT_LIMIT):
                decided: bool = test(left, literal)
                return decided
            return compare(op, left, literal)

        return against
    if op in _COMPARE:
        return lambda left, ctx: compare(op, left, right(ctx))
    if op in _ARITHMETIC:
        return lambda left, ctx: arithmetic(op, left, right(ctx))

    def unknown(left: Value, ctx: Context) -> Value:
        right(ctx)  # the walker evaluates the right side before it gives up
        raise ExpressionEvalError(f"unknown operator '{op}'")

    return unknown


def _call(expr: Call) -> Compiled:
    name, args = expr.name, expr.args
    problem = call_problem(name, args)
    if problem is not None:
        return _raises(problem.message, problem.hint)
    if name == "if":
        test, yes, no = (_compile(arg) for arg in args[:3])
        return lambda ctx: yes(ctx) if truthy(test(ctx)) else no(ctx)
    if name == "coalesce":
        first, second = _compile(args[0]), _compile(args[1])

        def coalesce(ctx: Context) -> Value:
            value = first(ctx)
            return value if not is_empty(value) else second(ctx)

        return coalesce
    if name == "true":
        return lambda ctx: True
    if name == "false":
        return lambda ctx: False
    if name == "today":
        def today(ctx: Context) -> Value:
            day = ctx.today()
            return day.date() if isinstance(day, datetime.datetime) else day

        return today
    function = EAGER.get(name)
    if function is None:
        return _raises(f"unknown function '{name}'")
    parts = [_compile(arg) for arg in args]
    if len(parts) == 1:
        only = parts[0]
        return lambda ctx: function(only(ctx))
    return lambda ctx: function(*(part(ctx) for part in parts))
