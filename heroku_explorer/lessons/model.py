"""What a lesson is, and what it reads: the exchanges a person made, one by one.

A :class:`Seen` is one recorded exchange as a lesson sees it: its number in the
session, the method as sent on the wire, the path, the request headers, the status
and the response headers, and the parsed body. A lesson's ``check`` reads the
exchanges made since the lesson started and returns an explanation (sentences
naming the person's own requests) once its goal is met, else ``None``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.client.response import Exchange

__all__ = ["Check", "Lesson", "Seen", "SetUp", "quote", "seen_from"]

_REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 206: "Partial Content",
            304: "Not Modified", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 406: "Not Acceptable", 412: "Precondition Failed",
            416: "Range Not Satisfiable", 422: "Unprocessable Entity",
            429: "Too Many Requests"}


@dataclass(frozen=True, slots=True)
class Seen:
    """One exchange, as lessons read it: the client's own record of it (request
    headers redacted as recorded) with what a check reads parsed once."""

    number: int
    exchange: Exchange = field(repr=False)
    method: str
    """As sent on the wire, in capitals."""
    path: str
    data: Any = None
    """The answer's JSON, when it was JSON."""
    request_body: Any = None
    """The request's JSON body, when it sent one."""

    @property
    def status(self) -> int | None:
        return self.exchange.status

    def sent(self, name: str) -> str | None:
        """The value of request header ``name`` (case-insensitive), or ``None``."""
        return self.exchange.request_header(name)

    def got(self, name: str) -> str | None:
        """The value of response header ``name`` (case-insensitive), or ``None``."""
        return self.exchange.header(name)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(unquote(p) for p in self.path.split("/") if p)

    def is_app(self) -> str | None:
        """The app named by a path ``/apps/{app}``, or ``None``."""
        parts = self.segments
        return parts[1] if len(parts) == 2 and parts[0] == "apps" else None

    def under_app(self, tail: str) -> str | None:
        """The app of a path ``/apps/{app}/{tail}...``, or ``None``."""
        parts = self.segments
        if len(parts) >= 3 and parts[0] == "apps" and parts[2] == tail:
            return parts[1]
        return None

    def did(self, method: str, tail: str) -> str | None:
        """The app of a successful ``method`` to ``/apps/{app}/{tail}...``, or ``None``."""
        return self.under_app(tail) if self.method == method and self.ok else None

    def error_id(self) -> str | None:
        return self.data.get("id") if isinstance(self.data, dict) else None

    def status_text(self) -> str:
        if self.status is None:
            return "no answer"
        return f"{self.status} {_REASONS.get(self.status, '')}".rstrip()

    def line(self) -> str:
        """``request #3 GET /apps/demo``, shown inert."""
        return f"request #{self.number} {self.method} {quote(self.path)}"

    def outcome(self) -> str:
        """``request #3 GET /apps/demo got 200 OK``, shown inert."""
        return f"{self.line()} got {self.status_text()}"


def quote(text: object, limit: int = 80) -> str:
    """Outside text (a path, a header value) made one inert line, cut to ``limit``."""
    shown = visible(str(text), single_line=True)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def seen_from(exchange: Exchange, number: int) -> Seen:
    """The lesson's view of one client exchange."""
    try:
        path = urlsplit(exchange.url).path
    except ValueError:
        path = exchange.url
    body: Any = None
    if exchange.request_body:
        try:
            body = json.loads(exchange.request_body)
        except (ValueError, RecursionError):
            body = None
    return Seen(number=number, exchange=exchange, method=exchange.method.upper(), path=path,
                data=exchange.data if exchange.body_state == "json" else None,
                request_body=body)


#: Reads the exchanges since the lesson started: an explanation once the goal is met.
Check = Callable[[Sequence[Seen]], str | None]


@dataclass(frozen=True, slots=True)
class SetUp:
    """What the sandbox is made to look like for a lesson (undone after it)."""

    rate_limit: int | None = None
    """A fresh request budget of this many."""
    apps: int | None = None
    """At least this many apps."""


@dataclass(frozen=True, slots=True)
class Lesson:
    """One lesson: what it asks of the person, the hints towards it, and the check
    that says when it is done."""

    name: str
    """What starts it (``learn NAME``)."""
    title: str
    goal: str
    """What the person is asked to do."""
    hints: tuple[str, ...]
    """Given one at a time, the last one again at the end."""
    check: Check = field(repr=False)
    setup: SetUp = field(default_factory=SetUp)
    topic: str = ""
    """The overview section it draws on (``overview TOPIC`` in the REPL)."""
