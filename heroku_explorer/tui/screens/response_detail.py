"""One exchange in full, from the history: what was sent and what came back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label

from heroku_explorer.client.history_db import HistoryEntry
from heroku_explorer.policy import describe_error
from heroku_explorer.schema.model import ApiSpec
from heroku_explorer.tui.widgets.response_view import ResponseView
from heroku_explorer.tui.widgets.text import literal

if TYPE_CHECKING:
    from heroku_explorer.client import Exchange

__all__ = ["ResponseDetailScreen", "as_exchange"]


def as_exchange(row: HistoryEntry | Exchange) -> Exchange:
    """An :class:`Exchange` for a history row (a stored entry or a session exchange)."""
    return row.to_exchange() if isinstance(row, HistoryEntry) else row


class ResponseDetailScreen(Screen[None]):
    """A full-screen response view for one exchange."""

    CSS_PATH = Path(__file__).with_name("screens.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="close-detail"),
    ]

    def __init__(self, exchange: Exchange, spec: ApiSpec) -> None:
        super().__init__(id="detail")
        self.exchange = exchange
        self.spec = spec

    def compose(self) -> ComposeResult:
        ex = self.exchange
        title = f" {ex.method} {ex.url}"
        if ex.error is not None:
            title += f"  ·  {describe_error(ex.error)}"
        yield Label(literal(title, single_line=True), classes="screen-title")
        yield ResponseView(id="detail-response")
        yield Footer()

    def on_mount(self) -> None:
        action = self.spec.action(self.exchange.action_id or "")
        res = self.spec.resource(action.response.resource or action.resource) if action else None
        view = self.query_one(ResponseView)
        view.show_exchange(self.exchange, res.attributes if res else ())
        view.query_one("#body-view").focus()

    def on_response_view_object_selected(self, event: ResponseView.ObjectSelected) -> None:
        event.stop()
        self.notify("Drill down from the explorer: " + json.dumps(list(event.path)))
