"""First pass over a 2013 manifest: read each resource's attributes and check its actions.

Nothing here depends on other resources, so a lenient load can decide which resources
survive before any cross-reference (a placeholder naming another resource) is drawn.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from msgspec import Struct, field

from heroku_explorer.schema.model import Attribute, MapSpec, Param
from heroku_explorer.schema.names import slugify
from heroku_explorer.schema.resources_attrs import (
    MAPPING,
    LoadContext,
    find_member,
    is_map_key,
    map_spec,
    nest,
    parse_attribute,
)

__all__ = [
    "PLACEHOLDER",
    "Checked",
    "Prepared",
    "check_actions",
    "display_noun",
    "identity_nodes",
    "prepare",
    "set_identity",
    "split_placeholder",
]

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_LIST_KEYS = frozenset({"required", "optional"})


def split_placeholder(name: str) -> tuple[str, tuple[str, ...]]:
    """``app_id_or_name`` -> ``("app", ("id", "name"))``; ``addon_id`` -> ``("addon", ("id",))``."""
    parts = name.split("_or_")
    prefix, _, first = parts[0].rpartition("_")
    return prefix, tuple(p for p in (first, *parts[1:]) if p)


def display_noun(display: str) -> str:
    """A display name used in a sentence: ``OAuth Client`` -> ``OAuth client``."""
    return " ".join(w[:1].lower() + w[1:] if w[1:] == w[1:].lower() else w
                    for w in display.split())


class Prepared(Struct):
    """A resource after its attributes are read, before its actions are."""

    name: str
    key: str
    where: str
    description: str | None
    actions: Mapping[str, Any]
    flat: dict[str, Attribute]
    tree: tuple[Attribute, ...]
    map_values: MapSpec | None
    placeholder: str | None
    identity: tuple[Attribute, ...] = ()
    identity_names: frozenset[str] = frozenset()
    params_memo: dict[tuple[Any, ...], tuple[Param, ...]] = field(default_factory=dict)
    checked: list[Checked] = field(default_factory=list)


def prepare(ctx: LoadContext, name: str, raw: Any, keys: set[str]) -> Prepared | None:
    """Read one resource's attribute table; ``keys`` holds the keys already taken."""
    where = f"resources/{name}"
    label = f"resource '{name}'"
    if not isinstance(raw, MAPPING):
        ctx.reject(where, "a resource must be an object", label)
        return None
    key = base = slugify(name) or "resource"
    n = 1
    while key in keys:
        n += 1
        key = f"{base}-{n}"
    if key != base:
        ctx.warn(where, f"another resource already has the key {base!r}; this one is {key!r}")
    keys.add(key)
    if where in ctx.cut:
        ctx.warn(where, "the file is cut off inside this resource; only its complete "
                        "actions are kept")
    description = raw.get("description")
    if description is not None and not isinstance(description, str):
        ctx.bad(where, "the resource 'description' must be a string")
        description = None
    raw_attrs = raw.get("attributes", {})
    if not isinstance(raw_attrs, MAPPING):
        ctx.bad(f"{where}/attributes", "'attributes' must be an object")
        raw_attrs = {}
    flat: dict[str, Attribute] = {}
    map_values: MapSpec | None = None
    for akey, araw in raw_attrs.items():
        awhere = f"{where}/attributes/{akey}"
        if awhere in ctx.cut:
            ctx.reject(awhere, "cut off", f"{label}: attribute '{akey}'")
            continue
        leaf = parse_attribute(ctx, awhere, str(akey), araw)
        if leaf is None:
            continue
        if is_map_key(str(akey)):
            map_values = map_spec(leaf)
        else:
            flat[str(akey)] = leaf
    actions = raw.get("actions")
    if not isinstance(actions, MAPPING):
        ctx.reject(where, "the resource has no 'actions' object", label)
        return None
    return Prepared(
        name=name, key=key, where=where, description=description, actions=actions, flat=flat,
        tree=nest([a for a in flat.values() if not a.write_only]), map_values=map_values,
        placeholder=_instance_placeholder(actions),
    )


def _instance_placeholder(actions: Mapping[str, Any]) -> str | None:
    """The placeholder ending the first instance path (``/apps/{app_id_or_name}``)."""
    for raw in actions.values():
        path = raw.get("path") if isinstance(raw, MAPPING) else None
        if isinstance(path, str):
            m = PLACEHOLDER.fullmatch(path.rstrip("/").rsplit("/", 1)[-1])
            if m is not None and m.group(1):
                return m.group(1)
    return None


def set_identity(item: Prepared) -> None:
    """Fill ``identity`` from the placeholder ending the resource's instance path."""
    if item.placeholder is None:
        return
    _, members = split_placeholder(item.placeholder)
    item.identity = identity_nodes(item, members, display_noun(item.name), item.where)
    item.identity_names = frozenset(members)


def identity_nodes(res: Prepared | None, members: Sequence[str], noun: str,
                   where: str) -> tuple[Attribute, ...]:
    """The attributes of ``res`` that placeholder ``members`` name; a member the resource
    does not describe (or no resource at all) gets a plain string node."""
    nodes: list[Attribute] = []
    for member in members:
        found = find_member(res.flat, res.tree, member) if res is not None else None
        nodes.append(found or Attribute(name=member, path=(member,), types=("string",),
                                        description=f"{member} of the {noun}", source=where))
    return tuple(nodes)


class Checked(Struct, frozen=True):
    """An action whose method, path, statuses and attribute names are usable."""

    name: str
    where: str
    raw: Mapping[str, Any]
    method: str
    path: str
    statuses: tuple[int, ...]
    entries: list[tuple[Attribute, bool]]
    body_example: dict[str, Any] | None
    description: str | None


def check_actions(ctx: LoadContext, item: Prepared) -> list[Checked]:
    """The usable actions of ``item``; when lenient, the rest are listed as dropped (and
    so is the resource, if nothing is left)."""
    checked = [c for name, raw in item.actions.items()
               if (c := _check(ctx, item, str(name), raw)) is not None]
    if not checked and ctx.lenient:
        why = "cut off" if item.where in ctx.cut else "no complete action"
        ctx.dropped.append(f"resource '{item.name}' ({why})")
    return checked


def _check(ctx: LoadContext, res: Prepared, name: str, raw: Any) -> Checked | None:
    where = f"{res.where}/actions/{name}"
    label = f"resource '{res.name}': action '{name}'"
    if where in ctx.cut:
        ctx.reject(where, "cut off", label)
        return None
    if not isinstance(raw, MAPPING):
        ctx.reject(where, "an action must be an object", label)
        return None
    core = _core(raw.get("method"), raw.get("path"), raw.get("statuses"))
    if isinstance(core, str):
        ctx.reject(where, core, label)
        return None
    entries, body_example = _request_entries(ctx, res, raw.get("attributes"), where, label)
    if entries is None:
        return None
    description = raw.get("description")
    if description is not None and not isinstance(description, str):
        ctx.bad(where, "the action 'description' must be a string")
        description = None
    return Checked(name, where, raw, *core, entries, body_example, description)


def _core(method: Any, path: Any, statuses: Any) -> str | tuple[str, str, tuple[int, ...]]:
    """Method (upper-cased), path and statuses; or why they cannot be used."""
    if method is None:
        return "the action has no method"
    if not isinstance(method, str) or not method.strip().isalpha():
        return "the action 'method' must be an HTTP method such as \"GET\""
    if path is None:
        return "the action has no path"
    if not isinstance(path, str) or not path.startswith("/"):
        return "the action 'path' must be a string starting with '/'"
    if statuses is None:
        return "the action has no statuses"
    if not isinstance(statuses, list) or not statuses or not all(
            type(s) is int and 100 <= s <= 599 for s in statuses):
        return "the action 'statuses' must be a list of HTTP status codes"
    return method.strip().upper(), path, tuple(statuses)


def _request_entries(
    ctx: LoadContext, res: Prepared, raw: Any, where: str, label: str,
) -> tuple[list[tuple[Attribute, bool]] | None, dict[str, Any] | None]:
    """``(attribute, required)`` pairs from an attribute list, or an example map body."""
    if raw is None:
        return [], None
    if not isinstance(raw, MAPPING):
        ctx.reject(where, "the action 'attributes' must be an object", label)
        return None, None
    lists_shape = set(raw) <= _LIST_KEYS and all(
        isinstance(v, list) and all(isinstance(n, str) for n in v) for v in raw.values())
    if not lists_shape:
        if res.map_values is None:
            ctx.bad(f"{where}/attributes", "expected 'required' and 'optional' lists of "
                                           "attribute names; read as an example body")
        return [], dict(raw)
    entries: list[tuple[Attribute, bool]] = []
    missing: list[str] = []
    seen: set[str] = set()
    for list_name in ("required", "optional"):
        for attr_name in raw.get(list_name, ()):
            if attr_name in seen:
                ctx.warn(where, f"the attribute {attr_name!r} is listed twice")
                continue
            seen.add(attr_name)
            attr = res.flat.get(attr_name)
            if attr is None:
                missing.append(attr_name)
            else:
                entries.append((attr, list_name == "required"))
    if missing:
        why = ("names attributes lost where the file is cut off" if res.where in ctx.cut
               else "names attributes the resource does not define")
        ctx.reject(where, f"{why}: {', '.join(missing)}", label)
        return None, None
    return entries, None
