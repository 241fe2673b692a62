"""Follow a log stream: a log session's ``logplex_url`` or a build's ``output_stream_url``.

Read the way Heroku's CLI reads logplex: a GET of the URL, with no Authorization
header ever (the URL itself is the credential, so it is redacted wherever it is
stored: :func:`heroku_explorer.redaction.is_secret_name`). A log session answers
``text/event-stream`` (Server-Sent Events, one log line per ``data:`` event), a
build's output plain text in chunks; both are read as they arrive and end when the
server ends them (a log session with ``tail`` never does: the reader stops it).

A URL on the API's own base when the client talks to the in-process sandbox goes
through that client's transport; any other URL through a separate request, over
https (plain http to loopback only), without the client's headers. Each line is cut
at :data:`MAX_LINE` characters and made literal with
:func:`~heroku_explorer.safe_text.visible`.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from heroku_explorer import __version__
from heroku_explorer.errors import NetworkError, RequestTimeout, UsageError
from heroku_explorer.safe_text import visible

__all__ = [
    "MAX_LINE",
    "LineSplitter",
    "SseParser",
    "StreamKind",
    "StreamTarget",
    "follow",
    "follow_client",
    "log_session_request",
    "stream_target",
    "stream_url_of",
]

#: Characters of one log line shown; the rest of a longer line is left out.
MAX_LINE = 4096
CUT = " [… line cut]"
#: Data lines of one event held before they are shown anyway.
MAX_EVENT_LINES = 1000
StreamKind = Literal["logs", "build"]
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


@dataclass(frozen=True, slots=True)
class StreamTarget:
    """A stream to follow: its URL (a credential) and what it is."""

    url: str
    kind: StreamKind

    @property
    def label(self) -> str:
        return "log session" if self.kind == "logs" else "build output"


def stream_url_of(data: Any) -> StreamTarget | None:
    """The stream an answer offers: a log session's ``logplex_url`` or a build's
    ``output_stream_url`` (an http(s) URL), else ``None``."""
    if not isinstance(data, dict):
        return None
    for field, kind in (("logplex_url", "logs"), ("output_stream_url", "build")):
        value = data.get(field)
        if isinstance(value, str) and value.startswith(("https://", "http://")):
            return StreamTarget(value, kind)  # type: ignore[arg-type]
    return None


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def stream_target(url: str, kind: StreamKind) -> StreamTarget:
    """``url`` checked: http(s), no user info, plain http to loopback only. Raises
    :class:`UsageError` (one sentence, the URL never in it: it is a credential)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise UsageError("The stream URL is not a valid URL.") from None
    if parts.scheme not in ("http", "https") or not host:
        raise UsageError("A stream URL must be an http(s) URL.")
    if "@" in parts.netloc:
        raise UsageError("A stream URL must not hold a user name or password.")
    return StreamTarget(url, kind)


class LineSplitter:
    """Bytes in, whole lines out; a line longer than ``limit`` characters is cut and
    the rest of it dropped as it arrives (memory stays bounded)."""

    def __init__(self, limit: int = MAX_LINE) -> None:
        self.limit = limit
        self._buf = bytearray()
        self._skipping = False
        self._cut: list[str] = []

    def feed(self, data: bytes) -> list[tuple[str, bool]]:
        """The complete lines in ``data`` (with what came before): ``(text, cut)``."""
        out: list[tuple[str, bool]] = []
        start = 0
        while True:
            end = data.find(b"\n", start)
            piece = data[start:] if end < 0 else data[start:end]
            if not self._skipping:
                self._buf += piece
                if len(self._buf) > self.limit * 4:  # UTF-8 is at most 4 bytes a char
                    self._take_cut()
            if end < 0:
                break
            out.extend(self._finish())
            start = end + 1
        return out

    def _take_cut(self) -> None:
        text = self._buf.decode("utf-8", "replace")[: self.limit]
        self._cut.append(text)
        self._buf.clear()
        self._skipping = True

    def _finish(self) -> list[tuple[str, bool]]:
        if self._skipping:
            text, cut = self._cut.pop(), True
        else:
            text = self._buf.decode("utf-8", "replace").removesuffix("\r")
            cut = len(text) > self.limit
            text = text[: self.limit]
        self._buf.clear()
        self._skipping = False
        return [(text, cut)]

    def close(self) -> list[tuple[str, bool]]:
        """What is left at the end of the stream (a last line without a newline)."""
        if self._buf or self._skipping:
            return self._finish()
        return []


class SseParser:
    """Server-Sent Events, as far as a log stream needs them: each event's ``data``
    lines (joined by newlines); comments, ``event``, ``id`` and ``retry`` skipped."""

    def __init__(self) -> None:
        self._data: list[str] = []
        self._cut = False

    def line(self, text: str, cut: bool = False) -> list[tuple[str, bool]]:
        """One line of the stream in; the events it completes out."""
        if text == "":
            return self.close()
        if text.startswith(":"):
            return []
        name, colon, value = text.partition(":")
        if not colon:
            name, value = text, ""
        if name == "data":
            self._data.append(value.removeprefix(" "))
            self._cut = self._cut or cut
            if len(self._data) >= MAX_EVENT_LINES:  # an event that never ends
                return self.close()
        return []

    def close(self) -> list[tuple[str, bool]]:
        if not self._data:
            return []
        out = [(line, self._cut) for line in "\n".join(self._data).split("\n")]
        self._data = []
        self._cut = False
        return out


def _shown(text: str, cut: bool, limit: int = MAX_LINE) -> str:
    cut = cut or len(text) > limit
    return visible(text[:limit], single_line=True) + (CUT if cut else "")


async def follow(target: StreamTarget, *, transport: httpx.AsyncBaseTransport | None = None,
                 base_url: str | None = None, timeout: float = 30.0,
                 limit: int = MAX_LINE, sandbox: bool = False,
                 on_open: Callable[[], None] | None = None) -> AsyncIterator[str]:
    """The stream's lines as they arrive, each literal (:func:`visible`) and cut at
    ``limit`` characters, until the server ends the stream.

    ``transport`` (the client's, for the in-process sandbox) is used only for a URL on
    ``base_url``; with ``sandbox`` a URL elsewhere (but on loopback) is refused, so the
    sandbox never sends anyone to a real host. No Authorization or other header of the
    API client is ever sent.
    Raises :class:`NetworkError`, :class:`RequestTimeout` or :class:`UsageError` (one
    sentence each; the URL, a credential, is never in it)."""
    stream_target(target.url, target.kind)
    parts = urlsplit(target.url)
    on_base = bool(base_url) and _origin(target.url) == _origin(base_url or "")
    use = _streaming(transport) if on_base and transport is not None else None
    if sandbox and not on_base and not _is_loopback(parts.hostname or ""):
        raise UsageError(f"The sandbox's {target.label} names a stream on another host; "
                         "the sandbox follows only its own streams.")
    if use is None and parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
        raise UsageError(f"The {target.label} URL is plain http to another host; it is a "
                         "credential, so it is read over https only.")
    accept = "text/event-stream" if target.kind == "logs" else "text/plain, */*"
    # Identity: a compressed chunk could unpack to any size at once.
    headers = {"Accept": accept, "Accept-Encoding": "identity",
               "User-Agent": f"heroku-explorer/{__version__}"}
    limits = httpx.Timeout(timeout, read=None)
    async with httpx.AsyncClient(transport=use, timeout=limits, follow_redirects=False,
                                 trust_env=False) as http:
        try:
            async with http.stream("GET", target.url, headers=headers) as response:
                if response.status_code != 200:
                    raise NetworkError(f"The {target.label} stream answered "
                                       f"{response.status_code}, not 200.", kind="protocol")
                if on_open is not None:
                    on_open()
                sse = target.kind == "logs" and "event-stream" in response.headers.get(
                    "content-type", "text/event-stream")
                # Room for the field name of an event ("data: ").
                splitter = LineSplitter(limit + 16 if sse else limit)
                parser = SseParser()
                async for chunk in response.aiter_bytes():
                    for text, cut in splitter.feed(chunk):
                        for line in (parser.line(text, cut) if sse else [(text, cut)]):
                            yield _shown(*line, limit)
                for text, cut in splitter.close():
                    for line in (parser.line(text, cut) if sse else [(text, cut)]):
                        yield _shown(*line, limit)
                for line in parser.close() if sse else []:
                    yield _shown(*line, limit)
        except httpx.TimeoutException:
            raise RequestTimeout(f"The {target.label} stream did not answer within "
                                f"{timeout:g} s.", kind="timeout") from None
        except httpx.HTTPError as exc:
            raise NetworkError(f"The {target.label} stream failed "
                               f"({type(exc).__name__}).", kind="other") from None


def _origin(url: str) -> tuple[str, str, int | None]:
    try:
        parts = urlsplit(url)
        return parts.scheme, (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "", "", None


def _streaming(transport: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
    """An in-process ASGI transport that hands the body on as the app sends it
    (httpx's own waits for the whole body, which a followed log never ends)."""
    if isinstance(transport, httpx.ASGITransport):
        return _AsgiStream(transport.app)
    return transport


class _AsgiStream(httpx.AsyncBaseTransport):
    """Just enough of an ASGI client for one streamed GET."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import asyncio

        queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(maxsize=64)
        started: asyncio.Future[tuple[int, list[tuple[bytes, bytes]]]] = \
            asyncio.get_running_loop().create_future()
        disconnected = asyncio.Event()
        url = request.url
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": request.method, "scheme": url.scheme, "path": url.path,
            "raw_path": url.raw_path.split(b"?")[0], "query_string": url.query,
            "root_path": "", "server": (url.host, url.port or 80),
            "client": ("127.0.0.1", 123),
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
        }
        sent_request = False

        async def receive() -> dict[str, Any]:
            nonlocal sent_request
            if not sent_request:
                sent_request = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await disconnected.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                if not started.done():
                    started.set_result((message["status"], list(message.get("headers", []))))
            elif message["type"] == "http.response.body":
                body = message.get("body", b"")
                if body:
                    await queue.put(("body", body))
                if not message.get("more_body", False):
                    await queue.put(("end", b""))

        async def run() -> None:
            try:
                await self.app(scope, receive, send)
            except Exception as exc:
                if not started.done():
                    started.set_exception(exc)
            finally:
                if not started.done():
                    started.set_exception(httpx.RemoteProtocolError("no answer"))
                with contextlib.suppress(asyncio.QueueFull):
                    queue.put_nowait(("end", b""))

        task = asyncio.create_task(run())
        try:
            status, headers = await started
        except BaseException:
            disconnected.set()
            task.cancel()
            raise

        class Body(httpx.AsyncByteStream):
            async def __aiter__(self) -> AsyncIterator[bytes]:
                while True:
                    kind, data = await queue.get()
                    if kind == "end":
                        return
                    yield data

            async def aclose(self) -> None:
                disconnected.set()
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

        return httpx.Response(status, headers=headers, stream=Body(), request=request)


def log_session_request(spec: Any, app: str, *, tail: bool = False, lines: int | None = None,
                        dyno: str | None = None, source: str | None = None) -> Any:
    """The schema's Log Session Create for ``app``, as a request. Raises
    :class:`UsageError` when the schema has none, ``RequestInvalid`` for bad values."""
    from heroku_explorer.request import build_request

    action = next((a for a in spec.actions() if a.method == "POST"
                   and a.path.rstrip("/").endswith("/log-sessions")), None)
    if action is None or not action.path_params:
        raise UsageError("This schema has no Log Session Create action.")
    values: dict[str, Any] = {action.path_params[0].name: app}
    names = {p.name for p in action.body_params}
    for name, value in (("tail", tail or None), ("lines", lines), ("dyno", dyno),
                        ("source", source)):
        if value is not None and name in names:
            values[name] = value
    return build_request(action, values)


def follow_client(client: Any, target: StreamTarget, **kwargs: Any) -> AsyncIterator[str]:
    """:func:`follow` through ``client``'s in-process transport when the URL is on its
    base URL (the sandbox), else on its own."""
    return follow(target, transport=getattr(client, "transport", None),
                  base_url=str(client.base_url), timeout=float(client.timeout),
                  sandbox=bool(getattr(client, "sandbox", False)), **kwargs)


async def logs_command(spec: Any, client: Any, app: str, *, tail: bool = False,
                       lines: int | None = None, dyno: str | None = None,
                       source: str | None = None, out: Any, err: Any) -> int:
    """``heroku-explorer logs APP``: create a log session, then print its lines to
    ``out`` as they arrive. The exit status: 0 when the stream ended, 1 when the API
    refused the session, 2 for bad values, 3 when the stream could not be read."""
    from heroku_explorer.errors import ExplorerError, RequestError
    from heroku_explorer.policy import describe_error

    try:
        request = log_session_request(spec, app, tail=tail, lines=lines, dyno=dyno,
                                      source=source)
    except ExplorerError as exc:
        err.write(f"heroku-explorer: {describe_error(exc)}\n")
        return 2
    exchange = await client.send(request)
    if not exchange.ok:
        problem = exchange.error if exchange.error is not None else None
        text = describe_error(problem) if problem is not None else \
            visible(exchange.summary, single_line=True)
        err.write(f"heroku-explorer: {text}\n")
        return 3 if exchange.status is None else 1
    target = stream_url_of(exchange.data)
    if target is None:
        err.write("heroku-explorer: The log session answer holds no logplex_url to follow.\n")
        return 1
    try:
        async for line in follow_client(client, target):
            out.write(line + "\n")
            out.flush()
    except ExplorerError as exc:
        err.write(f"heroku-explorer: {visible(str(exc), single_line=True)}\n")
        return 3 if isinstance(exc, RequestError) else 2
    return 0
