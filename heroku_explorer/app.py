"""The Textual explorer application and :func:`run_tui`, its entry point.

The app holds what every screen shares: the schema, the mode, the client and the
session's exchanges. It paints first and opens the HTTP client afterwards (an
``httpx`` client costs 30-45 ms of SSL setup, and importing it about 80 ms), so the
tree is on screen as soon as a bare Textual app would be.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypedDict, Unpack

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from heroku_explorer.commands import ActionCommands
from heroku_explorer.errors import RequestError
from heroku_explorer.messages import ActionRequested, ClientOpened
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import ApiSpec
from heroku_explorer.screens.explorer import ExplorerScreen

if TYPE_CHECKING:
    from heroku_explorer.client import Exchange, HerokuClient, History

__all__ = ["ExplorerApp", "ExplorerOptions", "Mode", "run_tui"]

Mode = Literal["SANDBOX", "LIVE"]
_HERE = Path(__file__).parent
#: Styles of the parts mounted after the first frame (see :meth:`load_deferred_css`).
DEFERRED_CSS = (_HERE / "widgets" / "widgets.tcss", _HERE / "screens" / "workbench.tcss")
#: Exchanges kept in memory for the history screen when no history file is used.
SESSION_LIMIT = 500


class ExplorerOptions(TypedDict, total=False):
    """The keyword arguments of :class:`ExplorerApp` (and so of :func:`run_tui`)."""

    mode: Mode
    base_url: str
    read_only: bool
    history: History | None
    account: str | None
    notices: Sequence[str]
    theme: str | None
    keymap: Mapping[str, str] | None
    variant: str


class ExplorerApp(App[int]):
    """A terminal explorer for the Heroku Platform API, built from its schema."""

    TITLE = "heroku-explorer"
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        _HERE / "app.tcss",
        _HERE / "widgets" / "chrome.tcss",
        _HERE / "screens" / "explorer.tcss",
    ]
    COMMANDS = App.COMMANDS | {ActionCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="help", tooltip="Help for the focused part"),
        Binding("f2", "overview", "Overview", id="overview", tooltip="The schema's own docs"),
        Binding("f3", "history", "History", id="history", tooltip="Every exchange so far"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(
        self,
        spec: ApiSpec,
        client_factory: Callable[[], HerokuClient],
        *,
        mode: Mode = "SANDBOX",
        base_url: str = "https://api.heroku.com",
        read_only: bool = False,
        history: History | None = None,
        account: str | None = None,
        notices: Sequence[str] = (),
        theme: str | None = None,
        keymap: Mapping[str, str] | None = None,
        variant: str = "3",
    ) -> None:
        super().__init__()
        self.spec = spec
        self.mode: Mode = mode
        self.base_url = base_url
        self.read_only = read_only
        self.history = history
        """The history file: the one given, or the client's once it is open."""
        self.account = account
        self.variant = variant
        self.client: HerokuClient | None = None
        self.session: list[Exchange] = []
        """This session's exchanges, newest last (the history screen's source without a file)."""
        self._factory = client_factory
        self._notices = notices
        """Notices to show; a list that grows while the client opens (history off...)
        has its new ones shown then."""
        self._notices_shown = 0
        self._theme_name = theme
        self._keymap = dict(keymap or {})
        self._client_ready = asyncio.Event()
        self._client_error: str | None = None

    # -- start and stop ---------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        # The explorer is the default screen rather than a mode: a mode's screen makes
        # Textual parse every stylesheet again before the first frame.
        return ExplorerScreen()

    def on_mount(self) -> None:
        if self._theme_name and self._theme_name != self.theme:
            if self._theme_name in self.available_themes:
                self.theme = self._theme_name
            else:
                self.notify(f"Unknown theme {self._theme_name!r}; using {self.theme}.",
                            severity="warning", timeout=8)
        if self._keymap:
            self.set_keymap(self._keymap)
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        # Notices (sandbox mode, a config problem...) are toasts over the first frame,
        # not part of it: the tree comes first.
        self._show_notices()
        self._start_client()

    def _show_notices(self) -> None:
        for notice in self._notices[self._notices_shown:]:
            self.notify(notice, severity="warning", timeout=8)
        self._notices_shown = len(self._notices)

    def _start_client(self) -> None:
        self.run_worker(self._open_client(), name="open-client", group="client", exclusive=True)

    async def _open_client(self) -> None:
        def build() -> HerokuClient:
            client = self._factory()
            client.open()
            return client

        try:
            self.client = await asyncio.to_thread(build)
            if self.history is None:
                self.history = self.client.history
        except Exception as exc:  # a client that cannot open must not end the app
            self._client_error = f"The HTTP client could not start: {exc}"
            self.notify(self._client_error, severity="error", timeout=10)
        finally:
            self._client_ready.set()
        self._show_notices()  # those made while opening it (a history file that is off)
        self.screen.post_message(ClientOpened(self._client_error))

    async def get_client(self) -> HerokuClient:
        """The open client, once it is ready. Raises :class:`RequestError` if it failed."""
        await self._client_ready.wait()
        if self.client is None:
            raise RequestError(self._client_error or "the HTTP client is not available")
        return self.client

    async def close_client(self) -> None:
        """Close the HTTP client (the history file is closed by whoever opened it)."""
        client, self.client = self.client, None
        if client is not None:
            await client.aclose()

    async def on_unmount(self) -> None:
        await self.close_client()

    def load_deferred_css(self) -> None:
        """Add the styles of the workbench, once, after the first frame.

        Every new stylesheet source makes Textual parse all of them again, so the
        first frame is styled from the small sheets in ``CSS_PATH`` only.
        """
        sheet = self.stylesheet
        added = False
        for path in DEFERRED_CSS:
            if not sheet.has_source(str(path), ""):
                sheet.read(path)
                added = True
        if added:
            sheet.reparse()
            sheet.update(self)

    crash_message: str | None = None
    """The one sentence said after an unexpected error ended the app."""

    def _handle_exception(self, error: Exception) -> None:
        """No traceback reaches a person: an error no rule foresaw is written to the
        private error log, and the app ends with one sentence (said by
        :func:`run_tui`) and the documented status. Under a test harness (headless)
        Textual's own handling stays, so that tests see the exception."""
        if self.is_headless:
            super()._handle_exception(error)
            return
        from heroku_explorer.crash import EXIT_UNEXPECTED, log_unexpected

        self.crash_message = log_unexpected(error)
        self.exit(EXIT_UNEXPECTED, return_code=EXIT_UNEXPECTED)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """A notification, always shown literally.

        Notices carry outside text (a server's message, a schema's title, a name a
        person typed): it is never parsed as markup (``[/x]`` would end the app), and
        its control characters are shown as escapes. ``markup`` is accepted for
        Textual's callers and ignored.
        """
        del markup
        super().notify(visible(str(message)), title=visible(title, single_line=True),
                       severity=severity, timeout=timeout, markup=False)

    # -- shared state -----------------------------------------------------------------

    def remember(self, exchange: Exchange) -> None:
        """Keep ``exchange`` for this session's history."""
        self.session.append(exchange)
        del self.session[:-SESSION_LIMIT]

    def open_action(self, action_id: str, values: Mapping[str, object] | None = None) -> None:
        """Show the explorer with ``action_id`` open (from the palette, history...)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.screen.post_message(ActionRequested(action_id, dict(values or {})))

    # -- actions ------------------------------------------------------------------------

    def action_help(self) -> None:
        from heroku_explorer.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.focused, self.screen))

    def action_overview(self) -> None:
        from heroku_explorer.screens.overview import OverviewScreen

        if not isinstance(self.screen, OverviewScreen):
            self.push_screen(OverviewScreen(self.spec))

    def action_history(self) -> None:
        from heroku_explorer.screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Overview", "The schema's own docs (F2)", self.action_overview)
        yield SystemCommand("History", "Every exchange of this session and before (F3)",
                            self.action_history)
        yield SystemCommand("Help", "Keys and help for the focused part (F1)", self.action_help)


def run_tui(
    spec: ApiSpec,
    client_factory: Callable[[], HerokuClient],
    **options: Unpack[ExplorerOptions],
) -> int:
    """Run the explorer until the person quits; returns the exit status (0).

    ``client_factory`` makes the (unopened) :class:`HerokuClient`; the app calls it
    after the first frame, opens it, and closes it when it exits. ``options`` are
    :class:`ExplorerApp`'s keyword arguments.
    """
    app = ExplorerApp(spec, client_factory, **options)
    result = app.run()
    if app.crash_message is not None:
        print(app.crash_message, file=sys.stderr)
    return result if isinstance(result, int) else (app.return_code or 0)
