"""Pure parts of the sandbox: store, routes, paging, validation, rate pool, seed.

A small spec built by hand (:func:`mini_spec`) keeps these independent of the
schema loaders.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heroku_explorer.sandbox import RatePool, create_app
from heroku_explorer.sandbox.paging import RangeError, paginate
from heroku_explorer.sandbox.routes import Router
from heroku_explorer.sandbox.store import Record, Store
from heroku_explorer.sandbox.validate import ParamError, validate_body
from heroku_explorer.schema.model import (
    Action,
    ApiSpec,
    Attribute,
    Body,
    MapSpec,
    Param,
    Resource,
    Response,
    SpecSource,
)


def _attr(name: str, *types: str, **kw: Any) -> Attribute:
    return Attribute(name=name, path=(name,), types=types, **kw)


ID = _attr("id", "string", format="uuid", example="01234567-89ab-cdef-0123-456789abcdef",
           has_example=True)
NAME = _attr("name", "string", example="example", has_example=True)
STAMPS = (_attr("created_at", "string", format="date-time"),
          _attr("updated_at", "string", format="date-time"))


def _slot(name: str, resource: str, *alts: str) -> Param:
    doc = Attribute(name=name, alternatives=tuple(_attr(a, "string") for a in alts))
    return Param(name=name, location="path", required=True, doc=doc, identifies=resource)


def _action(resource: str, key: str, method: str, path: str, *, slots: tuple[Param, ...] = (),
            body: Body | None = None, kind: str = "object", statuses: tuple[int, ...] = (200,),
            is_list: bool = False) -> Action:
    return Action(resource=resource, key=key, title=key.title(), method=method, path=path,
                  raw_href=path, path_params=slots, body=body,
                  response=Response(kind=kind, resource=resource),  # type: ignore[arg-type]
                  statuses=statuses, is_list=is_list)


def mini_spec() -> ApiSpec:
    """Account, Region, App (nested region), Config Var (map) and Rate Limit."""
    app_slot = _slot("app_id_or_name", "app", "id", "name")
    region_ref = Attribute(name="region", path=("region",), types=("object",), children=(
        _attr("id", "string", format="uuid"), _attr("name", "string")))
    owner = Attribute(name="owner", path=("owner",), types=("object",), children=(
        _attr("id", "string", format="uuid"), _attr("email", "string")))
    app_body = Body(params=(
        Param("name", "body", False, _attr("name", "string", pattern=r"^[a-z][a-z0-9-]{2,29}$")),
        Param("region", "body", False, Attribute(name="region", alternatives=(
            _attr("id", "string", format="uuid"), _attr("name", "string"))), identifies="region"),
        Param("maintenance", "body", False, _attr("maintenance", "boolean")),
    ))
    resources = (
        Resource(key="account", name="Account", attributes=(
            ID, _attr("email", "string"), *STAMPS), actions=(
            _action("account", "info", "GET", "/account"),)),
        Resource(key="region", name="Region", identity=(ID, NAME), attributes=(
            ID, NAME, *STAMPS), actions=(
            _action("region", "list", "GET", "/regions", kind="list", statuses=(200, 206),
                    is_list=True),
            _action("region", "info", "GET", "/regions/{region_id_or_name}", slots=(
                _slot("region_id_or_name", "region", "id", "name"),)))),
        Resource(key="app", name="App", identity=(ID, NAME), attributes=(
            ID, NAME, _attr("maintenance", "boolean"), region_ref, owner, *STAMPS), actions=(
            _action("app", "create", "POST", "/apps", body=app_body, statuses=(201,)),
            _action("app", "list", "GET", "/apps", kind="list", statuses=(200, 206),
                    is_list=True),
            _action("app", "info", "GET", "/apps/{app_id_or_name}", slots=(app_slot,)),
            _action("app", "update", "PATCH", "/apps/{app_id_or_name}", slots=(app_slot,),
                    body=app_body),
            _action("app", "delete", "DELETE", "/apps/{app_id_or_name}", slots=(app_slot,)))),
        Resource(key="config-var", name="Config Var", map_values=MapSpec(
            _attr("*", "string", nullable=True), null_deletes=True), actions=(
            _action("config-var", "info", "GET", "/apps/{app_id_or_name}/config-vars",
                    slots=(app_slot,)),
            _action("config-var", "update", "PATCH", "/apps/{app_id_or_name}/config-vars",
                    slots=(app_slot,), body=Body(map_values=MapSpec(
                        _attr("*", "string", nullable=True), null_deletes=True))))),
        Resource(key="rate-limit", name="Rate Limit", attributes=(
            _attr("remaining", "integer"),), actions=(
            _action("rate-limit", "info", "GET", "/account/rate-limits"),)),
    )
    return ApiSpec(source=SpecSource(format="hyper-schema", origin="<test>"), title="Mini",
                   resources=resources)


# -- routes -----------------------------------------------------------------


def test_routes_are_classified_from_the_model() -> None:
    router = Router(mini_spec())
    kinds = {r.action.id: r.kind for r in router.routes}
    assert kinds == {
        "account.info": "singleton", "region.list": "list", "region.info": "info",
        "app.create": "create", "app.list": "list", "app.info": "info", "app.update": "update",
        "app.delete": "delete", "config-var.info": "map-info",
        "config-var.update": "map-update", "rate-limit.info": "rate-limit",
    }
    assert router.account_resource == "account"


def test_literal_segments_win_and_values_are_decoded() -> None:
    router = Router(mini_spec())
    found = router.match("GET", "/account/rate-limits")
    assert found is not None and found.route.kind == "rate-limit"
    found = router.match("GET", "/apps/my%20app/config-vars/")
    assert found is not None and found.values == ("my app",)
    assert router.match("GET", "/apps/a/b/c") is None
    assert router.match("PUT", "/apps/a") is None
    head = router.match("HEAD", "/apps/x")
    assert head is not None and head.route.kind == "info"


def test_real_schema_routes(ref_hyper_path: Path) -> None:
    from heroku_explorer.schema import load_path

    router = Router(load_path(ref_hyper_path))
    assert router.account_resource == "account"
    by_id = {r.action.id: r for r in router.routes}
    assert by_id["app.list"].sort_fields == ("id", "name", "updated_at", "created_at")
    assert by_id["release.list"].sort_fields[0] == "version"
    assert by_id["domain.list"].sort_aliases == (("domain", "hostname"),)
    assert by_id["dyno.restart"].status == 202
    assert by_id["dyno.restart"].kind == "other"
    found = router.match("GET", "/users/~/apps")
    assert found is not None and found.route.action.id == "app.list-owned-and-collaborated"
    both = router.match("POST", "/apps/x/releases")
    assert both is not None and {r.action.key for r in both.routes} == {"create", "rollback"}


# -- paging -----------------------------------------------------------------

def _same(item: dict[str, Any]) -> dict[str, Any]:
    return item


ITEMS: list[dict[str, Any]] = [
    {"id": f"{i:04d}", "name": f"n{(i * 7) % 50:02d}", "version": i} for i in range(50)]


def test_default_page_and_headers() -> None:
    page = paginate(ITEMS, None, ("id", "name"), _same)
    assert page.status == 200 and len(page.items) == 50
    headers = dict(page.headers)
    assert headers["Accept-Ranges"] == "id, name"
    assert headers["Content-Range"] == "id 0000..0049; max=200"
    assert "Next-Range" not in headers


def test_pages_follow_next_range_to_the_full_set() -> None:
    seen: list[str] = []
    header: str | None = "id ..; max=7"
    statuses = []
    while header is not None:
        page = paginate(ITEMS, header, ("id",), _same)
        statuses.append(page.status)
        seen += [it["id"] for it in page.items]
        header = dict(page.headers).get("Next-Range")
    assert seen == [it["id"] for it in ITEMS]
    assert statuses == [206] * 7 + [200]


@pytest.mark.parametrize(("header", "expected"), [
    ("id 0010..0012", ["0010", "0011", "0012"]),
    ("id ]0010..0012[", ["0011"]),
    ("id 0047..", ["0047", "0048", "0049"]),
    ("id ..0002; order=desc", ["0049"]),
    ("id 0002..; max=2, order=desc", ["0002", "0001"]),
    ("version ]46..; max=2", ["47", "48"]),
])
def test_bounds_and_order(header: str, expected: list[str]) -> None:
    page = paginate(ITEMS, header, ("id", "version"), _same)
    got = [str(it["version"]) if header.startswith("version") else it["id"]
           for it in page.items]
    assert got[: len(expected)] == expected


@pytest.mark.parametrize("header", ["name ..; max=1001", "updated_at ..", "id ..; max=0",
                                    "id ..; order=up", "version x..", ".."])
def test_bad_ranges(header: str) -> None:
    with pytest.raises(RangeError):
        paginate(ITEMS, header, ("id", "name", "version"), _same)


# -- validation ---------------------------------------------------------------


def test_body_validation_names_the_field() -> None:
    spec = mini_spec()
    create = spec.action("app.create")
    assert create is not None
    assert validate_body(create, {"name": "my-app", "region": "eu"}) == {
        "name": "my-app", "region": "eu"}
    assert validate_body(create, {"region": {"name": "eu"}}) == {"region": {"name": "eu"}}
    for body, field in [({"name": 5}, "name"), ({"nope": 1}, "nope"), ({"name": "A!"}, "name"),
                        ({"maintenance": "yes"}, "maintenance"), ({"region": 3}, "region")]:
        with pytest.raises(ParamError) as err:
            validate_body(create, body)
        assert err.value.field == field
    with pytest.raises(ParamError):
        validate_body(create, [1, 2])
    update = spec.action("config-var.update")
    assert update is not None
    assert validate_body(update, {"A": "1", "B": None}) == {"A": "1", "B": None}
    with pytest.raises(ParamError) as err:
        validate_body(update, {"A": 1})
    assert err.value.field == "A"


# -- rate pool --------------------------------------------------------------------


def test_rate_pool_refills_over_time() -> None:
    now = [0.0]
    pool = RatePool(3, 3600, clock=lambda: now[0])
    assert [pool.take() for _ in range(4)] == [True, True, True, False]
    assert pool.remaining == 0 and pool.retry_after() == 1
    now[0] = 2.5
    assert pool.remaining == 2
    now[0] = 1000.0
    assert pool.remaining == 3


# -- store ---------------------------------------------------------------------------


def test_store_transaction_rolls_back_and_cascades() -> None:
    store = Store()
    with store.transaction():
        store.put("app", Record("a1", {"id": "a1"}))
        store.put("domain", Record("d1", {"id": "d1"}, {"app": "a1"}))
    with pytest.raises(RuntimeError), store.transaction():
        store.put("app", Record("a2", {"id": "a2"}))
        store.delete("app", "a1")
        raise RuntimeError("boom")
    assert store.get("app", "a2") is None and store.get("domain", "d1") is not None
    with store.transaction():
        store.delete("app", "a1")
    assert store.count() == 0


def test_sqlite_store_is_private_and_durable(tmp_path: Path) -> None:
    path = tmp_path / "state" / "sandbox.db"
    store = Store(path)
    with store.transaction():
        store.put("app", Record("a1", {"id": "a1", "name": "x"}, {"team": "t"}))
        store.set_meta("seed", "3")
    store.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    again = Store(path)
    rec = again.get("app", "a1")
    assert rec is not None and rec.data == {"id": "a1", "name": "x"} and rec.parents == {
        "team": "t"}
    assert again.meta("seed") == "3"
    with pytest.raises(RuntimeError):
        again.put("app", Record("a2", {}))  # outside a transaction
    again.close()


# -- seed ------------------------------------------------------------------------


def _dump(seed: int) -> dict[str, list[dict[str, Any]]]:
    app = create_app(mini_spec(), seed=seed)
    return {key: [r.data for r in app.store.records(key)]
            for key in ("account", "region", "app", "config-var")}


def test_seed_is_deterministic_and_realistic() -> None:
    first, again, other = _dump(1), _dump(1), _dump(2)
    assert first == again and first != other
    apps = first["app"]
    assert len(apps) == 4 and {a["region"]["name"] for a in apps} == {"us", "eu"}
    region_ids = {r["name"]: r["id"] for r in first["region"]}
    assert all(a["region"]["id"] == region_ids[a["region"]["name"]] for a in apps)
    assert all(a["owner"]["email"] == first["account"][0]["email"] for a in apps)
    assert len(first["config-var"]) == 4 and all("LANG" in m for m in first["config-var"])


def test_state_from_another_schema_is_noted(tmp_path: Path) -> None:
    state = tmp_path / "s.db"
    create_app(mini_spec(), state_path=state).close()
    same = create_app(mini_spec(), state_path=state)
    assert same.state_note is None
    same.close()
    other = mini_spec()
    other = ApiSpec(source=SpecSource(format="hyper-schema", origin="<other>", sha256="abc"),
                    title="Other", resources=other.resources)
    moved = create_app(other, state_path=state)
    assert moved.state_note is not None and "another schema" in moved.state_note
    assert moved.store.count("app") == 4
    moved.close()


def test_ties_and_missing_values_sort_without_comparing_items() -> None:
    items: list[dict[str, Any]] = [{"name": "a"}, {"name": "a"}, {}, {"name": 3}]
    page = paginate(items, "name ..", ("name",), _same)
    assert len(page.items) == 4 and page.items[0] == {}


@given(ids=st.sets(st.text(alphabet="0123456789abcdef-", min_size=1, max_size=8), max_size=60),
       size=st.integers(1, 12), desc=st.booleans())
@settings(max_examples=60, deadline=None)
def test_next_range_walks_every_item_once(ids: set[str], size: int, desc: bool) -> None:
    items = [{"id": i} for i in ids]
    order = ", order=desc" if desc else ""
    header: str | None = f"id ..; max={size}{order}"
    seen: list[str] = []
    while header is not None:
        page = paginate(items, header, ("id",), _same)
        seen += [it["id"] for it in page.items]
        header = dict(page.headers).get("Next-Range")
        assert (header is None) == (page.status == 200)
    assert seen == sorted(ids, reverse=desc)
