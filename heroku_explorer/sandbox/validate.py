"""Request bodies checked against an action's documented body parameters.

Values are checked by :mod:`heroku_explorer.values`, the checker the request
builder uses too, in its ``lenient`` mode: the coercions Heroku's server makes
(``"quantity": "2"``, ``"maintenance": 0``) are made, everything else it refuses
is refused. An explicit ``null`` for an optional parameter that is not nullable
means "not given", as Heroku reads it (clients send ``"size": null``). A missing
required field, a field the action does not take, or a value of the wrong type,
enum, format or pattern raises :class:`ParamError` naming the field; the app
answers it with ``422 invalid_params``.
"""

from __future__ import annotations

import re
from typing import Any

from heroku_explorer.errors import ValidationError
from heroku_explorer.schema.model import Action, Attribute, MapSpec, Resource, json_type
from heroku_explorer.values import conform, map_item

__all__ = ["ParamError", "check_map", "check_value", "validate_body"]

_QUOTED_RE = re.compile(r"'([a-z_]+)'")


class ParamError(Exception):
    """A body parameter that does not fit its documentation."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def _raise_first(errors: list[ValidationError]) -> None:
    if errors:
        raise ParamError(errors[0].field, errors[0].message)


def check_value(attr: Attribute, value: Any, field: str) -> Any:
    """``value`` as the sandbox stores it for ``attr`` (coerced, reshaped); raises
    :class:`ParamError` unless it fits."""
    errors: list[ValidationError] = []
    checked = conform(attr, value, field, errors, lenient=True)
    _raise_first(errors)
    return checked


def check_map(spec: MapSpec, value: dict[str, Any], field: str = "") -> dict[str, Any]:
    """A free-form map: every key matches the pattern, every value fits (``null``
    passes: it removes the key)."""
    errors: list[ValidationError] = []
    out: dict[str, Any] = {}
    for key, sub in value.items():
        name = f"{field}.{key}" if field else key
        out[key] = None if sub is None else map_item(spec, key, sub, name, errors,
                                                      lenient=True)
        _raise_first(errors)
    return out


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


def _nullable(attr: Attribute) -> bool:
    return attr.nullable or (attr.enum is not None and None in attr.enum) or any(
        a.nullable for a in attr.alternatives)


def _successor(resource: Resource | None, key: str) -> tuple[Attribute, str | None] | None:
    """A deprecated, writable attribute of ``resource`` a client may still send (a
    formation's ``size``), and the attribute its description points to instead
    (``deprecated, refer to 'dyno_size' instead``)."""
    attr = resource.attribute(key) if resource is not None else None
    if attr is None or resource is None or not attr.deprecated or attr.read_only:
        return None
    for name in _QUOTED_RE.findall(attr.description or ""):
        if name != key and resource.attribute(name) is not None:
            return attr, name
    return attr, None


def validate_body(action: Action, body: Any, resource: Resource | None = None
                  ) -> dict[str, Any]:
    """The checked body of a request to ``action`` (``{}`` when there is none); a
    deprecated attribute of ``resource`` the action no longer lists is still taken,
    as Heroku takes it, and also fills the attribute that replaced it."""
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
        return check_map(spec.map_values, body)
    params = {p.name: p for p in spec.params}
    checked: dict[str, Any] = {}
    for key, value in _flatten_colon(params, dict(body)).items():
        param = params.get(key)
        if param is None:
            if spec.map_values is not None:
                checked.update(check_map(spec.map_values, {key: value}))
                continue
            old = _successor(resource, key)
            if old is None:
                raise ParamError(key, "is not a parameter of this action")
            checked[key] = check_value(old[0], value, key)
            if old[1] is not None and old[1] in params and old[1] not in body:
                checked[old[1]] = check_value(params[old[1]].doc, checked[key], old[1])
            continue
        if value is None and not param.required and not _nullable(param.doc):
            continue  # an explicit null for an optional parameter: not given
        checked[key] = check_value(param.doc, value, key)
    missing = [p.name for p in spec.params if p.required and p.name not in checked]
    if missing:
        raise ParamError(missing[0], "is required")
    return checked
