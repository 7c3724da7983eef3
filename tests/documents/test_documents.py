"""Lexer limits, document measures and the bounded document cache."""

from __future__ import annotations

from graphql import parse

from documents.cache import DocumentCache, Entry
from documents.lexing import Lexed, LexicalRefusal, scan
from documents.limits import Limits
from documents.measure import Measure, first_exceeded, measure


def test_the_scan_stops_at_the_first_limit_crossed() -> None:
    assert scan("{ a b c }", max_tokens=5, max_nesting=3) == Lexed(5, 1)
    tokens = scan("{ a b c d }", max_tokens=5, max_nesting=3)
    assert isinstance(tokens, LexicalRefusal)
    assert tokens.limit == "max_tokens"
    nesting = scan("{ a(x: [[[1]]]) }", max_tokens=100, max_nesting=3)
    assert isinstance(nesting, LexicalRefusal)
    assert nesting.limit == "max_depth"
    # a syntax error is left to the parser, which locates it
    assert scan('{ "unterminated', max_tokens=100, max_nesting=3) == Lexed(1, 1)


def test_measures_go_through_fragments_and_survive_cycles() -> None:
    document = parse(
        """
        query A { x: a { ...F } b @skip(if: true) }
        query B { c }
        fragment F on T { d { e { ...G } } }
        fragment G on T { f { ...F } }
        """
    )
    assert measure(document) == Measure(
        operations=2, fragments=2, directives=1, aliases=1, root_fields=2, depth=4
    )


def test_the_first_limit_exceeded_is_named() -> None:
    measured = Measure(
        operations=1, fragments=0, directives=0, aliases=41, root_fields=1, depth=3
    )
    assert first_exceeded(measured, Limits()) == (
        "max_aliases",
        "the document has 41 aliases; at most 40",
    )
    assert first_exceeded(measured, Limits(max_aliases=41)) is None


def _entry(query: str) -> Entry:
    document = parse(query)
    return Entry(document, Lexed(3, 1), measure(document))


def test_the_cache_is_bounded_by_entries_and_by_size() -> None:
    cache = DocumentCache(max_entries=3, max_bytes=40)
    for name in ("{ a }", "{ b }", "{ c }", "{ d }"):
        cache.put(name, _entry(name))
    assert len(cache) == 3
    assert cache.get("{ a }") is None
    # the least recently used goes first
    assert cache.get("{ b }") is not None
    cache.put("{ e }", _entry("{ e }"))
    assert cache.get("{ c }") is None
    assert cache.get("{ b }") is not None
    # a large document evicts as many as its size needs
    big = "{ " + "x " * 15 + "}"
    cache.put(big, _entry(big))
    assert cache.size_bytes <= 40
    assert cache.get(big) is not None
    # one larger than the whole cache is not kept
    huge = "{ " + "y " * 30 + "}"
    cache.put(huge, _entry(huge))
    assert cache.get(huge) is None
    assert cache.size_bytes <= 40
