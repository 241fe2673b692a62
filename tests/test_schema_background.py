"""Today's schema off the critical path: cached or bundled at start, fetched afterwards.

A loopback HTTP server stands for api.heroku.com; nothing leaves 127.0.0.0/8.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from heroku_explorer.cli import build_parser, main
from heroku_explorer.runtime import Setup, prepare
from heroku_explorer.schema_updates import SchemaUpdate
from tests.schema_support import SchemaServer, changed_schema

# These tests run the background schema fetch, against a loopback API only.
pytestmark = pytest.mark.usefixtures("online_schema", "private_home")

TOKEN = "hrku-bg-0123456789abcdef-secret"


@pytest.fixture
def server(today: bytes) -> Iterator[SchemaServer]:
    srv = SchemaServer(today)
    try:
        yield srv
    finally:
        srv.close()


def start(*argv: str) -> Setup:
    return prepare(build_parser().parse_args(["repl", *argv]))


def updater(setup: Setup) -> SchemaUpdate:
    assert setup.schema_update is not None
    return setup.schema_update


def test_first_run_bundled_at_once_then_fetched_offered_and_cached(
    server: SchemaServer, tmp_path: Path
) -> None:
    setup = start("--sandbox", "--api-url", server.url)
    update = updater(setup)
    assert (update.state, update.source) == ("idle", "bundled 2013 manifest")
    assert setup.spec.source.origin.startswith("bundled:")
    assert server.requests == []  # nothing before the first frame
    seen: list[str] = []
    update.on_change = lambda u: seen.append(u.state)
    asyncio.run(update.run())
    assert update.state == "changed" and seen == ["changed"]
    assert update.new_spec is not None and len(update.new_spec.resources) == 100
    assert update.summary is not None and "+ resource pipeline" in update.summary
    assert "~ attribute stack: string -> object" in update.summary
    path, headers = server.requests[-1]
    assert path == "/schema" and "authorization" not in headers
    assert headers["accept"] == "application/vnd.heroku+json; version=3"
    assert "if-none-match" not in headers
    assert setup.spec.source.origin.startswith("bundled:")  # never swapped under a person
    assert list((tmp_path / "home" / "cache" / "schema").glob("*.json"))

    second = start("--sandbox", "--api-url", server.url)
    again = updater(second)
    assert again.source.startswith("cached ") and "127.0.0.1" in again.source
    assert "variant 3)" in again.source
    assert len(second.spec.resources) == 100
    asyncio.run(again.run())
    assert again.state == "current" and again.new_spec is None
    assert server.requests[-1][1]["if-none-match"] == '"v1"'


def test_a_changed_schema_is_offered_with_its_summary(server: SchemaServer,
                                                      today: bytes) -> None:
    asyncio.run(updater(start("--sandbox", "--api-url", server.url)).run())
    server.data, server.etag = changed_schema(today), '"v2"'
    setup = start("--sandbox", "--api-url", server.url)
    update = updater(setup)
    asyncio.run(update.run())
    assert update.state == "changed" and update.summary is not None
    assert server.requests[-1][1]["if-none-match"] == '"v1"'
    lines = update.summary.splitlines()
    assert "~ resource app" in lines
    assert "    + attribute launch_code: string" in lines
    assert "    ~ attribute maintenance: boolean -> string" in lines
    assert "    ~ stability of resource: production -> development" in lines
    assert "    - action list" in lines  # of stack
    assert update.new_bytes == server.data
    # The next start uses the copy fetched last.
    third = start("--sandbox", "--api-url", server.url)
    assert third.spec.resource("app").attribute("launch_code") is not None  # type: ignore[union-attr]


def test_live_mode_never_waits_and_never_sends_the_token(
    server: SchemaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.hang = True
    monkeypatch.setenv("HEROKU_API_KEY", TOKEN)
    t0 = time.perf_counter()
    setup = start("--api-url", server.url, "--timeout", "1")
    spec = setup.spec
    startup = time.perf_counter() - t0
    assert setup.mode == "LIVE" and spec.source.origin.startswith("bundled:")
    assert startup < 1.0, startup
    assert server.requests == []
    update = updater(setup)
    t0 = time.perf_counter()
    asyncio.run(update.run())
    took = time.perf_counter() - t0
    assert update.state == "failed" and took < 3.0, took
    assert update.message is not None and "127.0.0.1" in update.message
    assert TOKEN not in update.message
    assert server.requests and "authorization" not in server.requests[-1][1]


def test_live_mode_with_a_cache_revalidates_without_the_token(
    server: SchemaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEROKU_API_KEY", TOKEN)
    first = updater(start("--api-url", server.url))
    asyncio.run(first.run())
    assert first.state == "changed"
    setup = start("--api-url", server.url)
    assert len(setup.spec.resources) == 100 and updater(setup).source.startswith("cached ")
    asyncio.run(updater(setup).run())
    assert updater(setup).state == "current"
    assert all("authorization" not in h for _, h in server.requests)
    assert all(TOKEN not in json.dumps(h) for _, h in server.requests)


def test_each_variant_has_its_own_cache(server: SchemaServer) -> None:
    asyncio.run(updater(start("--sandbox", "--api-url", server.url)).run())
    sdk = start("--sandbox", "--api-url", server.url, "--variant", "3.sdk")
    assert updater(sdk).source == "bundled 2013 manifest"
    asyncio.run(updater(sdk).run())
    assert server.requests[-1][1]["accept"].endswith("version=3.sdk")
    assert "if-none-match" not in server.requests[-1][1]
    again = updater(start("--sandbox", "--api-url", server.url, "--variant", "3.sdk"))
    assert "variant 3.sdk)" in again.source


def test_a_run_that_raises_in_the_callback_still_does_not_raise(server: SchemaServer) -> None:
    update = updater(start("--sandbox", "--api-url", server.url))

    def boom(_: SchemaUpdate) -> None:
        raise RuntimeError("front end bug")

    update.on_change = boom
    asyncio.run(update.run())
    assert update.state == "failed" and update.message and "RuntimeError" in update.message


def test_call_never_fetches_but_uses_the_cache(
    server: SchemaServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["call", "--sandbox", "--api-url", server.url, "pipeline", "list"]) != 0
    assert server.requests == []
    capsys.readouterr()
    asyncio.run(updater(start("--sandbox", "--api-url", server.url)).run())
    count = len(server.requests)
    assert main(["call", "--sandbox", "--api-url", server.url, "pipeline", "list",
                 "--json"]) == 0
    assert capsys.readouterr().out.startswith("[")
    assert len(server.requests) == count
