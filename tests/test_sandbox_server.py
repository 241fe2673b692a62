"""The bundled schema's sandbox over a real loopback uvicorn server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from heroku_explorer.sandbox import SandboxApp, create_app
from heroku_explorer.schema.model import ApiSpec
from tests.conftest import ROOT
from tests.test_sandbox_support import HEADERS, Walker, fill, loopback, route


@pytest.fixture
def served(spec: ApiSpec) -> Iterator[tuple[SandboxApp, httpx.Client]]:
    app = create_app(spec, seed=11, rate_limit=100_000)
    with loopback(app) as client:
        yield app, client
    app.close()


def _crud_resources(spec: ApiSpec) -> list[str]:
    keys = []
    for res in spec.resources:
        kinds = {a.key for a in res.actions}
        if {"create", "info"} <= kinds and kinds & {"update", "delete"}:
            keys.append(res.key)
    return keys


def test_crud_walk_over_every_resource(served: tuple[SandboxApp, httpx.Client],
                                       spec: ApiSpec) -> None:
    """Create, read, list, update and delete each resource that has those actions."""
    app, client = served
    walker = Walker(app, client)
    walked = []
    for key in _crud_resources(spec):
        create, info = route(app, key, "create"), route(app, key, "info")
        parents = walker.slot_values(create)
        resp = client.post(fill(create.action.path, parents), json=walker.body(create))
        assert resp.status_code == create.status == 201, (key, resp.text)
        made = resp.json()
        ident = made.get("id")
        assert ident, key
        url = fill(info.action.path, [*parents, ident])
        assert client.get(url).json() == made, key
        lists = [r for r in app.router.routes_for(key, "list") if len(r.slots) == len(parents)]
        for r in lists:
            listed = client.get(fill(r.action.path, parents), headers={"Range": "id ..; max=1000"})
            assert ident in {it["id"] for it in listed.json()}, key
        updates = app.router.routes_for(key, "update")
        if updates:
            identities = {p.name for p in updates[0].action.body_params if p.identifies}
            body = {k: v for k, v in walker.body(updates[0], required_only=False).items()
                    if k not in identities}
            resp = client.patch(url, json=body)
            assert resp.status_code == 200, (key, resp.text)
            for name, value in body.items():
                got = resp.json().get(name.partition(":")[0])
                assert got is None or isinstance(got, dict) or got == value, (key, name)
            assert client.get(url).json() == resp.json()
        deletes = app.router.routes_for(key, "delete")
        if deletes:
            resp = client.delete(url)
            assert resp.status_code == 200 and resp.json()["id"] == ident, key
            assert client.get(url).status_code == 404, key
        walked.append(key)
    assert {"app", "add-on", "domain", "dyno", "collaborator", "key", "oauth-client"} <= set(
        walked)


def test_every_list_shows_something_on_first_run(served: tuple[SandboxApp, httpx.Client]) -> None:
    app, client = served
    walker = Walker(app, client)
    for r in app.router.routes:
        if r.kind != "list":
            continue
        resp = client.get(fill(r.action.path, walker.slot_values(r)))
        assert resp.status_code == 200 and resp.json(), r.action.id


def test_paging_2500_items_with_max_1000(served: tuple[SandboxApp, httpx.Client]) -> None:
    app, client = served
    app.populate("app", 2500)
    expected = {r.id for r in app.store.records("app")}
    assert len(expected) == 2504
    seen: list[str] = []
    statuses = []
    header: str | None = "id ..; max=1000"
    while header is not None:
        resp = client.get("/apps", headers={"Range": header})
        statuses.append(resp.status_code)
        assert "Content-Range" in resp.headers
        seen += [a["id"] for a in resp.json()]
        header = resp.headers.get("Next-Range")
    assert statuses == [206, 206, 200]
    assert len(seen) == len(set(seen)) == 2504 and set(seen) == expected
    assert seen == sorted(seen)
    # Backwards by name, too.
    names: list[str] = []
    header = "name ..; max=1000, order=desc"
    while header is not None:
        resp = client.get("/apps", headers={"Range": header})
        names += [a["name"] for a in resp.json()]
        header = resp.headers.get("Next-Range")
    assert names == sorted(names, reverse=True) and len(set(names)) == 2504


def test_error_paths(spec: ApiSpec) -> None:
    app = create_app(spec, rate_limit=12)
    with loopback(app) as client:
        name = client.get("/apps").json()[0]["name"]
        got = client.get(f"/apps/{name}")
        assert client.get(f"/apps/{name}", headers={
            "If-None-Match": got.headers["ETag"]}).status_code == 304
        assert client.patch(f"/apps/{name}", json={"maintenance": True},
                            headers={"If-Match": '"stale"'}).status_code == 412
        assert client.get("/apps", headers={"Authorization": "Bearer nope"}).status_code == 401
        assert client.get("/apps", headers={"Accept": "application/json"}).status_code == 400
        assert client.get("/apps", headers={
            "Accept": "application/vnd.heroku+json; version=9"}).status_code == 406
        assert client.get("/apps/not-an-app").status_code == 404
        assert client.post(f"/apps/{name}/domains", json={}).status_code == 422
        assert client.get("/apps", headers={"Range": "id ..; max=9999"}).status_code == 416
        statuses = [client.get("/regions").status_code for _ in range(8)]
        assert statuses[-1] == 429 and 200 in statuses
        assert client.get("/account/rate-limits").json() == {"remaining": 0}
    app.close()


def test_deprecated_stack_warns(served: tuple[SandboxApp, httpx.Client]) -> None:
    _app, client = served
    apps = client.get("/apps").json()
    old = next(a for a in apps if a["stack"] == "heroku-20")
    resp = client.get(f"/apps/{old['id']}")
    assert resp.headers["Warning-Id"] == "stack_deprecated"
    assert "deprecated" in resp.headers["Warning-Message"]
    assert resp.headers["X-Heroku-Warning"] == resp.headers["Warning-Message"]
    new = next(a for a in apps if a["stack"] != "heroku-20")
    headers = client.get(f"/apps/{new['id']}").headers
    assert not {"Warning-Id", "Warning-Message", "X-Heroku-Warning"} & set(headers)


def test_twenty_concurrent_writers_lose_nothing(served: tuple[SandboxApp, httpx.Client]) -> None:
    """Twenty clients each add their own config vars, then bump a shared counter
    with If-Match (retrying on 412): every key and every increment lands."""
    _app, client = served
    name = client.get("/apps").json()[0]["name"]
    url = f"{str(client.base_url).rstrip('/')}/apps/{name}/config-vars"
    client.patch(url, json={"COUNTER": "0"})
    errors: list[Any] = []

    def writer(n: int) -> None:
        with httpx.Client(headers=HEADERS, timeout=10.0) as c:
            for i in range(5):
                r = c.patch(url, json={f"W{n}_{i}": str(i)})
                if r.status_code != 200:
                    errors.append(r.text)
            for _ in range(2):
                while True:
                    cur = c.get(url)
                    value = int(cur.json()["COUNTER"]) + 1
                    r = c.patch(url, json={"COUNTER": str(value)},
                                headers={"If-Match": cur.headers["ETag"]})
                    if r.status_code == 200:
                        break
                    assert r.status_code == 412, r.text

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = client.get(url).json()
    assert not errors
    assert final["COUNTER"] == "40"
    assert {f"W{n}_{i}" for n in range(20) for i in range(5)} <= set(final)


class WellBehavedClient:
    """Like the Heroku API client libraries: ``Range: id ..; max=1000`` on every
    request, lists or not, following ``Next-Range`` while the answer is a 206."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, headers={
            **HEADERS, "Range": "id ..; max=1000", "User-Agent": "well-behaved/1.0"})

    def request(self, method: str, path: str, body: Any = None) -> Any:
        resp = self.http.request(method, path, json=body)
        resp.raise_for_status()
        data = resp.json()
        while resp.status_code == 206:
            resp = self.http.request(method, path, headers={"Range": resp.headers["Next-Range"]})
            resp.raise_for_status()
            data += resp.json()
        return data


def test_a_well_behaved_client_works_unchanged(served: tuple[SandboxApp, httpx.Client]) -> None:
    app, client = served
    app.populate("app", 1500)
    heroku = WellBehavedClient(str(client.base_url))
    apps = heroku.request("GET", "/apps")
    assert len(apps) == len({a["id"] for a in apps}) == 1504
    made = heroku.request("POST", "/apps", {"region": "eu"})
    assert heroku.request("GET", f"/apps/{made['name']}")["id"] == made["id"]
    assert heroku.request("PATCH", f"/apps/{made['id']}", {"maintenance": True})["maintenance"]
    heroku.request("PATCH", f"/apps/{made['id']}/config-vars", {"A": "1"})
    assert heroku.request("GET", f"/apps/{made['id']}/config-vars") == {"A": "1"}
    assert heroku.request("GET", "/account/rate-limits")["remaining"] > 0
    plans = heroku.request("GET", "/addon-services/heroku-postgresql/plans")
    addon = heroku.request("POST", f"/apps/{made['id']}/addons", {"plan": plans[0]["name"]})
    assert heroku.request("GET", f"/apps/{made['id']}/addons")[0]["id"] == addon["id"]
    heroku.request("DELETE", f"/apps/{made['id']}")
    assert len(heroku.request("GET", "/apps")) == 1504
    heroku.http.close()


def test_state_survives_a_restart(spec: ApiSpec, tmp_path: Path) -> None:
    state = tmp_path / "private" / "sandbox.db"
    app = create_app(spec, seed=5, state_path=state)
    with loopback(app) as client:
        made = client.post("/apps", json={"name": "kept-app"}).json()
        client.patch("/apps/kept-app/config-vars", json={"KEEP": "me"})
        first = client.get("/apps").json()
    app.close()
    assert oct(state.stat().st_mode & 0o777) == "0o600"
    assert oct(state.parent.stat().st_mode & 0o777) == "0o700"
    again = create_app(spec, seed=99, state_path=state)  # the seed no longer matters
    with loopback(again) as client:
        assert client.get("/apps").json() == first
        assert client.get("/apps/kept-app").json() == made
        assert client.get("/apps/kept-app/config-vars").json() == {"KEEP": "me"}
    again.close()


def _spawn(state: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "heroku_explorer.sandbox.cli_entry", "--port", "0",
         "--state", str(state), "--seed", "4"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    url = line.rsplit(" at ", 1)[-1].strip()
    assert url.startswith("http://127.0.0.1:"), line + (proc.stderr.read() if proc.stderr else "")
    token = proc.stdout.readline()
    assert token.strip() == "Token: sandbox-token"
    return proc, url


def test_nothing_is_lost_after_sigkill(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    proc, url = _spawn(state)
    try:
        with httpx.Client(base_url=url, headers=HEADERS) as client:
            made = client.post("/apps", json={"name": "survivor"})
            assert made.status_code == 201
            client.patch("/apps/survivor/config-vars", json={"ALIVE": "yes"})
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    proc, url = _spawn(state)
    try:
        with httpx.Client(base_url=url, headers=HEADERS) as client:
            assert client.get("/apps/survivor").json() == made.json()
            assert client.get("/apps/survivor/config-vars").json() == {"ALIVE": "yes"}
    finally:
        proc.terminate()
        proc.wait(10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_cli_entry_rejects_a_bad_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    from heroku_explorer.sandbox.cli_entry import main

    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert main(["--schema", str(bad)]) == 2
    assert "bad.json" in capsys.readouterr().err
    assert main(["--schema", str(tmp_path / "missing.json")]) == 2
