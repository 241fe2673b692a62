"""Turn Hyper-Schema ``links`` into :class:`Action` objects.

Href placeholders are percent-encoded JSON pointers,
``{(%23%2Fdefinitions%2Fapp%2Fdefinitions%2Fidentity)}``; they become named slots
the way prmd names them: ``{app_id_or_name}`` from the target's ``anyOf`` members,
or ``{<resource>_<last token>}`` for any other target.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from msgspec.structs import replace

from heroku_explorer.schema.hyper_attrs import (
    AttrBuilder,
    alternative_name,
    identified_resource,
    last_token,
)
from heroku_explorer.schema.model import (
    Action,
    Attribute,
    Body,
    Location,
    Param,
    Response,
    Stability,
)
from heroku_explorer.schema.names import slugify
from heroku_explorer.schema.refs import (
    MAPPING,
    RefResolver,
    Resolved,
    join_pointer,
    pointer_resource,
    pointer_tokens,
)

__all__ = ["BODY_METHODS", "LinkBuilder", "slot_name"]

#: Methods whose link ``schema`` describes a request body; others take query params.
BODY_METHODS = frozenset({"POST", "PATCH", "PUT"})

KNOWN_LINK_KEYS = frozenset(
    {"href", "method", "rel", "title", "description", "schema", "targetSchema", "ranges",
     "deprecated"}
)

_PLACEHOLDER = re.compile(r"\{\(([^)]*)\)\}|\{([^{}]*)\}")
_NON_WORD = re.compile(r"\W+")


def slot_name(pointer: str, target: Resolved) -> str:
    """prmd's placeholder name for ``pointer`` whose resolved target is ``target``."""
    owner = pointer_resource(pointer)
    if owner is None:
        tokens = pointer_tokens(pointer)
        owner = tokens[0] if tokens else "param"
    members = target.mapping.get("anyOf")
    if not isinstance(members, list) or not members:
        members = target.mapping.get("oneOf")
    if isinstance(members, list) and members:
        suffix = "_or_".join(alternative_name(m, i) for i, m in enumerate(members))
    else:
        suffix = last_token(target.ref or pointer)
    return _NON_WORD.sub("_", f"{owner}_{suffix}".replace("-", "_")).strip("_") or "param"


class LinkBuilder:
    """Builds the actions of one resource at a time."""

    def __init__(self, resolver: RefResolver, attrs: AttrBuilder,
                 definitions: Mapping[str, Any]) -> None:
        self.resolver = resolver
        self.attrs = attrs
        self.sink = resolver.sink
        self.definitions = definitions
        self._slots: dict[str, Param] = {}
        self._hrefs: dict[str, tuple[str, tuple[Param, ...]]] = {}

    def actions(self, resource: str, links: Any, where: str, *,
                stability: Stability | None, deprecated: bool) -> tuple[Action, ...]:
        """Every usable link of one resource, with keys made unique."""
        if links is None:
            return ()
        if not isinstance(links, list):
            self.sink.add(where, "links is not a list; the resource has no actions")
            return ()
        out: list[Action] = []
        keys: set[str] = set()
        for i, link in enumerate(links):
            at = f"{where}/{i}"
            if not isinstance(link, MAPPING):
                self.sink.add(at, "link is not a JSON object; skipped")
                continue
            action = self.build(resource, link, at, stability=stability, deprecated=deprecated)
            if action is None:
                continue
            if action.key in keys:
                new_key = _unused(action.key, keys, "-")
                self.sink.add(at, f"title {action.title!r} is used by another link of this "
                              f"resource; its key is {new_key!r}")
                action = replace(action, key=new_key)
            keys.add(action.key)
            out.append(action)
        return tuple(out)

    def build(self, resource: str, link: Mapping[str, Any], where: str, *,
              stability: Stability | None = None, deprecated: bool = False) -> Action | None:
        """One action, or ``None`` (and a warning) when the link has no usable href."""
        href = link.get("href")
        if not isinstance(href, str) or not href:
            self.sink.add(where, "link has no href; skipped")
            return None
        method = self._method(link.get("method"), where)
        path, path_params = self.parse_href(href, join_pointer(where, "href"))
        title = link.get("title")
        if not isinstance(title, str) or not title.strip():
            title = f"{method} {path}"
            self.sink.add(where, f"link has no title; called {title!r}")
        title = title.strip()
        rel = link.get("rel")
        if rel is not None and not isinstance(rel, str):
            self.sink.add(join_pointer(where, "rel"), "rel is not a string; ignored")
            rel = None

        query: tuple[Param, ...] = ()
        body: Body | None = None
        if "schema" in link:
            r = self.resolver.resolve(link["schema"], join_pointer(where, "schema"))
            if method in BODY_METHODS:
                body = self._body(r, resource)
            else:
                query = self._params(r, "query", resource)
                if not query:
                    self.sink.add(r.pointer, f"{method} link schema has no properties")
        response = self._response(link.get("targetSchema"), join_pointer(where, "targetSchema"))
        is_list = rel == "instances" or response.kind == "list"
        if is_list:
            statuses: tuple[int, ...] = (200, 206)
        elif method == "POST" and rel == "create":
            statuses = (201,)
        else:
            statuses = (200,)
        description = link.get("description")
        return Action(
            resource=resource,
            key=slugify(title) or method.lower(),
            title=title,
            method=method,
            path=path,
            raw_href=href,
            description=description if isinstance(description, str) else None,
            rel=rel,
            path_params=path_params,
            query_params=query,
            body=body,
            response=response,
            statuses=statuses,
            statuses_documented=False,
            sort_fields=self._ranges(link, where),
            is_list=is_list,
            stability=stability,
            deprecated=deprecated or link.get("deprecated") is True or "deactivate_on" in link,
            extras={k: v for k, v in link.items() if k not in KNOWN_LINK_KEYS},
            source=where,
        )

    def _method(self, raw: Any, where: str) -> str:
        if not isinstance(raw, str) or not raw.strip():
            self.sink.add(where, "link has no method; GET assumed")
            return "GET"
        method = raw.strip().upper()
        if method != raw:
            self.sink.add(join_pointer(where, "method"),
                          f"method {raw!r} is not upper-case; read as {method}")
        return method

    def parse_href(self, href: str, where: str) -> tuple[str, tuple[Param, ...]]:
        """The ``{name}`` template of ``href`` and its path params, in href order."""
        found = self._hrefs.get(href)
        if found is not None:
            return found
        warned = len(self.sink.items)
        result = self._parse_href(href, where)
        if len(self.sink.items) == warned:
            self._hrefs[href] = result
        return result

    def _parse_href(self, href: str, where: str) -> tuple[str, tuple[Param, ...]]:
        params: list[Param] = []
        used: set[str] = set()
        parts: list[str] = []
        pos = 0
        for match in _PLACEHOLDER.finditer(href):
            parts.append(href[pos:match.start()])
            pos = match.end()
            encoded, plain = match.group(1), match.group(2)
            if encoded is not None:
                param = self._pointer_param(encoded, where)
            else:
                name = _NON_WORD.sub("_", plain).strip("_") or "param"
                self.sink.add(where, f"placeholder {{{plain}}} is not a schema reference")
                param = Param(name, "path", True, Attribute(name=name, path=(name,),
                                                            source=where))
            if param.name in used:
                new = _unused(param.name, used, "_")
                self.sink.add(where, f"placeholder name {param.name!r} occurs twice in this "
                              f"href; the later one is called {new!r}")
                param = replace(param, name=new, doc=replace(param.doc, name=new, path=(new,)))
            used.add(param.name)
            params.append(param)
            parts.append("{" + param.name + "}")
        parts.append(href[pos:])
        return "".join(parts), tuple(params)

    def _pointer_param(self, encoded: str, where: str) -> Param:
        """The path param for an encoded placeholder pointer (memoised when it resolves)."""
        found = self._slots.get(encoded)
        if found is not None:
            return found
        pointer = unquote(encoded)
        target = self.resolver.resolve({"$ref": pointer}, where)
        name = slot_name(pointer, target)
        doc = self.attrs.from_resolved(target, name=name, path=(name,), required=True)
        owner = pointer_resource(target.ref or pointer)
        identifies = owner if owner in self.definitions else None
        param = Param(name, "path", True, doc, identifies)
        if not target.broken:
            self._slots[encoded] = param
        return param

    def _params(self, r: Resolved, location: Location, resource: str) -> tuple[Param, ...]:
        """Body or query params from ``properties``; ``identifies`` is set for identities
        of resources other than ``resource``."""
        props = r.mapping.get("properties")
        if props is None:
            return ()
        base = r.at("properties")
        if not isinstance(props, MAPPING):
            self.sink.add(base, "properties is not an object; ignored")
            return ()
        required = self.attrs.required_names(r)
        for name in sorted(required - props.keys()):
            self.sink.add(r.at("required"), f"required names {name!r}, which is not a property")
        params: list[Param] = []
        for key, value in props.items():
            pr = self.resolver.resolve(value, join_pointer(base, key))
            doc = self.attrs.from_resolved(pr, name=key, path=(key,), required=key in required)
            identifies = identified_resource(pr, self.definitions)
            params.append(Param(key, location, key in required, doc,
                                None if identifies == resource else identifies))
        return tuple(params)

    def _body(self, r: Resolved, resource: str) -> Body:
        s = r.mapping
        if not isinstance(r.schema, MAPPING):
            self.sink.add(r.pointer, "request schema is not a JSON object; ignored")
            return Body()
        params = self._params(r, "body", resource)
        map_values = self.attrs.map_spec(r, (), 1)
        if not params and map_values is None and any(
            k in s for k in ("anyOf", "oneOf", "items", "allOf")
        ):
            self.sink.add(r.pointer, "request schema is not a plain object; no fields are known")
        strict = s.get("additionalProperties") is False or s.get("strictProperties") is True
        return Body(params=params, map_values=map_values, strict=strict, example=s.get("example"))

    def _resource_key(self, ref: Any) -> str | None:
        if not isinstance(ref, str):
            return None
        tokens = pointer_tokens(ref)
        if tokens and len(tokens) == 2 and tokens[0] == "definitions" \
                and tokens[1] in self.definitions:
            return tokens[1]
        return None

    def _response(self, ts: Any, where: str) -> Response:
        if ts is None:
            return Response(kind="unknown")
        if not isinstance(ts, MAPPING):
            self.sink.add(where, "targetSchema is not a JSON object; ignored")
            return Response(kind="unknown")
        example, has_example = ts.get("example"), "example" in ts
        key = self._resource_key(ts.get("$ref"))
        if key is not None:
            return Response("object", key, example=example, has_example=has_example)
        r = self.resolver.resolve(ts, where)
        s = r.mapping
        types = s.get("type")
        types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
        if "items" in s or "array" in types:
            items = s.get("items")
            key = self._resource_key(items.get("$ref")) if isinstance(items, MAPPING) else None
            if key is not None:
                return Response("list", key, example=example, has_example=has_example)
            schema = self.attrs.from_resolved(r, name="response", path=())
            return Response("list", schema=schema, example=example, has_example=has_example)
        if any(k in s for k in ("properties", "patternProperties", "anyOf", "oneOf")) \
                or isinstance(s.get("additionalProperties"), MAPPING):
            schema = self.attrs.from_resolved(r, name="response", path=())
            return Response("object", schema=schema, example=example, has_example=has_example)
        if "object" in types or s.get("additionalProperties") is False:
            return Response("empty", example=example, has_example=has_example)
        return Response(kind="unknown", example=example, has_example=has_example)

    def _ranges(self, link: Mapping[str, Any], where: str) -> tuple[str, ...] | None:
        ranges = link.get("ranges")
        if ranges is None:
            return None
        if not isinstance(ranges, list) or not all(isinstance(x, str) for x in ranges):
            self.sink.add(join_pointer(where, "ranges"), "ranges is not a list of names; ignored")
            return None
        return tuple(ranges)


def _unused(name: str, taken: set[str], sep: str) -> str:
    """``name`` with the first free number after ``sep``: ``app-2``, ``app_3``..."""
    n = 2
    while f"{name}{sep}{n}" in taken:
        n += 1
    return f"{name}{sep}{n}"
