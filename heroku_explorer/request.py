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
from urllib.parse import parse_qsl, quote, urlencode

from heroku_explorer.errors import RequestInvalid, ValidationError
from heroku_explorer.protocol import (
    RANGE_LIMIT,
    H,
    RangeSpec,
    RangeSyntaxError,
    header_value,
    parse_range,
)
from heroku_explorer.schema.model import Action, Attribute, Param, json_type
from heroku_explorer.values import (
    OMITTED,
    check_json,
    conform,
    expect,
    map_item,
    short,
    type_ok,
)

__all__ = [
    "OMITTED",
    "RequestInvalid",
    "RequestSpec",
    "ValidationError",
    "build_request",
    "coerce_text",
    "raw_request",
]

HeaderInput = Mapping[str, str] | Iterable[tuple[str, str]]
OVERRIDABLE = frozenset({"PATCH", "PUT", "DELETE"})
_METHOD_RE = re.compile(r"^[A-Z]+$")
_TOKEN_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """One request, fully expanded: what the client sends, before auth."""

    method: str
    path: str
    """Expanded path with percent-encoded values (or an absolute URL for raw calls)."""
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


def _headers(headers: HeaderInput, errors: list[ValidationError]) -> list[tuple[str, str]]:
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    out: list[tuple[str, str]] = []
    for name, value in pairs:
        if not isinstance(name, str) or not _TOKEN_RE.match(name):
            errors.append(ValidationError(f"header {name!r}", "not a valid header name"))
        elif not isinstance(value, str) or "\r" in value or "\n" in value:
            errors.append(ValidationError(f"header {name}", "expected one line of text"))
        else:
            out.append((name, value))
    return out


def _range_header(value: RangeSpec | str, sort_fields: tuple[str, ...] | None,
                  errors: list[ValidationError]) -> str | None:
    try:
        spec = value if isinstance(value, RangeSpec) else parse_range(value)
    except RangeSyntaxError as exc:
        errors.append(ValidationError("range", str(exc)))
        return None
    if spec.max is not None and not 1 <= spec.max <= RANGE_LIMIT:
        errors.append(ValidationError("range", f"max must be from 1 to {RANGE_LIMIT}"))
    if sort_fields and spec.attr not in sort_fields:
        errors.append(ValidationError(
            "range", f"cannot sort on {spec.attr!r}; expected one of {', '.join(sort_fields)}"))
    return value if isinstance(value, str) else str(spec)


def _query_pairs(name: str, value: Any) -> list[tuple[str, str]]:
    if isinstance(value, bool):
        return [(name, "true" if value else "false")]
    if isinstance(value, list | tuple):
        return [pair for item in value for pair in _query_pairs(name, item)]
    if isinstance(value, Mapping) or value is None:
        return [(name, json.dumps(value))]
    return [(name, str(value))]


def _path_value(param: Param, value: Any, errors: list[ValidationError]) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        errors.append(ValidationError(
            param.name, f"expected {expect(param.doc)}, got {json_type(value)}"))
        return None
    text = str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        errors.append(ValidationError(param.name, "holds characters that are not valid "
                                      "text (undecodable bytes?)"))
        return None
    if not text:
        errors.append(ValidationError(param.name, f"required: expected {expect(param.doc)}"))
        return None
    doc = param.doc
    if doc.alternatives or doc.children or not set(doc.types) <= {"object", "array"}:
        conform(doc, text, param.name, errors)
    return quote(text, safe="")


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
    used: set[str] = set()
    path = action.path
    for param in action.path_params:
        used.add(param.name)
        value = values.get(param.name, OMITTED)
        if value is OMITTED or value is None:
            errors.append(ValidationError(param.name, f"required: expected {expect(param.doc)}"))
            continue
        encoded = _path_value(param, value, errors)
        if encoded is not None:
            path = path.replace("{" + param.name + "}", encoded)

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
            query.extend(_query_pairs(param.name, check_json(checked, param.name, errors)))

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
    verb = method.strip().upper()
    if not _METHOD_RE.match(verb):
        errors.append(ValidationError("method", f"{method!r} is not an HTTP method"))
    target = path.strip()
    if not (target.startswith("/") or re.match(r"^https?://", target)):
        errors.append(ValidationError("path", "expected a path starting with / or an http(s) URL"))
    base, _, qs = target.partition("?")
    base = quote(base, safe="/%:@~!$&'()*+,;=-._")
    query = tuple(parse_qsl(qs, keep_blank_values=True)) if qs else ()
    if isinstance(body, bytes | str):
        try:
            body = json.loads(body) if (body.strip() if isinstance(body, str) else body) else None
        except (ValueError, UnicodeDecodeError) as exc:
            errors.append(ValidationError("body", f"expected JSON text ({exc})"))
            body = None
    elif body is not None:
        try:
            json.dumps(body, allow_nan=False)
        except (TypeError, ValueError) as exc:
            errors.append(ValidationError("body", f"cannot be written as JSON ({exc})"))
    pairs = _headers(headers, errors)
    if errors:
        raise RequestInvalid(errors)
    return RequestSpec(method=verb, path=base, query=query, body=body, headers=tuple(pairs),
                       method_override=method_override and verb in OVERRIDABLE)


# -- text input ---------------------------------------------------------------

_TRUE = frozenset({"true", "t", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "off"})
_INT_RE = re.compile(r"^[+-]?\d+$")


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
        if kind == "integer" and _INT_RE.match(stripped):
            return int(stripped)
        if kind == "number":
            try:
                number = float(stripped)
            except ValueError:
                continue
            if math.isfinite(number):
                return int(stripped) if _INT_RE.match(stripped) else number
        if kind in ("object", "array") and stripped[:1] in "{[":
            try:
                value = json.loads(stripped)
            except ValueError as exc:
                raise ValidationError(field, f"expected JSON {kind} ({exc.args[0]})") from None
            if type_ok(kind, value):
                return value
    if "string" in types or not types or doc.alternatives:
        return text
    wanted = {"boolean": "true or false", "integer": "a whole number", "number": "a number",
              "object": 'a JSON object such as {"key": "value"}',
              "array": 'a JSON array such as ["a", "b"]'}
    expected = " or ".join(wanted.get(t, t) for t in types)
    raise ValidationError(field, f"expected {expected}, got {short(stripped)}")
