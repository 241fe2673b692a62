"""The REPL's lessons: ``learn``, ``learn NAME``, ``learn stop``, ``learn reset``
and ``hint``, over the shared :class:`~heroku_explorer.lessons.Tutor`; a line is
printed after the command whose exchange met the goal."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from heroku_explorer.lessons import Lesson, Tutor

if TYPE_CHECKING:
    from heroku_explorer.repl.session import Session

__all__ = ["flush", "hint", "learn", "tutor_for"]


def tutor_for(session: Session) -> Tutor:
    """The session's tutor, made and attached to its client on first use."""
    tutor = session.tutor
    if tutor is None:
        tutor = session.tutor = Tutor(mode=session.mode)
    client = session.client_if_ready
    if client is not None:
        tutor.attach(client)
        if session.mode == "LIVE":
            tutor.mode = "LIVE"
    if not any(getattr(f, "__self__", None) is session for f in tutor.on_done):
        tutor.on_done.append(session.lesson_done)
    return tutor


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(text, 88, initial_indent="  ", subsequent_indent="  "))


def _show_goal(session: Session, lesson: Lesson) -> None:
    session.console.print(f"Lesson {lesson.name}: {lesson.title}")
    session.console.print(_wrap(f"Goal: {lesson.goal}"))
    session.console.print("  ('hint' for a hint, 'learn stop' to leave it)")


def learn(session: Session, what: str) -> None:
    tutor = tutor_for(session)
    out = session.console
    word = what.strip().lower()
    if not word:
        for line in tutor.listing():
            out.print(line)
        out.print(f"{tutor.summary()}; 'learn NAME' starts one.")
        if tutor.mode != "SANDBOX":
            out.print("Lessons run on the sandbox only: start `heroku-explorer repl "
                      "--sandbox`.")
        if tutor.progress.problem:
            out.message(tutor.progress.problem)
        return
    if word == "stop":
        was = tutor.current
        tutor.stop()
        out.print(f"Left the lesson {was.name}." if was else "No lesson is running.")
        return
    if word == "reset":
        tutor.reset()
        out.print(f"Lesson progress reset: {tutor.summary()}.")
        return
    _show_goal(session, tutor.start(what))


def hint(session: Session) -> None:
    session.console.print(f"Hint: {tutor_for(session).hint()}")


def flush(session: Session) -> None:
    """Print the lessons completed by the last command, with their explanations."""
    done, session.lessons_done = session.lessons_done, []
    for lesson, explanation in done:
        session.console.print(f"Goal met: lesson {lesson.name} done.")
        session.console.print(_wrap(explanation))
