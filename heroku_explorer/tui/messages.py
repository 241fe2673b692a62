"""App-wide messages: what crosses from one screen (or the palette) to another.

Widget messages live in the widget that posts them (``ResourceTree.ActionSelected``,
``ParamForm.Submitted``); these are the few that travel between screens. Messages
on the way to the first frame are plain classes: a dataclass costs a millisecond
or more to create at import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from heroku_explorer.request import RequestSpec

__all__ = ["ActionRequested", "ClientOpened", "ResendRequested"]


class ActionRequested(Message):
    """Open an action in the explorer (from the command palette or a drill-down)."""

    def __init__(self, action_id: str, values: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.action_id = action_id
        """``<resource>.<action>``."""
        self.values: dict[str, Any] = dict(values or {})
        """Values to put in the form."""


class ResendRequested(Message):
    """Send this request again (from the history screen): ``values`` fill the form of
    its action first (``None``: the request is not one of an action's)."""

    def __init__(self, spec: RequestSpec, action_id: str | None = None,
                 values: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.spec = spec
        self.action_id = action_id
        self.values = values


class ClientOpened(Message):
    """The HTTP client is ready (or failed to open: ``error``)."""

    def __init__(self, error: str | None = None) -> None:
        super().__init__()
        self.error = error
