"""build_request / raw_request / coerce_text: validation before anything is sent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heroku_explorer.errors import RequestInvalid, ValidationError
from heroku_explorer.protocol import RangeSpec
from heroku_explorer.request import (
    OMITTED,
    RequestSpec,
    build_request,
    coerce_text,
    raw_request,
)
from heroku_explorer.schema.model import Action, Attribute, Body, MapSpec, Param

UUID = "01234567-89ab-cdef-0123-456789abcdef"


def attr(name: str, *types: str, **kw: Any) -> Attribute:
    return Attribute(name=name, path=(name,), types=types, **kw)


IDENTITY = attr("app", alternatives=(attr("id", "string", format="uuid"),
                                     attr("name", "string", pattern=r"^[a-z][a-z0-9-]{1,28}$")))
PLAN_2013 = attr("plan", "object", alternatives=(attr("id", "string", format="uuid"),
                                                 attr("name", "string")),
                 children=(attr("id", "string", format="uuid"), attr("name", "string")))
PLAN_MODERN = attr("plan", alternatives=(attr("id", "string", format="uuid"),
                                         attr("name", "string")))


def make_action(method: str = "POST", path: str = "/apps/{app_id_or_name}/things", *,
                body: tuple[Param, ...] | None = (), strict: bool = False,
                query: tuple[Param, ...] = (), map_values: MapSpec | None = None,
                sort_fields: tuple[str, ...] | None = None) -> Action:
    path_params = tuple(Param(name=n, location="path", required=True, doc=IDENTITY)
                        for n in ("app_id_or_name",) if "{" + n + "}" in path)
    return Action(
        resource="thing", key="create", title="Create", method=method, path=path, raw_href=path,
        path_params=path_params, query_params=query,
        body=None if body is None else Body(params=body, strict=strict, map_values=map_values),
        sort_fields=sort_fields,
    )


def body_param(doc: Attribute, required: bool = False) -> Param:
    return Param(name=doc.name, location="body", required=required, doc=doc)


KITCHEN = make_action(body=(
    body_param(attr("name", "string"), required=True),
    body_param(attr("size", "integer")),
    body_param(attr("ratio", "number")),
    body_param(attr("enabled", "boolean")),
    body_param(attr("created", "string", format="date-time")),
    body_param(attr("day", "string", format="date")),
    body_param(attr("email", "string", format="email")),
    body_param(attr("url", "string", format="uri")),
    body_param(attr("ip", "string", format="ipv4")),
    body_param(attr("id", "string", format="uuid")),
    body_param(attr("kind", "string", enum=("web", "worker"))),
    body_param(attr("tags", "array", items=attr("[]", "string"))),
    body_param(attr("note", "string", nullable=True)),
    body_param(PLAN_2013),
), strict=True)


def errors_of(action: Action, values: dict[str, Any], **kw: Any) -> dict[str, str]:
    with pytest.raises(RequestInvalid) as info:
        build_request(action, values, **kw)
    assert all(isinstance(e, ValidationError) for e in info.value.errors)
    return {e.field: e.message for e in info.value.errors}


def test_path_values_are_percent_encoded() -> None:
    spec = build_request(make_action("GET", body=None), {"app_id_or_name": "my-app"})
    assert spec.path == "/apps/my-app/things"
    spec = build_request(make_action("GET", body=None), {"app_id_or_name": UUID})
    assert spec.path == f"/apps/{UUID}/things"
    loose = make_action("GET", body=None)
    loose = Action(**{**{f: getattr(loose, f) for f in ("resource", "key", "title", "method",
                                                         "path", "raw_href")},
                      "path_params": (Param("app_id_or_name", "path", True, attr("x", "string")),)})
    assert build_request(loose, {"app_id_or_name": "a/b c?"}).path == "/apps/a%2Fb%20c%3F/things"


def test_missing_and_wrong_path_value() -> None:
    assert "required" in errors_of(make_action("GET", body=None), {})["app_id_or_name"]
    msg = errors_of(make_action("GET", body=None), {"app_id_or_name": "Not An App!"})
    assert "id" in msg["app_id_or_name"] and "name" in msg["app_id_or_name"]


def test_a_valid_body_is_sent_as_given() -> None:
    values = {"app_id_or_name": "demo", "name": "x", "size": 2, "ratio": 0.5, "enabled": False,
              "created": "2012-01-01T12:00:00Z", "day": "2012-01-01", "email": "a@example.com",
              "url": "https://example.com/x", "ip": "192.0.2.1", "id": UUID, "kind": "web",
              "tags": ["a", "b"], "note": None}
    spec = build_request(KITCHEN, values)
    assert spec.method == "POST" and spec.action_id == "thing.create"
    assert spec.body == {k: v for k, v in values.items() if k != "app_id_or_name"}
    assert json.loads(spec.body_bytes() or b"") == spec.body


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("size", "2", "integer"),
    ("size", True, "integer"),
    ("ratio", "x", "number"),
    ("enabled", "yes", "boolean"),
    ("created", "yesterday", "date-time"),
    ("day", "2012-13-01", "date"),
    ("email", "not-an-email", "email"),
    ("url", "not a uri", "URI"),
    ("ip", "300.1.1.1", "IPv4"),
    ("id", "123", "UUID"),
    ("kind", "cron", 'one of "web", "worker"'),
    ("tags", "a", "array"),
    ("name", None, "not null"),
])
def test_each_rule_names_the_field_and_what_was_expected(field: str, value: Any,
                                                         expected: str) -> None:
    found = errors_of(KITCHEN, {"app_id_or_name": "demo", "name": "x", field: value})
    assert expected in found[field]


def test_errors_are_collected_not_stopped_at_the_first() -> None:
    found = errors_of(KITCHEN, {"size": "x", "email": "y", "nope": 1, "tags": [1]})
    assert set(found) == {"app_id_or_name", "name", "size", "email", "nope", "tags[0]"}
    assert "unknown parameter" in found["nope"]
    assert "required" in found["name"]


def test_pattern() -> None:
    action = make_action(body=(body_param(attr("name", "string", pattern="^[a-z]+$")),))
    assert "pattern" in errors_of(action, {"app_id_or_name": "demo", "name": "ABC"})["name"]


def test_unknown_fields_pass_through_a_non_strict_body() -> None:
    action = make_action(body=(body_param(attr("name", "string")),))
    spec = build_request(action, {"app_id_or_name": "demo", "extra": {"a": 1}})
    assert spec.body == {"extra": {"a": 1}}


def test_a_get_refuses_unknown_values() -> None:
    assert "unknown parameter" in errors_of(make_action("GET", body=None),
                                            {"app_id_or_name": "demo", "x": 1})["x"]


@pytest.mark.parametrize(("value", "sent"), [
    ("heroku-postgresql:dev", {"name": "heroku-postgresql:dev"}),
    (UUID, {"id": UUID}),
    ({"name": "heroku-postgresql:dev"}, {"name": "heroku-postgresql:dev"}),
])
def test_a_2013_nested_param_takes_a_scalar_and_sends_the_nested_shape(value: Any,
                                                                       sent: Any) -> None:
    action = make_action(body=(body_param(PLAN_2013),))
    spec = build_request(action, {"app_id_or_name": "demo", "plan": value})
    assert spec.body == {"plan": sent}


def test_a_modern_identity_param_is_sent_as_the_scalar() -> None:
    action = make_action(body=(body_param(PLAN_MODERN, required=True),))
    assert build_request(action, {"app_id_or_name": "demo", "plan": UUID}).body == {"plan": UUID}
    assert build_request(action, {"app_id_or_name": "demo", "plan": {"name": "x"}}).body == {
        "plan": {"name": "x"}}
    assert "required" in errors_of(action, {"app_id_or_name": "demo"})["plan"]
    assert "plan.id" in errors_of(action, {"app_id_or_name": "demo", "plan": {"id": "bad"}})


def test_nested_object_children_are_checked() -> None:
    blob = attr("source_blob", "object", children=(
        attr("url", "string", format="uri", required=True), attr("version", "string")))
    action = make_action(body=(body_param(blob),), strict=True)
    found = errors_of(action, {"app_id_or_name": "demo", "source_blob": {"version": 1, "x": 2}})
    assert set(found) == {"source_blob.url", "source_blob.version", "source_blob.x"}


CONFIG = make_action("PATCH", path="/apps/{app_id_or_name}/config-vars", map_values=MapSpec(
    value=attr("*", "string", nullable=True), key_pattern=r"^\w+$", null_deletes=True))


def test_a_free_form_map_takes_the_remaining_values_and_none_deletes() -> None:
    spec = build_request(CONFIG, {"app_id_or_name": "demo", "FOO": "bar", "BAZ": None})
    assert spec.body == {"FOO": "bar", "BAZ": None}
    assert spec.path == "/apps/demo/config-vars"
    found = errors_of(CONFIG, {"app_id_or_name": "demo", "BAD-KEY": "x", "N": 1})
    assert "does not match" in found["BAD-KEY"] and "string" in found["N"]


def test_omitted_values_are_left_out() -> None:
    spec = build_request(KITCHEN, {"app_id_or_name": "demo", "name": "x", "size": OMITTED})
    assert spec.body == {"name": "x"}


def test_query_parameters() -> None:
    query = (Param("start", "query", True, attr("start", "string", format="date")),
             Param("all", "query", False, attr("all", "boolean")))
    action = make_action("GET", body=None, query=query)
    spec = build_request(action, {"app_id_or_name": "demo", "start": "2020-01-01", "all": True})
    assert spec.query == (("start", "2020-01-01"), ("all", "true"))
    assert spec.target == "/apps/demo/things?start=2020-01-01&all=true"
    assert "required" in errors_of(action, {"app_id_or_name": "demo"})["start"]


def test_headers_range_and_conditionals() -> None:
    action = make_action("GET", body=None, sort_fields=("id", "name"))
    spec = build_request(action, {"app_id_or_name": "demo"}, headers={"X-Trace": "1"},
                         range=RangeSpec("name", max=10, order="desc"),
                         if_none_match='"a"', if_match='"b"')
    assert spec.header("range") == "name ..; max=10, order=desc"
    assert spec.header("If-None-Match") == '"a"' and spec.header("If-Match") == '"b"'
    assert spec.header("x-trace") == "1"
    found = errors_of(action, {"app_id_or_name": "demo"}, range="size ..; max=2000",
                      headers=[("Bad Header", "x"), ("X-Ok", "a\r\nb")])
    assert "range" in found and "header 'Bad Header'" in found and "header X-Ok" in found


def test_method_override() -> None:
    spec = build_request(CONFIG, {"app_id_or_name": "demo", "A": "1"}, method_override=True)
    assert spec.method == "PATCH" and spec.wire_method == "POST"
    assert ("X-Http-Method-Override", "PATCH") in spec.wire_headers
    get = build_request(make_action("GET", body=None), {"app_id_or_name": "demo"},
                        method_override=True)
    assert get.wire_method == "GET" and not get.method_override


def test_with_bundled_manifest() -> None:
    from heroku_explorer.schema import load_bundled

    spec = load_bundled()
    create = spec.action("add-on.create")
    assert create is not None
    req = build_request(create, {"app_id_or_name": "demo", "plan": "heroku-postgresql:dev"})
    assert req.body == {"plan": {"name": "heroku-postgresql:dev"}}
    update = spec.action("config-var.update")
    assert update is not None
    req = build_request(update, {"app_id_or_name": "demo", "FOO": "bar", "OLD": None})
    assert (req.method, req.path, req.body) == ("PATCH", "/apps/demo/config-vars",
                                                {"FOO": "bar", "OLD": None})


def test_raw_request() -> None:
    spec = raw_request("patch", "/apps/x?a=1&b=", '{"name": "y"}', {"X-A": "1"})
    assert (spec.method, spec.path, spec.query, spec.body) == (
        "PATCH", "/apps/x", (("a", "1"), ("b", "")), {"name": "y"})
    assert raw_request("GET", "/apps/a b").path == "/apps/a%20b"
    with pytest.raises(RequestInvalid) as info:
        raw_request("GE T", "apps", "{not json")
    assert {e.field for e in info.value.errors} == {"method", "path", "body"}
    assert isinstance(spec, RequestSpec) and spec.with_header("x-a", None).headers == ()


@pytest.mark.parametrize(("doc", "text", "value"), [
    (attr("b", "boolean"), "yes", True),
    (attr("b", "boolean"), "off", False),
    (attr("i", "integer"), " 42 ", 42),
    (attr("n", "number"), "1.5", 1.5),
    (attr("n", "number"), "3", 3),
    (attr("o", "object"), '{"a": 1}', {"a": 1}),
    (attr("a", "array"), '["x"]', ["x"]),
    (attr("s", "string"), " keep ", " keep "),
    (attr("s", "string", nullable=True), "null", None),
    (PLAN_2013, "heroku-postgresql:dev", "heroku-postgresql:dev"),
    (attr("s", "string"), "   ", OMITTED),
])
def test_coerce_text(doc: Attribute, text: str, value: Any) -> None:
    assert coerce_text(doc, text) == value or coerce_text(doc, text) is value


@pytest.mark.parametrize(("doc", "text"), [
    (attr("b", "boolean"), "maybe"),
    (attr("i", "integer"), "1.5"),
    (attr("n", "number"), "nan"),
    (attr("o", "object"), "{oops"),
    (attr("o", "object"), "[1]"),
])
def test_coerce_text_errors_name_the_field(doc: Attribute, text: str) -> None:
    with pytest.raises(ValidationError) as info:
        coerce_text(Param(doc.name, "body", False, doc), text)
    assert info.value.field == doc.name


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["app_id_or_name", "name", "size", "ratio", "enabled",
                                        "created", "email", "id", "kind", "tags", "note", "plan",
                                        "FOO", "other"]), json_values, max_size=8),
       st.sampled_from([KITCHEN, CONFIG, make_action(body=(body_param(PLAN_MODERN),))]))
def test_random_values_raise_only_request_invalid(values: dict[str, Any], action: Action) -> None:
    try:
        spec = build_request(action, values)
    except RequestInvalid as exc:
        assert exc.errors and all(isinstance(e, ValidationError) for e in exc.errors)
    else:
        assert spec.method == action.method


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([attr("b", "boolean"), attr("i", "integer"), attr("n", "number"),
                        attr("o", "object"), attr("a", "array"), attr("s", "string"),
                        PLAN_2013]), st.text(max_size=30))
def test_random_text_raises_only_validation_error(doc: Attribute, text: str) -> None:
    try:
        coerce_text(doc, text)
    except ValidationError as exc:
        assert exc.field == doc.name


@pytest.mark.parametrize("values", [
    {1: "v"},                                   # a non-string key in a free-form map
    {"X": b"bytes"},                            # a value JSON cannot write
])
def test_map_bodies_refuse_what_json_cannot_hold(values: dict[Any, Any]) -> None:
    with pytest.raises(RequestInvalid):
        build_request(CONFIG, {"app_id_or_name": "demo", **values})


@pytest.mark.parametrize("extra", [b"x", {1, 2}, float("nan"), {"deep": object()}])
def test_pass_through_values_must_be_json(extra: Any) -> None:
    action = make_action(body=(body_param(attr("name", "string")),))
    with pytest.raises(RequestInvalid):
        build_request(action, {"app_id_or_name": "demo", "extra": extra})


def test_undecodable_path_value_and_bad_query_object() -> None:
    assert "app_id_or_name" in errors_of(make_action("GET", body=None),
                                         {"app_id_or_name": "caf\udce9"})
    query = (Param("start", "query", True, attr("start", "string")),)
    action = make_action("GET", body=None, query=query)
    assert "start" in errors_of(action, {"app_id_or_name": "demo", "start": {"a": b""}})
