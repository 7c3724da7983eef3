"""Parsed and validated documents, kept per process and bounded both in
entries and in the documents' total size (a cache an attacker can fill only
evicts older entries; it never grows past its bounds).

A document is immutable and validation depends only on the schema, so an
entry is never stale; every process keeps its own and needs no sharing.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError

from documents.lexing import Lexed
from documents.measure import Measure


@dataclass(slots=True)
class Entry:
    document: DocumentNode
    lexed: Lexed
    measure: Measure
    #: ``None`` until the document is first validated (after the limits held).
    errors: list[GraphQLError] | None = None


class DocumentCache:
    """A least-recently-used map from query text to its parsed entry."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def get(self, query: str) -> Entry | None:
        entry = self._entries.get(query)
        if entry is not None:
            self._entries.move_to_end(query)
        return entry

    def put(self, query: str, entry: Entry) -> None:
        if len(query) > self.max_bytes or self.max_entries <= 0:
            return
        if query in self._entries:
            self._entries.move_to_end(query)
            self._entries[query] = entry
            return
        self._entries[query] = entry
        self._bytes += len(query)
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            evicted, _ = self._entries.popitem(last=False)
            self._bytes -= len(evicted)
