"""Turning exchanges and errors into terminal text.

Bodies print as JSON highlighted by pygments (imported on first use, after the
prompt is up); the status line reads ``200 OK · 41 ms · RateLimit-Remaining 4499
· Request-Id 5f2c...``; ``-v`` adds the key headers. Every error becomes one clear
message through :func:`error_text`, whose sentence is
:func:`heroku_explorer.policy.describe_error`'s. Whatever came from a server or a
schema is shown inert (:func:`heroku_explorer.safe_text.visible`).
"""

from __future__ import annotations

import importlib
import json
import os
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from heroku_explorer.errors import ReadOnlyRefused
from heroku_explorer.policy import describe_error, large_body_note, read_only_refusal
from heroku_explorer.protocol import KEY_HEADERS
from heroku_explorer.repl.tokens import ParseError
from heroku_explorer.safe_text import has_controls, visible

if TYPE_CHECKING:
    from heroku_explorer.client.response import Exchange

__all__ = [
    "Console",
    "body_text",
    "cells",
    "error_text",
    "format_json",
    "headers_text",
    "json_for_terminal",
    "quiet_closed",
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


def quiet_closed(stream: IO[str]) -> None:
    """After a write to ``stream`` met a closed pipe (``| head -1``): point its file
    descriptor at the null device, so that the flush at exit fails no more."""
    try:
        fd = stream.fileno()
    except (AttributeError, ValueError, OSError):
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(null, fd)
    except OSError:
        pass
    finally:
        os.close(null)


def paint(text: str, colour: str, enabled: bool) -> str:
    if not enabled or not text:
        return text
    return f"\x1b[{_CODES[colour]}m{text}{_RESET}"


@dataclass
class Console:
    """Where the REPL writes: results on ``out``, messages on ``err``.

    Messages are always for a person. Results are too, unless ``raw_out``: then
    ``out`` is a pipe (``call ... | jq``) and bodies go to it exactly as received.
    """

    out: IO[str]
    err: IO[str]
    color: bool = False
    raw_out: bool = False

    def print(self, text: str = "") -> None:
        self.out.write(text if text.endswith("\n") else text + "\n")
        self.out.flush()

    def message(self, text: str) -> None:
        self.err.write(text if text.endswith("\n") else text + "\n")
        self.err.flush()

    def error(self, exc: BaseException, line: str | None = None, *,
              request_id: bool = True) -> None:
        self.message(error_text(exc, line=line, color=self.color, request_id=request_id))


def json_for_terminal(text: str) -> str:
    """JSON text with every character :func:`~heroku_explorer.safe_text.visible`
    would escape written as a JSON ``\\uXXXX`` escape: the same JSON, inert on a
    terminal. ``json.dumps`` escapes C0 controls in strings itself, but not DEL,
    C1 controls (``\\x9b`` is a CSI on many terminals), bidi overrides or the line
    separators."""
    if not has_controls(text, single_line=False):
        return text
    return "".join(f"\\u{ord(ch):04x}" if has_controls(ch, single_line=False) else ch
                   for ch in text)


def format_json(data: Any, *, color: bool, indent: int | None = 2,
                terminal: bool = True) -> str:
    """Pretty JSON, highlighted when ``color``; made inert for a terminal (see
    :func:`json_for_terminal`) unless ``terminal`` is false (a pipe gets it as is)."""
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    if terminal:
        text = json_for_terminal(text)
    if not color:
        return text
    # Imported by name (and only now) so that start-up and type-checking need neither
    # pygments nor its stubs.
    pygments: Any = importlib.import_module("pygments")
    formatters: Any = importlib.import_module("pygments.formatters.terminal")
    lexers: Any = importlib.import_module("pygments.lexers.data")
    painted: str = pygments.highlight(text, lexers.JsonLexer(), formatters.TerminalFormatter())
    return painted.rstrip("\n")


def body_text(exchange: Exchange, *, color: bool, raw: bool = False,
              terminal: bool = True) -> str:
    """The body for printing: JSON pretty and coloured (compact and plain with
    ``raw``, for scripts), text as text, and a one-line note for anything else.

    What the server sent is made inert for a terminal (control characters as
    visible escapes); ``terminal=False`` gives it exactly as received, for a pipe.
    """
    state = exchange.body_state
    if raw and state == "json":
        text = json.dumps(exchange.data, ensure_ascii=False, separators=(",", ":"))
        return json_for_terminal(text) if terminal else text
    if raw and state != "too-large":
        return visible(exchange.text()) if terminal else exchange.text()
    if state == "json":
        return format_json(exchange.data, color=color, terminal=terminal)
    if state == "empty":
        return ""
    if state == "text":
        return visible(exchange.text()) if terminal else exchange.text()
    if state == "too-large":
        file = visible(str(exchange.body_path), single_line=True) if exchange.body_path else ""
        if exchange.truncated:
            where = f"; what arrived is in {file}" if file else ""
            return paint(f"(too large to print: {large_body_note(exchange)}{where})", "dim",
                         color)
        where = f"; the whole body is in {file}" if file else ""
        return paint(f"(a {exchange.size:,}-byte body, too large to print{where})", "dim",
                     color)
    # Not JSON though it said so, or not UTF-8: the text itself, literal and bounded.
    text = exchange.text()
    if not terminal:
        return text
    note = "not valid JSON" if state == "non-json" else "not valid UTF-8"
    shown = visible(text[:SHOWN_CHARS])
    cut = (f"; the first {SHOWN_CHARS:,} characters are shown ('body' after --json, or "
           "call piped, gives it whole)" if len(text) > SHOWN_CHARS else "")
    return f"{shown}\n" + paint(f"({exchange.size:,} bytes, {note}{cut})", "dim", color)


#: Characters of a body that is not JSON shown on a terminal.
SHOWN_CHARS = 4000


def _status_colour(status: int | None) -> str:
    if status is None or status >= 400:
        return "red"
    if status >= 300:
        return "yellow"
    return "green"


def status_line(exchange: Exchange, *, color: bool, more: str = "more: type 'next'") -> str:
    """``200 OK · 41 ms · RateLimit-Remaining 4499 · Request-Id ...``; the reason
    phrase and the Request-Id are the server's words, shown inert."""
    if exchange.status is None:
        problem = exchange.error or "no answer"
        head = paint(f"no answer: {visible(str(problem), single_line=True)}", "red", color)
    else:
        text = visible(f"{exchange.status} {exchange.reason}".strip(), single_line=True)
        if exchange.not_modified:
            text += " (unchanged)"
        head = paint(text, _status_colour(exchange.status), color)
    parts = [head, f"{exchange.elapsed_ms:.0f} ms"]
    if exchange.ratelimit_remaining is not None:
        parts.append(f"RateLimit-Remaining {exchange.ratelimit_remaining}")
    if exchange.request_id:
        parts.append(f"Request-Id {visible(exchange.request_id, single_line=True)}")
    if exchange.next_range:
        parts.append(paint(more, "cyan", color))
    sep = paint(" · ", "dim", color)
    return sep.join(parts)


def headers_text(exchange: Exchange, *, color: bool, only_key: bool = False) -> str:
    """Response headers as ``Name: value`` lines, names coloured; ``only_key`` keeps
    the ones worth a glance (ETag, RateLimit-Remaining, Request-Id, ranges...).
    Names and values are the server's: each is shown inert, on its own line."""
    wanted = {h.lower() for h in KEY_HEADERS}
    lines = []
    for name, value in exchange.headers:
        if only_key and name.lower() not in wanted:
            continue
        lines.append(f"{paint(visible(name, single_line=True), 'cyan', color)}: "
                     f"{visible(value, single_line=True)}")
    return "\n".join(lines)


def error_text(exc: BaseException, *, line: str | None = None, color: bool = False,
               request_id: bool = True) -> str:
    """``error:`` and the one sentence :func:`heroku_explorer.policy.describe_error`
    words for ``exc`` (``request_id=False`` when a status line carrying it was printed
    just before); a parse error adds its caret line under what was typed."""
    label = paint("error:", "red", color)
    if isinstance(exc, ParseError):
        text = f"{label} {visible(str(exc), single_line=True)}"
        if line is not None and line.strip():
            text += "\n" + _caret(exc, line)
        return text
    if isinstance(exc, ReadOnlyRefused):
        return f"{label} {read_only_refusal(True, exc.method)}"
    return f"{label} {describe_error(exc, request_id=request_id)}"


def _caret(exc: ParseError, line: str) -> str:
    """``line`` as shown (control characters escaped) and a ``^~~`` marker under
    the offending text, counted in what is shown."""
    start = max(0, min(exc.position, len(line)))
    end = max(start + 1, min(exc.end, len(line)))
    before = visible(line[:start], single_line=True)
    marked = visible(line[start:end], single_line=True)
    return (f"{visible(line, single_line=True)}\n"
            f"{' ' * cells(before)}^{'~' * (max(1, cells(marked)) - 1)}")


def cells(text: str) -> int:
    """Terminal cells ``text`` takes: a wide character (CJK, most emoji) two, a
    combining mark none."""
    from prompt_toolkit.utils import get_cwidth

    return sum(max(0, get_cwidth(ch)) for ch in text)
