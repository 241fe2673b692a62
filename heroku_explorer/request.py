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

import ipaddress
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from heroku_explorer.errors import RequestInvalid, ValidationError
from heroku_explorer.protocol import RANGE_LIMIT, H, RangeSpec, RangeSyntaxError, parse_range
from heroku_explorer.schema.model import Action, Attribute, MapSpec, Param, json_type

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


class _Omitted:
    """The value of a field left empty: not sent at all."""

    _instance: _Omitted | None = None

    def __new__(cls) -> _Omitted:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "OMITTED"

    def __bool__(self) -> bool:
        return False


OMITTED: Any = _Omitted()


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
        folded = name.lower()
        for key, value in self.headers:
            if key.lower() == folded:
                return value
        return None

    def with_header(self, name: str, value: str | None) -> RequestSpec:
        """A copy with ``name`` set to ``value`` (or removed when ``None``)."""
        folded = name.lower()
        kept = tuple((k, v) for k, v in self.headers if k.lower() != folded)
        return replace(self, headers=kept if value is None else (*kept, (name, value)))

    def body_bytes(self) -> bytes | None:
        if self.body is None:
            return None
        return json.dumps(self.body).encode("utf-8")


# -- formats ------------------------------------------------------------------

_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_DATETIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$"
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")


def _is_datetime(text: str) -> bool:
    if not _DATETIME_RE.match(text):
        return False
    try:
        datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
    except ValueError:
        return False
    return True


def _is_date(text: str) -> bool:
    try:
        return bool(_DATE_RE.match(text)) and date.fromisoformat(text) is not None
    except ValueError:
        return False


def _is_uri(text: str) -> bool:
    if any(c.isspace() for c in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return bool(_SCHEME_RE.match(parts.scheme)) and bool(parts.netloc or parts.path)


def _is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


_FORMATS: dict[str, tuple[Callable[[str], bool], str]] = {
    "uuid": (lambda s: bool(_UUID_RE.match(s)),
             "a UUID such as 01234567-89ab-cdef-0123-456789abcdef"),
    "date-time": (_is_datetime, "an ISO 8601 date-time such as 2012-01-01T12:00:00Z"),
    "datetime": (_is_datetime, "an ISO 8601 date-time such as 2012-01-01T12:00:00Z"),
    "date": (_is_date, "a date such as 2012-01-01"),
    "email": (lambda s: bool(_EMAIL_RE.match(s)), "an email address such as user@example.com"),
    "uri": (_is_uri, "a URI such as https://example.com/path"),
    "ipv4": (_is_ipv4, "an IPv4 address such as 192.0.2.1"),
}


@lru_cache(maxsize=256)
def _pattern(text: str) -> re.Pattern[str] | None:
    try:
        return re.compile(text)
    except re.error:
        return None


# -- value checking -----------------------------------------------------------


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        if isinstance(value, float):
            return math.isfinite(value)
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "object":
        return isinstance(value, Mapping)
    if kind == "array":
        return isinstance(value, list | tuple)
    return True


def _expect(attr: Attribute) -> str:
    text = attr.type_label
    if attr.has_example and attr.example is not None and not isinstance(attr.example, dict | list):
        text += f" (e.g. {json.dumps(attr.example)})"
    return text


def _constrained(attr: Attribute) -> bool:
    return bool(attr.format in _FORMATS or attr.pattern or attr.enum is not None)


def _candidates(attr: Attribute) -> tuple[Attribute, ...]:
    if attr.alternatives:
        return attr.alternatives
    if attr.children and not any(t in attr.types for t in ("string", "integer", "number")):
        return attr.children
    return ()


def _conform(attr: Attribute, value: Any, field: str, errors: list[ValidationError],
             strict: bool = False) -> Any:
    """Check ``value`` against ``attr``, append problems to ``errors`` and return
    the value to send (reshaped for nested alternatives)."""
    if value is None:
        if not (attr.nullable or (attr.enum is not None and None in attr.enum)):
            errors.append(ValidationError(field, f"expected {_expect(attr)}, not null"))
        return None
    if isinstance(value, Mapping):
        if attr.is_object or not (attr.types or attr.alternatives):
            return _object(attr, value, field, errors, strict)
        if attr.alternatives:
            return _alternative_object(attr, value, field, errors)
    elif not attr.types or not any(_type_ok(t, value) for t in attr.types):
        choices = _candidates(attr)
        if choices:
            return _choose(attr, choices, value, field, errors)
    if attr.types and not any(_type_ok(t, value) for t in attr.types):
        errors.append(ValidationError(
            field, f"expected {_expect(attr)}, got {json_type(value)} {_short(value)}"))
        return value
    if not attr.types and not isinstance(value, str | bool | int | float | list | tuple):
        return _check_json(value, field, errors)
    if isinstance(value, list | tuple):
        if attr.items is None:
            return _check_json(value, field, errors)
        return [_conform(attr.items, v, f"{field}[{i}]", errors, strict)
                for i, v in enumerate(value)]
    if attr.enum is not None and value not in attr.enum:
        allowed = ", ".join(json.dumps(v) for v in attr.enum)
        errors.append(ValidationError(field, f"expected one of {allowed}, got {_short(value)}"))
        return value
    if isinstance(value, str):
        fmt = _FORMATS.get(attr.format or "")
        if fmt is not None and not fmt[0](value):
            errors.append(ValidationError(field, f"expected {fmt[1]}, got {_short(value)}"))
        elif attr.pattern and (rx := _pattern(attr.pattern)) and not rx.search(value):
            errors.append(ValidationError(
                field, f"{_short(value)} does not match the pattern {attr.pattern}"))
    return value


def _check_json(value: Any, field: str, errors: list[ValidationError]) -> Any:
    """``value`` when JSON can write it; otherwise an error naming the field."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            errors.append(ValidationError(field, f"{value} cannot be written as JSON"))
        return value
    if isinstance(value, list | tuple):
        return [_check_json(v, f"{field}[{i}]", errors) for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                errors.append(ValidationError(field, f"keys must be strings, got {key!r}"))
            else:
                out[key] = _check_json(item, f"{field}.{key}", errors)
        return out
    errors.append(ValidationError(
        field, f"a {type(value).__name__} cannot be written as JSON"))
    return None


def _short(value: Any) -> str:
    try:
        text = json.dumps(value, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _choose(attr: Attribute, choices: tuple[Attribute, ...], value: Any, field: str,
            errors: list[ValidationError]) -> Any:
    ranked = sorted(choices, key=lambda c: not _constrained(c))
    for choice in ranked:
        trial: list[ValidationError] = []
        sent = _conform(choice, value, f"{field}.{choice.name}", trial)
        if not trial:
            return {choice.name: sent} if attr.is_object else sent
    names = " or ".join(f"{c.name} ({c.format or c.type_label})" for c in choices)
    errors.append(ValidationError(field, f"expected {names}, got {_short(value)}"))
    return value


def _alternative_object(attr: Attribute, value: Mapping[str, Any], field: str,
                        errors: list[ValidationError]) -> Any:
    by_name = {alt.name: alt for alt in attr.alternatives}
    if len(value) == 1:
        key, item = next(iter(value.items()))
        if key in by_name:
            return {key: _conform(by_name[key], item, f"{field}.{key}", errors)}
    errors.append(ValidationError(
        field, f"expected one of {', '.join(by_name)} as a single value, got {_short(value)}"))
    return dict(value)


def _object(attr: Attribute, value: Mapping[str, Any], field: str,
            errors: list[ValidationError], strict: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    known = {c.name: c for c in attr.children}
    for node in attr.children:
        if node.required and value.get(node.name, OMITTED) is OMITTED:
            errors.append(ValidationError(f"{field}.{node.name}",
                                          f"required: expected {_expect(node)}"))
    for key, item in value.items():
        if item is OMITTED:
            continue
        if not isinstance(key, str):
            errors.append(ValidationError(field, f"keys must be strings, got {key!r}"))
            continue
        child = known.get(key)
        if child is not None:
            out[key] = _conform(child, item, f"{field}.{key}", errors, strict)
        elif attr.map_values is not None:
            out[key] = _map_item(attr.map_values, key, item, f"{field}.{key}", errors)
        elif strict and known:
            errors.append(ValidationError(
                f"{field}.{key}", f"unknown field; expected one of {', '.join(known)}"))
        else:
            out[key] = _check_json(item, f"{field}.{key}", errors)
    return out


def _map_item(spec: MapSpec, key: Any, item: Any, field: str,
              errors: list[ValidationError]) -> Any:
    if not isinstance(key, str):
        errors.append(ValidationError(str(field), f"keys must be strings, got {key!r}"))
        return None
    if spec.key_pattern and (rx := _pattern(spec.key_pattern)) and not rx.search(key):
        errors.append(ValidationError(field, f"the key does not match {spec.key_pattern}"))
    if item is None and spec.null_deletes:
        return None
    return _conform(spec.value, item, field, errors)


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
            param.name, f"expected {_expect(param.doc)}, got {json_type(value)}"))
        return None
    text = str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        errors.append(ValidationError(param.name, "holds characters that are not valid "
                                      "text (undecodable bytes?)"))
        return None
    if not text:
        errors.append(ValidationError(param.name, f"required: expected {_expect(param.doc)}"))
        return None
    doc = param.doc
    if doc.alternatives or doc.children or not set(doc.types) <= {"object", "array"}:
        _conform(doc, text, param.name, errors)
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
            errors.append(ValidationError(param.name, f"required: expected {_expect(param.doc)}"))
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
                                              f"required: expected {_expect(param.doc)}"))
            continue
        before = len(errors)
        checked = _conform(param.doc, value, param.name, errors)
        if len(errors) == before:
            query.extend(_query_pairs(param.name, _check_json(checked, param.name, errors)))

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
                                                  f"required: expected {_expect(param.doc)}"))
                continue
            body[param.name] = _conform(param.doc, value, param.name, errors, spec.strict)
        for key, value in extras.items():
            if spec.map_values is not None:
                body[key] = _map_item(spec.map_values, key, value, str(key), errors)
            elif spec.strict or not isinstance(key, str):
                names = ", ".join(p.name for p in spec.params) or "none"
                errors.append(ValidationError(
                    str(key), f"unknown parameter; expected one of {names}"))
            else:
                body[key] = _check_json(value, key, errors)
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
            if _type_ok(kind, value):
                return value
    if "string" in types or not types or doc.alternatives:
        return text
    wanted = {"boolean": "true or false", "integer": "a whole number", "number": "a number",
              "object": 'a JSON object such as {"key": "value"}',
              "array": 'a JSON array such as ["a", "b"]'}
    expected = " or ".join(wanted.get(t, t) for t in types)
    raise ValidationError(field, f"expected {expected}, got {_short(stripped)}")
