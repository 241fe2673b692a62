"""The shared async client for the Heroku Platform API v3.

One :class:`HerokuClient` per process owns one ``httpx.AsyncClient``; it turns a
:class:`~heroku_explorer.request.RequestSpec` into an :class:`Exchange` (never
raising for HTTP or network failures), keeps ETags, rate-limit and Request-Id
facts, pages through ranges, records a redacted :class:`History` and exports
requests as curl, HTTPie or Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from heroku_explorer.client.auth import Credentials, describe, discover, same_origin
    from heroku_explorer.client.body import SPOOL_CAP
    from heroku_explorer.client.cache import CachedResponse, CacheKey, ETagCache, SchemaCache
    from heroku_explorer.client.client import BASE_URL_ENV, DEFAULT_BASE_URL, HerokuClient
    from heroku_explorer.client.exports import export, to_curl, to_httpie, to_python
    from heroku_explorer.client.history import History
    from heroku_explorer.client.history_db import HistoryEntry
    from heroku_explorer.client.live_schema import SchemaDocument, network_error
    from heroku_explorer.client.ranges import (
        build_range,
        continue_range,
        parse_accept_ranges,
        parse_content_range,
        parse_next_range,
    )
    from heroku_explorer.client.ratelimit import RateLimitState, RetryPolicy
    from heroku_explorer.client.response import DISPLAY_CAP, BodyState, Exchange, Outgoing

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DISPLAY_CAP",
    "SPOOL_CAP",
    "BodyState",
    "CacheKey",
    "CachedResponse",
    "Credentials",
    "ETagCache",
    "Exchange",
    "HerokuClient",
    "History",
    "HistoryEntry",
    "Outgoing",
    "RateLimitState",
    "RetryPolicy",
    "SchemaCache",
    "SchemaDocument",
    "build_range",
    "continue_range",
    "describe",
    "discover",
    "export",
    "network_error",
    "parse_accept_ranges",
    "parse_content_range",
    "parse_next_range",
    "same_origin",
    "to_curl",
    "to_httpie",
    "to_python",
]

_LAZY: dict[str, str] = {
    "BASE_URL_ENV": "heroku_explorer.client.client",
    "BodyState": "heroku_explorer.client.response",
    "CacheKey": "heroku_explorer.client.cache",
    "CachedResponse": "heroku_explorer.client.cache",
    "Credentials": "heroku_explorer.client.auth",
    "DEFAULT_BASE_URL": "heroku_explorer.client.client",
    "DISPLAY_CAP": "heroku_explorer.client.response",
    "ETagCache": "heroku_explorer.client.cache",
    "Exchange": "heroku_explorer.client.response",
    "HerokuClient": "heroku_explorer.client.client",
    "History": "heroku_explorer.client.history",
    "HistoryEntry": "heroku_explorer.client.history_db",
    "Outgoing": "heroku_explorer.client.response",
    "RateLimitState": "heroku_explorer.client.ratelimit",
    "RetryPolicy": "heroku_explorer.client.ratelimit",
    "SPOOL_CAP": "heroku_explorer.client.body",
    "SchemaCache": "heroku_explorer.client.cache",
    "SchemaDocument": "heroku_explorer.client.live_schema",
    "build_range": "heroku_explorer.client.ranges",
    "continue_range": "heroku_explorer.client.ranges",
    "describe": "heroku_explorer.client.auth",
    "discover": "heroku_explorer.client.auth",
    "export": "heroku_explorer.client.exports",
    "network_error": "heroku_explorer.client.live_schema",
    "parse_accept_ranges": "heroku_explorer.client.ranges",
    "parse_content_range": "heroku_explorer.client.ranges",
    "parse_next_range": "heroku_explorer.client.ranges",
    "same_origin": "heroku_explorer.client.auth",
    "to_curl": "heroku_explorer.client.exports",
    "to_httpie": "heroku_explorer.client.exports",
    "to_python": "heroku_explorer.client.exports",
}


def __getattr__(name: str) -> Any:
    """Import on first use: credential discovery must not pay for httpx."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
