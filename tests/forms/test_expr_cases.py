"""Table-driven cases for the expression language: values, precedence, None, syntax errors."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from forms.expr import (
    FUNCTIONS,
    Binary,
    Call,
    Current,
    ExpressionError,
    ExpressionEvalError,
    ExpressionSyntaxError,
    FieldRef,
    Literal,
    SimpleContext,
    Unary,
    Value,
    check_functions,
    evaluate,
    parse,
    references,
    truthy,
    unparse,
)

TODAY = datetime.date(2024, 6, 15)

# Answers of a fictional record; `unanswered` is deliberately absent.
ANSWERS: dict[str, Value] = {
    "age": 34,
    "teen": 16,
    "name": "Ma Hla",
    "empty": "",
    "height": 1.62,
    "price": Decimal("2.50"),
    "zero": 0,
    "numtext": "18",
    "violations": ("arrest", "torture"),
    "none_selected": (),
    "sex": "female",
    "multi_as_text": "arrest killing",
    "incident": datetime.date(2024, 3, 1),
    "birth": datetime.date(1990, 6, 16),
    "incident_text": "2024-03-01",
    "consent": True,
    "refused": False,
}

CASES: list[tuple[str, Value, Value]] = [
    # (expression, value of `.`, expected result)
    # literals and arithmetic
    ("1", None, 1),
    ("1.5", None, Decimal("1.5")),
    (".5 + 1", None, Decimal("1.5")),
    ("'single'", None, "single"),
    ('"double"', None, "double"),
    ('"it\'s"', None, "it's"),
    ("1 + 2 * 3", None, 7),
    ("(1 + 2) * 3", None, 9),
    ("10 - 4 - 3", None, 3),
    ("2 * 3 div 4", None, Decimal("1.5")),
    ("7 div 2", None, Decimal("3.5")),
    ("8 div 2", None, 4),
    ("7 mod 3", None, 1),
    ("-2 mod 3", None, -2),
    ("5 mod -3", None, 2),
    ("-7 div 2", None, Decimal("-3.5")),
    ("7.5 mod 2", None, Decimal("1.5")),
    ("-2 * -3", None, 6),
    ("- -2", None, 2),
    ("-(1 + 2)", None, -3),
    ("0.1 + 0.2 = 0.3", None, True),
    ("${height} * 100", None, Decimal("162.00")),
    ("${price} * 2 = 5", None, True),
    ("1 div 0", None, None),
    ("1 mod 0", None, None),
    ("${age} + 1", None, 35),
    ("${numtext} + 2", None, 20),
    ("${name} + 1", None, None),
    ("true() + 1", None, 2),
    # precedence of logic
    ("not(${consent}) and ${refused} or true()", None, True),
    ("not(${consent}) and (${refused} or true())", None, False),
    ("1 = 1 or 1 div 0 and false()", None, True),
    ("1 < 2 = 2 < 3", None, True),
    ("1 + 1 = 2 and 3 > 2", None, True),
    # comparison chains: (1 < 2) < 3 is true() < 3, i.e. 1 < 3
    ("1 < 2 < 3", None, True),
    ("3 > 2 > 1", None, False),
    ("1 = 1 = 1", None, True),
    # string vs number
    ("'18' = 18", None, True),
    ("${numtext} >= 18", None, True),
    ("${numtext} = '18'", None, True),
    ("'abc' = 0", None, False),
    ("'abc' != 0", None, True),
    ("'10' < '9'", None, False),
    ("'apple' < 'banana'", None, True),
    ("'18.0' = 18", None, True),
    # booleans
    ("${consent} = true()", None, True),
    ("${refused} = false()", None, True),
    ("${unanswered} = false()", None, True),
    ("true() = 'false'", None, True),
    # None / unanswered semantics
    ("${unanswered} >= 18", None, False),
    ("${unanswered} < 18", None, False),
    ("${unanswered} = ''", None, True),
    ("${empty} = ${unanswered}", None, True),
    ("${unanswered} != ''", None, False),
    ("${unanswered} = 0", None, False),
    ("${unanswered} != 'x'", None, True),
    ("${unanswered} + 1", None, None),
    ("-${unanswered}", None, None),
    ("${unanswered} + 1 > 0", None, False),
    ("${age} >= 18", None, True),
    ("${teen} >= 18", None, False),
    # current value in constraints
    (". >= 0 and . <= 120", 34, True),
    (". >= 0 and . <= 120", 130, False),
    (". = 'yes'", "yes", True),
    (". < ${age}", 20, True),
    (". > 18", None, False),
    ("string-length(.) <= 5", "Ma Hla", False),
    # selected / count-selected on multi-selects and single strings
    ("selected(${violations}, 'torture')", None, True),
    ("selected(${violations}, 'killing')", None, False),
    ("selected(${sex}, 'female')", None, True),
    ("selected(${multi_as_text}, 'killing')", None, True),
    ("selected(${unanswered}, 'x')", None, False),
    ("selected(., 'b')", ("a", "b"), True),
    ("count-selected(${violations})", None, 2),
    ("count-selected(${none_selected})", None, 0),
    ("count-selected(${unanswered})", None, 0),
    ("count-selected(${multi_as_text}) = 2", None, True),
    ("${violations} = 'arrest torture'", None, True),
    ("${none_selected} = ''", None, True),
    # string-length, regex
    ("string-length(${name})", None, 6),
    ("string-length(${unanswered})", None, 0),
    ("string-length('မြန်မာ')", None, 6),
    ("regex(., '^[0-9]+$')", "09123", True),
    ("regex(., '^[0-9]+$')", "09a23", False),
    ("regex(., '[0-9]')", "abc7", True),
    ("regex(${unanswered}, '^$')", None, True),
    ("regex(., '^(?>[a-z]+ ?)+$')", "ma hla", True),
    # dates, today() pinned
    ("today()", None, TODAY),
    ("${incident} <= today()", None, True),
    ("${incident} = '2024-03-01'", None, True),
    ("${incident} < '2024-02-29'", None, False),
    ("'2024-03-01' = ${incident}", None, True),
    ("${incident_text} < today()", None, True),
    ("${incident} = 'not a date'", None, False),
    ("${incident} != 'not a date'", None, True),
    ("today() - ${incident}", None, 106),
    ("int((today() - ${birth}) div 365.25)", None, 33),
    ("${incident} > today() - 180", None, True),
    ("date('2024-03-01') = ${incident}", None, True),
    ("date(${incident_text})", None, datetime.date(2024, 3, 1)),
    ("date(0)", None, datetime.date(1970, 1, 1)),
    ("date(concat('2024-13-', '01'))", None, None),
    ("date(${unanswered})", None, None),
    (". <= today()", datetime.date(2025, 1, 1), False),
    # if, coalesce
    ("if(${age} >= 18, 'adult', 'minor')", None, "adult"),
    ("if(${teen} >= 18, 'adult', 'minor')", None, "minor"),
    ("if(true(), 1, 1 div 0)", None, 1),
    ("if(${unanswered}, 'y', 'n')", None, "n"),
    ("coalesce(${unanswered}, 'unknown')", None, "unknown"),
    ("coalesce(${empty}, ${name})", None, "Ma Hla"),
    ("coalesce(${age}, 0)", None, 34),
    # conversions and the rest
    ("true()", None, True),
    ("false()", None, False),
    ("not(0)", None, True),
    ("not('')", None, True),
    ("not('0')", None, False),
    ("int(3.9)", None, 3),
    ("int(-3.9)", None, -3),
    ("int('12')", None, 12),
    ("int('twelve')", None, None),
    ("number('3.25')", None, Decimal("3.25")),
    ("number(' -4 ')", None, -4),
    ("number('1e3')", None, None),
    ("number(true())", None, 1),
    ("number(${unanswered})", None, None),
    ("string(2.50)", None, "2.5"),
    ("string(3.0)", None, "3"),
    ("string(${incident})", None, "2024-03-01"),
    ("string(${violations})", None, "arrest torture"),
    ("string(${unanswered})", None, ""),
    ("string(true())", None, "true"),
    ("concat('a', 1, '-', ${unanswered}, true())", None, "a1-true"),
    ("concat()", None, ""),
]


@pytest.mark.parametrize(("text", "current", "expected"), CASES, ids=[c[0] for c in CASES])
def test_case(text: str, current: Value, expected: Value) -> None:
    ctx = SimpleContext(ANSWERS, current_value=current, today_value=TODAY)
    result = evaluate(parse(text), ctx)
    assert result == expected
    assert type(result) is type(expected)


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 60


# -- the tree parse builds --------------------------------------------------------

TREES = [
    ("1 + 2 * 3", Binary("+", Literal(1), Binary("*", Literal(2), Literal(3)))),
    (
        "not(${a}) and ${b} or ${c}",
        Binary(
            "or",
            Binary("and", Call("not", (FieldRef("a"),)), FieldRef("b")),
            FieldRef("c"),
        ),
    ),
    ("-2 mod 3", Binary("mod", Unary("-", Literal(2)), Literal(3))),
    ("1 - 2 - 3", Binary("-", Binary("-", Literal(1), Literal(2)), Literal(3))),
    ("1 - (2 - 3)", Binary("-", Literal(1), Binary("-", Literal(2), Literal(3)))),
    (". >= 18", Binary(">=", Current(), Literal(18))),
    ("3 mod-2", Binary("mod", Literal(3), Unary("-", Literal(2)))),
    ("${a.b-c_d}", FieldRef("a.b-c_d")),
    ("count-selected(.)", Call("count-selected", (Current(),))),
]


@pytest.mark.parametrize(("text", "tree"), TREES, ids=[t[0] for t in TREES])
def test_parse_tree(text: str, tree: object) -> None:
    assert parse(text) == tree


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1+2*3", "1 + 2 * 3"),
        ("(1+2)*3", "(1 + 2) * 3"),
        ("((${a}))", "${a}"),
        ("1-(2-3)", "1 - (2 - 3)"),
        ("(1-2)-3", "1 - 2 - 3"),
        ("- (-1)", "--1"),
        ("-(1*2)", "-(1 * 2)"),
        ("concat( 'a' ,\"b'\" )", "concat('a', \"b'\")"),
        (".5", "0.5"),
        ("5.", "5.0"),
        ("not(.)and  .", "not(.) and ."),
    ],
)
def test_unparse_is_canonical(text: str, canonical: str) -> None:
    assert unparse(parse(text)) == canonical
    assert parse(canonical) == parse(text)


def test_references() -> None:
    expr = parse("if(selected(${v}, 'a'), ${age} + ., coalesce(${x}, ${age}))")
    assert references(expr) == frozenset({"v", "age", "x"})
    assert references(parse(". > 1")) == frozenset()


def test_long_flat_sum_parses_and_evaluates() -> None:
    # A scoring calculate adding many items is a deep left spine, not nesting.
    text = " + ".join(["1"] * 450)
    expr = parse(text)
    assert evaluate(expr, SimpleContext()) == 450
    assert parse(unparse(expr)) == expr
    assert hash(parse(unparse(expr))) == hash(expr)
    assert expr != parse(text + " + 1")


def test_truthy() -> None:
    assert [truthy(v) for v in (None, "", (), 0, Decimal(0), False)] == [False] * 6
    assert all(truthy(v) for v in ("0", ("a",), 1, Decimal("0.1"), True, TODAY))


# -- syntax errors and their columns -----------------------------------------------

SYNTAX_ERRORS = [
    # (expression, column, words the message must contain)
    ("(1 + 2", 7, "expected ')'"),
    ("concat('a', 'b' 'c')", 17, "expected ')'"),
    ("1 +", 4, "expected a value"),
    ("", None, "empty expression"),
    ("   ", None, "empty expression"),
    ("1 2", 3, "unexpected '2'"),
    ("'open", 1, "unterminated string"),
    ("${age", 1, "expected '${name}'"),
    ("${}", 3, "not a valid field name"),
    ("${1st}", 3, "not a valid field name"),
    ("1 # 2", 3, "unexpected character '#'"),
    ("1 ! 2", 3, "unexpected character '!'"),
    ("foo(1)", 1, "unknown function 'foo'"),
    ("1 + count_selected(.)", 5, "unknown function 'count_selected'"),
    ("selected(.)", 1, "selected() takes 2 arguments, got 1"),
    ("today(1)", 1, "today() takes 0 arguments, got 1"),
    ("if(1, 2)", 1, "if() takes 3 arguments"),
    ("true", 1, "unknown word 'true'"),
    ("and 1", 1, "'and' needs a value before it"),
    ("1 and", 6, "expected a value"),
    ("..", 1, "'..' is not supported"),
    ("1 = = 2", 5, "expected a value"),
    ("regex(., '[0-9')", 10, "not a valid regular expression"),
    ("regex(., '^(a+)+$')", 10, "repeats a part that itself repeats"),
    ("regex(., '^([A-Z][a-z]* ?)+$')", 10, "repeats a part"),
    ("regex(., '" + "x" * 201 + "')", 10, "longer than 200"),
    ("date('2024-02-30')", 6, "date() needs a real date"),
    ("f(", 3, "expected a value"),
    ("(" * 70 + "1" + ")" * 70, 65, "nested more than 64"),
    ("-" * 70 + "1", 65, "nested more than 64"),
    ("1" + " + 1" * 700, None, "longer than 2000"),
]


@pytest.mark.parametrize(
    ("text", "column", "words"), SYNTAX_ERRORS, ids=[e[0][:40] for e in SYNTAX_ERRORS]
)
def test_syntax_error(text: str, column: int | None, words: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        parse(text)
    error = caught.value
    assert words in error.message
    assert error.column == column
    if column is not None:
        assert f"at column {column}" in error.message


def test_syntax_error_shows_caret_under_the_column() -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        parse("if(${a} > 1, 'x'\n 'y')")
    error = caught.value
    assert error.message == "expected ')' at column 19, found a string"
    lines = str(error).splitlines()
    assert lines == [error.message, "  if(${a} > 1, 'x'  'y')", "  " + " " * 18 + "^"]
    assert error.expression == "if(${a} > 1, 'x'\n 'y')"
    assert isinstance(error, ExpressionError)
    assert error.title


def test_check_functions_on_built_trees() -> None:
    check_functions(Call("concat", (Literal("a"), Call("today", ()))))
    with pytest.raises(ExpressionSyntaxError, match="unknown function 'nope'"):
        check_functions(Binary("+", Literal(1), Call("nope", ())))
    with pytest.raises(ExpressionSyntaxError, match=r"not\(\) takes 1 argument, got 0"):
        check_functions(Call("not", ()))


# -- evaluation errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "current", "words"),
    [
        (parse("regex(., 'x')"), "a" * 10_001, "longer than 10000"),
        (parse("regex(., ${pattern})"), "a", "repeats a part"),
        (Call("nope", ()), None, "unknown function"),
        (parse(". + 1"), {"a": 1}, "type dict"),
        (parse("${big} * ${big}"), None, "could not be evaluated"),
    ],
    ids=["long-input", "bad-pattern", "unknown-function", "bad-type", "overflow"],
)
def test_eval_error(expr: object, current: object, words: str) -> None:
    ctx = SimpleContext(
        {"pattern": "(a*)*$", "big": Decimal("9E+999990")},
        current_value=current,  # type: ignore[arg-type]
    )
    with pytest.raises(ExpressionEvalError) as caught:
        evaluate(expr, ctx)  # type: ignore[arg-type]
    assert words in caught.value.message
    assert caught.value.expression  # the canonical text, to find the form's mistake
    # Nothing chained: a wrapped exception's text might quote an answer.
    error = caught.value
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


def test_eval_error_message_never_quotes_answers() -> None:
    secret = "Daw Secret Name"
    with pytest.raises(ExpressionEvalError) as caught:
        evaluate(parse("regex(., 'x')"), SimpleContext(current_value=secret * 1000))
    assert "Secret" not in str(caught.value)


def test_deep_built_tree_is_an_expression_error() -> None:
    expr: object = Literal(1)
    for _ in range(5000):
        expr = Unary("-", expr)  # type: ignore[arg-type]
    with pytest.raises(ExpressionEvalError):
        evaluate(expr, SimpleContext())  # type: ignore[arg-type]


def test_float_and_datetime_answers_are_normalised() -> None:
    ctx = SimpleContext(
        {"f": float("nan"), "when": datetime.datetime(2024, 3, 1, 10, 30), "codes": ["a", "b"]}  # type: ignore[dict-item]
    )
    assert evaluate(parse("${f}"), ctx) is None
    assert evaluate(parse("${when}"), ctx) == datetime.date(2024, 3, 1)
    assert evaluate(parse("${codes}"), ctx) == ("a", "b")


def test_huge_integers_become_decimals() -> None:
    result = evaluate(parse("${n} * ${n}"), SimpleContext({"n": 10**40}))
    assert result == Decimal(10) ** 80
    assert isinstance(result, Decimal)


def test_docs_cover_every_function_and_operator() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "expressions.md").read_text(encoding="utf-8")
    for name in FUNCTIONS:
        assert f"`{name}(" in docs, name
    for op in ("or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod"):
        assert f"`{op}`" in docs, op


def test_every_function_has_a_body() -> None:
    from forms.expr.functions import EAGER

    handled_by_evaluator = {"if", "coalesce", "true", "false", "today"}
    assert set(EAGER) | handled_by_evaluator == set(FUNCTIONS)
    assert not set(EAGER) & handled_by_evaluator
