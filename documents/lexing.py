"""A look at the raw document before the parser sees it: the lexer alone,
counting tokens and bracket nesting, stopping at the first limit crossed.

The parser is recursive and, on a large document, slow: an attacker's
document is refused here, at a cost linear in what was read up to the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLError, Source, TokenKind
from graphql.language.lexer import Lexer

_OPEN = frozenset({TokenKind.BRACE_L, TokenKind.PAREN_L, TokenKind.BRACKET_L})
_CLOSE = frozenset({TokenKind.BRACE_R, TokenKind.PAREN_R, TokenKind.BRACKET_R})


@dataclass(frozen=True, slots=True)
class LexicalRefusal:
    """Which limit the document crossed."""

    limit: str
    message: str


@dataclass(frozen=True, slots=True)
class Lexed:
    """The document's token count and deepest bracket nesting."""

    tokens: int
    nesting: int

    def refusal(self, *, max_tokens: int, max_nesting: int) -> LexicalRefusal | None:
        """The limit these counts cross (a document scanned, and cached, for
        a caller with larger limits), if any."""
        if self.tokens > max_tokens:
            return _too_many_tokens(max_tokens)
        if self.nesting > max_nesting:
            return _too_deep(max_nesting)
        return None


def _too_many_tokens(max_tokens: int) -> LexicalRefusal:
    return LexicalRefusal(
        "max_tokens", f"the document has more than {max_tokens} tokens"
    )


def _too_deep(max_nesting: int) -> LexicalRefusal:
    return LexicalRefusal(
        "max_depth", f"the document nests deeper than {max_nesting} brackets"
    )


def scan(query: str, *, max_tokens: int, max_nesting: int) -> Lexed | LexicalRefusal:
    """The counts when ``query`` has at most ``max_tokens`` tokens and its
    brackets nest at most ``max_nesting`` deep, else the limit crossed. A
    syntax error ends the scan; the parser reports it with its location."""
    lexer = Lexer(Source(query))
    tokens = nesting = deepest = 0
    try:
        while True:
            token = lexer.advance()
            kind = token.kind
            if kind is TokenKind.EOF:
                return Lexed(tokens, deepest)
            tokens += 1
            if tokens > max_tokens:
                return _too_many_tokens(max_tokens)
            if kind in _OPEN:
                nesting += 1
                deepest = max(deepest, nesting)
                if nesting > max_nesting:
                    return _too_deep(max_nesting)
            elif kind in _CLOSE:
                nesting -= 1
    except GraphQLError:
        return Lexed(tokens, deepest)
