"""Today's API on versions and warnings: 400 ``missing_version`` for an Accept that
names no version, ``Warning-Id`` / ``Warning-Message`` beside ``X-Heroku-Warning``,
read by the client as one warning per pair and shown inert by the REPL."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from heroku_explorer import protocol
from heroku_explorer.client.auth import Credentials
from heroku_explorer.client.client import HerokuClient
from heroku_explorer.client.headers import read_warnings
from heroku_explorer.repl.render import Console
from heroku_explorer.repl.session import Session
from heroku_explorer.sandbox import SANDBOX_TOKEN, create_app
from heroku_explorer.schema import ApiSpec

OSC52 = "\x1b]52;c;aGk=\x07"
AUTH = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}



def _raw(spec: ApiSpec) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(spec)),
                             base_url="http://sandbox.test")


@pytest.mark.parametrize("accept", [None, "", "application/json", "*/*",
                                    "application/vnd.heroku+json",
                                    "application/vnd.heroku+json; charset=utf-8"])
async def test_an_accept_without_a_version_is_missing_version(spec: ApiSpec,
                                                              accept: str | None) -> None:
    headers = dict(AUTH)
    if accept is not None:
        headers["Accept"] = accept
    async with _raw(spec) as raw:
        for path in ("/apps", "/schema"):
            resp = await raw.get(path, headers=headers)
            body = resp.json()
            assert resp.status_code == 400, (path, accept)
            assert body["id"] == "missing_version"
            assert "Please specify a version" in body["message"]
            assert "version=3" in body["message"]


async def test_a_version_not_served_is_406_and_a_served_one_answers(spec: ApiSpec) -> None:
    async with _raw(spec) as raw:
        for accept in ("application/vnd.heroku+json; version=2",
                       "application/json; version=3", "application/vnd.heroku+json; version="):
            resp = await raw.get("/apps", headers={**AUTH, "Accept": accept})
            assert (resp.status_code, resp.json()["id"]) == (406, "not_acceptable"), accept
        ok = await raw.get("/apps", headers={**AUTH, "Accept": protocol.accept_header("3")})
        assert ok.status_code == 200


def test_accept_names_version() -> None:
    assert protocol.accept_names_version("application/vnd.heroku+json; version=3")
    assert protocol.accept_names_version("text/html, application/x; VERSION = 9")
    assert not protocol.accept_names_version(None)
    assert not protocol.accept_names_version("application/vnd.heroku+json; versions=3")
    assert not protocol.accept_names_version("application/vnd.heroku+json, version=3")


def test_one_warning_per_pair() -> None:
    pairs = (("Warning-Id", "stack_deprecated"), ("Warning-Message", "This stack is old."),
             ("X-Heroku-Warning", "This stack is old."),
             ("Warning", '299 - "stack_deprecated: This stack is old."'))
    assert read_warnings(pairs) == ("stack_deprecated: This stack is old.",)
    two = (("warning-id", "a_b"), ("warning-message", "First."),
           ("WARNING-ID", "c"), ("Warning-Message", "Second."), ("X-Heroku-Warning", "Other."))
    assert read_warnings(two) == ("a_b: First.", "c: Second.", "Other.")
    assert read_warnings((("Warning-Message", "No id."),)) == ("No id.",)
    assert read_warnings((("Warning-Id", "only_id"),)) == ("only_id",)
    legacy = (("Warning", '299 - "deprecated"'), ("X-Heroku-Warning", "hey"))
    assert read_warnings(legacy) == ('299 - "deprecated"', "hey")
    assert read_warnings((("Content-Type", "x"),)) == ()


async def test_the_sandboxs_stack_warning_is_one_warning(spec: ApiSpec) -> None:
    transport = httpx.ASGITransport(app=create_app(spec))
    async with HerokuClient("http://sandbox.test", Credentials(SANDBOX_TOKEN),
                            transport=transport) as client:
        session = Session(spec, client, Console(out := io.StringIO(), out, color=False))
        assert await session.run_line("app list")
        assert session.last is not None and isinstance(session.last.data, list)
        old = next(a for a in session.last.data if a["stack"] == "heroku-20")
        assert session.last.warnings == ("stack_deprecated: This stack is deprecated.",)
        assert out.getvalue().count("warning: stack_deprecated: This stack is deprecated.") == 1
        assert await session.run_line(f"app info {old['name']}")
        assert session.last.warnings == ("stack_deprecated: This stack is deprecated.",)


class _Warns(BaseHTTPRequestHandler):
    """Stands for api.heroku.com on loopback: every answer carries hostile warnings."""

    def do_GET(self) -> None:
        body = b"[]"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Request-Id", "r-1")
        self.send_header("Warning-Id", "odd_one")
        self.send_header("Warning-Message", f"Read {OSC52} this \x9b2Jevil")
        self.send_header("X-Heroku-Warning", f"Read {OSC52} this \x9b2Jevil")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def warner() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Warns)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def test_hostile_warnings_over_loopback_are_shown_inert(spec: ApiSpec,
                                                              warner: str) -> None:
    async with HerokuClient(warner, Credentials("tok-abc-123")) as client:
        out = io.StringIO()
        session = Session(spec, client, Console(out, out, color=False))
        assert await session.run_line("region list")
    assert session.last is not None and len(session.last.warnings) == 1
    assert OSC52 in session.last.warnings[0]  # kept as received
    text = out.getvalue()
    assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text
    assert "warning: odd_one: Read " in text and text.count("warning:") == 1
