"""A precedence-climbing parser from expression text to the syntax tree."""

from __future__ import annotations

import functools
from collections.abc import Callable

from forms.expr.errors import ExpressionSyntaxError
from forms.expr.functions import call_problem
from forms.expr.lexer import Kind, Token, tokenize
from forms.expr.nodes import (
    BINARY_PRECEDENCE,
    Binary,
    Call,
    Current,
    Expr,
    FieldRef,
    Literal,
    Unary,
)
from forms.expr.unparse import unparse

MAX_DEPTH = 64

_WORD_OPERATORS = frozenset({"and", "or", "div", "mod"})


def parse(text: str) -> Expr:
    """Parse ``text`` into a syntax tree, checking function names and arities.

    Raises ExpressionSyntaxError, with the 1-based column of the problem.
    """
    return _Parser(text).parse()


def check_functions(expr: Expr) -> None:
    """Raise ExpressionSyntaxError if ``expr`` calls an unknown function or miscounts arguments.

    ``parse`` already does this (with a column); this is for trees built in code.
    """
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Call):
            problem = call_problem(node.name, node.args)
            if problem is not None:
                raise ExpressionSyntaxError(
                    problem.message, expression=unparse(expr), hint=problem.hint
                )
            stack.extend(node.args)
        elif isinstance(node, Binary):
            stack.extend((node.left, node.right))
        elif isinstance(node, Unary):
            stack.append(node.operand)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    def parse(self) -> Expr:
        if self.peek().kind is Kind.END:
            raise self.error("empty expression", None)
        expr = self.binary(1)
        token = self.peek()
        if token.kind is not Kind.END:
            raise self.error(f"unexpected {_describe(token)}", token.column)
        return expr

    # -- helpers ----------------------------------------------------------------

    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind is not Kind.END:
            self.index += 1
        return token

    def at_symbol(self, symbol: str) -> bool:
        token = self.peek()
        return token.kind is Kind.SYMBOL and token.text == symbol

    def expect(self, symbol: str) -> Token:
        if not self.at_symbol(symbol):
            token = self.peek()
            raise self.error(f"expected '{symbol}'", token.column, found=token)
        return self.advance()

    def error(
        self, what: str, column: int | None, *, found: Token | None = None, hint: str | None = None
    ) -> ExpressionSyntaxError:
        message = what if column is None else f"{what} at column {column}"
        if found is not None:
            message += f", found {_describe(found)}"
        return ExpressionSyntaxError(message, expression=self.text, column=column, hint=hint)

    def nested(self, column: int, parse: Callable[[], Expr]) -> Expr:
        # Bounds recursion both here and in the evaluator, whatever the input.
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                f"expression is nested more than {MAX_DEPTH} levels deep",
                column,
                hint="Split it into calculate fields.",
            )
        try:
            return parse()
        finally:
            self.depth -= 1

    # -- grammar ------------------------------------------------------------------

    def operator(self) -> str | None:
        token = self.peek()
        if token.kind is Kind.SYMBOL and token.text in BINARY_PRECEDENCE:
            return token.text
        if token.kind is Kind.NAME and token.text in _WORD_OPERATORS:
            return token.text
        return None

    def binary(self, lowest: int) -> Expr:
        left = self.unary()
        while (op := self.operator()) is not None and BINARY_PRECEDENCE[op] >= lowest:
            token = self.advance()
            strength = BINARY_PRECEDENCE[op]
            # Left-associative: the right side only takes tighter operators.
            right = self.nested(token.column, functools.partial(self.binary, strength + 1))
            left = Binary(op, left, right)
        return left

    def unary(self) -> Expr:
        if self.at_symbol("-"):
            token = self.advance()
            return Unary("-", self.nested(token.column, self.unary))
        return self.primary()

    def primary(self) -> Expr:
        token = self.peek()
        if token.kind is Kind.NUMBER:
            self.advance()
            assert token.number is not None
            return Literal(token.number)
        if token.kind is Kind.STRING:
            self.advance()
            return Literal(token.text)
        if token.kind is Kind.FIELD:
            self.advance()
            return FieldRef(token.text)
        if token.kind is Kind.DOT:
            self.advance()
            return Current()
        if self.at_symbol("("):
            self.advance()
            inner = self.nested(token.column, lambda: self.binary(1))
            self.expect(")")
            return inner
        if token.kind is Kind.NAME:
            return self.call()
        raise self.error("expected a value", token.column, found=token)

    def call(self) -> Expr:
        name = self.advance()
        if not self.at_symbol("("):
            hint = f"Write {name.text}() to call the function." if name.text in _BARE else None
            if name.text in _WORD_OPERATORS:
                raise self.error(f"'{name.text}' needs a value before it", name.column)
            raise self.error(
                f"unknown word '{name.text}'",
                name.column,
                hint=hint or "Refer to fields as ${name}; write text in quotes.",
            )
        self.advance()
        args: list[Expr] = []
        columns: list[int] = []
        if not self.at_symbol(")"):
            while True:
                columns.append(self.peek().column)
                args.append(self.nested(name.column, lambda: self.binary(1)))
                if not self.at_symbol(","):
                    break
                self.advance()
        self.expect(")")
        problem = call_problem(name.text, args)
        if problem is not None:
            column = name.column if problem.argument is None else columns[problem.argument]
            raise self.error(problem.message, column, hint=problem.hint)
        return Call(name.text, tuple(args))


_BARE = frozenset({"true", "false", "today"})


def _describe(token: Token) -> str:
    if token.kind is Kind.END:
        return "end of expression"
    if token.kind is Kind.STRING:
        return "a string"
    if token.kind is Kind.FIELD:
        return f"${{{token.text}}}"
    return f"'{token.text}'"
