"""What each kind of route does to the store: resolve identities, then list,
create, read, update or delete, the same way for every resource.

Hand-written behaviour is limited to the documented special cases, each marked:
the current account (``~``), free-form config var maps (``null`` deletes a key),
the rate-limit endpoint (answered by the app, which owns the token pool) and
releases: as on Heroku, creating an app, changing its config vars and attaching or
removing an add-on each record a new release of that app (when the schema has
releases with a version).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from heroku_explorer.sandbox.routes import Route, Slot
from heroku_explorer.sandbox.store import Record
from heroku_explorer.sandbox.writes import (
    SELF,
    Problem,
    Writer,
    has_value,
    identity_names,
    not_found,
    now_stamp,
)
from heroku_explorer.schema.model import Resource

__all__ = ["Engine", "Outcome", "Problem", "addon_label"]


@dataclass(slots=True)
class Outcome:
    """A successful answer before encoding: one object, a list to page, or nothing."""

    status: int
    body: Any = None
    items: list[Record] | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class Resolved:
    """The objects a request path names: one per slot (``None`` when unresolvable)."""

    records: list[Record | None]
    scope: dict[str, str]

    @property
    def last(self) -> Record | None:
        return self.records[-1] if self.records else None


class Engine(Writer):
    """Generic semantics for every route kind, over one :class:`Store`."""

    def find(self, resource: str, value: str, alternatives: tuple[str, ...],
             scope: dict[str, str]) -> Record | None:
        if resource == self.account_key:
            # The current account: ``~`` (the documented ``self``), its id or email.
            acc = self.account()
            if acc is not None and (value == SELF or value in (
                    acc.id, acc.data.get("email"))):
                return acc
            return None
        scope = self.scoped(resource, scope)
        rec = self.store.get(resource, value)
        if rec is not None and rec.within(scope):
            return rec
        for rec in self.store.collection(resource).values():
            if scope and not rec.within(scope):
                continue
            for alt in alternatives:
                if has_value(rec.data, alt, value):
                    return rec
        return None

    def resolve(self, route: Route, values: tuple[str, ...], *, strict: bool) -> Resolved:
        """Resolve every slot in order; each narrows the scope of the next."""
        records: list[Record | None] = []
        scope: dict[str, str] = {}
        for slot, value in zip(route.slots, values, strict=False):
            rec = self._resolve_slot(slot, value, scope, strict)
            records.append(rec)
            if rec is not None and slot.resource and value != SELF and (
                    slot.resource != self.account_key):
                scope[slot.resource] = rec.id
        return Resolved(records, scope)

    def _resolve_slot(self, slot: Slot, value: str, scope: dict[str, str],
                      strict: bool) -> Record | None:
        if slot.resource is None:
            return None
        if value == SELF and "self" in slot.alternatives:
            return self.account()  # ``~``: the current user, whatever the resource
        res = self.spec.resource(slot.resource)
        rec = self.find(slot.resource, value, slot.alternatives, scope)
        if rec is None:
            known = _attribute_names(res) if res is not None else set()
            if strict or any(a in known for a in slot.alternatives) or value == SELF:
                raise not_found(res, slot.resource)
        return rec

    # -- handlers ------------------------------------------------------------------

    def handle(self, route: Route, values: tuple[str, ...], body: dict[str, Any]) -> Outcome:
        kind = route.kind
        resolved = self.resolve(route, values, strict=kind not in ("other",))
        if kind == "list":
            return self._list(route, resolved)
        if kind in ("info", "update", "delete"):
            rec = resolved.last
            if rec is None:
                raise not_found(self.spec.resource(route.resource), route.resource)
            if kind == "info":
                return Outcome(route.status, self.answer(route, rec))
            if kind == "delete":
                self.store.delete(route.resource, rec.id)
                self._released(route.resource, "delete", rec, {})
                return Outcome(route.status, self.answer(route, rec))
            return Outcome(route.status, self.answer(
                route, self.update(route, rec, body, resolved.scope)))
        if kind == "create":
            created = self.create(route, body, resolved.scope)
            self._released(route.resource, "create", created, {})
            created = self.store.get(route.resource, created.id) or created  # released_at
            return Outcome(route.status, created.data)
        if kind == "singleton":
            shape = route.action.response.schema
            if route.action.response.resource is None and shape is not None and shape.children:
                # An answer of its own shape (a team's usage: {"apps": [...]}).
                with self._runtime() as factory:
                    return Outcome(route.status, factory.value(shape, resolved.scope))
            return Outcome(route.status, self.singleton(route, resolved).data)
        if kind == "singleton-update":
            rec = self.singleton(route, resolved)
            return Outcome(route.status, self.update(route, rec, body, resolved.scope).data)
        if kind == "map-info":
            return Outcome(route.status, dict(self._map(route, resolved).data))
        if kind == "map-update":
            updated = self._map_update(route, resolved, body)
            self._released(route.resource, "map-update", updated, body)
            return Outcome(route.status, dict(updated.data))
        return self._other(route, resolved, body)

    def made(self, resource: str, rec: Record) -> None:
        self._released(resource, "create", rec, {})

    def answer(self, route: Route, rec: Record) -> dict[str, Any]:
        """``rec`` as the route's answer: as stored, or, when the answer is documented
        as another resource than the one the path names (Team App for an app,
        Generation for a stack), projected onto that resource's attributes (those it
        lacks made, the same each time for the same object)."""
        key = route.action.response.resource
        res = self.spec.resource(key) if key and key != route.resource else None
        if res is None or res.map_values is not None or not res.attributes:
            return rec.data
        factory = self.factory
        saved = factory.rng
        factory.rng = random.Random(f"{key}:{rec.id}")
        try:
            made = factory.make(res, rec.parents)
        finally:
            factory.rng = saved
        return {**made, **{k: v for k, v in rec.data.items() if k in made}}

    # -- releases (a documented special case) ----------------------------------------

    def _released(self, resource: str, kind: str, rec: Record, body: dict[str, Any]) -> None:
        """Record the release Heroku makes for this change of an app, if it makes one."""
        note: str | None = None
        app_id: str | None = rec.parents.get("app")
        if resource == "app" and kind == "create":
            note, app_id = "Initial release", rec.id
        elif resource == "config-var" and body:
            set_ = sorted(k for k, v in body.items() if v is not None)
            unset = sorted(k for k, v in body.items() if v is None)
            parts = ([f"Set {', '.join(set_)}"] if set_ else []) + (
                [f"Remove {', '.join(unset)}"] if unset else [])
            note = " and ".join(parts) + " config vars"
        elif resource == "add-on" and kind in ("create", "delete"):
            note = f"{'Attach' if kind == 'create' else 'Detach'} {addon_label(rec.data)}"
        if note is not None and app_id is not None:
            self.record_release(app_id, note)

    def record_release(self, app_id: str, description: str) -> Record | None:
        """A new current release of the app ``app_id``: the next version, succeeded."""
        res = self.spec.resource("release")
        if res is None or res.attribute("version") is None or self.store.get("app", app_id) is None:
            return None
        scope = {"app": app_id}
        earlier = self.store.records("release", scope)
        version = max((int(r.data.get("version") or 0) for r in earlier), default=0) + 1
        for old in earlier:
            if old.data.get("current"):
                self.store.put("release", Record(old.id, {**old.data, "current": False},
                                                 dict(old.parents)))
        preset: dict[str, Any] = {"version": version, "description": description}
        for name, value in (("status", "succeeded"), ("current", True)):
            if res.attribute(name) is not None:
                preset[name] = value
        with self._runtime() as factory:
            data = factory.make(res, scope, preset)
        for name in ("created_at", "updated_at"):
            if name in data:
                data[name] = now_stamp()
        rec = self.store.put("release", Record(self._new_id(data), data, scope))
        app = self.store.get("app", app_id)
        if app is not None and "released_at" in app.data:
            self.store.put("app", Record(app.id, {**app.data, "released_at": data.get(
                "created_at", now_stamp())}, dict(app.parents)))
        return rec

    def current(self, route: Route, values: tuple[str, ...]) -> Any:
        """The representation a write would change (for ``If-Match``), if any."""
        rec: Record | None = None
        if route.kind in ("update", "delete"):
            rec = self.resolve(route, values, strict=True).last
        elif route.kind == "singleton-update":
            rec = self.singleton(route, self.resolve(route, values, strict=True))
        elif route.kind == "map-update":
            rec = self._map(route, self.resolve(route, values, strict=True))
        return rec.data if rec is not None else None

    def _list(self, route: Route, resolved: Resolved) -> Outcome:
        return Outcome(route.status, items=self.related(route.resource, resolved.scope)[0])

    def related(self, resource: str, scope: dict[str, str]) -> tuple[list[Record], bool]:
        """The objects of ``resource`` that belong to the objects ``scope`` names:
        stored under them, or referring to them through an attribute that names
        their resource (a pipeline coupling's ``app: {id}``); and whether a
        reference filtered them (then there is nothing to make on first use)."""
        stored = self.scoped(resource, scope)
        records = self.store.records(resource, stored)
        res = self.spec.resource(resource)
        referred = False
        for key, parent_id in scope.items():
            if key in stored or res is None:
                continue
            attr = next((a for a in res.attributes if any(c.name == "id" for c in a.children)
                         and self.factory.resource_for(a.name) == key), None)
            if attr is None:
                continue
            referred = True
            records = [r for r in records if _refers(r.data.get(attr.name), parent_id)]
        return records, referred

    def _resolve(self, route: Route, resolved: Resolved, body: dict[str, Any]
                 ) -> list[Record]:
        """A ``rel: resolve`` action (Add-on Resolution): the objects the body names.
        A value under the resource's own name (``addon``) matches one of its
        identities; one under a reference attribute (``app``, ``addon_service``)
        matches that reference's id or name. 404 when nothing matches."""
        records, _ = self.related(route.resource, resolved.scope)
        res = self._resource(route.resource)
        own = _norm(res.key)
        names = identity_names(res) | {"id"}
        for key, value in body.items():
            if value is None:
                continue
            text = str(value)
            attr = res.attribute(key)
            if _norm(key) == own:
                records = [r for r in records if any(
                    str(r.data.get(n)) == text for n in names)]
            elif attr is not None and attr.children:
                records = [r for r in records if isinstance(r.data.get(key), dict) and any(
                    str(v) == text for v in r.data[key].values())]
        if not records:
            raise not_found(res, res.key)
        return records

    def singleton(self, route: Route, resolved: Resolved) -> Record:
        """The one object a literal path names (``/account``), made on first use
        unless it refers to its parent (an app's pipeline coupling: 404 when none)."""
        if route.resource == self.account_key:
            acc = resolved.last or self.account()
            if acc is None:
                raise Problem(404, "not_found")
            return acc
        found, referred = self.related(route.resource, resolved.scope)
        if found:
            return found[0]
        res = self._resource(route.resource)
        if referred:  # Heroku has none for this app: nothing to make up
            raise not_found(res, res.key)
        scope = self.scoped(route.resource, resolved.scope)
        with self._runtime() as factory:
            data = factory.make(res, scope)
        return self.store.put(res.key, Record(self._new_id(data), data, dict(scope)))

    def _map(self, route: Route, resolved: Resolved) -> Record:
        # Config vars: one free-form map per parent (a documented special case).
        scope = self.scoped(route.resource, resolved.scope) or {
            k: v for k, v in list(resolved.scope.items())[:1]}
        found = self.store.records(route.resource, scope)
        if found:
            return found[0]
        key = next(iter(scope.values()), "global")
        return self.store.put(route.resource, Record(key, {}, dict(scope)))

    def _map_update(self, route: Route, resolved: Resolved, body: dict[str, Any]) -> Record:
        # A null value deletes the key, as the Config Var docs say; others are set.
        rec = self._map(route, resolved)
        data = dict(rec.data)
        for key, value in body.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return self.store.put(route.resource, Record(rec.id, data, dict(rec.parents)))

    def _other(self, route: Route, resolved: Resolved, body: dict[str, Any]) -> Outcome:
        """Actions beyond CRUD (restart, stop, enable...): accepted, state unchanged,
        except a batch update, which updates each object its body names."""
        response = route.action.response
        changed = self.batch_update(route, resolved.scope, body) if body else None
        if changed is not None:
            if response.kind == "list":
                return Outcome(route.status, items=changed)
            return Outcome(route.status, [rec.data for rec in changed])
        if response.kind == "list" and route.action.rel == "resolve" and body:
            return Outcome(route.status, items=self._resolve(route, resolved, body))
        if response.kind == "list":
            return self._list(route, resolved)
        if response.kind == "empty" or route.accepted:
            return Outcome(route.status, {})
        for rec, slot in zip(reversed(resolved.records), reversed(route.slots), strict=False):
            if rec is not None and slot.resource == route.resource:
                return Outcome(route.status, rec.data)
        res = self.spec.resource(route.resource)
        if res is None or not res.attributes:
            return Outcome(route.status, {})
        with self._runtime() as factory:
            return Outcome(route.status, factory.make(res, resolved.scope))


def addon_label(data: dict[str, Any]) -> str:
    """How a release names an add-on: its name, else its plan's."""
    plan = data.get("plan")
    plan_name = plan.get("name") if isinstance(plan, dict) else None
    return str(data.get("name") or plan_name or "an add-on")


def _norm(name: str) -> str:
    return name.replace("-", "").replace("_", "").lower()


def _refers(value: Any, parent_id: str) -> bool:
    return isinstance(value, dict) and value.get("id") == parent_id


def _attribute_names(res: Resource) -> set[str]:
    names = {a.name for a in res.attributes}
    for attr in res.attributes:
        names.update(c.name for c in attr.children)
    return names
