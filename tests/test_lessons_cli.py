"""`heroku-explorer learn`: the explorer on its Learn screen; the lesson engine's
rules that no front end decides (sandbox only, the sandbox set up and put back,
checks that never break a send)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from heroku_explorer import runtime
from heroku_explorer.cli import build_parser
from heroku_explorer.client import HerokuClient
from heroku_explorer.lessons import LIVE_REFUSAL, LessonError, Progress, Tutor
from heroku_explorer.lessons.model import Lesson
from heroku_explorer.request import RequestSpec
from heroku_explorer.schema import load_bundled
from tests.lesson_support import sandbox_factory

ROOT = Path(__file__).resolve().parent.parent


def test_learn_without_a_terminal_refuses_in_one_sentence(tmp_path: Path) -> None:
    env = {**os.environ, "HEROKU_EXPLORER_HOME": str(tmp_path / "home"), "HOME": str(tmp_path)}
    env.pop("HEROKU_API_KEY", None)
    env.pop("HEROKU_API_URL", None)
    with open(os.devnull) as null:
        done = subprocess.run([sys.executable, "-m", "heroku_explorer", "learn"], cwd=ROOT,
                              env=env, stdin=null, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr and "Traceback" not in done.stderr


def test_learn_starts_the_explorer_on_the_learn_screen(monkeypatch: pytest.MonkeyPatch,
                                                       private_home: None) -> None:
    seen: dict[str, Any] = {}

    def fake_run_tui(spec: Any, factory: Any, **options: Any) -> int:
        seen.update(options)
        return 0

    monkeypatch.setattr("heroku_explorer.tui.app.run_tui", fake_run_tui)
    args = build_parser().parse_args(["learn", "--sandbox"])
    assert runtime.run("learn", args) == 0
    assert seen["learn"] is True and seen["mode"] == "SANDBOX" and seen["to_sandbox"] is None
    seen.clear()
    assert runtime.run("tui", build_parser().parse_args(["tui", "--sandbox"])) == 0
    assert seen["learn"] is False


async def test_the_runtime_gives_the_sandbox_a_control(private_home: None) -> None:
    spec = load_bundled()
    async with sandbox_factory(spec)() as client:
        control: Any = client.sandbox_control
        before = len((await client.send(RequestSpec(method="GET", path="/apps"))).data)
        undo = control.lesson_setup(rate_limit=2, apps=12)
        apps = await client.send(RequestSpec(method="GET", path="/apps"))
        assert len(apps.data) == 12 and apps.ratelimit_remaining == 1
        undo()
        apps = await client.send(RequestSpec(method="GET", path="/apps"))
        assert len(apps.data) == before and (apps.ratelimit_remaining or 0) > 1000


def test_lessons_refuse_the_live_api(private_home: None) -> None:
    client = HerokuClient("https://api.heroku.com", None)
    tutor = Tutor()
    tutor.attach(client)
    with pytest.raises(LessonError) as caught:
        tutor.start("tour")
    assert str(caught.value) == LIVE_REFUSAL


def test_a_check_that_raises_never_breaks_a_send(private_home: None) -> None:
    def broken(xs: Any) -> str | None:
        raise RuntimeError("bad check")

    tutor = Tutor(progress=Progress(), lessons=(Lesson("x", "X", "goal", ("hint",), broken),))
    tutor.start("x")
    from heroku_explorer.client.response import Exchange

    tutor.observe(Exchange(method="GET", url="http://sandbox.invalid/apps",
                           request_headers=(), request_body=None, status=200))
    assert tutor.current is not None and tutor.last is None
    assert tutor.hint() == "hint" and tutor.hint() == "hint"


async def test_from_the_live_api_the_switch_makes_a_sandbox_client(private_home: None) -> None:
    from heroku_explorer.client import Credentials
    from heroku_explorer.config import Config
    from heroku_explorer.sandbox import SANDBOX_TOKEN

    spec = load_bundled()
    live = runtime.Setup(mode="LIVE", base_url="https://api.heroku.com",
                         credentials=Credentials("live-token-0123456789"), config=Config(),
                         variant="3", timeout=30.0, read_only=False,
                         load=lambda: (spec, None), history_mode="off")
    factory, base_url = live.to_sandbox()
    assert base_url == runtime.SANDBOX_BASE_URL
    async with factory() as client:
        assert client.sandbox and client.sandbox_control is not None
        assert client.credentials is not None and client.credentials.token == SANDBOX_TOKEN
        assert (await client.send(RequestSpec(method="GET", path="/account"))).status == 200


def test_an_explanation_shows_server_text_inert(private_home: None) -> None:
    from heroku_explorer.client.response import Exchange

    tutor = Tutor(progress=Progress())
    tutor.start("errors")
    hostile = "\x1b]0;owned\x07[bold]gone[/bold]\u202e"
    tutor.observe(Exchange(
        method="GET", url="http://sandbox.invalid/apps/x%1B%5B2J", request_headers=(),
        request_body=None, status=404, body_state="json",
        data={"id": "not_found\x1b[2J", "message": hostile}))
    assert tutor.last is not None
    lesson, explanation = tutor.last
    assert lesson.name == "errors" and "request #1" in explanation
    assert not any(ch in explanation for ch in "\x1b\x07\u202e")
    assert "[bold]gone[/bold]" in explanation  # shown literally (Content, markup off)
