"""The protocol, in-process through ``httpx.ASGITransport``."""

from __future__ import annotations

import base64
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from heroku_explorer import protocol
from heroku_explorer.sandbox import SANDBOX_TOKEN, SandboxApp, create_app
from tests.test_sandbox_support import HEADERS
from tests.test_sandbox_units import mini_spec

SCHEMA = b'{"title": "mini, byte for byte"}\n'


@pytest.fixture
def app() -> SandboxApp:
    return create_app(mini_spec(), seed=3, schema_bytes=SCHEMA)


@pytest.fixture
async def client(app: SandboxApp) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://sandbox", headers=HEADERS) as c:
        yield c


async def first_app(client: httpx.AsyncClient) -> dict[str, object]:
    resp = await client.get("/apps")
    data: list[dict[str, object]] = resp.json()
    return data[0]


async def test_every_answer_has_request_id_and_rate_limit(client: httpx.AsyncClient) -> None:
    for resp in [await client.get("/apps"), await client.get("/nope"),
                 await client.get("/apps", headers={"Accept": "application/json"})]:
        uuid.UUID(resp.headers["Request-Id"])
        assert resp.headers["RateLimit-Remaining"].isdigit()
    ok = await client.get("/apps")
    assert ok.headers["ETag"].startswith('"')


@pytest.mark.parametrize(("accept", "status", "error_id"), [
    (None, 400, "missing_version"),
    ("application/json", 400, "missing_version"),
    ("application/vnd.heroku+json", 400, "missing_version"),
    ("application/vnd.heroku+json; version=2", 406, "not_acceptable"),
])
async def test_without_the_versioned_accept(client: httpx.AsyncClient, accept: str | None,
                                            status: int, error_id: str) -> None:
    headers = {"Authorization": HEADERS["Authorization"]}
    if accept is not None:
        headers["Accept"] = accept
    async with httpx.AsyncClient(transport=client._transport, base_url="http://sandbox") as raw:
        resp = await raw.get("/apps", headers=headers)
    assert resp.status_code == status and resp.json()["id"] == error_id


async def test_variants_are_accepted(client: httpx.AsyncClient) -> None:
    resp = await client.get("/apps", headers={"Accept": protocol.accept_header("3.sdk")})
    assert resp.status_code == 200


@pytest.mark.parametrize("auth", [None, "Bearer wrong", "Token sandbox-token",
                                  "Basic " + base64.b64encode(b"me@example.com:wrong").decode(),
                                  "Basic !!!"])
async def test_401(client: httpx.AsyncClient, auth: str | None) -> None:
    headers = {"Accept": HEADERS["Accept"]}
    if auth is not None:
        headers["Authorization"] = auth
    async with httpx.AsyncClient(transport=client._transport, base_url="http://sandbox") as raw:
        resp = await raw.get("/apps", headers=headers)
    assert resp.status_code == 401 and resp.json()["id"] == "unauthorized"


@pytest.mark.parametrize("login", [b"", b"someone@example.com"])
async def test_basic_auth_with_the_token_as_password(client: httpx.AsyncClient,
                                                     login: bytes) -> None:
    cred = base64.b64encode(login + b":" + SANDBOX_TOKEN.encode()).decode()
    resp = await client.get("/apps", headers={"Authorization": f"Basic {cred}"})
    assert resp.status_code == 200


async def test_etag_304_and_412(client: httpx.AsyncClient) -> None:
    app = await first_app(client)
    url = f"/apps/{app['id']}"
    got = await client.get(url)
    etag = got.headers["ETag"]
    cached = await client.get(url, headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""
    assert cached.headers["ETag"] == etag
    listed = await client.get("/apps")
    again = await client.get("/apps", headers={"If-None-Match": listed.headers["ETag"]})
    assert again.status_code == 304
    stale = await client.patch(url, json={"maintenance": True}, headers={"If-Match": '"old"'})
    assert stale.status_code == 412 and stale.json()["id"] == "precondition_failed"
    assert (await client.get(url)).json() == got.json()
    fresh = await client.patch(url, json={"maintenance": True}, headers={"If-Match": etag})
    assert fresh.status_code == 200 and fresh.json()["maintenance"] is True
    changed = await client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


async def test_404s(client: httpx.AsyncClient) -> None:
    for path in ("/nope", "/apps/no-such-app", "/apps/no-such-app/config-vars",
                 f"/regions/{uuid.uuid4()}"):
        resp = await client.get(path)
        assert resp.status_code == 404 and resp.json()["id"] == "not_found", path


async def test_422s_name_the_field(client: httpx.AsyncClient) -> None:
    app = await first_app(client)
    cases = [({"name": 42}, "name"), ({"colour": "red"}, "colour"),
             ({"name": "Bad_Name"}, "name"), ({"name": app["name"]}, "taken"),
             ({"maintenance": "on"}, "maintenance")]
    for body, word in cases:
        resp = await client.post("/apps", json=body)
        assert resp.status_code == 422, body
        assert resp.json()["id"] == "invalid_params"
        assert word in resp.json()["message"], resp.json()
    mars = await client.post("/apps", json={"region": "mars"})
    assert (mars.status_code, mars.json()) == (404, {
        "id": "not_found", "message": "Couldn't find that region."})
    bad_json = await client.post("/apps", content=b"{nope", headers={
        "Content-Type": "application/json"})
    assert bad_json.status_code == 400 and bad_json.json()["id"] == "bad_request"


async def test_create_info_update_delete(client: httpx.AsyncClient) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    made = await client.post("/apps", json={"region": "eu"})
    assert made.status_code == 201
    app = made.json()
    assert app["name"].count("-") == 2  # a generated Heroku-style name
    assert app["region"]["name"] == "eu" and app["owner"]["email"] == "developer@example.com"
    created = datetime.fromisoformat(app["created_at"].replace("Z", "+00:00"))
    assert created >= before
    renamed = await client.patch(f"/apps/{app['name']}", json={"name": "renamed-app"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "renamed-app"
    assert (await client.get("/apps/renamed-app")).json()["id"] == app["id"]
    gone = await client.delete("/apps/renamed-app")
    assert gone.status_code == 200 and gone.json()["id"] == app["id"]
    assert (await client.get(f"/apps/{app['id']}")).status_code == 404
    assert (await client.get(f"/apps/{app['id']}/config-vars")).status_code == 404


async def test_method_override_on_post(client: httpx.AsyncClient) -> None:
    app = await first_app(client)
    url = f"/apps/{app['id']}"
    resp = await client.post(url, json={"maintenance": True},
                             headers={"X-Http-Method-Override": "PATCH"})
    assert resp.status_code == 200 and resp.json()["maintenance"] is True
    resp = await client.post(url, headers={"X-Http-Method-Override": "DELETE"})
    assert resp.status_code == 200
    assert (await client.get(url)).status_code == 404


async def test_ranges(client: httpx.AsyncClient, app: SandboxApp) -> None:
    app.populate("app", 30)
    first = await client.get("/apps", headers={"Range": "name ..; max=10"})
    assert first.status_code == 206
    assert first.headers["Accept-Ranges"] == "id, name, created_at, updated_at"
    assert first.headers["Content-Range"].startswith("name ")
    names = [a["name"] for a in first.json()]
    assert names == sorted(names) and len(names) == 10
    nxt = first.headers["Next-Range"]
    second = await client.get("/apps", headers={"Range": nxt})
    assert second.json()[0]["name"] > names[-1]
    for bad in ("colour ..", "id ..; max=5000", "id ..; order=sideways", "nonsense"):
        resp = await client.get("/apps", headers={"Range": bad})
        assert resp.status_code == 416, bad
        assert resp.json()["id"] == "requested_range_not_satisfiable"
    one = await client.get(f"/apps/{names[0]}", headers={"Range": "id ..; max=1"})
    assert one.status_code == 200 and "Content-Range" not in one.headers


async def test_429_and_rate_limits_endpoint() -> None:
    now = [0.0]
    app = create_app(mini_spec(), rate_limit=3, clock=lambda: now[0])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://sandbox", headers=HEADERS) as client:
        remaining = [int((await client.get("/apps")).headers["RateLimit-Remaining"])
                     for _ in range(3)]
        assert remaining == [2, 1, 0]
        limited = await client.get("/apps")
        assert limited.status_code == 429 and limited.json()["id"] == "rate_limit"
        assert protocol.parse_retry_after(limited.headers["Retry-After"]) == 1200.0
        free = await client.get("/account/rate-limits")
        assert free.status_code == 200 and free.json() == {"remaining": 0}
        now[0] = 1200.0
        assert (await client.get("/apps")).status_code == 200


async def test_config_vars_null_deletes(client: httpx.AsyncClient) -> None:
    app = await first_app(client)
    url = f"/apps/{app['name']}/config-vars"
    before = (await client.get(url)).json()
    assert "LANG" in before
    after = await client.patch(url, json={"LANG": None, "FOO": "bar"})
    expected = {k: v for k, v in before.items() if k != "LANG"} | {"FOO": "bar"}
    assert after.json() == expected == (await client.get(url)).json()


async def test_schema_and_head(client: httpx.AsyncClient) -> None:
    async with httpx.AsyncClient(transport=client._transport, base_url="http://sandbox") as raw:
        schema = await raw.get("/schema", headers={"Accept": HEADERS["Accept"]})
        assert schema.status_code == 200 and schema.content == SCHEMA
        assert (await raw.get("/schema")).status_code == 400
    head = await client.head("/apps")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["ETag"] == (await client.get("/apps")).headers["ETag"]


async def test_account_and_tilde(client: httpx.AsyncClient) -> None:
    account = (await client.get("/account")).json()
    assert account["email"] == "developer@example.com"


def test_the_package_stays_light() -> None:
    code = ("import sys, heroku_explorer.sandbox, heroku_explorer.sandbox.server, "
            "heroku_explorer.sandbox.cli_entry\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'prompt_toolkit',"
            " 'uvicorn') or m.startswith('heroku_explorer.client')]\n"
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
