"""What the entry screen works out from answers, without Textual: skip logic and error owners."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from forms import Form
from forms.compile import Plan
from forms.expr import ExpressionError, evaluate, truthy
from forms.expr.nodes import Value
from forms.loader import compiled_form
from forms.values import Bad, parse_value


class _Scope:
    """Answers of one level (the form or one repeat entry) as expression values."""

    def __init__(self, parent: _Scope | None, today: dt.date) -> None:
        self.parent = parent
        self.values: dict[str, Any] = {}
        self._today = today

    def lookup(self, name: str) -> Value:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.values:
                value: Value = scope.values[name]
                return value
            scope = scope.parent
        return None

    def current(self) -> Value:
        return None

    def today(self) -> dt.date:
        return self._today


def _flat(plans: list[Plan]) -> list[Plan]:
    out: list[Plan] = []
    for plan in plans:
        out.append(plan)
        if plan.type == "group":
            out.extend(_flat(plan.children))
    return out


def _is_relevant(plan: Plan, scope: _Scope) -> bool:
    if plan.relevant is None:
        return True
    try:
        return truthy(evaluate(plan.relevant, scope))
    except ExpressionError:
        # A rule that cannot run hides nothing: the fieldworker still sees the question.
        return True


def _level(
    plans: list[Plan],
    raw: Mapping[str, Any],
    parent: _Scope | None,
    prefix: str,
    today: dt.date,
    hidden: set[str],
) -> None:
    scope = _Scope(parent, today)
    for plan in _flat(plans):
        if plan.type in ("group", "note"):
            continue
        value = raw.get(plan.name, plan.field.default)
        if plan.type == "repeat":
            scope.values[plan.name] = len(value) if isinstance(value, list) else 0
            continue
        if plan.type == "calculate":
            continue
        try:
            _, expr_value = parse_value(plan, value, today)
        except Bad:
            continue
        if expr_value is not None:
            scope.values[plan.name] = expr_value
    _walk(plans, raw, scope, prefix, today, hidden, shown=True)


def _walk(
    plans: list[Plan],
    raw: Mapping[str, Any],
    scope: _Scope,
    prefix: str,
    today: dt.date,
    hidden: set[str],
    shown: bool,
) -> None:
    for plan in plans:
        path = prefix + plan.name
        here = shown and _is_relevant(plan, scope)
        if not here:
            hidden.add(path)
            scope.values[plan.name] = None
        if plan.type == "group":
            _walk(plan.children, raw, scope, prefix, today, hidden, here)
        elif plan.type == "calculate" and here and plan.calculation is not None:
            try:
                scope.values[plan.name] = evaluate(plan.calculation, scope)
            except ExpressionError:
                scope.values[plan.name] = None
        elif plan.type == "repeat" and here:
            entries = raw.get(plan.name)
            for index, entry in enumerate(entries if isinstance(entries, list) else []):
                if isinstance(entry, Mapping):
                    _level(plan.children, entry, scope, f"{path}[{index}].", today, hidden)


def hidden_paths(form: Form, answers: Mapping[str, Any], today: dt.date) -> set[str]:
    """Paths (``victims[1].age``) of the fields skip logic hides for these answers."""
    hidden: set[str] = set()
    _level(compiled_form(form).plans, answers, None, "", today, hidden)
    return hidden


def error_owner(error_path: str, widget_paths: Iterable[str]) -> str | None:
    """The widget path that should show an error at ``error_path`` (longest prefix wins).

    ``location.township`` belongs to ``location``; ``victims[0].age`` to itself;
    ``victims`` (too few entries) to the repeat.
    """
    best: str | None = None
    for path in widget_paths:
        if error_path == path or (
            error_path.startswith(path) and error_path[len(path)] in ".["
        ):
            if best is None or len(path) > len(best):
                best = path
    return best


def value_at(answers: Mapping[str, Any], path: str) -> Any:
    """The answer at a dotted path with repeat indices, or None."""
    current: Any = answers
    for part in path.split("."):
        name, _, rest = part.partition("[")
        if not isinstance(current, Mapping):
            return None
        current = current.get(name)
        while rest:
            index_text, _, rest = rest.partition("]")
            rest = rest.removeprefix("[")
            if not isinstance(current, list) or int(index_text) >= len(current):
                return None
            current = current[int(index_text)]
    return current
