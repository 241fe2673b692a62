"""The JSON Hyper-Schema loader: the reference schemas and one small document per quirk."""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from heroku_explorer.errors import SchemaError
from heroku_explorer.schema.docs import PROTOCOL_DOCS
from heroku_explorer.schema.hyper import load_hyper
from heroku_explorer.schema.hyper_attrs import MAX_DEPTH
from heroku_explorer.schema.model import Action, ApiSpec, SpecWarning
from heroku_explorer.schema.refs import (
    MAX_REF_CHAIN,
    RefResolver,
    escape_token,
    join_pointer,
    pointer_resource,
    pointer_tokens,
)

APP_IDENTITY = "{(%23%2Fdefinitions%2Fapp%2Fdefinitions%2Fidentity)}"
SLOT = re.compile(r"\{([^{}]*)\}")


# -- helpers -------------------------------------------------------------------------------


def _app() -> dict[str, Any]:
    """A minimal resource the other fixtures can point at."""
    return {
        "title": "Heroku Platform API - App",
        "description": "An app.",
        "stability": "production",
        "type": ["object"],
        "definitions": {
            "id": {"type": ["string"], "format": "uuid", "readOnly": True,
                   "example": "01234567-89ab-cdef-0123-456789abcdef"},
            "name": {"type": ["string"], "example": "example", "readOnly": False,
                     "pattern": "^[a-z][a-z0-9-]{1,28}[a-z0-9]$"},
            "identity": {"anyOf": [{"$ref": "#/definitions/app/definitions/id"},
                                   {"$ref": "#/definitions/app/definitions/name"}]},
        },
        "properties": {"id": {"$ref": "#/definitions/app/definitions/id"},
                       "name": {"$ref": "#/definitions/app/definitions/name"}},
        "links": [],
    }


def _thing(*links: Any, **extra: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"title": "Heroku Platform API - Thing", "type": ["object"],
                            "stability": "production", "links": list(links)}
    node.update(extra)
    return node


def _load(definitions: dict[str, Any], **top: Any) -> ApiSpec:
    doc: dict[str, Any] = {"definitions": definitions, **top}
    return load_hyper(doc, origin="test.json", sha256="abc", variant=None)


def _load_links(*links: dict[str, Any], **extra: Any) -> ApiSpec:
    return _load({"app": _app(), "thing": _thing(*links, **extra)})


def _warned(spec: ApiSpec, where: str, fragment: str) -> bool:
    return any(w.where == where and fragment in w.message for w in spec.warnings)


def _action(spec: ApiSpec, action_id: str) -> Action:
    action = spec.action(action_id)
    assert action is not None, f"no action {action_id}"
    return action


@pytest.fixture(scope="module")
def v3(ref_hyper_path: Path) -> ApiSpec:
    return load_hyper(json.loads(ref_hyper_path.read_bytes()), origin=str(ref_hyper_path),
                      sha256="", variant="3")


@pytest.fixture(scope="module")
def sdk(ref_sdk_path: Path) -> ApiSpec:
    return load_hyper(json.loads(ref_sdk_path.read_bytes()), origin=str(ref_sdk_path),
                      sha256="", variant="3.sdk")


@pytest.fixture(params=["v3", "sdk"])
def real(request: pytest.FixtureRequest) -> ApiSpec:
    spec: ApiSpec = request.getfixturevalue(request.param)
    return spec


# -- the reference schemas -----------------------------------------------------------------


def test_v3_counts(v3: ApiSpec) -> None:
    actions = list(v3.actions())
    assert len(v3.resources) == 100
    assert v3.action_count == len(actions) == 305
    assert len({a.raw_href for a in actions}) == 208
    assert len({(a.method, a.raw_href) for a in actions}) == 301
    assert sum(len(a.path_params) for a in actions) == 320
    assert len({p.name for a in actions for p in a.path_params}) == 67
    assert Counter(a.method for a in actions) == {"GET": 166, "POST": 59, "PATCH": 38,
                                                  "DELETE": 36, "PUT": 6}
    assert Counter(a.response.kind for a in actions) == {"object": 195, "list": 95,
                                                         "unknown": 10, "empty": 5}
    assert sum(1 for a in actions if a.body is not None) == 89
    assert sum(1 for a in actions if a.query_params) == 4


def test_sdk_counts(sdk: ApiSpec) -> None:
    assert len(sdk.resources) == 118
    assert sdk.action_count == 338
    assert Counter(r.stability for r in sdk.resources)["prototype"] == 36


def test_spec_header(v3: ApiSpec) -> None:
    assert v3.title == "Heroku Platform API"
    assert v3.description and "platform API" in v3.description
    assert v3.source.format == "hyper-schema"
    assert v3.source.variant == "3"
    assert [r.key for r in v3.resources][:3] == ["account-delinquency", "account-feature",
                                                 "account"]
    assert v3.resource("add-on") is v3.resource("Add-on")


def test_every_slot_is_a_named_path_param(real: ApiSpec) -> None:
    for action in real.actions():
        assert "%23" not in action.path and "(" not in action.path, action.id
        slots = SLOT.findall(action.path)
        assert slots == [p.name for p in action.path_params], action.id
        assert len(set(slots)) == len(slots), action.id
        for param in action.path_params:
            assert param.location == "path" and param.required
            assert re.fullmatch(r"[a-z][a-z0-9_]*", param.name), param.name
            assert param.doc.types or param.doc.alternatives, (action.id, param.name)


def test_every_body_param_is_documented(real: ApiSpec) -> None:
    for action in real.actions():
        for param in action.body_params + action.query_params:
            assert param.doc.types or param.doc.alternatives, (action.id, param.name)


def test_app_info(v3: ApiSpec) -> None:
    info = _action(v3, "app.info")
    assert (info.method, info.path, info.rel) == ("GET", "/apps/{app_id_or_name}", "self")
    assert info.raw_href == "/apps/" + APP_IDENTITY
    (param,) = info.path_params
    assert param.identifies == "app"
    assert [alt.name for alt in param.doc.alternatives] == ["id", "name"]
    assert param.doc.alternatives[0].format == "uuid"
    assert param.doc.ref == "#/definitions/app/definitions/identity"
    assert info.response.kind == "object" and info.response.resource == "app"
    assert info.statuses == (200,) and not info.statuses_documented
    assert info.stability == "production"


def test_app_resource(v3: ApiSpec) -> None:
    app = v3.resource("app")
    assert app is not None and app.name == "App"
    assert [i.name for i in app.identity] == ["id", "name"]
    email = app.attribute("owner", "email")
    assert email is not None and email.format == "email"
    assert email.ref == "#/definitions/account/definitions/email"
    space = app.attribute("space")
    assert space is not None and space.nullable and space.types == ("object",)
    assert [a.key for a in app.actions] == [
        "create", "delete", "info", "list", "list-owned-and-collaborated", "update",
        "enable-acm", "disable-acm", "refresh-acm"]


def test_account_self_and_tilde(v3: ApiSpec) -> None:
    account = v3.resource("account")
    assert account is not None
    assert [i.name for i in account.identity] == ["email", "id", "self"]
    assert account.identity[2].enum == ("~",)
    by_user = _action(v3, "account.info-by-user")
    assert by_user.path == "/users/{account_email_or_id_or_self}"
    assert [a.name for a in by_user.path_params[0].doc.alternatives] == ["email", "id", "self"]
    current = _action(v3, "pipeline-coupling.list-by-current-user")
    assert current.path == "/users/~/pipeline-couplings" and current.path_params == ()
    assert current.is_list and current.statuses == (200, 206)


def test_non_identity_and_foreign_placeholders(v3: ApiSpec) -> None:
    usage = _action(v3, "team-daily-usage.info")
    assert usage.path == "/teams/{team_id}/usage/daily"
    assert usage.path_params[0].identifies == "team"
    assert [(p.name, p.required) for p in usage.query_params] == [("start", True), ("end", False)]
    transfer = _action(v3, "team-app.transfer-to-team")
    assert transfer.path == "/teams/apps/{team_app_name}"
    assert transfer.path_params[0].identifies == "app"
    archive = _action(v3, "archive.info")
    assert [p.name for p in archive.path_params] == [
        "enterprise_account_id_or_name", "archive_year", "archive_month"]
    assert archive.response.kind == "unknown"


def test_body_params(v3: ApiSpec) -> None:
    create = _action(v3, "add-on.create")
    assert create.statuses == (201,)
    plan = create.param("plan")
    assert plan is not None and plan.location == "body" and plan.required
    assert plan.identifies == "plan"
    assert [a.name for a in plan.doc.alternatives] == ["id", "name"]
    attachment = create.param("attachment")
    assert attachment is not None and attachment.doc.child("name") is not None
    config = _action(v3, "config-var.update")
    assert config.body is not None and config.body.params == ()
    assert config.body.map_values is not None and config.body.map_values.null_deletes
    assert config.body.strict
    filters = _action(v3, "filter-apps.apps")
    assert filters.param("in") is not None and filters.is_list
    assert filters.sort_fields == ("id", "name", "updated_at")


def test_sort_fields_and_extras(v3: ApiSpec) -> None:
    ranged = {a.id: a.sort_fields for a in v3.actions() if a.sort_fields is not None}
    assert ranged["app.list"] == ("id", "name", "updated_at")
    assert ranged["team-member.list"] == ("email",)
    assert len(ranged) == 5
    deprecated = _action(v3, "source.create-deprecated")
    assert deprecated.extras == {"deactivate_on": "2017-08-01"} and deprecated.deprecated
    assert _action(v3, "formation.update").extras == {"type": ["object"]}


def test_real_unresolvable_refs_are_warnings(real: ApiSpec) -> None:
    bad = [w for w in real.warnings if "#/definitions/dyno_size/" in w.message]
    assert {w.where for w in bad} == {
        "#/definitions/formation/definitions/dyno_size/identity/anyOf/0",
        "#/definitions/formation/definitions/dyno_size/identity/anyOf/1",
    }


def test_sdk_quirks_are_warnings(sdk: ApiSpec) -> None:
    cert = _action(sdk, "identity-provider-certificate.info")
    assert cert.method == "GET"
    assert cert.path == ("/identity-providers/{identity_provider_id_or_name}"
                         "/certificates/{identity_provider_id_or_name_2}")
    assert _action(sdk, "peering.info").rel is None
    assert _action(sdk, "payment-method.get-account-payment-method-apps").title == \
        "GET /account/payment-method/apps"
    usage = sdk.resource("usage")
    assert usage is not None and [a.key for a in usage.actions][:3] == ["info", "info-2", "info-3"]
    messages = " ".join(w.message for w in sdk.warnings)
    for fragment in ("not upper-case", "rel is not a string", "no title", "occurs twice",
                     "used by another link"):
        assert fragment in messages


def test_overview_docs(v3: ApiSpec) -> None:
    assert v3.overview == PROTOCOL_DOCS
    ranges = v3.doc("ranges")
    assert ranges is not None and "Next-Range" in ranges.markdown and "1000" in ranges.markdown
    statuses = v3.doc("Statuses")
    assert statuses is not None and statuses.columns == ("Status", "Meaning")
    codes = {row[0].split()[0] for row in statuses.rows}
    assert {"200", "201", "206", "304", "412", "416", "429"} <= codes
    for title in ("Authentication", "Caching", "Data Integrity", "Rate Limits", "Errors"):
        assert v3.doc(title) is not None


def test_load_time(ref_hyper_path: Path) -> None:
    raw = ref_hyper_path.read_bytes()

    def once() -> float:
        start = time.perf_counter()
        load_hyper(json.loads(raw), origin="x", sha256="", variant=None)
        return time.perf_counter() - start

    # Generous: the median is ~35 ms on a slow machine; this guards against blow-ups.
    assert statistics.median(once() for _ in range(5)) < 0.5


# -- quirks on small documents -------------------------------------------------------------


def test_object_rel() -> None:
    spec = _load_links({"href": "/things", "method": "GET", "title": "List",
                        "rel": {"$ref": "#/definitions/thing"}})
    assert _action(spec, "thing.list").rel is None
    assert _warned(spec, "#/definitions/thing/links/0/rel", "rel is not a string")


def test_method_case() -> None:
    spec = _load_links({"href": "/things", "method": "Get", "title": "List"})
    assert _action(spec, "thing.list").method == "GET"
    assert _warned(spec, "#/definitions/thing/links/0/method", "not upper-case")


def test_missing_title_and_method() -> None:
    spec = _load_links({"href": "/things/" + APP_IDENTITY, "method": "DELETE"},
                       {"href": "/things"})
    first, second = spec.resource("thing").actions  # type: ignore[union-attr]
    assert first.title == "DELETE /things/{app_id_or_name}"
    assert first.key == "delete-things-app-id-or-name"
    assert second.method == "GET"
    assert _warned(spec, "#/definitions/thing/links/0", "no title")
    assert _warned(spec, "#/definitions/thing/links/1", "no method")


def test_duplicate_titles() -> None:
    spec = _load_links(*({"href": f"/things/{i}", "method": "GET", "title": t}
                         for i, t in enumerate(["List", "list", "List", "Info"])))
    thing = spec.resource("thing")
    assert thing is not None
    assert [a.key for a in thing.actions] == ["list", "list-2", "list-3", "info"]
    assert [a.title for a in thing.actions][:2] == ["List", "list"]
    assert _warned(spec, "#/definitions/thing/links/1", "'list-2'")
    assert _warned(spec, "#/definitions/thing/links/2", "'list-3'")


def test_pointer_twice_in_href() -> None:
    spec = _load_links({"href": f"/apps/{APP_IDENTITY}/twins/{APP_IDENTITY}/{APP_IDENTITY}",
                        "method": "GET", "title": "Info"})
    info = _action(spec, "thing.info")
    assert info.path == "/apps/{app_id_or_name}/twins/{app_id_or_name_2}/{app_id_or_name_3}"
    assert [p.doc.name for p in info.path_params] == [p.name for p in info.path_params]
    assert all(p.identifies == "app" for p in info.path_params)
    assert _warned(spec, "#/definitions/thing/links/0/href", "occurs twice")


def test_literal_tilde_segment() -> None:
    spec = _load_links({"href": "/users/~/things", "method": "GET", "title": "Mine",
                        "rel": "instances"})
    mine = _action(spec, "thing.mine")
    assert mine.path == mine.raw_href == "/users/~/things"
    assert mine.path_params == () and mine.is_list


def test_plain_placeholder_is_kept() -> None:
    spec = _load_links({"href": "/things/{thing-name}", "method": "GET", "title": "Info"})
    info = _action(spec, "thing.info")
    assert info.path == "/things/{thing_name}"
    assert _warned(spec, "#/definitions/thing/links/0/href", "not a schema reference")


def test_unresolvable_ref() -> None:
    spec = _load_links(
        {"href": "/things/{(%23%2Fdefinitions%2Fgone%2Fdefinitions%2Fid)}", "method": "PATCH",
         "title": "Update",
         "schema": {"properties": {"size": {"$ref": "#/definitions/nope/definitions/size"}}}},
    )
    update = _action(spec, "thing.update")
    assert update.path == "/things/{gone_id}"
    assert update.path_params[0].identifies is None
    size = update.param("size")
    assert size is not None and size.doc.types == ()
    assert size.doc.ref == "#/definitions/nope/definitions/size"
    assert _warned(spec, "#/definitions/thing/links/0/href", "cannot be resolved")
    assert _warned(spec, "#/definitions/thing/links/0/schema/properties/size",
                   "cannot be resolved")


def test_ref_with_sibling_override() -> None:
    spec = _load({"app": _app(), "thing": _thing(properties={
        "app_name": {"$ref": "#/definitions/app/definitions/name", "description": "its app"},
    })})
    thing = spec.resource("thing")
    attr = thing.attribute("app_name") if thing else None
    assert attr is not None
    assert attr.description == "its app"
    assert attr.types == ("string",) and attr.example == "example" and attr.pattern
    assert attr.ref == "#/definitions/app/definitions/name"
    assert attr.source == "#/definitions/thing/properties/app_name"


def test_whole_resource_ref_with_siblings() -> None:
    spec = _load({"app": _app(), "thing": {"$ref": "#/definitions/app",
                                           "title": "Heroku Platform API - Thing",
                                           "properties": {"extra": {"type": ["boolean"]}},
                                           "links": []}})
    thing = spec.resource("thing")
    assert thing is not None and thing.name == "Thing" and thing.stability == "production"
    assert [a.name for a in thing.attributes] == ["extra"]
    assert thing.identity == ()


def test_cyclic_ref() -> None:
    spec = _load({"thing": _thing(definitions={
        "a": {"$ref": "#/definitions/thing/definitions/b"},
        "b": {"$ref": "#/definitions/thing/definitions/a"},
    }, properties={"loop": {"$ref": "#/definitions/thing/definitions/a"}})})
    loop = spec.resource("thing").attribute("loop")  # type: ignore[union-attr]
    assert loop is not None and loop.types == () and loop.children == ()
    assert any("cycle" in w.message for w in spec.warnings)


def test_recursive_structure_is_cut() -> None:
    spec = _load({"thing": _thing(definitions={
        "node": {"type": ["object"], "properties": {
            "label": {"type": ["string"]},
            "child": {"$ref": "#/definitions/thing/definitions/node"}}},
    }, properties={"tree": {"$ref": "#/definitions/thing/definitions/node"}})})
    tree = spec.resource("thing").attribute("tree")  # type: ignore[union-attr]
    assert tree is not None
    child = tree.child("child")
    assert child is not None and child.types == ("object",) and child.children == ()
    assert any("contains itself" in w.message for w in spec.warnings)


def test_depth_cap() -> None:
    node: dict[str, Any] = {"type": ["string"]}
    for _ in range(MAX_DEPTH + 4):
        node = {"type": ["object"], "properties": {"inner": node}}
    spec = _load({"thing": _thing(properties={"deep": node})})
    deep = spec.resource("thing").attribute("deep")  # type: ignore[union-attr]
    assert deep is not None
    assert max(len(a.path) for a in deep.walk()) == MAX_DEPTH + 1
    assert any("levels deep" in w.message for w in spec.warnings)


@pytest.mark.parametrize(("raw", "types", "nullable"), [
    (["null", "string"], ("string",), True),
    (["object", "null"], ("object",), True),
    (["string"], ("string",), False),
    ("integer", ("integer",), False),
    (["null"], (), True),
])
def test_type_arrays(raw: Any, types: tuple[str, ...], nullable: bool) -> None:
    spec = _load({"thing": _thing(properties={"x": {"type": raw}})})
    x = spec.resource("thing").attribute("x")  # type: ignore[union-attr]
    assert x is not None and (x.types, x.nullable) == (types, nullable)
    assert spec.warnings == ()


def test_enum_with_null_and_readonly_typo() -> None:
    spec = _load({"thing": _thing(properties={
        "role": {"type": ["string", "null"], "enum": ["admin", None], "readonly": True},
        "note": {"type": ["string"], "example": None, "default": "hi", "deprecated": True},
    })})
    thing = spec.resource("thing")
    assert thing is not None
    role, note = thing.attributes
    assert role.enum == ("admin", None) and role.read_only and not role.has_example
    assert note.has_example and note.example is None and note.default == "hi" and note.deprecated
    assert _warned(spec, "#/definitions/thing/properties/role/readonly", "readOnly")


def test_pattern_properties_map() -> None:
    config_vars = {"type": ["object"], "additionalProperties": False,
                   "example": {"FOO": "bar", "BAZ": None},
                   "patternProperties": {"^\\w+$": {"type": ["string", "null"]}}}
    spec = _load({"app": _app(), "config-var": {
        "title": "Heroku Platform API - Config Vars", "type": ["object"],
        "patternProperties": {"^\\w+$": {"type": ["string"]}},
        "definitions": {"config_vars": config_vars},
        "links": [{"href": f"/apps/{APP_IDENTITY}/config-vars", "method": "PATCH",
                   "rel": "update", "title": "Update", "schema": config_vars,
                   "targetSchema": {"$ref": "#/definitions/config-var/definitions/config_vars"}}],
    }})
    resource = spec.resource("config-var")
    assert resource is not None and resource.name == "Config Vars"
    assert resource.attributes == ()
    assert resource.map_values is not None and not resource.map_values.null_deletes
    update = _action(spec, "config-var.update")
    body = update.body
    assert body is not None and body.params == () and body.strict
    assert body.map_values is not None
    assert body.map_values.key_pattern == "^\\w+$" and body.map_values.null_deletes
    assert body.example == {"FOO": "bar", "BAZ": None}
    assert update.response.kind == "object" and update.response.resource is None
    assert update.response.schema is not None and update.response.schema.is_map
    nullable_map = _load({"thing": _thing(
        patternProperties={".*": {"type": ["null", "string"]}})}).resource("thing")
    assert nullable_map is not None and nullable_map.map_values is not None
    assert nullable_map.map_values.null_deletes


def test_additional_properties_schema_is_a_map() -> None:
    spec = _load({"thing": _thing(properties={
        "labels": {"type": ["object"], "additionalProperties": {"type": ["string"]}}})})
    labels = spec.resource("thing").attribute("labels")  # type: ignore[union-attr]
    assert labels is not None and labels.is_map
    assert labels.map_values is not None and labels.map_values.key_pattern is None
    assert labels.map_values.value.path == ("labels", "*")


def test_get_schema_is_query_params() -> None:
    spec = _load_links({"href": "/things", "method": "GET", "title": "Search",
                        "schema": {"properties": {"q": {"type": ["string"]},
                                                  "limit": {"type": ["integer"]}},
                                   "required": ["q"], "type": ["object"]}})
    search = _action(spec, "thing.search")
    assert search.body is None
    assert [(p.name, p.location, p.required) for p in search.query_params] == [
        ("q", "query", True), ("limit", "query", False)]


def test_body_shapes() -> None:
    spec = _load({"app": _app(), "thing": _thing(
        {"href": "/things", "method": "POST", "rel": "create", "title": "Create",
         "schema": {"$ref": "#/definitions/thing/definitions/create_body"}},
        {"href": "/things", "method": "PUT", "title": "Replace",
         "schema": {"properties": {"n": {"type": ["integer"]}}, "strictProperties": True,
                    "required": ["n", "ghost"]}},
        definitions={"create_body": {
            "type": ["object"], "required": ["app"], "example": {"app": "example"},
            "properties": {
                "app": {"$ref": "#/definitions/app/definitions/identity"},
                "own": {"$ref": "#/definitions/thing/definitions/identity"},
                "opts": {"type": ["object"], "properties": {"fast": {"type": ["boolean"]}}},
                "pick": {"anyOf": [{"$ref": "#/definitions/app/definitions/name"},
                                   {"$ref": "#/definitions/app/definitions/id"}]},
            }},
            "identity": {"$ref": "#/definitions/thing/definitions/name"},
            "name": {"type": ["string"]}},
    )})
    create = _action(spec, "thing.create")
    assert create.statuses == (201,)
    assert create.body is not None and create.body.example == {"app": "example"}
    assert not create.body.strict
    params = {p.name: p for p in create.body_params}
    assert params["app"].required and params["app"].identifies == "app"
    assert params["own"].identifies is None  # the action's own resource
    assert params["pick"].identifies == "app"
    assert [a.name for a in params["pick"].doc.alternatives] == ["name", "id"]
    assert params["opts"].identifies is None
    assert params["opts"].doc.child("fast") is not None
    assert params["opts"].doc.children[0].path == ("opts", "fast")
    replace = _action(spec, "thing.replace")
    assert replace.body is not None and replace.body.strict
    assert replace.statuses == (200,)
    assert any("'ghost'" in w.message for w in spec.warnings)


@pytest.mark.parametrize(("target", "kind", "resource"), [
    ({"$ref": "#/definitions/app"}, "object", "app"),
    ({"type": ["array"], "items": {"$ref": "#/definitions/app"}}, "list", "app"),
    ({"items": {"$ref": "#/definitions/app"}}, "list", "app"),
    ({"type": ["object"], "properties": {"n": {"type": ["integer"]}}}, "object", None),
    ({"additionalProperties": False, "type": ["object"]}, "empty", None),
    (None, "unknown", None),
    ({"$ref": "#/definitions/missing"}, "unknown", None),
])
def test_target_schema_shapes(target: Any, kind: str, resource: str | None) -> None:
    link: dict[str, Any] = {"href": "/things", "method": "GET", "title": "Get"}
    if target is not None:
        link["targetSchema"] = target
    spec = _load_links(link)
    got = _action(spec, "thing.get")
    assert (got.response.kind, got.response.resource) == (kind, resource)
    assert got.is_list == (kind == "list")
    assert got.statuses == ((200, 206) if kind == "list" else (200,))
    if kind == "object" and resource is None:
        assert got.response.schema is not None and got.response.schema.child("n") is not None


def test_target_schema_example() -> None:
    spec = _load_links({"href": "/things", "method": "POST", "title": "Create", "rel": "create",
                        "targetSchema": {"$ref": "#/definitions/app", "example": {"id": "x"}}},
                       {"href": "/things", "method": "GET", "title": "Info",
                        "targetSchema": {"$ref": "#/definitions/app"}})
    create, info = spec.resource("thing").actions  # type: ignore[union-attr]
    assert create.response.has_example and create.response.example == {"id": "x"}
    assert not info.response.has_example and info.response.example is None


def test_ranges_and_extras() -> None:
    spec = _load_links({"href": "/things", "method": "GET", "title": "List", "rel": "instances",
                        "ranges": ["id", "name"], "deactivate_on": "2030-01-01", "type": ["x"]},
                       {"href": "/other", "method": "GET", "title": "Other", "ranges": "id"})
    listing, other = spec.resource("thing").actions  # type: ignore[union-attr]
    assert listing.sort_fields == ("id", "name")
    assert dict(listing.extras) == {"deactivate_on": "2030-01-01", "type": ["x"]}
    assert listing.deprecated
    assert other.sort_fields is None
    assert _warned(spec, "#/definitions/thing/links/1/ranges", "not a list")


def test_resource_fields() -> None:
    spec = _load({
        "app": _app(),
        "thing": _thing({"href": "/things", "method": "DELETE", "title": "Delete"},
                        stability="beta", deprecated=True, required=["id"],
                        example={"id": "1"}, description="Things.",
                        definitions={"identity": {"$ref": "#/definitions/app/definitions/name"}}),
        "plain": {"type": ["object"]},
        "broken": ["not", "an", "object"],
        "empty-id": {"title": "Empty", "definitions": {"identity": {}}},
    })
    thing = spec.resource("thing")
    assert thing is not None
    assert (thing.name, thing.description, thing.stability) == ("Thing", "Things.", None)
    assert thing.deprecated and thing.required == ("id",) and thing.example == {"id": "1"}
    assert [(i.name, i.ref) for i in thing.identity] == [
        ("name", "#/definitions/app/definitions/name")]
    delete = _action(spec, "thing.delete")
    assert delete.stability is None and delete.deprecated and delete.statuses == (200,)
    assert delete.source == "#/definitions/thing/links/0"
    assert _warned(spec, "#/definitions/thing/stability", "unknown stability")
    plain = spec.resource("plain")
    assert plain is not None and plain.name == "plain" and plain.actions == ()
    assert spec.resource("broken") is None
    assert _warned(spec, "#/definitions/broken", "not a JSON object")
    assert spec.resource("empty-id").identity == ()  # type: ignore[union-attr]
    assert [r.key for r in spec.resources] == ["app", "thing", "plain", "empty-id"]


def test_title_and_default_title() -> None:
    assert _load({}).title == "Heroku Platform API"
    assert _load({}, title="Mine", description="D").title == "Mine"


@pytest.mark.parametrize("doc", [{}, {"definitions": []}, {"definitions": "x"}])
def test_unusable_document(doc: dict[str, Any]) -> None:
    with pytest.raises(SchemaError) as info:
        load_hyper(doc, origin="bad.json", sha256="", variant=None)
    assert info.value.origin == "bad.json" and info.value.where == "#/definitions"


def test_bad_links_are_skipped() -> None:
    spec = _load({"thing": _thing("oops", {"method": "GET", "title": "No href"},
                                  {"href": "/ok", "method": "GET", "title": "Ok"}),
                  "other": _thing(), "odd": {"title": "Odd", "links": {"a": 1}}})
    assert [a.id for a in spec.actions()] == ["thing.ok"]
    assert _warned(spec, "#/definitions/thing/links/0", "not a JSON object")
    assert _warned(spec, "#/definitions/thing/links/1", "no href")
    assert _warned(spec, "#/definitions/odd/links", "not a list")


# -- the resolver on its own ---------------------------------------------------------------


def test_pointer_helpers() -> None:
    assert pointer_tokens("#/definitions/a~1b/c~0d") == ("definitions", "a/b", "c~d")
    assert pointer_tokens("#") == ()
    assert pointer_tokens("other.json#/x") is None
    assert escape_token("a/b~c") == "a~1b~0c"
    assert join_pointer("#/definitions", "a/b") == "#/definitions/a~1b"
    assert join_pointer("#", "a", "b~") == "#/a/b~0"
    assert pointer_resource("#/definitions/add-on/definitions/id") == "add-on"
    assert pointer_resource("#/links/0") is None


def _resolver(doc: dict[str, Any]) -> RefResolver:
    return RefResolver(doc)


def test_resolver_escapes_lists_and_memo() -> None:
    doc = {"definitions": {"a/b": {"x~y": {"type": ["string"]}}}, "list": [{"n": 1}]}
    resolver = _resolver(doc)
    got = resolver.resolve({"$ref": "#/definitions/a~1b/x~0y"}, "#/here")
    assert got.schema == {"type": ["string"]} and not got.broken
    assert got.pointer == "#/definitions/a~1b/x~0y"
    assert resolver.resolve({"$ref": "#/definitions/a~1b/x~0y"}, "#/there") is got
    assert resolver.lookup("#/list/0/n") == 1
    assert resolver.lookup("#/list/7") is None
    assert resolver.sink.items == []


def test_resolver_chains_and_siblings() -> None:
    doc = {"d": {"a": {"$ref": "#/d/b", "description": "from a"},
                 "b": {"$ref": "#/d/c"},
                 "c": {"type": ["integer"], "description": "from c"}}}
    got = _resolver(doc).resolve({"$ref": "#/d/a", "title": "T"}, "#/use")
    assert got.schema == {"type": ["integer"], "description": "from a", "title": "T"}
    assert got.ref == "#/d/c" and got.chain == ("#/d/a", "#/d/b", "#/d/c")
    assert got.pointer == "#/use"
    assert got.at("title") == "#/use/title"
    assert got.at("description") == "#/d/a/description"
    assert got.at("type") == "#/d/c/type"


def test_resolver_never_raises() -> None:
    chain = {f"r{i}": {"$ref": f"#/d/r{i + 1}"} for i in range(MAX_REF_CHAIN + 5)}
    doc: dict[str, Any] = {"d": {**chain, "self": {"$ref": "#/d/self"}}}
    resolver = _resolver(doc)
    cases: list[tuple[Any, Callable[[str], bool]]] = [
        ({"$ref": "#/d/missing"}, lambda m: "cannot be resolved" in m),
        ({"$ref": "other.json#/x"}, lambda m: "outside" in m),
        ({"$ref": "#/d/self"}, lambda m: "cycle" in m),
        ({"$ref": "#/d/r0"}, lambda m: "chained more than" in m),
        ({"$ref": 5, "type": ["string"]}, lambda m: "not a string" in m),
    ]
    for node, check in cases:
        before = len(resolver.sink.items)
        got = resolver.resolve(node, "#/use")
        assert got.mapping.get("$ref") is None
        new: list[SpecWarning] = resolver.sink.items[before:]
        assert any(check(w.message) for w in new), (node, new)
    broken = resolver.resolve({"$ref": "#/d/missing", "description": "kept"}, "#/use2")
    assert broken.broken and broken.schema == {"description": "kept"}
    assert broken.ref == "#/d/missing"


def test_through_the_loader(ref_hyper_path: Path) -> None:
    from heroku_explorer.schema.loader import load_path

    spec = load_path(ref_hyper_path, variant="3")
    assert spec.source.format == "hyper-schema" and spec.source.variant == "3"
    assert len(spec.source.sha256) == 64
    assert spec.action_count == 305
