"""The lesson engine both front ends share: which lesson runs, what the person
has done since it started, and when its goal is met.

The tutor watches the client (:meth:`Tutor.attach` adds an observer of every
exchange); a lesson completes only when its check, reading those exchanges,
says so. Lessons run on the sandbox only. A lesson that needs the sandbox set up
(a small request budget, more apps) asks the sandbox through its control
(``HerokuClient.sandbox_control``, set by the runtime for the in-process
sandbox), and the change is undone when the lesson ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from heroku_explorer.errors import ExplorerError
from heroku_explorer.lessons.app_lessons import APP_LESSONS
from heroku_explorer.lessons.model import Lesson, Seen, seen_from
from heroku_explorer.lessons.progress import Progress
from heroku_explorer.lessons.protocol_lessons import PROTOCOL_LESSONS
from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.client import HerokuClient
    from heroku_explorer.client.response import Exchange

__all__ = ["LESSONS", "LIVE_REFUSAL", "LessonError", "SandboxControl", "Tutor"]

LESSONS: tuple[Lesson, ...] = (*PROTOCOL_LESSONS, *APP_LESSONS)

LIVE_REFUSAL = ("Lessons run on the sandbox only, and this session talks to the live API; "
                "start `heroku-explorer learn --sandbox` (or `heroku-explorer repl "
                "--sandbox`) to take them.")


class LessonError(ExplorerError):
    """A lesson cannot be started (unknown, or not on the sandbox): one sentence."""


class SandboxControl(Protocol):
    def lesson_setup(self, *, rate_limit: int | None = None,
                     apps: int | None = None) -> Callable[[], None]: ...


class Tutor:
    """One person's lessons in one session."""

    def __init__(self, *, progress: Progress | None = None, mode: str = "SANDBOX",
                 lessons: tuple[Lesson, ...] = LESSONS) -> None:
        self.lessons = lessons
        self.progress = progress if progress is not None else Progress()
        self.mode = mode
        self.current: Lesson | None = None
        self.seen: list[Seen] = []
        """The exchanges since the current lesson started."""
        self.count = 0
        """Exchanges observed in this session (their numbers in explanations)."""
        self.last: tuple[Lesson, str] | None = None
        """The last lesson completed and its explanation."""
        self.on_done: list[Callable[[Lesson, str], None]] = []
        self._hint = 0
        self._undo: Callable[[], None] | None = None
        self._control: SandboxControl | None = None
        self._client: HerokuClient | None = None

    # -- wiring --------------------------------------------------------------------

    def attach(self, client: HerokuClient) -> None:
        """Watch ``client``'s exchanges (once per client)."""
        if self._client is client:
            return
        self._client = client
        self.mode = "SANDBOX" if client.sandbox else "LIVE"
        control: Any = getattr(client, "sandbox_control", None)
        self._control = control if callable(getattr(control, "lesson_setup", None)) else None
        client.observers.append(self.observe)

    # -- lessons -------------------------------------------------------------------

    def find(self, name: str) -> Lesson | None:
        folded = name.strip().lower()
        for index, lesson in enumerate(self.lessons, 1):
            if folded in (lesson.name, str(index)):
                return lesson
        return None

    def done(self, lesson: Lesson) -> bool:
        return lesson.name in self.progress.done

    def start(self, name: str) -> Lesson:
        """Start the lesson ``name`` (or its number); raises :class:`LessonError`."""
        lesson = self.find(name)
        if lesson is None:
            names = ", ".join(lesson.name for lesson in self.lessons)
            raise LessonError(f"There is no lesson {visible(name, single_line=True)!r}; "
                              f"the lessons are {names}.")
        if self.mode != "SANDBOX":
            raise LessonError(LIVE_REFUSAL)
        setup = lesson.setup
        needs = setup.rate_limit is not None or setup.apps is not None
        if needs and self._control is None:
            raise LessonError(f"The lesson {lesson.name} sets the sandbox up, which only the "
                              "built-in (in-process) sandbox allows.")
        self.stop()
        if needs and self._control is not None:
            self._undo = self._control.lesson_setup(rate_limit=setup.rate_limit,
                                                    apps=setup.apps)
        self.current = lesson
        self.seen = []
        self._hint = 0
        return lesson

    def stop(self) -> None:
        """Leave the current lesson (the sandbox set-up is undone)."""
        undo, self._undo = self._undo, None
        if undo is not None:
            undo()
        self.current = None
        self.seen = []

    def hint(self) -> str:
        """The next hint of the current lesson (the last one again at the end)."""
        lesson = self.current
        if lesson is None:
            return "No lesson is running: `learn NAME` starts one."
        text = lesson.hints[min(self._hint, len(lesson.hints) - 1)]
        self._hint += 1
        return text

    def reset(self) -> None:
        self.progress.reset()

    # -- watching ------------------------------------------------------------------

    def observe(self, exchange: Exchange) -> None:
        """One exchange the client made: checked against the current lesson."""
        self.count += 1
        lesson = self.current
        if lesson is None:
            return
        self.seen.append(seen_from(exchange, self.count))
        try:
            explanation = lesson.check(self.seen)
        except Exception:  # a lesson's check must never break a send
            explanation = None
        if explanation is None:
            return
        self.stop()
        self.progress.mark(lesson.name)
        self.last = (lesson, explanation)
        for listener in list(self.on_done):
            listener(lesson, explanation)

    def listing(self) -> list[str]:
        """One line per lesson: its number, whether it is done, its name and title."""
        lines = []
        for index, lesson in enumerate(self.lessons, 1):
            mark = "x" if self.done(lesson) else (">" if lesson is self.current else " ")
            lines.append(f"[{mark}] {index:2}. {lesson.name:<12} {lesson.title}")
        return lines

    def summary(self) -> str:
        done = sum(1 for lesson in self.lessons if self.done(lesson))
        return f"{done} of {len(self.lessons)} lessons done"
