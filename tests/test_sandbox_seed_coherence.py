"""Seed data that hangs together, on today's schema and the bundled one: every
reference resolves, identity names are unique, formations match the dynos that
run, add-ons have a price; and the schema's own examples, sent as they are, find
objects that exist."""

from __future__ import annotations

import collections
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from heroku_explorer.examples import example_request
from heroku_explorer.sandbox import SandboxApp, create_app
from heroku_explorer.sandbox.presets import DYNO_SIZES
from heroku_explorer.schema import load_bundled, load_schema
from heroku_explorer.schema.model import ApiSpec
from tests.test_sandbox_support import HEADERS

#: References to accounts name other people (collaborators, members): not checked.
_PEOPLE = ("user", "owner")


@pytest.fixture(scope="module", params=["today", "bundled"])
def spec(request: pytest.FixtureRequest, ref_hyper_path: Path) -> ApiSpec:
    if request.param == "today":
        return load_schema(ref_hyper_path.read_bytes(), origin=str(ref_hyper_path))
    return load_bundled()


@pytest.fixture
def app(spec: ApiSpec) -> SandboxApp:
    return create_app(spec, seed=5)


def test_every_reference_resolves(app: SandboxApp) -> None:
    factory, store = app.factory, app.store
    broken = []
    for res in app.spec.resources:
        for rec in store.records(res.key):
            for attr in res.attributes:
                value = rec.data.get(attr.name)
                target = factory.resource_for(attr.name)
                if (not attr.children or not isinstance(value, dict) or target is None
                        or attr.name in _PEOPLE or target == res.key):
                    continue
                ident = {k: value[k] for k in ("id", "name") if value.get(k) is not None}
                if ident and not any(all(r.data.get(k) == v for k, v in ident.items()
                                         if k in r.data) for r in store.records(target)):
                    broken.append((res.key, attr.name, ident))
    assert broken == []


def test_identity_names_are_unique(app: SandboxApp) -> None:
    dups = []
    for res in app.spec.resources:
        by_scope: dict[tuple[Any, ...], collections.Counter[str]] = collections.defaultdict(
            collections.Counter)
        for rec in app.store.records(res.key):
            for attr in res.identity:
                value = rec.data.get(attr.name)
                if attr.name != "id" and value is not None:
                    by_scope[(attr.name, *sorted(rec.parents.items()))][str(value)] += 1
        dups += [(res.key, k[0], v) for k, c in by_scope.items() for v, n in c.items() if n > 1]
    assert dups == []


def test_formations_match_the_dynos_that_run(app: SandboxApp) -> None:
    apps = app.store.records("app")
    assert apps
    for one in apps:
        running = collections.Counter(
            str(d.data.get("type")) for d in app.store.records("dyno", {"app": one.id}))
        formation = {str(f.data.get("type")): f.data.get("quantity")
                     for f in app.store.records("formation", {"app": one.id})}
        assert formation == dict(running)


def test_dyno_sizes_are_heroku_s(app: SandboxApp) -> None:
    if app.spec.resource("dyno-size") is None:
        pytest.skip("the 2013 manifest has no dyno sizes")
    names = [r.data["name"] for r in app.store.records("dyno-size")]
    assert names == [size[0] for size in DYNO_SIZES]
    sizes = set(names)
    for formation in app.store.records("formation"):
        assert formation.data["size"] in sizes
        assert formation.data["dyno_size"]["name"] == formation.data["size"]


def test_add_ons_are_billed_at_their_plan_s_price(app: SandboxApp) -> None:
    res = app.spec.resource("add-on")
    if res is None or res.attribute("billed_price") is None:
        pytest.skip("add-ons have no billed price in this schema")
    plans = {r.data["name"]: r.data for r in app.store.records("plan")}
    for addon in app.store.records("add-on"):
        plan = plans[addon.data["plan"]["name"]]
        assert addon.data["billed_price"]["cents"] == plan["price"]["cents"]
    assert any(a.data["billed_price"]["cents"] > 0 for a in app.store.records("add-on"))


def test_first_objects_carry_the_schema_s_example_ids(app: SandboxApp) -> None:
    checked = 0
    for res in app.spec.resources:
        attr = res.attribute("id")
        records = app.store.records(res.key)
        if attr is None or not attr.has_example or not records or res.key == "account":
            continue
        if isinstance(attr.example, str) and len(attr.example) == 36:
            assert app.store.get(res.key, attr.example) is not None, res.key
            checked += 1
    assert checked >= 10 or app.spec.resource("pipeline") is None


_UUID = re.compile(r"^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$")


def _by_ids(template: str, path: str) -> bool:
    """Does ``path`` fill every placeholder of ``template`` with a uuid?"""
    parts, sent = template.strip("/").split("/"), path.strip("/").split("/")
    return len(parts) == len(sent) and all(
        _UUID.match(value) for part, value in zip(parts, sent, strict=True) if "{" in part)


async def test_examples_then_send_finds_what_they_name(spec: ApiSpec) -> None:
    """Every example request that names objects by the schema's example ids is sent to a
    fresh sandbox: none of them answers 404 for want of the object."""
    missing, sent = [], 0
    for res in spec.resources:
        for action in res.actions:
            request, _problem = example_request(action)
            # Requests that name objects by id alone (bodies may name them otherwise).
            if request is None or action.method == "DELETE" or request.body or not _by_ids(
                    action.path, request.path):
                continue
            sandbox = create_app(spec, seed=5)
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox),
                                         base_url="http://sandbox.invalid",
                                         headers=HEADERS) as client:
                resp = await client.request(request.method, request.path,
                                            params=request.query or None, json=request.body)
            sent += 1
            if resp.status_code == 404:
                missing.append(f"{request.method} {request.path}: {resp.text[:120]}")
    assert sent > 10
    assert missing == []
