"""Load a JSON Hyper-Schema (``GET /schema``) into the normalised model.

Each entry of ``definitions`` is a resource, in document order; its ``links`` are
its actions. Oddities in the document (an unresolvable ``$ref``, a lowercase
method, a missing title...) become :class:`SpecWarning` entries on the spec; only
a document without a usable ``definitions`` object is refused.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping
from typing import Any

from heroku_explorer.errors import SchemaError
from heroku_explorer.schema.docs import PROTOCOL_DOCS
from heroku_explorer.schema.hyper_attrs import AttrBuilder, alternative_name, last_token
from heroku_explorer.schema.hyper_links import LinkBuilder
from heroku_explorer.schema.model import (
    ApiSpec,
    Attribute,
    Resource,
    SpecSource,
    Stability,
)
from heroku_explorer.schema.refs import RefResolver, WarningSink, join_pointer

__all__ = ["DEFAULT_TITLE", "TITLE_PREFIX", "load_hyper"]

DEFAULT_TITLE = "Heroku Platform API"
#: Every resource title starts with this; the rest is the display name.
TITLE_PREFIX = "Heroku Platform API - "

_STABILITIES: dict[str, Stability] = {
    "production": "production",
    "development": "development",
    "prototype": "prototype",
}


def load_hyper(
    doc: Mapping[str, Any], *, origin: str, sha256: str, variant: str | None
) -> ApiSpec:
    """Normalise a parsed Hyper-Schema document.

    Raises :class:`SchemaError` only when ``definitions`` is missing or is not an
    object; every other problem is recorded in ``spec.warnings``.
    """
    if not isinstance(doc, Mapping):
        raise SchemaError(origin, "#", "the document is not a JSON object")
    definitions = doc.get("definitions")
    if not isinstance(definitions, Mapping):
        raise SchemaError(origin, "#/definitions",
                          "a Hyper-Schema needs a 'definitions' object listing the resources")
    loader = _Loader(doc, definitions)
    # The model is thousands of small acyclic objects: pausing the cyclic collector
    # while building it saves repeated scans of the parsed document.
    collecting = gc.isenabled()
    gc.disable()
    try:
        resources = tuple(loader.resources())
    finally:
        if collecting:
            gc.enable()
    title = doc.get("title")
    description = doc.get("description")
    return ApiSpec(
        source=SpecSource(format="hyper-schema", origin=origin, sha256=sha256, variant=variant),
        title=title.strip() if isinstance(title, str) and title.strip() else DEFAULT_TITLE,
        description=description if isinstance(description, str) else None,
        overview=PROTOCOL_DOCS,
        resources=resources,
        warnings=tuple(loader.sink.items),
    )


class _Loader:
    def __init__(self, doc: Mapping[str, Any], definitions: Mapping[str, Any]) -> None:
        self.sink = WarningSink()
        self.resolver = RefResolver(doc, self.sink)
        self.attrs = AttrBuilder(self.resolver)
        self.links = LinkBuilder(self.resolver, self.attrs, definitions)
        self.definitions = definitions

    def resources(self) -> list[Resource]:
        out: list[Resource] = []
        for key, raw in self.definitions.items():
            where = join_pointer("#/definitions", key)
            if not isinstance(raw, Mapping):
                self.sink.add(where, "definition is not a JSON object; skipped")
                continue
            out.append(self.resource(key, raw, where))
        return out

    def resource(self, key: str, raw: Mapping[str, Any], where: str) -> Resource:
        r = self.resolver.resolve(raw, where)
        s = r.mapping
        stability = self._stability(s.get("stability"), r.at("stability"))
        deprecated = s.get("deprecated") is True
        description = s.get("description")
        return Resource(
            key=key,
            name=self._name(key, s.get("title"), r.at("title")),
            description=description if isinstance(description, str) else None,
            stability=stability,
            deprecated=deprecated,
            identity=self.identity(raw, where),
            attributes=self.attrs.properties(r, (), 0),
            map_values=self.attrs.map_spec(r, (), 0),
            required=self._required(s.get("required"), r.at("required")),
            actions=self.links.actions(key, raw.get("links"), join_pointer(where, "links"),
                                       stability=stability, deprecated=deprecated),
            example=s.get("example"),
            source=where,
        )

    def _name(self, key: str, title: Any, where: str) -> str:
        if not isinstance(title, str) or not title.strip():
            self.sink.add(where, f"resource has no title; called {key!r}")
            return key
        name = title.strip()
        if name.startswith(TITLE_PREFIX):
            name = name[len(TITLE_PREFIX):].strip()
        return name or key

    def _stability(self, raw: Any, where: str) -> Stability | None:
        if raw is None:
            return None
        found = _STABILITIES.get(raw) if isinstance(raw, str) else None
        if found is None:
            self.sink.add(where, f"unknown stability {raw!r}; ignored")
        return found

    def _required(self, raw: Any, where: str) -> tuple[str, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.sink.add(where, "required is not a list; ignored")
            return ()
        return tuple(x for x in raw if isinstance(x, str))

    def identity(self, raw: Mapping[str, Any], where: str) -> tuple[Attribute, ...]:
        """The ways to name one instance: the resource's own ``definitions/identity``."""
        defs = raw.get("definitions")
        if not isinstance(defs, Mapping) or "identity" not in defs:
            return ()
        at = join_pointer(where, "definitions", "identity")
        r = self.resolver.resolve(defs["identity"], at)
        s = r.mapping
        for keyword in ("anyOf", "oneOf"):
            members = s.get(keyword)
            if isinstance(members, list):
                base = r.at(keyword)
                return tuple(
                    self.attrs.build(m, name=alternative_name(m, i),
                                     path=(alternative_name(m, i),), where=f"{base}/{i}")
                    for i, m in enumerate(members)
                )
        if r.ref is not None:
            name = last_token(r.ref)
            return (self.attrs.from_resolved(r, name=name, path=(name,)),)
        if s:
            return (self.attrs.from_resolved(r, name="identity", path=("identity",)),)
        return ()
