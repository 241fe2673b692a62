"""The browser server's sessions, in-process, with a stand-in app that never quits:
a closed tab's process is killed after the grace period, at most ``max_sessions`` run,
and stopping the server ends every one."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from heroku_explorer.web.launch import new_secret
from tests.web_support import wait_gone

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")

from heroku_explorer.web.server import ExplorerServer  # noqa: E402

# Speaks textual-serve's start of stream, paints one data packet, then ignores its
# stdin (and so the request to quit) for ever.
STUBBORN = """
import sys, time
out = sys.stdout.buffer
out.write(b"__GANGLION__\\n")
out.write(b"D" + (5).to_bytes(4, "big") + b"hello")
out.flush()
sys.stderr.write("stopped: \\x1b[31mred\\n")
sys.stderr.flush()
while True:
    time.sleep(1)
"""

GRACE = 1.0


@dataclass
class Running:
    server: ExplorerServer
    stop: asyncio.Event
    task: asyncio.Task[None]
    url: str

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1) + "ws"

    @property
    def origin(self) -> str:
        return self.url.split(f"/{self.server.secret}/")[0]


@pytest.fixture
async def running() -> AsyncIterator[Running]:
    server = ExplorerServer([sys.executable, "-c", STUBBORN], dict(os.environ),
                            host="127.0.0.1", port=0, secret=new_secret(), live=False,
                            max_sessions=1, quit_grace=GRACE)
    stop = asyncio.Event()
    urls: list[str] = []
    task = asyncio.create_task(server.run(urls.append, stop))
    while not urls:
        assert not task.done(), task
        await asyncio.sleep(0.02)
    yield Running(server, stop, task, urls[0])
    stop.set()
    await asyncio.wait_for(task, 20)


async def _open(http: aiohttp.ClientSession, run: Running) -> tuple[object, int]:
    ws = await http.ws_connect(run.ws_url + "?width=100&height=30", origin=run.origin)
    message = await ws.receive(timeout=10)
    assert (message.type, message.data) == (aiohttp.WSMsgType.BINARY, b"hello")
    (session,) = run.server.sessions
    assert session.pid is not None
    return ws, session.pid


async def test_a_closed_tab_ends_an_app_that_will_not_quit(running: Running) -> None:
    async with aiohttp.ClientSession() as http:
        ws, pid = await _open(http, running)
        # One explorer at a time here: a second tab is turned away, nothing started.
        with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
            await http.ws_connect(running.ws_url, origin=running.origin)
        assert caught.value.status == 503
        assert len(running.server.sessions) == 1

        started = time.monotonic()
        await ws.close()  # type: ignore[attr-defined]
        deadline = started + 15
        while running.server.sessions and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert not running.server.sessions
        assert wait_gone(pid, 1)
        # Asked to quit first, killed only after the grace period.
        assert time.monotonic() - started >= GRACE * 0.9

        # The place is free again.
        ws, second = await _open(http, running)
        assert second != pid
        await ws.close()  # type: ignore[attr-defined]


async def test_stopping_the_server_ends_every_app(
        running: Running, capsys: pytest.CaptureFixture[str]) -> None:
    async with aiohttp.ClientSession() as http:
        _ws, pid = await _open(http, running)
        deadline = time.monotonic() + 10
        while "stopped" not in (err := capsys.readouterr().err) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        # A tab's stderr reaches the server's terminal shown literally.
        assert "heroku-explorer (a browser tab): stopped: \\x1b[31mred\n" in err
        assert "\x1b" not in err
        running.stop.set()
        await asyncio.wait_for(running.task, 20)
    assert wait_gone(pid, 1)
    assert not running.server.sessions
