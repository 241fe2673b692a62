"""Attributes of the 2013 "resources" manifest, as :class:`Attribute` trees.

The manifest lists attributes flat, nesting written with colons (``owner:email``);
types are its own names (``datetime``, ``uuid``, ``array[string]``). This module turns
one resource's attribute table into leaves and trees, and request lists such as
``["plan:id", "plan:name"]`` into parameters (one ``plan`` with two alternatives).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from msgspec import Struct, field
from msgspec.structs import replace

from heroku_explorer.errors import SchemaError
from heroku_explorer.schema.model import Attribute, Location, MapSpec, Param, SpecWarning

__all__ = [
    "GENERIC_IDENTITY",
    "MAPPING",
    "LoadContext",
    "example_of",
    "find_member",
    "is_map_key",
    "map_spec",
    "map_type",
    "nest",
    "parse_attribute",
    "preferred",
    "request_params",
]

#: ``isinstance`` target for JSON objects: ``dict`` first, as that is what JSON gives.
MAPPING = (dict, Mapping)

#: Fields that name one instance of something when a request offers them side by side.
GENERIC_IDENTITY = frozenset({"id", "name", "email"})

_SCALARS: dict[str, tuple[str, str | None]] = {
    "string": ("string", None),
    "datetime": ("string", "date-time"),
    "date": ("string", "date"),
    "uuid": ("string", "uuid"),
    "email": ("string", "email"),
    "uri": ("string", "uri"),
    "number": ("number", None),
    "integer": ("integer", None),
    "boolean": ("boolean", None),
    "object": ("object", None),
    "array": ("array", None),
}
_ARRAY = re.compile(r"array\[\s*([a-z_-]+)\s*\]")
_MAP_KEY = re.compile(r"\{[^{}]*\}")


class LoadContext(Struct):
    """What one load needs everywhere: strictness, the cut list, what went wrong."""

    origin: str
    lenient: bool
    cut: frozenset[str]
    warnings: list[SpecWarning] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def bad(self, where: str, reason: str) -> None:
        """An odd shape: fatal when strict, a warning when lenient."""
        if not self.lenient:
            raise SchemaError(self.origin, where, reason)
        self.warnings.append(SpecWarning(where, reason))

    def reject(self, where: str, reason: str, label: str) -> None:
        """Something unusable: fatal when strict; when lenient, left out and listed."""
        if not self.lenient:
            raise SchemaError(self.origin, where, reason)
        self.dropped.append(f"{label} ({reason})")

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(SpecWarning(where, message))


@lru_cache(maxsize=64)
def map_type(name: str) -> tuple[tuple[str, ...], str | None, str | None]:
    """``(types, format, item type name)`` for a manifest type name; ``((), None, None)``
    when the name is unknown."""
    key = name.strip().lower()
    scalar = _SCALARS.get(key)
    if scalar is not None:
        return (scalar[0],), scalar[1], None
    m = _ARRAY.fullmatch(key)
    if m is not None:
        return ("array",), None, m.group(1)
    return (), None, None


def parse_attribute(ctx: LoadContext, where: str, key: str, raw: Any) -> Attribute | None:
    """One attribute-table entry as a leaf node whose ``path`` is the colon-split key."""
    if not isinstance(raw, MAPPING):
        ctx.bad(where, "an attribute must be an object with a type and a description")
        return None
    path = tuple(key.split(":"))
    if "" in path:
        ctx.bad(where, f"the attribute name {key!r} has an empty part between colons")
        return None
    types: tuple[str, ...] = ()
    fmt: str | None = None
    items: Attribute | None = None
    kind = raw.get("type")
    if isinstance(kind, str):
        types, fmt, item_kind = map_type(kind)
        if not types:
            ctx.warn(where, f"unknown attribute type {kind!r}; shown as 'any'")
        elif item_kind is not None:
            item_types, item_fmt, _ = map_type(item_kind)
            if not item_types:
                ctx.warn(where, f"unknown array item type {item_kind!r}")
            items = Attribute(name="[]", path=(*path, "[]"), types=item_types, format=item_fmt,
                              source=where)
    elif kind is not None:
        ctx.bad(where, "the attribute 'type' must be a string such as \"string\" or \"uuid\"")
    description = raw.get("description")
    if description is not None and not isinstance(description, str):
        ctx.bad(where, "the attribute 'description' must be a string")
        description = None
    serialized = raw.get("serialized", True)
    if not isinstance(serialized, bool):
        ctx.bad(where, "'serialized' must be true or false")
        serialized = True
    pattern = raw.get("pattern")
    if pattern is not None and not isinstance(pattern, str):
        ctx.bad(where, "the attribute 'pattern' must be a regular expression in a string")
        pattern = None
    return Attribute(
        name=path[-1], path=path, types=types, format=fmt, description=description,
        example=raw.get("example"), has_example="example" in raw, write_only=not serialized,
        items=items, pattern=pattern, source=where,
    )


def is_map_key(key: str) -> bool:
    """``{key}``: the manifest's way of saying "any key" (config vars)."""
    return _MAP_KEY.fullmatch(key) is not None


def map_spec(leaf: Attribute) -> MapSpec:
    """A free-form map whose values are described by ``leaf`` and may be null to delete."""
    value = replace(leaf, name="*", path=("*",), nullable=True, types=leaf.types or ("string",))
    return MapSpec(value=value, null_deletes=True)


def nest(leaves: Sequence[Attribute], depth: int = 0) -> tuple[Attribute, ...]:
    """Rebuild the tree from colon-split leaves, in order of first appearance.

    Returns the nodes at level ``depth`` of the leaves' paths; a parent that the table
    does not describe itself becomes a plain ``object`` node.
    """
    if all(len(leaf.path) == depth + 1 for leaf in leaves):
        return tuple(leaves)
    groups: dict[str, list[Attribute]] = {}
    for leaf in leaves:
        groups.setdefault(leaf.path[depth], []).append(leaf)
    nodes: list[Attribute] = []
    for name, members in groups.items():
        own = next((m for m in members if len(m.path) == depth + 1), None)
        deeper = [m for m in members if len(m.path) > depth + 1]
        if own is None:
            first = members[0]
            where = first.source.rsplit("/", 1)[0]
            prefix = first.path[: depth + 1]
            own = Attribute(name=name, path=prefix, types=("object",),
                            required=any(m.required for m in deeper),
                            children=nest(deeper, depth + 1),
                            source=f"{where}/{':'.join(prefix)}")
        elif deeper:
            types = own.types if "object" in own.types else (*own.types, "object")
            own = replace(own, types=types, children=nest(deeper, depth + 1))
        nodes.append(own)
    return tuple(nodes)


def example_of(nodes: Iterable[Attribute]) -> dict[str, Any]:
    """An example object assembled from the nodes' own examples."""
    out: dict[str, Any] = {}
    for node in nodes:
        if node.has_example:
            out[node.name] = node.example
        elif node.children:
            out[node.name] = example_of(node.children)
    return out


def find_member(flat: Mapping[str, Attribute], tree: Sequence[Attribute],
                member: str) -> Attribute | None:
    """The attribute a placeholder member names: top level first, else a unique nested
    leaf of that name (``email`` -> ``user:email``)."""
    top = flat.get(member)
    if top is not None:
        return top
    found = [a for node in tree for a in node.walk() if a.name == member and a is not node]
    return found[0] if len(found) == 1 else None


def preferred(nodes: Sequence[Attribute]) -> Attribute | None:
    """The friendliest node to take an example from: a name rather than a uuid."""
    for node in nodes:
        if node.has_example and node.format != "uuid":
            return node
    return next((n for n in nodes if n.has_example), None)


def request_params(
    entries: Sequence[tuple[Attribute, bool]],
    location: Location,
    *,
    identify: Mapping[str, tuple[str | None, str, frozenset[str]]],
) -> tuple[Param, ...]:
    """Parameters for ``(attribute, required)`` pairs, colon siblings grouped.

    ``identify`` maps a colon prefix (``plan``) to ``(resource key or None, noun,
    identity member names)``; siblings that are all identity members become one
    parameter whose doc lists them as ``alternatives``.
    """
    groups: dict[str, list[tuple[Attribute, bool]]] = {}
    for attr, req in entries:
        groups.setdefault(attr.path[0], []).append((attr, req))
    params: list[Param] = []
    for name, members in groups.items():
        if len(members) == 1 and len(members[0][0].path) == 1:
            attr, req = members[0]
            params.append(Param(name, location, req, _required(attr, req)))
            continue
        params.append(_group_param(name, members, location, identify.get(name)))
    return tuple(params)


def _required(attr: Attribute, required: bool) -> Attribute:
    return attr if attr.required == required else replace(attr, required=required)


def _group_param(
    name: str,
    members: Sequence[tuple[Attribute, bool]],
    location: Location,
    target: tuple[str | None, str, frozenset[str]] | None,
) -> Param:
    resource, noun, identity = target if target is not None else (None, name, frozenset())
    flags = {req for _, req in members}
    required = True in flags
    base = next((a for a, _ in members if len(a.path) == 1), None)
    deeper = [_required(a, req) for a, req in members if len(a.path) > 1]
    children = nest(deeper, 1)
    names = [c.name for c in children]
    allowed = identity | GENERIC_IDENTITY
    is_choice = (len(children) >= 2 and len(flags) == 1 and not base
                 and all(not c.children and c.name in allowed for c in children))
    alternatives: tuple[Attribute, ...] = ()
    if is_choice:
        children = tuple(_required(c, False) for c in children)
        alternatives = children
        description = f"identifies the {noun}: send one of {' or '.join(names)}"
        pick = preferred(children)
        example: Any = {pick.name: pick.example} if pick is not None else None
    elif len(children) == 1 and children[0].description:
        description = children[0].description
        example = example_of(children) or None
    else:
        description = f"{noun} object with {', '.join(names)}"
        example = example_of(children) or None
    identifies = resource if is_choice or (len(names) == 1 and names[0] in identity) else None
    source = children[0].source.rsplit("/", 1)[0] + f"/{name}" if children else ""
    doc = Attribute(
        name=name, path=(name,), types=("object",), description=description,
        example=example, has_example=example is not None, required=required,
        children=children, alternatives=alternatives, source=source,
    )
    if base is not None:
        doc = replace(base, required=required, children=children,
                      types=base.types if "object" in base.types else (*base.types, "object"))
    return Param(name, location, required, doc, identifies=identifies)
