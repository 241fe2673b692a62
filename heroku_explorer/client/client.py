"""``HerokuClient``: the one async client both front ends send through.

It owns a single :class:`httpx.AsyncClient` for its lifetime (one connection
pool, keep-alive) and layers the v3 protocol on top::

    send(spec)
     +-- prepare          Accept (variant), User-Agent, Content-Type, method override
     +-- revalidate?      If-None-Match from the ETag cache
     +-- _send_once       token only to the API origin, redirects checked hop by hop
     |    +-- _exchange   body states, Request-Id, ETag, ranges, warnings, typed errors
     +-- 429?             wait Retry-After and retry, when asked
     +-- history          redacted record

``send`` never raises for HTTP or network failures: the :class:`Exchange` it
returns carries them in ``error`` (``raise_for_error()`` for scripts).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import dataclasses
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode

import httpx

from heroku_explorer import __version__
from heroku_explorer.client.auth import Credentials, same_origin, token_refusal
from heroku_explorer.client.body import SPOOL_CAP, BodyDecoder, Redactor
from heroku_explorer.client.cache import CachedResponse, CacheKey, ETagCache
from heroku_explorer.client.exports import AuthStyle, Format, export
from heroku_explorer.client.history import History
from heroku_explorer.client.live_schema import SchemaDocument, fetch_schema, network_error
from heroku_explorer.client.ranges import (
    continue_range,
    parse_accept_ranges,
    parse_content_range,
    parse_next_range,
)
from heroku_explorer.client.ratelimit import RateLimitState, RetryPolicy, remaining_note
from heroku_explorer.client.response import (
    DISPLAY_CAP,
    Exchange,
    Outgoing,
    api_error,
    classify,
    safe_retry_after,
)
from heroku_explorer.errors import RateLimited, ReadOnlyRefused, RequestError, TimeoutError_
from heroku_explorer.paths import cache_dir as default_cache_dir
from heroku_explorer.protocol import (
    H,
    accept_header,
    accept_variant,
    header_value,
    parse_warning,
    reason_phrase,
)
from heroku_explorer.request import RequestSpec
from heroku_explorer.safe_text import has_controls

__all__ = ["BASE_URL_ENV", "DEFAULT_BASE_URL", "HerokuClient", "read_warnings"]

DEFAULT_BASE_URL = "https://api.heroku.com"
BASE_URL_ENV = "HEROKU_API_URL"
MAX_REDIRECTS = 5
#: Large bodies kept on disk at once; older files are removed (and the rest at exit).
_MAX_SPOOLED = 8
_JSON = "application/json"


class HerokuClient:
    """The shared client. Open it with ``async with HerokuClient(...) as client``.

    ``transport`` replaces the network (``httpx.ASGITransport`` for the in-process
    sandbox, ``httpx.MockTransport`` in tests). ``credentials=None`` sends no token.
    ``history`` records every exchange; its owner closes it. ``cache_dir`` holds the
    live schema (default: the user cache directory).

    ``timeout`` is one deadline for a whole exchange: from connecting to the last
    decoded byte of the answer (redirects included), however the bytes arrive.
    A body over ``display_cap`` decoded bytes is spooled, redacted, to a private temp
    file (``Exchange.body_path``), up to ``spool_cap`` decoded bytes (default
    :data:`~heroku_explorer.client.body.SPOOL_CAP`, 256 MiB); past that reading stops
    and the exchange is marked ``truncated``.
    """

    def __init__(
        self,
        base_url: str | None = None,
        credentials: Credentials | None = None,
        *,
        variant: str = "3",
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        history: History | None = None,
        cache_dir: Path | None = None,
        user_agent: str | None = None,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        display_cap: int = DISPLAY_CAP,
        spool_cap: int = SPOOL_CAP,
        environ: Mapping[str, str] | None = None,
        read_only: bool = False,
        sandbox: bool = False,
    ) -> None:
        env = os.environ if environ is None else environ
        url = base_url or env.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        self.base_url = httpx.URL(url.rstrip("/"))
        self._base = str(self.base_url).rstrip("/")
        self.credentials = credentials
        self.read_only = read_only
        self.sandbox = sandbox
        self.variant = variant
        self._accept = accept_header(variant)
        self.timeout = timeout
        self._timeout_ext = httpx.Timeout(timeout).as_dict()
        self.history = history
        #: Told of every exchange as it is recorded (the lessons watch through this).
        self.observers: list[Callable[[Exchange], None]] = []
        #: The in-process sandbox's control (``lesson_setup``), when there is one.
        self.sandbox_control: object | None = None
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir(env)
        self.user_agent = user_agent or f"heroku-explorer/{__version__}"
        self._defaults = ((H.USER_AGENT, self.user_agent), ("Accept-Encoding", "gzip, deflate"))
        self.retry_policy = retry_policy or RetryPolicy()
        self.display_cap = display_cap
        self.spool_cap = max(spool_cap, display_cap)
        self.etags = ETagCache()
        self.ratelimit = RateLimitState()
        self.last_request_id: str | None = None
        self._sleep = sleep
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._closed = False
        self._spooled: list[str] = []
        self._spool_dir: str | None = None
        self._secrets = credentials.secrets if credentials else ()
        self._identity = credentials.identity if credentials else "anonymous"
        if history is not None:
            history.add_secrets(self._secrets)

    # -- lifecycle ------------------------------------------------------------

    async def __aenter__(self) -> HerokuClient:
        self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def open(self) -> httpx.AsyncClient:
        """Create the underlying httpx client (once); :meth:`send` calls this too."""
        if self._closed:
            raise RuntimeError("this HerokuClient is closed; open a new one")
        if self._http is None:
            self._http = httpx.AsyncClient(
                transport=self._transport, timeout=self.timeout, follow_redirects=False,
                headers={H.USER_AGENT: self.user_agent, H.ACCEPT: accept_header(self.variant)},
            )
        return self._http

    async def aclose(self) -> None:
        """Close the connection pool and remove this client's large-body files."""
        try:
            if self._http is not None:
                await self._http.aclose()
        finally:
            self._http = None
            self._closed = True
            while self._spooled:
                _unspool(self._spooled.pop())
            if self._spool_dir is not None:
                _remove_dir(self._spool_dir)
                self._spool_dir = None

    # -- facts ----------------------------------------------------------------

    @property
    def authenticated(self) -> bool:
        return self.credentials is not None

    @property
    def ratelimit_remaining(self) -> int | None:
        return self.ratelimit.remaining

    # -- requests -------------------------------------------------------------

    def url_for(self, spec: RequestSpec) -> str:
        """The absolute URL of ``spec``: the base URL plus its path and query."""
        url = spec.path if spec.path.startswith(("http://", "https://")) else self._base + spec.path
        if spec.query:
            url += ("&" if "?" in url else "?") + urlencode(spec.query)
        return url

    def _same_origin(self, url: str) -> bool:
        if url.startswith(self._base + "/") or url == self._base:
            return True
        try:
            return same_origin(httpx.URL(url), self.base_url)
        except httpx.InvalidURL:
            return False

    def prepare(self, spec: RequestSpec) -> Outgoing:
        """Exactly what :meth:`send` puts on the wire, minus the token."""
        url = self.url_for(spec)
        headers: list[tuple[str, str]] = []
        if spec.header(H.ACCEPT) is None:
            headers.append((H.ACCEPT, self._accept))
        body = spec.body_bytes()
        if body is not None and spec.header(H.CONTENT_TYPE) is None:
            headers.append((H.CONTENT_TYPE, _JSON))
        headers.extend(spec.wire_headers)
        # An Authorization header typed by the person replaces ours (never both).
        # No token over plain http:// to a host off loopback (a transport given in
        # place of the network, such as the in-process sandbox, sends nothing out).
        auth = (self.credentials is not None and self._same_origin(url)
                and spec.header(H.AUTHORIZATION) is None
                and (self._transport is not None or token_refusal(url) is None))
        return Outgoing(spec.wire_method, url, tuple(headers), body, auth)

    def _key(self, out: Outgoing) -> CacheKey:
        accept = range_ = None
        for name, value in out.request_headers:
            folded = name.lower()
            if folded == "accept":
                accept = value
            elif folded == "range":
                range_ = value
        variant = self.variant if accept is None or accept == self._accept else (
            accept_variant(accept) or self.variant)
        return CacheKey(out.method, out.url, range_, variant, self._identity)

    def etag_for(self, spec: RequestSpec) -> str | None:
        """The last ETag seen for a GET of this request's URL: the value to send in
        ``If-Match`` when updating or deleting what was read."""
        return self.etags.etag_for("GET", self.url_for(spec))

    async def send(self, spec: RequestSpec, *, retry_on_429: bool = False,
                   revalidate: bool = False,
                   sink: Callable[[bytes], None] | None = None) -> Exchange:
        """Send ``spec`` and record the exchange. Never raises for HTTP or network
        failures; a closed client raises :class:`RuntimeError`, and a request that
        is not a GET (or HEAD) raises :class:`ReadOnlyRefused` when ``read_only``
        is set, before anything is sent.

        ``sink``, when given, receives the whole decoded body as it arrives, one
        chunk per call, with the session's secrets removed (a secret split across
        two chunks too), with no size cap and nothing spooled to disk: for callers
        that pass a body on whole, as ``call`` does to stdout. The exchange still
        holds the first ``display_cap`` bytes for display and its status. A sink that
        raises stops the reading; the exchange is then ``truncated`` with a note.
        """
        if self.read_only and spec.method not in ("GET", "HEAD"):
            raise ReadOnlyRefused(spec.method, spec.target)
        http = self.open()
        out = self.prepare(spec)
        cached: CachedResponse | None = None
        key: CacheKey | None = None
        headers = list(out.request_headers)
        if revalidate and spec.header(H.IF_NONE_MATCH) is None:
            key = self._key(out)
            cached = self.etags.get(key)
            if cached is not None:
                headers.append((H.IF_NONE_MATCH, cached.etag))
        attempt = 0
        while True:
            exchange = await self._send_once(http, spec, out, headers, cached, key, sink)
            exchange = self._record(exchange)
            if not (retry_on_429 and isinstance(exchange.error, RateLimited)):
                return exchange
            attempt += 1
            delay = self.retry_policy.delay(attempt, exchange.error.retry_after)
            if delay is None:
                return exchange
            await self._sleep(delay)

    def _record(self, exchange: Exchange) -> Exchange:
        """Put ``exchange`` in history and tell the observers; a failure there is a
        note, never an exception."""
        for observer in list(self.observers):
            with contextlib.suppress(Exception):  # an observer never breaks a send
                observer(exchange)
        if self.history is None:
            return exchange
        try:
            self.history.record(exchange)
        except Exception as exc:  # the exchange matters more than its record
            note = f"not recorded in history ({type(exc).__name__})"
            return dataclasses.replace(exchange, notes=(*exchange.notes, note))
        return exchange

    async def _send_once(self, http: httpx.AsyncClient, spec: RequestSpec, out: Outgoing,
                         headers: list[tuple[str, str]], cached: CachedResponse | None,
                         key: CacheKey | None,
                         sink: Callable[[bytes], None] | None = None) -> Exchange:
        headers = [*self._defaults, *headers]
        if out.authenticated and self.credentials is not None:
            headers.append((H.AUTHORIZATION, self.credentials.authorization))
        # Built directly rather than through http.build_request: this client sets
        # every header itself and uses no cookies, so the merge step is skipped.
        request = httpx.Request(out.method, out.url, headers=headers, content=out.request_body,
                                extensions={"timeout": self._timeout_ext})
        started, t0 = time.time(), time.perf_counter()
        progress = _Progress()
        try:
            # One deadline for everything: connect, redirects, headers, every body byte.
            async with asyncio.timeout(self.timeout):
                response, body = await self._exchange_bytes(http, request, out, progress, sink)
        except TimeoutError:
            host = _host(request.url)
            if progress.answered:
                text = (f"{host} did not finish answering within {self.timeout:g} seconds; "
                        "try again, or increase the timeout.")
            else:
                text = (f"{host} did not answer within {self.timeout:g} seconds; try again, "
                        "or increase the timeout.")
            error: RequestError = TimeoutError_(text, kind="timeout")
            return self._failed(spec, progress.request or request, out, error, started, t0)
        except (httpx.HTTPError, OSError) as exc:
            error = network_error(exc, request.url, self.timeout)
            return self._failed(spec, progress.request or request, out, error, started, t0)
        elapsed = (time.perf_counter() - t0) * 1000
        return self._exchange(spec, response.request, out, response, body, elapsed, started,
                              cached, key)

    async def _exchange_bytes(self, http: httpx.AsyncClient, request: httpx.Request,
                              out: Outgoing, progress: _Progress,
                              sink: Callable[[bytes], None] | None = None
                              ) -> tuple[httpx.Response, _Body]:
        """Send ``request`` (following redirects, the token only to the API origin)
        and read the answer."""
        for hop in range(MAX_REDIRECTS + 1):
            progress.request = request
            response = await http.send(request, stream=True)
            nxt = response.next_request
            if nxt is None or hop == MAX_REDIRECTS:
                break
            await response.aclose()
            if not (out.authenticated and same_origin(nxt.url, self.base_url)):
                nxt.headers.pop(H.AUTHORIZATION, None)
            request = nxt
        progress.answered = True
        try:
            body = await self._read(response, sink)
        finally:
            # Closing a response that was not read to its end closes its connection.
            await response.aclose()
        return response, body

    def _spool_file(self) -> tuple[IO[bytes], str]:
        """A new private file for a large body, registered before anything is written."""
        if self._spool_dir is None or not os.path.isdir(self._spool_dir):
            self._spool_dir = tempfile.mkdtemp(prefix="heroku-explorer-")  # mode 0700
            _SPOOL_DIRS.append(self._spool_dir)
        # mkstemp opens with O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600
        fd, path = tempfile.mkstemp(prefix="heroku-explorer-body-", suffix=".bin",
                                    dir=self._spool_dir)
        self._spooled.append(path)
        _SPOOLED.append(path)
        try:
            return os.fdopen(fd, "wb"), path
        except BaseException:
            os.close(fd)
            self._forget(path)
            raise

    def _forget(self, path: str) -> None:
        _unspool(path)
        with contextlib.suppress(ValueError):
            self._spooled.remove(path)

    async def _read(self, response: httpx.Response,
                    sink: Callable[[bytes], None] | None = None) -> _Body:
        """The body, decoded and redacted as it streams: the first ``display_cap``
        bytes in memory, the rest (when there is more) to a private temp file or to
        ``sink``. Bytes are counted decoded; memory stays bounded whatever arrives."""
        if response.is_stream_consumed:
            # Read already (a response built in memory, as MockTransport gives): its
            # content is decoded, so only the pieces are made here.
            decoder = BodyDecoder(())
            source: AsyncIterator[bytes] = _once(response.content)
        else:
            decoder = BodyDecoder(response.headers.get_list("content-encoding"))
            source = response.aiter_raw()
        redactor = Redactor(self._secrets)
        cap, spool_cap = self.display_cap, self.spool_cap
        display = bytearray()
        notes: list[str] = [decoder.note] if decoder.note else []
        size = 0
        truncated = False
        failed = False  # the sink or the spool file failed: nothing more is passed on
        spool: IO[bytes] | None = None
        path: str | None = None

        def emit(clean: bytes) -> None:
            nonlocal spool, path
            if not clean:
                return
            if sink is not None:
                if len(display) < cap:
                    display.extend(clean[: cap - len(display)])
                sink(clean)
                return
            if spool is not None:
                _write(spool, clean)
                return
            display.extend(clean)
            if size > cap:
                try:
                    spool, path = self._spool_file()
                except OSError as exc:
                    raise _SpoolFailed(exc) from None
                _write(spool, display)
                del display[cap:]

        def take(piece: bytes) -> bool:
            """Count and pass on one decoded piece; False once reading must stop."""
            nonlocal size, truncated
            if sink is None and size + len(piece) > spool_cap:
                piece = piece[: spool_cap - size]
                truncated = True
                notes.append(f"the body is cut off after {_mib(spool_cap)} (the most kept "
                             "on disk); the rest was not read")
            size += len(piece)
            try:
                emit(redactor.feed(piece))
            except _SinkFailed:
                truncated = True
                return False
            except _SpoolFailed as exc:
                spool_failed(exc.error)
                return False
            return not truncated

        def spool_failed(error: OSError) -> None:
            nonlocal truncated, failed
            truncated = failed = True
            drop_spool()
            why = error.strerror or type(error).__name__
            notes.append(f"the body could not be kept on disk ({why}); only its first "
                         f"{_mib(cap)} is kept")

        def drop_spool() -> None:
            nonlocal spool, path
            if spool is not None:
                with contextlib.suppress(OSError):
                    spool.close()
            if path is not None:
                self._forget(path)
            spool = path = None

        if sink is not None:
            inner = sink

            def guarded(chunk: bytes) -> None:
                nonlocal failed
                try:
                    inner(chunk)
                except Exception as exc:  # the caller's receiver failed
                    failed = True
                    notes.append("the body was not passed on in full (its receiver failed: "
                                 f"{type(exc).__name__})")
                    raise _SinkFailed from None

            sink = guarded
        try:
            going = True
            try:
                async for raw in source:
                    for piece in decoder.feed(raw):
                        if not take(piece):
                            going = False
                            break
                    if not going:
                        break
                if going:
                    for piece in decoder.finish():
                        if not take(piece):
                            break
                    else:
                        if not decoder.complete:
                            truncated = True
                            notes.append("the compressed body ends before its end mark (cut "
                                         "off or corrupt); what arrived is kept")
            except zlib.error:
                truncated = True
                notes.append(f"the compressed body is corrupt after {size} decoded bytes; "
                             "the rest was not read")
            if not failed:
                try:
                    emit(redactor.finish())
                    if spool is not None:
                        spool.close()
                except _SinkFailed:
                    truncated = True
                except (_SpoolFailed, OSError) as exc:
                    spool_failed(exc.error if isinstance(exc, _SpoolFailed) else exc)
        except BaseException:
            # A timeout, a reset, a cancel: no half-written file stays behind.
            drop_spool()
            raise
        if path is not None:
            while len(self._spooled) > _MAX_SPOOLED:
                _unspool(self._spooled.pop(0))
        # (a body that was neither spooled nor sunk is kept whole: redaction may have
        # made it a little longer than the decoded size that was checked against the cap)
        whole = path is None and sink is None and not truncated
        kept = bytes(display) if whole else bytes(display[:cap])
        return _Body(kept, size, path, truncated, tuple(notes))

    def _redacted(self, request: httpx.Request) -> tuple[tuple[str, str], ...]:
        # The scheme stays visible ("Bearer [REDACTED]"); the token never does.
        return tuple((n, v.partition(" ")[0] + " [REDACTED]") if n.lower() == "authorization"
                     else (n, v) for n, v in _pairs(request.headers))

    def _failed(self, spec: RequestSpec, request: httpx.Request, out: Outgoing,
                error: RequestError, started: float, t0: float) -> Exchange:
        return Exchange(
            method=request.method, url=str(request.url), request_headers=self._redacted(request),
            request_body=out.request_body, elapsed_ms=(time.perf_counter() - t0) * 1000,
            error=error, action_id=spec.action_id, spec=spec, authenticated=out.authenticated,
            started_at=started,
        )

    def _exchange(self, spec: RequestSpec, request: httpx.Request, out: Outgoing,
                  response: httpx.Response, read: _Body, elapsed: float, started: float,
                  cached: CachedResponse | None, key: CacheKey | None) -> Exchange:
        """The record of an answer. Every header value is outside text: one that does
        not parse is treated as absent and a note says so; nothing here raises."""
        notes = list(read.notes)
        body, size, body_path = read.body, read.size, read.path
        pairs = _pairs(response.headers, self._secrets)
        facts = _facts(pairs, notes)
        status = response.status_code
        request_id = facts.get("request-id")
        if request_id is not None:
            self.last_request_id = request_id
            if has_controls(request_id):
                notes.append("Request-Id holds control characters (shown escaped)")
        raw_remaining = facts.get("ratelimit-remaining")
        note = remaining_note(raw_remaining)
        if note:
            notes.append(note)
        remaining = self.ratelimit.observe(raw_remaining)
        accept_ranges = parse_accept_ranges(facts.get("accept-ranges"))
        etag = facts.get("etag")
        if etag is not None and (has_controls(etag) or len(etag) > 1024 or not etag.isascii()):
            notes.append("ETag ignored: it is not a plain ASCII value")
            etag = None
        content_range = facts.get("content-range")
        if content_range is not None and parse_content_range(content_range) is None:
            notes.append("Content-Range ignored: not a range this client can read")
            content_range = None
        next_range = facts.get("next-range")
        if next_range is not None and (parse_next_range(next_range) is None
                                       or has_controls(next_range)):
            notes.append("Next-Range ignored: not a range this client can read, so there "
                         "is no next page to ask for")
            next_range = None
        retry_after = facts.get("retry-after")
        if retry_after is not None and safe_retry_after(retry_after) is None:
            notes.append("Retry-After ignored: not a number of seconds or a date")
            retry_after = None
        reason = response.reason_phrase or reason_phrase(status)
        not_modified = from_cache = False
        if status == 304:
            not_modified = True
            if cached is not None:
                body, size, from_cache = cached.body, len(cached.body), True
                etag = etag or cached.etag
        ctype = cached_ctype(cached) if from_cache else facts.get("content-type")
        state, data, body_notes = classify(body, ctype, size, self.display_cap)
        notes.extend(body_notes)
        error = None
        if status >= 400:
            error = api_error(status, body, reason=reason, request_id=request_id,
                              retry_after=retry_after, remaining=remaining,
                              sent_range=request.headers.get(H.RANGE),
                              accept_ranges=accept_ranges)
        elif etag and 200 <= status < 300 and body_path is None and not read.truncated:
            key = key or self._key(out)
            self.etags.put(key, CachedResponse(etag, status, pairs, body, time.time()))
        warnings = read_warnings(pairs)
        if any(has_controls(w) for w in warnings):
            notes.append("a Warning holds control characters (shown escaped)")
        return Exchange(
            method=request.method, url=str(request.url), request_headers=self._redacted(request),
            request_body=out.request_body, status=status, reason=reason,
            headers=pairs, body=body, body_state=state, size=size,
            body_path=body_path, elapsed_ms=elapsed, request_id=request_id, etag=etag,
            ratelimit_remaining=remaining, content_range=content_range,
            next_range=next_range, accept_ranges=accept_ranges, warnings=warnings,
            not_modified=not_modified, from_cache=from_cache, error=error,
            action_id=spec.action_id, spec=spec, authenticated=out.authenticated,
            started_at=started, data=data, truncated=read.truncated, notes=tuple(notes),
        )

    # -- paging and revalidation ------------------------------------------------

    def next_page(self, exchange: Exchange) -> RequestSpec | None:
        """The request for the page after ``exchange``: its ``Next-Range`` as the
        ``Range`` (keeping the ``max`` asked for), or ``None`` on the last page."""
        if exchange.status != 206 or not exchange.next_range or exchange.spec is None:
            return None
        # A Next-Range that does not parse is dropped (with a note) when the answer is
        # read; this is the net for exchanges made elsewhere.
        if parse_next_range(exchange.next_range) is None:
            return None
        spec = exchange.spec
        try:
            value = continue_range(exchange.next_range, spec.header(H.RANGE))
            return spec.with_header(H.RANGE, value).with_header(H.IF_NONE_MATCH, None)
        except Exception:  # a server's value must not end the caller
            return None

    async def pages(self, spec: RequestSpec, *, max_pages: int = 10,
                    retry_on_429: bool = False) -> AsyncIterator[Exchange]:
        """Each page of a list in turn, stopping at the last page, an error or
        ``max_pages``."""
        current: RequestSpec | None = spec
        for _ in range(max_pages):
            if current is None:
                return
            exchange = await self.send(current, retry_on_429=retry_on_429)
            yield exchange
            if exchange.error is not None:
                return
            current = self.next_page(exchange)

    async def revalidate(self, exchange: Exchange) -> Exchange:
        """Ask again with ``If-None-Match``: a 304 comes back as an explicit
        "unchanged (304)" exchange carrying the cached body. Only a GET (or HEAD) is
        repeated: anything else raises :class:`ValueError`, before anything is sent."""
        if exchange.spec is None:
            raise ValueError("this exchange has no request to repeat")
        methods = {exchange.spec.method.upper(), exchange.spec.wire_method.upper()}
        if not methods <= {"GET", "HEAD"}:
            shown = exchange.spec.method.upper()
            raise ValueError(f"only a GET or HEAD can be revalidated; sending the {shown} "
                             "again could change something")
        out = self.prepare(exchange.spec)
        key = self._key(out)
        if exchange.etag and self.etags.get(key) is None and exchange.body_path is None:
            self.etags.put(key, CachedResponse(exchange.etag, exchange.status or 200,
                                               exchange.headers, exchange.body, time.time()))
        return await self.send(exchange.spec, revalidate=True)

    def export(self, request: RequestSpec | Exchange | Outgoing, format: Format = "curl", *,
               auth: AuthStyle | None = None) -> str:
        """curl / HTTPie / Python for a request spec (as it would be sent) or a sent
        exchange, scrubbed of every secret this session knows, even where a person
        typed it. The token stands in as it was found (``auth`` by default): ``-n``
        for ``~/.netrc``, ``$HEROKU_API_KEY`` for the environment or the option. On
        the sandbox the export targets the real API and says it was made there."""
        wire = self.prepare(request) if isinstance(request, RequestSpec) else request
        if auth is None:
            netrc = self.credentials is not None and self.credentials.source == "netrc"
            auth = "netrc" if netrc and not self.sandbox else "env"
        return export(wire, format, auth=auth, secrets=self._secrets,
                      sandbox_base=self._base if self.sandbox else None)

    async def fetch_schema(self, variant: str | None = None, *,
                           url: str | None = None) -> SchemaDocument:
        """``GET /schema`` with the Accept header and no token, cached on disk with
        its ETag and revalidated; the cached copy when offline. Raises
        :class:`~heroku_explorer.errors.SchemaError` when there is neither."""
        return await fetch_schema(self.open(), url or f"{self.base_url}/schema",
                                  variant or self.variant, self.cache_dir, self.user_agent,
                                  timeout=self.timeout)


_SPOOLED: list[str] = []
_SPOOL_DIRS: list[str] = []


class _SinkFailed(Exception):
    """The caller's sink raised: reading stops."""


class _SpoolFailed(Exception):
    """The large-body file could not be written (a full disk): reading stops."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def read_warnings(pairs: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The warnings of an answer, one per warning however many headers carry it.

    Today's API sends ``Warning-Id`` and ``Warning-Message`` (read as one pair, in
    order: ``stack_deprecated: This stack is deprecated.``); the legacy
    ``X-Heroku-Warning`` and an RFC 7234 ``Warning`` are kept as received unless they
    repeat a message already read. Values are kept as received (shown escaped)."""
    ids: list[str] = []
    messages: list[str] = []
    legacy: list[str] = []
    for name, value in pairs:
        folded = name.lower()
        if folded == "warning-id":
            ids.append(value.strip())
        elif folded == "warning-message":
            messages.append(value.strip())
        elif folded in ("warning", "x-heroku-warning"):
            legacy.append(value)
    out: list[str] = []
    seen: set[str] = set()
    for index, message in enumerate(messages):
        ident = ids[index] if index < len(ids) else ""
        out.append(f"{ident}: {message}" if ident else message)
        seen.add(message)
    # An id with no message of its own still says something.
    out.extend(ident for ident in ids[len(messages):] if ident)
    for value in legacy:
        message = parse_warning(value)[1].strip()
        if message and message in seen:
            continue
        seen.add(message)
        out.append(value)
    return tuple(out)


def _write(handle: IO[bytes], data: bytes | bytearray) -> None:
    try:
        handle.write(data)
    except OSError as exc:
        raise _SpoolFailed(exc) from None


@dataclasses.dataclass(slots=True)
class _Progress:
    """How far an exchange got, for the sentence when its deadline passes."""

    request: httpx.Request | None = None
    answered: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class _Body:
    body: bytes
    """The first ``display_cap`` bytes, redacted."""
    size: int
    """Decoded bytes read."""
    path: str | None
    truncated: bool
    notes: tuple[str, ...]


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


def _mib(n: int) -> str:
    return f"{n / 2**20:g} MiB"


def _host(url: httpx.URL) -> str:
    return f"{url.host}:{url.port}" if url.port else url.host


#: Headers read as one value: a second, different value is noted and ignored.
_SINGLE = ("request-id", "ratelimit-remaining", "etag", "content-range", "next-range",
           "retry-after", "content-type")


def _facts(pairs: tuple[tuple[str, str], ...], notes: list[str]) -> dict[str, str]:
    """The first value of each header by folded name; a header sent twice with
    different values gets a note."""
    facts: dict[str, str] = {}
    for name, value in pairs:
        folded = name.lower()
        if folded not in facts:
            facts[folded] = value
        elif folded in _SINGLE and facts[folded] != value:
            note = f"{name} was sent more than once with different values; the first is used"
            if note not in notes:
                notes.append(note)
    return facts


def _remove_dir(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)
    with contextlib.suppress(ValueError):
        _SPOOL_DIRS.remove(path)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _unspool(path: str) -> None:
    """Remove a large-body file and forget it."""
    _remove(path)
    with contextlib.suppress(ValueError):
        _SPOOLED.remove(path)


@atexit.register
def _remove_spooled() -> None:
    """Large-body files go with their client, or at the latest with the process."""
    for path in _SPOOLED:
        _remove(path)
    for folder in _SPOOL_DIRS:
        shutil.rmtree(folder, ignore_errors=True)


def _pairs(headers: httpx.Headers, secrets: tuple[str, ...] = ()
           ) -> tuple[tuple[str, str], ...]:
    """Headers as received, names in their original case; a secret the server sends
    back in a header is removed there too."""
    pairs = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw)
    if not secrets:
        return pairs
    redactor = Redactor(secrets)
    return tuple((k, redactor.clean(v.encode("latin-1")).decode("latin-1")) for k, v in pairs)


def cached_ctype(cached: CachedResponse | None) -> str | None:
    return header_value(cached.headers, H.CONTENT_TYPE) if cached is not None else None
