"""App-wide messages: what crosses from one screen (or the palette) to another.

Widget messages live in the widget that posts them (``ResourceTree.ActionSelected``,
``ParamForm.Submitted``); these are the few that travel between screens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from heroku_explorer.request import RequestSpec

__all__ = ["ActionRequested", "ClientOpened", "ResendRequested"]


@dataclass
class ActionRequested(Message):
    """Open an action in the explorer (from the command palette or a drill-down)."""

    action_id: str
    """``<resource>.<action>``."""
    values: dict[str, Any] = field(default_factory=dict)
    """Values to put in the form."""


@dataclass
class ResendRequested(Message):
    """Send this request again (from the history screen)."""

    spec: RequestSpec
    action_id: str | None = None


@dataclass
class ClientOpened(Message):
    """The HTTP client is ready (or failed to open: ``error``)."""

    error: str | None = None
