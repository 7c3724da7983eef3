"""The gateway's ASGI app served for real: uvicorn on a free loopback port in a
background thread, with its lifespan, for clients that are not in-process
(another program, such as Node)::

    with served(create_app(settings)) as base_url:
        httpx.post(f"{base_url}/graphql", json={"query": "{ __typename }"})

The thread runs its own event loop: the app opens its own engines there.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette

_START_SECONDS = 30.0
_STOP_SECONDS = 15.0


@contextmanager
def served(app: Starlette) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 until the block ends; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        lifespan="on",
        http="h11",
        ws="none",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + _START_SECONDS
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the gateway stopped while starting (lifespan)")
            if time.monotonic() > deadline:
                raise RuntimeError("the gateway did not start in time")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=_STOP_SECONDS)
        sock.close()
