"""Automatic persisted queries (Apollo's protocol): a client sends the
SHA-256 of its document in ``extensions.persistedQuery``; the first time, the
gateway answers ``PERSISTED_QUERY_NOT_FOUND`` and the client sends the
document with its hash, which the gateway keeps once the document has passed
the caller's limits and validation.

The documents live in PostgreSQL (``persisted_documents``), shared by every
gateway process, bounded to ``max_documents`` (the least recently used go).
Each process keeps the documents it has seen in a small LRU in front: they
are addressed by their content, so a copy is never stale.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from documents.prepare import RequestError

_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


def sha256_of(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class PersistedQuery:
    """What ``extensions.persistedQuery`` asked for."""

    sha256: str


def persisted_query_of(extensions: Mapping[str, Any] | None) -> PersistedQuery | None:
    """The request's persisted-query extension, checked for its shape."""
    if not extensions or "persistedQuery" not in extensions:
        return None
    asked = extensions["persistedQuery"]
    if not isinstance(asked, dict) or asked.get("version") != 1:
        raise RequestError(
            "BAD_REQUEST", "persistedQuery must be {version: 1, sha256Hash}."
        )
    digest = asked.get("sha256Hash")
    if not isinstance(digest, str) or not _HEX_SHA256.fullmatch(digest):
        raise RequestError(
            "BAD_REQUEST", "sha256Hash must be 64 lowercase hexadecimal digits."
        )
    return PersistedQuery(digest)


class PersistedDocuments:
    """The shared, bounded store, with this process's LRU in front."""

    def __init__(
        self, engine: AsyncEngine, max_documents: int, local_entries: int = 256
    ) -> None:
        self.engine = engine
        self.max_documents = max_documents
        self.local_entries = local_entries
        self._local: OrderedDict[str, str] = OrderedDict()

    def _remember(self, digest: str, document: str) -> None:
        self._local[digest] = document
        self._local.move_to_end(digest)
        while len(self._local) > self.local_entries:
            self._local.popitem(last=False)

    async def get(self, digest: str) -> str | None:
        """The document registered under ``digest``; its ``used_at`` is
        refreshed at most hourly (a read stays a read for hot documents)."""
        document: str | None = self._local.get(digest)
        if document is not None:
            self._local.move_to_end(digest)
            return document
        async with self.engine.begin() as conn:
            document = await conn.scalar(
                text(
                    "WITH touched AS (UPDATE persisted_documents SET used_at = now() "
                    "WHERE sha256 = :sha AND used_at < now() - interval '1 hour' "
                    "RETURNING sha256) "
                    "SELECT document FROM persisted_documents WHERE sha256 = :sha"
                ),
                {"sha": bytes.fromhex(digest)},
            )
        if document is not None:
            self._remember(digest, document)
        return document

    async def put(self, digest: str, document: str) -> None:
        """Keep ``document`` (its hash checked by the caller); the least
        recently used beyond the bound go in the same transaction."""
        if digest in self._local:
            return
        async with self.engine.begin() as conn:
            added = await conn.execute(
                text(
                    "INSERT INTO persisted_documents (sha256, document) "
                    "VALUES (:sha, :document) ON CONFLICT (sha256) DO NOTHING"
                ),
                {"sha": bytes.fromhex(digest), "document": document},
            )
            if added.rowcount:
                await conn.execute(
                    text(
                        "DELETE FROM persisted_documents WHERE sha256 IN ("
                        "SELECT sha256 FROM persisted_documents "
                        "ORDER BY used_at DESC, created_at DESC OFFSET :keep)"
                    ),
                    {"keep": self.max_documents},
                )
        self._remember(digest, document)
