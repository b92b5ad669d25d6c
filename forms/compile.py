"""Checks a parsed form beyond its schema and pre-compiles what validation needs."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from forms.errors import FormError
from forms.expr import Expr, ExpressionSyntaxError, parse, references
from forms.expr.closures import Compiled as CompiledExpr
from forms.expr.closures import compile_expr
from forms.model import CONTAINER_TYPES, NO_ANSWER_TYPES, SELECT_TYPES, Field, Form, Label
from forms.source import LineMap
from forms.vocab import Vocabulary, vocabulary, vocabulary_ids

REQUIRED_LANGUAGES = ("en", "my")

# Options that only make sense for some types, with the types they apply to.
_ONLY_FOR: dict[str, frozenset[str]] = {
    "choices": SELECT_TYPES,
    "choice_filter": SELECT_TYPES,
    "multiline": frozenset({"text"}),
    "min_repeat": frozenset({"repeat"}),
    "max_repeat": frozenset({"repeat"}),
    "fields": CONTAINER_TYPES,
    "calculation": frozenset({"calculate"}),
    "min_level": frozenset({"location"}),
    "multiple": frozenset({"attachment"}),
}
# Options that make no sense where there is no answer to require or check.
_NOT_FOR: dict[str, frozenset[str]] = {
    "required": NO_ANSWER_TYPES | {"repeat", "calculate"},
    "constraint": NO_ANSWER_TYPES | {"repeat", "calculate"},
    "default": NO_ANSWER_TYPES | {"repeat", "calculate"},
}


@dataclass(eq=False)
class Plan:
    """One field with its expressions parsed and its choices resolved."""

    field: Field
    where: str
    """Definition path, e.g. ``fields[3].fields[0]``."""
    sensitive: bool
    relevant: Expr | None = None
    required: bool | Expr = False
    constraint: Expr | None = None
    calculation: Expr | None = None
    choice_filter: Expr | None = None
    vocabulary: Vocabulary | None = None
    children: list[Plan] = dataclass_field(default_factory=list)
    # Copied from the field: validation reads them millions of times.
    name: str = ""
    type: str = ""
    flat: list[Plan] = dataclass_field(default_factory=list)
    """For repeats: the children answered in each entry (groups see-through)."""
    flat_names: frozenset[str] = frozenset()
    index_labels: dict[str, tuple[str, ...]] | None = None
    """For selects: every term's distinct labels in NFC, for search text (filled on
    first use, for the whole vocabulary at once, so it says nothing of the answers)."""
    spec: Any = None
    """For repeats: validation's pre-digested view of ``flat`` (built on first use)."""
    # The expressions above as closures (see forms.expr.closures), built once by bind().
    relevant_fn: CompiledExpr | None = None
    required_fn: CompiledExpr | None = None
    constraint_fn: CompiledExpr | None = None
    calculation_fn: CompiledExpr | None = None
    choice_filter_fn: CompiledExpr | None = None

    def __post_init__(self) -> None:
        self.name = self.field.name
        self.type = self.field.type

    def bind(self) -> None:
        """Build the closures of the expressions (once they are all parsed)."""
        def fn(expr: Expr | None) -> CompiledExpr | None:
            return None if expr is None else compile_expr(expr)

        self.relevant_fn = fn(self.relevant)
        self.required_fn = None if isinstance(self.required, bool) else fn(self.required)
        self.constraint_fn = fn(self.constraint)
        self.calculation_fn = fn(self.calculation)
        self.choice_filter_fn = fn(self.choice_filter)


@dataclass(eq=False)
class Compiled:
    """Everything validation needs, worked out once when the form is loaded."""

    plans: list[Plan]
    flat: list[Plan]
    """The plans answered at the top level (groups see-through)."""
    flat_names: frozenset[str]
    facet_date: tuple[str, ...] | None
    facet_location: tuple[str, ...] | None
    facet_violations: tuple[str, ...] | None
    spec: Any = None
    """Validation's pre-digested view of ``flat`` (built on first use)."""
    index_steps: dict[bool, Any] = dataclass_field(default_factory=dict)
    """forms.derive's plan for search text, with and without sensitive fields (on first use)."""


class _Checker:
    def __init__(self, form: Form, source: str, lines: LineMap) -> None:
        self.form = form
        self.source = source
        self.lines = lines
        self.languages = list(dict.fromkeys([*REQUIRED_LANGUAGES, *form.languages]))

    def fail(self, message: str, where: str, loc: tuple[str | int, ...]) -> FormError:
        return FormError(message, file=self.source, path=where, line=self.lines.line(loc))

    def labels(self, label: Label | None, where: str, loc: tuple[str | int, ...]) -> None:
        if label is None:
            return
        for lang in self.languages:
            if not label.get(lang, "").strip():
                raise self.fail(
                    f"missing '{lang}' text (every label needs {', '.join(self.languages)})",
                    where,
                    loc,
                )
        for lang in label:
            if lang not in self.languages:
                raise self.fail(
                    f"language '{lang}' is not in the form's languages "
                    f"(expected one of: {', '.join(self.languages)})",
                    where,
                    (*loc, lang),
                )

    def expression(
        self, text: str, where: str, loc: tuple[str | int, ...], visible: dict[str, str]
    ) -> Expr:
        try:
            expr = parse(text)
        except ExpressionSyntaxError as exc:
            column = f" at column {exc.column}" if exc.column is not None else ""
            detail = exc.message if "column" in exc.message else exc.message + column
            raise self.fail(f"cannot read the expression: {detail}", where, loc) from None
        for name in sorted(references(expr)):
            status = visible.get(name)
            if status is None:
                raise self.fail(
                    f"refers to '${{{name}}}', which is not a field of this form", where, loc
                )
            if status != "ok":
                raise self.fail(
                    f"refers to '${{{name}}}', which is inside repeat '{status}' "
                    "(only fields of the same or an enclosing repeat can be used)",
                    where,
                    loc,
                )
        return expr


def answer_plans(plans: list[Plan]) -> list[Plan]:
    """The plans answered at one level: groups are see-through, repeats are leaves."""
    out: list[Plan] = []
    for plan in plans:
        out.append(plan)
        if plan.type == "group":
            out.extend(answer_plans(plan.children))
    return out


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _scope_names(fields: list[Field]) -> list[Field]:
    """Fields answered in one scope: groups are see-through, repeats are not."""
    out: list[Field] = []
    for item in fields:
        out.append(item)
        if item.type == "group" and item.fields:
            out.extend(_scope_names(item.fields))
    return out


def _inner_names(fields: list[Field], repeat: str | None, out: dict[str, str]) -> None:
    for item in fields:
        if item.type == "repeat" and item.fields:
            for child in _scope_names(item.fields):
                out.setdefault(child.name, repeat or item.name)
            _inner_names(item.fields, repeat or item.name, out)
        elif item.fields:
            _inner_names(item.fields, repeat, out)


def compile_form(form: Form, source: str, lines: LineMap) -> Compiled:
    """Check everything the schema cannot, then parse expressions and resolve choices."""
    checker = _Checker(form, source, lines)
    for lang in REQUIRED_LANGUAGES:
        if lang not in form.languages:
            raise checker.fail(
                f"'{lang}' is missing (every form is written in at least en and my)",
                "languages",
                ("languages",),
            )
    checker.labels(form.title, "title", ("title",))
    checker.labels(form.description, "description", ("description",))
    # Names inside repeats are reported as such when used from outside.
    hidden: dict[str, str] = {}
    _inner_names(form.fields, None, hidden)
    plans = _compile_scope(checker, form.fields, "fields", ("fields",), {}, hidden, False)
    compiled = Compiled(
        plans=plans,
        flat=answer_plans(plans),
        flat_names=frozenset(plan.name for plan in answer_plans(plans)),
        facet_date=None,
        facet_location=None,
        facet_violations=None,
    )
    _facets(checker, form, compiled)
    return compiled


def _compile_scope(
    checker: _Checker,
    fields: list[Field],
    where: str,
    loc: tuple[str | int, ...],
    outer: dict[str, str],
    hidden: dict[str, str],
    sensitive: bool,
) -> list[Plan]:
    visible = {name: status for name, status in hidden.items() if name not in outer}
    visible.update(outer)
    own = _scope_names(fields)
    seen: dict[str, str] = {}
    for item in own:
        if item.name in seen or outer.get(item.name) == "ok":
            raise checker.fail(
                f"duplicate field name '{item.name}' (names must be unique in a form, "
                "except between different repeats)",
                _path_of(fields, item, where),
                _loc_of(fields, item, loc),
            )
        seen[item.name] = "ok"
        visible[item.name] = "ok"
    return _compile_list(checker, fields, where, loc, visible, hidden, sensitive)


def _path_of(fields: list[Field], target: Field, where: str) -> str:
    for index, item in enumerate(fields):
        if item is target:
            return f"{where}[{index}].name"
        if item.type == "group" and item.fields:
            found = _path_of(item.fields, target, f"{where}[{index}].fields")
            if found:
                return found
    return ""


def _loc_of(
    fields: list[Field], target: Field, loc: tuple[str | int, ...]
) -> tuple[str | int, ...]:
    for index, item in enumerate(fields):
        if item is target:
            return (*loc, index, "name")
        if item.type == "group" and item.fields:
            found = _loc_of(item.fields, target, (*loc, index, "fields"))
            if found:
                return found
    return ()


def _compile_list(
    checker: _Checker,
    fields: list[Field],
    where: str,
    loc: tuple[str | int, ...],
    visible: dict[str, str],
    hidden: dict[str, str],
    sensitive: bool,
) -> list[Plan]:
    plans: list[Plan] = []
    for index, item in enumerate(fields):
        here = f"{where}[{index}]"
        here_loc = (*loc, index)
        plans.append(_compile_field(checker, item, here, here_loc, visible, hidden, sensitive))
    return plans


def _compile_field(
    checker: _Checker,
    item: Field,
    where: str,
    loc: tuple[str | int, ...],
    visible: dict[str, str],
    hidden: dict[str, str],
    sensitive: bool,
) -> Plan:
    set_keys = item.model_fields_set
    for option, types in _ONLY_FOR.items():
        if option in set_keys and item.type not in types:
            raise checker.fail(
                f"'{option}' does not apply to {_article(item.type)} field "
                f"(it applies to: {', '.join(sorted(types))})",
                f"{where}.{option}",
                (*loc, option),
            )
    for option, types in _NOT_FOR.items():
        if option in set_keys and item.type in types:
            raise checker.fail(
                f"'{option}' does not apply to {_article(item.type)} field",
                f"{where}.{option}",
                (*loc, option),
            )
    checker.labels(item.label, f"{where}.label", (*loc, "label"))
    checker.labels(item.hint, f"{where}.hint", (*loc, "hint"))
    checker.labels(
        item.constraint_message, f"{where}.constraint_message", (*loc, "constraint_message")
    )
    plan = Plan(field=item, where=where, sensitive=sensitive or item.sensitive)

    def expr(option: str, text: str) -> Expr:
        return checker.expression(text, f"{where}.{option}", (*loc, option), visible)

    if item.relevant is not None:
        plan.relevant = expr("relevant", item.relevant)
    if isinstance(item.required, str):
        plan.required = expr("required", item.required)
    else:
        plan.required = item.required
    if item.constraint is not None:
        plan.constraint = expr("constraint", item.constraint)
    if item.constraint_message is not None and item.constraint is None:
        raise checker.fail(
            "'constraint_message' needs a 'constraint'",
            f"{where}.constraint_message",
            (*loc, "constraint_message"),
        )
    if item.choice_filter is not None:
        plan.choice_filter = expr("choice_filter", item.choice_filter)
    if item.type == "calculate":
        if item.calculation is None:
            raise checker.fail("a calculate field needs 'calculation'", where, loc)
        plan.calculation = expr("calculation", item.calculation)
    if item.type in SELECT_TYPES:
        plan.vocabulary = _choices(checker, item, where, loc)
    if item.type in CONTAINER_TYPES:
        if not item.fields:
            raise checker.fail(
                f"a {item.type} needs a non-empty 'fields' list",
                f"{where}.fields",
                (*loc, "fields"),
            )
        child_where, child_loc = f"{where}.fields", (*loc, "fields")
        if item.type == "repeat":
            if item.max_repeat is not None and item.min_repeat > item.max_repeat:
                raise checker.fail(
                    f"min_repeat ({item.min_repeat}) is greater than "
                    f"max_repeat ({item.max_repeat})",
                    f"{where}.min_repeat",
                    (*loc, "min_repeat"),
                )
            plan.children = _compile_scope(
                checker, item.fields, child_where, child_loc, dict(visible), hidden, plan.sensitive
            )
            plan.flat = answer_plans(plan.children)
            plan.flat_names = frozenset(child.name for child in plan.flat)
        else:
            plan.children = _compile_list(
                checker, item.fields, child_where, child_loc, visible, hidden, plan.sensitive
            )
    plan.bind()
    return plan


def _choices(checker: _Checker, item: Field, where: str, loc: tuple[str | int, ...]) -> Vocabulary:
    here, here_loc = f"{where}.choices", (*loc, "choices")
    if item.choices is None:
        raise checker.fail(
            f"a {item.type} field needs 'choices' (a vocabulary id or a list)", where, loc
        )
    if isinstance(item.choices, str):
        if item.choices not in vocabulary_ids():
            raise checker.fail(
                f"unknown vocabulary '{item.choices}' "
                f"(expected one of: {', '.join(vocabulary_ids())})",
                here,
                here_loc,
            )
        return vocabulary(item.choices)
    if not item.choices:
        raise checker.fail("the choice list is empty", here, here_loc)
    seen: set[str] = set()
    for index, choice in enumerate(item.choices):
        if choice.code in seen:
            raise checker.fail(
                f"duplicate choice code '{choice.code}' (codes must be unique in a list)",
                f"{here}[{index}].code",
                (*here_loc, index, "code"),
            )
        seen.add(choice.code)
        checker.labels(choice.label, f"{here}[{index}].label", (*here_loc, index, "label"))
    return Vocabulary(f"{item.name}:inline", item.choices)


def _resolve(form: Form, dotted: str) -> tuple[tuple[str, ...], Field] | None:
    """Resolve ``acts.violation`` to the repeat chain and the field it names."""
    parts = dotted.split(".")
    fields: list[Field] = form.fields
    chain: list[str] = []
    found: Field | None = None
    for position, part in enumerate(parts):
        candidates = {item.name: item for item in _scope_names(fields)}
        found = candidates.get(part)
        if found is None:
            return None
        chain.append(part)
        if position < len(parts) - 1:
            if found.type != "repeat" or not found.fields:
                return None
            fields = found.fields
    assert found is not None
    return tuple(chain), found


def _facets(checker: _Checker, form: Form, compiled: Compiled) -> None:
    wanted: dict[str, tuple[str, frozenset[str]]] = {
        "date": ("facet_date", frozenset({"date"})),
        "location": ("facet_location", frozenset({"location"})),
        "violation_types": ("facet_violations", SELECT_TYPES),
    }
    spec: dict[str, Any] = form.facets.model_dump() if form.facets else {}
    for key, (attr, types) in wanted.items():
        dotted = spec.get(key)
        if dotted is None:
            continue
        resolved = _resolve(form, dotted)
        if resolved is None or resolved[1].type not in types:
            raise checker.fail(
                f"'{dotted}' is not a {' or '.join(sorted(types))} field of this form "
                "(use dotted names through repeats, e.g. acts.violation)",
                f"facets.{key}",
                ("facets", key),
            )
        setattr(compiled, attr, resolved[0])
    if form.facets is None:
        # Sensible defaults for forms that do not say: the first date and location.
        for _path, item in form.walk():
            resolved = _resolve(form, item.name)
            if resolved is None:
                continue
            if item.type == "date" and compiled.facet_date is None:
                compiled.facet_date = resolved[0]
            if item.type == "location" and compiled.facet_location is None:
                compiled.facet_location = resolved[0]
