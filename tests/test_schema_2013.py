"""The 2013 "resources" manifest: the full reference file, the cut-off seed, and the rules
for colon names, placeholders, request lists, free-form maps and the overview."""

from __future__ import annotations

import contextlib
import copy
import json
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from heroku_explorer.errors import SchemaError
from heroku_explorer.schema.loader import load_path, load_schema
from heroku_explorer.schema.model import ApiSpec, Attribute, Resource
from heroku_explorer.schema.names import slugify
from heroku_explorer.schema.resources import load_resources, split_placeholder

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "2013"
PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


@pytest.fixture(scope="module")
def ref(ref_2013_path: Path) -> ApiSpec:
    return load_path(ref_2013_path)


@pytest.fixture(scope="module")
def ref_doc(ref_2013_path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(ref_2013_path.read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="module")
def seed(seed_path: Path) -> ApiSpec:
    return load_path(seed_path, lenient=True)


def widgets_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / "widgets.json").read_text(encoding="utf-8"))
    return doc


def load(doc: dict[str, Any], *, lenient: bool = False, cut: tuple[str, ...] = ()) -> ApiSpec:
    return load_resources(doc, origin="test.json", sha256="", lenient=lenient, cut=cut)


# --- names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Add-on", "add-on"), ("OAuth Client", "oauth-client"), ("Config Var", "config-var"),
     ("SSL Endpoint", "ssl-endpoint"), ("  Rate  Limits!! ", "rate-limits"), ("App", "app")],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize(
    ("placeholder", "split"),
    [("app_id_or_name", ("app", ("id", "name"))), ("addon_id", ("addon", ("id",))),
     ("addon_service_id_or_name", ("addon_service", ("id", "name"))), ("key", ("", ("key",)))],
)
def test_split_placeholder(placeholder: str, split: tuple[str, tuple[str, ...]]) -> None:
    assert split_placeholder(placeholder) == split


# --- the full reference file -----------------------------------------------------------


def test_reference_counts(ref: ApiSpec) -> None:
    assert len(ref.resources) == 24
    assert ref.action_count == 74
    assert Counter(a.method for a in ref.actions()) == {
        "GET": 39, "POST": 13, "DELETE": 11, "PATCH": 10, "PUT": 1}
    assert ref.warnings == ()
    assert ref.source.format == "resources-2013"
    assert ref.source.dropped == ()
    assert ref.title == "Heroku Platform API"
    assert ref.description and ref.description.startswith("The platform API")


def test_load_schema_detects_the_format(ref_2013_path: Path) -> None:
    spec = load_schema(ref_2013_path.read_bytes(), origin="r.json")
    assert spec.source.format == "resources-2013"
    assert len(spec.source.sha256) == 64


def test_resource_keys_and_names(ref: ApiSpec, ref_doc: dict[str, Any]) -> None:
    assert [r.name for r in ref.resources] == list(ref_doc["resources"])
    assert [r.key for r in ref.resources][:4] == [
        "account", "account-feature", "account-password", "add-on"]
    oauth = ref.resource("oauth-client")
    assert oauth is not None and oauth.name == "OAuth Client"
    assert ref.resource("SSL Endpoint") is ref.resource("ssl-endpoint")


def test_actions_keep_method_path_and_statuses(ref: ApiSpec) -> None:
    create = ref.action("app.create")
    assert create is not None
    assert (create.title, create.method, create.path, create.raw_href) == (
        "Create", "POST", "/apps", "/apps")
    assert create.statuses == (201,) and create.statuses_documented
    assert not create.is_list and create.response.kind == "object"
    assert create.response.resource == "app"
    listing = ref.action("app.list")
    assert listing is not None and listing.is_list and listing.response.kind == "list"
    keys = ref.action("key.list")  # only 200 documented, but still a list
    assert keys is not None and keys.is_list and keys.statuses == (200,)


def test_every_placeholder_is_a_named_path_param(ref: ApiSpec) -> None:
    for action in ref.actions():
        assert [p.name for p in action.path_params] == PLACEHOLDER.findall(action.path)
        for param in action.path_params:
            assert param.location == "path" and param.required
            assert param.doc.types == ("string",)
            assert param.doc.description and param.doc.alternatives
            assert param.identifies is not None, (action.id, param.name)


def test_path_params_name_the_resource_they_identify(ref: ApiSpec) -> None:
    info = ref.action("add-on.info")
    assert info is not None
    app, addon = info.path_params
    assert (app.name, app.identifies) == ("app_id_or_name", "app")
    assert app.doc.description == "id or name of the app"
    assert [(a.name, a.format) for a in app.doc.alternatives] == [("id", "uuid"), ("name", None)]
    assert (addon.name, addon.identifies) == ("addon_id", "add-on")
    expected = {
        "plan.info": ["add-on-service", "plan"],
        "collaborator.info": ["app", "collaborator"],
        "log-drain.info": ["app", "log-drain"],
        "account-feature.info": ["account-feature"],
        "app-feature.info": ["app", "app-feature"],
        "app-transfer.info": ["app-transfer"],
        "oauth-authorization.info": ["oauth-authorization"],
        "release.info": ["app", "release"],
    }
    for action_id, targets in expected.items():
        action = ref.action(action_id)
        assert action is not None
        assert [p.identifies for p in action.path_params] == targets, action_id


def test_identity_comes_from_the_instance_placeholder(ref: ApiSpec) -> None:
    def names(key: str) -> list[str]:
        res = ref.resource(key)
        assert res is not None
        return [a.name for a in res.identity]

    assert names("app") == ["id", "name"]
    assert names("key") == ["id", "fingerprint"]
    assert names("domain") == ["id", "hostname"]
    assert names("release") == ["id", "version"]
    assert names("collaborator") == ["id", "email"]  # email lives at user:email
    assert names("account") == []  # a singleton: no placeholder
    collaborator = ref.resource("collaborator")
    assert collaborator is not None and collaborator.identity[1].path == ("user", "email")


def test_colon_names_nest(ref: ApiSpec) -> None:
    app = ref.resource("app")
    assert app is not None
    owner = app.attribute("owner")
    assert owner is not None and owner.types == ("object",)
    assert [c.name for c in owner.children] == ["email", "id"]
    email = app.attribute("owner", "email")
    assert email is not None and email.path == ("owner", "email") and email.types == ("string",)
    assert email.description and email.has_example
    for res in ref.resources:
        for node in res.walk_attributes():
            assert ":" not in node.name, (res.key, node.path)
    plan = ref.resource("plan")
    assert plan is not None
    name = plan.attribute("name")
    assert name is not None and name.example == "heroku-postgresql:dev"  # values never split


def test_types_are_mapped(ref: ApiSpec) -> None:
    app = ref.resource("app")
    auth = ref.resource("oauth-authorization")
    assert app is not None and auth is not None

    def attr(res: Resource, *path: str) -> Attribute:
        found = res.attribute(*path)
        assert found is not None
        return found

    assert (attr(app, "created_at").types, attr(app, "created_at").format) == (
        ("string",), "date-time")
    assert (attr(app, "id").types, attr(app, "id").format) == (("string",), "uuid")
    assert attr(app, "repo_size").types == ("number",)
    assert attr(app, "maintenance").types == ("boolean",)
    scope = attr(auth, "scope")
    assert scope.types == ("array",) and scope.items is not None
    assert scope.items.types == ("string",) and scope.type_label == "array of string"


def test_every_body_param_has_a_description_and_a_type(ref: ApiSpec) -> None:
    count = 0
    for action in ref.actions():
        for param in action.body_params + action.query_params:
            count += 1
            assert param.doc.description, (action.id, param.name)
            assert param.doc.types, (action.id, param.name)
            assert ":" not in param.name
    assert count > 30


def test_identity_siblings_become_one_param_with_alternatives(ref: ApiSpec) -> None:
    create = ref.action("add-on.create")
    assert create is not None and create.body is not None
    assert [p.name for p in create.body_params] == ["config", "plan"]
    plan = create.param("plan")
    assert plan is not None and plan.location == "body" and not plan.required
    assert plan.identifies == "plan"
    assert [c.name for c in plan.doc.children] == ["id", "name"]
    assert plan.doc.alternatives == plan.doc.children
    assert plan.doc.child("id") is not None and plan.doc.child("id").format == "uuid"  # type: ignore[union-attr]
    assert plan.doc.example == {"name": "heroku-postgresql:dev"}
    app_create = ref.action("app.create")
    assert app_create is not None
    assert [p.name for p in app_create.body_params] == ["name", "region", "stack"]
    region = app_create.param("region")
    assert region is not None and region.identifies == "region"
    assert [a.name for a in region.doc.alternatives] == ["id", "name"]
    transfer = ref.action("app-transfer.create")
    assert transfer is not None
    recipient = transfer.param("recipient")
    assert recipient is not None and [a.name for a in recipient.doc.alternatives] == [
        "email", "id"]


def test_single_colon_name_becomes_an_object_param(ref: ApiSpec) -> None:
    create = ref.action("oauth-authorization.create")
    assert create is not None
    assert [(p.name, p.required) for p in create.body_params] == [
        ("scope", True), ("client", False), ("description", False)]
    client = create.param("client")
    assert client is not None and client.identifies == "oauth-client"
    assert [c.name for c in client.doc.children] == ["id"] and client.doc.alternatives == ()
    token = ref.action("oauth-token.create")
    assert token is not None
    grant = token.param("grant")
    assert grant is not None and grant.required
    assert {c.name: c.required for c in grant.doc.children} == {"type": True, "code": False}
    assert grant.doc.alternatives == ()


def test_required_and_optional_lists(ref: ApiSpec) -> None:
    dyno = ref.action("dyno.create")
    assert dyno is not None
    assert [(p.name, p.required) for p in dyno.body_params] == [
        ("command", True), ("attach", False), ("size", False)]
    assert dyno.query_params == ()
    info = ref.action("app.info")
    assert info is not None and info.body is None


def test_serialized_false_is_write_only(ref: ApiSpec) -> None:
    password = ref.resource("account-password")
    assert password is not None and password.attributes == ()
    update = password.action("update")
    assert update is not None and update.method == "PUT"
    assert [(p.name, p.required, p.doc.write_only) for p in update.body_params] == [
        ("current_password", True, True), ("password", True, True)]
    dyno = ref.resource("dyno")
    assert dyno is not None and dyno.attribute("attach") is None
    attach = ref.action("dyno.create").param("attach")  # type: ignore[union-attr]
    assert attach is not None and attach.doc.write_only
    token = ref.resource("oauth-token")
    assert token is not None and token.attribute("grant") is None  # grant:* are all request-only


def test_config_var_is_a_free_form_map(ref: ApiSpec) -> None:
    config = ref.resource("config-var")
    assert config is not None and config.attributes == ()
    assert config.map_values is not None and config.map_values.null_deletes
    value = config.map_values.value
    assert value.types == ("string",) and value.nullable and value.name == "*"
    update = config.action("update")
    assert update is not None and update.body is not None
    assert update.body.params == ()
    assert update.body.map_values == config.map_values
    assert update.body.example == {"FOO": None, "BAZ": "grault"}
    assert update.response.has_example and update.response.example == {
        "BAZ": "grault", "QUUX": "corge"}
    info = config.action("info")
    assert info is not None and info.response.example == {
        "FOO": "bar", "BAZ": "qux", "QUUX": "corge"}


def test_overview_sections(ref: ApiSpec, ref_doc: dict[str, Any]) -> None:
    assert len(ref.overview) == 22
    assert [s.title for s in ref.overview] == list(ref_doc["overview"])
    statuses = ref.doc("Statuses")
    assert statuses is not None
    assert statuses.columns == ("Code", "Culprit", "Id", "Message")
    assert len(statuses.rows) == len(ref_doc["overview"]["Statuses"])
    assert statuses.rows[0] == ("200", "Both", "OK", "request succeeded")
    assert statuses.markdown.startswith("| Code | Culprit | Id | Message |\n| --- |")
    assert "[ranges](#ranges)" in statuses.markdown
    methods = ref.doc("methods")
    assert methods is not None and methods.columns == ("Method", "Usage")
    auth = ref.doc("Authentication")
    assert auth is not None and auth.rows == () and auth.markdown.count("\n\n") == 1
    curl = ref.doc("cURL Examples")
    assert curl is not None and "```\nmachine api.heroku.com" in curl.markdown
    caching = ref.doc("Caching")
    assert caching is not None and caching.markdown == ref_doc["overview"]["Caching"].strip()


# --- the cut-off seed ------------------------------------------------------------------


def test_seed_is_refused_when_strict(seed_path: Path) -> None:
    with pytest.raises(SchemaError) as info:
        load_path(seed_path)
    assert info.value.where is not None
    assert re.fullmatch(r"line 10, column \d+", info.value.where)
    assert "cut off" in info.value.reason


def test_seed_keeps_every_complete_resource(seed: ApiSpec, ref: ApiSpec) -> None:
    # 16 resources are complete before the cut; OAuth Authorization is cut inside its
    # Info action and keeps only its List action.
    complete = [r for r in seed.resources if r.name != "OAuth Authorization"]
    assert len(complete) == 16
    assert len(seed.resources) == 17
    assert seed.action_count == 53
    assert seed.source.lenient
    for res in complete:
        full = ref.resource(res.key)
        assert full is not None
        assert [a.id for a in res.actions] == [a.id for a in full.actions]
        assert res.attributes == full.attributes
    oauth = seed.resource("oauth-authorization")
    assert oauth is not None and [a.key for a in oauth.actions] == ["list"]


def test_seed_lists_what_it_dropped(seed: ApiSpec) -> None:
    assert seed.source.dropped == (
        "resource 'OAuth Authorization': action 'Create' (names attributes lost where the file "
        "is cut off: scope, client:id, description)",
        "resource 'OAuth Authorization': action 'Info' (cut off)",
    )
    assert any(w.where == "resources/OAuth Authorization" for w in seed.warnings)


def test_seed_overview_is_complete(seed: ApiSpec, ref: ApiSpec) -> None:
    # The published page reflowed some whitespace inside strings, so compare the shape.
    assert [s.title for s in seed.overview] == [s.title for s in ref.overview]
    assert [(s.columns, s.rows) for s in seed.overview] == [
        (s.columns, s.rows) for s in ref.overview]
    assert seed.description == ref.description


# --- hand-written fixtures -------------------------------------------------------------


def test_widgets_fixture() -> None:
    spec = load(widgets_doc())
    assert [r.key for r in spec.resources] == ["gadget", "widget-color", "widget", "setting"]
    widget = spec.resource("widget")
    assert widget is not None
    assert [a.name for a in widget.identity] == ["id", "label"]
    assert [n.name for n in widget.attributes] == ["color", "id", "label", "made_at", "size",
                                                   "tags"]
    create = widget.action("create")
    assert create is not None and create.method == "POST"
    assert [(p.name, p.required) for p in create.body_params] == [
        ("label", True), ("color", False), ("secret", False), ("size", False)]
    color = create.param("color")
    assert color is not None and color.identifies == "widget-color"  # by suffix
    assert [a.name for a in color.doc.alternatives] == ["id", "name"]
    size = create.param("size")
    assert size is not None and size.doc.alternatives == () and size.identifies is None
    assert [c.name for c in size.doc.children] == ["depth", "width"]
    assert size.doc.example == {"depth": 3, "width": 40}
    shelf = widget.action("shelf")
    assert shelf is not None
    (slot,) = shelf.path_params
    assert slot.identifies is None and slot.doc.description == "id of the shelf"
    info = widget.action("info")
    assert info is not None
    assert [p.identifies for p in info.path_params] == ["gadget", "widget"]
    assert info.response.example == {"id": "aaaaaaaa-0000-4000-8000-000000000003",
                                     "label": "left"}
    setting = spec.resource("setting")
    assert setting is not None and setting.map_values is not None
    update = setting.action("update")
    assert update is not None and update.body is not None
    assert update.body.example == {"MODE": None, "LEVEL": "4"}


def test_widgets_overview_shapes() -> None:
    spec = load(widgets_doc())
    assert [s.title for s in spec.overview] == ["Intro", "Notes", "Codes", "Mixed"]
    notes = spec.doc("Notes")
    assert notes is not None and notes.markdown == "First paragraph.\n\n```\nsome code\n```"
    codes = spec.doc("Codes")
    assert codes is not None
    assert codes.rows == (("200", "fine | good"),
                          ("404", "see <code>id</code> in <a href='#errors'>errors</a>"))
    assert "fine \\| good" in codes.markdown
    assert "see `id` in [errors](#errors)" in codes.markdown
    mixed = spec.doc("Mixed")
    assert mixed is not None
    assert mixed.columns == ("Key", "Value", "Extra")
    assert mixed.rows == (("a", "true", ""), ("b", "", ""))
    assert mixed.markdown.startswith("Before the table.\n\n| Key | Value | Extra |")
    assert mixed.markdown.endswith("\n\nAfter the table.")


def _widget_action(doc: dict[str, Any], name: str) -> dict[str, Any]:
    action: dict[str, Any] = doc["resources"]["Widget"]["actions"][name]
    return action


@pytest.mark.parametrize(
    ("change", "where", "reason"),
    [
        (lambda d: _widget_action(d, "Info").pop("statuses"),
         "resources/Widget/actions/Info", "the action has no statuses"),
        (lambda d: _widget_action(d, "Info").update(method=5),
         "resources/Widget/actions/Info", "HTTP method"),
        (lambda d: _widget_action(d, "Info").update(path="gadgets"),
         "resources/Widget/actions/Info", "starting with '/'"),
        (lambda d: _widget_action(d, "Info").update(statuses=["200"]),
         "resources/Widget/actions/Info", "HTTP status codes"),
        (lambda d: _widget_action(d, "Create")["attributes"]["optional"].append("colour:id"),
         "resources/Widget/actions/Create", "does not define: colour:id"),
        (lambda d: d["resources"].update(Broken=[1, 2]), "resources/Broken", "an object"),
        (lambda d: d["resources"]["Gadget"].pop("actions"), "resources/Gadget", "'actions'"),
        (lambda d: d["resources"]["Widget"]["attributes"].update({"x": "text"}),
         "resources/Widget/attributes/x", "an attribute must be an object"),
        (lambda d: d["overview"].update(Bad=3), "overview/Bad", "a section must be"),
    ],
)
def test_bad_shapes(change: Any, where: str, reason: str) -> None:
    doc = widgets_doc()
    change(doc)
    with pytest.raises(SchemaError) as info:
        load(copy.deepcopy(doc))
    assert info.value.where == where
    assert reason in info.value.reason
    lenient = load(doc, lenient=True)  # never raises; drops or warns instead
    recorded = [*lenient.source.dropped, *(str(w) for w in lenient.warnings)]
    assert any(reason in item for item in recorded), recorded


def test_lenient_drops_a_resource_with_no_complete_action() -> None:
    doc = widgets_doc()
    doc["resources"]["Widget Color"]["actions"]["Info"].pop("method")
    spec = load(doc, lenient=True)
    assert spec.resource("widget-color") is None
    assert spec.source.dropped == (
        "resource 'Widget Color': action 'Info' (the action has no method)",
        "resource 'Widget Color' (no complete action)",
    )
    create = spec.action("widget.create")
    assert create is not None and create.param("color").identifies is None  # type: ignore[union-attr]


def test_lenient_cut_inside_attributes() -> None:
    text = (FIXTURES / "widgets.json").read_text(encoding="utf-8")
    cut_at = text.index('"size:depth": {') + len('"size:depth": {"description": "dep')
    raw = f"Page header\nwidgets 1.0\nmodule.exports = {text[:cut_at]}".encode()
    with pytest.raises(SchemaError):
        load_schema(raw, origin="cut.js")
    spec = load_schema(raw, origin="cut.js", lenient=True)
    assert [r.key for r in spec.resources] == ["gadget", "widget-color", "widget"]
    widget = spec.resource("widget")
    assert widget is not None
    assert [a.key for a in widget.actions] == ["list", "info", "delete", "shelf"]
    assert widget.attribute("size") is None and widget.attribute("label") is not None
    assert spec.source.dropped == (
        "resource 'Widget': attribute 'size:depth' (cut off)",
        "resource 'Widget': action 'Create' (names attributes lost where the file is cut "
        "off: size:depth, size:width)",
    )


def test_unknown_type_is_a_warning() -> None:
    doc = widgets_doc()
    doc["resources"]["Widget"]["attributes"]["label"]["type"] = "colour"
    spec = load(doc)
    label = spec.resource("widget").attribute("label")  # type: ignore[union-attr]
    assert label is not None and label.types == ()
    assert [w.where for w in spec.warnings] == ["resources/Widget/attributes/label"]


_ODD_VALUES: list[Any] = [
    None, 0, -1, 1.5, True, "", "x", "{key}", "a::b", [], {}, [1], ["x"], {"a": 1},
    {"required": "label"}, {"optional": [1]}, {"required": ["nope"]}, "array[", "array[what]",
    "/x/{}", "/x/{a}/{a}", [200, True], [99], "List", "/a/{b_id_or_name}",
]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def test_mutated_manifests_fail_only_with_schema_errors() -> None:
    rng = random.Random(2013)
    base = widgets_doc()
    paths = [p for p in _paths(base) if len(p) > 1 or p[0] != "resources"]
    for _ in range(300):
        doc = copy.deepcopy(base)
        for _ in range(rng.randint(1, 3)):
            *parents, last = rng.choice(paths)
            node: Any = doc
            try:
                for key in parents:
                    node = node[key]
                if isinstance(node, dict) and rng.random() < 0.25:
                    node.pop(last, None)
                else:
                    node[last] = rng.choice(_ODD_VALUES)
            except (KeyError, IndexError, TypeError):
                continue
        if not isinstance(doc.get("resources"), dict):
            continue
        with contextlib.suppress(SchemaError):  # strict may refuse, but only like this
            load(copy.deepcopy(doc))
        spec = load(doc, lenient=True)  # lenient never raises once 'resources' is an object
        for action in spec.actions():
            assert [p.name for p in action.path_params] == list(
                dict.fromkeys(n for n in PLACEHOLDER.findall(action.path) if n.strip()))
