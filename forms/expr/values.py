"""Conversions, comparison and arithmetic on expression values (XPath-like).

``None`` stands both for an unanswered field and for XPath's NaN: anything that
cannot be a number becomes ``None`` in arithmetic, and ``None`` flows through
arithmetic and makes every ordering comparison false.
"""

from __future__ import annotations

import datetime
import decimal
import math
import operator
import re
from decimal import Decimal

from forms.expr.errors import ExpressionEvalError
from forms.expr.nodes import Value

Number = int | Decimal

EPOCH = datetime.date(1970, 1, 1)
# Integers stay exact up to this size; beyond it they become Decimals (28
# significant digits), so repeated multiplication cannot grow without bound.
MAX_INT_DIGITS = 60
_INT_LIMIT = 10**MAX_INT_DIGITS

# Our own context, so results never depend on whatever the process-wide
# decimal context happens to be; every trap raises and is wrapped by evaluate.
DECIMALS = decimal.Context(
    prec=28,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

# XPath's number(): optional minus, ASCII digits, optional fraction. No
# exponents, no '+', no '_' (Python's int() would accept '1_000').
_NUMERIC = re.compile(r"\s*(-?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*\Z", re.ASCII)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T.*)?\Z", re.ASCII | re.DOTALL)


def normalize(value: object) -> Value:
    """Bring a value from a caller into the shapes the evaluator works on."""
    kind = type(value)
    if kind is str or value is None:  # by far the most common: codes and text
        return value  # type: ignore[return-value]
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return fit_int(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, tuple | list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ExpressionEvalError(
        f"an answer of type {type(value).__name__} cannot be used in an expression"
    )


def fit_int(value: int) -> Number:
    """Keep an integer exact unless it is huge; then round it to a Decimal."""
    if -_INT_LIMIT < value < _INT_LIMIT:
        return value
    return DECIMALS.create_decimal(value)


def truthy(value: Value) -> bool:
    """XPath boolean(): empty, zero, false and no selection are false; all else true."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return value != 0
    if isinstance(value, str | tuple):
        return len(value) > 0
    return True  # a date


def to_number(value: Value) -> Number | None:
    """XPath number(): ``None`` when the value is not a number."""
    if value is None or isinstance(value, tuple):
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | Decimal | float):
        return normalize(value)  # type: ignore[return-value]
    if isinstance(value, datetime.date):
        return (value - EPOCH).days
    match = _NUMERIC.match(value)
    if match is None:
        return None
    sign, digits = match.groups()
    if "." in digits or len(digits) > MAX_INT_DIGITS:
        number: Number = Decimal(digits)
    else:
        number = int(digits)
    return -number if sign else number


def to_string(value: Value) -> str:
    """XPath string(): ``''`` for None, ``true``/``false``, ISO dates, codes joined by spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return " ".join(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(DECIMALS), "f")
    return str(value)


def to_date(value: Value) -> datetime.date | None:
    """A date from a date, an ISO ``YYYY-MM-DD`` string or a day count since 1970-01-01."""
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        match = _ISO_DATE.match(value.strip())
        if match is None:
            return None
        year, month, day = (int(part) for part in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        try:
            return EPOCH + datetime.timedelta(days=int(value))
        except OverflowError:
            return None
    return None


def is_empty(value: Value) -> bool:
    """Unanswered: None, an empty string or no selection."""
    return value is None or value == "" or value == ()


# -- comparison --------------------------------------------------------------


def compare(op: str, left: Value, right: Value) -> bool:
    """Apply ``= != < <= > >=`` with XPath's conversions (see docs/expressions.md)."""
    if type(left) is str and type(right) is str:
        if op == "=" or op == "!=":
            # Two strings that are neither numbers, booleans nor dates to
            # XPath equality: compared as they are (what _equal ends up doing).
            return (left == right) if op == "=" else (left != right)
    elif type(left) is int and type(right) is int:
        if -_INT_LIMIT < left < _INT_LIMIT and -_INT_LIMIT < right < _INT_LIMIT:
            # Two exact integers (ages, counts): what the conversions end in.
            return bool(_INT_OPS[op](left, right))
    if isinstance(left, tuple):
        left = to_string(left)
    if isinstance(right, tuple):
        right = to_string(right)
    if op in ("=", "!="):
        equal = _equal(left, right)
        return equal if op == "=" else not equal
    return _order(op, left, right)


def _equal(left: Value, right: Value) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return truthy(left) == truthy(right)
    if _is_number(left) or _is_number(right):
        a, b = to_number(left), to_number(right)
        return a is not None and b is not None and a == b
    if isinstance(left, datetime.date) or isinstance(right, datetime.date):
        da, db = to_date(left), to_date(right)
        return da is not None and db is not None and da == db
    return to_string(left) == to_string(right)


def _order(op: str, left: Value, right: Value) -> bool:
    if left is None or right is None:
        return False
    a: object
    b: object
    if isinstance(left, bool | int | float | Decimal) or isinstance(
        right, bool | int | float | Decimal
    ):
        a, b = to_number(left), to_number(right)
    elif isinstance(left, datetime.date) or isinstance(right, datetime.date):
        a, b = to_date(left), to_date(right)
    else:
        # Two strings: as numbers if both are numbers, as dates if both are
        # dates, otherwise by code point.
        a, b = to_number(left), to_number(right)
        if a is None or b is None:
            a, b = to_date(left), to_date(right)
        if a is None or b is None:
            a, b = to_string(left), to_string(right)
    if a is None or b is None:
        return False
    return bool(_ORDER[op](a, b))


_ORDER = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


_INT_OPS = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
            ">": operator.gt, ">=": operator.ge}


def _is_number(value: Value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


# -- arithmetic --------------------------------------------------------------


def arithmetic(op: str, left: Value, right: Value) -> Number | None:
    """Apply ``+ - * div mod``; ``None`` if either side is not a number or on division by 0."""
    a, b = to_number(left), to_number(right)
    if a is None or b is None:
        return None
    if op in ("div", "mod") and b == 0:
        return None
    if isinstance(a, int) and isinstance(b, int):
        return _int_arithmetic(op, a, b)
    da, db = Decimal(a), Decimal(b)
    if op == "+":
        return DECIMALS.add(da, db)
    if op == "-":
        return DECIMALS.subtract(da, db)
    if op == "*":
        return DECIMALS.multiply(da, db)
    if op == "div":
        return DECIMALS.divide(da, db)
    # Decimal remainder truncates toward zero, like XPath/Java: -2 mod 3 = -2.
    return DECIMALS.remainder(da, db)


def _int_arithmetic(op: str, a: int, b: int) -> Number:
    if op == "+":
        return fit_int(a + b)
    if op == "-":
        return fit_int(a - b)
    if op == "*":
        return fit_int(a * b)
    if op == "div":
        if a % b == 0:
            return a // b
        return DECIMALS.divide(Decimal(a), Decimal(b))
    # Truncating remainder (sign of the dividend), unlike Python's %.
    remainder = abs(a) % abs(b)
    return -remainder if a < 0 else remainder


def negate(value: Value) -> Number | None:
    """Unary minus; ``None`` when the operand is not a number."""
    number = to_number(value)
    if number is None:
        return None
    return DECIMALS.minus(number) if isinstance(number, Decimal) else -number
