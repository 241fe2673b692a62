"""The Logs pane: a log session's ``logplex_url`` or a build's ``output_stream_url``
followed as its lines arrive (:mod:`heroku_explorer.logstream`).

An answer that holds such a stream is offered with a notification; **F7** opens the
pane on the newest one. Lines are plain text (already made literal), kept up to
:data:`MAX_LINES`; **q** or **Escape** stops the stream and closes the pane, **s**
stops it and keeps the pane open. The URL itself, a credential, is never shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label, Log

from heroku_explorer.logstream import StreamTarget, stream_url_of
from heroku_explorer.tui.context import ExplorerContext

if TYPE_CHECKING:
    from textual.worker import Worker

    from heroku_explorer.client.response import Exchange
    from heroku_explorer.tui.app import ExplorerApp

__all__ = ["MAX_LINES", "LogsScreen", "follow_newest", "offer_stream"]

#: Lines the pane keeps; older ones scroll away.
MAX_LINES = 10_000


def offer_stream(app: Any, exchange: Exchange) -> None:
    """Say so when ``exchange`` holds a stream that the Logs pane can follow."""
    if exchange.error is not None:
        return
    target = stream_url_of(exchange.data)
    if target is not None:
        app.notify(f"This answer offers its {target.label} stream: F7 follows it in the "
                   "Logs pane.", timeout=8)


def newest_stream(exchanges: list[Exchange]) -> StreamTarget | None:
    for exchange in reversed(exchanges):
        if exchange.error is None:
            target = stream_url_of(exchange.data)
            if target is not None:
                return target
    return None


def follow_newest(app: ExplorerApp) -> None:
    """Open the Logs pane on the newest answer's stream, or say there is none."""
    if isinstance(app.screen, LogsScreen):
        return
    target = newest_stream(app.session)
    if target is None:
        app.notify("No stream to follow yet: send a Log Session Create (or a Build that "
                   "has an output_stream_url) first.", severity="warning", timeout=6)
        return
    app.push_screen(LogsScreen(app, target))


class LogsScreen(Screen[None]):
    """A followed log or build-output stream."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Stop and close", id="close-logs"),
        Binding("s", "stop", "Stop", id="stop-logs"),
    ]

    HELP = """\
## Logs

The stream the last answer offered (a log session or a build's output), line by
line as it arrives. **s** stops it, **q** or **Escape** stops it and closes the
pane. Each line is shown literally; the stream's URL is a credential and is never
shown.
"""

    DEFAULT_CSS = """
    LogsScreen #logs-log { height: 1fr; }
    LogsScreen #logs-status { height: 1; color: $text-muted; }
    """

    def __init__(self, context: ExplorerContext, target: StreamTarget) -> None:
        super().__init__(id="logs")
        self.host = context
        self.target = target
        self.lines = 0
        self.state = "connecting"
        """connecting, following, ended, stopped or failed."""
        self._worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        yield Label(f" Logs  ·  {self.target.label}", classes="screen-title", id="logs-title")
        yield Log(max_lines=MAX_LINES, highlight=False, auto_scroll=True, id="logs-log")
        yield Label(" Connecting…", id="logs-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Log).focus()
        self._worker = self._follow()

    def _status(self, text: str) -> None:
        self.query_one("#logs-status", Label).update(f" {text}")

    def _opened(self) -> None:
        self.state = "following"
        self._status(f"Following the {self.target.label} stream (s stops, q closes).")

    @work(exclusive=True, group="logs")
    async def _follow(self) -> None:
        from heroku_explorer.errors import ExplorerError
        from heroku_explorer.logstream import follow_client

        client = self.host.client
        if client is None:
            self.state = "failed"
            self._status("The client is not open yet; try again in a moment.")
            return
        log = self.query_one(Log)
        try:
            async for line in follow_client(client, self.target, on_open=self._opened):
                log.write_line(line)
                self.lines += 1
        except ExplorerError as exc:
            from heroku_explorer.safe_text import visible

            self.state = "failed"
            self._status(visible(str(exc), single_line=True))
            return
        self.state = "ended"
        self._status(f"The {self.target.label} stream ended ({self.lines} lines).")

    def stop(self) -> None:
        if self._worker is not None and self.state in ("connecting", "following"):
            self._worker.cancel()
            self.state = "stopped"
            self._status(f"Stopped ({self.lines} lines).")

    def action_stop(self) -> None:
        self.stop()

    def action_close(self) -> None:
        self.stop()
        self.app.pop_screen()
