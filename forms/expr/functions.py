"""The functions an expression may call: their arities, static checks and eager bodies.

``if()``, ``coalesce()``, ``true()`` and ``false()`` need no eager body, or
must not evaluate all their arguments; the evaluator handles those itself.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from forms.expr.errors import ExpressionEvalError
from forms.expr.nodes import Expr, Literal, Value
from forms.expr.values import fit_int, to_date, to_number, to_string, truthy

MAX_PATTERN_LENGTH = 200
MAX_REGEX_INPUT = 10_000

#: name -> (fewest arguments, most arguments or None for any number)
ARITY: dict[str, tuple[int, int | None]] = {
    "true": (0, 0),
    "false": (0, 0),
    "not": (1, 1),
    "if": (3, 3),
    "coalesce": (2, 2),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "regex": (2, 2),
    "today": (0, 0),
    "int": (1, 1),
    "number": (1, 1),
    "string": (1, 1),
    "concat": (0, None),
    "date": (1, 1),
}


class Problem(NamedTuple):
    """Why a call is not valid; ``argument`` is the index of the bad argument, if one is."""

    message: str
    hint: str | None = None
    argument: int | None = None


def call_problem(name: str, args: Sequence[Expr]) -> Problem | None:
    """What is wrong with calling ``name`` on ``args``, or None."""
    arity = ARITY.get(name)
    if arity is None:
        close = difflib.get_close_matches(name, ARITY, n=1)
        hint = f"Did you mean {close[0]}()?" if close else "See docs/expressions.md."
        return Problem(f"unknown function '{name}'", hint)
    fewest, most = arity
    if len(args) < fewest or (most is not None and len(args) > most):
        if most is None:
            wanted = f"at least {fewest}"
        elif fewest == most:
            wanted = str(fewest)
        else:
            wanted = f"{fewest} to {most}"
        plural = "" if wanted == "1" else "s"
        return Problem(f"{name}() takes {wanted} argument{plural}, got {len(args)}")
    # Literal arguments can be checked now, so a bad form fails when it is
    # loaded rather than in the middle of an interview.
    if name == "regex" and isinstance(args[1], Literal):
        problem = regex_problem(to_string(args[1].value))
        if problem is not None:
            return problem._replace(argument=1)
    if name == "date" and isinstance(args[0], Literal) and isinstance(args[0].value, str):
        if to_date(args[0].value) is None:
            return Problem("date() needs a real date written as 'YYYY-MM-DD'", argument=0)
    return None


# -- regex ---------------------------------------------------------------------

# The parser behind re.compile; private but present in every CPython >= 3.11.
# It lets us see the structure of a pattern to refuse catastrophic ones.
_sre_parser: Any = importlib.import_module("re._parser")


def regex_problem(pattern: str) -> Problem | None:
    """Why ``pattern`` may not be used by regex(), or None if it may."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return Problem(f"regex() pattern is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        tree = _sre_parser.parse(pattern)
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return Problem("regex() pattern is not a valid regular expression")
    if _nested_repeat(tree, inside=False):
        return Problem(
            "regex() pattern repeats a part that itself repeats, which can hang the device",
            "Rewrite it without a repeat inside a repeat, e.g. with (?>...) or '++'.",
        )
    return None


def _nested_repeat(tree: Any, *, inside: bool) -> bool:
    # Backtracking explodes when a variable-length repeat sits inside another
    # repeat: (a+)+, (x*y?)*. Atomic groups and possessive repeats never give
    # back what they matched, so what they contain cannot explode.
    for op, av in tree:
        name = str(op)
        if name in ("ATOMIC_GROUP", "POSSESSIVE_REPEAT"):
            continue
        if name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, body = av
            variable = low != high
            if variable and inside:
                return True
            if _nested_repeat(body, inside=inside or (variable and high > 1)):
                return True
            continue
        for child in _subpatterns(av):
            if _nested_repeat(child, inside=inside):
                return True
    return False


def _subpatterns(av: Any) -> list[Any]:
    found: list[Any] = []
    items = av if isinstance(av, tuple | list) else (av,)
    for item in items:
        if isinstance(item, _sre_parser.SubPattern):
            found.append(item)
        elif isinstance(item, tuple | list):
            found.extend(_subpatterns(item))
    return found


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    problem = regex_problem(pattern)
    if problem is not None:
        raise ExpressionEvalError(problem.message, hint=problem.hint)
    return re.compile(pattern)


def _regex(value: Value, pattern: Value) -> bool:
    text = to_string(value)
    compiled = _compiled(to_string(pattern))
    if len(text) > MAX_REGEX_INPUT:
        raise ExpressionEvalError(f"regex() input is longer than {MAX_REGEX_INPUT} characters")
    # XLSForm (ODK/JavaRosa) uses find(), i.e. search semantics: anchor with ^ and $.
    return compiled.search(text) is not None


# -- the eager functions ---------------------------------------------------------


def _codes(value: Value) -> tuple[str, ...]:
    if isinstance(value, tuple):
        return value
    return tuple(to_string(value).split())


def _selected(value: Value, code: Value) -> bool:
    return to_string(code).strip() in _codes(value)


def _int(value: Value) -> Value:
    number = to_number(value)
    return None if number is None else fit_int(int(number))


def _date(value: Value) -> Value:
    return to_date(value)


EAGER: dict[str, Callable[..., Value]] = {
    "not": lambda value: not truthy(value),
    "selected": _selected,
    "count-selected": lambda value: len(_codes(value)),
    "string-length": lambda value: len(to_string(value)),
    "regex": _regex,
    "int": _int,
    "number": to_number,
    "string": to_string,
    "concat": lambda *values: "".join(to_string(value) for value in values),
    "date": _date,
}
