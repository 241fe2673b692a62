"""The loaded schema as an OpenAPI 3.1 document, for tools that import OpenAPI.

Built from the normalised model (:mod:`heroku_explorer.schema.model`), so either
schema format gives the same kind of document:

- one path item per URL template; a placeholder keeps the name the model gives it,
  and templates that differ only in those names share the first one's names (OpenAPI
  forbids equivalent templates);
- one operation per action, ``operationId`` the action's id (``app.info``): unique
  and stable across runs. OpenAPI holds one operation per method and path; where a
  schema has several actions there (``release.create`` and ``release.rollback`` are
  both ``POST /apps/{app_id_or_name}/releases``), the first action's id names the
  operation, its request body is ``oneOf`` the actions' bodies and
  ``x-heroku-actions`` lists every action it stands for;
- path, query and header parameters (``Range`` on lists, ``If-None-Match`` on a GET,
  ``If-Match`` on a write), request bodies and answers as JSON Schema 2020-12, with
  ``ETag``, ``Content-Range``, ``Next-Range``, ``RateLimit-Remaining`` and
  ``Request-Id`` described on the answers;
- one schema per resource under ``components.schemas``, bearer security, and the
  server ``https://api.heroku.com``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from heroku_explorer.schema.model import (
    JSON_TYPES,
    Action,
    ApiSpec,
    Attribute,
    Body,
    MapSpec,
    Param,
)

__all__ = ["SERVER", "to_openapi"]

SERVER = "https://api.heroku.com"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_COMPONENT_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {"description": "Entity tag of the answer; send it back in If-None-Match to "
             "get 304 Not Modified while it is current.", "schema": {"type": "string"}},
    "RateLimit-Remaining": {"description": "Requests left in the account's rate-limit "
                            "window.", "schema": {"type": "integer"}},
    "Request-Id": {"description": "Unique id of this request, for support.",
                   "schema": {"type": "string"}},
    "Content-Range": {"description": "The range of a list that this answer holds "
                      "(`id ab..fz`).", "schema": {"type": "string"}},
    "Next-Range": {"description": "Send this as the Range header to get the next page; "
                   "absent on the last page.", "schema": {"type": "string"}},
}
_PARAMETERS: dict[str, dict[str, Any]] = {
    "Range": {"name": "Range", "in": "header", "required": False,
              "description": "Which part of a list to return and in what order: "
              "`<field> [<first>]..[<last>][; max=<n>, order=asc|desc]`; a partial "
              "list answers 206 with Next-Range.", "schema": {"type": "string"}},
    "If-None-Match": {"name": "If-None-Match", "in": "header", "required": False,
                      "description": "An ETag from an earlier answer: 304 Not Modified "
                      "while the resource has not changed.", "schema": {"type": "string"}},
    "If-Match": {"name": "If-Match", "in": "header", "required": False,
                 "description": "Apply the change only while the resource still has this "
                 "ETag (412 Precondition Failed otherwise).", "schema": {"type": "string"}},
}
_ERROR = {
    "type": "object",
    "description": "A Heroku error body.",
    "properties": {"id": {"type": "string", "examples": ["not_found"]},
                   "message": {"type": "string"},
                   "url": {"type": "string"}},
    "required": ["id", "message"],
}
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _component(name: str) -> str:
    return _COMPONENT_SAFE.sub("-", name) or "resource"


def _types(names: Iterable[str], *, nullable: bool) -> list[str]:
    """JSON Schema type names, each once (``null`` last when allowed)."""
    out = [t for t in dict.fromkeys(names) if t in JSON_TYPES]
    if out and (nullable or "null" in names):
        out.append("null")
    return out


def _schema(attr: Attribute, depth: int = 0) -> dict[str, Any]:
    """JSON Schema 2020-12 of one model node (already free of ``$ref``)."""
    out: dict[str, Any] = {}
    types = _types(attr.types, nullable=attr.nullable)
    if len(types) == 1:
        out["type"] = types[0]
    elif types:
        out["type"] = types
    if attr.description:
        out["description"] = attr.description
    if attr.format:
        out["format"] = attr.format
    if attr.enum is not None:
        out["enum"] = list(attr.enum) + ([None] if attr.nullable and None not in attr.enum
                                         else [])
    if attr.pattern:
        out["pattern"] = attr.pattern
    if attr.has_example:
        out["examples"] = [attr.example]
    if attr.default is not None:
        out["default"] = attr.default
    for flag, key in ((attr.read_only, "readOnly"), (attr.write_only, "writeOnly"),
                      (attr.deprecated, "deprecated")):
        if flag:
            out[key] = True
    if depth > 40:  # a schema nested this deep is described no further
        return out
    if attr.children:
        out["properties"] = {c.name: _schema(c, depth + 1) for c in attr.children}
        required = [c.name for c in attr.children if c.required]
        if required:
            out["required"] = required
    if attr.items is not None:
        out["items"] = _schema(attr.items, depth + 1)
    if attr.alternatives:
        out["anyOf"] = [_schema(a, depth + 1) for a in attr.alternatives]
    if attr.map_values is not None:
        out.update(_map(attr.map_values, depth))
    return out


def _map(spec: MapSpec, depth: int = 0) -> dict[str, Any]:
    value = _schema(spec.value, depth + 1)
    kind = value.get("type")
    if spec.null_deletes and kind is not None:
        value["type"] = _types([kind] if isinstance(kind, str) else kind, nullable=True)
    out: dict[str, Any] = {"type": "object", "additionalProperties": value}
    if spec.key_pattern:
        out["propertyNames"] = {"pattern": spec.key_pattern}
    return out


def _object(attrs: Iterable[Attribute], required: Iterable[str] = (),
            map_values: MapSpec | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object"}
    props = {a.name: _schema(a) for a in attrs}
    if props:
        out["properties"] = props
    names = [n for n in required if n in props]
    if names:
        out["required"] = names
    if map_values is not None:
        out.update(_map(map_values))
    return out


def _body_schema(body: Body) -> dict[str, Any]:
    if body.map_values is not None and not body.params:
        out = _map(body.map_values)
    else:
        out = {"type": "object"}
        if body.params:
            out["properties"] = {p.name: _schema(p.doc) for p in body.params}
            required = [p.name for p in body.params if p.required]
            if required:
                out["required"] = required
        if body.strict:
            out["additionalProperties"] = False
        elif body.map_values is not None:
            out["additionalProperties"] = _schema(body.map_values.value)
    if body.example is not None:
        out["examples"] = [body.example]
    return out


def _response_schema(action: Action, resources: dict[str, str]) -> dict[str, Any] | None:
    response = action.response
    if response.kind == "empty":
        return None
    if response.schema is not None:
        one = _schema(response.schema)
    elif response.resource in resources:
        one = {"$ref": f"#/components/schemas/{resources[response.resource]}"}
    else:
        one = {}
    if response.kind == "list" and response.schema is None:
        one = {"type": "array", "items": one}
    if response.has_example:
        one = {**one, "examples": [response.example]} if "$ref" not in one else {
            "allOf": [one], "examples": [response.example]}
    return one


def _status_text(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Status {status}"


def _responses(action: Action, resources: dict[str, str]) -> dict[str, Any]:
    schema = _response_schema(action, resources)
    headers: dict[str, Any] = {name: {"$ref": f"#/components/headers/{name}"}
                               for name in ("ETag", "RateLimit-Remaining", "Request-Id")}
    if action.is_list:
        headers.update({name: {"$ref": f"#/components/headers/{name}"}
                        for name in ("Content-Range", "Next-Range")})
    statuses = list(action.statuses) or [200]
    if action.is_list and 206 not in statuses:
        statuses.append(206)
    out: dict[str, Any] = {}
    for status in statuses:
        answer: dict[str, Any] = {"description": _status_text(status), "headers": headers}
        if schema is not None and status != 204:
            answer["content"] = {"application/json": {"schema": schema}}
        out[str(status)] = answer
    if action.method == "GET":
        out["304"] = {"description": "Not Modified: the ETag sent in If-None-Match is "
                      "current.", "headers": {"ETag": {"$ref": "#/components/headers/ETag"}}}
    out["default"] = {"description": "An error",
                      "content": {"application/json": {
                          "schema": {"$ref": "#/components/schemas/error"}}}}
    return out


def _parameter(param: Param, location: str, name: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name or param.name, "in": location,
                           "required": True if location == "path" else param.required,
                           "schema": _schema(param.doc)}
    if param.doc.description:
        out["description"] = param.doc.description
    return out


def _operation(actions: list[Action], names: dict[str, str], resources: dict[str, str],
               tags: dict[str, str], ids: set[str]) -> dict[str, Any]:
    first = actions[0]
    op_id = first.id
    while op_id in ids:  # ids are unique in a spec; kept unique here whatever comes
        op_id += "_"
    ids.add(op_id)
    op: dict[str, Any] = {"operationId": op_id, "summary": first.title}
    if first.resource in tags:
        op["tags"] = [tags[first.resource]]
    description = "\n\n".join(
        f"{a.title}: {a.description}" if len(actions) > 1 else a.description
        for a in actions if a.description)
    if description:
        op["description"] = description
    params = [_parameter(p, "path", names.get(p.name, p.name)) for p in first.path_params]
    given = {p["name"] for p in params}
    params.extend({"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                  for n in dict.fromkeys(names.get(o, o) for o in _PLACEHOLDER.findall(first.path))
                  if n not in given)
    seen: set[str] = set()
    for action in actions:
        for p in action.query_params:
            if p.name not in seen:
                seen.add(p.name)
                params.append(_parameter(p, "query"))
    refs = []
    if any(a.is_list for a in actions):
        refs.append("Range")
    refs.append("If-None-Match" if first.method == "GET" else "If-Match")
    if first.method in _WRITES or first.method == "GET":
        params.extend({"$ref": f"#/components/parameters/{r}"} for r in refs)
    if params:
        op["parameters"] = params
    bodies = [_body_schema(a.body) for a in actions if a.body is not None]
    if bodies:
        schema = bodies[0] if len(bodies) == 1 else {"oneOf": bodies}
        op["requestBody"] = {"required": any(p.required for a in actions
                                             for p in a.body_params),
                             "content": {"application/json": {"schema": schema}}}
    op["responses"] = _responses(first, resources)
    if first.deprecated:
        op["deprecated"] = True
    if len(actions) > 1:
        op["x-heroku-actions"] = [{"id": a.id, "title": a.title} for a in actions]
    return op


def _template(path: str) -> str:
    return _PLACEHOLDER.sub("{}", path)


def to_openapi(spec: ApiSpec) -> dict[str, Any]:
    """``spec`` as an OpenAPI 3.1 document (plain JSON data)."""
    resources: dict[str, str] = {}
    schemas: dict[str, Any] = {"error": _ERROR}
    tags: dict[str, str] = {}
    tag_list: list[dict[str, Any]] = []
    for res in spec.resources:
        name = _component(res.key)
        while name in schemas:
            name += "_"
        resources[res.key] = name
        schema = _object(res.attributes, res.required, res.map_values)
        if res.description:
            schema["description"] = res.description
        schemas[name] = schema
        tag = res.name
        while tag in {t["name"] for t in tag_list}:
            tag += " "
        tags[res.key] = tag
        tag_list.append({"name": tag, **({"description": res.description}
                                         if res.description else {})})
    # Group actions by equivalent template, then by method.
    first_path: dict[str, str] = {}
    grouped: dict[str, dict[str, list[Action]]] = {}
    for action in spec.actions():
        key = _template(action.path)
        path = first_path.setdefault(key, action.path)
        grouped.setdefault(path, {}).setdefault(action.method.lower(), []).append(action)
    paths: dict[str, Any] = {}
    ids: set[str] = set()
    for path, methods in grouped.items():
        shared = _PLACEHOLDER.findall(path)
        item: dict[str, Any] = {}
        for method, actions in methods.items():
            own = _PLACEHOLDER.findall(actions[0].path)
            names = dict(zip(own, shared, strict=False))
            item[method] = _operation(actions, names, resources, tags, ids)
        paths[path] = item
    info: dict[str, Any] = {"title": spec.title or "Heroku Platform API", "version": "3"}
    if spec.description:
        info["description"] = spec.description
    return {
        "openapi": "3.1.0",
        "info": info,
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": SERVER}],
        "security": [{"bearer": []}],
        "tags": tag_list,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": _PARAMETERS,
            "headers": _HEADERS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "An API key or OAuth token."}},
        },
    }
