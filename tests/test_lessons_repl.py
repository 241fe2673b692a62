"""Every lesson completed through the REPL's pipe input, and a wrong attempt that
does not complete it; progress in a 0600 file; the sandbox set up and put back."""

from __future__ import annotations

import asyncio
import io
import os
import stat
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from heroku_explorer.lessons import LESSONS, PROGRESS_FILE, Progress
from heroku_explorer.paths import data_dir
from heroku_explorer.repl.app import run_repl
from heroku_explorer.schema import ApiSpec, load_bundled
from tests.lesson_support import SCRIPTS, TODAY, look_up, sandbox_factory


@pytest.fixture(scope="module")
def spec() -> ApiSpec:
    return load_bundled()


async def _run(spec: ApiSpec, lines: list[str], *, lesson: str | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    async with sandbox_factory(spec)() as client:
        names = await look_up(client)
        script = ([f"learn {lesson}"] if lesson else []) + names.fill(lines) + ["exit"]
        with create_pipe_input() as pipe:
            pipe.send_text("".join(line + "\r" for line in script))
            code = await asyncio.wait_for(
                run_repl(spec, client, history_path=None, input=pipe, output=DummyOutput(),
                         stdout=out, stderr=err), 60)
    assert code == 0
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def today_spec(ref_hyper_path: Path) -> ApiSpec:
    from heroku_explorer.schema import load_schema

    return load_schema(ref_hyper_path.read_bytes(), origin=str(ref_hyper_path))


def test_every_lesson_has_a_script() -> None:
    assert len(LESSONS) >= 10
    assert {lesson.name for lesson in LESSONS} == set(SCRIPTS)


@pytest.mark.parametrize("name", list(SCRIPTS))
async def test_lesson_completes_through_the_repl(spec: ApiSpec, private_home: None,
                                                 name: str) -> None:
    out, _ = await _run(spec, SCRIPTS[name][0], lesson=name)
    assert f"Goal met: lesson {name} done." in out
    explanation = out.split(f"Goal met: lesson {name} done.", 1)[1]
    assert "request #" in explanation.replace("\n  ", " ")
    assert name in Progress().done
    # Tokens are quoted as recorded: redacted, the typed one as much as the session's.
    assert "Bearer wrong" not in explanation and "sandbox-token" not in out


@pytest.mark.parametrize("name", list(SCRIPTS))
async def test_a_wrong_attempt_does_not_complete(spec: ApiSpec, private_home: None,
                                                 name: str) -> None:
    out, _ = await _run(spec, SCRIPTS[name][1], lesson=name)
    assert "Goal met" not in out
    assert name not in Progress().done


@pytest.mark.parametrize("name", list(SCRIPTS))
async def test_lesson_on_todays_schema(today_spec: ApiSpec, private_home: None,
                                       name: str) -> None:
    good, wrong = TODAY.get(name, SCRIPTS[name])
    out, _ = await _run(today_spec, good, lesson=name)
    assert f"Goal met: lesson {name} done." in out
    out, _ = await _run(today_spec, wrong, lesson=name)
    assert out.count("Goal met") == 0


async def test_list_hint_stop_and_reset(spec: ApiSpec, private_home: None) -> None:
    out, _ = await _run(spec, ["learn", "hint", "learn caching", "hint", "hint", "hint",
                               "learn stop", "app info {app}", "revalidate", "learn"])
    assert "No lesson is running" in out
    lesson = next(x for x in LESSONS if x.name == "caching")
    assert f"Hint: {lesson.hints[0]}" in out and f"Hint: {lesson.hints[1]}" in out
    assert "Left the lesson caching." in out and "Goal met" not in out
    assert out.count("0 of 15 lessons done") == 2
    out, _ = await _run(spec, ["app info {app}", "revalidate", "learn"], lesson="caching")
    assert "[x]" in out and "1 of 15 lessons done" in out
    path = data_dir() / PROGRESS_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    out, _ = await _run(spec, ["learn reset", "learn"])
    assert "Lesson progress reset: 0 of 15 lessons done." in out
    assert Progress().done == set()


async def test_unknown_lesson_is_one_sentence(spec: ApiSpec, private_home: None) -> None:
    _, err = await _run(spec, ["learn no\u202epe"])
    assert "There is no lesson" in err and "\u202e" not in err


async def test_the_sandbox_is_put_back_after_a_lesson(spec: ApiSpec, private_home: None) -> None:
    out, err = await _run(spec, [*SCRIPTS["ratelimits"][0], "account info", "app list",
                                 "learn ranges", "app list", "learn stop", "app list"],
                          lesson="ratelimits")
    assert "Goal met: lesson ratelimits done." in out
    statuses = [line for line in err.splitlines() if " · " in line]
    assert [s.split(" · ")[0] for s in statuses] == ["200 OK"] * 4 + [
        "429 Too Many Requests"] + ["200 OK"] * 4
    # The budget is the sandbox's own again, and the 25 apps of the ranges lesson go.
    assert "RateLimit-Remaining 11" in statuses[5]
    before, during_after = out.split("Lesson ranges:", 1)
    during, after = during_after.split("Left the lesson ranges.", 1)
    assert during.count('"git_url"') == 25
    assert after.count('"git_url"') == before.count('"git_url"') < 25


def test_progress_file_that_is_not_json_counts_as_none(private_home: None) -> None:
    path = data_dir() / PROGRESS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"{not json")
    os.chmod(path, 0o600)
    assert Progress().done == set()
    Progress().mark("tour")
    assert Progress().done == {"tour"}


def test_unreadable_progress_says_so(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("{}")
    link = tmp_path / PROGRESS_FILE
    link.symlink_to(target)
    progress = Progress(link)
    assert progress.problem is not None and "symbolic link" in progress.problem


def test_learn_completes_lesson_names(spec: ApiSpec) -> None:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from heroku_explorer.repl.completer import ReplCompleter

    completer = ReplCompleter(spec, None)
    found = [c.text for c in completer.get_completions(
        Document("learn ra"), CompleteEvent(completion_requested=True))]
    assert found[:2] == ["ranges", "ratelimits"]
    found = [c.text for c in completer.get_completions(
        Document("learn "), CompleteEvent(completion_requested=True))]
    assert set(found) == {lesson.name for lesson in LESSONS} | {"stop", "reset"}


async def test_on_the_live_api_learn_names_the_sandbox(spec: ApiSpec, private_home: None) -> None:
    out, err = io.StringIO(), io.StringIO()
    async with sandbox_factory(spec)() as client:
        with create_pipe_input() as pipe:
            pipe.send_text("learn\rlearn tour\rGET /account\rexit\r")
            await asyncio.wait_for(
                run_repl(spec, client, history_path=None, input=pipe, output=DummyOutput(),
                         stdout=out, stderr=err, mode="LIVE"), 60)
    assert "Lessons run on the sandbox only" in out.getvalue()
    assert "heroku-explorer learn --sandbox" in err.getvalue()
    assert "Goal met" not in out.getvalue() and Progress().done == set()
