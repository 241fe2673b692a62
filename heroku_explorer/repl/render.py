"""Turning exchanges and errors into terminal text.

Bodies print as JSON highlighted by pygments (imported on first use, after the
prompt is up); the status line reads ``200 OK · 41 ms · RateLimit-Remaining 4499
· Request-Id 5f2c...``; ``-v`` adds the key headers. Every error becomes one clear
message through :func:`error_text`, the single place that words them.
"""

from __future__ import annotations

import importlib
import json
import os
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from heroku_explorer.errors import (
    ApiError,
    ExplorerError,
    NetworkError,
    RateLimited,
    RequestError,
    RequestInvalid,
    TimeoutError_,
    ValidationError,
)
from heroku_explorer.protocol import KEY_HEADERS
from heroku_explorer.repl.tokens import ParseError

if TYPE_CHECKING:
    from heroku_explorer.client.response import Exchange

__all__ = [
    "Console",
    "body_text",
    "error_text",
    "format_json",
    "headers_text",
    "status_line",
    "use_color",
]

_RESET = "\x1b[0m"
_CODES = {"green": "32", "yellow": "33", "red": "31", "cyan": "36", "dim": "2", "bold": "1",
          "magenta": "35", "blue": "34"}


def use_color(stream: IO[str]) -> bool:
    """Colour when ``stream`` is a terminal and ``NO_COLOR`` is not set."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):
        return False


def paint(text: str, colour: str, enabled: bool) -> str:
    if not enabled or not text:
        return text
    return f"\x1b[{_CODES[colour]}m{text}{_RESET}"


@dataclass
class Console:
    """Where the REPL writes: results on ``out``, messages on ``err``."""

    out: IO[str]
    err: IO[str]
    color: bool = False

    def print(self, text: str = "") -> None:
        self.out.write(text if text.endswith("\n") else text + "\n")
        self.out.flush()

    def message(self, text: str) -> None:
        self.err.write(text if text.endswith("\n") else text + "\n")
        self.err.flush()

    def error(self, exc: BaseException, line: str | None = None, *,
              request_id: bool = True) -> None:
        self.message(error_text(exc, line=line, color=self.color, request_id=request_id))


def format_json(data: Any, *, color: bool, indent: int | None = 2) -> str:
    """Pretty JSON, highlighted for a terminal when ``color``."""
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    if not color:
        return text
    # Imported by name (and only now) so that start-up and type-checking need neither
    # pygments nor its stubs.
    pygments: Any = importlib.import_module("pygments")
    formatters: Any = importlib.import_module("pygments.formatters.terminal")
    lexers: Any = importlib.import_module("pygments.lexers.data")
    painted: str = pygments.highlight(text, lexers.JsonLexer(), formatters.TerminalFormatter())
    return painted.rstrip("\n")


def body_text(exchange: Exchange, *, color: bool, raw: bool = False) -> str:
    """The body for printing: JSON pretty and coloured (compact and plain with
    ``raw``, for scripts), text as text, and a one-line note for anything else."""
    state = exchange.body_state
    if raw and state == "json":
        return json.dumps(exchange.data, ensure_ascii=False, separators=(",", ":"))
    if raw and state != "too-large":
        return exchange.text()
    if state == "json":
        return format_json(exchange.data, color=color)
    if state == "empty":
        return ""
    if state == "text":
        return exchange.text()
    if state == "too-large":
        where = f"; the whole body is in {exchange.body_path}" if exchange.body_path else ""
        return paint(f"(a {exchange.size:,}-byte body, too large to print{where})", "dim",
                     color)
    return paint(f"({exchange.size:,} bytes of {state.replace('-', ' ')} content)", "dim", color)


def _status_colour(status: int | None) -> str:
    if status is None or status >= 400:
        return "red"
    if status >= 300:
        return "yellow"
    return "green"


def status_line(exchange: Exchange, *, color: bool) -> str:
    """``200 OK · 41 ms · RateLimit-Remaining 4499 · Request-Id ...``."""
    if exchange.status is None:
        head = paint(f"no answer: {exchange.error}", "red", color)
    else:
        text = f"{exchange.status} {exchange.reason}".strip()
        if exchange.not_modified:
            text += " (unchanged)"
        head = paint(text, _status_colour(exchange.status), color)
    parts = [head, f"{exchange.elapsed_ms:.0f} ms"]
    if exchange.ratelimit_remaining is not None:
        parts.append(f"RateLimit-Remaining {exchange.ratelimit_remaining}")
    if exchange.request_id:
        parts.append(f"Request-Id {exchange.request_id}")
    if exchange.next_range:
        parts.append(paint("more: type 'next'", "cyan", color))
    sep = paint(" · ", "dim", color)
    return sep.join(parts)


def headers_text(exchange: Exchange, *, color: bool, only_key: bool = False) -> str:
    """Response headers as ``Name: value`` lines, names coloured; ``only_key`` keeps
    the ones worth a glance (ETag, RateLimit-Remaining, Request-Id, ranges...)."""
    wanted = {h.lower() for h in KEY_HEADERS}
    lines = []
    for name, value in exchange.headers:
        if only_key and name.lower() not in wanted:
            continue
        lines.append(f"{paint(name, 'cyan', color)}: {value}")
    return "\n".join(lines)


def error_text(exc: BaseException, *, line: str | None = None, color: bool = False,
               request_id: bool = True) -> str:
    """One clear message for any error a command can end in (``request_id=False``
    when a status line carrying it was printed just before)."""
    label = paint("error:", "red", color)
    if isinstance(exc, ParseError):
        text = f"{label} {exc}"
        if line is not None and line.strip():
            text += "\n" + exc.caret(line)
        return text
    if isinstance(exc, RequestInvalid):
        problems = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
        return f"{label} invalid request: {problems or exc}"
    if isinstance(exc, ValidationError):
        return f"{label} {exc.field}: {exc.message}"
    if isinstance(exc, RateLimited):
        wait = f" Retry after {exc.retry_after:.0f} s." if exc.retry_after is not None else ""
        return f"{label} 429 rate limited: {exc.message}.{wait}".replace("..", ".")
    if isinstance(exc, ApiError):
        ident = f" {exc.id}" if exc.id else ""
        extra = f" (Request-Id {exc.request_id})" if exc.request_id and request_id else ""
        link = f"\n  see {exc.url}" if exc.url else ""
        return f"{label} {exc.status}{ident}: {exc.message}{extra}{link}"
    if isinstance(exc, TimeoutError_):
        return f"{label} timed out: {exc}"
    if isinstance(exc, NetworkError | RequestError):
        return f"{label} network: {exc}"
    if isinstance(exc, ExplorerError):
        return f"{label} {exc}"
    return f"{label} {type(exc).__name__}: {exc}"
