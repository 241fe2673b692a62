"""The fault cases every level is tried with, and what a clear message looks like.

One table, read by the client, REPL, call and TUI tests (every case through each) and by
the script that writes ``docs/reliability.md`` (``python -m tests.faults.report``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from heroku_explorer.errors import (
    ExplorerError,
    Forbidden,
    NetworkError,
    RateLimited,
    RequestTimeout,
    ServerError,
    Unauthorized,
)

__all__ = ["CASES", "HINTS", "FaultCase", "case", "is_clear", "normalise", "raw_controls",
           "says_what_to_do"]


@dataclass(frozen=True, slots=True)
class FaultCase:
    fault: str
    """A path segment of the fault server, or ``refused`` (a closed port)."""
    title: str
    """What was tried, for the reliability table."""
    status: int | None
    """The HTTP status the exchange records (``None``: no answer)."""
    error: type[ExplorerError] | None
    body_state: str | None
    """The body state recorded when an answer arrived."""
    kind: str | None = None
    """``RequestError.kind`` for failures without an answer."""
    notes: tuple[str, ...] = ()
    """Words each of which some note of the exchange holds (``Exchange.notes``)."""
    truncated: bool = False
    """The exchange records the body as cut off."""
    timeout: float | None = None
    """The client's timeout for this case (default: the tests' short one)."""

CASES: tuple[FaultCase, ...] = (
    FaultCase("refused", "connection refused (nothing listens on the port)", None,
              NetworkError, None, "refused"),
    FaultCase("reset", "connection reset (RST) after 1 KB of a 1 MB body", None,
              NetworkError, None, "reset"),
    FaultCase("hang", "headers that never arrive", None, RequestTimeout, None, "timeout"),
    FaultCase("trickle", "a body that trickles one byte every 50 ms, forever", None,
              RequestTimeout, None, "timeout"),
    FaultCase("html-500", "500 with an HTML error page", 500, ServerError, "text"),
    FaultCase("html-503", "503 with an HTML error page", 503, ServerError, "text"),
    FaultCase("invalid-json", "200 application/json with cut-off JSON", 200, None,
              "non-json"),
    FaultCase("invalid-utf8", "200 application/json that is not UTF-8", 200, None,
              "invalid-utf8"),
    FaultCase("empty", "200 with an empty body", 200, None, "empty"),
    FaultCase("big", "200 with a 50 MB JSON body (Content-Length)", 200, None, "too-large",
              timeout=10.0),
    FaultCase("big-chunked", "200 with a 50 MB JSON body (chunked)", 200, None, "too-large",
              timeout=10.0),
    FaultCase("redirect", "302 to another host", 200, None, "json"),
    FaultCase("redirect-307", "307 to another host", 200, None, "json"),
    FaultCase("rate-limit", "429 rate_limit with Retry-After: 1", 429, RateLimited, "json"),
    FaultCase("rate-limit-no-retry", "429 rate_limit without Retry-After", 429, RateLimited,
              "json"),
    FaultCase("unauthorized", "401 unauthorized", 401, Unauthorized, "json"),
    FaultCase("two-factor", "403 two_factor (no Heroku-Two-Factor-Code sent)", 403, Forbidden,
              "json"),
    # -- hostile answers ---------------------------------------------------------------------
    FaultCase("osc52-headers", "Request-Id and Warning carrying an OSC 52 clipboard write",
              200, None, "json", notes=("Request-Id holds control", "Warning holds control")),
    FaultCase("error-escapes", "500 whose Heroku error message carries ESC sequences", 500,
              ServerError, "json"),
    FaultCase("text-escapes", "200 text/plain body carrying ESC sequences", 200, None, "text",
              notes=("control characters",)),
    FaultCase("gzip-bomb", "gzip bomb: about 1 MB on the wire inflating to 1 GiB", 200, None,
              "too-large", notes=("cut off after 256 MiB",), truncated=True, timeout=30.0),
    FaultCase("gzip-trickle", "gzip body trickling 1 KB a second for 40 s", None,
              RequestTimeout, None, "timeout"),
    FaultCase("deep-json", "200 JSON nested 3,000 levels deep (6 KB)", 200, None, "non-json",
              notes=("deeper than 200 levels",)),
    FaultCase("bad-ratelimit", "RateLimit-Remaining: \u00b2 (str.isdigit says yes, int says no)",
              200, None, "json", notes=("RateLimit-Remaining ignored: not a number",)),
    FaultCase("bad-next-range", "206 with Next-Range: id ]a..; max=\u00b2", 206, None, "json",
              notes=("Next-Range ignored",)),
    FaultCase("bad-headers", "garbage RateLimit-Remaining, Retry-After, Content-Range, an "
              "ETag with ESC and two Request-Ids", 200, None, "json",
              notes=("RateLimit-Remaining ignored", "Retry-After ignored",
                     "Content-Range ignored", "ETag ignored", "Request-Id was sent more")),
    FaultCase("echo-token", "the token echoed back split across chunks and broken by a line "
              "break", 200, None, "text"),
)


def case(fault: str) -> FaultCase:
    for item in CASES:
        if item.fault == fault:
            return item
    raise KeyError(fault)


#: Words that tell a person what to do next.
HINTS = re.compile(
    r"\b(try|retry|again|later|wait|check|is the server running|enter|code|log ?in|"
    r"api key|heroku_api_key|--api-url|timeout|increase)\b",
    re.IGNORECASE,
)


def is_clear(message: str) -> list[str]:
    """The problems with ``message`` as one clear line for a person (empty: fine)."""
    problems = []
    if not message.strip():
        problems.append("empty")
    if "\n" in message.strip():
        problems.append("more than one line")
    if "Traceback" in message or 'File "' in message:
        problems.append("a traceback")
    if re.search(r"<(!DOCTYPE|html|body|h1)\b", message, re.IGNORECASE):
        problems.append("raw HTML")
    if len(message) > 400:
        problems.append(f"{len(message)} characters long")
    return problems


#: What must never reach a terminal raw: ESC, BEL, C1 controls, bidi embeddings,
#: overrides and isolates.
RAW_CONTROLS = re.compile("[\x1b\x07\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def raw_controls(text: str) -> list[str]:
    """The lines of ``text`` holding a raw ESC, BEL, C1 control or bidi override
    (each shown escaped; empty: inert)."""
    return [ascii(line)[:200] for line in text.splitlines() if RAW_CONTROLS.search(line)]


def says_what_to_do(message: str) -> bool:
    return bool(HINTS.search(message))


def normalise(text: str) -> str:
    """Ports and temp paths replaced, for tables that do not change run to run."""
    text = re.sub(r"(127\.0\.0\.[12]|localhost):\d+", r"\1:PORT", text)
    return re.sub(r"/tmp/[^\s)]+", "/tmp/...", text)
