"""Every lesson completed in the explorer: started from the Learn screen with keys,
its requests sent by the workbench (the explorer's own send, policy included), and
the goal met shown in the side panel and a notice; a wrong attempt is not."""

from __future__ import annotations

import io

import pytest

from heroku_explorer.lessons import LESSONS, LIVE_REFUSAL, Progress
from heroku_explorer.repl.render import Console
from heroku_explorer.repl.session import Session
from heroku_explorer.schema import ApiSpec, load_bundled
from heroku_explorer.tui.app import ExplorerApp
from heroku_explorer.tui.screens.learn import LearnScreen
from heroku_explorer.tui.widgets.lesson_panel import LessonPanel
from tests.lesson_support import (
    SCRIPTS,
    learn_app,
    look_up,
    sandbox_factory,
    send_line,
    start_lesson,
)
from tests.tui_support import settle, text_of_screen

SIZE = (150, 44)


@pytest.fixture(scope="module")
def spec() -> ApiSpec:
    return load_bundled()



async def run_lesson(spec: ApiSpec, name: str, lines: list[str]) -> tuple[ExplorerApp, str]:
    app = learn_app(spec)
    async with app.run_test(size=SIZE) as pilot:
        client = await app.get_client()
        names = await look_up(client)
        words = Session(spec, client, Console(io.StringIO(), io.StringIO()))
        await start_lesson(pilot, name)
        panel = app.screen.query_one(LessonPanel)
        lesson = next(x for x in LESSONS if x.name == name)
        assert lesson.goal in text_of_screen(app.screen, "#lesson-goal").replace("\n", " ")
        for line in names.fill(lines):
            await send_line(pilot, words, line)
        shown = panel.explanation or ""
        notices = " ".join(str(n.message) for n in app._notifications)
    return app, shown + "|" + notices


@pytest.mark.parametrize("name", list(SCRIPTS))
async def test_lesson_completes_in_the_explorer(spec: ApiSpec, private_home: None,
                                                name: str) -> None:
    _, text = await run_lesson(spec, name, SCRIPTS[name][0])
    shown, notices = text.split("|", 1)
    assert "request #" in shown
    assert shown in notices
    assert name in Progress().done


@pytest.mark.parametrize("name", ["caching", "integrity", "ranges", "app-life"])
async def test_a_wrong_attempt_in_the_explorer_does_not_complete(
        spec: ApiSpec, private_home: None, name: str) -> None:
    _, text = await run_lesson(spec, name, SCRIPTS[name][1])
    assert text.split("|", 1)[0] == ""
    assert name not in Progress().done


async def test_f6_and_the_palette_open_the_learn_screen(spec: ApiSpec,
                                                        private_home: None) -> None:
    app = ExplorerApp(spec, sandbox_factory(spec), base_url="http://sandbox.invalid")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, LearnScreen)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, LearnScreen)
        assert "0 of 15 lessons done" in text_of_screen(app.screen, "#learn-title")
        await pilot.press("escape")
        await settle(pilot)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Learn" in commands


async def test_hint_stop_and_reset_on_the_learn_screen(spec: ApiSpec,
                                                       private_home: None) -> None:
    app = learn_app(spec)
    async with app.run_test(size=SIZE) as pilot:
        await start_lesson(pilot, "caching")
        assert app.tutor.current is not None and app.tutor.current.name == "caching"
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        panel = app._explorer
        assert panel is not None
        hints = panel.query_one(LessonPanel).hints
        assert hints == [LESSONS[3].hints[0]]
        await pilot.press("s")
        await settle(pilot)
        assert app.tutor.current is None
        assert not app._explorer.query(LessonPanel)
        Progress().mark("tour")
        app.tutor.progress.done.add("tour")
        await pilot.press("r")
        await settle(pilot)
        assert Progress().done == set()
        assert "0 of 15" in text_of_screen(app.screen, "#learn-title")


async def test_live_mode_says_lessons_need_the_sandbox(spec: ApiSpec,
                                                       private_home: None) -> None:
    app = learn_app(spec, mode="LIVE")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert LIVE_REFUSAL.split(";")[0] in text_of_screen(app.screen, "#learn-live")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LearnScreen)
        assert app.tutor.current is None
        assert any("sandbox only" in str(n.message) for n in app._notifications)


async def test_x_on_the_live_learn_screen_asks_for_the_sandbox(spec: ApiSpec,
                                                               private_home: None) -> None:
    app = learn_app(spec, mode="LIVE")
    app.sandbox_switch = True
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Press x" in text_of_screen(app.screen, "#learn-live")
        await pilot.press("x")
        await pilot.pause()
    assert app.sandbox_requested


def test_run_tui_starts_again_on_the_sandbox(spec: ApiSpec,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from heroku_explorer.tui.app import run_tui

    runs: list[tuple[object, ...]] = []

    def fake_run(self: ExplorerApp) -> int:
        runs.append((self.mode, self.base_url, self._learn_at_start, self._factory))
        if len(runs) == 1:
            self.sandbox_requested = True
        return 0

    monkeypatch.setattr(ExplorerApp, "run", fake_run)
    live, sandbox = sandbox_factory(spec), sandbox_factory(spec)
    assert run_tui(spec, live, to_sandbox=lambda: (sandbox, "http://sandbox.invalid"),
                   mode="LIVE", base_url="https://api.heroku.com", learn=True) == 0
    assert runs == [("LIVE", "https://api.heroku.com", True, live),
                    ("SANDBOX", "http://sandbox.invalid", True, sandbox)]


async def test_the_first_lesson_through_the_tree_and_the_form(spec: ApiSpec,
                                                              private_home: None) -> None:
    from tests.tui_support import open_action

    app = learn_app(spec)
    async with app.run_test(size=SIZE) as pilot:
        names = await look_up(await app.get_client())
        await start_lesson(pilot, "tour")
        await open_action(pilot, "app.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert app.tutor.current is not None  # a list is not one app
        await open_action(pilot, "app.info", {"app_id_or_name": names.app})
        await pilot.press("ctrl+j")
        await settle(pilot)
        panel = app.screen.query_one(LessonPanel)
        assert app.tutor.current is None and panel.explanation is not None
        assert f"/apps/{names.app} got 200 OK" in panel.explanation
        assert "Goal met." in text_of_screen(app.screen, "#lesson-done")
    assert Progress().done == {"tour"}
