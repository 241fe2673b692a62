"""Guided lessons on the sandbox, checked by what the person actually sent.

UI-free: the TUI and the REPL both drive a :class:`Tutor`."""

from heroku_explorer.lessons.model import Lesson, Seen, SetUp
from heroku_explorer.lessons.progress import PROGRESS_FILE, Progress
from heroku_explorer.lessons.tutor import LESSONS, LIVE_REFUSAL, LessonError, Tutor

__all__ = ["LESSONS", "LIVE_REFUSAL", "PROGRESS_FILE", "Lesson", "LessonError", "Progress",
           "Seen", "SetUp", "Tutor"]
