"""The Learn screen: the lessons with their progress; Enter starts one (its goal
then stays in a side panel beside the explorer), ``h`` gives a hint, ``s`` stops
the lesson, ``r`` resets the progress. On the live API it says that lessons run on
the sandbox and the command that starts one."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from heroku_explorer.lessons import LIVE_REFUSAL, LessonError

if TYPE_CHECKING:
    from heroku_explorer.lessons import Tutor
    from heroku_explorer.tui.app import ExplorerApp

__all__ = ["LearnScreen"]


class LearnScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("h", "hint", "Hint"),
        Binding("s", "stop", "Stop lesson"),
        Binding("r", "reset", "Reset progress"),
        Binding("x", "sandbox", "Start again on the sandbox"),
    ]
    DEFAULT_CSS: ClassVar[str] = """
    LearnScreen { padding: 1 2; }
    LearnScreen #learn-title { text-style: bold; margin-bottom: 1; }
    LearnScreen #learn-live { color: $warning; margin-bottom: 1; }
    LearnScreen OptionList { height: 1fr; }
    LearnScreen #learn-detail { height: auto; max-height: 12; margin-top: 1; }
    """

    def __init__(self, host: ExplorerApp) -> None:
        super().__init__()
        self.host = host

    @property
    def tutor(self) -> Tutor:
        return self.host.tutor

    def compose(self) -> ComposeResult:
        yield Static(id="learn-title")
        live = self.host.mode != "SANDBOX"
        offer = " Press x to start the explorer again on the sandbox." if (
            live and self.host.sandbox_switch) else ""
        yield Static(Content(LIVE_REFUSAL + offer if live else ""), id="learn-live")
        yield OptionList(id="lessons")
        yield Static(id="learn-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_list()
        self.query_one(OptionList).focus()

    def refresh_list(self) -> None:
        tutor = self.tutor
        self.query_one("#learn-title", Static).update(
            Content(f"Lessons: learn the API by doing it ({tutor.summary()})"))
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(Content(line), id=lesson.name)
                             for line, lesson in zip(tutor.listing(), tutor.lessons,
                                                     strict=True)])
        options.highlighted = highlighted if highlighted is not None else 0
        self._detail()

    @on(OptionList.OptionHighlighted)
    def _detail(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None:
            return
        lesson = self.tutor.lessons[index]
        state = "done" if self.tutor.done(lesson) else "not done yet"
        self.query_one("#learn-detail", Static).update(
            Content(f"{lesson.title} ({state})\nGoal: {lesson.goal}\nEnter starts it."))

    @on(OptionList.OptionSelected)
    def _start(self, event: OptionList.OptionSelected) -> None:
        name = event.option.id or ""
        try:
            self.host.start_lesson(name)
        except LessonError as exc:
            self.notify(str(exc), severity="warning", timeout=10, markup=False)
            return
        self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sandbox":
            return self.host.mode != "SANDBOX" and self.host.sandbox_switch
        return True

    def action_sandbox(self) -> None:
        self.host.restart_on_sandbox()

    def action_close(self) -> None:
        self.dismiss()

    def action_hint(self) -> None:
        self.host.lesson_hint()

    def action_stop(self) -> None:
        self.host.stop_lesson()
        self.refresh_list()

    def action_reset(self) -> None:
        self.tutor.reset()
        self.notify(f"Lesson progress reset: {self.tutor.summary()}.", markup=False)
        self.refresh_list()
