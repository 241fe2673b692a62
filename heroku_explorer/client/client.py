"""``HerokuClient``: the one async client both front ends send through.

It owns a single :class:`httpx.AsyncClient` for its lifetime (one connection
pool, keep-alive) and layers the v3 protocol on top::

    send(spec)
     +-- prepare          Accept (variant), User-Agent, Content-Type, method override
     +-- revalidate?      If-None-Match from the ETag cache
     +-- _send_once       token only to the API origin, redirects checked hop by hop
     |    +-- _exchange   (answer.py) body states, Request-Id, ETag, ranges, warnings, typed errors
     +-- 429?             wait Retry-After and retry, when asked
     +-- history          redacted record

``send`` never raises for HTTP or network failures: the :class:`Exchange` it
returns carries them in ``error`` (``raise_for_error()`` for scripts).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from heroku_explorer import __version__
from heroku_explorer.client.answer import answer_exchange, failed_exchange
from heroku_explorer.client.auth import Credentials, same_origin, token_refusal
from heroku_explorer.client.body import SPOOL_CAP
from heroku_explorer.client.cache import CachedResponse, CacheKey, ETagCache
from heroku_explorer.client.exports import AuthStyle, Format, export
from heroku_explorer.client.history import History
from heroku_explorer.client.live_schema import (
    SchemaDocument,
    deadline_error,
    fetch_schema,
    network_error,
)
from heroku_explorer.client.ranges import (
    next_page_request,
)
from heroku_explorer.client.ratelimit import RateLimitState, RetryPolicy
from heroku_explorer.client.response import (
    DISPLAY_CAP,
    Exchange,
    Outgoing,
)
from heroku_explorer.client.transfer import Body, Progress, Spool, read_body
from heroku_explorer.errors import RateLimited, ReadOnlyRefused, RequestError
from heroku_explorer.paths import cache_dir as default_cache_dir
from heroku_explorer.protocol import (
    HeaderName,
    accept_header,
)
from heroku_explorer.request import RequestSpec

__all__ = ["BASE_URL_ENV", "DEFAULT_BASE_URL", "HerokuClient"]

DEFAULT_BASE_URL = "https://api.heroku.com"
BASE_URL_ENV = "HEROKU_API_URL"
MAX_REDIRECTS = 5
#: Large bodies kept on disk at once; older files are removed (and the rest at exit).
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
        self._defaults = ((HeaderName.USER_AGENT, self.user_agent),
                          ("Accept-Encoding", "gzip, deflate"))
        self.retry_policy = retry_policy or RetryPolicy()
        self.display_cap = display_cap
        self.spool_cap = max(spool_cap, display_cap)
        self.etags = ETagCache()
        self.ratelimit = RateLimitState()
        self._sleep = sleep
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._closed = False
        self.spool = Spool()
        """This client's large-body files (removed when it closes)."""
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
                headers={HeaderName.USER_AGENT: self.user_agent,
                         HeaderName.ACCEPT: accept_header(self.variant)},
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
            self.spool.close()

    # -- facts ----------------------------------------------------------------

    @property
    def authenticated(self) -> bool:
        return self.credentials is not None

    @property
    def ratelimit_remaining(self) -> int | None:
        return self.ratelimit.remaining

    @property
    def transport(self) -> httpx.AsyncBaseTransport | None:
        """The transport given (the in-process sandbox's), for streams on the base URL."""
        return self._transport

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
        if spec.header(HeaderName.ACCEPT) is None:
            headers.append((HeaderName.ACCEPT, self._accept))
        body = spec.body_bytes()
        if body is not None and spec.header(HeaderName.CONTENT_TYPE) is None:
            headers.append((HeaderName.CONTENT_TYPE, _JSON))
        headers.extend(spec.wire_headers)
        # An Authorization header typed by the person replaces ours (never both).
        # No token over plain http:// to a host off loopback (a transport given in
        # place of the network, such as the in-process sandbox, sends nothing out).
        auth = (self.credentials is not None and self._same_origin(url)
                and spec.header(HeaderName.AUTHORIZATION) is None
                and (self._transport is not None or token_refusal(url) is None))
        return Outgoing(spec.wire_method, url, tuple(headers), body, auth)

    def _key(self, out: Outgoing) -> CacheKey:
        return CacheKey.of(out.method, out.url, out.request_headers, self._accept,
                           self.variant, self._identity)

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
        if revalidate and spec.header(HeaderName.IF_NONE_MATCH) is None:
            key = self._key(out)
            cached = self.etags.get(key)
            if cached is not None:
                headers.append((HeaderName.IF_NONE_MATCH, cached.etag))
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
            headers.append((HeaderName.AUTHORIZATION, self.credentials.authorization))
        # Built directly rather than through http.build_request: this client sets
        # every header itself and uses no cookies, so the merge step is skipped.
        request = httpx.Request(out.method, out.url, headers=headers, content=out.request_body,
                                extensions={"timeout": self._timeout_ext})
        started, t0 = time.time(), time.perf_counter()
        progress = Progress()
        try:
            # One deadline for everything: connect, redirects, headers, every body byte.
            async with asyncio.timeout(self.timeout):
                response, body = await self._exchange_bytes(http, request, out, progress, sink)
        except TimeoutError:
            error: RequestError = deadline_error(request.url, self.timeout, progress.answered)
            return self._failed(spec, progress.request or request, out, error, started, t0)
        except (httpx.HTTPError, OSError) as exc:
            error = network_error(exc, request.url, self.timeout)
            return self._failed(spec, progress.request or request, out, error, started, t0)
        elapsed = (time.perf_counter() - t0) * 1000
        return self._exchange(spec, response.request, out, response, body, elapsed, started,
                              cached, key)

    async def _exchange_bytes(self, http: httpx.AsyncClient, request: httpx.Request,
                              out: Outgoing, progress: Progress,
                              sink: Callable[[bytes], None] | None = None
                              ) -> tuple[httpx.Response, Body]:
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
                nxt.headers.pop(HeaderName.AUTHORIZATION, None)
            request = nxt
        progress.answered = True
        try:
            body = await read_body(response, self.spool, display_cap=self.display_cap,
                                   spool_cap=self.spool_cap, secrets=self._secrets,
                                   sink=sink)
        finally:
            # Closing a response that was not read to its end closes its connection.
            await response.aclose()
        return response, body

    def _failed(self, spec: RequestSpec, request: httpx.Request, out: Outgoing,
                error: RequestError, started: float, t0: float) -> Exchange:
        return failed_exchange(spec, request, out, error, started=started,
                               elapsed=(time.perf_counter() - t0) * 1000)

    def _exchange(self, spec: RequestSpec, request: httpx.Request, out: Outgoing,
                  response: httpx.Response, read: Body, elapsed: float, started: float,
                  cached: CachedResponse | None, key: CacheKey | None) -> Exchange:
        """The record of an answer (:func:`~heroku_explorer.client.answer.answer_exchange`);
        a complete 2xx answer with an ``ETag`` is kept for revalidation."""
        exchange, fresh = answer_exchange(spec, request, out, response, read, elapsed=elapsed,
                                          started=started, cached=cached,
                                          secrets=self._secrets, display_cap=self.display_cap,
                                          ratelimit=self.ratelimit)
        if fresh is not None:
            self.etags.put(key or self._key(out), fresh)
        return exchange

    # -- paging and revalidation ------------------------------------------------

    def next_page(self, exchange: Exchange) -> RequestSpec | None:
        """The request for the page after ``exchange``, or ``None`` on the last page
        (:func:`~heroku_explorer.client.ranges.next_page_request`)."""
        return next_page_request(exchange)

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
