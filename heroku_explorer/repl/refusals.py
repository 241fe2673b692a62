"""A request the REPL did not send, and why (the policy's one sentence), and a
session command that cannot run now."""

from __future__ import annotations

from typing import TYPE_CHECKING

from heroku_explorer.errors import ExplorerError

if TYPE_CHECKING:
    from heroku_explorer.policy import Destruction

__all__ = ["NotConfirmed", "NotSent", "SessionProblem"]


class NotSent(ExplorerError):
    """A request refused before sending (read-only, a removed secret, revalidating a
    POST...): the message is the policy's one sentence."""


class NotConfirmed(NotSent):
    """A destruction on the live API that was not confirmed: nothing was sent."""

    def __init__(self, message: str, destruction: Destruction) -> None:
        super().__init__(message)
        self.destruction = destruction


class SessionProblem(ExplorerError):
    """A session command that cannot run now (nothing to page, no ETag...)."""
