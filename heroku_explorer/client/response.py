"""The record of one request and its answer, as both front ends render it.

An :class:`Exchange` is made for every send, successful or not: an HTTP error
sets ``error`` to a typed :class:`~heroku_explorer.errors.ApiError`, a network
failure sets it to a :class:`~heroku_explorer.errors.RequestError` and leaves
``status`` at ``None``. Nothing here holds the token: request headers are
redacted before the record is made.

Body states::

    json          parsed; ``json()`` returns it
    empty         no bytes (204, 304, HEAD...)
    text          UTF-8 text that is not JSON (text/plain, text/html...)
    non-json      claims to be JSON but does not parse (or nests deeper than
                  MAX_JSON_DEPTH levels: a note says so), or binary content
    invalid-utf8  bytes that are not UTF-8
    too-large     over the display cap: ``body`` holds the first bytes and
                  ``body_path`` the whole body (up to the spool cap:
                  ``truncated`` says when it was cut off)

``notes`` lists, one sentence each, what was ignored or cut while reading the
answer: a header value that does not parse (treated as absent), a body cut off, a
body nested too deep, control characters in a Request-Id or Warning.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from heroku_explorer.errors import (
    ApiError,
    ExplorerError,
    Forbidden,
    InvalidParams,
    NotFound,
    PreconditionFailed,
    RangeNotSatisfiable,
    RateLimited,
    ServerError,
    Unauthorized,
)
from heroku_explorer.protocol import (
    ERROR_MESSAGES,
    header_value,
    parse_error_body,
    parse_retry_after,
)
from heroku_explorer.request import RequestSpec
from heroku_explorer.safe_text import has_controls, visible

__all__ = ["DISPLAY_CAP", "BodyState", "Exchange", "Outgoing", "api_error", "classify",
           "classify_body", "safe_retry_after"]

BodyState = Literal["json", "empty", "text", "non-json", "invalid-utf8", "too-large"]

#: Bytes of a response body kept in memory for display.
DISPLAY_CAP = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Outgoing:
    """Exactly what goes on the wire for a request, minus the token: the input of
    every export (an :class:`Exchange` offers the same four fields)."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes | None
    authenticated: bool = False


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request as sent and the answer as received."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    """As sent, with ``Authorization`` redacted."""
    request_body: bytes | None
    status: int | None = None
    """``None`` when no HTTP answer arrived (see ``error``)."""
    reason: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    """The body, capped at :data:`DISPLAY_CAP` bytes."""
    body_state: BodyState = "empty"
    size: int = 0
    """Bytes in the whole body."""
    body_path: str | None = None
    """A file holding the whole body when it is over the display cap."""
    elapsed_ms: float = 0.0
    request_id: str | None = None
    etag: str | None = None
    ratelimit_remaining: int | None = None
    content_range: str | None = None
    next_range: str | None = None
    accept_ranges: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    """``Warning`` and ``X-Heroku-Warning`` values."""
    not_modified: bool = False
    """A 304: ``body`` is the cached representation, unchanged."""
    from_cache: bool = False
    error: ExplorerError | None = None
    action_id: str | None = None
    spec: RequestSpec | None = field(default=None, repr=False, compare=False)
    authenticated: bool = False
    """The request carried the token (redacted in ``request_headers``)."""
    started_at: float = 0.0
    data: Any = field(default=None, repr=False, compare=False)
    """The parsed JSON body when ``body_state == "json"``."""
    truncated: bool = False
    """The body was cut off (the spool cap, a corrupt encoding, a failed sink):
    ``size`` counts what was read, not what the server meant to send."""
    notes: tuple[str, ...] = ()
    """What was ignored or cut while reading the answer, one sentence each."""

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def summary(self) -> str:
        """``200 OK``, ``unchanged (304)``, ``206 Partial Content`` or the error."""
        if self.not_modified:
            return "unchanged (304)"
        if self.status is None:
            return str(self.error) if self.error else "no answer"
        return f"{self.status} {self.reason}".strip()

    def header(self, name: str) -> str | None:
        """A response header (first value), by case-insensitive name."""
        return header_value(self.headers, name)

    def request_header(self, name: str) -> str | None:
        return header_value(self.request_headers, name)

    def full_body(self) -> bytes:
        """The whole body, read back from ``body_path`` when it was too large."""
        if self.body_path is not None:
            return Path(self.body_path).read_bytes()
        return self.body

    def json(self) -> Any:
        """The parsed JSON body. Raises :class:`ValueError` when it is not JSON."""
        if self.body_state == "json":
            return self.data
        if self.body_state == "too-large" and not self.truncated and self.body_path:
            from heroku_explorer.client.body import MAX_JSON_DEPTH, too_deep

            whole = self.full_body()
            if too_deep(whole):
                raise ValueError(f"the body nests deeper than {MAX_JSON_DEPTH} levels")
            try:
                return json.loads(whole)
            except RecursionError:
                raise ValueError("the body nests too deep to read") from None
        raise ValueError(f"the body is not JSON ({self.body_state}"
                         f"{', cut off' if self.truncated else ''})")

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def raise_for_error(self) -> Exchange:
        """Raise ``error`` when there is one; return ``self`` otherwise (for scripts)."""
        if self.error is not None:
            raise self.error
        return self


def classify_body(content: bytes, content_type: str | None, size: int,
                  cap: int = DISPLAY_CAP) -> tuple[BodyState, Any]:
    """The state of a body and its parsed JSON (``None`` unless state is json)."""
    state, data, _notes = classify(content, content_type, size, cap)
    return state, data


def classify(content: bytes, content_type: str | None, size: int,
             cap: int = DISPLAY_CAP) -> tuple[BodyState, Any, tuple[str, ...]]:
    """:func:`classify_body` plus notes on the body (too deep, control characters).
    Never raises, whatever the bytes."""
    from heroku_explorer.client.body import MAX_JSON_DEPTH, too_deep

    if size == 0:
        return "empty", None, ()
    if size > cap:
        return "too-large", None, ()
    ctype = (content_type or "").lower()
    claims_json = "json" in ctype
    first = content[:1]
    if claims_json or (not ctype and first in (b"{", b"[")):
        deep = too_deep(content)
        if not deep:
            try:
                return "json", json.loads(content), ()
            except UnicodeDecodeError:
                return "invalid-utf8", None, ()
            except RecursionError:
                deep = True
            except ValueError:
                pass
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            return "invalid-utf8", None, ()
        if deep:
            return "non-json", None, (
                f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels; shown as text",)
        if claims_json:
            return "non-json", None, _control_notes(text)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid-utf8", None, ()
    if ctype and not ctype.startswith("text/") and "xml" not in ctype:
        return "non-json", None, _control_notes(text)
    return "text", None, _control_notes(text)


def _control_notes(text: str) -> tuple[str, ...]:
    if has_controls(text.replace("\r\n", "\n"), single_line=False):
        return ("the body holds control characters (terminal escapes); shown escaped",)
    return ()


def safe_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` value; ``None`` when absent or not a finite
    number of seconds or a date (never raises)."""
    try:
        seconds = parse_retry_after(value)
    except Exception:  # the date parser is not robust to every input
        return None
    if seconds is None or not math.isfinite(seconds):
        return None
    return seconds


_BY_STATUS: dict[int, type[ApiError]] = {
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    412: PreconditionFailed,
    416: RangeNotSatisfiable,
    422: InvalidParams,
}

_STATUS_IDS = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    406: "not_acceptable", 409: "conflict", 412: "precondition_failed",
    416: "requested_range_not_satisfiable", 422: "invalid_params", 429: "rate_limit",
    500: "internal_server_error", 503: "service_unavailable",
}


#: What to do next, by error id or status.
_HINTS = {
    "two_factor": "Enter a second-factor code (the Heroku-Two-Factor-Code header).",
    "401": "Check the API key (--api-key, HEROKU_API_KEY or ~/.netrc).",
}


def api_error(
    status: int,
    body: bytes,
    *,
    reason: str = "",
    request_id: str | None = None,
    retry_after: str | None = None,
    remaining: int | None = None,
    sent_range: str | None = None,
    accept_ranges: tuple[str, ...] = (),
) -> ApiError:
    """The typed error for an error status, read from a Heroku error body when
    there is one. 412 and 416 carry a sentence saying what they mean here."""
    try:
        parsed = parse_error_body(body)
    except (RecursionError, ValueError):
        parsed = None
    # The server's words reach a terminal: every control character is made visible.
    ident = visible(parsed.id, single_line=True)[:100] if parsed and parsed.id else None
    message = parsed.message if parsed and parsed.message else ""
    url = visible(parsed.url, single_line=True) if parsed and parsed.url else None
    if not message:
        default_id = _STATUS_IDS.get(status)
        message = ERROR_MESSAGES.get(default_id or "", "") or reason or f"HTTP {status}"
    message = visible(" ".join(message.split()), single_line=True)  # one line, shown as is
    if len(message) > 300:
        message = message[:297] + "..."
    if status == 412 and "changed" not in message.lower():
        message = f"{message} (the resource changed since you last read it)"
    if status == 416:
        shown = visible(sent_range, single_line=True) if sent_range else ""
        hint = f"the Range '{shown}' is not valid for this list" if sent_range else ""
        if accept_ranges:
            sorts = visible(", ".join(accept_ranges), single_line=True)
            hint += ("; " if hint else "") + f"it can be sorted on {sorts}"
        if hint:
            message = f"{message} ({hint})"
    hint = _HINTS.get(ident or "") or _HINTS.get(str(status)) or (
        "Try again later." if status >= 500 else "")
    if status == 429:
        seconds = safe_retry_after(retry_after)
        if seconds is not None:
            hint = f"The server asks to wait {seconds:g} s (Retry-After) before sending again."
        elif "wait" not in message.lower():
            hint = "Wait for the budget to refill (RateLimit-Remaining), then send again."
    if hint and hint.lower() not in message.lower():
        message = f"{message.rstrip('.')}. {hint}"
    if status == 429:
        return RateLimited(status, ident, message, url, request_id,
                           retry_after=safe_retry_after(retry_after), remaining=remaining)
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)
    return cls(status, ident, message, url, request_id)
