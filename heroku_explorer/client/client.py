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
import os
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from heroku_explorer import __version__
from heroku_explorer.client.auth import Credentials, same_origin, token_refusal
from heroku_explorer.client.cache import CachedResponse, CacheKey, ETagCache
from heroku_explorer.client.exports import AuthStyle, Format, export
from heroku_explorer.client.history import History, redact_bytes
from heroku_explorer.client.live_schema import SchemaDocument, fetch_schema, network_error
from heroku_explorer.client.ranges import continue_range, parse_accept_ranges
from heroku_explorer.client.ratelimit import RateLimitState, RetryPolicy
from heroku_explorer.client.response import (
    DISPLAY_CAP,
    Exchange,
    Outgoing,
    api_error,
    classify_body,
)
from heroku_explorer.errors import RateLimited, ReadOnlyRefused, RequestError, TimeoutError_
from heroku_explorer.paths import cache_dir as default_cache_dir
from heroku_explorer.protocol import H, accept_header, accept_variant, header_value, reason_phrase
from heroku_explorer.request import RequestSpec

__all__ = ["BASE_URL_ENV", "DEFAULT_BASE_URL", "HerokuClient"]

DEFAULT_BASE_URL = "https://api.heroku.com"
BASE_URL_ENV = "HEROKU_API_URL"
MAX_REDIRECTS = 5
#: The whole exchange (connect, send, every byte of the answer) must end within this
#: many times the timeout, which httpx applies to each step alone.
_DEADLINE_FACTOR = 1.5
#: Bytes per second a large body must keep up to earn time past that deadline.
_MIN_RATE = 256 * 1024
#: Large bodies kept on disk at once; older files are removed (and the rest at exit).
_MAX_SPOOLED = 8
_JSON = "application/json"


class HerokuClient:
    """The shared client. Open it with ``async with HerokuClient(...) as client``.

    ``transport`` replaces the network (``httpx.ASGITransport`` for the in-process
    sandbox, ``httpx.MockTransport`` in tests). ``credentials=None`` sends no token.
    ``history`` records every exchange; its owner closes it. ``cache_dir`` holds the
    live schema (default: the user cache directory).
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
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir(env)
        self.user_agent = user_agent or f"heroku-explorer/{__version__}"
        self._defaults = ((H.USER_AGENT, self.user_agent), ("Accept-Encoding", "gzip, deflate"))
        self.retry_policy = retry_policy or RetryPolicy()
        self.display_cap = display_cap
        self.etags = ETagCache()
        self.ratelimit = RateLimitState()
        self.last_request_id: str | None = None
        self._sleep = sleep
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._closed = False
        self._spooled: list[str] = []
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
                   revalidate: bool = False) -> Exchange:
        """Send ``spec`` and record the exchange. Never raises for HTTP or network
        failures; a closed client raises :class:`RuntimeError`, and a request that
        is not a GET (or HEAD) raises :class:`ReadOnlyRefused` when ``read_only``
        is set, before anything is sent."""
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
            exchange = await self._send_once(http, spec, out, headers, cached, key)
            if self.history is not None:
                self.history.record(exchange)
            if not (retry_on_429 and isinstance(exchange.error, RateLimited)):
                return exchange
            attempt += 1
            delay = self.retry_policy.delay(attempt, exchange.error.retry_after)
            if delay is None:
                return exchange
            await self._sleep(delay)

    async def _send_once(self, http: httpx.AsyncClient, spec: RequestSpec, out: Outgoing,
                         headers: list[tuple[str, str]], cached: CachedResponse | None,
                         key: CacheKey | None) -> Exchange:
        headers = [*self._defaults, *headers]
        if out.authenticated and self.credentials is not None:
            headers.append((H.AUTHORIZATION, self.credentials.authorization))
        # Built directly rather than through http.build_request: this client sets
        # every header itself and uses no cookies, so the merge step is skipped.
        request = httpx.Request(out.method, out.url, headers=headers, content=out.request_body,
                                extensions={"timeout": self._timeout_ext})
        started, t0 = time.time(), time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout * _DEADLINE_FACTOR) as deadline:
                response, body, size, body_path = await self._exchange_bytes(
                    http, request, out, deadline)
        except TimeoutError:
            error: RequestError = TimeoutError_(
                f"{request.url.host} did not finish answering within "
                f"{self.timeout * _DEADLINE_FACTOR:g} seconds; try again, or increase the "
                "timeout.", kind="timeout")
            return self._failed(spec, request, out, error, started, t0)
        except (httpx.HTTPError, OSError) as exc:
            error = network_error(exc, request.url, self.timeout)
            return self._failed(spec, request, out, error, started, t0)
        elapsed = (time.perf_counter() - t0) * 1000
        return self._exchange(spec, response.request, out, response, body, size, body_path,
                              elapsed, started, cached, key)

    async def _exchange_bytes(self, http: httpx.AsyncClient, request: httpx.Request,
                              out: Outgoing, deadline: asyncio.Timeout
                              ) -> tuple[httpx.Response, bytes, int, str | None]:
        """Send ``request`` (following redirects, the token only to the API origin)
        and read the answer."""
        for hop in range(MAX_REDIRECTS + 1):
            response = await http.send(request, stream=True)
            nxt = response.next_request
            if nxt is None or hop == MAX_REDIRECTS:
                break
            await response.aclose()
            if not (out.authenticated and same_origin(nxt.url, self.base_url)):
                nxt.headers.pop(H.AUTHORIZATION, None)
            request = nxt
        try:
            body, size, body_path = await self._read(response, deadline)
        finally:
            await response.aclose()
        return response, body, size, body_path

    async def _read(self, response: httpx.Response, deadline: asyncio.Timeout | None = None
                    ) -> tuple[bytes, int, str | None]:
        """The body capped for display, its full size and, when over the cap, a
        private temp file holding all of it (with any secret removed)."""
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) <= self.display_cap:
            body = await response.aread()
            if len(body) <= self.display_cap:
                return body, len(body), None
        chunks: list[bytes] = []
        size = 0
        spool: Any = None
        spool_path = ""
        base = deadline.when() if deadline is not None else None
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if deadline is not None and base is not None:
                # A body that keeps arriving at a useful rate earns more time.
                deadline.reschedule(base + size / _MIN_RATE)
            if spool is not None:
                spool.write(chunk)
                continue
            chunks.append(chunk)
            if size > self.display_cap:
                fd, spool_path = tempfile.mkstemp(prefix="heroku-explorer-body-", suffix=".bin")
                spool = os.fdopen(fd, "w+b")
                spool.write(b"".join(chunks))
        body = b"".join(chunks)
        if spool is None:
            return body, size, None
        with spool:
            if self._secrets:
                _redact_file(spool, self._secrets)
        self._spooled.append(spool_path)
        _SPOOLED.append(spool_path)
        while len(self._spooled) > _MAX_SPOOLED:
            _unspool(self._spooled.pop(0))
        return body[: self.display_cap], size, spool_path

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
                  response: httpx.Response, body: bytes, size: int, body_path: str | None,
                  elapsed: float, started: float, cached: CachedResponse | None,
                  key: CacheKey | None) -> Exchange:
        if self._secrets:
            # A server may send the token back (an echo, an error quoting the header,
            # the OAuth authorization in use): nothing shown or kept holds it.
            body = redact_bytes(body, self._secrets)
        h = response.headers
        pairs = _pairs(h)
        facts = {k.lower(): v for k, v in reversed(pairs)}
        status = response.status_code
        request_id = facts.get("request-id")
        if request_id is not None:
            self.last_request_id = request_id
        remaining = self.ratelimit.observe(facts.get("ratelimit-remaining"))
        accept_ranges = parse_accept_ranges(facts.get("accept-ranges"))
        etag = facts.get("etag")
        reason = response.reason_phrase or reason_phrase(status)
        not_modified = from_cache = False
        if status == 304:
            not_modified = True
            if cached is not None:
                body, size, from_cache = cached.body, len(cached.body), True
                etag = etag or cached.etag
        ctype = cached_ctype(cached) if from_cache else facts.get("content-type")
        state, data = classify_body(body, ctype, size, self.display_cap)
        error = None
        if status >= 400:
            error = api_error(status, body, reason=reason, request_id=request_id,
                              retry_after=facts.get("retry-after"), remaining=remaining,
                              sent_range=request.headers.get(H.RANGE),
                              accept_ranges=accept_ranges)
        elif etag and 200 <= status < 300 and body_path is None:
            key = key or self._key(out)
            self.etags.put(key, CachedResponse(etag, status, pairs, body, time.time()))
        warnings = tuple(v for k, v in pairs if k.lower() in ("warning", "x-heroku-warning"))
        return Exchange(
            method=request.method, url=str(request.url), request_headers=self._redacted(request),
            request_body=out.request_body, status=status, reason=reason,
            headers=pairs, body=body, body_state=state, size=size,
            body_path=body_path, elapsed_ms=elapsed, request_id=request_id, etag=etag,
            ratelimit_remaining=remaining, content_range=facts.get("content-range"),
            next_range=facts.get("next-range"), accept_ranges=accept_ranges, warnings=warnings,
            not_modified=not_modified, from_cache=from_cache, error=error,
            action_id=spec.action_id, spec=spec, authenticated=out.authenticated,
            started_at=started, data=data,
        )

    # -- paging and revalidation ------------------------------------------------

    def next_page(self, exchange: Exchange) -> RequestSpec | None:
        """The request for the page after ``exchange``: its ``Next-Range`` as the
        ``Range`` (keeping the ``max`` asked for), or ``None`` on the last page."""
        if exchange.status != 206 or not exchange.next_range or exchange.spec is None:
            return None
        spec = exchange.spec
        value = continue_range(exchange.next_range, spec.header(H.RANGE))
        return spec.with_header(H.RANGE, value).with_header(H.IF_NONE_MATCH, None)

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
        "unchanged (304)" exchange carrying the cached body."""
        if exchange.spec is None:
            raise ValueError("this exchange has no request to repeat")
        out = self.prepare(exchange.spec)
        key = self._key(out)
        if exchange.etag and self.etags.get(key) is None and exchange.body_path is None:
            self.etags.put(key, CachedResponse(exchange.etag, exchange.status or 200,
                                               exchange.headers, exchange.body, time.time()))
        return await self.send(exchange.spec, revalidate=True)

    def export(self, request: RequestSpec | Exchange | Outgoing, format: Format = "curl", *,
               auth: AuthStyle = "netrc") -> str:
        """curl / HTTPie / Python for a request spec (as it would be sent) or a sent
        exchange, with the token never inlined, even where a person typed it."""
        wire = self.prepare(request) if isinstance(request, RequestSpec) else request
        return export(wire, format, auth=auth, secrets=self._secrets)

    async def fetch_schema(self, variant: str | None = None, *,
                           url: str | None = None) -> SchemaDocument:
        """``GET /schema`` with the Accept header and no token, cached on disk with
        its ETag and revalidated; the cached copy when offline. Raises
        :class:`~heroku_explorer.errors.SchemaError` when there is neither."""
        return await fetch_schema(self.open(), url or f"{self.base_url}/schema",
                                  variant or self.variant, self.cache_dir, self.user_agent)


_SPOOLED: list[str] = []


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


def _redact_file(handle: Any, secrets: tuple[str, ...], chunk: int = 1 << 20) -> None:
    """Replace each secret in an open file, in place, a bounded chunk at a time.

    The replacement has the secret's own length, so nothing moves; a window of
    the longest secret's length is re-read so a secret split across chunks is found.
    """
    needles = [s.encode() for s in secrets if s]
    if not needles:
        return
    overlap = max(len(n) for n in needles) - 1
    pos = 0
    while True:
        handle.seek(pos)
        data = handle.read(chunk + overlap)
        if not data:
            return
        clean = data
        for needle in needles:
            clean = clean.replace(needle, b"*" * len(needle))
        if clean != data:
            handle.seek(pos)
            handle.write(clean)
        if len(data) <= chunk:
            return
        pos += chunk


def _pairs(headers: httpx.Headers) -> tuple[tuple[str, str], ...]:
    """Headers as received, names in their original case."""
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw)


def cached_ctype(cached: CachedResponse | None) -> str | None:
    return header_value(cached.headers, H.CONTENT_TYPE) if cached is not None else None
