"""The form expression language: an XLSForm subset, parsed and evaluated by our own tree walker.

See docs/expressions.md for the syntax, the functions and the None semantics.
"""

from forms.expr.errors import ExpressionError, ExpressionEvalError, ExpressionSyntaxError
from forms.expr.evaluator import Context, SimpleContext, evaluate
from forms.expr.functions import ARITY as FUNCTIONS
from forms.expr.nodes import Binary, Call, Current, Expr, FieldRef, Literal, Unary, Value
from forms.expr.parser import check_functions, parse
from forms.expr.unparse import references, unparse
from forms.expr.values import truthy

__all__ = [
    "FUNCTIONS",
    "Binary",
    "Call",
    "Context",
    "Current",
    "Expr",
    "ExpressionError",
    "ExpressionEvalError",
    "ExpressionSyntaxError",
    "FieldRef",
    "Literal",
    "SimpleContext",
    "Unary",
    "Value",
    "check_functions",
    "evaluate",
    "parse",
    "references",
    "truthy",
    "unparse",
]
