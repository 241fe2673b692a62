"""The wire rules of the Heroku Platform API v3, written once.

Both the client and the sandbox import this module (and neither imports the
other), so a rule such as how a ``Range`` header is written, what counts as an
acceptable ``Accept`` header or what a 416 body says lives in one place.

Range grammar (from the API overview)::

    Range: <attr> [<start>]..[<end>][; max=<n>[, order=asc|desc]]

``]`` before ``start`` makes the start exclusive, ``[`` after ``end`` makes the
end exclusive. ``Content-Range`` and ``Next-Range`` use the same grammar.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any, Literal

__all__ = [
    "ACCEPT_MEDIA_TYPE",
    "ERROR_MESSAGES",
    "KEY_HEADERS",
    "RANGE_DEFAULT_MAX",
    "RANGE_LIMIT",
    "ErrorBody",
    "HeaderName",
    "RangeSpec",
    "RangeSyntaxError",
    "accept_header",
    "accept_names_version",
    "accept_variant",
    "compute_etag",
    "error_body",
    "etag_matches",
    "header_value",
    "parse_error_body",
    "parse_range",
    "parse_retry_after",
    "reason_phrase",
]

ACCEPT_MEDIA_TYPE = "application/vnd.heroku+json"
DEFAULT_VARIANT = "3"
RANGE_DEFAULT_MAX = 200
RANGE_LIMIT = 1000


class HeaderName:
    """Header names, in the spelling the API uses."""

    ACCEPT = "Accept"
    ACCEPT_RANGES = "Accept-Ranges"
    AUTHORIZATION = "Authorization"
    CONTENT_RANGE = "Content-Range"
    CONTENT_TYPE = "Content-Type"
    ETAG = "ETag"
    IF_MATCH = "If-Match"
    IF_NONE_MATCH = "If-None-Match"
    METHOD_OVERRIDE = "X-Http-Method-Override"
    NEXT_RANGE = "Next-Range"
    RANGE = "Range"
    RATELIMIT_REMAINING = "RateLimit-Remaining"
    REQUEST_ID = "Request-Id"
    RETRY_AFTER = "Retry-After"
    TWO_FACTOR = "Heroku-Two-Factor-Code"
    USER_AGENT = "User-Agent"
    WARNING = "Warning"
    WARNING_ID = "Warning-Id"
    WARNING_MESSAGE = "Warning-Message"
    X_HEROKU_WARNING = "X-Heroku-Warning"


def header_value(pairs: Iterable[tuple[str, str]], name: str) -> str | None:
    """The first value of header ``name`` (any case) among ``pairs``, or ``None``."""
    folded = name.lower()
    return next((value for key, value in pairs if key.lower() == folded), None)


#: The response headers a person debugging a call wants to see first.
KEY_HEADERS: tuple[str, ...] = (
    HeaderName.ETAG,
    HeaderName.RATELIMIT_REMAINING,
    HeaderName.REQUEST_ID,
    HeaderName.CONTENT_RANGE,
    HeaderName.NEXT_RANGE,
    HeaderName.ACCEPT_RANGES,
    HeaderName.WARNING,
    HeaderName.WARNING_ID,
    HeaderName.WARNING_MESSAGE,
    HeaderName.X_HEROKU_WARNING,
    HeaderName.RETRY_AFTER,
)


# -- Accept -----------------------------------------------------------------

_VARIANT_RE = re.compile(r"3(\.[A-Za-z0-9_-]+)?")


def accept_header(variant: str = DEFAULT_VARIANT) -> str:
    """``application/vnd.heroku+json; version=3`` (or ``version=3.sdk``...)."""
    return f"{ACCEPT_MEDIA_TYPE}; version={variant}"


def accept_variant(value: str | None) -> str | None:
    """The API version variant an ``Accept`` header asks for (``3``, ``3.sdk``),
    or ``None`` when the header is missing or asks for anything else."""
    if not value:
        return None
    for media_range in value.split(","):
        parts = [p.strip() for p in media_range.split(";")]
        if parts[0].lower() != ACCEPT_MEDIA_TYPE:
            continue
        for param in parts[1:]:
            key, _, val = param.partition("=")
            if key.strip().lower() == "version":
                version = val.strip().strip('"')
                if _VARIANT_RE.fullmatch(version):
                    return version
    return None


def accept_names_version(value: str | None) -> bool:
    """Whether an ``Accept`` header names a version at all (``version=`` on any media
    range): today's API answers 400 ``missing_version`` to one that does not, and
    406 to one whose version it does not serve."""
    if not value:
        return False
    return any(param.partition("=")[0].strip().lower() == "version"
               for media_range in value.split(",") for param in media_range.split(";")[1:])


# -- Ranges -----------------------------------------------------------------


class RangeSyntaxError(ValueError):
    """A Range, Content-Range or Next-Range value that does not follow the grammar."""


@dataclass(frozen=True, slots=True)
class RangeSpec:
    """One parsed (or to-be-written) range."""

    attr: str = "id"
    start: str | None = None
    end: str | None = None
    start_exclusive: bool = False
    end_exclusive: bool = False
    max: int | None = None
    order: Literal["asc", "desc"] | None = None

    def __str__(self) -> str:
        start = ("]" if self.start_exclusive else "") + (self.start or "")
        end = (self.end or "") + ("[" if self.end_exclusive else "")
        text = f"{self.attr} {start}..{end}"
        params = []
        if self.max is not None:
            params.append(f"max={self.max}")
        if self.order is not None:
            params.append(f"order={self.order}")
        if params:
            text += "; " + ", ".join(params)
        return text

    @property
    def page_size(self) -> int:
        return self.max if self.max is not None else RANGE_DEFAULT_MAX

    def after(self, last: str) -> RangeSpec:
        """The range of the next page, starting just after ``last``."""
        return replace(self, start=last, start_exclusive=True)


_ATTR_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]*")
#: ``max`` is written in ASCII digits (``"²".isdigit()`` is true, but ``int("²")`` fails).
_DIGITS_RE = re.compile(r"[0-9]+")
#: A range travels as a header value: visible ASCII, spaces and tabs only.
_NOT_FIELD_TEXT = re.compile(r"[^\t\x20-\x7e]")


def parse_range(value: str, *, limit: int = RANGE_LIMIT) -> RangeSpec:
    """Parse a ``Range`` / ``Content-Range`` / ``Next-Range`` value.

    ``Next-Range`` values written by some servers omit nothing; the grammar is the
    same. Raises :class:`RangeSyntaxError` with a plain sentence, and nothing else,
    whatever ``value`` holds.
    """
    if not isinstance(value, str):
        raise RangeSyntaxError(f"a range is text, not {type(value).__name__}")
    text = value.strip()
    if not text:
        raise RangeSyntaxError("the range is empty")
    head, _, tail = text.partition(";")
    head = head.strip()
    attr, sep, bounds = head.partition(" ")
    if not sep:
        if ".." in attr:
            raise RangeSyntaxError("a range starts with the attribute to sort on, e.g. 'id ..'")
        bounds = ""
    attr = attr.strip()
    if not _ATTR_RE.fullmatch(attr):
        shown = attr if len(attr) <= 40 else attr[:37] + "..."
        raise RangeSyntaxError(f"{shown!r} is not an attribute name (letters, digits and _.:- "
                               "only)")
    bounds = bounds.strip()
    if bounds and ".." not in bounds:
        raise RangeSyntaxError("the bounds must be written as [start]..[end]")
    start, _, end = bounds.partition("..")
    start_excl = start.startswith("]")
    if start_excl:
        start = start[1:]
    end_excl = end.endswith("[")
    if end_excl:
        end = end[:-1]
    max_: int | None = None
    order: Literal["asc", "desc"] | None = None
    for raw in re.split(r"[;,]", tail):
        param = raw.strip()
        if not param:
            continue
        key, eq, val = param.partition("=")
        key, val = key.strip().lower(), val.strip()
        if not eq:
            shown = param if len(param) <= 40 else param[:37] + "..."
            raise RangeSyntaxError(f"{shown!r} should be key=value (max=N or order=asc|desc)")
        if key == "max":
            digits = val.lstrip("0")
            if not _DIGITS_RE.fullmatch(val) or not digits:
                raise RangeSyntaxError(f"max must be a whole number from 1 to {limit}")
            if len(digits) > len(str(limit)) or int(digits) > limit:
                raise RangeSyntaxError(f"max is over the limit of {limit}")
            max_ = int(digits)
        elif key == "order":
            if val.lower() not in ("asc", "desc"):
                raise RangeSyntaxError("order must be asc or desc")
            order = "asc" if val.lower() == "asc" else "desc"
        else:
            shown = key if len(key) <= 40 else key[:37] + "..."
            raise RangeSyntaxError(f"unknown range parameter {shown!r} (use max or order)")
    odd = _NOT_FIELD_TEXT.search(text)  # in the bounds: the rest is checked above
    if odd is not None:
        char = odd.group()
        what = "a control character" if ord(char) < 0x20 or ord(char) == 0x7F else (
            "a character outside ASCII")
        raise RangeSyntaxError(f"the range holds {what} ({ascii(char)[1:-1]}); a range is "
                               "plain ASCII text")
    return RangeSpec(
        attr=attr,
        start=start.strip() or None,
        end=end.strip() or None,
        start_exclusive=start_excl,
        end_exclusive=end_excl,
        max=max_,
        order=order,
    )


# -- ETags ------------------------------------------------------------------


def compute_etag(body: bytes) -> str:
    """A strong ETag for a representation."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def etag_matches(header: str | None, etag: str | None, *, weak: bool = True) -> bool:
    """Does an ``If-None-Match`` / ``If-Match`` value name ``etag``?

    ``*`` matches any existing representation. ``weak`` uses weak comparison (the
    rule for ``If-None-Match``); ``If-Match`` uses strong comparison.
    """
    if header is None or etag is None:
        return False
    header = header.strip()
    if header == "*":
        return True
    for candidate in header.split(","):
        candidate = candidate.strip()
        if not candidate:
            continue
        if weak:
            if _opaque(candidate) == _opaque(etag):
                return True
        elif not candidate.startswith("W/") and not etag.startswith("W/") and candidate == etag:
            return True
    return False


# -- Errors -----------------------------------------------------------------

#: Heroku's error ids and the plain sentence used when a server gives none.
ERROR_MESSAGES: dict[str, str] = {
    "bad_request": "The request could not be understood.",
    "unauthorized": "Invalid credentials provided.",
    "forbidden": "You do not have access to this resource.",
    "two_factor": "A second authentication factor is required for this request.",
    "not_found": "Couldn't find that resource.",
    "missing_version": (
        "Please specify a version along with Heroku's API MIME type. For example, "
        "`Accept: application/vnd.heroku+json; version=3`."
    ),
    "not_acceptable": (
        "An Accept header of 'application/vnd.heroku+json; version=3' is required."
    ),
    "precondition_failed": "The resource has changed since you last read it.",
    "requested_range_not_satisfiable": "The Range header is not valid for this list.",
    "invalid_params": "The parameters are invalid.",
    "rate_limit": "Your account reached the API rate limit. Please wait a few minutes.",
    "conflict": "The resource is in a conflicting state.",
    "internal_server_error": "The server hit an internal error.",
    "service_unavailable": "The API is temporarily unavailable.",
}


@dataclass(frozen=True, slots=True)
class ErrorBody:
    """A Heroku error body: ``{"id": ..., "message": ..., "url": ...}``."""

    id: str | None
    message: str
    url: str | None = None


def error_body(id: str, message: str | None = None, url: str | None = None) -> dict[str, Any]:
    """The JSON object for an error response."""
    body: dict[str, Any] = {"id": id, "message": message or ERROR_MESSAGES.get(id, id)}
    if url:
        body["url"] = url
    return body


def parse_error_body(content: bytes) -> ErrorBody | None:
    """Read a Heroku error body; ``None`` when ``content`` is not one."""
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    message = data.get("message")
    ident = data.get("id")
    if not isinstance(message, str) and not isinstance(ident, str):
        return None
    url = data.get("url")
    return ErrorBody(
        id=ident if isinstance(ident, str) else None,
        message=message if isinstance(message, str) else ERROR_MESSAGES.get(str(ident), ""),
        url=url if isinstance(url, str) else None,
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        from datetime import datetime

        now = datetime.now(UTC)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - now).total_seconds())
    return seconds if seconds >= 0 else None


def reason_phrase(status: int) -> str:
    """``Not Found`` for 404; empty for unknown codes."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


# -- Warnings (added for the sandbox) ---------------------------------------
#
# The overview documents warnings as response headers carrying an id (such as
# ``stack_deprecated``) and a message. They are written as a standard
# ``Warning`` value (warn-code 299, "miscellaneous persistent warning") whose
# text is ``<id>: <message>``; ``X-Heroku-Warning`` carries the message alone.

__all__ += ["parse_warning"]

_WARNING_RE = re.compile(r'^\s*\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"')


def parse_warning(value: str) -> tuple[str | None, str]:
    """``(id, message)`` from a ``Warning`` value (or any plain warning text)."""
    m = _WARNING_RE.match(value)
    text = re.sub(r"\\(.)", r"\1", m.group(1)) if m else value.strip()
    ident, sep, message = text.partition(": ")
    if sep and re.fullmatch(r"[a-z][a-z0-9_]*", ident):
        return ident, message
    return None, text
