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
from forms.expr.values import arithmetic, compare, is_empty, negate, normalize, truthy

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
    steps = [_step(node.op, _compile(node.right)) for node in reversed(chain)]
    if len(steps) == 1:
        step = steps[0]
        return lambda ctx: step(first(ctx), ctx)

    def run(ctx: Context) -> Value:
        value = first(ctx)
        for step in steps:
            value = step(value, ctx)
        return value

    return run


def _step(op: str, right: Compiled) -> Callable[[Value, Context], Value]:
    if op == "and":
        return lambda left, ctx: truthy(left) and truthy(right(ctx))
    if op == "or":
        return lambda left, ctx: truthy(left) or truthy(right(ctx))
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
