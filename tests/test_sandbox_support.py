"""Helpers shared by the sandbox tests: clients, and walks derived from the model.

Nothing here knows a schema format: identities, bodies and paths come from the
routes the sandbox compiled and from the schema's own examples.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from heroku_explorer.protocol import accept_header
from heroku_explorer.sandbox import SANDBOX_TOKEN, SandboxApp
from heroku_explorer.sandbox.routes import Route
from heroku_explorer.sandbox.server import BackgroundServer
from heroku_explorer.schema.model import Attribute, Param

HEADERS = {"Accept": accept_header(), "Authorization": f"Bearer {SANDBOX_TOKEN}"}
_SLOT = re.compile(r"\{[^{}]+\}")


@contextmanager
def loopback(app: SandboxApp) -> Iterator[httpx.Client]:
    """A real uvicorn server for ``app`` on a free loopback port, and a client."""
    with BackgroundServer(app) as server, httpx.Client(
        base_url=server.url, headers=HEADERS, timeout=10.0
    ) as client:
        yield client


def test_headers_are_versioned() -> None:
    assert HEADERS["Accept"] == "application/vnd.heroku+json; version=3"


def fill(path: str, values: list[str]) -> str:
    """The path template with its placeholders replaced in order."""
    it = iter(values)
    return _SLOT.sub(lambda _m: next(it), path)


def route(app: SandboxApp, resource: str, kind: str, *, slots: int | None = None,
          under: str | None = None) -> Route:
    """The first route of ``kind`` for ``resource`` (with ``slots`` placeholders, the
    first of them naming an ``under``)."""
    for r in app.router.routes:
        if r.resource != resource or r.kind != kind:
            continue
        if slots is not None and len(r.slots) != slots:
            continue
        if under is not None and (not r.slots or r.slots[0].resource != under):
            continue
        return r
    raise LookupError(f"no {kind} route for {resource}")


def has(app: SandboxApp, resource: str, kind: str) -> bool:
    try:
        route(app, resource, kind)
    except LookupError:
        return False
    return True


class Walker:
    """Finds real identities through the API itself, following list routes."""

    def __init__(self, app: SandboxApp, client: httpx.Client) -> None:
        self.app = app
        self.client = client
        self._cache: dict[str, tuple[list[str], dict[str, Any]]] = {}
        self._busy: set[str] = set()

    def instance(self, resource: str) -> tuple[list[str], dict[str, Any]]:
        """``(slot values of its list path, one object)`` for a listed resource."""
        if resource in self._cache:
            return self._cache[resource]
        if resource in self._busy:  # a list nested under its own kind
            raise LookupError(resource)
        self._busy.add(resource)
        try:
            return self._instance(resource)
        finally:
            self._busy.discard(resource)

    def _instance(self, resource: str) -> tuple[list[str], dict[str, Any]]:
        lists = sorted((r for r in self.app.router.routes
                        if r.resource == resource and r.kind == "list"),
                       key=lambda r: len(r.slots))
        for r in lists:
            try:
                values = self.slot_values(r)
            except LookupError:
                continue
            resp = self.client.get(fill(r.action.path, values))
            if resp.status_code in (200, 206) and resp.json():
                self._cache[resource] = (values, resp.json()[0])
                return self._cache[resource]
        for r in self.app.router.routes:  # not listable: make one
            if r.resource == resource and r.kind == "create":
                values = self.slot_values(r)
                resp = self.client.post(fill(r.action.path, values), json=self.body(r))
                if resp.status_code == r.status:
                    self._cache[resource] = (values, resp.json())
                    return self._cache[resource]
        raise LookupError(f"no {resource} reachable through a list")

    def identity(self, resource: str) -> str:
        if resource == self.app.router.account_resource:
            return "~"
        _values, obj = self.instance(resource)
        return str(obj.get("id") or obj.get("name"))

    def slot_values(self, r: Route) -> list[str]:
        """Values for every placeholder of ``r`` except, for instance routes, the last."""
        slots = r.slots[:-1] if r.kind in ("info", "update", "delete") else r.slots
        out = []
        for slot in slots:
            if slot.resource is None:
                raise LookupError(slot.name)
            out.append(self.identity(slot.resource))
        return out

    def body(self, r: Route, *, required_only: bool = True) -> dict[str, Any]:
        """A body for ``r`` from the schema's examples and real identities."""
        body: dict[str, Any] = {}
        for p in r.action.body_params:
            if required_only and not p.required:
                continue
            body[p.name] = self.value(p)
        return body

    def value(self, p: Param) -> Any:
        if p.identifies:
            return self.identity(p.identifies)
        return example(p.doc)


def example(attr: Attribute) -> Any:
    """A value for an attribute, from its example (or its type when it has none)."""
    if attr.has_example and attr.example is not None:
        return attr.example
    if attr.enum:
        return next(v for v in attr.enum if v is not None)
    if attr.alternatives:
        return example(attr.alternatives[0])
    if attr.nullable:
        return None
    if attr.children:
        return {c.name: example(c) for c in attr.children if c.required}
    if attr.is_array:
        return [example(attr.items)] if attr.items is not None else []
    for name, value in (("boolean", True), ("integer", 1), ("number", 1), ("string", "x"),
                        ("object", {})):
        if name in attr.types:
            return value
    return "x"
