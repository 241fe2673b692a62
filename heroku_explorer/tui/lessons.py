"""What the explorer app does for the lessons (a mixin of :class:`ExplorerApp`): the
tutor, the Learn screen (F6, the palette), the side panel of the lesson running
and the notice when its goal is met. Imports stay lazy: nothing here runs before
the first frame unless ``heroku-explorer learn`` asked for the Learn screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from heroku_explorer.client import HerokuClient
    from heroku_explorer.lessons import Lesson, Tutor
    from heroku_explorer.tui.app import ExplorerApp
    from heroku_explorer.tui.widgets.lesson_panel import LessonPanel

__all__ = ["LessonsMixin"]


class LessonsMixin:
    _tutor: Tutor | None = None
    _lesson_panel: LessonPanel | None = None
    sandbox_switch: bool = False
    """:func:`run_tui` can start again on the built-in sandbox (from LIVE)."""
    sandbox_requested: bool = False
    """The person asked to start again on the sandbox, for the lessons."""

    def _app(self) -> ExplorerApp:
        # The mixin is only ever part of ExplorerApp.
        return cast("ExplorerApp", self)

    @property
    def tutor(self) -> Tutor:
        """The lessons of this session (made on first use, attached to the client)."""
        if self._tutor is None:
            from heroku_explorer.lessons import Tutor

            app = self._app()
            self._tutor = Tutor(mode=app.mode)
            self._tutor.on_done.append(self._lesson_done)
            if app.client is not None:
                self._tutor.attach(app.client)
        return self._tutor

    def attach_tutor(self, client: HerokuClient) -> None:
        """Watch ``client`` from the moment it opens, so that the numbers of the
        requests an explanation names count every exchange of the session."""
        tutor = self.tutor
        tutor.attach(client)
        if self._app().mode != "SANDBOX":
            tutor.mode = "LIVE"

    def action_learn(self) -> None:
        from heroku_explorer.tui.screens.learn import LearnScreen

        app = self._app()
        if not isinstance(app.screen, LearnScreen):
            app.push_screen(LearnScreen(app))

    def restart_on_sandbox(self) -> bool:
        """End this explorer so that :func:`run_tui` starts one on the sandbox; False
        when it cannot (not on the live API, or started without that hand-over)."""
        app = self._app()
        if app.mode == "SANDBOX" or not self.sandbox_switch:
            return False
        self.sandbox_requested = True
        app.exit(0)
        return True

    def start_lesson(self, name: str) -> Lesson:
        """Start ``name`` and show its goal beside the explorer; raises
        :class:`~heroku_explorer.lessons.LessonError` (one sentence)."""
        lesson = self.tutor.start(name)
        self._panel().show(lesson)
        return lesson

    def lesson_hint(self) -> None:
        tutor = self.tutor
        text = tutor.hint()
        if tutor.current is not None:
            self._panel().hint(text)
        self._app().notify(text, title="Hint", timeout=10, markup=False)

    def stop_lesson(self) -> None:
        tutor = self.tutor
        was = tutor.current
        tutor.stop()
        if self._lesson_panel is not None:
            self._lesson_panel.remove()
            self._lesson_panel = None
        self._app().notify(f"Left the lesson {was.name}." if was else "No lesson is running.",
                           markup=False)

    def _panel(self) -> LessonPanel:
        from heroku_explorer.tui.widgets.lesson_panel import LessonPanel

        if self._lesson_panel is None or not self._lesson_panel.is_attached:
            app = self._app()
            explorer: Any = app.get_default_screen() if app._explorer is None else app._explorer
            self._lesson_panel = LessonPanel()
            explorer.query_one("#main").mount(self._lesson_panel)
        return self._lesson_panel

    def _lesson_done(self, lesson: Lesson, explanation: str) -> None:
        self._panel().done(lesson, explanation)
        self._app().notify(explanation, title=f"Goal met: {lesson.title}", timeout=20,
                           markup=False)
