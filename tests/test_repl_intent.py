"""Intent in the REPL: what is sent, what is confirmed first, what is refused.

A sandbox-backed client whose transport counts what reaches the sandbox, driven
through :class:`Session` and through prompt-toolkit's pipe input (a terminal), or
with lines on stdin (a script). On the live API a destruction asks for the
target's name; a script cannot answer and stops. Revalidation repeats only a GET,
a recalled line holding ``[REDACTED]`` is not sent, exports go through the client,
read-only refusals and Ctrl-C during a POST say what the policy says. A REPL whose
stdout is closed stops sending.
"""

from __future__ import annotations

import asyncio
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from heroku_explorer.client.auth import Credentials
from heroku_explorer.client.client import HerokuClient
from heroku_explorer.policy import read_only_refusal
from heroku_explorer.repl.app import _cancellable, run_repl
from heroku_explorer.repl.render import Console
from heroku_explorer.repl.session import CANCELLED_UNSAFE, Session, session_mode
from heroku_explorer.sandbox import SANDBOX_TOKEN, create_app
from heroku_explorer.schema import ApiSpec
from tests.conftest import ROOT
from tests.faults import FaultServer

#: A loopback address: a live-looking base URL that no request ever leaves for (the
#: transport is the in-process sandbox).
LIVE_BASE = "http://127.0.0.1:9"
SANDBOX_BASE = "http://sandbox.test"


class Counting(httpx.AsyncBaseTransport):
    """The in-process sandbox, remembering every request that reached it."""

    def __init__(self, spec: ApiSpec) -> None:
        self.inner = httpx.ASGITransport(app=create_app(spec))  # type: ignore[arg-type]
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    def sent(self, method: str | None = None) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests
                if method is None or r.method == method]



def client_for(spec: ApiSpec, base: str = LIVE_BASE, *, read_only: bool = False
               ) -> tuple[HerokuClient, Counting]:
    transport = Counting(spec)
    return HerokuClient(base, Credentials(SANDBOX_TOKEN), transport=transport,
                        read_only=read_only), transport


async def run_typed(spec: ApiSpec, client: HerokuClient, lines: list[str], *,
                    history: Path | None = None, yes: bool = False) -> tuple[int, str]:
    """``lines`` typed at the prompt (answers to questions included)."""
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("".join(line + "\r" for line in lines))
        code = await asyncio.wait_for(
            run_repl(spec, client, history_path=history, input=pipe, output=DummyOutput(),
                     stdout=out, yes=yes), timeout=30)
    return code, out.getvalue()


async def run_script(spec: ApiSpec, client: HerokuClient, lines: list[str],
                     monkeypatch: pytest.MonkeyPatch, *, yes: bool = False
                     ) -> tuple[int, str, str]:
    """``lines`` on stdin, not a terminal: no prompts, no questions."""
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    code = await asyncio.wait_for(
        run_repl(spec, client, history_path=None, stdout=out, stderr=err, yes=yes), 30)
    return code, out.getvalue(), err.getvalue()


def test_the_mode_comes_from_the_client(spec: ApiSpec) -> None:
    assert session_mode(HerokuClient(LIVE_BASE, Credentials("t"))) == "LIVE"
    assert session_mode(HerokuClient("https://api.heroku.com", Credentials("t"))) == "LIVE"
    assert session_mode(HerokuClient(LIVE_BASE, None)) == "SANDBOX"
    for reserved in ("http://sandbox.invalid", SANDBOX_BASE, "http://api.example"):
        assert session_mode(HerokuClient(reserved, Credentials("t"))) == "SANDBOX", reserved
    out = io.StringIO()
    given = Session(spec, HerokuClient(LIVE_BASE, Credentials("t")), Console(out, out),
                    mode="SANDBOX")
    assert given.mode == "SANDBOX"


# -- 1. confirmation on the live API ----------------------------------------------


async def test_a_terminal_asks_for_the_target_and_sends_only_when_typed(
        spec: ApiSpec) -> None:
    client, transport = client_for(spec)
    async with client:
        code, out = await run_typed(spec, client, [
            "app create name=doomed-app",
            "app delete app=doomed-app", "doomed",           # wrong name: not sent
            "app rm doomed-app", "",                          # nothing typed: not sent
            "app info doomed-app",
            "app destroy doomed-app", "doomed-app",           # typed: sent
            "app info doomed-app",
            "exit",
        ])
    assert code == 0
    assert transport.sent("DELETE") == ["DELETE /apps/doomed-app"]
    assert out.count("error: Not sent: doomed-app was not typed, so nothing was changed.") == 2
    # between the refusals and the deletion the app was still there
    statuses = [line.split()[0] for line in out.splitlines() if line[:3].isdigit()]
    assert statuses == ["201", "200", "200", "404"]


async def test_the_question_shows_what_is_destroyed(spec: ApiSpec) -> None:
    client, _transport = client_for(spec)
    asked: list[str] = []
    async with client:
        out = io.StringIO()
        session = Session(spec, client, Console(out, out))
        assert session.mode == "LIVE"

        async def confirm(destruction: object) -> str:
            asked.append(getattr(destruction, "summary", ""))
            return getattr(destruction, "target", "")

        session.confirm = confirm
        assert await session.run_line("app create name=asked-app")
        assert await session.run_line("config-var update app=asked-app FOO=1")
        assert await session.run_line("config-var update app=asked-app FOO:=null")
        assert await session.run_line("DELETE /apps/asked-app")
    assert len(asked) == 2
    assert "removes config var FOO of asked-app" in asked[0]
    assert asked[1].startswith("DELETE /apps/asked-app") and "deletes asked-app" in asked[1]


async def test_the_sandbox_never_asks(spec: ApiSpec) -> None:
    client, transport = client_for(spec, SANDBOX_BASE)
    async with client:
        code, out = await run_typed(spec, client, [
            "app create name=sandboxed", "app delete sandboxed", "region list", "exit"])
    assert code == 0
    assert transport.sent("DELETE") == ["DELETE /apps/sandboxed"]
    assert "GET /regions" in transport.sent()  # the line after was a command, not an answer
    assert "Not sent" not in out


async def test_a_script_on_the_live_api_stops_unsent(
        spec: ApiSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    client, transport = client_for(spec)
    async with client:
        code, out, err = await run_script(spec, client, [
            "app create name=scripted-app", "app remove scripted-app",
            "app create name=after-the-refusal"], monkeypatch)
        assert code == 2
        assert transport.sent("DELETE") == []
        assert "POST /apps" in transport.sent() and len(transport.sent("POST")) == 1
        (message,) = [line for line in err.splitlines() if line.startswith("error:")]
        assert message.startswith("error: Not sent: DELETE /apps/scripted-app")
        assert "give --yes" in message and "Traceback" not in err + out
        # With --yes the same script runs to the end.
        code, _out, err = await run_script(spec, client, [
            "app remove scripted-app", "app create name=after-the-refusal"], monkeypatch,
            yes=True)
    assert code == 0, err
    assert transport.sent("DELETE") == ["DELETE /apps/scripted-app"]
    assert len(transport.sent("POST")) == 2


# -- 2. revalidate repeats a GET ------------------------------------------------------


async def test_revalidate_after_a_post_sends_nothing(spec: ApiSpec) -> None:
    client, transport = client_for(spec, SANDBOX_BASE)
    async with client:
        out = io.StringIO()
        session = Session(spec, client, Console(out, out))
        assert not await session.run_line("revalidate")
        assert "Nothing to revalidate yet" in out.getvalue()
        assert await session.run_line("app create name=posted-app")
        before = len(transport.requests)
        assert not await session.run_line("revalidate")
        assert len(transport.requests) == before
        assert ("error: Not sent: revalidation repeats a GET, and the last request was a POST"
                in out.getvalue())
        assert await session.run_line("app info posted-app")
        assert await session.run_line("revalidate")
        assert transport.requests[-1].headers.get("If-None-Match")


# -- 3. no re-send of a removed secret ---------------------------------------------


@pytest.mark.parametrize("line, where", [
    ("GET /account -H 'Authorization: Bearer [REDACTED]'", "the Authorization header"),
    ("GET /apps?token=[REDACTED]", "the URL"),
    ("PATCH /apps/x name=[REDACTED]", "the body"),
    ("app update app=x name=[REDACTED]", "the body"),
])
async def test_a_request_holding_redacted_is_not_sent(spec: ApiSpec, line: str,
                                                      where: str) -> None:
    client, transport = client_for(spec, SANDBOX_BASE)
    async with client:
        out = io.StringIO()
        session = Session(spec, client, Console(out, out))
        assert not await session.run_line(line)
    assert transport.requests == []
    (message,) = out.getvalue().splitlines()
    assert message.startswith("error: Not sent: this ") and f"[REDACTED] in {where}" in message
    assert "give the real value again" in message


async def test_a_recalled_line_with_a_removed_token_is_not_sent(spec: ApiSpec,
                                                                tmp_path: Path) -> None:
    history = tmp_path / "repl_history"
    typed = f"GET /account -H 'Authorization: Bearer {SANDBOX_TOKEN}'"
    client, transport = client_for(spec, SANDBOX_BASE)
    async with client:
        await run_typed(spec, client, [typed, "exit"], history=history)
        assert SANDBOX_TOKEN not in history.read_text() and "[REDACTED]" in history.read_text()
        sent = len(transport.requests)
        # Up arrow twice (past "exit") recalls the line as the history holds it.
        code, out = await run_typed(spec, client, ["\x1b[A\x1b[A", "exit"], history=history)
    assert code == 0
    assert len(transport.requests) == sent
    assert "Not sent: this GET was recorded with a secret removed" in out
    assert not any(r.headers.get("Authorization") == "Bearer [REDACTED]"
                   for r in transport.requests)


# -- 4. exports through the client ---------------------------------------------------


async def test_exports_scrub_every_secret_the_client_knows(spec: ApiSpec) -> None:
    client, _transport = client_for(spec, SANDBOX_BASE)
    async with client:
        out = io.StringIO()
        session = Session(spec, client, Console(out, out))
        assert await session.run_line(f"GET /apps?token={SANDBOX_TOKEN}")
        for fmt in ("curl", "httpie", "python"):
            assert await session.run_line(fmt)
    text = out.getvalue()
    assert "curl " in text and "httpx" in text
    assert SANDBOX_TOKEN not in text


# -- 5. read-only ----------------------------------------------------------------------


@pytest.mark.parametrize("line, method", [
    ("app create name=ro-app", "POST"), ("app rm ro-app", "DELETE"),
    ("PATCH /apps/ro-app maintenance:=true", "PATCH"),
])
async def test_read_only_refusal_is_the_policy_sentence(spec: ApiSpec, line: str,
                                                        method: str) -> None:
    client, transport = client_for(spec, read_only=True)
    async with client:
        out = io.StringIO()
        session = Session(spec, client, Console(out, out))
        assert not await session.run_line(line)
        assert await session.run_line("region list")
    assert out.getvalue().splitlines()[0] == f"error: {read_only_refusal(True, method)}"
    assert transport.sent() == ["GET /regions"]


# -- 8. Ctrl-C during a request that changes data ------------------------------------


@pytest.mark.parametrize("line, unsafe", [
    ("app create name=interrupted", True), ("PATCH /apps/x maintenance:=true", True),
    ("app list", False),
])
async def test_ctrl_c_says_an_unsafe_request_may_have_landed(spec: ApiSpec, line: str,
                                                             unsafe: bool) -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(60)
        return httpx.Response(200)

    async with HerokuClient(SANDBOX_BASE, transport=httpx.MockTransport(hang)) as client:
        out = io.StringIO()
        session = Session(spec, client, Console(out, out))
        loop = asyncio.get_running_loop()
        loop.call_later(0.2, os.kill, os.getpid(), signal.SIGINT)
        assert not await asyncio.wait_for(_cancellable(session, line), timeout=10)
        assert await _cancellable(session, "help")
    said = out.getvalue().splitlines()[0]
    assert said == (CANCELLED_UNSAFE if unsafe else "cancelled")
    assert "check with a GET" in CANCELLED_UNSAFE


# -- 7. a closed stdout ------------------------------------------------------------------


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    with FaultServer(max_stall=4.0) as server:
        yield server


def test_a_repl_whose_stdout_is_closed_stops_sending(faults: FaultServer,
                                                     tmp_path: Path) -> None:
    """``heroku-explorer repl < script | head -1``: once the reader is gone, no more
    requests reach the server, and no traceback is printed."""
    lines = 300
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEROKU_")}
    env.update(HEROKU_EXPLORER_HOME=str(tmp_path / "home"), HOME=str(tmp_path),
               NO_COLOR="1", HEROKU_API_KEY="tok-closed-stdout")
    faults.clear()
    proc = subprocess.Popen(
        [sys.executable, "-m", "heroku_explorer", "repl", "--api-url", faults.url],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
        env=env)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(b"GET /ok/apps\n" * lines)
    proc.stdin.close()
    first = proc.stdout.readline()
    proc.stdout.close()  # | head -1
    try:
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    assert first.strip() == b"{", (first, err)  # the first line of the first body
    time.sleep(0.2)
    reached = [r for r in faults.requests if r.path == "/ok/apps"]
    assert len(reached) < 20, (len(reached), err)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code == 1
