"""An answer checked against the schema of the action that asked for it.

The target is the action's documented answer: the Hyper-Schema's ``targetSchema``
(a resource, a list of them, or an inline shape) or, for the 2013 manifest, the
resource's attributes. :func:`check` walks the answer and lists each
:class:`Difference` (a jq-like path and what is wrong): a JSON type the schema does
not allow (``null`` included), a format that does not hold (the same checks as
:mod:`heroku_explorer.values`), a value outside its enum, a required property
missing, a property the schema does not describe.

Rules where the schema leaves room:

* A node with no type, no properties and no alternatives allows anything.
* ``anyOf`` / ``oneOf``: an answer conforms when it conforms to one alternative;
  otherwise the differences from the closest one (fewest differences) are listed.
* An object whose schema lists no properties (or is a free-form map) has no
  unknown properties; map values are checked against the map's value schema.
* A schema in which no attribute is nullable anywhere cannot say null (the 2013
  manifest has no way to), so null is accepted for every attribute there; a schema
  that says null somewhere is held to it.
* A format the attribute's own example does not satisfy is not enforced (today's
  ``domain.hostname`` is ``format: uri`` with the example ``subdomain.example.com``):
  the example shows what the schema means by it.
* Patterns are not checked: the schema's patterns describe what a request may
  send (a new app's name), and answers legitimately hold older values.
* A schema's examples are documentation, not the rule: an example that contradicts
  its own type is the schema's inconsistency, and the type wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Action, ApiSpec, Attribute, json_type
from heroku_explorer.values import format_problem, short, type_ok

if TYPE_CHECKING:
    from heroku_explorer.client.response import Exchange

__all__ = ["MAX_DIFFERENCES", "Difference", "check", "check_exchange", "note", "null_allowed",
           "path_text", "target"]

#: Differences listed at most for one answer.
MAX_DIFFERENCES = 200
_MAX_DEPTH = 64
Where = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Difference:
    """Where an answer departs from its schema (``path`` like ``[0].owner.email``)."""

    path: str
    what: str
    at: tuple[str | int, ...] = ()
    """The same place as keys and list indexes (the Tree view's node paths)."""

    def __str__(self) -> str:
        return visible(f"{self.path}: {self.what}", single_line=True)


def target(spec: ApiSpec, action: Action) -> Attribute | None:
    """The schema of ``action``'s answer as one node, or ``None`` when not documented."""
    resp = action.response
    if resp.kind in ("empty", "unknown"):
        return None
    root: Attribute | None = None
    res = spec.resource(resp.resource) if resp.resource else None
    if res is not None:
        if not res.attributes and res.map_values is None:
            return None
        required = set(res.required)
        children = tuple(a if a.required or a.name not in required
                         else _required(a) for a in res.attributes)
        root = Attribute(name=res.key, types=("object",), children=children,
                         map_values=res.map_values)
    elif resp.schema is not None:
        root = resp.schema
    if root is None:
        return None
    if resp.kind == "list" and not root.is_array:
        return Attribute(name="list", types=("array",), items=root)
    return root


def _required(attr: Attribute) -> Attribute:
    from msgspec.structs import replace

    return replace(attr, required=True)


def check(spec: ApiSpec, action: Action, data: Any,
          limit: int = MAX_DIFFERENCES) -> list[Difference]:
    """The differences between ``data`` (a parsed answer) and ``action``'s schema."""
    root = target(spec, action)
    if root is None:
        return []
    out: list[Difference] = []
    _check(root, data, (), out, limit, 0, not _says_null(spec))
    return out


_NULL_SEEN: dict[int, tuple[ApiSpec, bool]] = {}


def _says_null(spec: ApiSpec) -> bool:
    """Whether any attribute of ``spec`` is nullable (remembered per spec)."""
    known = _NULL_SEEN.get(id(spec))
    if known is not None and known[0] is spec:
        return known[1]
    found = any(a.nullable for res in spec.resources for a in res.walk_attributes())
    if len(_NULL_SEEN) > 8:
        _NULL_SEEN.clear()
    _NULL_SEEN[id(spec)] = (spec, found)
    return found


def check_exchange(spec: ApiSpec, exchange: Exchange,
                   limit: int = MAX_DIFFERENCES) -> list[Difference] | None:
    """The differences of a successful JSON answer from its action's schema; ``None``
    when there is nothing to check (no known action or schema, an error status, a
    body that is not JSON or was cut off)."""
    status = exchange.status or 0
    if not 200 <= status < 300 and not exchange.not_modified:
        return None
    if exchange.body_state != "json" or exchange.truncated or exchange.action_id is None:
        return None
    action = spec.action(exchange.action_id)
    if action is None or target(spec, action) is None:
        return None
    return check(spec, action, exchange.data, limit)


def note(differences: list[Difference], shown: int = 2) -> str:
    """``2 differences from the schema: .a: ...; .b: ...`` (empty when none)."""
    if not differences:
        return ""
    n = len(differences)
    more = "+" if n >= MAX_DIFFERENCES else ""
    noun = "difference" if n == 1 else "differences"
    head = "; ".join(str(d) for d in differences[:shown])
    tail = f"; … {n - shown} more" if n > shown else ""
    return f"{n}{more} {noun} from the schema: {head}{tail}"


def path_text(at: tuple[str | int, ...]) -> str:
    """``("owner", "email")`` as ``.owner.email``, ``(0, "name")`` as ``[0].name``."""
    import json

    parts: list[str] = []
    for part in at:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part.isidentifier():
            parts.append(f".{part}")
        else:
            parts.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(parts) or "."


def _add(out: list[Difference], limit: int, at: tuple[str | int, ...], what: str) -> None:
    if len(out) < limit:
        out.append(Difference(path_text(at), what, at))


def null_allowed(spec: ApiSpec, attr: Attribute) -> bool:
    """Whether ``attr`` of ``spec`` may be null: where the schema says so, and
    everywhere in a schema that cannot say null (the 2013 manifest)."""
    return not _says_null(spec) or _allows_null(attr)


def _allows_null(attr: Attribute) -> bool:
    if attr.nullable or (attr.enum is not None and None in attr.enum):
        return True
    if attr.alternatives:
        return any(_allows_null(a) for a in attr.alternatives)
    return not (attr.types or attr.children or attr.map_values is not None)


def _check(attr: Attribute, value: Any, path: Where, out: list[Difference], limit: int,
           depth: int, any_null: bool) -> None:
    if len(out) >= limit or depth > _MAX_DEPTH:
        return
    if value is None:
        if not any_null and not _allows_null(attr):
            _add(out, limit, path, f"null, but the schema says {attr.type_label}")
        return
    if attr.alternatives and not attr.types:
        best: list[Difference] | None = None
        for alt in attr.alternatives:
            trial: list[Difference] = []
            _check(alt, value, path, trial, limit, depth + 1, any_null)
            if not trial:
                return
            if best is None or len(trial) < len(best):
                best = trial
        for found in best or ():
            _add(out, limit, found.at, found.what)
        return
    if attr.types and not any(type_ok(t, value) for t in attr.types):
        _add(out, limit, path, f"{json_type(value)} {short(value)}, but the schema says "
                               f"{attr.type_label}")
        return
    if isinstance(value, Mapping):
        _object(attr, value, path, out, limit, depth, any_null)
    elif isinstance(value, list):
        if attr.items is not None:
            for i, item in enumerate(value):
                _check(attr.items, item, (*path, i), out, limit, depth + 1, any_null)
    else:
        if attr.enum is not None and value not in attr.enum:
            allowed = ", ".join(short(v) for v in attr.enum)
            _add(out, limit, path, f"{short(value)} is not one of {allowed}")
        if isinstance(value, str) and (wanted := format_problem(attr.format, value)) \
                and not (isinstance(attr.example, str)
                         and format_problem(attr.format, attr.example)):
            _add(out, limit, path, f"{short(value)} is not {wanted}")


def _object(attr: Attribute, value: Mapping[str, Any], path: Where, out: list[Difference],
            limit: int, depth: int, any_null: bool) -> None:
    known = {c.name: c for c in attr.children}
    for node in attr.children:
        if node.required and node.name not in value:
            _add(out, limit, (*path, node.name), "required, but missing")
    for key, item in value.items():
        child = known.get(key)
        where = (*path, str(key))
        if child is not None:
            _check(child, item, where, out, limit, depth + 1, any_null)
        elif attr.map_values is not None:
            _check(attr.map_values.value, item, where, out, limit, depth + 1, any_null)
        elif known:
            _add(out, limit, where, "a property the schema does not describe")

