"""Deterministic, realistic seed data generated from the schema.

Every object's shape comes from its resource's attributes: ids are uuid4 drawn
from ``random.Random(seed)``, timestamps are spread over a fixed year, nested
objects that name another resource (``region``, ``plan``, ``app``, ``owner``) are
filled from a real seeded object of that resource, and :mod:`.presets` supplies
plausible names and values. Schema examples are the fallback for everything else.

Each resource is seeded once, at its home collection (where it is created, or
else its most nested list), under every parent object there: two apps in ``us``
and two in ``eu``, each with add-ons, domains, releases, formation, dynos,
collaborators, features and config vars.
"""

from __future__ import annotations

import copy
import random
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import heroku_explorer.sandbox.presets as presets
from heroku_explorer.conformance import null_allowed
from heroku_explorer.sandbox.routes import Route, Router, Slot
from heroku_explorer.sandbox.store import Record, Store
from heroku_explorer.schema.model import Attribute, Resource

__all__ = ["Factory", "parent_slots", "seed_store"]

_UUID = re.compile(r"^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$")
BASE_TIME = datetime(2024, 1, 8, 9, 30, tzinfo=UTC)
#: Objects seeded per parent when a resource has no preset.
DEFAULT_COUNT = 2
_PERSONAL = ("owner", "user")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _fits(attr: Attribute, value: Any) -> bool:
    """Does a preset value have one of the attribute's types (any, when untyped)?"""
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
    }
    return not attr.types or any(checks[t](value) for t in attr.types if t in checks)


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Factory:
    """Builds objects of any resource from its attributes."""

    def __init__(self, router: Router, store: Store, rng: random.Random, seed: int = 0) -> None:
        self.seed = seed
        self.router = router
        self.spec = router.spec
        self.store = store
        self.rng = rng
        self.now: datetime | None = None
        """Timestamp for new objects; ``None`` draws one from the seeded year."""
        self._by_norm: dict[str, str] = {}
        for res in self.spec.resources:  # a resource's key wins over another's name
            self._by_norm.setdefault(_norm(res.key), res.key)
        for res in self.spec.resources:
            self._by_norm.setdefault(_norm(res.name), res.key)

    # -- values -------------------------------------------------------------

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def timestamp(self) -> str:
        if self.now is not None:
            return iso(self.now)
        return iso(BASE_TIME + timedelta(minutes=self.rng.randint(0, 60 * 24 * 300)))

    def resource_for(self, attr_name: str) -> str | None:
        """The resource a nested object attribute refers to (``build_stack`` -> stack)."""
        if attr_name in _PERSONAL:
            # Owners and users are accounts: the Account resource, one per token.
            return self.router.account_resource
        key = self._by_norm.get(_norm(attr_name))
        if key is None and "_" in attr_name:
            key = self._by_norm.get(_norm(attr_name.rsplit("_", 1)[-1]))
        return key

    def account(self) -> Record | None:
        key = self.router.account_resource
        if key is None:
            return None
        records = self.store.records(key)
        return records[0] if records else None

    def reference(self, attr: Attribute, parents: dict[str, str]) -> dict[str, Any] | None:
        """A real object for a nested reference: the parent, the account, or a pick."""
        key = self.resource_for(attr.name)
        if key is None:
            return None
        if key in parents:
            rec = self.store.get(key, parents[key])
            return rec.data if rec is not None else None
        if key == self.router.account_resource:
            acc = self.account()
            return acc.data if acc is not None else None
        return self.pick(key, None, parents)

    def pick(self, key: str, where: Callable[[dict[str, Any]], bool] | None = None,
             parents: dict[str, str] | None = None) -> dict[str, Any] | None:
        """One object of resource ``key`` (sharing ``parents`` where it can)."""
        records = self.store.records(key)
        if parents:
            near = [r for r in records if all(
                r.parents.get(k) == v for k, v in parents.items() if k in r.parents)]
            records = near or records
        if where is not None:
            records = [r for r in records if where(r.data)]
        if not records:
            return None
        # At run time the first object is the default (region "us", the default stack).
        return records[0].data if self.now is not None else self.rng.choice(records).data

    def value(self, attr: Attribute, parents: dict[str, str], preset: Any = None) -> Any:
        """A plausible value for one attribute, ``preset`` winning where it fits."""
        if attr.map_values is not None and preset is None:
            return {}
        if attr.is_array:
            if isinstance(preset, list):
                return preset
            return copy.deepcopy(attr.example) if isinstance(attr.example, list) else []
        if attr.children:
            ref = preset if isinstance(preset, dict) else None
            if ref is None and preset is not None:
                key = self.resource_for(attr.name)
                found = self.pick(key, lambda d: d.get("name") == preset) if key else None
                ref = found or {"name": preset}
            if ref is None:
                if attr.nullable and self.resource_for(attr.name) not in parents:
                    return None  # optional links (team, space) stay unset
                ref = self.reference(attr, parents)
                if ref is None and attr.nullable:
                    return None
            return {c.name: self.value(c, parents, (ref or {}).get(c.name))
                    for c in attr.children}
        if preset is not None:
            if isinstance(preset, dict) and "name" in preset and "string" in attr.types:
                return preset["name"]  # a plain-string reference: "stack": "heroku-22"
            if _fits(attr, preset):
                return preset
        name = attr.name
        if attr.alternatives and not attr.types:
            return self.value(attr.alternatives[0], parents)
        if (name == "id" and not ({"integer", "number"} & set(attr.types))) \
                or attr.format == "uuid":
            return self.uuid()
        if attr.format in ("date-time", "datetime") or name.endswith("_at"):
            keep = name in ("created_at", "updated_at", "released_at", "last_login")
            return self.timestamp() if keep or not attr.nullable else None
        if name == "email" or attr.format == "email":
            return self.rng.choice(presets.TEAMMATES)
        if attr.enum:
            choices = [v for v in attr.enum if v is not None]
            return attr.example if attr.example in choices else self.rng.choice(choices)
        if attr.has_example and _fits(attr, attr.example):
            return copy.deepcopy(attr.example)  # never share a mutable example
        if attr.nullable:
            return None
        if attr.is_object:
            return {}  # an object the schema gives no properties
        if attr.format == "uri":
            return f"https://{name.replace('_', '-')}-{self.rng.randint(1000, 9999)}.example.com/"
        if "boolean" in attr.types:
            return False
        if "integer" in attr.types or "number" in attr.types:
            return self.rng.randint(1, 100)
        if "string" in attr.types:
            return f"{name}-{self.rng.randint(1000, 9999)}"
        return None

    def make(self, resource: Resource, parents: dict[str, str],
             preset: dict[str, Any] | None = None) -> dict[str, Any]:
        """A whole object of ``resource``; ``preset`` values override generated ones."""
        preset = preset or {}
        obj: dict[str, Any] = {}
        for attr in resource.attributes:
            if attr.name in preset and preset[attr.name] is None and null_allowed(self.spec, attr):
                obj[attr.name] = None  # the preset says "not set" (an app never archived)
            elif attr.name in preset and preset[attr.name] is None:
                obj[attr.name] = self.value(attr, parents, None)  # the schema wants a value
            else:
                obj[attr.name] = self.value(attr, parents, preset.get(attr.name))
        if "created_at" in obj and "updated_at" in obj and self.now is None:
            obj["created_at"], obj["updated_at"] = sorted((obj["created_at"],
                                                           obj["updated_at"]))
        presets.derived(resource.key, obj)
        return obj

    def identity(self, obj: dict[str, Any]) -> str:
        ident = obj.get("id")
        return ident if isinstance(ident, str) and ident else self.uuid()


def _home(router: Router) -> dict[str, Route]:
    """Each resource's home collection: where it is created, else its shallowest
    list (stacks live at ``/stacks``, not under every app's available stacks)."""
    homes: dict[str, Route] = {}
    for route in router.routes:
        if route.kind not in ("create", "list"):
            continue
        current = homes.get(route.resource)
        better = current is None or (current.kind, route.kind) == ("list", "create") or (
            current.kind == route.kind == "list"
            and _depth(router, route) < _depth(router, current))
        if better:
            homes[route.resource] = route
    return homes


def parent_slots(router: Router, route: Route) -> list[Slot]:
    # The account is never a parent: one token means one account, and every
    # object belongs to it, so ``/users/~/apps`` lists every app.
    return [s for s in route.slots if s.resource and s.resource != router.account_resource]


def _depth(router: Router, route: Route) -> int:
    return len(parent_slots(router, route))


def seed_store(store: Store, router: Router, seed: int) -> Factory:
    """Fill an empty store with the data for ``seed``; returns the factory used."""
    rng = random.Random(seed)
    factory = Factory(router, store, rng, seed)
    spec = router.spec
    with store.transaction():
        acc_key = router.account_resource
        account = spec.resource(acc_key) if acc_key else None
        if account is not None:
            data = factory.make(account, {}, dict(presets.ACCOUNT))
            store.put(account.key, Record(factory.identity(data), data))
        homes = _home(router)
        # Shallow collections first; among equals, the presets' order (releases
        # before the dynos that run them); then every resource after those it
        # refers to, so each reference resolves to an object that exists.
        known = list(presets.PRESETS)
        ranked = sorted(homes.items(), key=lambda kv: (
            _depth(router, kv[1]), known.index(kv[0]) if kv[0] in known else len(known)))
        order = _after_references(factory, ranked)
        for index, (key, route) in enumerate(order):
            res = spec.resource(key)
            if res is None or res.map_values is not None or key == acc_key:
                continue
            slots = parent_slots(router, route)
            parent_key = slots[-1].resource if slots else None
            parents: list[Record | None] = (
                list(store.records(parent_key)) if parent_key else [None])
            for pi, parent in enumerate(parents):
                scope = {} if parent is None or parent_key is None else {
                    parent_key: parent.id, **parent.parents}
                _seed_under(factory, res, scope, parent, pi + index)
        _relink(factory)
        _seed_maps(factory, router, rng)
        store.set_meta("seed", str(seed))
        store.set_meta("schema", spec.source.sha256 or spec.source.origin)
    return factory


def _after_references(factory: Factory, ranked: list[tuple[str, Route]]
                      ) -> list[tuple[str, Route]]:
    """``ranked`` reordered so that each resource comes after its parents and the
    resources its nested objects name (a cycle keeps the ranked order)."""
    keys = {key for key, _ in ranked}
    needs: dict[str, set[str]] = {}
    for key, route in ranked:
        res = factory.spec.resource(key)
        wanted = {s.resource for s in parent_slots(factory.router, route) if s.resource}
        for attr in res.attributes if res is not None else ():
            if attr.children and not attr.nullable:  # an optional link waits for nothing
                target = factory.resource_for(attr.name)
                if target is not None:
                    wanted.add(target)
        needs[key] = (wanted & keys) - {key, factory.router.account_resource}
    out: list[tuple[str, Route]] = []
    done: set[str] = set()
    left = list(ranked)
    while left:
        # In a cycle, the one waiting on the fewest others goes first.
        pick = min(left, key=lambda kv: len(needs[kv[0]] - done))
        left.remove(pick)
        out.append(pick)
        done.add(pick[0])
    return out


def _seed_under(factory: Factory, res: Resource, scope: dict[str, str],
                parent: Record | None, index: int) -> None:
    preset_fn = presets.PRESETS.get(res.key)
    if preset_fn is not None:
        ctx = presets.PresetContext(
            factory.rng, parent.data if parent else None, index,
            lambda key, where: factory.pick(key, where, scope))
        items = preset_fn(ctx)
    else:
        items = [{} for _ in range(DEFAULT_COUNT)]
    if items and not factory.store.records(res.key):
        items[0] = {**_example_links(factory, res, scope), **items[0]}
    for item in items:
        data = factory.make(res, scope, item)
        _example_id(factory, res, data)
        _unique(factory, res, data, scope)
        factory.store.put(res.key, Record(factory.identity(data), data, dict(scope)))


def _relink(factory: Factory) -> None:
    """Every nested reference names an object that exists: one made before its target
    (a cycle of references) is pointed at a real object now."""
    store, account = factory.store, factory.router.account_resource
    for key in list(store._collections):
        res = factory.spec.resource(key)
        if res is None:
            continue
        refs = [a for a in res.attributes if a.children and factory.resource_for(a.name)
                not in (None, account, key)]
        for rec in list(store.records(key)) if refs else ():
            data, changed = dict(rec.data), False
            for attr in refs:
                value = data.get(attr.name)
                target = factory.resource_for(attr.name)
                if not isinstance(value, dict) or target is None or _resolves(
                        store, target, value):
                    continue
                real = factory.reference(attr, rec.parents)
                if real is not None:
                    data[attr.name] = {c.name: real.get(c.name, value.get(c.name))
                                       for c in attr.children}
                    changed = True
            if changed:
                store.put(key, Record(rec.id, data, dict(rec.parents)))


def _resolves(store: Store, target: str, value: dict[str, Any]) -> bool:
    ident = {k: value[k] for k in ("id", "name") if value.get(k) is not None}
    if not ident or not store.records(target):
        return True  # nothing to check against
    return any(all(r.data.get(k) == v for k, v in ident.items() if k in r.data)
               for r in store.records(target))


def _example_links(factory: Factory, res: Resource, scope: dict[str, str]) -> dict[str, Any]:
    """The first object of a resource refers to the first (example-id) objects of the
    resources it names, so the schema's examples describe one connected graph."""
    out: dict[str, Any] = {}
    for attr in res.attributes:
        target = factory.resource_for(attr.name) if attr.children else None
        if target is None or target in scope or target in (res.key,
                                                             factory.router.account_resource):
            continue
        tres = factory.spec.resource(target)
        id_attr = tres.attribute("id") if tres is not None else None
        if id_attr is not None and isinstance(id_attr.example, str):
            found = factory.store.get(target, id_attr.example)
            if found is not None:
                out[attr.name] = found.data
    return out


def _example_id(factory: Factory, res: Resource, data: dict[str, Any]) -> None:
    """The first object of a resource takes the id the schema's examples use, so a
    request filled from the examples names an object that exists."""
    attr = res.attribute("id")
    example = attr.example if attr is not None and attr.has_example else None
    if not isinstance(example, str) or "id" not in data or not _UUID.match(example):
        return
    if factory.store.get(res.key, example) is None:
        data["id"] = example


def _unique(factory: Factory, res: Resource, data: dict[str, Any],
            scope: dict[str, str]) -> None:
    """Identity names stay unique among siblings (no two spaces share a name)."""
    siblings = factory.store.records(res.key, scope)
    for attr in res.identity:
        value = data.get(attr.name)
        if attr.name == "id" or value is None or isinstance(value, bool):
            continue
        taken = {str(r.data.get(attr.name)) for r in siblings}
        n = 2
        while str(data[attr.name]) in taken:
            data[attr.name] = value + n - 1 if isinstance(value, int) else f"{value}-{n}"
            n += 1


def _seed_maps(factory: Factory, router: Router, rng: random.Random) -> None:
    """Config vars: one free-form map per app (a documented special case)."""
    for route in router.routes:
        if route.kind != "map-info" or len(route.slots) != 1:
            continue
        owner = route.slots[0].resource
        if owner is None or factory.store.records(route.resource):
            continue
        for rec in factory.store.records(owner):
            values = presets.config_vars(rng, rec.data)
            factory.store.put(route.resource, Record(rec.id, values, {owner: rec.id}))
