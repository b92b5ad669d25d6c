"""Property tests: unparse/parse round trips, parse and evaluate raise only our errors."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from forms.expr import (
    FUNCTIONS,
    Binary,
    Call,
    Current,
    Expr,
    ExpressionError,
    ExpressionSyntaxError,
    FieldRef,
    Literal,
    SimpleContext,
    Unary,
    Value,
    check_functions,
    evaluate,
    parse,
    unparse,
)
from forms.expr.nodes import BINARY_PRECEDENCE

# 200 keeps the suite fast; set FIELDKIT_EXPR_EXAMPLES=20000 for a deeper soak.
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("FIELDKIT_EXPR_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

field_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,8}", fullmatch=True)
literal_values = st.one_of(
    st.integers(min_value=0, max_value=10**30),
    st.decimals(min_value=0, max_value=10**12, places=3, allow_nan=False).filter(
        lambda d: not d.is_signed()
    ),
    st.text(max_size=12).filter(lambda s: not ("'" in s and '"' in s)),
)


def trees(names: st.SearchStrategy[str]) -> st.SearchStrategy[Expr]:
    """Syntax trees with field names drawn from ``names`` and valid function arities."""
    leaves: st.SearchStrategy[Expr] = st.one_of(
        literal_values.map(Literal), names.map(FieldRef), st.just(Current())
    )

    def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        def call(name: str) -> st.SearchStrategy[Expr]:
            fewest, most = FUNCTIONS[name]
            count = st.integers(fewest, 3 if most is None else most)
            return count.flatmap(
                lambda n: st.tuples(*[children] * n).map(lambda args: Call(name, args))
            )

        return st.one_of(
            children.map(lambda e: Unary("-", e)),
            st.builds(Binary, st.sampled_from(sorted(BINARY_PRECEDENCE)), children, children),
            st.sampled_from(sorted(FUNCTIONS)).flatmap(call),
        )

    return st.recursive(leaves, extend, max_leaves=16)


@PROPERTY_SETTINGS
@given(trees(field_names))
def test_parse_unparse_round_trip(expr: Expr) -> None:
    # Trees whose literal regex pattern or date is refused cannot come from parse.
    try:
        check_functions(expr)
    except ExpressionSyntaxError:
        assume(False)
    text = unparse(expr)
    assert parse(text) == expr
    assert unparse(parse(text)) == text


TOKENS = [
    *BINARY_PRECEDENCE,
    "(",
    ")",
    ",",
    ".",
    "..",
    "-",
    "${a}",
    "${",
    "}",
    "'s'",
    '"t"',
    "'",
    '"',
    "1",
    "2.5",
    ".5",
    "$",
    "!",
    "#",
    "\n",
    *(f"{name}(" for name in FUNCTIONS),
    "nope(",
    "true",
]


@PROPERTY_SETTINGS
@given(
    st.one_of(
        st.text(max_size=60),
        st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join),
        st.lists(st.sampled_from(TOKENS), max_size=25).map("".join),
    )
)
def test_parse_raises_only_syntax_errors(text: str) -> None:
    try:
        expr = parse(text)
    except ExpressionSyntaxError as error:
        assert error.message
        assert error.column is None or 1 <= error.column <= len(text) + 1
        str(error)
        return
    # Whatever parses writes back to text that parses to the same tree.
    assert parse(unparse(expr)) == expr


POOL = ["a", "b", "c", "multi"]
answers = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**80), max_value=10**80),
    st.floats(),
    st.decimals(),
    st.text(max_size=20),
    st.sampled_from(["", "0", "18", "-3.5", "2024-02-29", "a b", " 7 "]),
    st.dates(),
    st.datetimes(),
    st.lists(st.sampled_from(["a", "b", "c"]), max_size=3).map(tuple),
)


def _any_tree() -> st.SearchStrategy[Expr]:
    # Mostly valid calls, sometimes unknown names or wrong arities.
    bad_calls = st.builds(
        Call,
        st.sampled_from([*FUNCTIONS, "nope"]),
        st.lists(st.just(Literal(1)), max_size=4).map(tuple),
    )
    return st.one_of(trees(st.sampled_from([*POOL, "missing"])), bad_calls)


ALLOWED_RESULTS = (type(None), bool, int, Decimal, str, datetime.date, tuple)


@PROPERTY_SETTINGS
@given(
    _any_tree(),
    st.dictionaries(st.sampled_from(POOL), answers),
    answers,
    st.dates(),
)
def test_evaluate_raises_only_expression_errors(
    expr: Expr, values: dict[str, Value], current: Value, today: datetime.date
) -> None:
    ctx = SimpleContext(values, current_value=current, today_value=today)
    try:
        result = evaluate(expr, ctx)
    except ExpressionError as error:
        assert error.message
        return
    assert isinstance(result, ALLOWED_RESULTS)
    assert not isinstance(result, float)
