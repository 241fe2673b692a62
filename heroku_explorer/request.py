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
from typing import Any
from urllib.parse import quote

from heroku_explorer.errors import RequestInvalid, ValidationError
from heroku_explorer.protocol import (
    RANGE_LIMIT,
    HeaderName,
    RangeSpec,
    RangeSyntaxError,
    parse_range,
)
from heroku_explorer.request_raw import raw_request
from heroku_explorer.request_spec import (
    DOT_SEGMENTS,
    MAX_TARGET,
    OVERRIDABLE,
    HeaderInput,
    RequestSpec,
    checked_headers,
    header_problem,
    is_text,
    loads_json,
    shown,
    target_of,
)
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
    "path_segment",
    "raw_request",
]

_DOTS_MESSAGE = ("cannot be {text!r}: a URL path reads it as {meaning}, so the request "
                 "would go to another URL")
_DOTS_MEANING = {".": '"this level"', "..": '"one level up"'}


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
            "range", f"cannot sort on {shown(spec.attr)!r}; expected one of "
            f"{', '.join(sort_fields)}"))
        return None
    text = value.strip() if isinstance(value, str) else str(spec)
    problem = header_problem(HeaderName.RANGE, text)
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


def path_segment(name: str, text: str, errors: list[ValidationError], *,
                 expected: str = "a value") -> str | None:
    """``text`` percent-encoded to fill exactly one path segment, or ``None`` and an
    error naming ``name``: empty, ``.``, ``..``, undecodable and over-long values are
    refused (a path value never climbs out of its segment)."""
    if not is_text(text):
        errors.append(ValidationError(name, "holds characters that are not valid "
                                      "text (undecodable bytes?)"))
        return None
    if not text:
        errors.append(ValidationError(name, f"required: expected {expected}"))
        return None
    if text in DOT_SEGMENTS:
        errors.append(ValidationError(
            name, _DOTS_MESSAGE.format(text=text, meaning=_DOTS_MEANING[text])))
        return None
    encoded = quote(text, safe="")
    if len(encoded) > MAX_TARGET:
        errors.append(ValidationError(name, f"is too long for a URL ({len(encoded)} "
                                      f"bytes once encoded; at most {MAX_TARGET})"))
        return None
    return encoded


def _path_value(param: Param, value: Any, errors: list[ValidationError]) -> str | None:
    """``value`` percent-encoded to fill exactly one path segment, or ``None`` (and an
    error naming the parameter) when it cannot."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        errors.append(ValidationError(
            param.name, f"expected {expect(param.doc)}, got {json_type(value)}"))
        return None
    text = str(value)
    encoded = path_segment(param.name, text, errors, expected=expect(param.doc))
    if encoded is None:
        return None
    doc = param.doc
    before = len(errors)
    if doc.alternatives or doc.children or not set(doc.types) <= {"object", "array"}:
        conform(doc, text, param.name, errors)
    return encoded if len(errors) == before else None


_SLOT_RE = re.compile(r"\{([^{}]*)\}")


def _missing(param: Param, value: Any, errors: list[ValidationError]) -> bool:
    """True when ``value`` was not given; a required parameter's absence is an error."""
    if value is not OMITTED:
        return False
    if param.required:
        errors.append(ValidationError(param.name, f"required: expected {expect(param.doc)}"))
    return True


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
        if _missing(param, value, errors):
            continue
        before = len(errors)
        checked = conform(param.doc, value, param.name, errors)
        if len(errors) == before:
            pairs = _query_pairs(param.name, check_json(checked, param.name, errors))
            if not all(is_text(v) for _, v in pairs):
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
            if _missing(param, value, errors):
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

    pairs = checked_headers(headers, errors)
    if range is not None and (text := _range_header(range, action.sort_fields, errors)):
        pairs.append((HeaderName.RANGE, text))
    for name, tag in ((HeaderName.IF_NONE_MATCH, if_none_match), (HeaderName.IF_MATCH, if_match)):
        if tag is not None:
            pairs.extend(checked_headers([(name, tag)], errors))
    if not errors and len(target := target_of(path, query)) > MAX_TARGET:
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


def _longest(filled: Mapping[str, str], query: Iterable[tuple[str, str]]) -> str:
    sizes = {k: len(v) for k, v in filled.items()}
    for name, value in query:
        sizes[name] = sizes.get(name, 0) + len(quote(value, safe=""))
    return max(sizes, key=lambda k: sizes[k]) if sizes else "path"


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
                value = loads_json(stripped)
            except ValueError as exc:
                raise ValidationError(
                    field, f"expected JSON {kind} ({shown(str(exc.args[0]), 80)})") from None
            if type_ok(kind, value):
                return value
    if "string" in types or not types or doc.alternatives:
        return text
    wanted = {"boolean": "true or false", "integer": "a whole number", "number": "a number",
              "object": 'a JSON object such as {"key": "value"}',
              "array": 'a JSON array such as ["a", "b"]'}
    expected = " or ".join(wanted.get(t, t) for t in types)
    raise ValidationError(field, f"expected {expected}, got {short(stripped)}")
