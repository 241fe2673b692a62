"""Following a log session's logplex_url (Server-Sent Events) and a build's
output_stream_url (chunked text): no Authorization ever, lines bounded and literal,
a followed stream stopped cleanly, the in-process sandbox streamed as it sends, and
`heroku-explorer logs APP` end to end on loopback."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heroku_explorer.errors import NetworkError, UsageError
from heroku_explorer.logstream import (
    CUT,
    LineSplitter,
    SseParser,
    StreamTarget,
    follow,
    log_session_request,
    stream_url_of,
)
from heroku_explorer.schema import load_bundled
from tests.stream_support import LOG_LINES, SECRET, stream_server

ROOT = Path(__file__).resolve().parent.parent


async def _all(target: StreamTarget, **kwargs: Any) -> list[str]:
    return [line async for line in follow(target, **kwargs)]


async def test_a_log_session_is_read_as_server_sent_events_without_auth() -> None:
    with stream_server() as (base, seen):
        lines = await _all(StreamTarget(f"{base}/logs/1?srv={SECRET}", "logs"), limit=100)
    assert lines[:2] == LOG_LINES[:2]
    assert lines[2] == ("2026-12-01T10:00:02.000000+00:00 app[web.1]: \\x1b[2Jcleared"
                        "\\u202e")
    assert lines[3] == "x" * 100 + CUT
    assert lines[4:] == ["first of two", "second of two"]
    ((method, _, headers),) = seen.requests
    assert method == "GET"
    assert "authorization" not in headers and "cookie" not in headers
    assert headers["accept"] == "text/event-stream"
    assert headers["accept-encoding"] == "identity"


async def test_build_output_is_read_as_text_in_chunks() -> None:
    with stream_server() as (base, _):
        lines = await _all(StreamTarget(f"{base}/builds/1?srv=x", "build"))
    assert lines == ["-----> Building on the Heroku-24 stack", "-----> Python app detected",
                     "\ufffd\ufffd bad bytes", "done, no newline"]


async def test_a_followed_stream_stops_when_the_reader_stops() -> None:
    with stream_server() as (base, seen):
        stream = follow(StreamTarget(f"{base}/tail/1", "logs"))
        got = []
        async for line in stream:
            got.append(line)
            if len(got) == 5:
                break
        await stream.aclose()  # type: ignore[attr-defined]
        assert got == [f"line {n}" for n in range(5)]
        assert await asyncio.to_thread(seen.closed.wait, 5)


async def test_failures_are_one_sentence_without_the_url() -> None:
    with stream_server() as (base, _), pytest.raises(NetworkError) as failed:
        await _all(StreamTarget(f"{base}/nothing?srv={SECRET}", "logs"))
    assert str(failed.value) == "The log session stream answered 404, not 200."
    with pytest.raises(UsageError, match="plain http to another host"):
        await _all(StreamTarget(f"http://logs.example.com/s?srv={SECRET}", "logs"))
    with pytest.raises(UsageError, match="only its own streams"):
        await _all(StreamTarget(f"https://logplex.heroku.com/s?srv={SECRET}", "logs"),
                   sandbox=True, base_url="http://sandbox.invalid")
    with pytest.raises(UsageError, match="user name or password"):
        await _all(StreamTarget("https://u:p@logs.example.com/s", "logs"))


async def test_the_in_process_sandbox_streams_as_it_sends() -> None:
    """An endless stream through an ASGI app: lines arrive before any end."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert not any(k == b"authorization" for k, _ in scope["headers"])
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})
        n = 0
        while True:
            await send({"type": "http.response.body", "body": f"data: {n}\n\n".encode(),
                        "more_body": True})
            n += 1
            await asyncio.sleep(0)

    transport = httpx.ASGITransport(app=app)
    stream = follow(StreamTarget("http://sandbox.invalid/sandbox-streams/logs/1?srv=s", "logs"),
                    transport=transport, base_url="http://sandbox.invalid", sandbox=True)
    got = []
    async with asyncio.timeout(10):
        async for line in stream:
            got.append(line)
            if len(got) == 3:
                break
    await stream.aclose()  # type: ignore[attr-defined]
    assert got == ["0", "1", "2"]


def test_an_answer_offers_its_stream() -> None:
    assert stream_url_of({"logplex_url": "https://l.example/s?srv=1"}) == StreamTarget(
        "https://l.example/s?srv=1", "logs")
    assert stream_url_of({"output_stream_url": "https://b.example/o"}) == StreamTarget(
        "https://b.example/o", "build")
    assert stream_url_of({"logplex_url": "javascript:alert(1)"}) is None
    assert stream_url_of([{"logplex_url": "https://x"}]) is None


def test_the_log_session_request_carries_the_options() -> None:
    spec = load_bundled()
    request = log_session_request(spec, "demo", tail=True, lines=5, dyno="web.1")
    assert request.method == "POST"
    assert request.path == "/apps/demo/log-sessions"
    assert request.body == {"tail": True, "lines": 5, "dyno": "web.1"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab\u00e9\u4e2d:\r", max_size=30), max_size=8),
       st.text(alphabet="ab\u4e2d", max_size=30),
       st.lists(st.integers(1, 40), min_size=1, max_size=20))
def test_lines_are_the_same_however_the_bytes_are_cut(lines: list[str], tail: str,
                                                      cuts: list[int]) -> None:
    raw = ("".join(f"{line}\n" for line in lines) + tail).encode()
    splitter = LineSplitter(limit=20)
    got: list[tuple[str, bool]] = []
    at, n = 0, 0
    while at < len(raw):
        size = cuts[n % len(cuts)]
        got.extend(splitter.feed(raw[at:at + size]))
        at, n = at + size, n + 1
    got.extend(splitter.close())
    whole = [line.removesuffix("\r") for line in lines] + ([tail] if tail else [])
    assert got == [(line[:20], len(line) > 20) for line in whole]


def test_sse_events_join_their_data_lines() -> None:
    parser = SseParser()
    assert parser.line("data: a") == [] and parser.line("data:b") == []
    assert parser.line(": comment") == [] and parser.line("retry: 5") == []
    assert parser.line("") == [("a", False), ("b", False)]
    assert parser.line("") == []


def test_logs_command_follows_the_new_session_on_loopback(tmp_path: Path) -> None:
    with stream_server() as (base, seen):
        env = {**os.environ, "HEROKU_EXPLORER_OFFLINE": "1", "PYTHONPATH": str(ROOT),
               "HEROKU_EXPLORER_HOME": str(tmp_path), "HOME": str(tmp_path),
               "HEROKU_API_KEY": "PLANTED-logs-token-9"}
        done = subprocess.run(
            [sys.executable, "-m", "heroku_explorer", "--schema", "bundled", "--api-url",
             base, "logs", "demo", "--num", "2", "--dyno", "web.1"],
            env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[:2] == LOG_LINES[:2]
        assert "\x1b" not in done.stdout
        (post, get) = seen.requests
        assert post[0] == "POST" and post[1] == "/apps/demo/log-sessions"
        assert post[2]["authorization"] == "Bearer PLANTED-logs-token-9"
        assert get[0] == "GET" and get[1] == f"/logs/5e55?srv={SECRET}"
        assert "authorization" not in get[2]
        assert SECRET not in done.stderr


def test_logs_command_on_the_sandbox_never_leaves_it(tmp_path: Path) -> None:
    env = {**os.environ, "HEROKU_EXPLORER_OFFLINE": "1", "PYTHONPATH": str(ROOT),
           "HEROKU_EXPLORER_HOME": str(tmp_path), "HOME": str(tmp_path)}
    env.pop("HEROKU_API_KEY", None)
    done = subprocess.run([sys.executable, "-m", "heroku_explorer", "--schema", "bundled",
                           "logs", "no-such-app"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert "SANDBOX mode" in done.stderr and "404 not_found" in done.stderr


def test_an_event_that_never_ends_is_shown_in_parts() -> None:
    from heroku_explorer.logstream import MAX_EVENT_LINES

    parser = SseParser()
    shown: list[tuple[str, bool]] = []
    for n in range(MAX_EVENT_LINES * 2 + 5):
        shown.extend(parser.line(f"data: {n}"))
    assert len(shown) == MAX_EVENT_LINES * 2
    assert shown[0] == ("0", False) and shown[-1] == (str(MAX_EVENT_LINES * 2 - 1), False)
    assert len(parser.close()) == 5
