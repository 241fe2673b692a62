"""Request bodies checked against an action's documented body parameters.

A missing required field, a field the action does not take, or a value of the
wrong type, enum, format or pattern raises :class:`ParamError` naming the field;
the app answers it with ``422 invalid_params``.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from functools import lru_cache
from typing import Any

from heroku_explorer.schema.model import Action, Attribute, MapSpec, json_type

__all__ = ["ParamError", "validate_body"]


class ParamError(Exception):
    """A body parameter that does not fit its documentation."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _is_type(value: Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    return True


def _check_format(fmt: str | None, value: str, field: str) -> None:
    if fmt == "uuid":
        try:
            uuid.UUID(value)
        except ValueError:
            raise ParamError(field, f"{value!r} is not a uuid") from None
    elif fmt == "date-time":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ParamError(field, f"{value!r} is not an ISO 8601 date-time") from None


def check_value(attr: Attribute, value: Any, field: str) -> None:
    """Raise :class:`ParamError` unless ``value`` fits ``attr``."""
    if value is None:
        if attr.nullable or (not attr.types and not attr.alternatives):
            return
        if attr.alternatives and any(a.nullable for a in attr.alternatives):
            return
        raise ParamError(field, "must not be null")
    if attr.alternatives and not attr.types:
        if isinstance(value, dict):
            # ``{"name": "eu"}`` for an identity "id or name": one of the members.
            names = {a.name: a for a in attr.alternatives}
            if value and all(k in names for k in value):
                for key, sub in value.items():
                    check_value(names[key], sub, f"{field}:{key}")
                return
        errors: list[ParamError] = []
        for alt in attr.alternatives:
            try:
                check_value(alt, value, field)
                return
            except ParamError as exc:
                errors.append(exc)
        labels = " or ".join(a.name for a in attr.alternatives)
        raise ParamError(field, f"must be {labels}" if len(errors) > 1 else errors[0].message)
    types = attr.types or (("object",) if attr.children or attr.map_values else ())
    if types and not any(_is_type(value, t) for t in types):
        if attr.children and isinstance(value, str):
            # An identity written as a scalar: "plan": "heroku-postgresql:dev".
            return
        raise ParamError(field, f"must be {attr.type_label}, not {json_type(value)}")
    if attr.enum is not None and value not in attr.enum:
        allowed = ", ".join(repr(v) for v in attr.enum)
        raise ParamError(field, f"must be one of {allowed}")
    if isinstance(value, str):
        _check_format(attr.format, value, field)
        if attr.pattern:
            rx = _compiled(attr.pattern)
            if rx is not None and not rx.search(value):
                raise ParamError(field, f"{value!r} does not match {attr.pattern}")
    elif isinstance(value, list) and attr.items is not None:
        for i, item in enumerate(value):
            check_value(attr.items, item, f"{field}[{i}]")
    elif isinstance(value, dict):
        if attr.children:
            _check_object(attr.children, value, field)
        elif attr.map_values is not None:
            check_map(attr.map_values, value, field)


def _check_object(children: tuple[Attribute, ...], value: dict[str, Any], field: str) -> None:
    known = {c.name: c for c in children}
    for key, sub in value.items():
        child = known.get(key)
        if child is not None:
            check_value(child, sub, f"{field}:{key}")
    for child in children:
        if child.required and child.name not in value:
            raise ParamError(f"{field}:{child.name}", "is required")


def check_map(spec: MapSpec, value: dict[str, Any], field: str = "") -> None:
    """A free-form map: every key matches the pattern, every value fits."""
    rx = _compiled(spec.key_pattern) if spec.key_pattern else None
    for key, sub in value.items():
        name = f"{field}:{key}" if field else key
        if rx is not None and not rx.search(key):
            raise ParamError(name, f"{key!r} is not a valid key")
        if sub is None:
            continue
        check_value(spec.value, sub, name)


def _flatten_colon(params: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Accept ``{"plan": {"name": x}}`` for a parameter documented as ``plan:name``."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key not in params and isinstance(value, dict) and any(
            name.startswith(key + ":") for name in params
        ):
            for sub, inner in value.items():
                out[f"{key}:{sub}"] = inner
        else:
            out[key] = value
    return out


def validate_body(action: Action, body: Any) -> dict[str, Any]:
    """The checked body of a request to ``action`` (``{}`` when there is none)."""
    spec = action.body
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ParamError("body", f"must be a JSON object, not {json_type(body)}")
    if spec is None:
        if body:
            raise ParamError(next(iter(body)), "is not a parameter of this action")
        return {}
    if spec.map_values is not None and not spec.params:
        check_map(spec.map_values, body)
        return dict(body)
    params = {p.name: p for p in spec.params}
    checked = _flatten_colon(params, dict(body))
    for key, value in checked.items():
        param = params.get(key)
        if param is None:
            if spec.map_values is not None:
                check_map(spec.map_values, {key: value})
                continue
            raise ParamError(key, "is not a parameter of this action")
        check_value(param.doc, value, key)
    missing = [p.name for p in spec.params if p.required and p.name not in checked]
    if missing:
        raise ParamError(missing[0], "is required")
    return checked
