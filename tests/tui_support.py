"""Build the explorer the way the CLI does, on the in-process sandbox.

Used by the TUI tests, the snapshot tests and ``scripts/screenshots.py``. The
sandbox is seeded (``seed``), its rate-limit clock is frozen and its Request-Ids
are numbered, so two runs paint the same screens.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from heroku_explorer.runtime import SANDBOX_BASE_URL
from heroku_explorer.schema import load_bundled
from heroku_explorer.schema.model import ApiSpec
from heroku_explorer.tui.app import ExplorerApp, Mode

LIVE_URL = "https://api.heroku.com"
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


#: One request as the sandbox received it: method, path and headers (lower-case names).
Arrival = tuple[str, str, dict[str, str]]


class NumberedRequestIds:
    """ASGI middleware: replace each random Request-Id with ``00000000-…-<n>``, and
    note each request that arrives in ``arrivals`` when given."""

    def __init__(self, app: Any, arrivals: list[Arrival] | None = None) -> None:
        self.app = app
        self.count = 0
        self.arrivals = arrivals

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.count += 1
        if self.arrivals is not None:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                       for k, v in scope.get("headers", [])}
            self.arrivals.append((scope["method"], scope["path"], headers))
        fixed = f"00000000-0000-4000-8000-{self.count:012d}".encode()

        async def numbered(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (k, fixed if k.lower() == b"request-id" else v)
                    for k, v in message.get("headers", [])
                ]
            await send(message)

        await self.app(scope, receive, numbered)


def sandbox_factory(
    spec: ApiSpec,
    *,
    seed: int = 0,
    history_path: Path | None = None,
    cache_dir: Path | None = None,
    base_url: str = SANDBOX_BASE_URL,
    arrivals: list[Arrival] | None = None,
) -> Callable[[], Any]:
    """A client factory for the in-process sandbox, as the CLI makes it."""

    def factory() -> Any:
        import httpx

        from heroku_explorer.client import Credentials, HerokuClient, History
        from heroku_explorer.sandbox import SANDBOX_TOKEN, create_app

        sandbox = create_app(spec, token=SANDBOX_TOKEN, seed=seed, clock=lambda: 0.0)
        transport = httpx.ASGITransport(app=NumberedRequestIds(sandbox, arrivals))
        history = History(history_path) if history_path is not None else None
        return HerokuClient(
            base_url,
            Credentials(token=SANDBOX_TOKEN),
            transport=transport,
            history=history,
            cache_dir=cache_dir,
        )

    return factory


def build_app(
    tmp_path: Path | None = None,
    *,
    spec: ApiSpec | None = None,
    mode: Mode = "SANDBOX",
    read_only: bool = False,
    seed: int = 0,
    with_history: bool = True,
    arrivals: list[Arrival] | None = None,
) -> ExplorerApp:
    """The explorer on the sandbox; history in ``tmp_path`` when given; each request
    the sandbox receives is noted in ``arrivals`` when given."""
    from heroku_explorer.client import History

    spec = spec or load_bundled()
    history_path = tmp_path / "history.sqlite3" if tmp_path and with_history else None
    history = History(history_path) if history_path is not None else None
    # LIVE mode is the sandbox too, behind the address a live client would use.
    base_url = SANDBOX_BASE_URL if mode == "SANDBOX" else LIVE_URL
    factory = sandbox_factory(spec, seed=seed, cache_dir=tmp_path, base_url=base_url,
                              arrivals=arrivals)

    def with_shared_history() -> Any:
        client = factory()
        client.history = history
        return client

    return ExplorerApp(
        spec,
        with_shared_history,
        mode=mode,
        base_url=base_url,
        read_only=read_only,
        history=history,
    )


def mock_app(
    spec: ApiSpec,
    handler: Callable[[Any], Any],
    *,
    mode: Mode = "SANDBOX",
    token: str = "mock-token-0123456789",
) -> ExplorerApp:
    """The explorer on an ``httpx.MockTransport`` answering with ``handler(request)``
    (nothing leaves the process)."""
    base_url = SANDBOX_BASE_URL if mode == "SANDBOX" else LIVE_URL

    def factory() -> Any:
        import httpx

        from heroku_explorer.client import Credentials, HerokuClient

        return HerokuClient(base_url, Credentials(token=token),
                            transport=httpx.MockTransport(handler))

    return ExplorerApp(spec, factory, mode=mode, base_url=base_url)


def painted(app: ExplorerApp) -> str:
    """Every text the current screen paints now (and its notifications), as plain
    strings: each widget's rendered lines, the way the terminal would get them."""
    from textual.widget import Widget

    parts: list[str] = []
    screen = app.screen
    for widget in [screen, *screen.walk_children(Widget)]:
        if not widget.display or widget.size.area == 0:
            continue
        for y in range(widget.size.height):
            try:
                strip = widget.render_line(y)
            except Exception:  # a widget without a line API: its whole render instead
                parts.append(str(widget.render()))
                break
            parts.append("".join(segment.text for segment in strip))
    parts += [str(n.message) for n in app._notifications]
    return "\n".join(parts)


async def settle(pilot: Any) -> None:
    """Wait for every worker (the send, the client opening) and a repaint."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text_of(app: ExplorerApp, selector: str) -> str:
    """The plain text a Static-like widget of the current screen shows now."""
    return text_of_screen(app.screen, selector)


def text_of_screen(screen: Any, selector: str) -> str:
    """The plain text a Static-like widget of ``screen`` shows now."""
    import io

    from rich.console import Console
    from textual.content import Content

    widget = screen.query_one(selector)
    shown = getattr(widget, "content", None)
    if shown is None or isinstance(shown, str | Content):
        return str(widget.render())
    buffer = io.StringIO()
    console = Console(width=200, file=buffer, color_system=None)
    console.print(shown)
    return buffer.getvalue()


async def open_action(pilot: Any, action_id: str, values: dict[str, Any] | None = None) -> None:
    """Open an action the way the command palette does, and let the form build."""
    pilot.app.open_action(action_id, values)
    await settle(pilot)


# -- scenarios: the views of the snapshot tests and of scripts/screenshots.py ------------


async def quiet(pilot: Any) -> None:
    """Settle and drop the notifications (their timeouts would make pictures differ)."""
    await settle(pilot)
    pilot.app.clear_notifications()
    # A blinking cursor would be drawn or not depending on the moment of the picture.
    from textual.widgets import Input, TextArea

    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await pilot.pause()


async def main_screen(pilot: Any) -> None:
    """The explorer as it opens, with the App resource expanded."""
    await settle(pilot)
    await pilot.press("down", "down", "down", "down", "down", "down", "right")
    await settle(pilot)
    await quiet(pilot)


async def app_create_docs(pilot: Any) -> None:
    """The docs of App Create, from the tree's cursor."""
    await settle(pilot)
    await pilot.press("slash", *"app create", "enter")
    await settle(pilot)
    await quiet(pilot)


async def app_create_form(pilot: Any) -> None:
    """App Create opened in the form, filled from the examples."""
    await app_create_docs(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("ctrl+e")
    await settle(pilot)
    await quiet(pilot)


async def form_with_errors(pilot: Any) -> None:
    """App Create with a bad region: the error sits under the field, nothing was sent."""
    from heroku_explorer.tui.widgets.param_form import ParamForm

    await open_action(pilot, "app.create")
    form = pilot.app.screen.query_one(ParamForm)
    form.rows["name"].set_value("snapshot-app")
    form.rows["region"].set_value('{"id": "not-a-uuid"}')
    await pilot.press("ctrl+j")
    await settle(pilot)
    await quiet(pilot)


async def app_list_sent(pilot: Any) -> None:
    """App List sent: status, key headers and the body."""
    await settle(pilot)
    await pilot.press("slash", *"app list", "enter", "enter")
    await settle(pilot)
    await pilot.press("ctrl+j")
    await settle(pilot)
    await pilot.press("ctrl+g")
    await settle(pilot)
    await quiet(pilot)


async def response_with_headers(pilot: Any) -> None:
    """App List sent, with the full header table."""
    from textual.widgets import TabbedContent

    await app_list_sent(pilot)
    pilot.app.screen.query_one("#response-tabs", TabbedContent).active = "tab-headers"
    await settle(pilot)
    await quiet(pilot)


async def history_screen(pilot: Any) -> None:
    """A list, a revalidation (304), a 404 and a create, in the history."""
    from heroku_explorer.tui.widgets.param_form import ParamForm

    await app_list_sent(pilot)
    await pilot.press("ctrl+r")
    await settle(pilot)
    await open_action(pilot, "app.info", {"app_id_or_name": "no-such-app"})
    await pilot.press("ctrl+j")
    await settle(pilot)
    await open_action(pilot, "app.create")
    pilot.app.screen.query_one(ParamForm).rows["name"].set_value("history-app")
    await pilot.press("ctrl+j")
    await settle(pilot)
    await pilot.press("f3")
    await settle(pilot)
    await quiet(pilot)


async def overview_screen(pilot: Any) -> None:
    """The schema's own docs."""
    await settle(pilot)
    await pilot.press("f2")
    await settle(pilot)
    await quiet(pilot)


async def headers_note(pilot: Any) -> None:
    """App List with If-Match and a Range set in the Headers tab: the Params tab names them."""
    from textual.widgets import Input, Switch, TabbedContent

    await open_action(pilot, "app.list")
    screen = pilot.app.screen
    screen.query_one("#range-max", Input).value = "2"
    screen.query_one("#use-if-match", Switch).value = True
    screen.query_one("#if-match", Input).value = '"0123abcd"'
    await settle(pilot)
    screen.query_one("#request-tabs", TabbedContent).active = "tab-params"
    await quiet(pilot)


async def live_confirmation(pilot: Any) -> None:
    """On the live API, removing a config var asks to type the app's name first."""
    from heroku_explorer.tui.screens.confirm import ConfirmScreen

    await open_action(pilot, "config-var.update",
                      {"app_id_or_name": "misty-coast-46941", "(body)": {"OLD_KEY": None}})
    await pilot.press("ctrl+j")
    for _ in range(100):  # the send waits on the confirmation: no settle here
        await pilot.pause(0.02)
        if isinstance(pilot.app.screen, ConfirmScreen):
            break
    pilot.app.clear_notifications()
    from textual.widgets import Input

    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()
