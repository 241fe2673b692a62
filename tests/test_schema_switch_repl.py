"""The REPL and today's schema: fetched after the first prompt, one notice when a
different one arrives, ``schema`` says where the schema in use comes from, and
``schema use`` switches (in sandbox mode to a new sandbox on it, the old client closed).

A loopback HTTP server stands for api.heroku.com; nothing leaves 127.0.0.0/8.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from heroku_explorer.cli import build_parser
from heroku_explorer.client import HerokuClient
from heroku_explorer.repl.app import run_repl
from heroku_explorer.repl.commands import Parser, SchemaCommand
from heroku_explorer.repl.tokens import ParseError
from heroku_explorer.runtime import Setup, prepare, schema_source
from heroku_explorer.schema import load_bundled
from tests.schema_support import GatedSchema, changed_schema

# These tests run the background schema fetch, against a loopback API only.
pytestmark = pytest.mark.usefixtures("online_schema", "private_home")

TOKEN = "hrku-repl-0123456789abcdef-secret"


@pytest.fixture
def server(today: bytes) -> Iterator[GatedSchema]:
    srv = GatedSchema(today)
    try:
        yield srv
    finally:
        srv.close()


class Repl:
    """A REPL on pipe input, wired as :func:`heroku_explorer.runtime.run` wires it,
    fed one line at a time; every client it makes is kept for inspection."""

    def __init__(self, *argv: str) -> None:
        args = build_parser().parse_args(["repl", *argv])
        self.setup: Setup = prepare(args)
        self.args = args
        self.out = io.StringIO()
        self.clients: list[HerokuClient] = []

    def _tracked(self, factory: Callable[[], HerokuClient]) -> Callable[[], HerokuClient]:
        def make() -> HerokuClient:
            client = factory()
            self.clients.append(client)
            return client
        return make

    def _switch(self, spec: Any, data: bytes | None) -> Callable[[], HerokuClient]:
        return self._tracked(self.setup.use_schema(spec, data))

    async def __aenter__(self) -> Repl:
        self._pipe_cm = create_pipe_input()
        self.pipe = self._pipe_cm.__enter__()
        setup = self.setup
        self.task = asyncio.ensure_future(run_repl(
            lambda: setup.spec, self._tracked(setup.client_factory()), history_path=None,
            input=self.pipe, output=DummyOutput(), stdout=self.out, mode=setup.mode,
            schema_update=setup.schema_update, schema_source=schema_source(self.args),
            on_switch=self._switch))
        return self

    async def line(self, text: str, expect: str, timeout: float = 10) -> str:
        """Type ``text``; wait until the output holds ``expect`` after what was there."""
        before = len(self.out.getvalue())
        self.pipe.send_text(text + "\r")
        return await self.wait(expect, timeout, since=before)

    async def wait(self, expect: str, timeout: float = 10, since: int = 0) -> str:
        for _ in range(int(timeout / 0.02)):
            tail = self.out.getvalue()[since:]
            if expect in tail:
                return tail
            await asyncio.sleep(0.02)
        raise AssertionError(f"{expect!r} never came; output:\n{self.out.getvalue()}")

    async def __aexit__(self, *exc: object) -> None:
        try:
            if not self.task.done():
                self.pipe.send_text("exit\r")
            self.code = await asyncio.wait_for(self.task, 15)
        finally:
            self._pipe_cm.__exit__(None, None, None)


async def test_first_run_notice_and_schema_use_moves_the_sandbox(server: GatedSchema) -> None:
    async with Repl("--sandbox", "--api-url", server.url) as repl:
        host = server.url[7:]
        text = await repl.line("schema", "today's schema:")
        assert "schema: bundled 2013 manifest (24 resources, 74 actions)" in text
        assert f"today's schema: loading from {host}…" in text
        text = await repl.line("schema use", "error:")
        assert "no newer schema to switch to: it is still loading" in text
        await repl.line("pipeline list", "error:")  # not in the 2013 manifest
        server.gate.set()
        text = await repl.wait("type 'schema use' to switch")
        assert f"today's schema from {host} differs from the one in use:" in text
        assert "24 -> 100 resources, 74 -> 305 actions" in text
        assert "more line(s)" in text
        text = await repl.line("schema", "type 'schema use' to switch")
        assert "(24 resources, 74 actions)" in text  # nothing swapped meanwhile
        assert len(repl.clients) == 1
        text = await repl.line("schema use", "now on today's schema")
        assert f"now on today's schema from {host}: 100 resources, 305 actions; " \
               "the sandbox emulates it" in text
        assert len(repl.clients) == 2 and repl.clients[0]._closed
        assert not repl.clients[1]._closed
        text = await repl.line("pipeline list", "200 OK")
        text = await repl.line("schema", "schema:")
        assert f"schema: live schema ({host}) (100 resources, 305 actions)" in text
        text = await repl.line("schema use", "error:")
        assert "no newer schema to switch to" in text
    assert repl.code == 0
    out = repl.out.getvalue()
    assert out.count("type 'schema use' to switch") == 2  # the notice once, `schema` once
    assert len(server.requests) == 1 and "authorization" not in server.requests[0]


async def test_live_mode_switches_the_schema_and_keeps_the_client(
        server: GatedSchema, today: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    server.gate.set()
    first = prepare(build_parser().parse_args(["repl", "--sandbox", "--api-url", server.url]))
    assert first.schema_update is not None
    await first.schema_update.run()  # today's schema is cached
    server.data, server.etag = changed_schema(today), '"v2"'
    monkeypatch.setenv("HEROKU_API_KEY", TOKEN)
    async with Repl("--api-url", server.url) as repl:
        assert repl.setup.mode == "LIVE"
        text = await repl.wait("type 'schema use' to switch")
        assert "~ resource app" in text
        text = await repl.line("doc app", "app")
        assert "launch_code" not in text
        text = await repl.line("schema use", "now on today's schema")
        assert "sandbox" not in text.split("now on today's schema")[1].splitlines()[0]
        assert len(repl.clients) == 1 and not repl.clients[0]._closed
        text = await repl.line("doc app", "launch_code")
    assert server.requests[-1]["if-none-match"] == '"v1"'
    assert all("authorization" not in r for r in server.requests)
    assert TOKEN not in repl.out.getvalue()


async def test_a_failed_fetch_on_the_bundled_schema_says_how_to_get_it(today: bytes) -> None:
    broken = GatedSchema(today, status=503)
    broken.gate.set()
    try:
        async with Repl("--sandbox", "--api-url", broken.url) as repl:
            text = await repl.line("schema", "today's schema:")
            if "loading" in text:
                text = await repl.wait("stays in use")
            text = repl.out.getvalue()
            assert "The bundled 2013 manifest stays in use" in text
            assert "heroku-explorer schema --update" in text
            text = await repl.line("schema use", "error:")
            assert "it could not be fetched" in text
    finally:
        broken.close()


async def test_offline_fetches_nothing(server: GatedSchema) -> None:
    async with Repl("--sandbox", "--api-url", server.url, "--offline") as repl:
        text = await repl.line("schema", "today's schema:")
        assert "today's schema: offline, never fetched" in text
    assert server.requests == []


async def test_a_named_schema_is_said(ref_hyper_path: Path) -> None:
    async with Repl("--sandbox", "--schema", str(ref_hyper_path)) as repl:
        text = await repl.line("schema", "today's schema:")
        assert "schema: schema from heroku-platform-api-schema.json (100 resources" in text
        assert "today's schema: not fetched (a schema was named)" in text


async def test_a_script_never_fetches(server: GatedSchema,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    setup = prepare(build_parser().parse_args(["repl", "--sandbox", "--api-url", server.url]))
    monkeypatch.setattr(sys, "stdin", io.StringIO("schema\n"))
    out = io.StringIO()
    code = await run_repl(lambda: setup.spec, setup.client_factory(), history_path=None,
                          stdout=out, stderr=out, mode=setup.mode,
                          schema_update=setup.schema_update, on_switch=setup.use_schema)
    assert code == 0 and "today's schema: not fetched yet" in out.getvalue()
    assert server.requests == []


def test_the_schema_command_parses() -> None:
    parser = Parser(load_bundled())
    assert parser.parse("schema") == SchemaCommand(use=False)
    assert parser.parse("schema use") == SchemaCommand(use=True)
    assert parser.parse("SCHEMA Use") == SchemaCommand(use=True)
    for bad in ("schema uses", "schema use now"):
        with pytest.raises(ParseError):
            parser.parse(bad)
