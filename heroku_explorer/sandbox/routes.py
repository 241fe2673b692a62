"""Routes compiled from the model's actions: method + path template -> handler kind.

Every action becomes a :class:`Route`. Its kind is derived from the method, the
shape of the path (does it end in a placeholder?), whether the action returns a
list, and the documented statuses, never from the schema format or a title:

========  ============================  =================
method    path ends with                kind
========  ============================  =================
GET       a literal, list action        ``list``
GET       a placeholder                 ``info``
GET       a literal, one object         ``singleton`` (``/account``)
POST      a literal, answers 201        ``create``
PATCH     a placeholder                 ``update``
PATCH     a literal                     ``singleton-update``
DELETE    a placeholder, an object      ``delete``
anything  else                          ``other`` (restart, stop...: echoes)
========  ============================  =================

An ``other`` action with ``rel: empty`` or an empty answer (dyno restart, stop...)
answers ``202 Accepted`` with ``{}``, as Heroku does, unless the schema documents
its status. A list can be ordered by every scalar identity of its resource and its
timestamps as well as the declared ``ranges``; a whole-number identity (a
release's ``version``) is the default order.

Two documented special cases get their own kinds: a free-form map resource
(Config Var) and the rate-limit endpoint, which does not count against the limit.

Paths are matched with a segment trie: literal segments win over placeholders,
with backtracking, so ``/account/features`` beats ``/account/{x}``.

A request path is matched as it came on the wire (the ASGI ``raw_path``): it is
split on ``/`` first and each segment is percent-decoded after, so ``a%2Fb`` is
one value, ``a/b``. A segment that is empty (``/apps//x``), ``.`` or ``..``
(also when percent-encoded) names nothing: it is never folded into its
neighbours, and the path matches no route.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import unquote

from heroku_explorer.schema.model import Action, ApiSpec, Param

__all__ = ["Kind", "Match", "Route", "Router", "Slot", "classify", "request_segments"]

Kind = Literal[
    "list", "create", "info", "update", "delete", "singleton", "singleton-update",
    "map-info", "map-update", "rate-limit", "other",
]

_SLOT_RE = re.compile(r"^\{([^{}]+)\}$")
#: The path the API overview names for the rate-limit endpoint.
RATE_LIMIT_SUFFIX = "/rate-limits"
#: The path of the current account, which ``~`` also names.
ACCOUNT_PATH = "/account"


@dataclass(frozen=True, slots=True)
class Slot:
    """A path placeholder: the resource it names and the attributes that may name it."""

    name: str
    resource: str | None
    alternatives: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Route:
    action: Action
    kind: Kind
    resource: str
    """Key of the resource the handler reads or writes."""
    slots: tuple[Slot, ...]
    sort_fields: tuple[str, ...]
    """What a list answer can be ordered by (``Accept-Ranges``), its default first."""
    segments: tuple[str | None, ...]
    """Literal segments, ``None`` for placeholders."""
    sort_aliases: tuple[tuple[str, str], ...] = ()
    """Other names accepted for a sort attribute: ``(("domain", "hostname"),)``."""

    @property
    def accepted(self) -> bool:
        """An action Heroku answers ``202 Accepted`` with ``{}``: beyond CRUD, with no
        documented status, and ``rel: empty`` or an empty answer (dyno restart, stop)."""
        action = self.action
        return self.kind == "other" and not action.statuses_documented and (
            action.rel == "empty" or action.response.kind == "empty")

    @property
    def status(self) -> int:
        """The success status the schema documents for this route."""
        statuses = self.action.statuses
        if self.accepted:
            return 202
        if self.kind == "create":
            return 201 if (201 in statuses or not statuses) else statuses[0]
        if statuses:
            return 200 if 200 in statuses else statuses[0]
        return 200


@dataclass(frozen=True, slots=True)
class Match:
    """A request path matched to one or more routes (same method and template)."""

    routes: tuple[Route, ...]
    values: tuple[str, ...]

    @property
    def route(self) -> Route:
        return self.routes[0]


@dataclass(slots=True)
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    slot: _Node | None = None
    routes: dict[str, list[Route]] = field(default_factory=dict)


def _segments(path: str) -> list[str]:
    return [seg for seg in path.strip("/").split("/") if seg]


_DOT_SEGMENTS = frozenset({"", ".", ".."})


def request_segments(path: str) -> list[str] | None:
    """The decoded segments of a raw request path (one trailing ``/`` allowed), or
    ``None`` when a segment is empty, a dot segment or not UTF-8 once decoded."""
    inner = path[1:] if path.startswith("/") else path
    if inner.endswith("/"):
        inner = inner[:-1]
    if not inner:
        return []
    out = []
    for raw in inner.split("/"):
        try:
            seg = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            return None
        if seg in _DOT_SEGMENTS:
            return None
        out.append(seg)
    return out


def _slot_alternatives(param: Param) -> tuple[str, ...]:
    names = tuple(alt.name for alt in param.doc.alternatives if alt.name)
    if names:
        return names
    # No documented alternatives: read them from the placeholder's own name,
    # ``app_id_or_name`` -> ("id", "name").
    chunks = param.name.split("_or_")
    first = chunks[0].rsplit("_", 1)[-1]
    return (first, *chunks[1:])


#: Attributes Heroku also orders a list by, where the resource has them.
_STAMPS = ("created_at", "updated_at")


def _sortable(spec: ApiSpec, action: Action, resource: str
              ) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """What a list of ``resource`` can be ordered by, its default first, and the
    aliases accepted for them.

    Heroku orders on more than the few ``ranges`` a schema declares: every scalar
    identity of the resource (``id``, ``name``, ``hostname``, ``version``...) and its
    timestamps. A whole-number identity (a release's ``version``) is the default
    order, else the first declared range, else ``id``. Where a resource has no
    ``name``, its own name names its first text identity (``domain`` orders domains
    by ``hostname``, as clients ask)."""
    res = spec.resource(resource)
    attrs = {a.name: a for a in res.attributes} if res is not None else {}
    scalar = [a.name for a in (res.identity if res is not None else ())
              if a.name in attrs and not attrs[a.name].children]
    numeric = [n for n in scalar if {"integer", "number"} & set(attrs[n].types)]
    declared = list(action.sort_fields or ())
    names = [*numeric, *declared, "id", *scalar, *(n for n in ("name", *_STAMPS) if n in attrs)]
    fields = tuple(dict.fromkeys(n for n in names if n in attrs or n in declared or n == "id"))
    aliases: tuple[tuple[str, str], ...] = ()
    own = resource.rsplit("-", 1)[-1]
    named = [n for n in scalar if n != "id" and "string" in attrs[n].types]
    if named and "name" not in attrs and own not in attrs and own not in fields:
        aliases = ((own, named[0]),)
    return fields, aliases


def classify(spec: ApiSpec, action: Action) -> Route:
    """Compile one action into a route."""
    segments = tuple(None if _SLOT_RE.match(s) else s for s in _segments(action.path))
    by_name = {p.name: p for p in action.path_params}
    slots: list[Slot] = []
    for seg in _segments(action.path):
        m = _SLOT_RE.match(seg)
        if m is None:
            continue
        param = by_name.get(m.group(1))
        if param is None:
            slots.append(Slot(m.group(1), None, ("id", "name")))
        else:
            slots.append(Slot(param.name, param.identifies, _slot_alternatives(param)))
    ends_with_slot = bool(segments) and segments[-1] is None
    method = action.method.upper()
    res = spec.resource(action.resource)
    target = action.response.resource or action.resource
    if ends_with_slot and method != "POST" and slots[-1].resource:
        target = slots[-1].resource
    kind: Kind = "other"
    is_map = (res is not None and res.map_values is not None) or (
        action.body is not None and action.body.map_values is not None
    )
    if method == "GET" and action.path.rstrip("/").endswith(RATE_LIMIT_SUFFIX):
        kind = "rate-limit"
    elif is_map and not ends_with_slot:
        if method in ("GET", "HEAD"):
            kind = "map-info"
        elif method in ("PATCH", "PUT"):
            kind = "map-update"
    elif method in ("GET", "HEAD"):
        # The documented shape wins over a rel of "instances" (team-invitation Get).
        if action.response.kind == "list" or (action.is_list
                                              and action.response.kind != "object"):
            kind = "list"
            target = action.response.resource or action.resource
        else:
            kind = "info" if ends_with_slot else "singleton"
    elif method == "POST":
        creates = 201 in action.statuses or action.rel == "create"
        if not ends_with_slot and creates and action.response.kind in ("object", "unknown"):
            kind = "create"
    elif method in ("PATCH", "PUT"):
        if action.response.kind in ("object", "unknown"):
            kind = "update" if ends_with_slot else "singleton-update"
    elif method == "DELETE" and ends_with_slot and action.response.kind in ("object", "unknown"):
        kind = "delete"
    sort_fields, aliases = _sortable(spec, action, target)
    return Route(
        action=action,
        kind=kind,
        resource=target,
        slots=tuple(slots),
        sort_fields=sort_fields,
        segments=segments,
        sort_aliases=aliases,
    )


class Router:
    """Every action of a spec, matched by method and path."""

    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec
        self.routes: tuple[Route, ...] = tuple(classify(spec, a) for a in spec.actions())
        self._root = _Node()
        for route in self.routes:
            node = self._root
            for seg in route.segments:
                if seg is None:
                    node.slot = node.slot or _Node()
                    node = node.slot
                else:
                    node = node.literals.setdefault(seg, _Node())
            node.routes.setdefault(route.action.method.upper(), []).append(route)
        self.account_resource = self._find_account()

    def _find_account(self) -> str | None:
        # The Account resource is the one served at ``/account``: ``~`` names it.
        for route in self.routes:
            if route.kind == "singleton" and route.action.path.rstrip("/") == ACCOUNT_PATH:
                return route.resource
        return None

    def match(self, method: str, path: str) -> Match | None:
        """The routes for ``method`` at the raw (still percent-encoded) ``path``
        (``HEAD`` falls back to ``GET``)."""
        segs = request_segments(path)
        if segs is None:
            return None
        method = method.upper()
        found = self._walk(self._root, segs, 0, [], method)
        if found is None and method == "HEAD":
            found = self._walk(self._root, segs, 0, [], "GET")
        return found

    def _walk(
        self, node: _Node, segs: list[str], i: int, values: list[str], method: str
    ) -> Match | None:
        if i == len(segs):
            routes = node.routes.get(method)
            return Match(tuple(routes), tuple(values)) if routes else None
        child = node.literals.get(segs[i])
        if child is not None:
            found = self._walk(child, segs, i + 1, values, method)
            if found is not None:
                return found
        if node.slot is not None and segs[i]:
            values.append(segs[i])
            found = self._walk(node.slot, segs, i + 1, values, method)
            if found is not None:
                return found
            values.pop()
        return None

    def routes_for(self, resource: str, kind: Kind) -> list[Route]:
        return [r for r in self.routes if r.resource == resource and r.kind == kind]
