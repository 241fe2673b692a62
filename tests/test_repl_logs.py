"""The REPL's `logs`: the offer after an answer that holds a stream, following it,
`logs APP` doing the whole thing, Ctrl-C stopping a followed stream, and its words."""

from __future__ import annotations

import asyncio
import io
import os
import signal

import pytest

from heroku_explorer.client.auth import Credentials
from heroku_explorer.client.client import HerokuClient
from heroku_explorer.repl.app import _cancellable
from heroku_explorer.repl.logs import Logs
from heroku_explorer.repl.render import Console
from heroku_explorer.repl.session import Session
from heroku_explorer.repl.tokens import ParseError
from heroku_explorer.schema import load_bundled
from tests.stream_support import LOG_LINES, SECRET, stream_server

TOKEN = "PLANTED-repl-logs-token"


def _session(base: str) -> tuple[Session, io.StringIO, HerokuClient]:
    out = io.StringIO()
    client = HerokuClient(base, Credentials(TOKEN))
    return Session(load_bundled(), client, Console(out, out, color=False)), out, client


async def test_an_answer_with_a_stream_offers_logs_and_logs_follows_it() -> None:
    with stream_server() as (base, seen):
        session, out, client = _session(base)
        async with client:
            assert await session.run_line("log-session create app=demo lines:=2")
            assert "'logs' follows it" in out.getvalue()
            assert await session.run_line("logs")
        text = out.getvalue()
        for line in LOG_LINES[:2]:
            assert line in text
        assert "\\x1b[2Jcleared\\u202e" in text and "\x1b" not in text
        assert "(the log session stream ended)" in text
        (post, get) = seen.requests
        assert post[2]["authorization"] == f"Bearer {TOKEN}"
        assert get[1] == f"/logs/5e55?srv={SECRET}" and "authorization" not in get[2]


async def test_logs_app_creates_the_session_and_follows_it_without_printing_its_url() -> None:
    with stream_server() as (base, seen):
        session, out, client = _session(base)
        async with client:
            assert await session.run_line("logs demo --num 5 --dyno web.1")
        text = out.getvalue()
        assert LOG_LINES[0] in text
        assert SECRET not in text
        assert seen.requests[0][1] == "/apps/demo/log-sessions"


async def test_nothing_to_follow_is_one_sentence() -> None:
    with stream_server() as (base, _):
        session, out, client = _session(base)
        async with client:
            assert not await session.run_line("logs")
            assert await session.run_line("GET /nothing") is False
            assert not await session.run_line("logs")
    assert out.getvalue().count("No stream to follow") == 2


async def test_ctrl_c_stops_a_followed_stream() -> None:
    with stream_server() as (base, seen):
        session, out, client = _session(base)
        async with client:
            loop = asyncio.get_running_loop()
            loop.call_later(1.0, os.kill, os.getpid(), signal.SIGINT)
            done = await asyncio.wait_for(_cancellable(session, "logs demo --tail"),
                                          timeout=20)
            assert not done
            assert "line 0" in out.getvalue() and "cancelled" in out.getvalue()
            assert await asyncio.to_thread(seen.closed.wait, 5)
            assert await session.run_line("help logs")


def test_the_words_of_logs() -> None:
    from heroku_explorer.repl.commands import Parser

    parser = Parser(load_bundled())
    assert parser.parse("logs") == Logs()
    assert parser.parse("logs my-app --tail -n 10 --source app") == Logs(
        "my-app", tail=True, lines=10, source="app")
    for bad in ("logs --tail", "logs a b", "logs a --num x", "logs a --num", "logs a --wat"):
        with pytest.raises(ParseError):
            parser.parse(bad)


async def test_a_build_with_an_output_stream_is_offered_and_followed() -> None:
    with stream_server() as (base, seen):
        session, out, client = _session(base)
        async with client:
            assert await session.run_line("GET /apps/demo/builds/b1")
            assert "offers its build output stream" in out.getvalue()
            assert await session.run_line("logs")
        text = out.getvalue()
        assert "-----> Python app detected" in text and "done, no newline" in text
        assert "(the build output stream ended)" in text
        assert "authorization" not in seen.requests[-1][2]
