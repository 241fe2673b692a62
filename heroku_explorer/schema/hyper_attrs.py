"""Turn JSON Hyper-Schema nodes into :class:`Attribute` trees.

Every ``$ref`` is followed through :class:`RefResolver`; the tree keeps the
innermost reference in ``Attribute.ref`` and the definition site in
``Attribute.source``. Expansion stops at :data:`MAX_DEPTH` levels and at a
reference that is already being expanded higher up, so no schema can loop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from heroku_explorer.schema.model import JSON_TYPES, Attribute, MapSpec
from heroku_explorer.schema.refs import (
    MAPPING,
    RefResolver,
    Resolved,
    join_pointer,
    pointer_resource,
    pointer_tokens,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPANSIONS",
    "AttrBuilder",
    "alternative_name",
    "identified_resource",
    "last_token",
]

#: Levels of nesting expanded below a top-level attribute.
MAX_DEPTH = 8
#: Objects, arrays and unions expanded per document (the real schemas need about
#: 450), so that a hostile schema cannot make the tree grow without bound.
MAX_EXPANSIONS = 10_000

_NO_NAMES: frozenset[str] = frozenset()
_TYPE_NAMES = frozenset(JSON_TYPES)
_STRUCTURE = frozenset(
    {"properties", "items", "anyOf", "oneOf", "patternProperties", "additionalProperties"}
)


def last_token(pointer: str) -> str:
    """The last unescaped token of a pointer (``#/definitions/app/definitions/id`` -> ``id``)."""
    tokens = pointer_tokens(pointer)
    if tokens:
        return tokens[-1]
    return pointer.rsplit("/", 1)[-1]


def alternative_name(member: Any, index: int) -> str:
    """A short name for an ``anyOf`` member: the last token of its ``$ref``, its title,
    its type, or ``option-N``."""
    if isinstance(member, MAPPING):
        ref = member.get("$ref")
        if isinstance(ref, str) and ref:
            return last_token(ref)
        title = member.get("title")
        if isinstance(title, str) and title.strip():
            return title.strip()
        kind = member.get("type")
        if isinstance(kind, str):
            return kind
        if isinstance(kind, list):
            names = [t for t in kind if isinstance(t, str) and t != "null"]
            if len(names) == 1:
                return names[0]
    return f"option-{index + 1}"


def _is_identity_pointer(pointer: str) -> bool:
    tokens = pointer_tokens(pointer)
    return tokens is not None and len(tokens) >= 3 and tokens[-1].lower().endswith("identity")


def identified_resource(resolved: Resolved, known: Mapping[str, Any] | None = None) -> str | None:
    """Resource key a value of this schema names, when the schema is an identity.

    That is when the ``$ref`` chain passes through an ``.../identity`` definition
    (the resource of the innermost pointer is returned: ``team-app``'s identity is
    ``app/name``, so ``app``), or when the node is an inline ``anyOf`` whose members
    all point into one resource. ``None`` otherwise, or when ``known`` (the
    document's definitions) lacks the key.
    """
    found: str | None = None
    if any(_is_identity_pointer(p) for p in resolved.chain) and resolved.ref is not None:
        found = pointer_resource(resolved.ref)
    elif not resolved.chain:
        members = resolved.mapping.get("anyOf")
        if isinstance(members, list) and members:
            owners = {
                pointer_resource(m["$ref"]) if isinstance(m, MAPPING)
                and isinstance(m.get("$ref"), str) else None
                for m in members
            }
            if len(owners) == 1:
                found = owners.pop()
    if found is not None and known is not None and found not in known:
        return None
    return found


class AttrBuilder:
    """Builds :class:`Attribute` trees, recording quirks on the resolver's sink."""

    def __init__(self, resolver: RefResolver) -> None:
        self.resolver = resolver
        self.sink = resolver.sink
        self._expanding: list[str] = []
        self._cache: dict[tuple[str, str | None, str, tuple[str, ...], bool], Attribute] = {}
        self._truncated = 0
        self._expanded = 0

    def build(
        self,
        node: Any,
        *,
        name: str,
        path: tuple[str, ...],
        where: str,
        required: bool = False,
        depth: int = 0,
    ) -> Attribute:
        """The attribute for ``node`` (found at pointer ``where``)."""
        return self.from_resolved(self.resolver.resolve(node, where), name=name, path=path,
                                  required=required, depth=depth)

    def from_resolved(
        self,
        r: Resolved,
        *,
        name: str,
        path: tuple[str, ...],
        required: bool = False,
        depth: int = 0,
    ) -> Attribute:
        """The attribute for an already resolved node; results are memoised."""
        key = (r.pointer, r.ref, name, path, required)
        found = self._cache.get(key)
        if found is not None:
            return found
        truncated = self._truncated
        attr = self._make(r, name, path, required, depth)
        if truncated == self._truncated:
            self._cache[key] = attr
        return attr

    def _make(
        self, r: Resolved, name: str, path: tuple[str, ...], required: bool, depth: int
    ) -> Attribute:
        s = r.schema
        if not isinstance(s, MAPPING):
            if s is not True:
                self.sink.add(r.pointer, "schema is not a JSON object; treated as empty")
            return Attribute(name=name, path=path, required=required, ref=r.ref,
                             source=r.pointer)
        kind = s.get("type")
        if kind is None:
            types: tuple[str, ...] = ()
            nullable = False
        elif type(kind) is list and len(kind) == 1 and type(kind[0]) is str \
                and kind[0] in _TYPE_NAMES:
            types, nullable = (kind[0],), False
        else:
            types, nullable = self._types(kind, r)
        read_only = s.get("readOnly") is True
        enum = s.get("enum")
        if enum is not None and not isinstance(enum, list):
            self.sink.add(r.at("enum"), "enum is not a list; ignored")
            enum = None
        if "readonly" in s or "allOf" in s or "identity" in s:
            read_only = self._odd_keywords(r, s) or read_only

        children: tuple[Attribute, ...] = ()
        items: Attribute | None = None
        alternatives: tuple[Attribute, ...] = ()
        map_values: MapSpec | None = None
        if not _STRUCTURE.isdisjoint(s) and self._may_expand(r, depth):
            if r.ref is not None:
                self._expanding.append(r.ref)
            try:
                if "properties" in s:
                    children = self.properties(r, path, depth + 1)
                if "items" in s:
                    items = self._items(r, path, depth + 1)
                if "anyOf" in s or "oneOf" in s:
                    alternatives = self.alternatives(r, path, depth + 1)
                if "patternProperties" in s or "additionalProperties" in s:
                    map_values = self.map_spec(r, path, depth + 1)
            finally:
                if r.ref is not None:
                    self._expanding.pop()

        description = s.get("description")
        fmt = s.get("format")
        pattern = s.get("pattern")
        return Attribute(
            name=name,
            path=path,
            types=types,
            nullable=nullable,
            format=fmt if isinstance(fmt, str) else None,
            description=description if isinstance(description, str) else None,
            example=s.get("example"),
            has_example="example" in s,
            default=s.get("default"),
            enum=tuple(enum) if enum is not None else None,
            pattern=pattern if isinstance(pattern, str) else None,
            read_only=read_only,
            write_only=s.get("writeOnly") is True,
            deprecated=s.get("deprecated") is True,
            required=required,
            children=children,
            items=items,
            alternatives=alternatives,
            map_values=map_values,
            ref=r.ref,
            source=r.pointer,
        )

    def _odd_keywords(self, r: Resolved, s: Mapping[str, Any]) -> bool:
        """Report rare keywords; True when the misspelt ``readonly`` is true."""
        if "allOf" in s:
            self.sink.add(r.at("allOf"), "allOf is not supported; ignored")
        ident = s.get("identity")
        if isinstance(ident, MAPPING):
            self._check_identity(ident, r.at("identity"))
        if "readonly" in s:
            self.sink.add(r.at("readonly"), "'readonly' should be spelled 'readOnly'")
            return s["readonly"] is True
        return False

    def _may_expand(self, r: Resolved, depth: int) -> bool:
        self._expanded += 1
        if self._expanded > MAX_EXPANSIONS:
            self._truncated += 1
            self.sink.add(r.pointer, f"the schema expands to more than {MAX_EXPANSIONS} "
                          "nested nodes; the rest is not expanded")
            return False
        if depth >= MAX_DEPTH:
            self._truncated += 1
            self.sink.add(r.pointer, f"schema nested more than {MAX_DEPTH} levels deep; "
                          "the rest is not expanded")
            return False
        if r.ref is not None and r.ref in self._expanding:
            self._truncated += 1
            self.sink.add(r.pointer, f"$ref {r.ref} contains itself; "
                          "the inner copy is not expanded")
            return False
        return True

    def _types(self, raw: Any, r: Resolved) -> tuple[tuple[str, ...], bool]:
        if raw is None:
            return (), False
        if isinstance(raw, str):
            raw = [raw]
        elif not isinstance(raw, list):
            self.sink.add(r.at("type"), "type is neither a string nor a list; ignored")
            return (), False
        found: list[str] = []
        nullable = False
        for item in raw:
            if item == "null":
                nullable = True
            elif isinstance(item, str):
                if item not in JSON_TYPES:
                    self.sink.add(r.at("type"), f"unknown JSON type {item!r}")
                if item not in found:
                    found.append(item)
            else:
                self.sink.add(r.at("type"), f"type entry {item!r} is not a string; ignored")
        return tuple(found), nullable

    def required_names(self, r: Resolved) -> frozenset[str]:
        raw = r.mapping.get("required")
        if raw is None:
            return _NO_NAMES
        if not isinstance(raw, list):
            self.sink.add(r.at("required"), "required is not a list; ignored")
            return _NO_NAMES
        return frozenset(x for x in raw if isinstance(x, str))

    def properties(self, r: Resolved, path: tuple[str, ...], depth: int) -> tuple[Attribute, ...]:
        """Attributes for ``r.schema["properties"]``, required per ``r.schema["required"]``."""
        props = r.mapping.get("properties")
        if props is None:
            return ()
        if not isinstance(props, MAPPING):
            self.sink.add(r.at("properties"), "properties is not an object; ignored")
            return ()
        required = self.required_names(r)
        base = r.at("properties")
        return tuple(
            self.build(value, name=key, path=(*path, key), where=join_pointer(base, key),
                       required=key in required, depth=depth)
            for key, value in props.items()
        )

    def _items(self, r: Resolved, path: tuple[str, ...], depth: int) -> Attribute | None:
        items = r.mapping.get("items")
        if items is None:
            return None
        where = r.at("items")
        if isinstance(items, list):
            self.sink.add(where, "tuple-style items are not supported; the first one is used")
            if not items:
                return None
            items, where = items[0], where + "/0"
        return self.build(items, name="[]", path=(*path, "[]"), where=where, depth=depth)

    def alternatives(
        self, r: Resolved, path: tuple[str, ...], depth: int
    ) -> tuple[Attribute, ...]:
        """``anyOf`` / ``oneOf`` members, named after their ``$ref``."""
        s = r.mapping
        out: list[Attribute] = []
        for keyword in ("anyOf", "oneOf"):
            members = s.get(keyword)
            if members is None:
                continue
            base = r.at(keyword)
            if not isinstance(members, list):
                self.sink.add(base, f"{keyword} is not a list; ignored")
                continue
            out.extend(self._members(members, base, path, depth))
        return tuple(out)

    def _members(
        self, members: Sequence[Any], base: str, path: tuple[str, ...], depth: int
    ) -> list[Attribute]:
        return [
            self.build(member, name=alternative_name(member, i), path=path,
                       where=f"{base}/{i}", depth=depth)
            for i, member in enumerate(members)
        ]

    def map_spec(self, r: Resolved, path: tuple[str, ...], depth: int) -> MapSpec | None:
        """Free-form keys: ``patternProperties``, or ``additionalProperties`` as a schema."""
        s = r.mapping
        patterns = s.get("patternProperties")
        if isinstance(patterns, MAPPING) and patterns:
            base = r.at("patternProperties")
            if len(patterns) > 1:
                self.sink.add(base, "several patternProperties; only the first is used")
            key, value = next(iter(patterns.items()))
            attr = self.build(value, name="*", path=(*path, "*"), where=join_pointer(base, key),
                              depth=depth)
            return MapSpec(value=attr, key_pattern=key, null_deletes=attr.nullable)
        extra = s.get("additionalProperties")
        if isinstance(extra, MAPPING):
            attr = self.build(extra, name="*", path=(*path, "*"),
                              where=r.at("additionalProperties"), depth=depth)
            return MapSpec(value=attr, null_deletes=attr.nullable)
        return None

    def _check_identity(self, ident: Mapping[str, Any], where: str) -> None:
        """A nested, non-standard ``identity`` keyword: only check that its refs resolve."""
        members = ident.get("anyOf")
        if isinstance(members, list):
            for i, member in enumerate(members):
                self.resolver.resolve(member, f"{where}/anyOf/{i}")
        else:
            self.resolver.resolve(ident, where)
