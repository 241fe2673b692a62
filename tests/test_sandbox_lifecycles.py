"""Releases, rollbacks, builds and new apps as Heroku makes them (today's schema,
in-process through ``httpx.ASGITransport``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from heroku_explorer.sandbox import SandboxApp, create_app
from heroku_explorer.sandbox.lifecycles import BUILD_SECONDS, lifecycles_of
from heroku_explorer.schema import load_schema
from heroku_explorer.schema.model import ApiSpec
from tests.test_sandbox_support import HEADERS

#: What the schema's examples would put in answers, which Heroku never sends.
EXAMPLE_LEAKS = ("release-output.heroku.com", "logplex.heroku.com", "Added new feature",
                 "build-output.heroku.com")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def spec(ref_hyper_path: Path) -> ApiSpec:
    return load_schema(ref_hyper_path.read_bytes(), origin=str(ref_hyper_path))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(spec: ApiSpec, clock: Clock) -> SandboxApp:
    return create_app(spec, seed=1, clock=clock)


@pytest.fixture
async def client(app: SandboxApp) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://sandbox.invalid", headers=HEADERS) as c:
        yield c


async def ok(resp: httpx.Response) -> Any:
    assert resp.status_code < 300, resp.text
    return resp.json()


async def new_app(client: httpx.AsyncClient, name: str = "life-app") -> dict[str, Any]:
    made: dict[str, Any] = await ok(await client.post("/apps", json={"name": name}))
    return made


def releases_of(listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(listed, key=lambda r: int(r["version"]))


async def test_a_new_app_has_its_owner_domain_and_features(client: httpx.AsyncClient) -> None:
    await new_app(client)
    account = await ok(await client.get("/account"))
    collaborators = await ok(await client.get("/apps/life-app/collaborators"))
    owners = [c for c in collaborators if c["role"] == "owner"]
    assert [c["user"]["email"] for c in owners] == [account["email"]]
    assert owners[0]["user"]["id"] == account["id"]
    domains = await ok(await client.get("/apps/life-app/domains"))
    assert [(d["hostname"], d["kind"]) for d in domains] == [
        ("life-app.herokuapp.com", "heroku")]
    features = await ok(await client.get("/apps/life-app/features"))
    assert len({f["name"] for f in features}) == len(features) >= 3


async def test_releases_record_changes_and_a_rollback_restores_the_target(
        client: httpx.AsyncClient) -> None:
    await new_app(client)
    await ok(await client.patch("/apps/life-app/config-vars", json={"GREETING": "hello"}))
    await ok(await client.patch("/apps/life-app/config-vars", json={"GREETING": None,
                                                                    "COLOR": "blue"}))
    listed = releases_of(await ok(await client.get("/apps/life-app/releases")))
    assert [r["description"] for r in listed] == [
        "Initial release", "Set GREETING config vars", "Set COLOR and Remove GREETING config vars"]
    assert [r["current"] for r in listed] == [False, False, True]
    v2 = listed[1]
    back = await ok(await client.post("/apps/life-app/releases", json={"release": v2["id"]}))
    assert back["description"] == "Rollback to v2"
    assert back["version"] == 4 and back["current"] is True
    assert back["slug"] == v2["slug"]
    assert back["output_stream_url"] is None
    config = await ok(await client.get("/apps/life-app/config-vars"))
    assert config == {"GREETING": "hello"}
    info = await ok(await client.get(f"/apps/life-app/releases/{back['id']}"))
    assert info["description"] == "Rollback to v2"
    # Rolling back to the first release restores its (empty) config too.
    first = listed[0]
    await ok(await client.post("/apps/life-app/releases", json={"release": first["id"]}))
    assert await ok(await client.get("/apps/life-app/config-vars")) == {}


async def test_a_rollback_to_no_release_is_404(client: httpx.AsyncClient) -> None:
    await new_app(client)
    resp = await client.post("/apps/life-app/releases",
                             json={"release": "01234567-89ab-cdef-0123-456789abcdef"})
    assert resp.status_code == 404
    assert resp.json()["id"] == "not_found"


async def test_a_build_goes_pending_then_succeeds_and_makes_a_release(
        client: httpx.AsyncClient, clock: Clock) -> None:
    await new_app(client)
    build = await ok(await client.post("/apps/life-app/builds", json={"source_blob": {
        "url": "https://example.com/source.tgz", "version": "v1.2.3"}}))
    assert build["status"] == "pending"
    assert build["release"] is None
    assert build["output_stream_url"].startswith(
        f"http://sandbox.invalid/sandbox-streams/builds/{build['id']}?srv=")
    again = await ok(await client.get(f"/apps/life-app/builds/{build['id']}"))
    assert again["status"] == "pending"
    clock.now += BUILD_SECONDS + 0.1
    done = await ok(await client.get(f"/apps/life-app/builds/{build['id']}"))
    assert done["status"] == "succeeded"
    assert done["output_stream_url"] == build["output_stream_url"]
    listed = releases_of(await ok(await client.get("/apps/life-app/releases")))
    assert listed[-1]["id"] == done["release"]["id"]
    assert listed[-1]["description"] == "Deploy v1.2.3"
    assert listed[-1]["current"] is True
    assert listed[-1]["slug"] == done["slug"]
    slug = await ok(await client.get(f"/apps/life-app/slugs/{done['slug']['id']}"))
    assert slug["commit"] == "v1.2.3"


async def test_a_release_from_a_slug_becomes_current(client: httpx.AsyncClient,
                                                      app: SandboxApp, clock: Clock) -> None:
    await new_app(client)
    await ok(await client.post("/apps/life-app/builds", json={"source_blob": {
        "url": "https://example.com/s.tgz"}}))
    clock.now += BUILD_SECONDS
    builds = await ok(await client.get("/apps/life-app/builds"))
    slug_id = builds[0]["slug"]["id"]
    await ok(await client.patch("/apps/life-app/config-vars", json={"B": "2"}))
    made = await ok(await client.post("/apps/life-app/releases", json={"slug": slug_id}))
    assert made["current"] is True and made["description"] == f"Deploy {slug_id[:8]}"
    listed = releases_of(await ok(await client.get("/apps/life-app/releases")))
    assert [r["current"] for r in listed] == [False, False, False, True]
    kept = app.store.get("release", made["id"])
    assert kept is not None and lifecycles_of(app).config_at(kept) == {"B": "2"}


async def test_no_schema_example_url_or_text_leaks(client: httpx.AsyncClient,
                                                   clock: Clock) -> None:
    await new_app(client)
    await ok(await client.patch("/apps/life-app/config-vars", json={"A": "1"}))
    listed = await ok(await client.get("/apps/life-app/releases"))
    await ok(await client.post("/apps/life-app/releases", json={"release": listed[0]["id"]}))
    await ok(await client.post("/apps/life-app/builds", json={"source_blob": {
        "url": "https://example.com/s.tgz"}}))
    clock.now += BUILD_SECONDS + 1
    bodies = [await client.post("/apps/life-app/log-sessions", json={"lines": 3})]
    apps = await ok(await client.get("/apps"))
    for name in [a["name"] for a in apps]:
        for tail in ("releases", "builds"):
            bodies.append(await client.get(f"/apps/{name}/{tail}"))
    for resp in bodies:
        assert resp.status_code < 300, resp.text
        for leak in EXAMPLE_LEAKS:
            assert leak not in resp.text, (resp.url, leak)


async def test_a_build_left_pending_finishes_after_a_restart(spec: ApiSpec,
                                                             tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    first = create_app(spec, seed=1, state_path=state)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=first),
                                 base_url="http://sandbox.invalid", headers=HEADERS) as c:
        await new_app(c)
        build = await ok(await c.post("/apps/life-app/builds", json={"source_blob": {
            "url": "https://example.com/s.tgz"}}))
    first.close()
    again = create_app(spec, seed=1, state_path=state)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=again),
                                 base_url="http://sandbox.invalid", headers=HEADERS) as c:
        done = await ok(await c.get(f"/apps/life-app/builds/{build['id']}"))
    again.close()
    assert done["status"] == "succeeded" and done["release"] is not None
