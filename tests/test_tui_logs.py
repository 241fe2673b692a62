"""The Logs pane: offered after a Log Session Create, opened with F7, following the
stream without Authorization, stopped with s, closed with q."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual.widgets import Log

from heroku_explorer.client.auth import Credentials
from heroku_explorer.client.client import HerokuClient
from heroku_explorer.schema import load_bundled
from heroku_explorer.tui.app import ExplorerApp
from heroku_explorer.tui.screens.logs import LogsScreen
from tests.stream_support import LOG_LINES, SECRET, stream_server
from tests.tui_support import open_action, settle

SIZE = (140, 45)
TOKEN = "PLANTED-tui-logs-token"


def _app(base: str) -> ExplorerApp:
    def factory() -> HerokuClient:
        return HerokuClient(base, Credentials(TOKEN))

    return ExplorerApp(load_bundled(), factory, mode="LIVE", base_url=base)


async def _until(pilot: Any, check: Any, seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not check():
            await pilot.pause(0.05)


async def test_a_log_session_is_offered_and_followed_in_the_logs_pane(tmp_path: Path) -> None:
    with stream_server() as (base, seen):
        app = _app(base)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("f7")  # nothing offered yet
            await pilot.pause()
            assert not isinstance(app.screen, LogsScreen)
            assert any("No stream to follow yet" in n.message for n in app._notifications)
            await open_action(pilot, "log-session.create", {"app_id_or_name": "demo"})
            await pilot.press("ctrl+j")
            await _until(pilot, lambda: len(app.session) == 1)
            assert any("F7 follows it in the Logs pane" in n.message
                       for n in app._notifications)
            await pilot.press("f7")
            await _until(pilot, lambda: isinstance(app.screen, LogsScreen)
                         and app.screen.state == "ended")
            screen = app.screen
            assert isinstance(screen, LogsScreen)
            lines = screen.query_one(Log).lines
            assert list(lines[:2]) == LOG_LINES[:2]
            assert lines[2].endswith("\\x1b[2Jcleared\\u202e")
            assert screen.lines == len(lines)
            assert SECRET not in str(screen.query_one("#logs-title").render())
            get = seen.requests[-1]
            assert get[1] == f"/logs/5e55?srv={SECRET}" and "authorization" not in get[2]
            await pilot.press("q")
            await pilot.pause()
            assert not isinstance(app.screen, LogsScreen)


async def test_a_followed_stream_stops_with_s_and_closes_with_q(tmp_path: Path) -> None:
    with stream_server() as (base, seen):
        app = _app(base)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_action(pilot, "log-session.create",
                              {"app_id_or_name": "demo", "tail": True})
            await pilot.press("ctrl+j")
            await _until(pilot, lambda: len(app.session) == 1)
            await pilot.press("f7")
            await _until(pilot, lambda: isinstance(app.screen, LogsScreen)
                         and app.screen.lines >= 3)
            screen = app.screen
            assert isinstance(screen, LogsScreen) and screen.state == "following"
            await pilot.press("s")
            await pilot.pause()
            assert screen.state == "stopped"
            assert await asyncio.to_thread(seen.closed.wait, 5)
            count = screen.lines
            await pilot.pause(0.2)
            assert screen.lines == count  # nothing more arrives
            await pilot.press("q")
            await pilot.pause()
            assert not isinstance(app.screen, LogsScreen)
