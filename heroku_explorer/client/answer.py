"""The :class:`~heroku_explorer.client.response.Exchange` record of one request:
of an answer (body state, Request-Id, ETag, ranges, warnings, a typed error), or of
a request that got none."""

from __future__ import annotations

import time

import httpx

from heroku_explorer.client.cache import CachedResponse
from heroku_explorer.client.headers import (
    AnswerHeaders,
    cached_ctype,
    header_pairs,
    redacted_headers,
)
from heroku_explorer.client.ratelimit import RateLimitState
from heroku_explorer.client.response import Exchange, Outgoing, api_error, classify
from heroku_explorer.client.transfer import Body
from heroku_explorer.errors import RequestError
from heroku_explorer.protocol import HeaderName, reason_phrase
from heroku_explorer.request import RequestSpec

__all__ = ["answer_exchange", "failed_exchange"]


def failed_exchange(spec: RequestSpec, request: httpx.Request, out: Outgoing,
                error: RequestError, *, started: float, elapsed: float) -> Exchange:
    """The record of a request that got no answer (``error`` says why)."""
    return Exchange(
    method=request.method, url=str(request.url), request_headers=redacted_headers(request),
    request_body=out.request_body, elapsed_ms=elapsed,
    error=error, action_id=spec.action_id, spec=spec, authenticated=out.authenticated,
    started_at=started,
    )


def answer_exchange(spec: RequestSpec, request: httpx.Request, out: Outgoing,
                response: httpx.Response, read: Body, *, elapsed: float, started: float,
                cached: CachedResponse | None, secrets: tuple[str, ...],
                display_cap: int, ratelimit: RateLimitState
                ) -> tuple[Exchange, CachedResponse | None]:
    """The record of an answer, and the entry to keep for revalidating it (a complete
    2xx answer with an ``ETag``), if any. ``ratelimit`` observes the answer's
    ``RateLimit-Remaining``. Every header value is outside text: one that does not
    parse is treated as absent and a note says so; nothing here raises."""
    notes = list(read.notes)
    body, size, body_path = read.body, read.size, read.path
    pairs = header_pairs(response.headers, secrets)
    facts = AnswerHeaders.read(pairs, notes)
    status = response.status_code
    request_id = facts.request_id
    remaining = ratelimit.observe(facts.ratelimit_remaining)
    accept_ranges = facts.accept_ranges
    etag, content_range = facts.etag, facts.content_range
    next_range, retry_after = facts.next_range, facts.retry_after
    reason = response.reason_phrase or reason_phrase(status)
    not_modified = from_cache = False
    if status == 304:
        not_modified = True
        if cached is not None:
            body, size, from_cache = cached.body, len(cached.body), True
            etag = etag or cached.etag
    ctype = cached_ctype(cached) if from_cache else facts.content_type
    state, data, body_notes = classify(body, ctype, size, display_cap)
    notes.extend(body_notes)
    error = None
    fresh: CachedResponse | None = None
    if status >= 400:
        error = api_error(status, body, reason=reason, request_id=request_id,
                          retry_after=retry_after, remaining=remaining,
                          sent_range=request.headers.get(HeaderName.RANGE),
                          accept_ranges=accept_ranges)
    elif etag and 200 <= status < 300 and body_path is None and not read.truncated:
        fresh = CachedResponse(etag, status, pairs, body, time.time())
    warnings = facts.warnings
    exchange = Exchange(
        method=request.method, url=str(request.url), request_headers=redacted_headers(request),
        request_body=out.request_body, status=status, reason=reason,
        headers=pairs, body=body, body_state=state, size=size,
        body_path=body_path, elapsed_ms=elapsed, request_id=request_id, etag=etag,
        ratelimit_remaining=remaining, content_range=content_range,
        next_range=next_range, accept_ranges=accept_ranges, warnings=warnings,
        not_modified=not_modified, from_cache=from_cache, error=error,
        action_id=spec.action_id, spec=spec, authenticated=out.authenticated,
        started_at=started, data=data, truncated=read.truncated, notes=tuple(notes),
    )
    return exchange, fresh
