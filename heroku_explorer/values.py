"""Checking a value against its attribute docs, before anything is sent.

:func:`conform` returns the value to send (a scalar matched to an "id or name"
alternative becomes the shape the docs describe) and appends a
:class:`~heroku_explorer.errors.ValidationError` per problem, each naming its field
and what was expected: JSON types, formats (uuid, date-time, date, email, uri,
ipv4), enums, patterns, nested objects, arrays and free-form maps. ``OMITTED`` is
the value of a field left empty (not sent at all).

It is the one checker: the request builder checks what a person typed with it and
the sandbox checks what a client sent with it (``lenient=True``: the coercions
Heroku's server makes, a whole number written as a string, ``0``/``1`` for a
boolean). A ``uri`` that names a host (an attribute called ``hostname``...) is also
a bare host name (``www.example.com``), as Heroku takes a domain's hostname.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from heroku_explorer.errors import ValidationError
from heroku_explorer.schema.model import Attribute, MapSpec, json_type

__all__ = ["MAX_DEPTH", "OMITTED", "check_json", "coerce", "conform", "expect",
           "format_problem", "map_item", "short", "too_deep", "type_ok"]

#: How deeply a value may nest (objects in arrays in objects...): far below Python's
#: recursion limit, far above any request the API takes.
MAX_DEPTH = 64


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


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when ``value`` nests lists, tuples or mappings more than ``limit`` deep
    (checked without recursion, so any depth is safe to ask about)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


# -- formats ------------------------------------------------------------------

_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_DATETIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$"
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: A host name of two labels or more; the first may be a wildcard (``*.example.com``).
_HOSTNAME_RE = re.compile(rf"^(?=.{{1,253}}$)(?:\*|{_LABEL})(?:\.{_LABEL})+\.?$")
_INTEGER_TEXT_RE = re.compile(r"^[+-]?[0-9]{1,18}$")
_NUMBER_TEXT_RE = re.compile(r"^[+-]?(?:[0-9]{1,18}(?:\.[0-9]{1,18})?|\.[0-9]{1,18})$")


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


def format_problem(fmt: str | None, text: str) -> str | None:
    """What ``text`` should have been when it is not of the format ``fmt`` (``None``
    when it is, or when the format is not one checked here)."""
    found = _FORMATS.get(fmt or "")
    if found is None or found[0](text):
        return None
    return found[1]


@lru_cache(maxsize=256)
def _pattern(text: str) -> re.Pattern[str] | None:
    try:
        return re.compile(text)
    except re.error:
        return None


# -- value checking -----------------------------------------------------------


def type_ok(kind: str, value: Any) -> bool:
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


def expect(attr: Attribute) -> str:
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


def coerce(attr: Attribute, value: Any) -> Any:
    """``value`` as Heroku's server reads it for ``attr``: ``"2"`` for an integer is
    ``2``, ``0``/``1`` (or ``"true"``/``"false"``) for a boolean are booleans; any other
    value is returned unchanged."""
    types = attr.types
    if not types or any(type_ok(t, value) for t in types):
        return value
    if isinstance(value, str):
        text = value.strip()
        if "integer" in types and _INTEGER_TEXT_RE.match(text):
            return int(text)
        if "number" in types and _NUMBER_TEXT_RE.match(text):
            number = float(text)
            return int(number) if number.is_integer() and "." not in text else number
        if "boolean" in types and text in ("true", "false"):
            return text == "true"
    elif "boolean" in types and type(value) is int and value in (0, 1):
        return bool(value)
    return value


def conform(attr: Attribute, value: Any, field: str, errors: list[ValidationError],
             strict: bool = False, *, lenient: bool = False) -> Any:
    """Check ``value`` against ``attr``, append problems to ``errors`` and return
    the value to send (reshaped for nested alternatives); ``lenient`` first makes the
    coercions Heroku's server makes (:func:`coerce`)."""
    if lenient:
        value = coerce(attr, value)
    if value is None:
        if not (attr.nullable or (attr.enum is not None and None in attr.enum)):
            errors.append(ValidationError(field, f"expected {expect(attr)}, not null"))
        return None
    if isinstance(value, Mapping):
        if attr.is_object or not (attr.types or attr.alternatives):
            return _object(attr, value, field, errors, strict, lenient)
        if attr.alternatives:
            return _alternative_object(attr, value, field, errors, lenient)
    elif not attr.types or not any(type_ok(t, value) for t in attr.types):
        choices = _candidates(attr)
        if choices:
            return _choose(attr, choices, value, field, errors, lenient)
    if attr.types and not any(type_ok(t, value) for t in attr.types):
        errors.append(ValidationError(
            field, f"expected {expect(attr)}, got {json_type(value)} {short(value)}"))
        return value
    if not attr.types and not isinstance(value, str | bool | int | float | list | tuple):
        return check_json(value, field, errors)
    if isinstance(value, list | tuple):
        if attr.items is None:
            return check_json(value, field, errors)
        return [conform(attr.items, v, f"{field}[{i}]", errors, strict, lenient=lenient)
                for i, v in enumerate(value)]
    if attr.enum is not None and value not in attr.enum:
        allowed = ", ".join(json.dumps(v) for v in attr.enum)
        errors.append(ValidationError(field, f"expected one of {allowed}, got {short(value)}"))
        return value
    if isinstance(value, str):
        fmt = _FORMATS.get(attr.format or "")
        if fmt is not None and not fmt[0](value) and not _bare_host(attr, value):
            errors.append(ValidationError(field, f"expected {fmt[1]}, got {short(value)}"))
        elif attr.pattern and (rx := _pattern(attr.pattern)) and not rx.search(value):
            errors.append(ValidationError(
                field, f"{short(value)} does not match the pattern {attr.pattern}"))
    return value


def _bare_host(attr: Attribute, text: str) -> bool:
    """A host name where a ``uri`` attribute names a host (``domain.hostname``)."""
    return attr.format == "uri" and "host" in attr.name and bool(_HOSTNAME_RE.match(text))


def check_json(value: Any, field: str, errors: list[ValidationError]) -> Any:
    """``value`` when JSON can write it; otherwise an error naming the field."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            errors.append(ValidationError(field, f"{value} cannot be written as JSON"))
        return value
    if isinstance(value, list | tuple):
        return [check_json(v, f"{field}[{i}]", errors) for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                errors.append(ValidationError(field, f"keys must be strings, got {key!r}"))
            else:
                out[key] = check_json(item, f"{field}.{key}", errors)
        return out
    errors.append(ValidationError(
        field, f"a {type(value).__name__} cannot be written as JSON"))
    return None


def short(value: Any) -> str:
    try:
        text = json.dumps(value, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _choose(attr: Attribute, choices: tuple[Attribute, ...], value: Any, field: str,
            errors: list[ValidationError], lenient: bool = False) -> Any:
    ranked = sorted(choices, key=lambda c: not _constrained(c))
    for choice in ranked:
        trial: list[ValidationError] = []
        sent = conform(choice, value, f"{field}.{choice.name}", trial, lenient=lenient)
        if not trial:
            return {choice.name: sent} if attr.is_object else sent
    names = " or ".join(f"{c.name} ({c.format or c.type_label})" for c in choices)
    errors.append(ValidationError(field, f"expected {names}, got {short(value)}"))
    return value


def _alternative_object(attr: Attribute, value: Mapping[str, Any], field: str,
                        errors: list[ValidationError], lenient: bool = False) -> Any:
    by_name = {alt.name: alt for alt in attr.alternatives}
    if len(value) == 1:
        key, item = next(iter(value.items()))
        if key in by_name:
            return {key: conform(by_name[key], item, f"{field}.{key}", errors,
                                 lenient=lenient)}
    errors.append(ValidationError(
        field, f"expected one of {', '.join(by_name)} as a single value, got {short(value)}"))
    return dict(value)


def _object(attr: Attribute, value: Mapping[str, Any], field: str,
            errors: list[ValidationError], strict: bool, lenient: bool = False
            ) -> dict[str, Any]:
    out: dict[str, Any] = {}
    known = {c.name: c for c in attr.children}
    for node in attr.children:
        if node.required and value.get(node.name, OMITTED) is OMITTED:
            errors.append(ValidationError(f"{field}.{node.name}",
                                          f"required: expected {expect(node)}"))
    for key, item in value.items():
        if item is OMITTED:
            continue
        if not isinstance(key, str):
            errors.append(ValidationError(field, f"keys must be strings, got {key!r}"))
            continue
        child = known.get(key)
        if child is not None:
            out[key] = conform(child, item, f"{field}.{key}", errors, strict, lenient=lenient)
        elif attr.map_values is not None:
            out[key] = map_item(attr.map_values, key, item, f"{field}.{key}", errors,
                                lenient=lenient)
        elif strict and known:
            errors.append(ValidationError(
                f"{field}.{key}", f"unknown field; expected one of {', '.join(known)}"))
        else:
            out[key] = check_json(item, f"{field}.{key}", errors)
    return out


def map_item(spec: MapSpec, key: Any, item: Any, field: str,
              errors: list[ValidationError], *, lenient: bool = False) -> Any:
    if not isinstance(key, str):
        errors.append(ValidationError(str(field), f"keys must be strings, got {key!r}"))
        return None
    if spec.key_pattern and (rx := _pattern(spec.key_pattern)) and not rx.search(key):
        errors.append(ValidationError(field, f"the key does not match {spec.key_pattern}"))
    if item is None and spec.null_deletes:
        return None
    return conform(spec.value, item, field, errors, lenient=lenient)
