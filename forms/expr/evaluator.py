"""Evaluates a syntax tree against the answers of a record, safely."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from forms.expr.errors import ExpressionError, ExpressionEvalError
from forms.expr.functions import EAGER, call_problem
from forms.expr.nodes import Binary, Call, Current, Expr, FieldRef, Literal, Unary, Value
from forms.expr.unparse import unparse
from forms.expr.values import arithmetic, compare, is_empty, negate, normalize, truthy


class Context(Protocol):
    """Where an expression finds answers, the current value and today's date."""

    def lookup(self, name: str) -> Value:
        """The answer to ``${name}``; None when unanswered or not relevant."""
        ...

    def current(self) -> Value:
        """The value of ``.`` (the answer being checked by a constraint)."""
        ...

    def today(self) -> datetime.date:
        """Today's date, injectable so tests can pin it."""
        ...


@dataclass
class SimpleContext:
    """A Context over a mapping of answers; fields missing from it are unanswered.

    Not frozen: a caller checking constraints may set ``current_value`` per field.
    """

    values: Mapping[str, Value] = field(default_factory=dict)
    current_value: Value = None
    today_value: datetime.date = field(default_factory=datetime.date.today)

    def lookup(self, name: str) -> Value:
        """The answer to ``${name}``, or None."""
        return self.values.get(name)

    def current(self) -> Value:
        """The value of ``.``."""
        return self.current_value

    def today(self) -> datetime.date:
        """The pinned (or construction-time) date."""
        return self.today_value


def evaluate(expr: Expr, ctx: Context) -> Value:
    """The value of ``expr`` with the answers in ``ctx``.

    Returns None, bool, int, Decimal, str, date or a tuple of codes (never a
    float). Raises only ExpressionError subclasses.
    """
    try:
        return _Evaluator(ctx).eval(expr)
    except ExpressionError as error:
        if not error.expression:
            error.expression = _safe_unparse(expr)
        raise
    except RecursionError:
        raise ExpressionEvalError(
            "expression is nested too deeply to evaluate", expression=_safe_unparse(expr)
        ) from None
    except Exception as error:
        # `from None`: the original message may quote an answer, and answers
        # must never reach a log or a traceback.
        raise ExpressionEvalError(
            f"expression could not be evaluated ({type(error).__name__})",
            expression=_safe_unparse(expr),
        ) from None


def _safe_unparse(expr: Expr) -> str:
    try:
        return unparse(expr)
    except Exception:
        return ""


class _Evaluator:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def eval(self, expr: Expr) -> Value:  # allowed: our tree walker, not Python's eval
        if isinstance(expr, Literal):
            return expr.value
        if isinstance(expr, FieldRef):
            return normalize(self.ctx.lookup(expr.name))
        if isinstance(expr, Current):
            return normalize(self.ctx.current())
        if isinstance(expr, Binary):
            return self.binary(expr)
        if isinstance(expr, Unary):
            if expr.op != "-":
                raise ExpressionEvalError(f"unknown operator '{expr.op}'")
            return negate(self.eval(expr.operand))
        if isinstance(expr, Call):
            return self.call(expr)
        raise ExpressionEvalError(f"not an expression node: {type(expr).__name__}")

    def binary(self, expr: Binary) -> Value:
        # Fold along the left spine iteratively (see unparse._binary).
        chain = [expr]
        while isinstance(chain[-1].left, Binary):
            chain.append(chain[-1].left)
        value = self.eval(chain[-1].left)
        for node in reversed(chain):
            value = self.apply(node.op, value, node.right)
        return value

    def apply(self, op: str, left: Value, right_expr: Expr) -> Value:
        if op == "and":
            return truthy(left) and truthy(self.eval(right_expr))
        if op == "or":
            return truthy(left) or truthy(self.eval(right_expr))
        right = self.eval(right_expr)
        if op in ("=", "!=", "<", "<=", ">", ">="):
            return compare(op, left, right)
        if op in ("+", "-", "*", "div", "mod"):
            return arithmetic(op, left, right)
        raise ExpressionEvalError(f"unknown operator '{op}'")

    def call(self, expr: Call) -> Value:
        name, args = expr.name, expr.args
        problem = call_problem(name, args)
        if problem is not None:
            raise ExpressionEvalError(problem.message, hint=problem.hint)
        if name == "if":
            return self.eval(args[1] if truthy(self.eval(args[0])) else args[2])
        if name == "coalesce":
            first = self.eval(args[0])
            return first if not is_empty(first) else self.eval(args[1])
        if name == "true":
            return True
        if name == "false":
            return False
        if name == "today":
            today = self.ctx.today()
            return today.date() if isinstance(today, datetime.datetime) else today
        return EAGER[name](*(self.eval(arg) for arg in args))
