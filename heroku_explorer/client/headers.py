"""The headers of an answer, read as outside text: each value that matters checked
once, one that does not parse treated as absent with a note saying so."""

from __future__ import annotations

import dataclasses

import httpx

from heroku_explorer.client.body import Redactor
from heroku_explorer.client.cache import CachedResponse
from heroku_explorer.client.ranges import (
    parse_accept_ranges,
    parse_content_range,
    parse_next_range,
)
from heroku_explorer.client.ratelimit import remaining_note
from heroku_explorer.client.response import safe_retry_after
from heroku_explorer.protocol import HeaderName, header_value, parse_warning
from heroku_explorer.safe_text import has_controls

__all__ = ["AnswerHeaders", "cached_ctype", "header_pairs", "read_warnings",
           "redacted_headers"]


@dataclasses.dataclass(frozen=True, slots=True)
class AnswerHeaders:
    """The headers of an answer the client acts on, each checked."""

    request_id: str | None
    ratelimit_remaining: str | None
    """As received: the rate-limit state reads it."""
    accept_ranges: tuple[str, ...]
    etag: str | None
    content_range: str | None
    next_range: str | None
    retry_after: str | None
    content_type: str | None
    warnings: tuple[str, ...]

    @classmethod
    def read(cls, pairs: tuple[tuple[str, str], ...], notes: list[str]) -> AnswerHeaders:
        """Read ``pairs``; what is ignored, and why, is added to ``notes``."""
        facts = _facts(pairs, notes)
        request_id = facts.get("request-id")
        if request_id is not None and has_controls(request_id):
            notes.append("Request-Id holds control characters (shown escaped)")
        raw_remaining = facts.get("ratelimit-remaining")
        note = remaining_note(raw_remaining)
        if note:
            notes.append(note)
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
        warnings = read_warnings(pairs)
        if any(has_controls(w) for w in warnings):
            notes.append("a Warning holds control characters (shown escaped)")
        return cls(request_id, raw_remaining, parse_accept_ranges(facts.get("accept-ranges")),
                   etag, content_range, next_range, retry_after, facts.get("content-type"),
                   warnings)


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


def header_pairs(headers: httpx.Headers, secrets: tuple[str, ...] = ()
           ) -> tuple[tuple[str, str], ...]:
    """Headers as received, names in their original case; a secret the server sends
    back in a header is removed there too."""
    pairs = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw)
    if not secrets:
        return pairs
    redactor = Redactor(secrets)
    return tuple((k, redactor.clean(v.encode("latin-1")).decode("latin-1")) for k, v in pairs)


def cached_ctype(cached: CachedResponse | None) -> str | None:
    return header_value(cached.headers, HeaderName.CONTENT_TYPE) if cached is not None else None


def redacted_headers(request: httpx.Request) -> tuple[tuple[str, str], ...]:
    """The headers of a request as recorded: the scheme of Authorization stays
    visible (``Bearer [REDACTED]``), the token never does."""
    return tuple((n, v.partition(" ")[0] + " [REDACTED]") if n.lower() == "authorization"
                 else (n, v) for n, v in header_pairs(request.headers))
