"""One exchange in full, from the history: what was sent and what came back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label

from heroku_explorer.policy import describe_error
from heroku_explorer.protocol import HeaderName, header_value
from heroku_explorer.schema.model import ApiSpec
from heroku_explorer.tui.widgets.response_view import ResponseView
from heroku_explorer.tui.widgets.text import literal

if TYPE_CHECKING:
    from heroku_explorer.client import Exchange

__all__ = ["ResponseDetailScreen", "as_exchange"]


def as_exchange(row: Any) -> Exchange:
    """An :class:`Exchange` for a history row (a stored entry or a session exchange)."""
    from heroku_explorer.client import Exchange
    from heroku_explorer.client.response import classify_body

    if isinstance(row, Exchange):
        return row
    state, data = classify_body(row.response_body, _ctype(row.response_headers),
                                len(row.response_body))
    if row.body_truncated and state != "json":
        state = "text"
    return Exchange(
        method=row.method, url=row.url, request_headers=row.request_headers,
        request_body=row.request_body, status=row.status, reason=row.reason,
        headers=row.response_headers, body=row.response_body, body_state=state,
        size=row.size, elapsed_ms=row.elapsed_ms, request_id=row.request_id, etag=row.etag,
        content_range=row.content_range, next_range=row.next_range,
        not_modified=row.not_modified, from_cache=row.from_cache, action_id=row.action_id,
        started_at=row.ts, data=data,
        authenticated=header_value(row.request_headers, HeaderName.AUTHORIZATION) is not None,
    )


def _ctype(headers: tuple[tuple[str, str], ...]) -> str | None:
    return header_value(headers, HeaderName.CONTENT_TYPE)


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
