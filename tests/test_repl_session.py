"""The REPL end to end against the in-process sandbox: a scripted session through
prompt-toolkit's pipe input, script mode on stdin, errors, Ctrl-C and history."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import signal
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from heroku_explorer.client.auth import Credentials
from heroku_explorer.client.client import HerokuClient
from heroku_explorer.repl.app import _cancellable, run_repl
from heroku_explorer.repl.history import scrub
from heroku_explorer.repl.render import Console
from heroku_explorer.repl.session import Session
from heroku_explorer.sandbox import SANDBOX_TOKEN, create_app
from heroku_explorer.schema import ApiSpec

BASE = "http://sandbox.test"



def sandbox_client(spec: ApiSpec, **sandbox: object) -> HerokuClient:
    transport = httpx.ASGITransport(app=create_app(spec, **sandbox))  # type: ignore[arg-type]
    return HerokuClient(BASE, Credentials(SANDBOX_TOKEN), transport=transport)


@pytest.fixture
async def client(spec: ApiSpec) -> AsyncIterator[HerokuClient]:
    async with sandbox_client(spec) as opened:
        yield opened


def session_for(spec: ApiSpec, client: HerokuClient) -> tuple[Session, io.StringIO]:
    out = io.StringIO()
    return Session(spec, client, Console(out, out, color=False)), out


SCRIPT = [
    "app create name=demo-app region=eu",
    "app list --range 'name ..; max=2'",
    "next",
    "app info app=demo-app",
    "revalidate",
    "app update app=demo-app maintenance:=true --if-match -v",
    "curl",
    "app update app=demo-app name=demo-two -H 'If-Match: \"stale\"'",
    "app delete app=demo-app",
    "app info demo-app",
    "history Authorization: Bearer sandbox-token",
    "region list --range 'name ..; max=1'",
    "exit",
]


def _sections(text: str) -> list[str]:
    """Output split at each status line (one section per request)."""
    return re.split(r"(?m)^(?=\d{3} [A-Z])", text)


async def test_scripted_session_through_pipe_input(spec: ApiSpec, client: HerokuClient,
                                                   tmp_path: Path) -> None:
    history = tmp_path / "data" / "repl_history"
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("".join(line + "\r" for line in SCRIPT))
        code = await asyncio.wait_for(
            run_repl(spec, client, history_path=history, input=pipe, output=DummyOutput(),
                     stdout=out), timeout=30)
    text = out.getvalue()
    assert code == 0
    statuses = re.findall(r"(?m)^(\d{3}) ", text)
    assert statuses == ["201", "206", "206", "200", "304", "200", "412", "200", "404", "206"]
    assert "unchanged" in text
    update = _sections(text)[6]
    assert "ETag:" in update and "Request-Id:" in update
    # The key was given as an option: the export reads it from the environment.
    assert "curl -X PATCH http://sandbox.test/apps/demo-app" in text
    assert '-H "Authorization: Bearer $HEROKU_API_KEY"' in text
    assert "If-Match:" in text
    assert "changed since you last read it" in text
    assert "error: 404 not_found" in text
    assert SANDBOX_TOKEN not in text
    # History: private, and never the token.
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    stored = history.read_text()
    assert "app create name=demo-app region=eu" in stored
    assert SANDBOX_TOKEN not in stored and "[REDACTED]" in stored


async def test_next_pages_follow_the_range(spec: ApiSpec, client: HerokuClient) -> None:
    session, _ = session_for(spec, client)
    assert await session.run_line("app list --range 'name ..; max=2'")
    first = session.last
    assert first is not None and first.status == 206
    assert await session.run_line("next")
    second = session.last
    assert second is not None and second.status in (200, 206)
    names = [a["name"] for a in first.data] + [a["name"] for a in second.data]
    assert names == sorted(names) and len(set(names)) == 4
    assert second.request_header("Range") is not None
    assert "max=2" in (second.request_header("Range") or "")


async def test_if_match_uses_the_etag_read(spec: ApiSpec, client: HerokuClient) -> None:
    session, _out = session_for(spec, client)
    assert await session.run_line("app create name=etag-app")
    assert await session.run_line("app info etag-app")
    etag = session.last.etag if session.last else None
    assert etag
    assert await session.run_line("app update app=etag-app maintenance=true --if-match")
    assert session.last is not None and session.last.request_header("If-Match") == etag


async def test_defaults_fill_path_parameters(spec: ApiSpec, client: HerokuClient) -> None:
    session, out = session_for(spec, client)
    assert await session.run_line("app create name=default-app")
    assert await session.run_line("set app=default-app")
    assert await session.run_line("config-var update FOO=bar BAZ:=null")
    assert await session.run_line("config-var info")
    assert session.last is not None and session.last.data.get("FOO") == "bar"
    assert await session.run_line("unset app")
    assert not await session.run_line("config-var info")
    assert "set app=" in out.getvalue()


async def test_seen_values_feed_completion(spec: ApiSpec, client: HerokuClient) -> None:
    session, _ = session_for(spec, client)
    assert await session.run_line("app create name=seen-app region=eu")
    assert "seen-app" in session.seen("app")
    assert "eu" in session.seen("region")
    assert await session.run_line("app list")
    assert len(session.seen("app")) > 1


async def test_errors_print_one_message_and_the_session_goes_on(
    spec: ApiSpec, client: HerokuClient
) -> None:
    session, out = session_for(spec, client)
    cases = {
        "next": "nothing to next yet",
        "ap list": "did you mean 'app'",
        "app create nme=x": "did you mean 'name'",
        "app update app=x maintenance:={oops": "bad JSON for maintenance",
        "app update app=x maintenance=perhaps": "maintenance: expected true or false",
        "app info app=no-such-app": "error: 404 not_found",
        "revalidate -v": "error:",
        "app info": "app_id_or_name: required",
    }
    for line, message in cases.items():
        before = len(out.getvalue())
        assert not await session.run_line(line), line
        printed = out.getvalue()[before:]
        assert message in printed, (line, printed)
        assert printed.count("error:") == 1, printed
    assert await session.run_line("app list")


async def test_rate_limit_is_one_clear_message(spec: ApiSpec) -> None:
    async with sandbox_client(spec, rate_limit=2) as client:
        session, out = session_for(spec, client)
        results = [await session.run_line("region list") for _ in range(3)]
    assert results == [True, True, False]
    assert "429 rate limited" in out.getvalue()


async def test_network_failure_is_one_clear_message(spec: ApiSpec) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with HerokuClient(BASE, transport=httpx.MockTransport(refuse)) as client:
        session, out = session_for(spec, client)
        assert not await session.run_line("app list")
        assert await session.run_line("doc app")
    assert out.getvalue().count("error:") == 1
    assert "Could not reach the API" in out.getvalue()


async def test_ctrl_c_cancels_the_request_not_the_repl(spec: ApiSpec) -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(60)
        return httpx.Response(200)

    async with HerokuClient(BASE, transport=httpx.MockTransport(hang)) as client:
        session, out = session_for(spec, client)
        loop = asyncio.get_running_loop()
        loop.call_later(0.2, os.kill, os.getpid(), signal.SIGINT)
        assert not await asyncio.wait_for(_cancellable(session, "app list"), timeout=10)
        assert "cancelled" in out.getvalue()
        assert await _cancellable(session, "help")


async def test_session_commands_print_from_the_model(spec: ApiSpec,
                                                     client: HerokuClient) -> None:
    session, out = session_for(spec, client)
    for line in ("doc", "doc app", "doc app create", "example app info", "overview",
                 "overview ranges", "help", "help next", "help app"):
        assert await session.run_line(line), line
    text = out.getvalue()
    assert "curl http://sandbox.test/apps/example" in text  # through the client's export
    assert "Bearer $HEROKU_API_KEY" in text and SANDBOX_TOKEN not in text
    assert '"name": "example"' in text
    assert "region=" in text and "Ranges" in text


async def test_last_exchange_views_and_exports(spec: ApiSpec, client: HerokuClient) -> None:
    session, out = session_for(spec, client)
    assert not await session.run_line("curl")
    assert await session.run_line("app list --range 'name ..; max=1'")
    for line in ("status", "headers", "body", "curl", "httpie", "python", "history",
                 "history apps", "history 2xx"):
        assert await session.run_line(line), line
    text = out.getvalue()
    assert "Range: name ..; max=1" in text or "Range" in text
    assert "http --ignore-stdin GET" in text or "http --ignore-stdin" in text
    assert "httpx.request(" in text
    assert SANDBOX_TOKEN not in text


async def test_raw_calls(spec: ApiSpec, client: HerokuClient) -> None:
    session, _out = session_for(spec, client)
    assert await session.run_line("app create name=raw-app")
    assert await session.run_line("PATCH /apps/raw-app maintenance:=true")
    assert session.last is not None and session.last.data["maintenance"] is True
    assert await session.run_line("GET /apps/raw-app")
    assert await session.run_line("/apps --range 'id ..; max=1'")
    assert session.last is not None and session.last.status == 206


async def test_script_mode_reads_stdin_without_prompts(
    spec: ApiSpec, client: HerokuClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = "# a comment\napp create name=script-app\n\napp info script-app --json\nexit\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(script))
    out, err = io.StringIO(), io.StringIO()
    code = await run_repl(spec, client, history_path=None, stdout=out, stderr=err)
    assert code == 0
    lines = out.getvalue().splitlines()
    assert json.loads(lines[-1])["name"] == "script-app"
    assert "heroku>" not in out.getvalue() + err.getvalue()
    monkeypatch.setattr("sys.stdin", io.StringIO("app info nope\napp list\n"))
    assert await run_repl(spec, client, history_path=None, stdout=out, stderr=err) == 1


async def test_spec_and_client_factories_load_lazily(spec: ApiSpec) -> None:
    made: list[HerokuClient] = []
    loaded: list[ApiSpec] = []

    def factory() -> HerokuClient:
        made.append(sandbox_client(spec))
        return made[-1]

    def load() -> ApiSpec:
        loaded.append(spec)
        return spec

    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("region list\rexit\r")
        code = await asyncio.wait_for(
            run_repl(load, factory, history_path=None, input=pipe, output=DummyOutput(),
                     stdout=out), timeout=30)
    assert code == 0 and len(made) == 1 and len(loaded) == 1
    assert "200 OK" in out.getvalue()
    with pytest.raises(RuntimeError):
        made[0].open()


async def test_a_schema_that_cannot_load_ends_with_one_message(spec: ApiSpec,
                                                             client: HerokuClient) -> None:
    from heroku_explorer.errors import SchemaError

    def broken() -> ApiSpec:
        raise SchemaError("bundled", None, "cut off")

    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("app list\r")
        code = await asyncio.wait_for(
            run_repl(broken, client, history_path=None, input=pipe, output=DummyOutput(),
                     stdout=out), timeout=30)
    assert code == 2
    assert out.getvalue().strip() == "error: bundled: cut off"


def test_scrub_removes_secrets() -> None:
    line = ("x -H 'Authorization: Bearer abc' -H \"Heroku-Two-Factor-Code: 123\" "
            "current_password=hunter2 client:secret='s e' API_KEY:=\"k\" name=ok")
    clean = scrub(line, secrets=("zzz",))
    for secret in ("abc", "123", "hunter2", "s e", '"k"'):
        assert secret not in clean
    assert "name=ok" in clean
    assert scrub("GET /apps/zzz", secrets=("zzz",)) == "GET /apps/[REDACTED]"
