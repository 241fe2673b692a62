"""The live schema (``GET /schema``) and the plain sentences for network failures.

The schema is fetched with the ``Accept`` header of the wanted variant and never
with a token, written to the user cache directory with its ETag, revalidated
with ``If-None-Match`` next time, and read from that copy when the network is
down or the server fails.

The fetch has one deadline (the client's timeout, from connecting to the last
byte) and a size cap (:data:`SCHEMA_CAP` decoded bytes, counted as the body
streams): a schema over its cap is refused before anything is cached.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as _dt
import re
import ssl
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import httpx

from heroku_explorer.client.body import BodyDecoder
from heroku_explorer.client.cache import CachedSchema, SchemaCache
from heroku_explorer.errors import NetworkError, RequestError, RequestTimeout, SchemaError
from heroku_explorer.protocol import HeaderName, accept_header

__all__ = ["SCHEMA_CAP", "SchemaDocument", "deadline_error", "fetch_schema", "network_error"]

#: Decoded bytes a live schema may have (the real ones are 1-2 MB); the same cap as
#: a schema file (``heroku_explorer.schema.loader.MAX_SCHEMA_BYTES``).
SCHEMA_CAP = 32 * 1024 * 1024

# A bytes literal in a library's message is a value it refused (h11's "Illegal header
# value b'Bearer ...'"): it may be the token, so it is not repeated.
_BYTES_LITERAL = re.compile(r"b'(?:[^'\\]|\\.)*'|b\"(?:[^\"\\]|\\.)*\"")

SchemaSource = Literal["network", "revalidated", "cache"]


@dataclass(frozen=True, slots=True)
class SchemaDocument:
    """Schema bytes and where they came from.

    ``source``: ``network`` (fetched now), ``revalidated`` (the server said the
    cached copy is current: 304) or ``cache`` (the server could not be asked;
    ``notice`` says why, in one sentence for the UI).
    """

    url: str
    variant: str
    data: bytes
    etag: str | None
    source: SchemaSource
    notice: str | None = None
    path: Path | None = None


def _doc(cached: CachedSchema, source: SchemaSource, notice: str | None = None) -> SchemaDocument:
    return SchemaDocument(cached.url, cached.variant, cached.data, cached.etag, source, notice,
                          cached.path)


def _when(ts: float) -> str:
    return _dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


async def fetch_schema(http: httpx.AsyncClient, url: str, variant: str, cache_dir: Path | None,
                       user_agent: str, *, timeout: float | None = None,
                       max_bytes: int = SCHEMA_CAP) -> SchemaDocument:
    """Fetch, cache and revalidate the schema at ``url`` (see the module docs).

    ``timeout`` (default: the httpx client's read timeout) bounds the whole fetch;
    ``max_bytes`` bounds the decoded body."""
    cache = SchemaCache(cache_dir / "schema") if cache_dir is not None else None
    cached = cache.load(url, variant) if cache is not None else None
    headers = {HeaderName.ACCEPT: accept_header(variant), HeaderName.USER_AGENT: user_agent}
    if cached is not None and cached.etag:
        headers[HeaderName.IF_NONE_MATCH] = cached.etag
    request = http.build_request("GET", url, headers=headers)
    request.headers.pop(HeaderName.AUTHORIZATION, None)
    limit = timeout if timeout is not None else http.timeout.read

    def fallback(why: str, offline: bool = False) -> SchemaDocument:
        if cached is None:
            raise SchemaError(url, None, why) from None
        if offline:
            return _doc(cached, "cache", f"Offline: using the schema cached on "
                        f"{_when(cached.fetched_at)}. {why}")
        return _doc(cached, "cache", f"Using the schema cached on "
                    f"{_when(cached.fetched_at)}: {why.rstrip('.')}.")

    try:
        async with asyncio.timeout(limit):
            status, reason, etag, data = await _get(http, request, max_bytes)
    except TimeoutError:
        host = _host(request.url)
        secs = f"{limit:g} seconds" if limit else "the time allowed"
        return fallback(f"{host} did not send the schema within {secs}; try again, or "
                        "increase the timeout.", offline=True)
    except (httpx.HTTPError, OSError) as exc:
        return fallback(str(network_error(exc, request.url, limit)), offline=True)
    if status == 304 and cached is not None:
        if cache is not None:
            with contextlib.suppress(OSError):
                cached = cache.touch(cached)
        return _doc(cached, "revalidated")
    if status != 200:
        return fallback(f"the server answered {status} {reason}".rstrip())
    if data is None:
        return fallback(f"the schema is larger than {max_bytes // (1024 * 1024)} MB (a "
                        "schema is 1-2 MB), so it was refused and not cached")
    if cache is not None:
        try:
            return _doc(cache.store(url, variant, data, etag), "network")
        except OSError as exc:
            return SchemaDocument(url, variant, data, etag, "network",
                                  f"The schema could not be cached ({exc.strerror or exc}).")
    return SchemaDocument(url, variant, data, etag, "network")


async def _get(http: httpx.AsyncClient, request: httpx.Request, max_bytes: int
               ) -> tuple[int, str, str | None, bytes | None]:
    """Status, reason, ETag and the decoded body (``None`` when over ``max_bytes``:
    reading stops there and the connection is closed)."""
    response = await http.send(request, follow_redirects=True, stream=True)
    try:
        status, reason = response.status_code, response.reason_phrase
        etag = response.headers.get(HeaderName.ETAG)
        if status != 200:
            return status, reason, etag, b""
        if response.is_stream_consumed:  # built in memory (MockTransport): decoded already
            data = response.content
            return status, reason, etag, data if len(data) <= max_bytes else None
        decoder = BodyDecoder(response.headers.get_list("content-encoding"))
        parts: list[bytes] = []
        size = 0
        try:
            async for raw in response.aiter_raw():
                for piece in decoder.feed(raw):
                    size += len(piece)
                    if size > max_bytes:
                        return status, reason, etag, None
                    parts.append(piece)
            for piece in decoder.finish():
                size += len(piece)
                if size > max_bytes:
                    return status, reason, etag, None
                parts.append(piece)
        except zlib.error as exc:
            raise httpx.DecodingError(f"the compressed schema is corrupt ({exc})") from None
        return status, reason, etag, b"".join(parts)
    finally:
        await response.aclose()


def _host(url: httpx.URL) -> str:
    return f"{url.host}:{url.port}" if url.port else url.host


def deadline_error(url: httpx.URL, timeout: float, answered: bool) -> RequestError:
    """One plain sentence for an exchange that ran past its one deadline."""
    host = _host(url)
    if answered:
        return RequestTimeout(f"{host} did not finish answering within {timeout:g} seconds; "
                             "try again, or increase the timeout.", kind="timeout")
    return RequestTimeout(f"{host} did not answer within {timeout:g} seconds; try again, "
                         "or increase the timeout.", kind="timeout")


def network_error(exc: BaseException, url: httpx.URL, timeout: float | None) -> RequestError:
    """One plain sentence for a request that got no answer."""
    host = _host(url)
    detail = _BYTES_LITERAL.sub("[REDACTED]", str(exc).strip()) or type(exc).__name__
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 8:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    low = " ".join(str(c) for c in chain).lower()
    if any(isinstance(c, ConnectionRefusedError) for c in chain):
        low += " refused"
    secs = f"{timeout:g} seconds" if timeout else "the time allowed"
    if isinstance(exc, httpx.ConnectTimeout):
        return RequestTimeout(f"Connecting to {host} took longer than {secs}; check the network "
                             "and the API URL.", kind="connect-timeout")
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeout(f"{host} did not answer within {secs}; try again, or increase "
                             "the timeout.", kind="timeout")
    if isinstance(exc, ssl.SSLError) or any(w in low for w in ("ssl", "certificate", "tls")):
        return NetworkError(f"The secure connection to {host} failed (TLS: {detail}).",
                            kind="tls")
    if isinstance(exc, httpx.ConnectError | ConnectionRefusedError | OSError):
        if "refused" in low or isinstance(exc, ConnectionRefusedError):
            return NetworkError(f"Could not connect to {host}: the connection was refused "
                                "(is the server running?).", kind="refused")
        if any(w in low for w in ("name or service", "nodename nor servname", "getaddrinfo",
                                  "name resolution", "no address associated", "not known")):
            return NetworkError(f"Could not find the host {url.host}: the name does not "
                                "resolve; check the API URL and the network.", kind="dns")
        if isinstance(exc, httpx.ConnectError):
            return NetworkError(f"Could not connect to {host} ({detail}); check the API URL "
                                "and try again.", kind="other")
    if isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError
                  | ConnectionResetError):
        return NetworkError(f"The connection to {host} was closed before the answer was "
                            "complete; try again.", kind="reset")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return NetworkError(f"The URL {url} cannot be requested ({detail}).", kind="other")
    return NetworkError(f"The request to {host} failed ({detail}); try again.", kind="other")
