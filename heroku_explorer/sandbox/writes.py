"""The write path shared by every resource: objects built from a request body.

Body values land on the resource's attributes; a value for a nested object that
names another resource (``"region": "eu"``, ``"plan": {"name": ...}``) is
resolved to the real object, or refused with 422 when none matches; identity
attributes (``name``, ``hostname``...) stay unique within their collection and are
generated Heroku-style when a create leaves them out; ids and timestamps are the
server's.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import heroku_explorer.sandbox.presets as presets
from heroku_explorer.sandbox.routes import Route, Router
from heroku_explorer.sandbox.seed import Factory, parent_slots
from heroku_explorer.sandbox.store import Record, Store
from heroku_explorer.sandbox.validate import ParamError, validate_body
from heroku_explorer.schema.model import Attribute, Resource

__all__ = ["SELF", "Problem", "Writer", "has_value", "identity_names", "not_found",
           "now_stamp"]

_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
#: The identity value that names the current account (the ``self`` alternative).
SELF = "~"


class Problem(Exception):
    """An error answer: HTTP status plus a Heroku error id."""

    def __init__(self, status: int, id: str, message: str | None = None) -> None:
        self.status = status
        self.id = id
        self.message = message
        super().__init__(f"{status} {id}: {message}")


class Writer:
    """Shared state, and the write path: objects built from a body, references
    resolved, identities kept unique."""

    def __init__(self, router: Router, store: Store, factory: Factory) -> None:
        self.router = router
        self.spec = router.spec
        self.store = store
        self.factory = factory
        # Objects made through the API draw from their own stream: reproducible for
        # a fresh sandbox (stable screenshots), and distinct after each restart of
        # a persisted one (so new ids never repeat old ones).
        starts = int(store.meta("starts", "0") or 0)
        self.runtime_rng = random.Random(f"{factory.seed}:{starts}")
        if store.path is not None:
            with store.transaction():
                store.set_meta("starts", str(starts + 1))
        self.account_key = router.account_resource
        # Which parents each resource is stored under: those of the collection it
        # is created in, else of its first list, else of its singleton path.
        self.parent_keys: dict[str, frozenset[str]] = {}
        rank: dict[str, int] = {}
        priority = {"create": 0, "list": 1, "map-info": 1, "singleton": 2}
        for route in router.routes:
            level = priority.get(route.kind)
            if level is None or level >= rank.get(route.resource, 9):
                continue
            rank[route.resource] = level
            self.parent_keys[route.resource] = frozenset(
                s.resource for s in parent_slots(router, route) if s.resource)

    @contextmanager
    def _runtime(self) -> Iterator[Factory]:
        """The factory for objects made now: real clock, unseeded randomness."""
        f = self.factory
        saved = (f.rng, f.now)
        f.rng, f.now = self.runtime_rng, datetime.now(UTC)
        try:
            yield f
        finally:
            f.rng, f.now = saved

    def account(self) -> Record | None:
        return self.factory.account()

    def scoped(self, resource: str, scope: dict[str, str]) -> dict[str, str]:
        """The part of ``scope`` that ``resource`` is actually nested under."""
        keys = self.parent_keys.get(resource, frozenset())
        return {k: v for k, v in scope.items() if k in keys}

    def _resource(self, key: str) -> Resource:
        res = self.spec.resource(key)
        if res is None:
            raise Problem(404, "not_found")
        return res

    def _new_id(self, data: dict[str, Any]) -> str:
        new = str(uuid.UUID(int=self.runtime_rng.getrandbits(128), version=4))
        if "id" in data:
            data["id"] = new
        return new

    def create(self, route: Route, body: dict[str, Any], scope: dict[str, str]) -> Record:
        res = self._resource(route.resource)
        scope = self.scoped(res.key, scope)
        with self._runtime() as factory:
            data = factory.make(res, scope, dict(presets.CREATE_DEFAULTS.get(res.key, {})))
            rec_id = self._new_id(data)
            given = self._apply(res, data, body, scope, _docs(route))
            self._identify(res, data, given, scope, rec_id)
            presets.derived(res.key, data)
        return self.store.put(res.key, Record(rec_id, data, dict(scope)))

    def update(self, route: Route, rec: Record, body: dict[str, Any],
               scope: dict[str, str]) -> Record:
        res = self._resource(route.resource)
        data = dict(rec.data)
        given = self._apply(res, data, body, self.scoped(res.key, scope), _docs(route))
        self._identify(res, data, given, rec.parents, rec.id, update=True)
        if "updated_at" in data:
            data["updated_at"] = now_stamp()
        presets.derived(res.key, data)
        return self.store.put(res.key, Record(rec.id, data, dict(rec.parents)))

    def _apply(self, res: Resource, data: dict[str, Any], body: dict[str, Any],
               scope: dict[str, str], docs: dict[str, Attribute] | None = None) -> set[str]:
        """Write body values onto ``data``; returns the attribute names given.
        ``docs`` are the body parameters' own descriptions (what a nested object
        describes: a reference, a new object or a structure)."""
        docs = docs or {}
        given: set[str] = set()
        for key, value in body.items():
            head, _, sub = key.partition(":")
            if sub:
                value = {sub: value}
            attr = next((a for a in res.attributes if a.name == head), None)
            if attr is None or attr.write_only:
                continue
            given.add(head)
            if value is None:
                data[head] = None
            elif attr.children:
                data[head] = self._nested(attr, value, scope, head, docs.get(head))
            elif attr.items is not None and attr.items.children and isinstance(value, list):
                data[head] = [self._nested(attr.items, item, scope, f"{head}[{i}]", None)
                              for i, item in enumerate(value)]
            elif isinstance(value, dict) and "string" in attr.types:
                data[head] = value.get("name", next(iter(value.values()), None))
            else:
                data[head] = value
        return given

    def _nested(self, attr: Attribute, value: Any, scope: dict[str, str], field: str,
                doc: Attribute | None) -> Any:
        """A nested object in a body, read from what it describes (its parameter's
        own fields, else the keys given): only identities of the resource it names
        (``{"name": "eu"}``, or a scalar) refer to an existing object; fields of that
        resource beyond them describe a new one, made as its own create would (an
        app setup's ``app: {name, region}``); fields the resource does not have
        make a structure whose members follow these rules in turn (a promotion's
        ``source: {app: {id}}``)."""
        if not isinstance(value, dict):
            return self._reference(attr, value, scope, field)
        key = self.factory.resource_for(attr.name)
        target = self.spec.resource(key) if key is not None else None
        names = {c.name for c in doc.children} if doc is not None and doc.children else set(
            value)
        ids = identity_names(target) | {"id"} if target is not None else set()
        extra = names - ids - {a.name for a in (doc.alternatives if doc else ())}
        if target is not None and not extra:
            return self._reference(attr, value, scope, field)
        if target is not None and extra & {a.name for a in target.attributes}:
            made = self._create_nested(target, value)
            if made is not None:
                return {c.name: made.data.get(c.name) for c in attr.children}
        known = {c.name: c for c in attr.children}
        out: dict[str, Any] = {}
        for name, item in value.items():
            child = known.get(name)
            if child is not None and child.children and item is not None:
                out[name] = self._nested(child, item, scope, f"{field}.{name}", None)
            else:
                out[name] = item
        return out

    def _create_nested(self, target: Resource, value: dict[str, Any]) -> Record | None:
        """A new object of ``target`` described inside another body, made through
        the resource's top-level create (``None`` when it has none)."""
        route = next((r for r in self.router.routes_for(target.key, "create")
                      if not r.slots), None)
        if route is None:
            return None
        params = {p.name for p in route.action.body.params} if route.action.body else set()
        body = validate_body(route.action, {k: v for k, v in value.items() if k in params})
        made = self.create(route, body, {})
        self.made(target.key, made)
        return made

    def made(self, resource: str, rec: Record) -> None:
        """Called for an object a create made (the engine records its release)."""

    def _reference(self, attr: Attribute, value: Any, scope: dict[str, str],
                   field: str) -> dict[str, Any]:
        """A nested object named by a body value: a real object when one matches.
        A scalar names it by any identity the resource lists (id, name, email...)."""
        key = self.factory.resource_for(attr.name)
        if isinstance(value, dict):
            candidates = [value]
        else:
            candidates = [{name: value} for name in self._identities(key, attr, value)]
        if key is not None and value is not None:
            for wanted in candidates:
                match = self._match(key, wanted)
                if match is not None:
                    return {c.name: match.get(c.name) for c in attr.children}
            if self.store.count(key) and key != self.account_key:
                raise not_found(self.spec.resource(key), key)
        out = {c.name: self.factory.value(c, scope) for c in attr.children}
        out.update({k: v for k, v in candidates[0].items() if k in out})
        return out

    def _identities(self, key: str | None, attr: Attribute, value: Any) -> list[str]:
        """The attributes a scalar may name an object of ``key`` by, likeliest first."""
        first = _slot_for(attr, value)
        target = self.spec.resource(key) if key is not None else None
        names = [a.name for a in target.identity] if target is not None else []
        if key == self.account_key:
            names += ["email", "id"]
        return list(dict.fromkeys([first, *names]))

    def _match(self, key: str, wanted: dict[str, Any]) -> dict[str, Any] | None:
        if key == self.account_key:
            acc = self.account()
            if acc is not None and any(
                    v == SELF or has_value(acc.data, k, v) for k, v in wanted.items()):
                return acc.data
            return None
        records = self.store.collection(key).values()
        for rec in records:
            if all(has_value(rec.data, k, v) for k, v in wanted.items()):
                return rec.data
        # Names match regardless of case, as Heroku matches them ("standard-2X").
        folded = {k: v.casefold() for k, v in wanted.items() if isinstance(v, str)}
        if len(folded) == len(wanted):
            for rec in records:
                if all(isinstance(rec.data.get(k), str) and rec.data[k].casefold() == v
                       for k, v in folded.items()):
                    return rec.data
        return None

    def _identify(self, res: Resource, data: dict[str, Any], given: set[str],
                  scope: dict[str, str], rec_id: str, *, update: bool = False) -> None:
        """Identity attributes: unique within their collection, generated when absent."""
        siblings = [r for r in self.store.records(res.key, self.scoped(res.key, scope))
                    if r.id != rec_id]
        for attr in res.attributes:
            if attr.name == "id" or attr.name not in identity_names(res):
                continue
            taken = {str(r.data.get(attr.name)) for r in siblings}
            if "integer" in attr.types or "number" in attr.types:
                if not update and attr.name not in given:
                    nums = [r.data.get(attr.name) for r in siblings]
                    data[attr.name] = max([n for n in nums if isinstance(n, int)], default=0) + 1
                continue
            if not update and attr.name not in given and "string" in attr.types:
                data[attr.name] = self._fresh_name(res, attr, data)  # not the schema's example
            if data.get(attr.name) is None or str(data.get(attr.name)) not in taken:
                continue
            if attr.name in given:
                label = attr.name.replace("_", " ").capitalize()
                raise ParamError(attr.name, f"{label} is already taken")
            while str(data.get(attr.name)) in taken:
                data[attr.name] = self._fresh_name(res, attr, data)

    def _fresh_name(self, res: Resource, attr: Attribute, data: dict[str, Any]) -> str:
        rng = self.runtime_rng
        named = presets.fresh_name(res.key, data, rng)
        if named is not None:
            return named
        example = attr.example if isinstance(attr.example, str) and attr.example else res.key
        if re.fullmatch(r"(?:[0-9a-f]{2}:)+[0-9a-f]{2}", example):  # a key fingerprint
            return ":".join(f"{rng.randrange(256):02x}" for _ in example.split(":"))
        head, dot, _ = example.partition(".")
        return f"{head}{dot or '-'}{rng.randint(1000, 99999)}"

    def batch_update(self, route: Route, scope: dict[str, str], body: dict[str, Any]
                     ) -> list[Record] | None:
        """A write to a collection whose body is one list of partial objects, each
        naming its target by an identity attribute (Formation Batch Update); ``None``
        when the body is not of that shape."""
        if route.action.method not in ("PATCH", "PUT") or len(body) != 1:
            return None
        items = next(iter(body.values()))
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            return None
        res = self._resource(route.resource)
        names = identity_names(res) | {"id"}
        records = self.store.records(res.key, self.scoped(res.key, scope))
        changed = []
        for item in items:
            keys = [k for k in item if k in names]
            target = next((r for r in records if keys and all(
                has_value(r.data, k, item[k]) for k in keys)), None)
            if target is None:
                if not keys:
                    raise ParamError(next(iter(body)), "names no " + res.name.lower())
                raise not_found(res, res.key)
            changes = {k: v for k, v in item.items() if k not in names}
            changed.append(self.update(route, target, changes, scope))
        return changed


def _docs(route: Route) -> dict[str, Attribute]:
    body = route.action.body
    return {p.name: p.doc for p in body.params} if body is not None else {}


def not_found(res: Resource | None, key: str) -> Problem:
    """Heroku's 404 for an object named that does not exist: "Couldn't find that app." """
    name = res.name if res is not None else key.replace("-", " ")
    return Problem(404, "not_found", f"Couldn't find that {name.lower()}.")


def now_stamp() -> str:
    """Now, as the API writes times (UTC, to the second)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_names(res: Resource) -> set[str]:
    return {a.name for a in res.identity} or {"name"}


def has_value(data: dict[str, Any], attr: str, value: Any) -> bool:
    """Does ``data`` carry ``value`` under ``attr``, at the top or one level down?"""
    found = data.get(attr)
    if found is None:
        for nested in data.values():
            if isinstance(nested, dict) and attr in nested:
                found = nested[attr]
                break
    if found is None:
        return False
    return bool(found == value or str(found) == str(value))


def _slot_for(attr: Attribute, value: Any) -> str:
    """Which child a scalar reference fills: ``id`` for a uuid, else a name-like one."""
    names = [c.name for c in attr.children] or [a.name for a in attr.alternatives]
    if isinstance(value, str) and _UUID_RE.match(value) and "id" in names:
        return "id"
    for name in ("name", "email", "hostname", "version", "type"):
        if name in names:
            return name
    return names[0] if names else "name"
