"""Serving the sandbox on loopback with uvicorn (imported only when serving).

:func:`serve` runs in the foreground and prints the base URL and the token it
accepts; :class:`BackgroundServer` runs one in a thread on a free port for tests
and benchmarks, and stops it again.

Connections are bounded (uvicorn's h11 protocol, with these settings):

* uvicorn has no timeout for a request's headers, only one for an idle
  keep-alive connection, which any byte received cancels. The protocol here,
  :func:`_guarded_protocol`, adds one: from the moment a connection opens, and
  again after each answer, the next request's headers must be complete within
  ``header_timeout`` seconds (:data:`HEADER_TIMEOUT`), however they trickle in;
  otherwise the connection is closed, with a 408 when part of a request came.
* A request head over :data:`MAX_HEAD` bytes is answered 400 (h11's
  ``max_incomplete_event_size``); at most :data:`MAX_CONNECTIONS` connections
  are served at once (``limit_concurrency``; more get a 503); an idle
  keep-alive connection closes after 5 s (``timeout_keep_alive``).
* Bodies are capped by the application (:data:`heroku_explorer.sandbox.bodies.MAX_BODY`).

Listening anywhere but loopback prints a warning on stderr: anyone on the
network could then use the sandbox.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from heroku_explorer.protocol import accept_header
from heroku_explorer.safe_text import visible
from heroku_explorer.sandbox.app import SANDBOX_TOKEN, SandboxApp, create_app
from heroku_explorer.schema.model import ApiSpec

__all__ = [
    "HEADER_TIMEOUT",
    "MAX_CONNECTIONS",
    "MAX_HEAD",
    "BackgroundServer",
    "announce",
    "bind",
    "exposure_warning",
    "is_loopback",
    "serve",
]

#: Seconds the headers of a request may take to arrive, from the connection's start
#: or the end of the previous answer.
HEADER_TIMEOUT = 10.0
#: The largest request head (request line and headers), in bytes.
MAX_HEAD = 16 * 1024
#: Connections served at once.
MAX_CONNECTIONS = 256


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


def is_loopback(host: str) -> bool:
    """Is ``host`` (a numeric address) a loopback one (127.0.0.0/8, ``::1``)?"""
    try:
        address = ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _raw_answer(status: int, reason: str, id: str, message: str) -> bytes:
    """A complete HTTP/1.1 error answer that closes the connection, for the moments
    before a request exists to answer through h11."""
    body = json.dumps({"id": id, "message": message}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    return head.encode("ascii") + body


def _guarded_protocol(header_timeout: float) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol with a deadline on each request's headers, and
    Heroku-style bodies on the answers it writes itself (a malformed request)."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11Protocol(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)  # type: ignore[arg-type]
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def _arm(self) -> None:
            self._disarm()
            self._head_timer = self.loop.call_later(header_timeout, self._head_timeout)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_timeout(self) -> None:
            self._head_timer = None
            # IDLE: the current request's head is not complete yet (or never began).
            if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
                return
            self._unset_keepalive_if_required()
            if self.conn.trailing_data[0]:
                self.transport.write(_raw_answer(
                    408, "Request Timeout", "request_timeout",
                    f"The request headers did not arrive within {header_timeout:g} seconds."))
            self.transport.close()

        def send_400_response(self, msg: str) -> None:
            self._disarm()
            self.transport.write(_raw_answer(
                400, "Bad Request", "bad_request",
                "The request is not valid HTTP/1.1 (or its head is over "
                f"{MAX_HEAD:,} bytes)."))
            self.transport.close()

    return GuardedH11Protocol


def _server(app: SandboxApp, log_level: str, header_timeout: float = HEADER_TIMEOUT) -> Any:
    import uvicorn

    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off",
                            timeout_graceful_shutdown=2, http=_guarded_protocol(header_timeout),
                            h11_max_incomplete_event_size=MAX_HEAD,
                            limit_concurrency=MAX_CONNECTIONS, timeout_keep_alive=5)
    return uvicorn.Server(config)


def exposure_warning(host: str, token: str) -> str | None:
    """The warning for a sandbox listening on ``host``; ``None`` on loopback."""
    if is_loopback(host):
        return None
    shown = visible(host, single_line=True)
    where = ("every network interface" if host in ("0.0.0.0", "::")
             else "an address other machines can reach")
    default = " (the default one, printed below, is public)" if token == SANDBOX_TOKEN else ""
    return (f"warning: the sandbox listens on {shown} ({where}), not on loopback. Anyone who "
            "can reach this machine on the network can use it: it is a test server, it "
            f"accepts its one token from any caller{default}, and the token travels in "
            "clear text over plain HTTP. Use --host 127.0.0.1 unless you mean this.")


def announce(spec: ApiSpec, address: tuple[str, int], *, token: str,
             state_path: str | Path | None, note: str | None, out: IO[str],
             err: IO[str]) -> None:
    """The banner for a sandbox listening on ``address``: where, the token, a curl
    line; a warning on ``err`` first when ``address`` is not loopback."""
    host, port = address
    warning = exposure_warning(host, token)
    if warning:
        print(warning, file=err, flush=True)
    url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    where = (f"state in {visible(str(state_path), single_line=True)}" if state_path
             else "state in memory")
    print(f"Heroku API sandbox ({visible(spec.title, single_line=True)}; {where}) at {url}",
          file=out)
    shown_token = visible(token, single_line=True)
    print(f"Token: {shown_token}", file=out)
    if warning:
        print(f"Listening on {url.removeprefix('http://')}: NOT loopback, reachable from "
              "the network", file=out)
    else:
        print(f"Listening on {url.removeprefix('http://')} (loopback only)", file=out)
    if note:
        print(f"Note: {visible(note, single_line=True)}", file=out)
    print(f'Try: curl -H "Accept: {accept_header()}" -H "Authorization: Bearer {shown_token}" '
          f"{url}/apps", file=out, flush=True)


def serve(spec: ApiSpec, host: str = "127.0.0.1", port: int = 0, *,
          token: str = SANDBOX_TOKEN, seed: int = 0, state_path: str | Path | None = None,
          rate_limit: int = 1200, schema_bytes: bytes | None = None,
          out: IO[str] | None = None, err: IO[str] | None = None,
          log_level: str = "warning", header_timeout: float = HEADER_TIMEOUT) -> None:
    """Serve the sandbox for ``spec`` until interrupted."""
    app = create_app(spec, token=token, seed=seed, state_path=state_path,
                     rate_limit=rate_limit, schema_bytes=schema_bytes)
    try:
        sock = bind(host, port)
    except OSError:
        app.close()
        raise
    bound = sock.getsockname()
    announce(spec, (str(bound[0]), int(bound[1])), token=token, state_path=state_path,
             note=app.state_note, out=out or sys.stdout, err=err or sys.stderr)
    try:
        _server(app, log_level, header_timeout).run(sockets=[sock])
    finally:
        sock.close()
        app.close()


class BackgroundServer:
    """The sandbox on a free loopback port in a daemon thread::

        with BackgroundServer(app) as server:
            httpx.get(server.url + "/apps", headers=...)
    """

    def __init__(self, app: SandboxApp, host: str = "127.0.0.1", port: int = 0,
                 log_level: str = "warning", header_timeout: float = HEADER_TIMEOUT) -> None:
        self.app = app
        self._sock = bind(host, port)
        self.url = _url(self._sock)
        self._server = _server(app, log_level, header_timeout)
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
