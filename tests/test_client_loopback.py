"""Over a real loopback server (uvicorn in a thread): connection reuse."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from heroku_explorer.client import Credentials, HerokuClient
from heroku_explorer.request import raw_request
from tests.client_helpers import TOKEN

uvicorn = pytest.importorskip("uvicorn")


class CountingApp:
    """Answers every request with {} and remembers each client (host, port): one
    port per TCP connection."""

    def __init__(self) -> None:
        self.peers: list[tuple[str, int]] = []
        self.auth: list[str | None] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        self.peers.append(tuple(scope["client"]))  # type: ignore[arg-type]
        headers = dict(scope["headers"])
        self.auth.append(headers.get(b"authorization", b"").decode() or None)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"etag", b'"x"')]})
        await send({"type": "http.response.body", "body": b"{}"})


@pytest.fixture
def server() -> Iterator[tuple[str, CountingApp]]:
    app = CountingApp()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "the loopback server did not start"
        time.sleep(0.01)
    host, port = sock.getsockname()
    yield f"http://{host}:{port}", app
    srv.should_exit = True
    thread.join(10)
    sock.close()


async def test_fifty_sequential_requests_reuse_one_connection(
        server: tuple[str, CountingApp]) -> None:
    url, app = server
    async with HerokuClient(url, Credentials(token=TOKEN), cache_dir=None) as client:
        for i in range(50):
            ex = await client.send(raw_request("GET", f"/apps/{i}"))
            assert ex.status == 200, ex.summary
    assert len(app.peers) == 50
    assert len(set(app.peers)) == 1, f"{len(set(app.peers))} connections were opened"
    assert set(app.auth) == {f"Bearer {TOKEN}"}
