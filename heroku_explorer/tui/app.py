"""The Textual explorer application and :func:`run_tui`, its entry point.

The app holds what every screen shares: the schema, the mode, the client and the
session's exchanges. It paints first and opens the HTTP client afterwards (an
``httpx`` client costs 30-45 ms of SSL setup, and importing it about 80 ms), so the
tree is on screen as soon as a bare Textual app would be.

Today's schema comes after the first frame too: the app starts the
:class:`~heroku_explorer.schema_updates.SchemaUpdate` it is given, the status bar
says where the schema in use comes from ("loading the schema from <host>" while
the bundled one stands in), and a schema that differs is offered, never swapped in
under the person's hands: the switch key ends the app with :attr:`ExplorerApp.switch_to`
set, and :func:`run_tui` starts a new one on the new schema.
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

from heroku_explorer.errors import RequestError
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import ApiSpec
from heroku_explorer.tui.commands import ActionCommands
from heroku_explorer.tui.lessons import LessonsMixin
from heroku_explorer.tui.messages import ActionRequested, ClientOpened
from heroku_explorer.tui.schema_switch import SWITCH_ID, SchemaSwitchMixin
from heroku_explorer.tui.screens.explorer import ExplorerScreen

if TYPE_CHECKING:
    from heroku_explorer.client import Exchange, HerokuClient, History
    from heroku_explorer.schema_updates import SchemaUpdate

__all__ = ["ExplorerApp", "ExplorerOptions", "Mode", "run_tui"]

Mode = Literal["SANDBOX", "LIVE"]
_HERE = Path(__file__).parent
#: Styles of the parts mounted after the first frame (see :meth:`load_deferred_css`).
DEFERRED_CSS = (_HERE / "widgets" / "widgets.tcss", _HERE / "widgets" / "workbench.tcss")
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
    schema_update: SchemaUpdate | None
    schema_source: str | None
    learn: bool


class ExplorerApp(LessonsMixin, SchemaSwitchMixin, App[int]):
    """A terminal explorer for the Heroku Platform API, built from its schema."""

    TITLE = "heroku-explorer"
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        _HERE / "app.tcss",
        _HERE / "widgets" / "chrome.tcss",
        _HERE / "screens" / "explorer.tcss",
    ]
    COMMANDS = App.COMMANDS | {ActionCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority keys: a text field's own bindings never hide them.
        Binding("f1", "help", "Help", id="help", tooltip="Help for the focused part",
                priority=True),
        Binding("f2", "overview", "Overview", id="overview", tooltip="The schema's own docs"),
        Binding("f3", "history", "History", id="history", tooltip="Every exchange so far"),
        Binding("f6", "learn", "Learn", id="learn", tooltip="Lessons on the sandbox",
                show=False),
        Binding("f7", "logs", "Logs", id="follow-logs", show=False,
                tooltip="Follow the log or build stream the last answer offers"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        # Not a priority key: in a text field ctrl+u still clears the line.
        Binding("ctrl+u", "use_todays_schema", "Use today's schema", id=SWITCH_ID,
                tooltip="Start again on the schema that just arrived"),
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
        schema_update: SchemaUpdate | None = None,
        schema_source: str | None = None,
        learn: bool = False,
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
        self.schema_update = schema_update
        """Today's schema in the background (started after the first frame), or ``None``."""
        self.schema_source = schema_source
        """Where the schema in use comes from, when no update says so (``--schema``)."""
        self.switch_to: tuple[ApiSpec, bytes | None] | None = None
        """Set when the person chose the schema that arrived: the app then ends and
        :func:`run_tui` starts again on it."""
        self._explorer: ExplorerScreen | None = None
        self._learn_at_start = learn
        """Open the Learn screen over the first frame (``heroku-explorer learn``)."""

    # -- start and stop ---------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        # The explorer is the default screen rather than a mode: a mode's screen makes
        # Textual parse every stylesheet again before the first frame.
        self._explorer = ExplorerScreen(self)
        return self._explorer

    def on_mount(self) -> None:
        if self._theme_name and self._theme_name != self.theme:
            if self._theme_name in self.available_themes:
                self.theme = self._theme_name
            else:
                self.notify(f"Unknown theme '{visible(self._theme_name, single_line=True)}'; "
                            f"using {self.theme}.",
                            severity="warning", timeout=8)
        if self._keymap:
            self.set_keymap(self._keymap)
        self._saved_theme = self.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.call_after_refresh(self._after_first_frame)

    # -- the theme and screenshots (see heroku_explorer.tui.files) -----------------------

    _saved_theme: str = ""
    _theme_timer: Any = None

    def _theme_changed(self, theme: Any) -> None:
        # The palette's picker previews each theme it passes: keep the one it ends on.
        if self._theme_timer is not None:
            self._theme_timer.stop()
        self._theme_timer = self.set_timer(0.4, self.save_theme)

    def save_theme(self) -> None:
        """Keep the theme in use in the config file (``general.theme``)."""
        from heroku_explorer.config import default_config_path
        from heroku_explorer.tui.files import save_theme

        self._theme_timer = None
        if self.theme == self._saved_theme:
            return
        path = default_config_path()
        try:
            save_theme(path, self.theme)
        except OSError as exc:
            self.notify(f"Theme {self.theme} not saved in {path}: {exc.strerror or exc}.",
                        severity="warning")
            return
        self._saved_theme = self.theme
        self.notify(f"Theme {self.theme} saved in {path}.", timeout=3)

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        """Save an SVG of the screen in ~/Downloads, else the user data folder, and say
        where (or where it could not, and why). In a browser, the browser gets it."""
        if self.is_web:
            return super().deliver_screenshot(filename, path, time_format)
        from textual._files import generate_datetime_filename

        from heroku_explorer.tui.files import save_file, screenshot_dir

        folder, where = (Path(path), f"in {path}") if path else screenshot_dir()
        if folder is None:
            self.notify(f"Screenshot not saved: {where}.", severity="error", timeout=8)
            return None
        name = filename or generate_datetime_filename(self.title, ".svg", time_format)
        try:
            saved = save_file(folder / name, self.export_screenshot().encode("utf-8"))
        except OSError as exc:
            self.notify(f"Screenshot not saved in {folder}: {exc.strerror or exc}.",
                        severity="error", timeout=8)
            return None
        self.notify(f"Screenshot saved {where}: {saved.name}", timeout=6)
        return str(saved)

    def _after_first_frame(self) -> None:
        # Notices (sandbox mode, a config problem...) are toasts over the first frame,
        # not part of it: the tree comes first.
        self._show_notices()
        self._check_keymap()
        self._start_client()
        self._start_schema_update()
        if self._learn_at_start:
            self.action_learn()

    def _check_keymap(self) -> None:
        """Name each ``[keys]`` id of the config that no binding has (after the first
        frame: the ids are read from every screen and widget module)."""
        if not self._keymap:
            return
        from heroku_explorer.config import unknown_bindings
        from heroku_explorer.tui.keys import binding_ids

        for problem in unknown_bindings(self._keymap, set(binding_ids())):
            self.notify(problem, severity="warning", timeout=8)

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
            self.attach_tutor(self.client)
        except Exception as exc:  # a client that cannot open must not end the app
            self._client_error = f"The HTTP client could not start: {exc}"
            self.notify(self._client_error, severity="error", timeout=10)
        finally:
            self._client_ready.set()
        self._show_notices()  # those made while opening it (a history file that is off)
        self.screen.post_message(ClientOpened(self._client_error))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "use_todays_schema":
            return self._switch_ready()
        return True

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
        from heroku_explorer.tui.screens.logs import offer_stream

        offer_stream(self, exchange)

    def open_action(self, action_id: str, values: Mapping[str, object] | None = None) -> None:
        """Show the explorer with ``action_id`` open (from the palette, history...)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.screen.post_message(ActionRequested(action_id, dict(values or {})))

    # -- actions ------------------------------------------------------------------------

    def action_help(self) -> None:
        from heroku_explorer.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()  # F1 is a priority key: it closes the help it opened
        else:
            self.push_screen(HelpScreen(self.focused, self.screen))

    def action_overview(self) -> None:
        from heroku_explorer.tui.screens.overview import OverviewScreen

        if not isinstance(self.screen, OverviewScreen):
            self.push_screen(OverviewScreen(self.spec))

    def action_history(self) -> None:
        from heroku_explorer.tui.screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen(self))

    def action_logs(self) -> None:
        from heroku_explorer.tui.screens.logs import follow_newest

        follow_newest(self)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Overview", "The schema's own docs (F2)", self.action_overview)
        yield SystemCommand("History", "Every exchange of this session and before (F3)",
                            self.action_history)
        yield SystemCommand("Help", "Keys and help for the focused part (F1)", self.action_help)
        yield SystemCommand("Learn", "Lessons on the sandbox, checked by what you send (F6)",
                            self.action_learn)


#: Rebuilds the client for a new schema (and its bytes): the runtime's hand-over.
Switch = Callable[[ApiSpec, "bytes | None"], Callable[[], "HerokuClient"]]
#: The client factory of the built-in sandbox and its base URL (lessons, from LIVE).
ToSandbox = Callable[[], tuple[Callable[[], "HerokuClient"], str]]


def run_tui(
    spec: ApiSpec,
    client_factory: Callable[[], HerokuClient],
    *,
    on_switch: Switch | None = None,
    to_sandbox: ToSandbox | None = None,
    **options: Unpack[ExplorerOptions],
) -> int:
    """Run the explorer until the person quits; returns the exit status (0).

    ``client_factory`` makes the (unopened) :class:`HerokuClient`; the app calls it
    after the first frame, opens it, and closes it when it exits. ``options`` are
    :class:`ExplorerApp`'s keyword arguments. When the person takes the schema that
    arrived (:attr:`ExplorerApp.switch_to`), ``on_switch`` gives the client factory
    for it and a new explorer starts on it. When the person asks, on the live API, to
    take the lessons (:attr:`ExplorerApp.sandbox_requested`), ``to_sandbox`` gives the
    sandbox's client factory and a new explorer starts on its Learn screen.
    """
    while True:
        app = ExplorerApp(spec, client_factory, **options)
        app.sandbox_switch = to_sandbox is not None
        result = app.run()
        if app.crash_message is not None:
            print(app.crash_message, file=sys.stderr)
        status = result if isinstance(result, int) else (app.return_code or 0)
        if app.sandbox_requested and to_sandbox is not None and app.crash_message is None:
            client_factory, base_url = to_sandbox()
            options = options.copy()
            options["mode"] = "SANDBOX"
            options["base_url"] = base_url
            options["learn"] = True
            options["notices"] = ["Now on the built-in sandbox, for the lessons."]
            to_sandbox = None
            continue
        if app.switch_to is None or on_switch is None or app.crash_message is not None:
            return status
        spec, data = app.switch_to
        client_factory = on_switch(spec, data)
        options = switched_options(options, app.schema_update)


def switched_options(options: ExplorerOptions, update: SchemaUpdate | None
                     ) -> ExplorerOptions:
    """The options of the explorer that starts on the schema that arrived."""
    host = update.host if update is not None else "the API"
    after = options.copy()
    after["schema_update"] = None
    after["schema_source"] = f"live schema ({host})"
    after["notices"] = [f"Now on today's schema from {host}; the next start uses it "
                        "directly."]
    return after
