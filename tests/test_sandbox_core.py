"""The core suite over a real loopback server, for both schema formats.

Apps, add-ons, config vars, domains, dynos and releases behave the same whether
the sandbox was built from the bundled 2013 manifest or the modern Hyper-Schema.
Every path and body comes from the routes compiled from the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from heroku_explorer.sandbox import SandboxApp, create_app
from heroku_explorer.sandbox.handlers import addon_label
from heroku_explorer.schema import load_bundled, load_path
from heroku_explorer.schema.model import ApiSpec
from tests.test_sandbox_support import Walker, fill, has, loopback, route


@pytest.fixture(scope="module", params=["bundled", "hyper"])
def spec(request: pytest.FixtureRequest) -> ApiSpec:
    if request.param == "bundled":
        return load_bundled()
    hyper: Path = request.getfixturevalue("ref_hyper_path")
    return load_path(hyper)


@pytest.fixture(scope="module")
def served(spec: ApiSpec) -> Iterator[tuple[SandboxApp, httpx.Client]]:
    app = create_app(spec, seed=7, rate_limit=100_000)
    with loopback(app) as client:
        yield app, client
    app.close()


@pytest.fixture
def app_name(served: tuple[SandboxApp, httpx.Client]) -> str:
    """A fresh app for one test."""
    app, client = served
    resp = client.post(route(app, "app", "create").action.path, json={})
    assert resp.status_code == 201, resp.text
    return str(resp.json()["name"])


def test_apps_crud(served: tuple[SandboxApp, httpx.Client]) -> None:
    app, client = served
    create = route(app, "app", "create")
    resp = client.post(create.action.path, json={"region": "eu"})
    assert resp.status_code == 201
    made = resp.json()
    assert made["region"]["name"] == "eu"
    assert made["owner"]["email"] == app.engine.account().data["email"]  # type: ignore[union-attr]
    info = route(app, "app", "info")
    for ident in (made["id"], made["name"]):
        got = client.get(fill(info.action.path, [ident]))
        assert got.status_code == 200 and got.json() == made
    update = route(app, "app", "update")
    resp = client.patch(fill(update.action.path, [made["name"]]), json={"maintenance": True})
    assert resp.status_code == 200 and resp.json()["maintenance"] is True
    listed = client.get(route(app, "app", "list", slots=0).action.path,
                        headers={"Range": "id ..; max=1000"})
    assert made["id"] in {a["id"] for a in listed.json()}
    delete = route(app, "app", "delete")
    resp = client.delete(fill(delete.action.path, [made["id"]]))
    assert resp.status_code == 200 and resp.json()["id"] == made["id"]
    assert client.get(fill(info.action.path, [made["id"]])).status_code == 404


def test_addons(served: tuple[SandboxApp, httpx.Client], app_name: str) -> None:
    app, client = served
    walker = Walker(app, client)
    create = route(app, "add-on", "create", under="app")
    plan = walker.identity("plan")
    plan_param = create.action.param("plan")
    assert plan_param is not None
    resp = client.post(fill(create.action.path, [app_name]), json={"plan": plan})
    assert resp.status_code == 201, resp.text
    addon = resp.json()
    assert addon["plan"]["id"] == plan
    listing = route(app, "add-on", "list", slots=1, under="app")
    ids = [a["id"] for a in client.get(fill(listing.action.path, [app_name])).json()]
    assert ids == [addon["id"]]
    info = next(r for r in app.router.routes_for("add-on", "info") if len(r.slots) == 2)
    assert client.get(fill(info.action.path, [app_name, addon["id"]])).json() == addon
    delete = route(app, "add-on", "delete", under="app")
    assert client.delete(fill(delete.action.path, [app_name, addon["id"]])).status_code == 200
    assert client.get(fill(listing.action.path, [app_name])).json() == []


def test_config_vars(served: tuple[SandboxApp, httpx.Client], app_name: str) -> None:
    app, client = served
    info = route(app, "config-var", "map-info", slots=1, under="app")
    update = route(app, "config-var", "map-update", under="app")
    url = fill(update.action.path, [app_name])
    resp = client.patch(url, json={"FOO": "bar", "BAZ": "qux"})
    assert resp.status_code == 200 and resp.json() == {"FOO": "bar", "BAZ": "qux"}
    resp = client.patch(url, json={"FOO": None, "NEW": "1"})
    assert resp.json() == {"BAZ": "qux", "NEW": "1"}
    assert client.get(fill(info.action.path, [app_name])).json() == {"BAZ": "qux", "NEW": "1"}
    bad = client.patch(url, json={"NUM": 5})
    assert bad.status_code == 422 and "NUM" in bad.json()["message"]


def test_seeded_apps_have_config_vars(served: tuple[SandboxApp, httpx.Client]) -> None:
    app, client = served
    info = route(app, "config-var", "map-info", slots=1, under="app")
    apps = client.get(route(app, "app", "list", slots=0).action.path).json()
    maps = [client.get(fill(info.action.path, [a["id"]])).json() for a in apps]
    seeded = [m for m in maps if m.get("LANG") == "en_US.UTF-8" and "DATABASE_URL" in m]
    assert len(seeded) >= 4


def test_domains(served: tuple[SandboxApp, httpx.Client], app_name: str) -> None:
    app, client = served
    walker = Walker(app, client)
    create = route(app, "domain", "create", under="app")
    body = walker.body(create)
    body["hostname"] = f"www.{app_name}.example.org"
    resp = client.post(fill(create.action.path, [app_name]), json=body)
    assert resp.status_code == 201, resp.text
    domain = resp.json()
    info = route(app, "domain", "info", under="app")
    got = client.get(fill(info.action.path, [app_name, body["hostname"]]))
    assert got.status_code == 200 and got.json()["id"] == domain["id"]
    again = client.post(fill(create.action.path, [app_name]), json=body)
    assert again.status_code == 422 and "hostname" in again.json()["message"].lower()
    delete = route(app, "domain", "delete", under="app")
    assert client.delete(fill(delete.action.path, [app_name, domain["id"]])).status_code == 200
    assert client.get(fill(info.action.path, [app_name, domain["id"]])).status_code == 404


def test_dynos(served: tuple[SandboxApp, httpx.Client], app_name: str) -> None:
    app, client = served
    create = route(app, "dyno", "create", under="app")
    resp = client.post(fill(create.action.path, [app_name]), json={"command": "bash"})
    assert resp.status_code == 201, resp.text
    dyno = resp.json()
    assert dyno["command"] == "bash" and dyno["name"].startswith("run")
    info = route(app, "dyno", "info", under="app")
    assert client.get(fill(info.action.path, [app_name, dyno["name"]])).json() == dyno
    listing = route(app, "dyno", "list", under="app")
    assert [d["id"] for d in client.get(fill(listing.action.path, [app_name])).json()] == [
        dyno["id"]]
    # Delete removes the dyno where the schema has Delete; elsewhere it restarts it.
    stop = next(r for r in app.router.routes
                if r.resource == "dyno" and r.action.method == "DELETE" and len(r.slots) == 2)
    resp = client.delete(fill(stop.action.path, [app_name, dyno["id"]]))
    assert resp.status_code == stop.status


def test_releases(served: tuple[SandboxApp, httpx.Client]) -> None:
    app, client = served
    name = app.store.records("app")[0].data["name"]  # a seeded app, with four releases
    listing = route(app, "release", "list", under="app")
    releases = client.get(fill(listing.action.path, [name]),
                          headers={"Range": "version ..; order=desc"})
    if "version" not in listing.sort_fields:
        releases = client.get(fill(listing.action.path, [name]))
    assert releases.status_code == 200
    versions = sorted(r["version"] for r in releases.json())
    assert versions == [1, 2, 3, 4]
    info = route(app, "release", "info", under="app")
    got = client.get(fill(info.action.path, [name, "3"]))
    assert got.status_code == 200 and got.json()["version"] == 3
    assert client.get(fill(info.action.path, [name, "99"])).status_code == 404
    if has(app, "release", "create"):
        # Create and Rollback share a path: the body decides which one runs.
        create = route(app, "release", "create", under="app")
        resp = client.post(fill(create.action.path, [name]), json=Walker(app, client).body(
            create))
        assert resp.status_code == 201, resp.text
        assert resp.json()["version"] == 5


def test_changes_to_an_app_make_releases(served: tuple[SandboxApp, httpx.Client],
                                         app_name: str) -> None:
    # As on Heroku: the app's creation is v1, each config change and add-on attached
    # or removed is the next version, and only the newest is current.
    app, client = served
    listing = route(app, "release", "list", under="app")

    def releases() -> list[tuple[int, str, bool]]:
        got = client.get(fill(listing.action.path, [app_name]))
        assert got.status_code == 200, got.text
        return sorted((r["version"], r["description"], r.get("current", True))
                      for r in got.json())

    assert releases() == [(1, "Initial release", True)]
    info = client.get(fill(route(app, "app", "info").action.path, [app_name])).json()
    assert info["released_at"] is not None
    config = route(app, "config-var", "map-update", under="app")
    path = fill(config.action.path, [app_name])
    assert client.patch(path, json={"FOO": "1", "BAR": "2"}).status_code == 200
    assert client.patch(path, json={"FOO": None}).status_code == 200
    made = releases()
    assert [(v, d) for v, d, _ in made] == [
        (1, "Initial release"), (2, "Set BAR, FOO config vars"), (3, "Remove FOO config vars")]
    release = app.engine.spec.resource("release")
    if release is not None and release.attribute("current") is not None:
        assert [current for _, _, current in made] == [False, False, True]
    add = route(app, "add-on", "create", under="app")
    resp = client.post(fill(add.action.path, [app_name]),
                       json=Walker(app, client).body(add))
    assert resp.status_code == 201, resp.text
    label = addon_label(resp.json())
    assert releases()[-1][:2] == (4, f"Attach {label}") and label != "an add-on"
    remove = route(app, "add-on", "delete", under="app")
    assert client.delete(fill(remove.action.path, [app_name, resp.json()["id"]])
                         ).status_code == 200
    assert releases()[-1][:2] == (5, f"Detach {label}")


def test_formation(served: tuple[SandboxApp, httpx.Client]) -> None:
    app, client = served
    name = app.store.records("app")[0].data["name"]
    listing = route(app, "formation", "list", under="app")
    formation = client.get(fill(listing.action.path, [name])).json()
    assert sorted(f["type"] for f in formation) == ["web", "worker"]
    update = route(app, "formation", "update", under="app")
    resp = client.patch(fill(update.action.path, [name, "web"]), json={"quantity": 3})
    assert resp.status_code == 200 and resp.json()["quantity"] == 3
    batch = [r for r in app.router.routes if r.resource == "formation" and r.kind == "other"
             and r.action.method == "PATCH"]
    if batch:  # Batch Update: one body, several formation entries
        resp = client.patch(fill(batch[0].action.path, [name]), json={"updates": [
            {"type": "web", "quantity": 1}, {"type": "worker", "quantity": 4}]})
        assert resp.status_code == 200, resp.text
        assert {f["type"]: f["quantity"] for f in resp.json()} == {"web": 1, "worker": 4}
        resp = client.patch(fill(batch[0].action.path, [name]), json={"updates": [
            {"type": "nope", "quantity": 1}]})
        assert resp.status_code == 404  # as Heroku: "Couldn't find that formation."
        assert resp.json()["message"] == "Couldn't find that formation."


def test_no_route_fails_on_the_server(spec: ApiSpec) -> None:
    """Every action, called with real identities and example bodies, answers
    without a server error (deletes last, so they do not pull the rug)."""
    app = create_app(spec, seed=3, rate_limit=100_000)
    with loopback(app) as client:
        walker = Walker(app, client)
        statuses = []
        for r in sorted(app.router.routes, key=lambda r: r.action.method == "DELETE"):
            try:
                values = walker.slot_values(r)
                if len(values) < len(r.slots):
                    values.append(walker.identity(r.resource))
                body = walker.body(r, required_only=False)
            except LookupError:
                values, body = ["x"] * len(r.slots), {}
            method = r.action.method
            resp = client.request(method, fill(r.action.path, values),
                                  json=body if method in ("POST", "PATCH", "PUT") else None)
            assert resp.status_code < 500, (r.action.id, resp.text)
            statuses.append(resp.status_code)
        assert statuses.count(200) + statuses.count(201) > len(statuses) * 0.6
        head = client.head(route(app, "app", "list", slots=0).action.path)
        assert head.status_code == 200 and head.content == b"" and head.headers["ETag"]
    app.close()
