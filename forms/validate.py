"""Validation of a record's answers against the exact form version they were entered with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from forms.compile import Plan
from forms.expr import Expr, ExpressionError, evaluate, truthy
from forms.messages import message
from forms.model import Form
from forms.values import Bad, ExprValue, parse_value, to_json


@dataclass(frozen=True)
class AnswerError:
    """One problem with one answer: where (``victims[2].age``) and what, in the form's language."""

    path: str
    message: str


@dataclass
class ValidationResult:
    """Normalised answers, the errors found and the answers dropped as not relevant."""

    answers: dict[str, Any]
    errors: list[AnswerError] = dataclass_field(default_factory=list)
    dropped: list[str] = dataclass_field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


_NO_ANSWER = frozenset({"note", "group", "calculate"})
_ABSENT = object()


class _Scope:
    """The evaluation context of one level of answers (the form, or one repeat entry)."""

    __slots__ = ("_current", "_today", "parent", "values")

    def __init__(self, parent: _Scope | None, today: dt.date) -> None:
        self.parent = parent
        self.values: dict[str, ExprValue] = {}
        self._current: ExprValue = None
        self._today = today

    def lookup(self, name: str) -> ExprValue:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.values:
                return scope.values[name]
            scope = scope.parent
        return None

    def current(self) -> ExprValue:
        return self._current

    def today(self) -> dt.date:
        return self._today


class _Run:
    def __init__(self, lang: str, today: dt.date, partial: bool) -> None:
        self.lang = lang
        self.today = today
        self.partial = partial
        self.errors: list[AnswerError] = []
        self.dropped: list[str] = []

    def error(self, path: str, key: str, **params: Any) -> None:
        self.errors.append(AnswerError(path, message(key, self.lang, **params)))

    def check(self, expr: Expr, scope: _Scope, current: ExprValue, path: str) -> bool | None:
        """Evaluate a condition; None (and an error) when the form's rule cannot run."""
        scope._current = current
        try:
            return truthy(evaluate(expr, scope))
        except ExpressionError:
            self.error(path, "expression_failed")
            return None

    def scope(
        self,
        plans: list[Plan],
        flat: list[Plan],
        names: frozenset[str],
        raw: Mapping[str, Any],
        parent: _Scope | None,
        prefix: str,
    ) -> dict[str, Any]:
        scope = _Scope(parent, self.today)
        for key in raw:
            if key not in names:
                self.error(f"{prefix}{key}", "unknown_field")
        parsed: dict[str, Any] = {}
        bad: dict[str, Bad] = {}
        values = scope.values
        today = self.today
        # First pass: every answer typed, so expressions can see later answers too.
        for plan in flat:
            kind, name = plan.type, plan.name
            if kind in _NO_ANSWER:
                if kind != "calculate" and raw.get(name) is not None:
                    self.error(f"{prefix}{name}", "no_answer")
                continue
            value = raw.get(name, _ABSENT)
            if value is _ABSENT:
                value = plan.field.default
            if kind == "repeat":
                if value is None:
                    value = []
                if not isinstance(value, list):
                    bad[name] = Bad("expected_list")
                    value = []
                parsed[name] = value
                values[name] = len(value)
                continue
            if value is None:
                continue  # unanswered (parse_value's answer for None)
            try:
                json_value, expr_value = parse_value(plan, value, today)
            except Bad as exc:
                # Reported only if the field turns out to be relevant.
                bad[name] = exc
                continue
            if json_value is not None:
                parsed[name] = json_value
                values[name] = expr_value
        out: dict[str, Any] = {}
        self.fields(plans, raw, parsed, bad, scope, prefix, out, relevant=True)
        return out

    def fields(
        self,
        plans: list[Plan],
        raw: Mapping[str, Any],
        parsed: dict[str, Any],
        bad: dict[str, Bad],
        scope: _Scope,
        prefix: str,
        out: dict[str, Any],
        relevant: bool,
    ) -> None:
        for plan in plans:
            name, kind = plan.name, plan.type
            path = prefix + name
            here = relevant
            if here and plan.relevant is not None:
                here = self.check(plan.relevant, scope, scope.lookup(name), path) is True
            if kind == "group":
                self.fields(plan.children, raw, parsed, bad, scope, prefix, out, here)
                continue
            if not here:
                if raw.get(name) not in (None, [], "") and kind != "calculate":
                    self.dropped.append(path)
                scope.values[name] = None
                parsed.pop(name, None)
                continue
            if kind == "note":
                continue
            if kind == "calculate":
                assert plan.calculation is not None
                scope._current = None
                try:
                    value = evaluate(plan.calculation, scope)
                except ExpressionError:
                    self.error(path, "expression_failed")
                    continue
                scope.values[plan.name] = value
                if to_json(value) is not None:
                    out[plan.name] = to_json(value)
                continue
            if bad:
                problem = bad.get(name)
                if problem is not None:
                    self.error(path + problem.sub, problem.key, **problem.params)
                    continue
            if kind == "repeat":
                self.repeat(plan, parsed.get(name, []), scope, path, out)
                continue
            value = parsed.get(name)
            if value is None:
                if not self.partial and self.required(plan, scope, path):
                    self.error(path, "required")
                continue
            if plan.choice_filter is not None:
                self.filter_choices(plan, value, scope, path)
            if plan.constraint is not None:
                verdict = self.check(plan.constraint, scope, scope.values.get(name), path)
                if verdict is False:
                    self.constraint_error(plan, path)
            out[name] = value

    def required(self, plan: Plan, scope: _Scope, path: str) -> bool:
        if isinstance(plan.required, bool):
            return plan.required
        return self.check(plan.required, scope, None, path) is True

    def constraint_error(self, plan: Plan, path: str) -> None:
        text = plan.field.constraint_message
        if text:
            chosen = text.get(self.lang) or text.get("en") or next(iter(text.values()))
            self.errors.append(AnswerError(path, chosen))
        else:
            self.error(path, "constraint")

    def filter_choices(self, plan: Plan, value: Any, scope: _Scope, path: str) -> None:
        assert plan.choice_filter is not None
        codes = value if isinstance(value, list) else [value]
        for index, code in enumerate(codes):
            where = f"{path}[{index}]" if isinstance(value, list) else path
            if self.check(plan.choice_filter, scope, code, where) is False:
                self.error(where, "filtered_choice")

    def repeat(
        self, plan: Plan, entries: list[Any], scope: _Scope, path: str, out: dict[str, Any]
    ) -> None:
        field = plan.field
        if len(entries) < field.min_repeat and not self.partial:
            self.error(path, "too_few", count=field.min_repeat)
        if field.max_repeat is not None and len(entries) > field.max_repeat:
            self.error(path, "too_many", count=field.max_repeat)
        results: list[dict[str, Any]] = []
        for index, entry in enumerate(entries):
            where = f"{path}[{index}]"
            if not isinstance(entry, Mapping):
                self.error(where, "expected_object")
                continue
            results.append(
                self.scope(plan.children, plan.flat, plan.flat_names, entry, scope, where + ".")
            )
        if results:
            out[plan.name] = results


def validate_answers(
    form: Form,
    answers: Mapping[str, Any],
    *,
    lang: str = "en",
    today: dt.date | None = None,
    partial: bool = False,
) -> ValidationResult:
    """Check answers against ``form``; return typed, normalised answers or the errors.

    Answers to fields that are not relevant are dropped (as ODK does) and their
    paths listed in ``dropped``. With ``partial`` (drafts) missing required
    answers and too few repeat entries are not errors; everything else is.
    """
    from forms.loader import compiled_form

    compiled = compiled_form(form)
    run = _Run(lang, today or dt.date.today(), partial)
    if not isinstance(answers, Mapping):
        run.error("", "expected_object")
        return ValidationResult({}, run.errors, run.dropped)
    normalised = run.scope(compiled.plans, compiled.flat, compiled.flat_names, answers, None, "")
    return ValidationResult(normalised, run.errors, run.dropped)
