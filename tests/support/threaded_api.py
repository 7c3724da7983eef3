"""``running_api`` on an event loop of its own thread, driven from plain
(synchronous) code: for property-based tests, whose examples Hypothesis runs
one by one from a synchronous function::

    with threaded_api(engine, issuer.url, rate_limit_person="1000/1000") as api:
        response = api.post({"query": "{ __typename }"}, token)
        rows = api.run(count_rows(api.engine))

The app is still in-process (ASGI transport, its lifespan entered once); only
the loop differs. ``run`` runs any coroutine on that loop, e.g. checks on the
app's own engine after a run.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.api import Api, running_api

T = TypeVar("T")

_START_SECONDS = 60.0
_REQUEST_SECONDS = 60.0


@dataclass
class ThreadedApi:
    api: Api
    loop: asyncio.AbstractEventLoop

    @property
    def engine(self) -> AsyncEngine:
        """The app's own engine (it lives on the app's loop: use with ``run``)."""
        engine: AsyncEngine = self.api.app.state.engine
        return engine

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the app's loop and wait for its result."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        return future.result(timeout=_REQUEST_SECONDS)

    def post(
        self,
        body: dict[str, Any],
        token: str | None = None,
        *,
        accept: str | None = None,
    ) -> httpx.Response:
        """POST ``body`` as JSON to ``/graphql``."""
        return self.run(
            self.api.client.post("/graphql", json=body, headers=_headers(token, accept))
        )

    def get(
        self,
        params: dict[str, str],
        token: str | None = None,
        *,
        accept: str | None = None,
    ) -> httpx.Response:
        """GET ``/graphql`` with ``params`` in the query string."""
        return self.run(
            self.api.client.get(
                "/graphql", params=params, headers=_headers(token, accept)
            )
        )


def _headers(token: str | None, accept: str | None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if accept is not None:
        headers["Accept"] = accept
    return headers


@contextmanager
def threaded_api(
    engine: AsyncEngine, issuer_url: str, **overrides: Any
) -> Iterator[ThreadedApi]:
    """``running_api(engine, issuer_url, **overrides)`` held open on a loop in
    a background thread until the block ends (only ``engine``'s URL is used)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    ready: concurrent.futures.Future[tuple[Api, asyncio.Event]] = (
        concurrent.futures.Future()
    )

    async def hold() -> None:
        # entered and left in this one task, as the lifespan expects
        done = asyncio.Event()
        async with running_api(engine, issuer_url, **overrides) as api:
            ready.set_result((api, done))
            await done.wait()

    held = asyncio.run_coroutine_threadsafe(hold(), loop)
    try:
        started: list[concurrent.futures.Future[Any]] = [ready, held]
        concurrent.futures.wait(
            started,
            timeout=_START_SECONDS,
            return_when=concurrent.futures.FIRST_COMPLETED,
        )
        if not ready.done():
            if held.done():
                held.result()  # raises the startup's own error
            held.cancel()
            raise RuntimeError("the gateway did not start in time")
        api, done = ready.result()
        try:
            yield ThreadedApi(api, loop)
        finally:
            loop.call_soon_threadsafe(done.set)
            held.result(timeout=_START_SECONDS)
    finally:
        cleanup = asyncio.run_coroutine_threadsafe(loop.shutdown_asyncgens(), loop)
        cleanup.result(timeout=_START_SECONDS)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=_START_SECONDS)
        loop.close()
