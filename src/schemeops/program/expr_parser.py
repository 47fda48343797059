"""Tokenizer and recursive-descent parser for the expression grammar (see `expr.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from schemeops.errors import did_you_mean
from schemeops.program.expr_nodes import (
    FUNCTIONS,
    Between,
    Binary,
    Call,
    Expr,
    ExprError,
    InList,
    IsNull,
    Literal,
    Name,
    Unary,
)
from schemeops.program.source import NUMBER_HINT, number_problem

#: Bounds that keep parsing and compiling shallow and fast (real rules use a handful).
MAX_CHARS = 20_000
MAX_OPERATORS = 200
MAX_PARENS = 20

KEYWORDS = frozenset({"and", "or", "not", "in", "between", "is", "null", "true", "false"})
COMPARISONS = ("=", "==", "!=", "<>", "<", "<=", ">", ">=")


# ---------------------------------------------------------------- tokens

@dataclass(frozen=True)
class _Token:
    kind: str  # num, str, ident, kw, op, eof
    text: str
    offset: int
    value: object = None


_TOKEN_RE = re.compile(
    r"(?P<ws>\s+)|(?P<num>\d+(?:\.\d+)?|\.\d+)|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>==|!=|<>|<=|>=|[=<>+\-*/(),])"
)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if text[pos] == "'":
            pos = _read_string(text, pos, tokens)
            continue
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            ch = text[pos]
            hint = ("strings use single quotes: 'premium'" if ch == '"'
                    else "operators are = != < <= > >= + - * / and, or, not")
            raise ExprError(pos, "expr_syntax", f"unexpected character `{ch}`", hint)
        kind = m.lastgroup or ""
        word = m.group()
        if kind == "num":
            value: object = Decimal(word) if "." in word else int(word)
            if (problem := number_problem(value)) is not None:
                raise ExprError(pos, "number_out_of_range", problem, NUMBER_HINT)
            tokens.append(_Token("num", word, pos, value))
        elif kind == "ident":
            lowered = word.lower()
            if lowered in KEYWORDS:
                tokens.append(_Token("kw", lowered, pos))
            else:
                tokens.append(_Token("ident", word, pos))
        elif kind == "op":
            tokens.append(_Token("op", word, pos))
        pos = m.end()
    tokens.append(_Token("eof", "", len(text)))
    return tokens


def _read_string(text: str, start: int, tokens: list[_Token]) -> int:
    pos, parts = start + 1, []
    while pos < len(text):
        if text[pos] == "'":
            if text.startswith("''", pos):
                parts.append("'")
                pos += 2
                continue
            tokens.append(_Token("str", text[start:pos + 1], start, "".join(parts)))
            return pos + 1
        parts.append(text[pos])
        pos += 1
    raise ExprError(start, "expr_syntax", "string is never closed",
                    "end it with a single quote; write '' for a quote inside")


# ---------------------------------------------------------------- parser

class _Parser:
    """Recursive descent over the token list, one method per precedence level."""

    def __init__(self, text: str) -> None:
        if len(text) > MAX_CHARS:
            raise ExprError(MAX_CHARS, "expr_too_long",
                            f"expression longer than {MAX_CHARS:,} characters",
                            "list many values with `in (…)`, or split the rule")
        self.text = text
        self.tokens = _tokenize(text)
        _check_size(self.tokens)
        self.i = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def _advance(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def _at(self, kind: str, *texts: str) -> bool:
        return self.tok.kind == kind and (not texts or self.tok.text in texts)

    def _peek_kw(self, word: str) -> bool:
        nxt = self.tokens[self.i + 1]
        return nxt.kind == "kw" and nxt.text == word

    def _fail(self, expected: str) -> ExprError:
        tok = self.tok
        if tok.kind == "eof":
            return ExprError(tok.offset, "expr_syntax",
                             f"expression ends early; expected {expected}",
                             "complete the expression")
        if tok.text == ")":
            return ExprError(tok.offset, "expr_syntax", "unmatched `)`",
                             "remove it or add the `(` it closes")
        return ExprError(tok.offset, "expr_syntax", f"unexpected `{tok.text}`; expected {expected}",
                         "check the operator or quote the string")

    def parse(self) -> Expr:
        if self.tok.kind == "eof":
            raise ExprError(0, "expr_syntax", "empty expression", "write a condition, e.g. "
                            "segment = 'premium'")
        node = self._or()
        if self.tok.kind != "eof":
            if self._at("op", *COMPARISONS):
                raise ExprError(self.tok.offset, "expr_syntax", "comparisons do not chain",
                                "write `a < b and b < c`")
            raise self._fail("an operator or the end")
        return node

    def _or(self) -> Expr:
        left = self._and()
        while self._at("kw", "or"):
            op = self._advance()
            left = Binary("or", left, self._and(), _start(left), op.offset)
        return left

    def _and(self) -> Expr:
        left = self._not()
        while self._at("kw", "and"):
            op = self._advance()
            left = Binary("and", left, self._not(), _start(left), op.offset)
        return left

    def _not(self) -> Expr:
        if self._at("kw", "not"):
            op = self._advance()
            inner = self._not()
            if isinstance(inner, Unary) and inner.op == "not":
                return inner.operand  # `not not x` is x (so deep chains compile shallow)
            return Unary("not", inner, op.offset)
        return self._comparison()

    def _comparison(self) -> Expr:
        left = self._additive()
        start = _start(left)
        if self._at("op", *COMPARISONS):
            op = self._advance()
            sym = {"==": "=", "<>": "!="}.get(op.text, op.text)
            return Binary(sym, left, self._additive(), start, op.offset)
        negated = False
        if self._at("kw", "not") and (self._peek_kw("in") or self._peek_kw("between")):
            self._advance()
            negated = True
        if self._at("kw", "in"):
            self._advance()
            return InList(left, self._list(), negated, start)
        if self._at("kw", "between"):
            self._advance()
            low = self._additive()
            if not self._at("kw", "and"):
                raise self._fail("`and` after the lower bound of between")
            self._advance()
            return Between(left, low, self._additive(), negated, start)
        if self._at("kw", "is"):
            self._advance()
            neg = False
            if self._at("kw", "not"):
                self._advance()
                neg = True
            if not self._at("kw", "null"):
                raise self._fail("`null` after `is`")
            self._advance()
            return IsNull(left, neg, start)
        return left

    def _list(self) -> tuple[Expr, ...]:
        if not self._at("op", "("):
            raise self._fail("`(` to start the list after `in`")
        opened = self._advance()
        items = [self._additive()]
        while self._at("op", ","):
            self._advance()
            items.append(self._additive())
        self._close(opened)
        return tuple(items)

    def _close(self, opened: _Token) -> None:
        if self._at("op", ")"):
            self._advance()
            return
        if self.tok.kind == "eof":
            raise ExprError(opened.offset, "unbalanced_paren", "`(` is never closed",
                            "add the missing `)`")
        raise self._fail("`)`")

    def _additive(self) -> Expr:
        left = self._multiplicative()
        while self._at("op", "+", "-"):
            op = self._advance()
            left = Binary(op.text, left, self._multiplicative(), _start(left), op.offset)
        return left

    def _multiplicative(self) -> Expr:
        left = self._unary()
        while self._at("op", "*", "/"):
            op = self._advance()
            left = Binary(op.text, left, self._unary(), _start(left), op.offset)
        return left

    def _unary(self) -> Expr:
        if self._at("op", "-"):
            op = self._advance()
            operand = self._unary()
            if isinstance(operand, Literal) and isinstance(operand.value, int | Decimal) \
                    and not isinstance(operand.value, bool):
                return Literal(-operand.value, op.offset)
            if isinstance(operand, Unary) and operand.op == "-":
                return operand.operand  # `- -x` is x
            return Unary("-", operand, op.offset)
        return self._primary()

    def _primary(self) -> Expr:
        tok = self.tok
        if tok.kind in ("num", "str"):
            self._advance()
            return Literal(tok.value, tok.offset)  # type: ignore[arg-type]
        if tok.kind == "kw" and tok.text in ("true", "false", "null"):
            self._advance()
            return Literal({"true": True, "false": False, "null": None}[tok.text], tok.offset)
        if tok.kind == "ident":
            self._advance()
            if self._at("op", "("):
                return self._call(tok)
            return Name(tok.text, tok.offset)
        if self._at("op", "("):
            opened = self._advance()
            inner = self._or()
            self._close(opened)
            return inner
        raise self._fail("a value, a column or `(`")

    def _call(self, name: _Token) -> Call:
        func = name.text.lower()
        if func not in FUNCTIONS:
            raise ExprError(name.offset, "unknown_function", f"unknown function `{name.text}`",
                            did_you_mean(name.text, FUNCTIONS))
        opened = self._advance()
        arg = self.tok
        if arg.kind != "ident":
            raise ExprError(arg.offset, "expr_syntax",
                            f"`{func}` takes one KPI id", f"e.g. {func}(volume)")
        self._advance()
        self._close(opened)
        return Call(func, arg.text, name.offset, arg.offset)


def _check_size(tokens: list[_Token]) -> None:
    """Refuse, at the token that crosses it, more than MAX_OPERATORS operators or brackets
    nested deeper than MAX_PARENS."""
    operators = depth = 0
    for tok in tokens:
        if (tok.kind == "op" and tok.text not in ("(", ")", ",")) or (
                tok.kind == "kw" and tok.text in ("and", "or", "not")):
            operators += 1
            if operators > MAX_OPERATORS:
                raise ExprError(tok.offset, "expr_too_complex",
                                f"more than {MAX_OPERATORS} operators in one expression",
                                "list many values with `in (…)` instead of `or`")
        elif tok.kind == "op" and tok.text == "(":
            depth += 1
            if depth > MAX_PARENS:
                raise ExprError(tok.offset, "expr_too_deep",
                                f"brackets nested more than {MAX_PARENS} deep",
                                "remove the redundant brackets")
        elif tok.kind == "op" and tok.text == ")":
            depth -= 1


def _start(node: Expr) -> int:
    return node.offset


def parse_expr(text: str) -> Expr:
    """Parse an expression to located nodes; raise ExprError on a syntax error."""
    return _Parser(text).parse()


