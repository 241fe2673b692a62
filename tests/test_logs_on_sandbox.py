"""Log streams through every front end against the sandbox's own streams: `logs APP`,
the REPL's offer and `logs`, and the explorer's Logs pane, all in-process (the stream
handed on as the sandbox sends it)."""

from __future__ import annotations

import asyncio
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from heroku_explorer.client.auth import Credentials
from heroku_explorer.client.client import HerokuClient
from heroku_explorer.repl.render import Console
from heroku_explorer.repl.session import Session
from heroku_explorer.sandbox import SANDBOX_TOKEN, create_app
from heroku_explorer.schema import load_bundled
from heroku_explorer.tui.screens.logs import LogsScreen
from tests.tui_support import build_app, open_action, settle

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 (app|heroku)\[[\w.-]+\]: \S")
BASE = "http://sandbox.invalid"


def _sandbox_session() -> tuple[Session, io.StringIO, HerokuClient]:
    spec = load_bundled()
    transport = httpx.ASGITransport(app=create_app(spec, seed=0))  # type: ignore[arg-type]
    client = HerokuClient(BASE, Credentials(SANDBOX_TOKEN), transport=transport, sandbox=True)
    out = io.StringIO()
    return Session(spec, client, Console(out, out, color=False)), out, client


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "HEROKU_EXPLORER_OFFLINE": "1", "PYTHONPATH": str(ROOT),
           "HEROKU_EXPLORER_HOME": str(tmp_path), "HOME": str(tmp_path)}
    env.pop("HEROKU_API_KEY", None)
    return env


def _seeded_app(env: dict[str, str]) -> str:
    listed = subprocess.run([sys.executable, "-m", "heroku_explorer", "--schema", "bundled",
                             "call", "app", "list", "--json"], env=env, capture_output=True,
                            text=True, timeout=60)
    name = re.search(r'"name":"([a-z0-9-]+)"', listed.stdout)
    assert name is not None, listed.stdout
    return name.group(1)


def test_logs_command_prints_the_lines_asked_for(tmp_path: Path) -> None:
    env = _env(tmp_path)
    done = subprocess.run([sys.executable, "-m", "heroku_explorer", "--schema", "bundled",
                           "logs", _seeded_app(env), "--num", "3"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 3 and all(LINE.match(line) for line in lines), lines
    assert "SANDBOX mode" in done.stderr and "srv=" not in done.stderr


async def test_repl_offers_and_follows_the_sandbox_log_session() -> None:
    session, out, client = _sandbox_session()
    async with client:
        assert await session.run_line("app list")
        name = session.last.data[0]["name"] if session.last is not None else ""
        assert await session.run_line(f"log-session create app={name} lines:=4")
        assert "'logs' follows it" in out.getvalue()
        start = len(out.getvalue())
        assert await session.run_line("logs")
        followed = out.getvalue()[start:].splitlines()
        assert [line for line in followed if LINE.match(line)] == followed[:-1]
        assert len(followed) == 5 and followed[-1] == "(the log session stream ended)"


async def test_repl_ctrl_c_stops_a_sandbox_tail() -> None:
    import signal

    from heroku_explorer.repl.app import _cancellable

    session, out, client = _sandbox_session()
    async with client:
        assert await session.run_line("app list")
        name = session.last.data[0]["name"] if session.last is not None else ""
        start = len(out.getvalue())
        asyncio.get_running_loop().call_later(2.5, os.kill, os.getpid(), signal.SIGINT)
        done = await asyncio.wait_for(_cancellable(session, f"logs {name} --tail --num 1"),
                                      timeout=20)
        assert not done
        followed = out.getvalue()[start:].splitlines()
        assert followed[-1] == "cancelled"
        # Still following when Ctrl-C came (a stream that ended would have said so).
        assert len(followed) >= 2 and all(LINE.match(line) for line in followed[:-1])
        assert "stream ended" not in out.getvalue()
        assert await session.run_line("help")  # the REPL goes on


async def test_the_logs_pane_follows_the_sandbox_log_session(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_action(pilot, "app.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        name = app.session[-1].data[0]["name"]
        await open_action(pilot, "log-session.create", {"app_id_or_name": name, "lines": 5})
        await pilot.press("ctrl+j")
        await settle(pilot)
        await pilot.press("f7")
        async with asyncio.timeout(10):
            while not (isinstance(app.screen, LogsScreen) and app.screen.state == "ended"):
                await pilot.pause(0.05)
        screen = app.screen
        assert isinstance(screen, LogsScreen)
        from textual.widgets import Log

        lines = list(screen.query_one(Log).lines)
        assert len(lines) == 5 and all(LINE.match(line) for line in lines), lines


def test_ctrl_c_stops_logs_tail_quietly(tmp_path: Path) -> None:
    import signal
    import time

    env = _env(tmp_path)
    with subprocess.Popen([sys.executable, "-m", "heroku_explorer", "--schema", "bundled",
                           "logs", _seeded_app(env), "--tail", "--num", "2"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # following: the first line has arrived
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert LINE.match(first), first
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Task" not in err
