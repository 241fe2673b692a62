"""What the explorer's screens and widgets need from the running app, passed to
them when they are made (never reached for through ``self.app``).

:class:`~heroku_explorer.tui.app.ExplorerApp` is the one implementation; tests may
pass any object with these members.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from heroku_explorer.client import HerokuClient, History
    from heroku_explorer.client.response import Exchange
    from heroku_explorer.runtime import Mode
    from heroku_explorer.schema.model import ApiSpec

__all__ = ["ExplorerContext"]


@runtime_checkable
class ExplorerContext(Protocol):
    """The session a screen works in: the schema, the mode, the client and what was
    exchanged so far."""

    spec: ApiSpec
    mode: Mode
    base_url: str
    read_only: bool
    variant: str
    account: str | None
    history: History | None
    """The history file, when one is kept."""
    session: list[Exchange]
    """This session's exchanges, newest last."""
    client: HerokuClient | None
    """The client once it is open."""

    async def get_client(self) -> HerokuClient:
        """The client, waiting for it to open."""

    def schema_status(self) -> str:
        """Where the schema in use comes from, for the status bar."""

    def load_deferred_css(self) -> None:
        """Load the stylesheets kept off the first frame."""

    def remember(self, exchange: Exchange) -> None:
        """Keep ``exchange`` in this session's list."""

    def open_action(self, action_id: str, values: Mapping[str, object] | None = None) -> None:
        """Open the action ``action_id`` in the form, filled with ``values``."""
