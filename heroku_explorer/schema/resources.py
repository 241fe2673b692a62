"""Load Heroku's 2013 "resources" manifest into the model.

The manifest is a documentation view of the API: ``resources`` maps display names
("Add-on", "OAuth Client") to ``actions`` (method, path, statuses, attribute lists)
and a flat ``attributes`` table whose colon names (``owner:email``) encode nesting.
Path placeholders are prmd-style names (``{app_id_or_name}``): a resource prefix and
the identity members that may fill the slot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from heroku_explorer.errors import SchemaError
from heroku_explorer.schema.model import (
    Action,
    ApiSpec,
    Attribute,
    Body,
    Location,
    Param,
    Resource,
    Response,
    SpecSource,
)
from heroku_explorer.schema.names import slugify
from heroku_explorer.schema.resources_attrs import (
    MAPPING,
    LoadContext,
    example_of,
    map_spec,
    preferred,
    request_params,
)
from heroku_explorer.schema.resources_check import (
    PLACEHOLDER,
    Checked,
    Prepared,
    check_actions,
    display_noun,
    identity_nodes,
    prepare,
    set_identity,
    split_placeholder,
)
from heroku_explorer.schema.resources_docs import load_overview

__all__ = ["TITLE", "load_resources", "split_placeholder"]

#: The manifest has no title of its own.
TITLE = "Heroku Platform API"

_QUERY_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})
_ACTION_KEYS = frozenset({"method", "path", "statuses", "attributes", "serialization",
                          "description"})
_NORM = re.compile(r"[^a-z0-9]+")


class _Index:
    """Finds the resource a placeholder or colon prefix names (``addon`` -> ``add-on``)."""

    def __init__(self, resources: Sequence[Prepared]) -> None:
        self.by_norm = {_NORM.sub("", r.key): r for r in resources}
        self.path_params: dict[tuple[str, str | None], Param] = {}
        """Path slots already described, shared between actions (``app_id_or_name``)."""
        self.paths: dict[tuple[str, str], tuple[Param, ...]] = {}

    def match(self, prefix: str) -> Prepared | None:
        norm = _NORM.sub("", prefix.lower())
        if not norm:
            return None
        found = self.by_norm.get(norm)
        if found is not None:
            return found
        tails = [r for n, r in self.by_norm.items() if n.endswith(norm)]
        return tails[0] if len(tails) == 1 else None

    def target(self, prefix: str) -> tuple[str | None, str, frozenset[str]]:
        res = self.match(prefix)
        if res is None:
            return None, prefix.replace("_", " "), frozenset()
        return res.key, display_noun(res.name), res.identity_names


def load_resources(
    doc: Mapping[str, Any],
    *,
    origin: str,
    sha256: str,
    lenient: bool,
    cut: tuple[str, ...],
) -> ApiSpec:
    """Build an :class:`ApiSpec` from a parsed 2013 manifest.

    Strict: any shape that cannot be used is a :class:`SchemaError` naming the place
    (``resources/App/actions/Create``). Lenient: unusable or cut-off resources and
    actions are left out and listed in ``spec.source.dropped``; ``cut`` is what
    :func:`~heroku_explorer.schema.jsontext.parse_document` had to close.
    """
    ctx = LoadContext(origin, lenient, frozenset(cut))
    description = doc.get("description")
    if description is not None and not isinstance(description, str):
        ctx.bad("description", "'description' must be a string")
        description = None
    overview = load_overview(ctx, doc.get("overview"))
    raw_resources = doc.get("resources")
    if not isinstance(raw_resources, MAPPING):
        raise SchemaError(origin, "resources",
                          "expected 'resources', an object mapping names to resources")
    if cut:
        ctx.warn("resources", "the document is cut off; whatever followed the cut is missing")
    prepared: list[Prepared] = []
    keys: set[str] = set()
    for name, raw in raw_resources.items():
        item = prepare(ctx, str(name), raw, keys)
        if item is not None:
            prepared.append(item)
    for item in prepared:
        item.checked = check_actions(ctx, item)
    kept = [item for item in prepared if item.checked or not ctx.lenient]
    index = _Index(kept)
    for item in kept:
        set_identity(item)
    resources = [_build(ctx, item, index) for item in kept]
    source = SpecSource(format="resources-2013", origin=origin, sha256=sha256, lenient=lenient,
                        dropped=tuple(ctx.dropped))
    return ApiSpec(source=source, title=TITLE, description=description, overview=overview,
                   resources=tuple(resources), warnings=tuple(ctx.warnings))


def _build(ctx: LoadContext, item: Prepared, index: _Index) -> Resource:
    keys: set[str] = set()
    actions = tuple(_action(ctx, item, checked, index, keys) for checked in item.checked)
    if not actions:
        ctx.warn(item.where, "the resource has no actions")
    example: Any = example_of(item.tree) or None
    if item.map_values is not None:
        example = next((a.response.example for a in actions
                        if isinstance(a.response.example, MAPPING)), None)
    return Resource(
        key=item.key, name=item.name, description=item.description, identity=item.identity,
        attributes=item.tree, map_values=item.map_values, actions=actions,
        example=example, source=item.where,
    )


def _action(ctx: LoadContext, res: Prepared, checked: Checked, index: _Index,
            keys: set[str]) -> Action:
    name, where, method, path = checked.name, checked.where, checked.method, checked.path
    entries, body_example = checked.entries, checked.body_example
    path_params = _path_params(ctx, res, path, index, where)
    identify = {attr.path[0]: index.target(attr.path[0]) for attr, _ in entries
                if len(attr.path) > 1}
    query: tuple[Param, ...] = ()
    body: Body | None = None
    if method in _QUERY_METHODS:
        query = _params(res, entries, "query", identify)
        if body_example is not None:
            ctx.warn(where, f"a {method} request has no body; the example body is ignored")
    elif entries or body_example is not None:
        params = _params(res, entries, "body", identify)
        body = Body(params=params)
        if body_example is not None:
            spec = res.map_values or map_spec(Attribute(name="*", types=("string",)))
            body = Body(params=params, map_values=spec, example=body_example)
    # A "List" of a resource with no identity (nothing names one item: Rate Limits)
    # answers one object, as the API does.
    is_list = 206 in checked.statuses or (
        (name == "List" or name.startswith("List ")) and bool(res.identity))
    raw = checked.raw
    response = Response(kind="list" if is_list else "object", resource=res.key,
                        example=raw.get("serialization"), has_example="serialization" in raw)
    key = base = slugify(name) or slugify(f"{method} {path}")
    n = 1
    while key in keys:
        n += 1
        key = f"{base}-{n}"
    keys.add(key)
    return Action(
        resource=res.key, key=key, title=name, method=method, path=path, raw_href=path,
        description=checked.description, path_params=path_params, query_params=query,
        body=body, response=response, statuses=checked.statuses, statuses_documented=True,
        is_list=is_list, extras={k: v for k, v in raw.items() if k not in _ACTION_KEYS},
        source=where,
    )


def _params(res: Prepared, entries: list[tuple[Attribute, bool]], location: Location,
            identify: dict[str, tuple[str | None, str, frozenset[str]]]) -> tuple[Param, ...]:
    """Request parameters, shared between actions that list the same attributes."""
    memo_key = (location, *((attr.source, req) for attr, req in entries))
    found = res.params_memo.get(memo_key)
    if found is None:
        found = res.params_memo[memo_key] = request_params(entries, location, identify=identify)
    return found


def _path_params(ctx: LoadContext, res: Prepared, path: str, index: _Index,
                 where: str) -> tuple[Param, ...]:
    """One parameter per distinct ``{placeholder}``, in path order."""
    found = index.paths.get((res.key, path))
    if found is None:
        found = index.paths[(res.key, path)] = _slots(ctx, res, path, index, where)
    return found


def _slots(ctx: LoadContext, res: Prepared, path: str, index: _Index,
           where: str) -> tuple[Param, ...]:
    params: list[Param] = []
    seen: set[str] = set()
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    for name in PLACEHOLDER.findall(path):
        if name in seen or not name.strip():
            ctx.warn(where, f"the path repeats or leaves empty the placeholder {{{name}}}")
            continue
        seen.add(name)
        prefix, members = split_placeholder(name)
        target = res if tail == f"{{{name}}}" else index.match(prefix)
        memo_key = (name, target.key if target is not None else None)
        known = index.path_params.get(memo_key)
        if known is not None:
            params.append(known)
            continue
        if target is not None:
            noun = display_noun(target.name)
        else:
            noun = prefix.replace("_", " ") or "resource"
        site = f"{(target or res).where}/path/{name}"
        alternatives = identity_nodes(target, members or (name,), noun, site)
        pick = preferred(alternatives)
        doc = Attribute(
            name=name, path=(name,), types=("string",),
            description=f"{' or '.join(members or (name,))} of the {noun}",
            example=pick.example if pick is not None else None, has_example=pick is not None,
            required=True, alternatives=alternatives, source=site,
        )
        param = Param(name, "path", True, doc,
                      identifies=target.key if target is not None else None)
        index.path_params[memo_key] = param
        params.append(param)
    return tuple(params)
