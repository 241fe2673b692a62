"""The side panel of a lesson in progress: its goal, the hints asked for, and,
once the goal is met, the explanation of the person's own exchanges."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from heroku_explorer.lessons import Lesson

__all__ = ["LessonPanel"]


class LessonPanel(VerticalScroll):
    """Shown beside the explorer while a lesson runs (and after it, until closed)."""

    DEFAULT_CSS: ClassVar[str] = """
    LessonPanel {
        width: 38;
        height: 1fr;
        border-left: tall $accent;
        padding: 0 1;
        background: $panel;
    }
    LessonPanel #lesson-title { text-style: bold; color: $accent; }
    LessonPanel .lesson-state { margin-top: 1; }
    LessonPanel #lesson-done { color: $success; text-style: bold; }
    """

    def __init__(self, *, id: str | None = "lesson-panel") -> None:
        super().__init__(id=id)
        self.lesson: Lesson | None = None
        self.hints: list[str] = []
        self.explanation: str | None = None
        self._parts = {name: Static(id=f"lesson-{name}",
                                    classes="" if name in ("title", "explanation")
                                    else "lesson-state")
                       for name in ("title", "goal", "hints", "done", "explanation")}

    def compose(self) -> ComposeResult:
        for name in ("title", "goal", "hints", "done", "explanation"):
            yield self._parts[name]
        yield Static(Content("F6: lessons, hints, stop"), id="lesson-keys",
                     classes="lesson-state")

    def show(self, lesson: Lesson) -> None:
        """A lesson started: its goal, no hints yet."""
        self.lesson, self.hints, self.explanation = lesson, [], None
        self._paint()

    def hint(self, text: str) -> None:
        self.hints.append(text)
        self._paint()

    def done(self, lesson: Lesson, explanation: str) -> None:
        self.lesson, self.explanation = lesson, explanation
        self._paint()

    def _paint(self) -> None:
        lesson, parts = self.lesson, self._parts
        parts["title"].update(Content(f"Lesson: {lesson.title}" if lesson else "No lesson"))
        parts["goal"].update(Content(f"Goal: {lesson.goal}" if lesson else ""))
        parts["hints"].update(Content("\n".join(f"Hint: {h}" for h in self.hints)))
        done = self.explanation is not None
        parts["done"].update(Content("Goal met." if done else ""))
        # The explanation quotes server text: made inert by the lesson, and shown as
        # Content (never markup).
        parts["explanation"].update(Content(self.explanation or ""))
