"""Answers checked against their action's schema (heroku_explorer.conformance), and
the sandbox's own answers checked for every GET of the bundled and both reference
schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from heroku_explorer import conformance
from heroku_explorer.client.auth import Credentials
from heroku_explorer.client.client import HerokuClient
from heroku_explorer.request import raw_request
from heroku_explorer.schema import load_bundled, load_path
from heroku_explorer.schema.model import (
    Action,
    ApiSpec,
    Attribute,
    Resource,
    Response,
    SpecSource,
)

TOKEN = "conformance-token-0123456789"


def _spec(*attrs: Attribute, kind: str = "object", required: tuple[str, ...] = ()) -> ApiSpec:
    action = Action(resource="thing", key="info", title="Info", method="GET",
                    path="/things/{id}", raw_href="/things/{id}",
                    response=Response(kind=kind, resource="thing"))  # type: ignore[arg-type]
    res = Resource(key="thing", name="Thing", attributes=attrs, required=required,
                   actions=(action,))
    return ApiSpec(SpecSource(format="hyper-schema", origin="test"), "t", resources=(res,))


THING = (
    Attribute(name="id", types=("string",), format="uuid"),
    Attribute(name="state", types=("string",), enum=("on", "off")),
    Attribute(name="size", types=("integer",)),
    Attribute(name="note", types=("string",), nullable=True),
    Attribute(name="owner", types=("object",), children=(
        Attribute(name="email", types=("string",), format="email", required=True),)),
    Attribute(name="tags", types=("array",), items=Attribute(name="[]", types=("string",))),
)
GOOD = {"id": "01234567-89ab-cdef-0123-456789abcdef", "state": "on", "size": 3, "note": None,
        "owner": {"email": "a@example.com"}, "tags": ["x"]}


def _check(data: Any, *, kind: str = "object", required: tuple[str, ...] = ()) -> list[str]:
    spec = _spec(*THING, kind=kind, required=required)
    action = spec.action("thing.info")
    assert action is not None
    return [str(d) for d in conformance.check(spec, action, data)]


def test_a_conforming_answer_has_no_differences() -> None:
    assert _check(GOOD) == []
    assert _check([GOOD, GOOD], kind="list") == []


def test_each_kind_of_difference_is_named_by_path() -> None:
    bad = {**GOOD, "id": "nope", "state": "broken", "size": "3", "owner": {}, "tags": [1],
           "extra": True}
    found = _check(bad)
    assert any(d.startswith(".id:") and "UUID" in d for d in found)
    assert any(d.startswith(".state:") and '"broken" is not one of "on", "off"' in d
               for d in found)
    assert any(d.startswith(".size:") and "the schema says integer" in d for d in found)
    assert ".owner.email: required, but missing" in found
    assert any(d.startswith(".tags[0]:") for d in found)
    assert ".extra: a property the schema does not describe" in found
    assert len(found) == 6


def test_null_only_where_the_schema_allows_it() -> None:
    assert _check({**GOOD, "note": None}) == []
    assert any(d.startswith(".size: null") for d in _check({**GOOD, "size": None}))


def test_required_at_the_top_and_in_lists() -> None:
    partial = {k: v for k, v in GOOD.items() if k != "size"}
    assert _check(partial, required=("size",)) == [".size: required, but missing"]
    found = _check([GOOD, {**GOOD, "size": 1.5}], kind="list")
    assert len(found) == 1 and found[0].startswith("[1].size:")
    assert _check(GOOD, kind="list")[0].startswith(".: object")


def test_alternatives_conform_when_one_does() -> None:
    either = Attribute(name="who", alternatives=(
        Attribute(name="id", types=("string",), format="uuid"),
        Attribute(name="count", types=("integer",))))
    spec = _spec(either)
    action = spec.action("thing.info")
    assert action is not None
    assert conformance.check(spec, action, {"who": 4}) == []
    assert conformance.check(spec, action, {"who": GOOD["id"]}) == []
    assert len(conformance.check(spec, action, {"who": "x"})) == 1


def test_a_schema_that_never_says_null_accepts_it() -> None:
    spec = _spec(Attribute(name="size", types=("integer",)))
    action = spec.action("thing.info")
    assert action is not None
    assert conformance.check(spec, action, {"size": None}) == []


def test_a_format_its_own_example_breaks_is_not_enforced() -> None:
    host = Attribute(name="hostname", types=("string",), format="uri",
                     example="subdomain.example.com", has_example=True)
    spec = _spec(host, Attribute(name="n", types=("string",), nullable=True))
    action = spec.action("thing.info")
    assert action is not None
    assert conformance.check(spec, action, {"hostname": "app.herokuapp.com"}) == []


def test_the_note_is_one_line_and_inert() -> None:
    found = conformance.check(*_pair(), {**GOOD, "state": "\x1b[31mred", "\x1b[2J\n": 1})
    text = conformance.note(found)
    assert text.startswith("2 differences from the schema: .state:")
    assert "\x1b" not in text and "\n" not in text
    assert conformance.note([]) == ""


def _pair() -> tuple[ApiSpec, Action]:
    spec = _spec(*THING)
    action = spec.action("thing.info")
    assert action is not None
    return spec, action


# -- the sandbox's own answers -----------------------------------------------------


async def _walk(spec: ApiSpec) -> tuple[int, int, list[str]]:
    from heroku_explorer import sandbox

    app = sandbox.create_app(spec, token=TOKEN)
    answered = gets = 0
    found: list[str] = []
    async with HerokuClient("http://sandbox.local", Credentials(token=TOKEN),
                            transport=httpx.ASGITransport(app=app), cache_dir=None) as client:
        for route in app.router.routes:
            action = route.action
            if action.method != "GET":
                continue
            gets += 1
            path = _fill(app, route, action)
            exchange = await client.send(raw_request("GET", path))
            if not exchange.ok:
                continue
            answered += 1
            assert exchange.action_id == action.id or exchange.action_id is None
            found += [f"{action.id} {d}" for d in conformance.check(spec, action,
                                                                    exchange.json())]
    app.close()
    return gets, answered, found


def _fill(app: Any, route: Any, action: Action) -> str:
    path, scope = action.path, {}
    for slot in route.slots:
        records = app.store.records(slot.resource, scope) if slot.resource else []
        records = records or (app.store.records(slot.resource) if slot.resource else [])
        value = records[0].id if records else "~"
        if records:
            scope = {slot.resource: records[0].id, **records[0].parents}
        path = path.replace("{" + slot.name + "}", value)
    return path


@pytest.mark.parametrize("which", ["bundled", "hyper", "sdk", "2013"])
async def test_every_sandbox_answer_conforms_to_its_schema(
        which: str, ref_hyper_path: Path, ref_sdk_path: Path, ref_2013_path: Path) -> None:
    spec = {"bundled": load_bundled, "hyper": lambda: load_path(str(ref_hyper_path)),
            "sdk": lambda: load_path(str(ref_sdk_path)),
            "2013": lambda: load_path(str(ref_2013_path))}[which]()
    gets, answered, found = await _walk(spec)
    assert found == [], f"{len(found)} differences: {found[:10]}"
    # Nearly every GET is answered (a few need objects the seed does not make).
    assert gets > 20 and answered >= gets * 0.9, (gets, answered)
