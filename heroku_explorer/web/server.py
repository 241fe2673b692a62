"""The explorer served to a browser: textual-serve's server behind a per-launch secret.

textual-serve runs a command per websocket and streams its terminal to xterm.js; it
has no authentication. Here every HTTP and websocket request must start its path with
the secret (compared in constant time), else it gets 403 and no process is started;
a websocket must also come from the page's own origin. The page is this package's own
(no font or script from another host), each visit's explorer is started without a
shell and with the environment chosen in :mod:`heroku_explorer.web.launch`, and it is
ended when its tab closes (asked to quit, then killed if it does not).

Needs the ``web`` extra (textual-serve, which brings aiohttp).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import shlex
import signal
import string
import sys
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from heroku_explorer.web.launch import secret_matches, url_host

__all__ = ["MAX_SESSIONS", "QUIT_GRACE", "ExplorerServer"]

log = logging.getLogger("heroku_explorer.web")

HERE = Path(__file__).resolve().parent
#: How many explorers may run at once (one per open tab).
MAX_SESSIONS = 8
#: Seconds an explorer has to quit after its tab closes before it is killed.
QUIT_GRACE = 5.0

FORBIDDEN = ("Forbidden: this page needs the whole link that `heroku-explorer web` printed, "
             "secret included.\n")

_SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "font-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
}


def _serve_static() -> Path:
    """textual-serve's own assets: textual.js (xterm.js), its CSS, the Roboto Mono font."""
    import textual_serve

    return Path(textual_serve.__file__).resolve().parent / "static"


class Session(AppService):
    """One tab's explorer: started without a shell, with a chosen environment."""

    def __init__(self, argv: list[str], environment: dict[str, str], *,
                 quit_grace: float = QUIT_GRACE, **kwargs: Any) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self._argv = argv
        self._environment = environment
        self.quit_grace = quit_grace

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = dict(self._environment)
        env.update({
            "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
            "TEXTUAL_FPS": "60",
            "TEXTUAL_COLOR_SYSTEM": "truecolor",
            "TERM_PROGRAM": "textual",
            "TERM_PROGRAM_VERSION": version("textual-serve"),
            "COLUMNS": str(width),
            "ROWS": str(height),
        })
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        self._process = process = await asyncio.create_subprocess_exec(
            *self._argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width, height),
            start_new_session=True,  # Ctrl+C at the server is the server's to handle
        )
        assert process.stdin is not None and process.stderr is not None
        self._stdin = process.stdin
        # What the explorer says on stderr (one sentence when it stops on an error)
        # reaches the server's terminal shown literally, not as textual-serve copies it.
        self._stderr_task = asyncio.create_task(_relay(process.stderr))
        quiet = asyncio.StreamReader()
        quiet.feed_eof()
        process.stderr = quiet
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def stop(self) -> None:
        """Ask the explorer to quit; kill it if it has not within ``quit_grace`` seconds."""
        with contextlib.suppress(TimeoutError, OSError, RuntimeError):
            await asyncio.wait_for(super().stop(), self.quit_grace)
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        if process is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(process.wait(), self.quit_grace)


class ExplorerServer(Server):
    """textual-serve's server, every route behind ``/<secret>/``."""

    def __init__(self, argv: list[str], environment: dict[str, str], *, host: str,
                 port: int, secret: str, live: bool, max_sessions: int = MAX_SESSIONS,
                 quit_grace: float = QUIT_GRACE) -> None:
        super().__init__(shlex.join(argv), host=host, port=port, title="heroku-explorer")
        self.argv = argv
        self.environment = environment
        self.secret = secret
        self.live = live
        self.sessions: set[Session] = set()
        self.max_sessions = max_sessions
        self.quit_grace = quit_grace
        self.bound_port: int | None = None
        self._template = string.Template((HERE / "templates" / "index.html").read_text("utf-8"))

    @property
    def url(self) -> str:
        """The page's address, secret included (valid once the server is bound)."""
        return f"http://{url_host(self.host)}:{self.bound_port}/{self.secret}/"

    @web.middleware
    async def _guard(self, request: web.Request,
                     handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
                     ) -> web.StreamResponse:
        parts = request.path.split("/", 2)
        supplied = parts[1] if len(parts) > 1 else ""
        if not secret_matches(supplied, self.secret):
            return web.Response(status=403, text=FORBIDDEN)
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            response = web.Response(status=exc.status, text=f"{exc.reason}\n")
        if not response.prepared:
            response.headers.update(_SECURITY_HEADERS)
        return response

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        prefix = f"/{self.secret}"
        app.add_routes([
            web.get(prefix + "/", self._index),
            web.get(prefix + "/ws", self._websocket),
            web.get(prefix + "/download/{key}", self.handle_download),
            web.static(prefix + "/static", _serve_static()),
            web.static(prefix + "/assets", HERE / "static"),
        ])
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def _index(self, request: web.Request) -> web.Response:
        title = "heroku-explorer — LIVE" if self.live else "heroku-explorer"
        mode = "LIVE API: requests change your real apps" if self.live else "sandbox"
        page = self._template.substitute(
            title=html.escape(title),
            mode=html.escape(mode),
            mode_class="live" if self.live else "sandbox",
            websocket_url=html.escape(f"ws://{request.host}/{self.secret}/ws"),
            font_size=str(_font_size(request.query.get("fontsize", ""))),
        )
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"http://{request.host}":
            return web.Response(status=403, text=FORBIDDEN)
        if len(self.sessions) >= self.max_sessions:
            return web.Response(status=503, text=f"At most {self.max_sessions} explorers run at "
                                "once: close another tab first.\n")
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _dimension(request.query.get("width", ""), 80)
        height = _dimension(request.query.get("height", ""), 24)
        session = Session(self.argv, self.environment, quit_grace=self.quit_grace,
                          write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                          close=websocket.close, download_manager=self.download_manager)
        self.sessions.add(session)  # counted before the first await: the limit holds
        try:
            await websocket.prepare(request)
            await session.start(width, height)
            await self._process_messages(websocket, session)
        except (asyncio.CancelledError, ConnectionError):
            pass
        except Exception as exc:  # a malformed message from the page: end this session
            log.warning("a browser session ended: %s", type(exc).__name__)
        finally:
            await session.stop()
            self.sessions.discard(session)
            with contextlib.suppress(Exception):
                await websocket.close()
        return websocket

    async def on_shutdown(self, app: web.Application) -> None:
        ending = list(self.sessions)
        await asyncio.gather(*(s.stop() for s in ending), return_exceptions=True)
        self.sessions.difference_update(ending)

    async def run(self, ready: Callable[[str], None],
                  stop: asyncio.Event | None = None) -> None:
        """Serve until ``stop`` is set (by default: until SIGINT or SIGTERM);
        ``ready(url)`` once bound."""
        runner = web.AppRunner(await self._make_app(), access_log=None,
                               handle_signals=False, shutdown_timeout=self.quit_grace)
        await runner.setup()
        if stop is None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.add_signal_handler(signum, stop.set)
        try:
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
            self.bound_port = int(runner.addresses[0][1])
            self.public_url = f"http://{url_host(self.host)}:{self.bound_port}"
            ready(self.url)
            await stop.wait()
        finally:
            await runner.cleanup()


async def _relay(stream: asyncio.StreamReader) -> None:
    """Each line of a tab's stderr to the server's stderr, control characters escaped."""
    from heroku_explorer.safe_text import visible

    with contextlib.suppress(Exception):
        while line := await stream.readline():
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            print(f"heroku-explorer (a browser tab): {visible(text, single_line=True)}",
                  file=sys.stderr, flush=True)


def _font_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        return 16
    return value if 6 <= value <= 48 else 16


def _dimension(text: str, default: int) -> int:
    try:
        value = int(text)
    except ValueError:
        return default
    return value if 2 <= value <= 1000 else default

