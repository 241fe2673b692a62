"""The request both builders make, :class:`RequestSpec`, and the checks they
share: header names and values, the length of a target, JSON text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from heroku_explorer.errors import ValidationError
from heroku_explorer.protocol import HeaderName, header_value
from heroku_explorer.safe_text import visible
from heroku_explorer.values import MAX_DEPTH, too_deep

__all__ = [
    "DOT_SEGMENTS",
    "MAX_TARGET",
    "OVERRIDABLE",
    "HeaderInput",
    "RequestSpec",
    "checked_headers",
    "header_problem",
    "is_text",
    "loads_json",
    "shown",
    "target_of",
]

HeaderInput = Mapping[str, str] | Iterable[tuple[str, str]]
OVERRIDABLE = frozenset({"PATCH", "PUT", "DELETE"})
#: The longest request target (path and query, encoded) built; longer is refused before
#: anything is sent (the HTTP client refuses URLs over 64 KiB; servers stop far sooner).
MAX_TARGET = 16 * 1024
_TOKEN_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
#: What an HTTP/1.1 field value may hold (RFC 9110 5.5): visible ASCII, spaces and tabs.
_FIELD_VALUE_RE = re.compile(r"[\t\x20-\x7e]*")
DOT_SEGMENTS = frozenset({".", ".."})

@dataclass(frozen=True, slots=True)
class RequestSpec:
    """One request, fully expanded: what the client sends, before auth."""

    method: str
    path: str
    """The path as it goes on the wire: the action's template with each value
    percent-encoded into exactly its own segment (no dot segments, nothing the HTTP
    client rewrites), or a typed path or absolute URL in the same form."""
    query: tuple[tuple[str, str], ...] = ()
    body: Any = None
    """A JSON value, or ``None`` for no body."""
    headers: tuple[tuple[str, str], ...] = ()
    action_id: str | None = None
    method_override: bool = False
    """Send PATCH/PUT/DELETE as POST with ``X-Http-Method-Override``."""

    @property
    def wire_method(self) -> str:
        if self.method_override and self.method in OVERRIDABLE:
            return "POST"
        return self.method

    @property
    def wire_headers(self) -> tuple[tuple[str, str], ...]:
        if self.method_override and self.method in OVERRIDABLE:
            return (*self.headers, (HeaderName.METHOD_OVERRIDE, self.method))
        return self.headers

    @property
    def target(self) -> str:
        """Path and query string: ``/apps?x=1``."""
        return f"{self.path}?{urlencode(self.query)}" if self.query else self.path

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)

    def with_header(self, name: str, value: str | None) -> RequestSpec:
        """A copy with ``name`` set to ``value`` (or removed when ``None``)."""
        folded = name.lower()
        kept = tuple((k, v) for k, v in self.headers if k.lower() != folded)
        return replace(self, headers=kept if value is None else (*kept, (name, value)))

    def body_bytes(self) -> bytes | None:
        if self.body is None:
            return None
        return json.dumps(self.body).encode("utf-8")


# -- building -----------------------------------------------------------------


def shown(text: str, limit: int = 40) -> str:
    """Outside text fit for one line of an error message."""
    return visible(text if len(text) <= limit else text[: limit - 3] + "...", single_line=True)


def header_problem(name: object, value: object) -> ValidationError | None:
    """Why ``name: value`` cannot be sent as one HTTP header, or ``None`` when it can.

    A name is an RFC 9110 token; a value is one line of visible ASCII (spaces and tabs
    inside), the only bytes every HTTP stack writes unchanged.
    """
    if not isinstance(name, str) or not _TOKEN_RE.fullmatch(name):
        label = shown(name) if isinstance(name, str) else type(name).__name__
        return ValidationError(f"header '{label}'", "not a valid header name (letters, digits "
                               "and !#$%&'*+.^_`|~- only)")
    if not isinstance(value, str):
        return ValidationError(f"header {name}", f"expected text, got {type(value).__name__}")
    if "\r" in value or "\n" in value:
        return ValidationError(f"header {name}", "expected one line of text (no line breaks)")
    if not _FIELD_VALUE_RE.fullmatch(value):
        bad = next(c for c in value if not _FIELD_VALUE_RE.fullmatch(c))
        what = "a control character" if ord(bad) < 0x20 or ord(bad) == 0x7F else (
            "a character outside ASCII")
        return ValidationError(f"header {name}", f"holds {what} ({visible(repr(bad))[1:-1]}); "
                               "header values must be plain ASCII text")
    return None


def checked_headers(headers: HeaderInput, errors: list[ValidationError]) -> list[tuple[str, str]]:
    try:
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    except (TypeError, ValueError):
        errors.append(ValidationError("headers", "expected name and value pairs"))
        return []
    out: list[tuple[str, str]] = []
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            errors.append(ValidationError("headers", "expected name and value pairs"))
            continue
        name, value = pair
        if isinstance(value, str):
            value = value.strip(" \t")  # optional white space is not part of a value
        problem = header_problem(name, value)
        if problem is not None:
            errors.append(problem)
        else:
            out.append((name, value))
    return out


def is_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def target_of(path: str, query: Iterable[tuple[str, str]]) -> str:
    pairs = list(query)
    return f"{path}?{urlencode(pairs)}" if pairs else path


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def loads_json(text: str | bytes) -> Any:
    """JSON text as a value: NaN and Infinity refused, nesting bounded."""
    try:
        value = json.loads(text, parse_constant=_constant)
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None
    if too_deep(value):
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    return value
