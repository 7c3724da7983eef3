"""The gateway as a test talks to it: the ASGI app in-process, started with its
lifespan, on the test's own database, trusting a real (test) issuer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from app import create_app
from db import statements
from settings import Mode, Settings

#: The keyed digests' key in API tests.
TEST_DIGEST_KEY = "test digest key, thirty-two characters or more"


@dataclass
class StatementCounter:
    """Counts SQL statements the app's engine sends (``before_cursor_execute``)."""

    statements: list[str] = field(default_factory=list)

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    def sent(self, statement: str) -> None:
        """A statement sent by asyncpg directly (``db.statements``)."""
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()


@dataclass
class Api:
    app: Starlette
    client: httpx.AsyncClient
    counter: StatementCounter

    async def post(
        self, query: str, token: str | None = None, **variables: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )

    async def query(
        self, query: str, token: str | None = None, **variables: Any
    ) -> dict[str, Any]:
        """Run ``query``; assert a 200 without errors; return ``data``."""
        response = await self.post(query, token, **variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]  # type: ignore[no-any-return]


@asynccontextmanager
async def running_api(
    engine: AsyncEngine, issuer_url: str, **overrides: Any
) -> AsyncIterator[Api]:
    """The app on ``engine``'s database, accepting tokens from ``issuer_url``.

    Every query the planned path answers is run through Strawberry too
    (``execution_check``) and must give the same answer and audit records:
    a difference fails the test when the app stops. The counter hears the
    statements of the answer served (the planned one), not of the check."""
    defaults: dict[str, Any] = {
        "digest_key": TEST_DIGEST_KEY,
        "execution_check": True,
    }
    settings = Settings(
        mode=Mode.PRODUCTION,
        database_url=engine.url.render_as_string(hide_password=False),
        oidc_issuer=issuer_url,
        **(defaults | overrides),
    )
    async with httpx.AsyncClient() as issuer_client:
        app = create_app(settings, http_client=issuer_client)
        async with app.router.lifespan_context(app):
            counter = StatementCounter()
            app_engine: AsyncEngine = app.state.engine
            event.listen(app_engine.sync_engine, "before_cursor_execute", counter)
            stop_hearing = statements.on_statement(app_engine, counter.sent)
            transport = httpx.ASGITransport(app=app)
            try:
                async with httpx.AsyncClient(
                    transport=transport, base_url="http://gateway.test"
                ) as client:
                    yield Api(app, client, counter)
            finally:
                stop_hearing()
                event.remove(app_engine.sync_engine, "before_cursor_execute", counter)
            assert not app.state.graphql.mismatches, app.state.graphql.mismatches
