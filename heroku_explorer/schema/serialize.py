"""The model as plain JSON: the stable shape ``heroku-explorer schema --json`` writes.

The shape is documented in ``docs/schema-json.md``; ``FORMAT_VERSION`` changes
whenever a key is renamed or removed (adding keys does not change it).
"""

from __future__ import annotations

from typing import Any

from heroku_explorer.schema.model import (
    Action,
    ApiSpec,
    Attribute,
    MapSpec,
    Param,
    Resource,
)

__all__ = ["FORMAT_VERSION", "spec_to_dict"]

FORMAT_VERSION = 1


def _map(spec: MapSpec | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    return {
        "key_pattern": spec.key_pattern,
        "null_deletes": spec.null_deletes,
        "value": _attr(spec.value),
    }


def _attr(a: Attribute) -> dict[str, Any]:
    return {
        "name": a.name,
        "path": list(a.path),
        "types": list(a.types),
        "nullable": a.nullable,
        "format": a.format,
        "description": a.description,
        "example": a.example if a.has_example else None,
        "has_example": a.has_example,
        "default": a.default,
        "enum": list(a.enum) if a.enum is not None else None,
        "pattern": a.pattern,
        "read_only": a.read_only,
        "write_only": a.write_only,
        "deprecated": a.deprecated,
        "required": a.required,
        "children": [_attr(c) for c in a.children],
        "items": _attr(a.items) if a.items is not None else None,
        "alternatives": [_attr(c) for c in a.alternatives],
        "map_values": _map(a.map_values),
        "ref": a.ref,
    }


def _param(p: Param) -> dict[str, Any]:
    return {
        "name": p.name,
        "location": p.location,
        "required": p.required,
        "identifies": p.identifies,
        "doc": _attr(p.doc),
    }


def _action(a: Action) -> dict[str, Any]:
    return {
        "id": a.id,
        "key": a.key,
        "title": a.title,
        "method": a.method,
        "path": a.path,
        "raw_href": a.raw_href,
        "description": a.description,
        "rel": a.rel,
        "statuses": list(a.statuses),
        "statuses_documented": a.statuses_documented,
        "is_list": a.is_list,
        "sort_fields": list(a.sort_fields) if a.sort_fields is not None else None,
        "stability": a.stability,
        "deprecated": a.deprecated,
        "params": [_param(p) for p in a.params],
        "body": None
        if a.body is None
        else {
            "strict": a.body.strict,
            "map_values": _map(a.body.map_values),
            "example": a.body.example,
        },
        "response": {
            "kind": a.response.kind,
            "resource": a.response.resource,
            "schema": _attr(a.response.schema) if a.response.schema is not None else None,
            "example": a.response.example if a.response.has_example else None,
            "has_example": a.response.has_example,
        },
    }


def _resource(r: Resource) -> dict[str, Any]:
    return {
        "key": r.key,
        "name": r.name,
        "description": r.description,
        "stability": r.stability,
        "deprecated": r.deprecated,
        "identity": [_attr(a) for a in r.identity],
        "attributes": [_attr(a) for a in r.attributes],
        "map_values": _map(r.map_values),
        "required": list(r.required),
        "actions": [_action(a) for a in r.actions],
    }


def spec_to_dict(spec: ApiSpec) -> dict[str, Any]:
    """The whole model as JSON-ready data, in document order."""
    return {
        "format_version": FORMAT_VERSION,
        "title": spec.title,
        "description": spec.description,
        "source": {
            "format": spec.source.format,
            "origin": spec.source.origin,
            "sha256": spec.source.sha256,
            "variant": spec.source.variant,
            "lenient": spec.source.lenient,
            "dropped": list(spec.source.dropped),
        },
        "counts": {
            "resources": len(spec.resources),
            "actions": spec.action_count,
            "warnings": len(spec.warnings),
        },
        "overview": [
            {
                "title": s.title,
                "markdown": s.markdown,
                "columns": list(s.columns),
                "rows": [list(r) for r in s.rows],
            }
            for s in spec.overview
        ],
        "warnings": [{"where": w.where, "message": w.message} for w in spec.warnings],
        "resources": [_resource(r) for r in spec.resources],
    }
