"""Serving the sandbox on loopback with uvicorn (imported only when serving).

:func:`serve` runs in the foreground and prints the base URL and the token it
accepts; :class:`BackgroundServer` runs one in a thread on a free port for tests
and benchmarks, and stops it again.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from heroku_explorer.protocol import accept_header
from heroku_explorer.sandbox.app import SANDBOX_TOKEN, SandboxApp, create_app
from heroku_explorer.schema.model import ApiSpec

__all__ = ["BackgroundServer", "bind", "serve"]


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening socket on ``host:port`` (port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP lets asyncio set TCP_NODELAY on accepted connections;
    # without it every answer waits ~40 ms on Nagle's algorithm.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        # Listening now means a client that reads the printed URL and connects at
        # once waits in the backlog instead of being refused.
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _server(app: SandboxApp, log_level: str) -> Any:
    import uvicorn

    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off",
                            timeout_graceful_shutdown=2)
    return uvicorn.Server(config)


def serve(spec: ApiSpec, host: str = "127.0.0.1", port: int = 0, *,
          token: str = SANDBOX_TOKEN, seed: int = 0, state_path: str | Path | None = None,
          rate_limit: int = 1200, schema_bytes: bytes | None = None,
          out: IO[str] | None = None, log_level: str = "warning") -> None:
    """Serve the sandbox for ``spec`` until interrupted."""
    out = out or sys.stdout
    app = create_app(spec, token=token, seed=seed, state_path=state_path,
                     rate_limit=rate_limit, schema_bytes=schema_bytes)
    sock = bind(host, port)
    url = _url(sock)
    where = f"state in {state_path}" if state_path else "state in memory"
    print(f"Heroku API sandbox ({spec.title}; {where}) at {url}", file=out)
    print(f"Token: {token}", file=out)
    if app.state_note:
        print(f"Note: {app.state_note}", file=out)
    print(f'Try: curl -H "Accept: {accept_header()}" -H "Authorization: Bearer {token}" '
          f"{url}/apps", file=out, flush=True)
    try:
        _server(app, log_level).run(sockets=[sock])
    finally:
        sock.close()
        app.close()


class BackgroundServer:
    """The sandbox on a free loopback port in a daemon thread::

        with BackgroundServer(app) as server:
            httpx.get(server.url + "/apps", headers=...)
    """

    def __init__(self, app: SandboxApp, host: str = "127.0.0.1", port: int = 0,
                 log_level: str = "warning") -> None:
        self.app = app
        self._sock = bind(host, port)
        self.url = _url(self._sock)
        self._server = _server(app, log_level)
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 10.0) -> str:
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]},
            name="sandbox-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        return self.url

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._sock.close()

    def __enter__(self) -> BackgroundServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
