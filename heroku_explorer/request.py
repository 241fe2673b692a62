"""From an action and the values a person typed to a request ready to send.

:func:`build_request` checks every value against the model *before* anything is
sent and collects every problem into one :class:`RequestInvalid`, each
:class:`ValidationError` naming its field (``plan``, ``source_blob.url``,
``FOO``) and saying what was expected.

Values are keyed by parameter name: path slots (``app_id_or_name``), query
parameters and body fields alike. ``OMITTED`` (what :func:`coerce_text` returns
for an empty input) leaves a value out; ``None`` sends JSON ``null`` when the
docs allow it.

Nested parameters (decided here, once): a parameter whose docs give
alternatives (``plan``: id or name) or child fields takes either a JSON object,
sent as given after checking, or one scalar. A scalar is matched against the
alternatives (or, failing those, the child fields), preferring ones with a
format, pattern or enum that it satisfies (so a UUID is an ``id``), and sent:

* nested, ``{"plan": {"name": "heroku-postgresql:dev"}}``, when the docs describe
  an object (the 2013 manifest's ``plan:id`` / ``plan:name``);
* as the scalar itself, ``{"plan": "heroku-postgresql:dev"}``, when the docs are
  an ``anyOf`` of scalars (the modern schema's identity references).

Free-form map bodies (config vars) take every value that is not a path or query
parameter as one key; ``None`` deletes the key where the docs say so.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

from heroku_explorer.errors import RequestInvalid, ValidationError
from heroku_explorer.protocol import (
    RANGE_LIMIT,
    H,
    RangeSpec,
    RangeSyntaxError,
    header_value,
    parse_range,
)
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Action, Attribute, Param, json_type
from heroku_explorer.values import (
    MAX_DEPTH,
    OMITTED,
    check_json,
    conform,
    expect,
    map_item,
    short,
    too_deep,
    type_ok,
)

__all__ = [
    "MAX_TARGET",
    "OMITTED",
    "RequestInvalid",
    "RequestSpec",
    "ValidationError",
    "build_request",
    "coerce_text",
    "fill_path",
    "header_problem",
    "raw_request",
]

HeaderInput = Mapping[str, str] | Iterable[tuple[str, str]]
OVERRIDABLE = frozenset({"PATCH", "PUT", "DELETE"})
#: The longest request target (path and query, encoded) built; longer is refused before
#: anything is sent (the HTTP client refuses URLs over 64 KiB; servers stop far sooner).
MAX_TARGET = 16 * 1024
_METHOD_RE = re.compile(r"[A-Z]+")
_TOKEN_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
#: What an HTTP/1.1 field value may hold (RFC 9110 5.5): visible ASCII, spaces and tabs.
_FIELD_VALUE_RE = re.compile(r"[\t\x20-\x7e]*")
_DOT_SEGMENTS = frozenset({".", ".."})
_DOTS_MESSAGE = ("cannot be {text!r}: a URL path reads it as {meaning}, so the request "
                 "would go to another URL")
_DOTS_MEANING = {".": '"this level"', "..": '"one level up"'}


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
            return (*self.headers, (H.METHOD_OVERRIDE, self.method))
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


def _shown(text: str, limit: int = 40) -> str:
    """Outside text fit for one line of an error message."""
    return visible(text if len(text) <= limit else text[: limit - 3] + "...", single_line=True)


def header_problem(name: object, value: object) -> ValidationError | None:
    """Why ``name: value`` cannot be sent as one HTTP header, or ``None`` when it can.

    A name is an RFC 9110 token; a value is one line of visible ASCII (spaces and tabs
    inside), the only bytes every HTTP stack writes unchanged.
    """
    if not isinstance(name, str) or not _TOKEN_RE.fullmatch(name):
        shown = _shown(name) if isinstance(name, str) else type(name).__name__
        return ValidationError(f"header '{shown}'", "not a valid header name (letters, digits "
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


def _headers(headers: HeaderInput, errors: list[ValidationError]) -> list[tuple[str, str]]:
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


def _range_header(value: RangeSpec | str, sort_fields: tuple[str, ...] | None,
                  errors: list[ValidationError]) -> str | None:
    if not isinstance(value, RangeSpec | str):
        errors.append(ValidationError("range", f"expected text such as 'id ..; max=10', got "
                                      f"{type(value).__name__}"))
        return None
    try:
        spec = value if isinstance(value, RangeSpec) else parse_range(value)
    except RangeSyntaxError as exc:
        errors.append(ValidationError("range", str(exc)))
        return None
    if spec.max is not None and not 1 <= spec.max <= RANGE_LIMIT:
        errors.append(ValidationError("range", f"max must be from 1 to {RANGE_LIMIT}"))
        return None
    if sort_fields and spec.attr not in sort_fields:
        errors.append(ValidationError(
            "range", f"cannot sort on {_shown(spec.attr)!r}; expected one of "
            f"{', '.join(sort_fields)}"))
        return None
    text = value.strip() if isinstance(value, str) else str(spec)
    problem = header_problem(H.RANGE, text)
    if problem is not None:
        errors.append(ValidationError("range", problem.message))
        return None
    return text


def _query_pairs(name: str, value: Any) -> list[tuple[str, str]]:
    if isinstance(value, bool):
        return [(name, "true" if value else "false")]
    if isinstance(value, list | tuple):
        return [pair for item in value for pair in _query_pairs(name, item)]
    if isinstance(value, Mapping) or value is None:
        return [(name, json.dumps(value))]
    return [(name, str(value))]


def _path_value(param: Param, value: Any, errors: list[ValidationError]) -> str | None:
    """``value`` percent-encoded to fill exactly one path segment, or ``None`` (and an
    error naming the parameter) when it cannot."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        errors.append(ValidationError(
            param.name, f"expected {expect(param.doc)}, got {json_type(value)}"))
        return None
    text = str(value)
    if not _utf8(text):
        errors.append(ValidationError(param.name, "holds characters that are not valid "
                                      "text (undecodable bytes?)"))
        return None
    if not text:
        errors.append(ValidationError(param.name, f"required: expected {expect(param.doc)}"))
        return None
    if text in _DOT_SEGMENTS:
        errors.append(ValidationError(
            param.name, _DOTS_MESSAGE.format(text=text, meaning=_DOTS_MEANING[text])))
        return None
    encoded = quote(text, safe="")
    if len(encoded) > MAX_TARGET:
        errors.append(ValidationError(param.name, f"is too long for a URL ({len(encoded)} "
                                      f"bytes once encoded; at most {MAX_TARGET})"))
        return None
    doc = param.doc
    before = len(errors)
    if doc.alternatives or doc.children or not set(doc.types) <= {"object", "array"}:
        conform(doc, text, param.name, errors)
    return encoded if len(errors) == before else None


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_SLOT_RE = re.compile(r"\{([^{}]*)\}")


def fill_path(template: str, encoded: Mapping[str, str]) -> str:
    """``template`` with each ``{name}`` replaced by its encoded value, in one pass (a
    value is never read again as a template)."""
    return _SLOT_RE.sub(lambda m: encoded.get(m.group(1), m.group(0)), template)


def build_request(
    action: Action,
    values: Mapping[str, Any],
    *,
    headers: HeaderInput = (),
    range: RangeSpec | str | None = None,
    if_none_match: str | None = None,
    if_match: str | None = None,
    method_override: bool = False,
) -> RequestSpec:
    """Validate ``values`` against ``action`` and expand them into a request.

    Raises :class:`RequestInvalid` holding every problem found.
    """
    errors: list[ValidationError] = []
    deep = {key for key, value in values.items() if too_deep(value)}
    if deep:
        raise RequestInvalid([ValidationError(str(key), f"is nested deeper than {MAX_DEPTH} "
                                              "levels") for key in deep])
    used: set[str] = set()
    filled: dict[str, str] = {}
    for param in action.path_params:
        used.add(param.name)
        value = values.get(param.name, OMITTED)
        if value is OMITTED or value is None:
            errors.append(ValidationError(param.name, f"required: expected {expect(param.doc)}"))
            continue
        encoded = _path_value(param, value, errors)
        if encoded is not None:
            filled[param.name] = encoded
    path = fill_path(action.path, filled)

    query: list[tuple[str, str]] = []
    for param in action.query_params:
        used.add(param.name)
        value = values.get(param.name, OMITTED)
        if value is OMITTED:
            if param.required:
                errors.append(ValidationError(param.name,
                                              f"required: expected {expect(param.doc)}"))
            continue
        before = len(errors)
        checked = conform(param.doc, value, param.name, errors)
        if len(errors) == before:
            pairs = _query_pairs(param.name, check_json(checked, param.name, errors))
            if not all(_utf8(v) for _, v in pairs):
                errors.append(ValidationError(param.name, "holds characters that are not "
                                              "valid text (undecodable bytes?)"))
            elif len(errors) == before:
                query.extend(pairs)

    extras = {k: v for k, v in values.items() if k not in used and v is not OMITTED}
    body: Any = None
    if action.body is not None:
        spec = action.body
        body = {}
        for param in spec.params:
            value = extras.pop(param.name, OMITTED)
            if value is OMITTED:
                if param.required:
                    errors.append(ValidationError(param.name,
                                                  f"required: expected {expect(param.doc)}"))
                continue
            body[param.name] = conform(param.doc, value, param.name, errors, spec.strict)
        for key, value in extras.items():
            if spec.map_values is not None:
                body[key] = map_item(spec.map_values, key, value, str(key), errors)
            elif spec.strict or not isinstance(key, str):
                names = ", ".join(p.name for p in spec.params) or "none"
                errors.append(ValidationError(
                    str(key), f"unknown parameter; expected one of {names}"))
            else:
                body[key] = check_json(value, key, errors)
    else:
        for key in extras:
            names = ", ".join(p.name for p in action.params) or "none"
            errors.append(ValidationError(str(key),
                                          f"unknown parameter; this action takes {names}"))

    pairs = _headers(headers, errors)
    if range is not None and (text := _range_header(range, action.sort_fields, errors)):
        pairs.append((H.RANGE, text))
    for name, tag in ((H.IF_NONE_MATCH, if_none_match), (H.IF_MATCH, if_match)):
        if tag is not None:
            pairs.extend(_headers([(name, tag)], errors))
    if not errors and len(target := _target(path, query)) > MAX_TARGET:
        errors.append(ValidationError(_longest(filled, query), (
            f"makes the URL too long ({len(target)} bytes once encoded; at most {MAX_TARGET})")))
    if errors:
        raise RequestInvalid(errors)
    return RequestSpec(
        method=action.method.upper(),
        path=path,
        query=tuple(query),
        body=body,
        headers=tuple(pairs),
        action_id=action.id,
        method_override=method_override and action.method.upper() in OVERRIDABLE,
    )


def _target(path: str, query: Iterable[tuple[str, str]]) -> str:
    pairs = list(query)
    return f"{path}?{urlencode(pairs)}" if pairs else path


def _longest(filled: Mapping[str, str], query: Iterable[tuple[str, str]]) -> str:
    sizes = {k: len(v) for k, v in filled.items()}
    for name, value in query:
        sizes[name] = sizes.get(name, 0) + len(quote(value, safe=""))
    return max(sizes, key=lambda k: sizes[k]) if sizes else "path"


def raw_request(
    method: str,
    path: str,
    body: Any = None,
    headers: HeaderInput = (),
    *,
    method_override: bool = False,
) -> RequestSpec:
    """A request not tied to an action: ``raw_request("GET", "/apps?x=1")``.

    ``path`` starts with ``/`` (or is an absolute URL); a query string in it is
    split into pairs. A ``str``/``bytes`` body is parsed as JSON text; anything else
    must be JSON-serialisable. Raises :class:`RequestInvalid`.
    """
    errors: list[ValidationError] = []
    verb = method.strip().upper() if isinstance(method, str) else ""
    if not _METHOD_RE.fullmatch(verb):
        errors.append(ValidationError(
            "method", f"'{_shown(str(method))}' is not an HTTP method"))
    base, _, qs = path.strip().partition("?")
    base = _raw_path(base, errors)
    query = tuple(parse_qsl(qs, keep_blank_values=True)) if qs and _utf8(qs) else ()
    if qs and not _utf8(qs):
        errors.append(ValidationError("path", "holds characters that are not valid text "
                                      "(undecodable bytes?)"))
    if base and len(_target(base, query)) > MAX_TARGET:
        errors.append(ValidationError("path", f"is too long for a URL (over {MAX_TARGET} "
                                      "bytes once encoded)"))
    if isinstance(body, bytes | str):
        try:
            text = body.strip()
            body = _loads(text) if text else None
        except (ValueError, UnicodeDecodeError) as exc:
            errors.append(ValidationError("body", f"expected JSON text ({_shown(str(exc), 80)})"))
            body = None
    elif body is not None:
        if too_deep(body):
            errors.append(ValidationError("body", f"is nested deeper than {MAX_DEPTH} levels"))
        else:
            try:
                json.dumps(body, allow_nan=False)
            except (TypeError, ValueError) as exc:
                errors.append(ValidationError(
                    "body", f"cannot be written as JSON ({_shown(str(exc), 80)})"))
    pairs = _headers(headers, errors)
    if errors:
        raise RequestInvalid(errors)
    return RequestSpec(method=verb, path=base, query=query, body=body, headers=tuple(pairs),
                       method_override=method_override and verb in OVERRIDABLE)


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _loads(text: str | bytes) -> Any:
    """JSON text as a value: NaN and Infinity refused, nesting bounded."""
    try:
        value = json.loads(text, parse_constant=_constant)
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None
    if too_deep(value):
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    return value


_ABSOLUTE_RE = re.compile(r"(?i)(https?)://([^/]*)(.*)")
_LONE_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: Characters a typed path keeps as they are: the path's own delimiters and escapes.
_RAW_PATH_SAFE = "/%:@~!$&'()*+,;=-._"


def _raw_path(text: str, errors: list[ValidationError]) -> str:
    """A typed path (or absolute http(s) URL, query aside) in the form sent on the wire:
    characters a URL cannot hold percent-encoded, existing escapes kept, a lone ``%``
    written as ``%25``. Dot segments (``.``, ``..``, also encoded) are refused: they
    would send the request to another URL."""
    if not _utf8(text):
        errors.append(ValidationError("path", "holds characters that are not valid text "
                                      "(undecodable bytes?)"))
        return ""
    origin = ""
    absolute = _ABSOLUTE_RE.fullmatch(text)
    if absolute is not None:
        origin = _origin(absolute.group(1), absolute.group(2), errors)
        text = absolute.group(3) or "/"
    elif not text.startswith("/"):
        errors.append(ValidationError("path", "expected a path starting with / or an "
                                      "http(s) URL"))
        return ""
    for segment in text.split("/"):
        decoded = unquote(segment)
        if decoded in _DOT_SEGMENTS:
            errors.append(ValidationError("path", f"holds the segment '{_shown(segment)}' "
                                          "(a dot segment), which would send the request to "
                                          "another URL; write the path it leads to instead"))
            return ""
    return origin + quote(_LONE_PERCENT_RE.sub("%25", text), safe=_RAW_PATH_SAFE)


def _origin(scheme: str, authority: str, errors: list[ValidationError]) -> str:
    """``scheme://host[:port]`` as the HTTP client writes it, or ``""`` and an error."""
    import httpx  # only for absolute URLs: the common case stays free of the import

    if "@" in authority:
        errors.append(ValidationError("path", "a URL with a user name or password in it is "
                                      "not sent; give credentials in a header instead"))
        return ""
    try:
        url = httpx.URL(f"{scheme.lower()}://{authority}/")
    except (httpx.InvalidURL, ValueError) as exc:
        errors.append(ValidationError("path", f"not a valid URL ({_shown(str(exc), 80)})"))
        return ""
    if not url.host:
        errors.append(ValidationError("path", "the URL has no host"))
        return ""
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


# -- text input ---------------------------------------------------------------

_TRUE = frozenset({"true", "t", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "off"})
_INT_RE = re.compile(r"[+-]?[0-9]+")
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: Digits in a typed whole number (Python's own limit for int() is 4300).
_MAX_DIGITS = 400


def coerce_text(param: Param | Attribute, text: str) -> Any:
    """Turn what a person typed into a typed value for ``param``.

    Empty text gives ``OMITTED``; ``null`` gives ``None`` when the docs allow it;
    booleans accept true/false/yes/no/on/off/1/0; objects and arrays are JSON.
    Raises :class:`ValidationError` naming the field.
    """
    doc = param.doc if isinstance(param, Param) else param
    field = param.name
    stripped = text.strip()
    if not stripped:
        return OMITTED
    if stripped == "null" and doc.nullable:
        return None
    types = doc.types or (("object",) if doc.is_object else ())
    for kind in types:
        if kind == "boolean" and stripped.lower() in _TRUE | _FALSE:
            return stripped.lower() in _TRUE
        if kind in ("integer", "number") and len(stripped) > _MAX_DIGITS:
            raise ValidationError(field, f"is too long for a number (over {_MAX_DIGITS} "
                                  "characters)")
        if kind == "integer" and _INT_RE.fullmatch(stripped):
            return int(stripped)
        if kind == "number" and _NUMBER_RE.fullmatch(stripped):
            number = float(stripped)
            if math.isfinite(number):
                return int(stripped) if _INT_RE.fullmatch(stripped) else number
        if kind in ("object", "array") and stripped[:1] in "{[":
            try:
                value = _loads(stripped)
            except ValueError as exc:
                raise ValidationError(
                    field, f"expected JSON {kind} ({_shown(str(exc.args[0]), 80)})") from None
            if type_ok(kind, value):
                return value
    if "string" in types or not types or doc.alternatives:
        return text
    wanted = {"boolean": "true or false", "integer": "a whole number", "number": "a number",
              "object": 'a JSON object such as {"key": "value"}',
              "array": 'a JSON array such as ["a", "b"]'}
    expected = " or ".join(wanted.get(t, t) for t in types)
    raise ValidationError(field, f"expected {expected}, got {short(stripped)}")
