"""The sandbox's generic rules, as Heroku answers them, on today's schema and the
bundled one, in-process through ``httpx.ASGITransport``: list ordering, the 202 of
``rel: empty`` actions, coercions and explicit nulls, identities in paths and
bodies, 404 where Heroku has nothing, and errors worded as Heroku's."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from heroku_explorer.sandbox import SandboxApp, create_app
from heroku_explorer.schema import load_bundled, load_path
from heroku_explorer.schema.model import ApiSpec
from tests.test_sandbox_support import HEADERS, fill, has, route


@pytest.fixture(scope="module")
def today_spec(ref_hyper_path: Path) -> ApiSpec:
    return load_path(ref_hyper_path)


@pytest.fixture(scope="module")
def bundled_spec() -> ApiSpec:
    return load_bundled()


@pytest.fixture(params=["today", "bundled"])
def spec(request: pytest.FixtureRequest) -> ApiSpec:
    found: ApiSpec = request.getfixturevalue(f"{request.param}_spec")
    return found


@pytest.fixture
def app(spec: ApiSpec) -> SandboxApp:
    return create_app(spec, seed=5, rate_limit=100_000)


@pytest.fixture
async def client(app: SandboxApp) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://sandbox", headers=HEADERS) as c:
        yield c


@pytest.fixture
def today_app(today_spec: ApiSpec) -> SandboxApp:
    return create_app(today_spec, seed=5, rate_limit=100_000)


@pytest.fixture
async def today(today_app: SandboxApp) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=today_app),
                                 base_url="http://sandbox", headers=HEADERS) as c:
        yield c


def seeded_app(app: SandboxApp) -> str:
    """The name of a seeded app with releases."""
    for rec in app.store.records("app"):
        if app.store.records("release", {"app": rec.id}):
            return str(rec.data["name"])
    raise AssertionError("no seeded app has releases")


async def new_app(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    resp = await client.post("/apps", json=body)
    assert resp.status_code == 201, resp.text
    made: dict[str, Any] = resp.json()
    return made


# -- 1. list ordering -------------------------------------------------------------

async def test_releases_default_to_version_order_and_take_a_descending_range(
        app: SandboxApp, client: httpx.AsyncClient) -> None:
    name = seeded_app(app)
    for _ in range(3):  # more releases: config changes each make one
        resp = await client.patch(f"/apps/{name}/config-vars", json={"K": "v"})
        assert resp.status_code == 200, resp.text
    plain = await client.get(f"/apps/{name}/releases")
    assert plain.status_code == 200
    versions = [r["version"] for r in plain.json()]
    assert versions == sorted(versions) and len(versions) >= 4
    assert plain.headers["Accept-Ranges"].split(", ")[0] == "version"
    assert plain.headers["Content-Range"].startswith(f"version {versions[0]}..{versions[-1]}")
    newest = await client.get(f"/apps/{name}/releases",
                              headers={"Range": "version ..; order=desc, max=1"})
    assert newest.status_code in (200, 206)
    assert [r["version"] for r in newest.json()] == [versions[-1]]
    older = await client.get(f"/apps/{name}/releases",
                             headers={"Range": newest.headers["Next-Range"]})
    assert [r["version"] for r in older.json()] == [versions[-2]]


async def test_every_listed_sort_attribute_is_accepted(app: SandboxApp,
                                                       client: httpx.AsyncClient) -> None:
    name = seeded_app(app)
    for path in ("/apps", f"/apps/{name}/releases", f"/apps/{name}/domains",
                 f"/apps/{name}/dynos"):
        listed = await client.get(path)
        assert listed.status_code == 200, path
        accepted = listed.headers["Accept-Ranges"].split(", ")
        assert "id" in accepted
        for attr in accepted:
            resp = await client.get(path, headers={"Range": f"{attr} ..; order=desc"})
            assert resp.status_code == 200, (path, attr, resp.text)
            assert resp.headers["Content-Range"].startswith(f"{attr} ")
            assert len(resp.json()) == len(listed.json())


async def test_domains_order_by_hostname_and_its_domain_alias(
        app: SandboxApp, client: httpx.AsyncClient) -> None:
    name = seeded_app(app)
    create = route(app, "domain", "create")
    assert create.action.body is not None
    extra = {p.name: None for p in create.action.body.params if p.name == "sni_endpoint"}
    for host in ("b.example.com", "a.example.com", "c.example.com"):
        resp = await client.post(f"/apps/{name}/domains", json={"hostname": host, **extra})
        assert resp.status_code == 201, resp.text
    for attr in ("hostname", "domain"):
        resp = await client.get(f"/apps/{name}/domains", headers={"Range": f"{attr} ..; max=2"})
        assert resp.status_code == 206, resp.text
        hosts = [d["hostname"] for d in resp.json()]
        everything = [d["hostname"] for d in (await client.get(f"/apps/{name}/domains")).json()]
        assert hosts == sorted(everything)[:2]
        assert resp.headers["Next-Range"].startswith(f"{attr} ]{hosts[-1]}..")


async def test_timestamps_order_the_apps(client: httpx.AsyncClient) -> None:
    resp = await client.get("/apps", headers={"Range": "created_at ..; order=desc"})
    assert resp.status_code == 200
    stamps = [a["created_at"] for a in resp.json()]
    assert stamps == sorted(stamps, reverse=True)


async def test_an_unknown_range_key_is_a_416_naming_what_is_accepted(
        client: httpx.AsyncClient) -> None:
    resp = await client.get("/apps", headers={"Range": "colour .."})
    assert resp.status_code == 416
    message = resp.json()["message"]
    assert "colour" in message and "id, name" in message and "'" not in message


# -- 3. 202 Accepted ---------------------------------------------------------------

async def test_dyno_actions_answer_202_with_an_empty_object(
        today_app: SandboxApp, today: httpx.AsyncClient) -> None:
    name = seeded_app(today_app)
    dynos = (await today.get(f"/apps/{name}/dynos")).json()
    assert dynos
    dyno = dynos[0]["name"]
    for method, path in (("DELETE", f"/apps/{name}/dynos/{dyno}"),
                         ("DELETE", f"/apps/{name}/dynos"),
                         ("POST", f"/apps/{name}/dynos/{dyno}/actions/stop")):
        resp = await today.request(method, path)
        assert (resp.status_code, resp.json()) == (202, {}), (method, path, resp.text)
    resp = await today.delete(f"/apps/{name}/dynos/no-such-dyno")
    assert resp.status_code == 404


def test_documented_statuses_win(bundled_spec: ApiSpec) -> None:
    app = create_app(bundled_spec)
    delete = route(app, "dyno", "delete")
    assert delete.action.statuses_documented and delete.status == 200
    assert has(app, "dyno", "list") and fill("/apps/{x}", ["a"]) == "/apps/a"


# -- 2. coercions and explicit nulls -------------------------------------------------

async def test_a_whole_number_written_as_text_is_a_quantity(app: SandboxApp,
                                                            client: httpx.AsyncClient) -> None:
    name = seeded_app(app)
    resp = await client.patch(f"/apps/{name}/formation/web", json={"quantity": "2"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["quantity"] == 2
    refused = await client.patch(f"/apps/{name}/formation/web", json={"quantity": "two"})
    assert refused.status_code == 422
    assert refused.json()["message"].startswith("Invalid params: quantity")
    body = route(app, "formation", "update").action.body
    assert body is not None
    whole = "integer" in next(p for p in body.params if p.name == "quantity").doc.types
    for bad in ("", "0x10", "1e3", " ", *(("2.5",) if whole else ())):
        resp = await client.patch(f"/apps/{name}/formation/web", json={"quantity": bad})
        assert resp.status_code == 422, bad


async def test_batch_updates_take_quantities_as_text(today_app: SandboxApp,
                                                     today: httpx.AsyncClient) -> None:
    name = seeded_app(today_app)
    resp = await today.patch(f"/apps/{name}/formation", json={"updates": [
        {"type": "web", "quantity": "2"}]})
    assert resp.status_code == 200, resp.text
    assert [f["quantity"] for f in resp.json()] == [2]


async def test_an_explicit_null_for_an_optional_parameter_is_not_given(
        app: SandboxApp, client: httpx.AsyncClient) -> None:
    name = seeded_app(app)
    resp = await client.post(f"/apps/{name}/dynos", json={"command": "bash", "size": None,
                                                           "attach": False})
    assert resp.status_code == 201, resp.text
    assert resp.json()["size"] is not None
    required = await client.post(f"/apps/{name}/dynos", json={"command": None})
    assert required.status_code == 422
    assert "command" in required.json()["message"]


async def test_zero_and_one_are_booleans_as_heroku_reads_them(
        app: SandboxApp, client: httpx.AsyncClient) -> None:
    name = seeded_app(app)
    on = await client.patch(f"/apps/{name}", json={"maintenance": 1})
    assert on.status_code == 200 and on.json()["maintenance"] is True
    off = await client.patch(f"/apps/{name}", json={"maintenance": 0})
    assert off.status_code == 200 and off.json()["maintenance"] is False
    for bad in (2, "on", "yes"):
        resp = await client.patch(f"/apps/{name}", json={"maintenance": bad})
        assert resp.status_code == 422, bad


# -- 6. errors read as Heroku's ------------------------------------------------------

async def test_errors_are_worded_as_herokus(client: httpx.AsyncClient) -> None:
    mars = await client.post("/apps", json={"region": "mars"})
    assert (mars.status_code, mars.json()) == (404, {
        "id": "not_found", "message": "Couldn't find that region."})
    missing = await client.get("/apps/no-such-app/releases")
    assert missing.json() == {"id": "not_found", "message": "Couldn't find that app."}
    nowhere = await client.get("/nowhere")
    assert nowhere.status_code == 404 and "API endpoint was not found" in nowhere.json()[
        "message"]
    for body in ({"name": 42}, {"maintenance": "on"}, {"region": {"name": ["x"]}},
                 {"name": "Bad_Name"}, {"colour": "red"}):
        resp = await client.post("/apps", json=body)
        assert resp.status_code == 422, body
        message = resp.json()["message"]
        field = next(iter(body))
        assert message.startswith(f"Invalid params: {field}"), message
        assert message.endswith(".") and "{'" not in message and "['" not in message


# -- 7. one value checker --------------------------------------------------------------

FORMAT_CASES = [
    ("email", "user@example.com", True), ("email", "not-an-email", False),
    ("email", "a@b", False),
    ("date-time", "2012-01-01T12:00:00Z", True), ("date-time", "2012-01-01", False),
    ("date-time", "2012-13-01T00:00:00Z", False),
    ("uuid", "01234567-89ab-cdef-0123-456789abcdef", True),
    ("uuid", "0123456789abcdef0123456789abcdef", False),
    ("uuid", "{01234567-89ab-cdef-0123-456789abcdef}", False),
    ("uri", "https://example.com/x", True), ("uri", "not a uri", False),
    ("ipv4", "192.0.2.1", True), ("ipv4", "192.0.2.256", False),
    ("date", "2012-01-01", True), ("date", "2012-02-30", False),
]


@pytest.mark.parametrize(("fmt", "value", "ok"), FORMAT_CASES)
def test_the_sandbox_and_the_request_builder_agree(fmt: str, value: str, ok: bool) -> None:
    from heroku_explorer.errors import ValidationError
    from heroku_explorer.sandbox.validate import ParamError, check_value
    from heroku_explorer.schema.model import Attribute
    from heroku_explorer.values import conform

    attr = Attribute(name="field", path=("field",), types=("string",), format=fmt)
    errors: list[ValidationError] = []
    conform(attr, value, "field", errors)
    assert (not errors) is ok
    try:
        check_value(attr, value, "field")
        sandbox_ok = True
    except ParamError:
        sandbox_ok = False
    assert sandbox_ok is ok


async def test_a_domain_hostname_is_a_host_name_not_a_uri(
        today_app: SandboxApp, today: httpx.AsyncClient) -> None:
    create = route(today_app, "domain", "create")
    assert create.action.body is not None
    assert create.action.body.params[0].doc.format == "uri"  # today's schema says so
    name = seeded_app(today_app)
    for host in ("www.example.com", "*.example.org"):
        resp = await today.post(f"/apps/{name}/domains", json={"hostname": host,
                                                                "sni_endpoint": None})
        assert resp.status_code == 201, resp.text
        assert resp.json()["hostname"] == host
    bad = await today.post(f"/apps/{name}/domains", json={"hostname": "not a host",
                                                           "sni_endpoint": None})
    assert bad.status_code == 422 and "hostname" in bad.json()["message"]


# -- 4. identities in paths and bodies ---------------------------------------------------

async def test_a_body_names_an_app_by_id_or_name(today_app: SandboxApp,
                                                 today: httpx.AsyncClient) -> None:
    pipeline = (await today.get("/pipelines")).json()[0]["id"]
    made = await new_app(today)
    for ident, stage in ((made["name"], "staging"), (made["id"], "production")):
        resp = await today.post("/pipeline-couplings", json={
            "app": ident, "pipeline": pipeline, "stage": stage})
        assert resp.status_code == 201, resp.text
        assert resp.json()["app"]["id"] == made["id"]
    missing = await today.post("/pipeline-couplings", json={
        "app": "no-such-app", "pipeline": pipeline, "stage": "staging"})
    assert (missing.status_code, missing.json()["message"]) == (404, "Couldn't find that app.")


async def test_a_path_names_an_object_by_every_identity(app: SandboxApp,
                                                        client: httpx.AsyncClient) -> None:
    name = seeded_app(app)
    release = (await client.get(f"/apps/{name}/releases")).json()[-1]
    for ident in (release["id"], str(release["version"])):
        got = await client.get(f"/apps/{name}/releases/{ident}")
        assert got.status_code == 200 and got.json()["id"] == release["id"]
    owned = app.spec.action("app.list-owned-and-collaborated")
    if owned is None:
        return  # the 2013 manifest has no /users/{account}/apps
    account = (await client.get("/account")).json()
    for ident in ("~", account["email"], account["id"]):
        resp = await client.get(fill(owned.path, [ident]))
        assert resp.status_code == 200, ident
    assert (await client.get(fill(owned.path, ["nobody@example.com"]))).status_code == 404


async def test_a_nested_object_describing_a_new_app_makes_it(
        today_app: SandboxApp, today: httpx.AsyncClient) -> None:
    resp = await today.post("/app-setups", json={
        "app": {"name": "from-a-setup", "region": "eu"},
        "source_blob": {"url": "https://example.com/app.tgz"}})
    assert resp.status_code == 201, resp.text
    made = await today.get("/apps/from-a-setup")
    assert made.status_code == 200
    assert resp.json()["app"] == {"id": made.json()["id"], "name": "from-a-setup"}
    assert made.json()["region"]["name"] == "eu"
    again = await today.post("/app-setups", json={
        "app": {"name": "from-a-setup"}, "source_blob": {"url": "https://example.com/a.tgz"}})
    assert again.status_code == 422 and "taken" in again.json()["message"]


async def test_a_promotion_resolves_the_apps_inside_source_and_targets(
        today_app: SandboxApp, today: httpx.AsyncClient) -> None:
    pipeline = (await today.get("/pipelines")).json()[0]["id"]
    source, target = await new_app(today), await new_app(today)
    resp = await today.post("/pipeline-promotions", json={
        "pipeline": {"id": pipeline}, "source": {"app": {"id": source["id"]}},
        "targets": [{"app": {"id": target["id"]}}]})
    assert resp.status_code == 201, resp.text
    assert resp.json()["source"]["app"]["id"] == source["id"]
    missing = await today.post("/pipeline-promotions", json={
        "pipeline": {"id": pipeline}, "source": {"app": {"id": str(uuid.uuid4())}},
        "targets": [{"app": {"id": target["id"]}}]})
    assert (missing.status_code, missing.json()["message"]) == (404, "Couldn't find that app.")


# -- 5. 404 where Heroku has nothing -----------------------------------------------------

async def test_a_new_app_has_no_pipeline_coupling(today_app: SandboxApp,
                                                  today: httpx.AsyncClient) -> None:
    made = await new_app(today)
    resp = await today.get(f"/apps/{made['name']}/pipeline-couplings")
    assert (resp.status_code, resp.json()) == (404, {
        "id": "not_found", "message": "Couldn't find that pipeline coupling."})
    pipeline = (await today.get("/pipelines")).json()[0]["id"]
    coupled = await today.post("/pipeline-couplings", json={
        "app": made["id"], "pipeline": pipeline, "stage": "staging"})
    assert coupled.status_code == 201
    resp = await today.get(f"/apps/{made['name']}/pipeline-couplings")
    assert resp.status_code == 200 and resp.json()["id"] == coupled.json()["id"]
    listed = await today.get(f"/pipelines/{pipeline}/pipeline-couplings")
    assert coupled.json()["id"] in {c["id"] for c in listed.json()}
    assert all(c["pipeline"]["id"] == pipeline for c in listed.json())


async def test_a_deprecated_attribute_is_still_taken_and_fills_its_successor(
        today_app: SandboxApp, today: httpx.AsyncClient) -> None:
    update = route(today_app, "formation", "update")
    assert update.action.body is not None
    assert "size" not in {p.name for p in update.action.body.params}  # only dyno_size
    name = seeded_app(today_app)
    size = (await today.get("/dyno-sizes")).json()[-1]
    resp = await today.patch(f"/apps/{name}/formation/web", json={"size": size["name"]})
    assert resp.status_code == 200, resp.text
    assert resp.json()["size"] == size["name"]
    assert resp.json()["dyno_size"]["name"] == size["name"]
    unknown = await today.patch(f"/apps/{name}/formation/web", json={"sizes": "x"})
    assert unknown.json()["message"] == (
        "Invalid params: sizes is not a parameter of this action.")


async def test_resolve_answers_only_the_add_ons_the_body_names(
        today_app: SandboxApp, today: httpx.AsyncClient) -> None:
    everything = (await today.get("/addons")).json()
    assert len(everything) > 1
    addon = everything[0]
    app_name = addon["app"]["name"]
    for body in ({"addon": addon["name"]}, {"addon": addon["name"], "app": app_name}):
        resp = await today.post("/actions/addons/resolve", json=body)
        assert resp.status_code == 200, resp.text
        assert [a["id"] for a in resp.json()] == [addon["id"]]
    other = next(a for a in (await today.get("/apps")).json() if a["name"] != app_name)
    for body in ({"addon": addon["name"], "app": other["name"]}, {"addon": "no-such-add-on"}):
        resp = await today.post("/actions/addons/resolve", json=body)
        assert (resp.status_code, resp.json()["message"]) == (
            404, "Couldn't find that add-on."), body


async def test_an_answer_documented_as_another_resource_has_that_resources_shape(
        today_app: SandboxApp, today: httpx.AsyncClient) -> None:
    name = seeded_app(today_app)
    team_app = today_app.spec.resource("team-app")
    assert team_app is not None
    first = await today.get(f"/teams/apps/{name}")
    assert first.status_code == 200
    assert set(first.json()) == {a.name for a in team_app.attributes}
    assert first.json()["name"] == name
    again = await today.get(f"/teams/apps/{name}")
    assert again.json() == first.json() and again.headers["ETag"] == first.headers["ETag"]
    plain = await today.get(f"/apps/{name}")
    assert "acm" in plain.json()  # the app itself keeps its own shape


async def test_a_name_in_a_body_matches_regardless_of_case(
        today_app: SandboxApp, today: httpx.AsyncClient) -> None:
    made = await new_app(today, region="EU")
    assert made["region"]["name"] == "eu"
    name = seeded_app(today_app)
    size = (await today.get("/dyno-sizes")).json()[-1]["name"]
    resp = await today.patch(f"/apps/{name}/formation/web",
                             json={"dyno_size": {"name": size.swapcase()}})
    assert resp.status_code == 200, resp.text
    assert resp.json()["dyno_size"]["name"] == size
    missing = await today.patch(f"/apps/{name}/formation/web",
                                json={"dyno_size": {"name": "no-such-size"}})
    assert missing.json()["message"] == "Couldn't find that dyno size."


async def test_a_shared_path_reports_the_error_of_the_action_the_body_meant(
        today_app: SandboxApp, today: httpx.AsyncClient) -> None:
    name = seeded_app(today_app)
    resp = await today.post(f"/apps/{name}/releases", json={"release": "1"})
    assert resp.status_code == 422
    assert resp.json()["message"].startswith("Invalid params: release: expected a UUID")
