"""The explorer and today's schema: fetched after the first frame, offered on a key,
never swapped under the person's hands; the switch starts a new explorer (and, in
sandbox mode, a sandbox that emulates the new schema).

A loopback HTTP server stands for api.heroku.com; nothing leaves 127.0.0.0/8.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from heroku_explorer.cli import build_parser
from heroku_explorer.request import raw_request
from heroku_explorer.runtime import Setup, prepare, schema_source
from heroku_explorer.schema.model import ApiSpec
from heroku_explorer.tui import app as app_module
from heroku_explorer.tui.app import ExplorerApp, ExplorerOptions, run_tui, switched_options
from heroku_explorer.tui.schema_switch import SWITCH_ID
from heroku_explorer.tui.screens.help import help_markdown
from heroku_explorer.tui.widgets.status_bar import StatusBar, compact_source
from tests.schema_support import GatedSchema, changed_schema

# These tests run the background schema fetch, against a loopback API only.
pytestmark = pytest.mark.usefixtures("online_schema", "private_home")


@pytest.fixture
def server(today: bytes) -> Iterator[GatedSchema]:
    srv = GatedSchema(today)
    try:
        yield srv
    finally:
        srv.close()


def start(*argv: str) -> tuple[Setup, Any]:
    args = build_parser().parse_args(["tui", *argv])
    return prepare(args), args


def options(setup: Setup, args: Any) -> ExplorerOptions:
    """What :func:`heroku_explorer.runtime.run` hands to the explorer."""
    return ExplorerOptions(mode=setup.mode, base_url=setup.base_url, notices=setup.notices,
                           variant=setup.variant, schema_update=setup.schema_update,
                           schema_source=schema_source(args))


def explorer(setup: Setup, args: Any) -> ExplorerApp:
    return ExplorerApp(setup.spec, setup.client_factory(), **options(setup, args))


def bar(app: ExplorerApp) -> StatusBar:
    return app.screen.query_one(StatusBar)


def notices(app: ExplorerApp) -> list[str]:
    return [f"{n.title}\n{n.message}" for n in app._notifications]


async def settled(app: ExplorerApp, pilot: Any, *states: str) -> None:
    update = app.schema_update
    assert update is not None
    for _ in range(400):
        if update.state in states:
            await pilot.pause()
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"the schema fetch is still {update.state}")


async def test_first_run_loads_in_the_background_and_offers_the_switch(
        server: GatedSchema) -> None:
    setup, args = start("--sandbox", "--api-url", server.url)
    app = explorer(setup, args)
    bundled = app.spec
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        # The first frame is on the bundled schema, the fetch waits on the server.
        assert bar(app).schema == f"loading the schema from {server.url[7:]}…"
        assert len(app.spec.resources) == 24
        assert not app.check_action("use_todays_schema", ())
        server.gate.set()
        await settled(app, pilot, "changed")
        assert app.spec is bundled  # never swapped under the person's hands
        assert bar(app).schema == "bundled 2013 manifest · new schema: ctrl+u"
        shown = "\n".join(notices(app))
        assert f"Today's schema from {server.url[7:]} differs" in shown
        assert "24 -> 100 resources, 74 -> 305 actions" in shown
        assert "+ resource account-delinquency" in shown and "ctrl+u: use it" in shown
        assert "more line(s)" in shown  # the first lines only
        assert app.check_action("use_todays_schema", ())
        for _ in range(40):
            await pilot.pause(0.05)
            keys = {k.description for k in app.screen.query(FooterKey)}
            if "Use today's schema" in keys:
                break
        assert "Use today's schema" in keys
        assert "Use today's schema" in help_markdown(app.focused, app.screen)
        assert "authorization" not in server.requests[0]
        await pilot.press("ctrl+u")
        await pilot.pause()
    assert app.switch_to is not None and app.return_code == 0
    new_spec, data = app.switch_to
    assert len(new_spec.resources) == 100 and data == server.data
    # The runtime's hand-over: a sandbox on the new schema, in a new explorer.
    factory = setup.use_schema(new_spec, data)
    after = switched_options(options(setup, args), app.schema_update)
    second = ExplorerApp(new_spec, factory, **after)
    async with second.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert bar(second).schema == f"live schema ({server.url[7:]})"
        assert any("Now on today's schema" in n for n in notices(second))
        client = await second.get_client()
        schema = await client.send(raw_request("GET", "/schema"))
        assert schema.status == 200 and schema.body == data
        pipelines = await client.send(raw_request("GET", "/pipelines"))
        assert pipelines.status == 200, pipelines.body  # only today's schema has them
        assert not second.check_action("use_todays_schema", ())
    assert len(server.requests) == 1  # the second explorer fetches nothing


async def test_the_switch_key_does_nothing_until_a_schema_arrives(server: GatedSchema) -> None:
    setup, args = start("--sandbox", "--api-url", server.url)
    app = explorer(setup, args)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        app.action_use_todays_schema()
        await pilot.pause()
        assert app.switch_to is None and app.is_running
        assert any("No newer schema has arrived." in n for n in notices(app))
        server.gate.set()
        await settled(app, pilot, "changed")


async def test_a_cached_schema_revalidated_with_304_offers_nothing(
        server: GatedSchema) -> None:
    server.gate.set()
    first, _ = start("--sandbox", "--api-url", server.url)
    assert first.schema_update is not None
    await first.schema_update.run()
    setup, args = start("--sandbox", "--api-url", server.url)
    app = explorer(setup, args)
    async with app.run_test(size=(160, 40)) as pilot:
        await settled(app, pilot, "current")
        assert len(app.spec.resources) == 100
        assert bar(app).schema.startswith("cached 20") and "(" not in bar(app).schema
        assert server.requests[-1]["if-none-match"] == '"v1"'
        assert not app.check_action("use_todays_schema", ())
        assert not any("differs" in n for n in notices(app))


async def test_a_changed_cached_schema_shows_its_summary(server: GatedSchema,
                                                         today: bytes) -> None:
    server.gate.set()
    first, _ = start("--sandbox", "--api-url", server.url)
    assert first.schema_update is not None
    await first.schema_update.run()
    server.data, server.etag = changed_schema(today), '"v2"'
    setup, args = start("--sandbox", "--api-url", server.url)
    app = explorer(setup, args)
    async with app.run_test(size=(160, 40)) as pilot:
        await settled(app, pilot, "changed")
        shown = "\n".join(notices(app))
        assert "~ resource app" in shown and "+ attribute launch_code: string" in shown
        assert bar(app).schema.endswith("· new schema: ctrl+u")
        assert bar(app).schema.startswith("cached ")


async def test_a_failed_fetch_says_so_and_keeps_the_bundled_schema(today: bytes) -> None:
    broken = GatedSchema(today, status=500)
    broken.gate.set()
    try:
        setup, args = start("--sandbox", "--api-url", broken.url)
        app = explorer(setup, args)
        async with app.run_test(size=(160, 40)) as pilot:
            await settled(app, pilot, "failed")
            assert bar(app).schema == "bundled 2013 manifest"
            shown = "\n".join(notices(app))
            assert "The bundled 2013 manifest stays in use" in shown
            assert "heroku-explorer schema --update" in shown
            assert len(app.spec.resources) == 24
    finally:
        broken.close()


async def test_an_api_that_never_answers_never_holds_the_first_frame(
        server: GatedSchema) -> None:
    setup, args = start("--sandbox", "--api-url", server.url, "--timeout", "0.5")
    app = explorer(setup, args)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("ResourceTree") is not None
        assert bar(app).schema.startswith("loading the schema from 127.0.0.1")
        await settled(app, pilot, "failed")
        assert any("did not send the schema within 0.5 seconds" in n for n in notices(app))


async def test_offline_fetches_nothing(server: GatedSchema) -> None:
    setup, args = start("--sandbox", "--api-url", server.url, "--offline")
    app = explorer(setup, args)
    async with app.run_test(size=(160, 40)) as pilot:
        for _ in range(200):  # the notices are toasts over the first frame
            await pilot.pause(0.02)
            if any("Offline, and no schema is cached" in n for n in notices(app)):
                break
        assert any("Offline, and no schema is cached" in n for n in notices(app))
        assert app.schema_update is not None and app.schema_update.state == "offline"
        assert bar(app).schema == "bundled 2013 manifest"
    assert server.requests == []


async def test_a_named_schema_file_is_said_and_never_fetched(ref_hyper_path: Path) -> None:
    setup, args = start("--sandbox", "--schema", str(ref_hyper_path))
    assert setup.schema_update is None
    app = explorer(setup, args)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert bar(app).schema == "schema from heroku-platform-api-schema.json"
        assert not app.check_action("use_todays_schema", ())


def test_compact_source() -> None:
    assert compact_source("cached 2026-11-30 14:02 (api.heroku.com, variant 3)") == \
        "cached 2026-11-30 14:02"
    assert compact_source("bundled 2013 manifest") == "bundled 2013 manifest"
    long = compact_source("schema from " + "x" * 80)
    assert len(long) == 44 and long.endswith("…")
    assert "\x1b" not in compact_source("schema from \x1b[2Jevil.json")


def test_run_tui_starts_again_on_the_schema_chosen(monkeypatch: pytest.MonkeyPatch,
                                                   ref_hyper_path: Path) -> None:
    """``run_tui`` loops: an explorer that ends with a switch is followed by one on
    the new schema, with the factory the runtime gives for it."""
    from heroku_explorer.schema import load_bundled, load_path

    old, new = load_bundled(), load_path(str(ref_hyper_path))
    ran: list[tuple[ApiSpec, Any, str | None]] = []

    def fake_run(self: ExplorerApp, *a: Any, **k: Any) -> int:
        ran.append((self.spec, self._factory, self.schema_source))
        if len(ran) == 1:
            self.switch_to = (new, b"{}")
        return 0

    monkeypatch.setattr(app_module.ExplorerApp, "run", fake_run)
    switched: list[tuple[ApiSpec, bytes | None]] = []

    def on_switch(spec: ApiSpec, data: bytes | None) -> Any:
        switched.append((spec, data))
        return "second-factory"

    assert run_tui(old, lambda: None, on_switch=on_switch) == 0  # type: ignore[arg-type,return-value]
    assert [r[0] for r in ran] == [old, new] and switched == [(new, b"{}")]
    assert ran[1][1] == "second-factory" and ran[1][2] == "live schema (the API)"
    assert SWITCH_ID == "use-todays-schema"
