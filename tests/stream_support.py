"""A small loopback HTTP server for the log-stream tests: a stand-in for the API's
Log Session Create and for logplex (Server-Sent Events) and build output (chunked
plain text). Each request's method, path and headers are noted in ``seen``."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

SECRET = "PLANTED-srv-secret-4417"
LOG_LINES = [
    "2026-12-01T10:00:00.000000+00:00 app[web.1]: Starting process",
    "2026-12-01T10:00:01.000000+00:00 heroku[router]: at=info method=GET path=\"/\"",
    "2026-12-01T10:00:02.000000+00:00 app[web.1]: \x1b[2Jcleared\u202e",
]


@dataclass
class Seen:
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    closed: threading.Event = field(default_factory=threading.Event)
    lines: list[str] | None = None
    """What /logs/ serves instead of the test lines (the screenshot's)."""


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen,
                  base: str) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        writer.close()
        return
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0") or 0)
    sent = await reader.readexactly(length) if length else b""
    seen.requests.append((method, target, headers))
    path = target.split("?", 1)[0]

    async def start(status: str, ctype: str, chunked: bool = True,
                    body: bytes = b"") -> None:
        extra = b"Transfer-Encoding: chunked\r\n" if chunked else \
            f"Content-Length: {len(body)}\r\n".encode()
        writer.write(f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n".encode() + extra
                     + b"Connection: close\r\n\r\n" + body)
        await writer.drain()

    try:
        if method == "POST" and path.endswith("/log-sessions"):
            where = "tail" if json.loads(sent or b"{}").get("tail") else "logs"
            body = json.dumps({"id": "5e55",
                               "logplex_url": f"{base}/{where}/5e55?srv={SECRET}",
                               "created_at": "2026-12-01T10:00:00Z",
                               "updated_at": "2026-12-01T10:00:00Z"}).encode()
            await start("201 Created", "application/json", chunked=False, body=body)
        elif method == "GET" and path.startswith("/apps/") and "/builds/" in path:
            body = json.dumps({"id": "b1", "status": "pending", "output_stream_url":
                               f"{base}/builds/b1?srv={SECRET}"}).encode()
            await start("200 OK", "application/json", chunked=False, body=body)
        elif path.startswith("/logs/"):
            await start("200 OK", "text/event-stream")
            if seen.lines is not None:
                raw = "".join(f"data: {line}\n\n" for line in seen.lines).encode()
                writer.write(_chunk(raw) + b"0\r\n\r\n")
                await writer.drain()
                return
            text = ": keep-alive\n\n" + "".join(f"id: {n}\ndata: {line}\n\n"
                                               for n, line in enumerate(LOG_LINES))
            text += "event: message\ndata: " + "x" * 10_000 + "\n\n"
            text += "data: first of two\ndata: second of two\n\n"
            raw = text.encode()
            for n in range(0, len(raw), 7):  # events split anywhere
                writer.write(_chunk(raw[n:n + 7]))
            writer.write(b"0\r\n\r\n")
        elif path.startswith("/tail/"):
            await start("200 OK", "text/event-stream")
            n = 0
            while True:
                writer.write(_chunk(f"data: line {n}\n\n".encode()))
                await writer.drain()
                n += 1
                await asyncio.sleep(0.01)
        elif path.startswith("/builds/"):
            await start("200 OK", "text/plain")
            for piece in (b"-----> Building on the Heroku-24 stack\n-----> Pyth",
                          b"on app detected\n", b"\xff\xfe bad bytes\n", b"done, no newline"):
                writer.write(_chunk(piece))
                await writer.drain()
            writer.write(b"0\r\n\r\n")
        else:
            await start("404 Not Found", "application/json", chunked=False,
                        body=b'{"id":"not_found","message":"no"}')
        await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        seen.closed.set()
        writer.close()


@contextmanager
def stream_server(lines: list[str] | None = None) -> Iterator[tuple[str, Seen]]:
    """The server on 127.0.0.1 in a thread of its own; its base URL and what it saw.
    ``lines``: what the log stream serves instead of the test lines."""
    seen = Seen(lines=lines)
    loop = asyncio.new_event_loop()
    ready: list[str] = []
    started = threading.Event()

    async def serve() -> asyncio.Server:
        holder: dict[str, str] = {}

        async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            await _handle(r, w, seen, holder["base"])

        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        holder["base"] = f"http://127.0.0.1:{port}"
        ready.append(holder["base"])
        return server

    def run() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(serve())
        started.set()
        loop.run_forever()
        server.close()
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(server.wait_closed())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield ready[0], seen
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
