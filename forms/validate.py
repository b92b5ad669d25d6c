"""Validation of a record's answers against the exact form version they were entered with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from forms.compile import Compiled, Plan
from forms.expr import Current, Expr, references, truthy
from forms.expr.closures import Compiled as CompiledExpr
from forms.expr.nodes import Binary, Call, Unary
from forms.messages import message
from forms.model import Form
from forms.values import Bad, ExprValue, Parser, nfc, parser_for, to_json


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
_NOT_GIVEN: tuple[Any, ...] = (None, [], "")  # answers that are not reported as dropped
_EXPRESSIONS = ("relevant", "required", "constraint", "calculation", "choice_filter")


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


# One field of a single-pass scope: (run, scope, its values, raw.get, out, path prefix).
_Step = Callable[["_Run", _Scope, dict[str, ExprValue], Callable[..., Any], dict[str, Any], str],
                 None]
# What the two-pass walk's first pass does with a field: nothing (calculate), check
# that no answer was given (note, group), count a repeat's entries, or parse a value.
_SKIP, _NOTHING, _REPEAT, _VALUE = "skip", "nothing", "repeat", "value"


@dataclass(eq=False)
class _Spec:
    """One scope worked out once: its names and either single-pass steps or the two-pass plan."""

    names: frozenset[str]
    silent: tuple[str, ...]
    """Notes and groups: an answer to one is an error (reported before all others)."""
    steps: list[_Step] | None
    """None when an expression looks ahead in the scope: then the two passes below run."""
    first: list[tuple[str, str, Any, Parser, Plan]]


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

    def test(self, fn: CompiledExpr, scope: _Scope, current: ExprValue, prefix: str,
             name: str) -> bool | None:
        """:meth:`check` with the path put together only if it is needed."""
        scope._current = current
        try:
            value = fn(scope)
        except Exception:
            self.error(prefix + name, "expression_failed")
            return None
        if value is True or value is False:
            return value
        return truthy(value)

    def scope(
        self, owner: Compiled | Plan, raw: Mapping[str, Any], parent: _Scope | None, prefix: str
    ) -> dict[str, Any]:
        spec: _Spec = owner.spec
        scope = _Scope(parent, self.today)
        names = spec.names
        if not names.issuperset(raw):
            for key in raw:
                if key not in names:
                    self.error(f"{prefix}{key}", "unknown_field")
        get = raw.get
        out: dict[str, Any] = {}
        steps = spec.steps
        if steps is None:
            self.two_pass(owner, spec, raw, scope, prefix, out)
            return out
        for name in spec.silent:
            if get(name) is not None:
                self.error(prefix + name, "no_answer")
        values = scope.values
        for step in steps:
            step(self, scope, values, get, out, prefix)
        return out

    def repeat(
        self, plan: Plan, entries: list[Any], scope: _Scope, path: str, out: dict[str, Any]
    ) -> None:
        field = plan.field
        if len(entries) < field.min_repeat and not self.partial:
            key = "too_few_one" if field.min_repeat == 1 else "too_few"
            self.error(path, key, count=field.min_repeat)
        if field.max_repeat is not None and len(entries) > field.max_repeat:
            key = "too_many_one" if field.max_repeat == 1 else "too_many"
            self.error(path, key, count=field.max_repeat)
        results: list[dict[str, Any]] = []
        for index, entry in enumerate(entries):
            if entry.__class__ is not dict and not isinstance(entry, Mapping):
                self.error(f"{path}[{index}]", "expected_object")
                continue
            results.append(self.scope(plan, entry, scope, f"{path}[{index}]."))
        if results:
            out[plan.name] = results

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

    # -- two passes, for scopes whose expressions look at later answers ------------------

    def two_pass(
        self,
        owner: Compiled | Plan,
        spec: _Spec,
        raw: Mapping[str, Any],
        scope: _Scope,
        prefix: str,
        out: dict[str, Any],
    ) -> None:
        parsed: dict[str, Any] = {}
        bad: dict[str, Bad] = {}
        values = scope.values
        today = self.today
        get = raw.get
        # First pass: every answer typed, so expressions can see later answers too.
        for mode, name, default, parser, plan in spec.first:
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
        self.fields(owner.plans if isinstance(owner, Compiled) else owner.children,
                    raw, parsed, bad, scope, prefix, out, relevant=True)

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
                if raw.get(name) not in _NOT_GIVEN and kind != "calculate":
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
    if compiled.spec is None:
        _prepare(compiled)
    run = _Run(lang, today or dt.date.today(), partial)
    if not isinstance(answers, Mapping):
        run.error("", "expected_object")
        return ValidationResult({}, run.errors, run.dropped)
    normalised = run.scope(compiled, answers, None, "")
    return ValidationResult(normalised, run.errors, run.dropped)


# -- working out each scope once per form ---------------------------------------------
#
# The two-pass walk types every answer of a scope first, so that an expression
# may look at a later answer, then checks relevance, requirements and
# constraints in order. When no expression of a scope (or of a repeat inside
# it) refers to its own field or a later one, and no relevance condition uses
# ``.``, a single pass in order sees exactly the same values: answers before a
# field are final in both, and nothing looks further. That pass also skips
# parsing answers that turn out not to be relevant (they are dropped unread).


def _prepare(compiled: Compiled, *, single_pass: bool = True) -> None:
    """Build every scope's spec of a compiled form (also used by tests to force two passes)."""
    referenced: set[str] = set()
    for plan in _subtree(compiled.plans):
        for expr in _expressions(plan):
            referenced |= references(expr)
    for owner, flat, names, plans in _owners(compiled):
        owner.spec = _build(flat, names, plans, frozenset(referenced), single_pass)


def _owners(
    compiled: Compiled,
) -> list[tuple[Compiled | Plan, list[Plan], frozenset[str], list[Plan]]]:
    owners: list[tuple[Compiled | Plan, list[Plan], frozenset[str], list[Plan]]] = []
    for plan in _subtree(compiled.plans):
        if plan.type == "repeat":
            owners.append((plan, plan.flat, plan.flat_names, plan.children))
    # The form last: its spec being set is what says the whole form is prepared.
    owners.append((compiled, compiled.flat, compiled.flat_names, compiled.plans))
    return owners


def _subtree(plans: list[Plan]) -> list[Plan]:
    out: list[Plan] = []
    for plan in plans:
        out.append(plan)
        out.extend(_subtree(plan.children))
    return out


def _expressions(plan: Plan) -> list[Expr]:
    exprs = [getattr(plan, attr) for attr in _EXPRESSIONS]
    return [expr for expr in exprs if expr is not None and not isinstance(expr, bool)]


def _uses_current(expr: Expr) -> bool:
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Current):
            return True
        if isinstance(node, Binary):
            stack.extend((node.left, node.right))
        elif isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Call):
            stack.extend(node.args)
    return False


def _single_pass_ok(flat: list[Plan]) -> bool:
    """Whether no expression in this scope (or a repeat inside it) looks ahead."""
    position = {plan.name: index for index, plan in enumerate(flat)}
    for index, plan in enumerate(flat):
        if plan.relevant is not None and _uses_current(plan.relevant):
            return False  # ``.`` in a relevance condition is the field's own (later) answer
        inner = _subtree(plan.children) if plan.type == "repeat" else []
        for each in (plan, *inner):
            for expr in _expressions(each):
                for name in references(expr):
                    if position.get(name, -1) >= index:
                        return False
    return True


def _build(
    flat: list[Plan],
    names: frozenset[str],
    plans: list[Plan],
    referenced: frozenset[str],
    single_pass: bool,
) -> _Spec:
    first: list[tuple[str, str, Any, Parser, Plan]] = []
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
        first.append((mode, plan.name, plan.field.default, parser_for(kind), plan))
    silent = tuple(plan.name for plan in flat if plan.type in ("note", "group"))
    steps = _steps(plans, referenced) if single_pass and _single_pass_ok(flat) else None
    return _Spec(names, silent, steps, first)


def _steps(plans: list[Plan], referenced: frozenset[str]) -> list[_Step]:
    steps: list[_Step] = []
    plain: list[tuple[str, Any, frozenset[str], bool, bool, _Step]] = []
    for plan in plans:
        kind = plan.type
        if _is_plain(plan):
            assert plan.vocabulary is not None
            step = _answer_step(plan, plan.name in referenced)
            plain.append((plan.name, plan.field.default, plan.vocabulary.codes,
                          plan.name in referenced, plan.required is True, step))
            continue
        if plain:
            steps.append(_plain_step(plain))
            plain = []
        if kind == "group" and plan.relevant_fn is None:
            steps.extend(_steps(plan.children, referenced))  # see-through
        elif kind == "group":
            steps.append(_group_step(plan, referenced))
        elif kind == "note" and plan.relevant_fn is None:
            continue  # nothing to do: an answer to it was reported up front
        elif kind in ("note", "calculate", "repeat"):
            steps.append(_other_step(plan, plan.name in referenced))
        else:
            steps.append(_answer_step(plan, plan.name in referenced))
    if plain:
        steps.append(_plain_step(plain))
    return steps


def _is_plain(plan: Plan) -> bool:
    """A choice with no expressions: most fields of most forms."""
    return (plan.type == "select_one" and plan.relevant_fn is None
            and plan.required_fn is None and plan.choice_filter_fn is None
            and plan.constraint_fn is None and plan.vocabulary is not None)


def _plain_step(items: list[tuple[str, Any, frozenset[str], bool, bool, _Step]]) -> _Step:
    """Consecutive plain choices in one loop (a call per field costs more than the check);
    anything but a known code or no answer goes to the field's own step."""
    fields = tuple(items)

    def plain(run: _Run, scope: _Scope, values: dict[str, ExprValue],
              get: Callable[..., Any], out: dict[str, Any], prefix: str) -> None:
        for name, default, codes, keep, required, step in fields:
            raw = get(name, default)
            if raw.__class__ is str and raw in codes:
                if keep:
                    values[name] = raw
                out[name] = raw
            elif raw is None:
                if required and not run.partial:
                    run.error(prefix + name, "required")
            else:
                step(run, scope, values, get, out, prefix)

    return plain


def _not_relevant(plans: list[Plan], referenced: frozenset[str]) -> list[tuple[str, bool, bool]]:
    """What a field left out by relevance does: (name, report a given answer?, store None?)."""
    out: list[tuple[str, bool, bool]] = []
    for plan in plans:
        if plan.type == "group":
            out.extend(_not_relevant(plan.children, referenced))
        else:
            out.append((plan.name, plan.type != "calculate", plan.name in referenced))
    return out


def _drop(
    run: _Run,
    values: dict[str, ExprValue],
    get: Callable[..., Any],
    prefix: str,
    name: str,
    report: bool,
    keep: bool,
) -> None:
    if report and get(name) not in _NOT_GIVEN:
        run.dropped.append(prefix + name)
    if keep:
        values[name] = None


def _group_step(plan: Plan, referenced: frozenset[str]) -> _Step:
    name, relevant_fn = plan.name, plan.relevant_fn
    assert relevant_fn is not None
    inner = _steps(plan.children, referenced)
    left_out = _not_relevant(plan.children, referenced)

    def group(run: _Run, scope: _Scope, values: dict[str, ExprValue],
              get: Callable[..., Any], out: dict[str, Any], prefix: str) -> None:
        if run.test(relevant_fn, scope, None, prefix, name) is True:
            for step in inner:
                step(run, scope, values, get, out, prefix)
        else:
            for child, report, keep in left_out:
                _drop(run, values, get, prefix, child, report, keep)

    return group


def _other_step(plan: Plan, keep: bool) -> _Step:
    """A note with a relevance condition, a calculation or a repeat."""
    name, kind, relevant_fn = plan.name, plan.type, plan.relevant_fn
    default = plan.field.default
    calculation_fn = plan.calculation_fn

    def other(run: _Run, scope: _Scope, values: dict[str, ExprValue],
              get: Callable[..., Any], out: dict[str, Any], prefix: str) -> None:
        if relevant_fn is not None and run.test(relevant_fn, scope, None, prefix, name) is not True:
            _drop(run, values, get, prefix, name, kind != "calculate", keep)
            return
        if kind == "calculate":
            assert calculation_fn is not None
            scope._current = None
            try:
                value = calculation_fn(scope)
            except Exception:
                run.error(prefix + name, "expression_failed")
                return
            values[name] = value
            answer = to_json(value)
            if answer is not None:
                out[name] = answer
        elif kind == "repeat":
            entries = get(name, default)
            if entries is None:
                entries = []
            elif not isinstance(entries, list):
                if keep:
                    values[name] = 0
                run.error(prefix + name, "expected_list")
                return
            if keep:
                values[name] = len(entries)
            run.repeat(plan, entries, scope, prefix + name, out)

    return other


def _known(raw: list[Any], codes: frozenset[str]) -> bool:
    """Distinct codes of the list: what _select_multiple returns unchanged."""
    for code in raw:
        if code.__class__ is not str or code not in codes:
            return False
    return len(raw) == 1 or len(set(raw)) == len(raw)


def _answer_step(plan: Plan, keep: bool) -> _Step:
    """A field that takes an answer, with the common cases typed without a call."""
    name, kind = plan.name, plan.type
    default = plan.field.default
    parser = parser_for(kind)
    relevant_fn, required_fn = plan.relevant_fn, plan.required_fn
    required = plan.required is True
    filter_fn, constraint_fn = plan.choice_filter_fn, plan.constraint_fn
    codes = plan.vocabulary.codes if plan.vocabulary is not None else frozenset()
    is_code, is_text, is_int = kind == "select_one", kind == "text", kind == "integer"
    is_codes = kind == "select_multiple"
    one_line = not plan.field.multiline

    def answer(run: _Run, scope: _Scope, values: dict[str, ExprValue],
               get: Callable[..., Any], out: dict[str, Any], prefix: str) -> None:
        if relevant_fn is not None and run.test(relevant_fn, scope, None, prefix, name) is not True:
            _drop(run, values, get, prefix, name, True, keep)
            return
        raw = get(name, default)
        value: Any
        typed: ExprValue
        if raw is None:
            value = None
        elif is_code and raw.__class__ is str and raw in codes:
            value = typed = raw
        elif is_text and raw.__class__ is str:
            # As forms.values._text: NFC keeps Burmese typed in different orders comparable.
            value = typed = nfc(raw).strip()
            if not value:
                value = None
            elif one_line and ("\n" in value or "\r" in value):
                run.error(prefix + name, "single_line")
                return
        elif is_int and raw.__class__ is int:
            value = typed = raw
        elif is_codes and raw.__class__ is list and raw and _known(raw, codes):
            value, typed = list(raw), tuple(raw)
        else:
            try:
                value, typed = parser(plan, raw, run.today)
            except Bad as problem:
                run.error(prefix + name + problem.sub, problem.key, **problem.params)
                return
        if value is None:
            if not run.partial:
                if required_fn is None:
                    if required:
                        run.error(prefix + name, "required")
                elif run.test(required_fn, scope, None, prefix, name) is True:
                    run.error(prefix + name, "required")
            return
        if keep:
            values[name] = typed
        if filter_fn is not None:
            run.filter_choices(plan, value, scope, prefix + name)
        if constraint_fn is not None and run.test(
            constraint_fn, scope, typed, prefix, name
        ) is False:
            run.constraint_error(plan, prefix + name)
        out[name] = value

    return answer
