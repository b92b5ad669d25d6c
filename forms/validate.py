"""Validation of a record's answers against the exact form version they were entered with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from forms.compile import Compiled, Plan
from forms.expr import truthy
from forms.expr.closures import Compiled as CompiledExpr
from forms.messages import message
from forms.model import Form
from forms.values import Bad, ExprValue, Parser, parser_for, to_json


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


_ABSENT = object()
# What the first pass does with a field: nothing (calculate), check that no
# answer was given (note, group), count a repeat's entries, or parse a value.
_SKIP, _NOTHING, _REPEAT, _VALUE = "skip", "nothing", "repeat", "value"
_Spec = tuple[list[tuple[str, str, Any, Parser, Plan]], frozenset[str]]


def _spec(flat: list[Plan], names: frozenset[str]) -> _Spec:
    """One scope's first pass worked out once: each field's mode, default and parser."""
    steps: list[tuple[str, str, Any, Parser, Plan]] = []
    for plan in flat:
        kind = plan.type
        if kind == "calculate":
            mode = _SKIP
        elif kind in ("note", "group"):
            mode = _NOTHING
        elif kind == "repeat":
            mode = _REPEAT
        else:
            mode = _VALUE
        steps.append((mode, plan.name, plan.field.default, parser_for(kind), plan))
    return steps, names


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

    def check(self, fn: CompiledExpr, scope: _Scope, current: ExprValue, path: str) -> bool | None:
        """Evaluate a condition; None (and an error) when the form's rule cannot run."""
        scope._current = current
        try:
            value = fn(scope)
        except Exception:
            # A closure may raise anything where evaluate() raises ExpressionError.
            self.error(path, "expression_failed")
            return None
        return truthy(value)

    def scope(
        self,
        owner: Compiled | Plan,
        plans: list[Plan],
        raw: Mapping[str, Any],
        parent: _Scope | None,
        prefix: str,
    ) -> dict[str, Any]:
        spec: _Spec | None = owner.spec
        if spec is None:
            spec = owner.spec = _spec(owner.flat, owner.flat_names)
        steps, names = spec
        scope = _Scope(parent, self.today)
        if not names.issuperset(raw):
            for key in raw:
                if key not in names:
                    self.error(f"{prefix}{key}", "unknown_field")
        parsed: dict[str, Any] = {}
        bad: dict[str, Bad] = {}
        values = scope.values
        today = self.today
        get = raw.get
        # First pass: every answer typed, so expressions can see later answers too.
        for mode, name, default, parser, plan in steps:
            if mode is _SKIP:
                continue
            if mode is _NOTHING:
                if get(name) is not None:
                    self.error(f"{prefix}{name}", "no_answer")
                continue
            value = get(name, _ABSENT)
            if value is _ABSENT:
                value = default
            if mode is _REPEAT:
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
                json_value, expr_value = parser(plan, value, today)
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
        values = scope.values
        for plan in plans:
            name, kind = plan.name, plan.type
            here = relevant
            if here and plan.relevant_fn is not None:
                here = (
                    self.check(plan.relevant_fn, scope, scope.lookup(name), prefix + name)
                    is True
                )
            if kind == "group":
                self.fields(plan.children, raw, parsed, bad, scope, prefix, out, here)
                continue
            if not here:
                if raw.get(name) not in (None, [], "") and kind != "calculate":
                    self.dropped.append(prefix + name)
                values[name] = None
                parsed.pop(name, None)
                continue
            if kind == "note":
                continue
            if kind == "calculate":
                assert plan.calculation_fn is not None
                scope._current = None
                try:
                    value = plan.calculation_fn(scope)
                except Exception:
                    self.error(prefix + name, "expression_failed")
                    continue
                values[name] = value
                if to_json(value) is not None:
                    out[name] = to_json(value)
                continue
            if bad:
                problem = bad.get(name)
                if problem is not None:
                    self.error(prefix + name + problem.sub, problem.key, **problem.params)
                    continue
            if kind == "repeat":
                self.repeat(plan, parsed.get(name, []), scope, prefix + name, out)
                continue
            value = parsed.get(name)
            if value is None:
                if not self.partial and self.required(plan, scope, prefix + name):
                    self.error(prefix + name, "required")
                continue
            if plan.choice_filter_fn is not None:
                self.filter_choices(plan, value, scope, prefix + name)
            if plan.constraint_fn is not None:
                path = prefix + name
                verdict = self.check(plan.constraint_fn, scope, values.get(name), path)
                if verdict is False:
                    self.constraint_error(plan, path)
            out[name] = value

    def required(self, plan: Plan, scope: _Scope, path: str) -> bool:
        if plan.required_fn is None:
            return plan.required is True
        return self.check(plan.required_fn, scope, None, path) is True

    def constraint_error(self, plan: Plan, path: str) -> None:
        text = plan.field.constraint_message
        if text:
            chosen = text.get(self.lang) or text.get("en") or next(iter(text.values()))
            self.errors.append(AnswerError(path, chosen))
        else:
            self.error(path, "constraint")

    def filter_choices(self, plan: Plan, value: Any, scope: _Scope, path: str) -> None:
        assert plan.choice_filter_fn is not None
        codes = value if isinstance(value, list) else [value]
        for index, code in enumerate(codes):
            where = f"{path}[{index}]" if isinstance(value, list) else path
            if self.check(plan.choice_filter_fn, scope, code, where) is False:
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
            results.append(self.scope(plan, plan.children, entry, scope, where + "."))
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
    normalised = run.scope(compiled, compiled.plans, answers, None, "")
    return ValidationResult(normalised, run.errors, run.dropped)
