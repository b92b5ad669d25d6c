"""The fast paths sealing uses give exactly what the plain tree walks gave.

Expressions are run as closures built once per form (forms.expr.closures) and
search text from per-form steps (forms.derive): both are compared here with
reference implementations (the tree-walking evaluator, and the earlier
walk over every field for search text) on random expressions, on the library
examples and on mutated copies of them.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import json
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import (
    index_text,
    library_example,
    library_form,
    library_forms,
    locations,
    validate_answers,
)
from forms.compile import Plan
from forms.expr import (
    FUNCTIONS,
    Binary,
    Call,
    Current,
    Expr,
    FieldRef,
    Literal,
    SimpleContext,
    Unary,
    Value,
    evaluate,
)
from forms.expr.closures import compile_expr
from forms.expr.nodes import BINARY_PRECEDENCE
from forms.loader import compiled_form
from forms.model import Form
from forms.termkeys import FORM_NAMESPACE, clean_text, namespace_of, term_key
from forms.vocab import vocabulary

TODAY = datetime.date(2024, 6, 15)
IDS = [form.id for form in library_forms()]
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- expressions: closures against the tree walker -------------------------------------

NAMES = ["a", "b", "c", "missing"]
_literals = st.one_of(
    st.integers(min_value=0, max_value=10**20),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    st.sampled_from(["", "a", "b", "18", "2024-02-29", "x y"]),
)


def _trees() -> st.SearchStrategy[Expr]:
    leaves: st.SearchStrategy[Expr] = st.one_of(
        _literals.map(Literal), st.sampled_from(NAMES).map(FieldRef), st.just(Current())
    )

    def extend(inner: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        # Any function name with 0-3 arguments: wrong arities must fail alike too.
        calls = st.builds(
            lambda name, args: Call(name, tuple(args)),
            st.sampled_from([*sorted(FUNCTIONS), "nope"]),
            st.lists(inner, max_size=3),
        )
        return st.one_of(
            st.builds(Binary, st.sampled_from(sorted(BINARY_PRECEDENCE)), inner, inner),
            st.builds(Unary, st.just("-"), inner),
            calls,
        )

    return st.recursive(leaves, extend, max_leaves=12)


_values = st.one_of(
    st.none(), st.booleans(), st.integers(-1000, 1000), st.floats(allow_nan=False),
    st.decimals(allow_nan=False, allow_infinity=False), st.sampled_from(["", "a", "18", "b"]),
    st.dates(), st.lists(st.sampled_from(["a", "b", "c"]), max_size=3).map(tuple),
)


def _outcome(run: Any) -> tuple[str, str]:
    # evaluate() raises only ExpressionError; a closure may raise anything in its place.
    try:
        value = run()
    except Exception:
        return ("failed", "")
    return (type(value).__name__, repr(value))


@FAST
@given(_trees(), st.dictionaries(st.sampled_from(NAMES[:3]), _values), _values, st.dates())
def test_closures_compute_what_evaluate_computes(
    expr: Expr, values: dict[str, Value], current: Value, today: datetime.date
) -> None:
    ctx = SimpleContext(values, current_value=current, today_value=today)
    fn = compile_expr(expr)
    assert _outcome(lambda: fn(ctx)) == _outcome(lambda: evaluate(expr, ctx))


def test_deep_left_chains_do_not_nest_closures() -> None:
    expr: Expr = Literal(1)
    for _ in range(5000):
        expr = Binary("+", expr, Literal(1))
    assert compile_expr(expr)(SimpleContext({})) == evaluate(expr, SimpleContext({})) == 5001


# -- validation: closures against the tree walker, on whole forms ------------------------


def _plans(plans: list[Plan]) -> Iterator[Plan]:
    for plan in plans:
        yield plan
        yield from _plans(plan.children)


@contextlib.contextmanager
def _tree_walker(form: Form) -> Iterator[None]:
    """Validation as it was: every expression through ``evaluate``."""
    compiled = compiled_form(form)
    saved_spec = compiled.spec
    # Validation binds the closures into per-form steps: rebuilt with the walkers below.
    compiled.spec = None
    saved = []
    for plan in _plans(compiled.plans):
        saved.append((plan, dict(vars(plan))))
        for attr in ("relevant", "required", "constraint", "calculation", "choice_filter"):
            expr = getattr(plan, attr)
            if expr is not None and not isinstance(expr, bool):
                setattr(plan, attr + "_fn", lambda ctx, e=expr: evaluate(e, ctx))
    try:
        yield
    finally:
        for plan, state in saved:
            vars(plan).update(state)
        compiled.spec = saved_spec


def _validated(form: Form, answers: Any, partial: bool, lang: str) -> tuple[Any, ...]:
    result = validate_answers(form, answers, lang=lang, today=TODAY, partial=partial)
    return (json.dumps(result.answers, sort_keys=True, ensure_ascii=False),
            [(e.path, e.message) for e in result.errors], result.dropped)


def _mutations(example: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The example with some answers dropped, swapped for other types or out of vocabulary,
    and repeat entries copied or mangled."""
    junk = st.one_of(
        st.none(), st.booleans(), st.integers(-5, 200), st.floats(allow_nan=False),
        st.sampled_from(["", "not_a_code", "yes", "no", "2024-13-40", "10:30", "x\ny",
                         "MMR005", "  spaced  "]),
        st.lists(st.sampled_from(["not_a_code", "civilian", "airstrike", 3]), max_size=3),
        st.just({"state": "MMR005"}), st.just({}),
    )
    keys = sorted(example)

    @st.composite
    def mutate(draw: st.DrawFn) -> dict[str, Any]:
        answers = copy.deepcopy(example)
        for key in draw(st.lists(st.sampled_from(keys), max_size=4)):
            action = draw(st.sampled_from(["drop", "junk", "repeat", "inner"]))
            value = answers.get(key)
            if action == "drop":
                answers.pop(key, None)
            elif action == "junk":
                answers[key] = draw(junk)
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                entry = copy.deepcopy(draw(st.sampled_from(value)))
                if action == "repeat":
                    value.extend([entry] * draw(st.integers(1, 30)))
                else:
                    inner = sorted(entry)
                    if inner:
                        entry[draw(st.sampled_from(inner))] = draw(junk)
                    value.insert(draw(st.integers(0, len(value))), entry)
        if draw(st.booleans()):
            answers[draw(st.sampled_from(["extra", "victims", "acts"]))] = draw(junk)
        return answers

    return mutate()


@pytest.mark.parametrize("form_id", IDS)
def test_closures_validate_the_library_examples_as_the_walker_does(form_id: str) -> None:
    form = library_form(form_id)
    example = library_example(form_id)
    for partial in (False, True):
        fast = _validated(form, example, partial, "my")
        with _tree_walker(form):
            assert _validated(form, example, partial, "my") == fast


@pytest.mark.parametrize("form_id", IDS)
def test_closures_validate_mutated_answers_as_the_walker_does(form_id: str) -> None:
    form = library_form(form_id)

    @FAST
    @given(_mutations(library_example(form_id)), st.booleans(), st.sampled_from(["en", "my"]))
    def check(answers: dict[str, Any], partial: bool, lang: str) -> None:
        fast = _validated(form, answers, partial, lang)
        with _tree_walker(form):
            assert _validated(form, answers, partial, lang) == fast
        # Search text from the normalised answers, as sealing does, and from the raw ones.
        normalised = validate_answers(form, answers, today=TODAY).answers
        for data in (normalised, answers):
            for sensitive in (False, True):
                assert index_text(form, data, include_sensitive=sensitive) == _reference_text(
                    form, data, sensitive
                )

    check()


# -- search text: per-form steps against the walk over every field ------------------------


def _walk(plans: list[Plan], answers: Mapping[str, Any]) -> list[tuple[Plan, Any]]:
    out: list[tuple[Plan, Any]] = []
    for plan in plans:
        if plan.type == "group":
            out.extend(_walk(plan.children, answers))
            continue
        value = answers.get(plan.name)
        if value is None:
            continue
        out.append((plan, value))
        if plan.type == "repeat" and isinstance(value, list):
            for entry in value:
                if isinstance(entry, Mapping):
                    out.extend(_walk(plan.children, entry))
    return out


def _reference_text(form: Form, answers: Mapping[str, Any], include_sensitive: bool) -> str:
    """index_text as first written: one walk over every (field, answer) pair."""
    nfc = lambda text: unicodedata.normalize("NFC", text)  # noqa: E731
    parts: dict[str, None] = {}
    keys: dict[str, None] = {term_key(FORM_NAMESPACE, form.id): None}
    add = parts.setdefault

    def add_key(plan: Plan, code: str) -> None:
        namespace = namespace_of(form, plan)
        if plan.vocabulary is not None and namespace is not None and any(
            t.code == code for t in plan.vocabulary.terms
        ):
            keys.setdefault(term_key(namespace, code))

    for plan, value in _walk(compiled_form(form).plans, answers):
        if plan.sensitive and not include_sensitive:
            continue
        kind = plan.type
        if kind == "text" and isinstance(value, str):
            add(clean_text(value))
        elif kind == "select_one" and isinstance(value, str):
            add_key(plan, value)
        elif kind == "select_multiple" and isinstance(value, list):
            for code in value:
                if isinstance(code, str):
                    add_key(plan, code)
        elif kind == "location" and isinstance(value, Mapping):
            for level in ("state", "township", "village_tract"):
                code = value.get(level)
                if isinstance(code, str) and locations.level_of(code):
                    for lang in ("en", "my"):
                        add(nfc(locations.location_label(code, lang)))
            if isinstance(value.get("village"), str):
                add(clean_text(value["village"]))
        elif kind == "consent" and isinstance(value, Mapping):
            scopes = {t.code for t in vocabulary("consent_scopes").terms}
            for code in value.get("scopes") or []:
                if isinstance(code, str) and code in scopes:
                    keys.setdefault(term_key("consent_scopes", code))
    return "\n".join([*(part for part in parts if part), " ".join(keys)])


@pytest.mark.parametrize("form_id", IDS)
def test_search_text_of_the_library_examples_is_unchanged(form_id: str) -> None:
    form = library_form(form_id)
    example = library_example(form_id)
    for sensitive in (False, True):
        assert index_text(form, example, include_sensitive=sensitive) == _reference_text(
            form, example, sensitive
        )

