"""The URL sent is the action's template with each value filling exactly one segment.

Checked on the wire form: what ``httpx.URL`` makes of ``HerokuClient.url_for`` (its
``raw_path`` is what goes on the request line) and what a transport really receives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heroku_explorer.client import HerokuClient
from heroku_explorer.errors import RequestInvalid
from heroku_explorer.request import MAX_TARGET, RequestSpec, build_request, raw_request
from heroku_explorer.schema import Action, ApiSpec, load_bundled, load_path
from tests.client_helpers import json_response, make_client
from tests.conftest import REFERENCE_DIR

REFERENCES = ("heroku-platform-api-schema.json", "heroku-platform-api-schema-3.sdk.json")


def _specs() -> dict[str, ApiSpec]:
    specs = {"bundled": load_bundled()}
    for name in REFERENCES:
        path = REFERENCE_DIR / name
        if path.exists():
            specs[name] = load_path(path)
    return specs


SPECS = _specs()
#: Every action of every schema, with only its path to fill (no body or query to get
#: in the way): what is checked here is where the request goes.
EVERY: list[Action] = [msgspec.structs.replace(a, body=None, query_params=())
                       for spec in SPECS.values() for a in spec.actions()]
ACTIONS = [a for a in EVERY if a.path_params]
CLIENT = HerokuClient("https://api.heroku.com", None, cache_dir=Path("/nonexistent"))
DOTS = (".", "..")
HOSTILE = ["", ".", "..", "...", "a/b", "../x", "/", "?", "#", "%", "%2e%2e", "%2F", "a b",
           "caf\u00e9", "\u202e", "x?y=1#z", "{app_id_or_name}", ";", "a;b=c", "~", "\\",
           "caf\udce9", "\x00", "\r\nX: 1", "0", 7, -1, ".hidden", "..."]


def wire_path(spec: RequestSpec) -> str:
    """The path part of the request line the client writes for ``spec``."""
    raw = httpx.URL(CLIENT.url_for(spec)).raw_path.decode("ascii")
    return raw.partition("?")[0]


def check(action: Action, values: dict[str, Any]) -> RequestSpec | None:
    """Either every problem names a path parameter (and a value that cannot fill a
    segment is among them), or the sent path has the template's segments, each
    filled one decoding back to its value exactly."""
    names = {p.name for p in action.path_params}
    try:
        spec = build_request(action, values)
    except RequestInvalid as exc:
        fields = {e.field for e in exc.errors}
        assert fields <= names, (action.id, fields)
        assert all(e.message and e.field in str(exc) for e in exc.errors)
        must = {k for k, v in values.items() if v in DOTS or v == ""}
        assert must <= fields, (action.id, values, fields)
        return None
    assert not any(v in DOTS or v == "" for v in values.values())
    sent = wire_path(spec)
    assert sent == spec.path, (action.id, spec.path, sent)  # what the preview shows is sent
    template = action.path.split("/")
    segments = sent.split("/")
    assert len(segments) == len(template), (action.id, action.path, sent)
    for slot, segment in zip(template, segments, strict=True):
        if slot.startswith("{") and slot.endswith("}"):
            assert unquote(segment, errors="strict") == str(values[slot[1:-1]])
        else:
            assert segment == slot
    return spec


def test_every_schema_is_covered() -> None:
    assert len(SPECS) == 3, "the reference schemas were not found beside the checkout"
    assert len(EVERY) == sum(len(list(s.actions())) for s in SPECS.values()) > 700
    assert len(ACTIONS) > 500
    for action in EVERY:
        if not action.path_params:  # nothing to fill: the template is sent as it is
            spec = build_request(action, {})
            assert wire_path(spec) == spec.path == action.path


@pytest.mark.parametrize(("action_id", "values"), [
    ("domain.delete", {"app_id_or_name": "myapp", "domain_id_or_hostname": ".."}),
    ("key.delete", {"key_id_or_fingerprint": ".."}),
    ("dyno.delete", {"app_id_or_name": "myapp", "dyno_id_or_name": "."}),
    ("app.delete", {"app_id_or_name": ".."}),
])
def test_dot_values_never_reach_another_action(action_id: str, values: dict[str, str]) -> None:
    action = load_bundled().action(action_id)
    assert action is not None
    with pytest.raises(RequestInvalid) as info:
        build_request(action, values)
    (error,) = info.value.errors
    bad = next(k for k, v in values.items() if v in DOTS)
    assert error.field == bad and "another URL" in error.message
    assert str(info.value).startswith(f"{bad}: cannot be {values[bad]!r}")


def test_hostile_values_in_every_action_of_every_schema() -> None:
    accepted = refused = 0
    for action in ACTIONS:
        first, *rest = action.path_params
        for value in HOSTILE:
            values: dict[str, Any] = {p.name: "demo" for p in rest}
            values[first.name] = value
            if check(action, values) is None:
                refused += 1
            else:
                accepted += 1
    # both outcomes happen: loose identities take any text, uuids refuse most of it
    assert accepted > 1000 and refused > 1000, (accepted, refused)


path_value = (st.text() | st.text(st.characters() | st.sampled_from("/?#%.;&=+ "))
              | st.sampled_from(HOSTILE) | st.integers(-(10**20), 10**20))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ACTIONS), st.data())
def test_any_text_fills_exactly_one_segment(action: Action, data: st.DataObject) -> None:
    values = {p.name: data.draw(path_value, label=p.name) for p in action.path_params}
    check(action, values)


def test_a_value_too_long_for_a_url_is_refused_by_name() -> None:
    action = load_bundled().action("domain.info")
    assert action is not None
    with pytest.raises(RequestInvalid) as info:
        build_request(action, {"app_id_or_name": "myapp",
                               "domain_id_or_hostname": "\u00e9" * MAX_TARGET})
    assert [e.field for e in info.value.errors] == ["domain_id_or_hostname"]
    assert "too long" in str(info.value)


async def test_the_transport_receives_the_path_the_spec_shows() -> None:
    client, recorder = make_client(lambda r: json_response())
    action = load_bundled().action("domain.info")
    assert action is not None
    async with client:
        for value in ("a/b", "%2e%2e", "caf\u00e9 ?#", "...", "~x"):
            spec = build_request(action, {"app_id_or_name": "myapp",
                                          "domain_id_or_hostname": value})
            await client.send(spec)
            assert recorder.last.url.raw_path.decode("ascii") == spec.path
            assert client.prepare(spec).url == f"https://api.heroku.com{spec.path}"


# -- paths typed in the REPL ----------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/apps/../account", "/apps/x/..", "/apps/./x", "/apps/x/.", "/apps/%2e%2e/account",
    "/apps/%2E/x", "https://api.heroku.com/apps/../account", "/..", "/apps/..?a=1",
])
def test_typed_dot_segments_are_refused(path: str) -> None:
    with pytest.raises(RequestInvalid) as info:
        raw_request("GET", path)
    (error,) = info.value.errors
    assert error.field == "path" and "dot segment" in error.message


@pytest.mark.parametrize(("typed", "sent"), [
    ("/apps/a b", "/apps/a%20b"),
    ("/apps/100%", "/apps/100%25"),
    ("/apps/%2Fx", "/apps/%2Fx"),
    ("/apps/caf\u00e9", "/apps/caf%C3%A9"),
    ("/apps/a#b", "/apps/a%23b"),
    ("/apps/...", "/apps/..."),
    ("/apps/{x}|^`", "/apps/%7Bx%7D%7C%5E%60"),
    ("HTTPS://API.Heroku.com/apps", "https://api.heroku.com/apps"),
    ("https://ex\u00e4mple.com/x", "https://xn--exmple-cua.com/x"),
    ("http://127.0.0.1:5000", "http://127.0.0.1:5000/"),
])
def test_typed_paths_are_kept_in_their_wire_form(typed: str, sent: str) -> None:
    spec = raw_request("GET", typed)
    assert spec.path == sent
    url = httpx.URL(CLIENT.url_for(spec))
    assert str(url) == CLIENT.url_for(spec)


@pytest.mark.parametrize(("typed", "words"), [
    ("apps", "starting with /"),
    ("https://me:pw@api.heroku.com/apps", "user name or password"),
    ("http://[::1/x", "not a valid URL"),
    ("https:///apps", "no host"),
    ("/apps/caf\udce9", "not valid text"),
    pytest.param("/apps/" + "x" * MAX_TARGET, "too long", id="too-long"),
])
def test_typed_paths_that_cannot_be_sent_say_why(typed: str, words: str) -> None:
    with pytest.raises(RequestInvalid) as info:
        raw_request("GET", typed)
    assert [e.field for e in info.value.errors] == ["path"]
    assert words in str(info.value)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("/.%?#"), max_size=40))
def test_any_typed_path_is_refused_or_sent_as_shown(text: str) -> None:
    try:
        spec = raw_request("GET", "/" + text)
    except RequestInvalid as exc:
        assert {e.field for e in exc.errors} == {"path"}
        return
    raw = httpx.URL(CLIENT.url_for(spec)).raw_path.decode("ascii")
    assert raw.partition("?")[0] == spec.path
    assert not any(unquote(s) in DOTS for s in spec.path.split("/"))
    # nothing typed is lost: decoding the sent path gives back what was typed, save for
    # the escapes the person wrote themselves
    typed = ("/" + text).strip().partition("?")[0]
    if "%" not in typed:
        assert unquote(spec.path, errors="strict") == typed


def test_every_example_request_goes_where_its_template_says() -> None:
    """The example both front ends show (examples.example_inputs) is built by the same
    rules: it goes to its own action's URL, or says why it cannot be built."""
    from heroku_explorer.examples import example_inputs

    built = 0
    for spec in SPECS.values():
        for action in spec.actions():
            values, request, problem = example_inputs(action)
            if request is None:
                assert problem and problem.startswith("The schema's examples")
                continue
            built += 1
            path_only = msgspec.structs.replace(action, body=None, query_params=())
            check(path_only, {p.name: values[p.name] for p in action.path_params})
            assert wire_path(request) == request.path
    assert built > 600
