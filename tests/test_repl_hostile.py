"""Hostile text in the REPL and in ``call``: whatever a server or a schema says
reaches the terminal inert.

A server (an in-process mock) answers with control characters everywhere it can:
the reason phrase, header names and values (a ``Request-Id`` carrying an OSC 52
clipboard write), JSON strings (ESC, C1, bidi overrides, line separators), text
bodies and error messages. A schema carries them in its titles, descriptions,
examples and overview. Printed for a person, none of them survives raw; piped out
of ``call``, the body is exactly what was received.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from heroku_explorer.client.auth import Credentials
from heroku_explorer.client.client import HerokuClient
from heroku_explorer.repl.app import ReplRuntime
from heroku_explorer.repl.call import EXIT_HTTP_ERROR, EXIT_OK, run_call
from heroku_explorer.repl.completer import ReplCompleter
from heroku_explorer.repl.prompts import toolbar as _toolbar
from heroku_explorer.repl.render import Console, format_json, json_for_terminal
from heroku_explorer.repl.session import Session
from heroku_explorer.safe_text import has_controls
from heroku_explorer.schema import ApiSpec, load_schema
from tests.conftest import ROOT

OSC52 = "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07"
CSI = "\x1b[2J\x1b[H"
C1 = "\x9b31m"
BIDI = "\u202egnp.exe"
BUNDLED_PATH = ROOT / "heroku_explorer" / "schema" / "bundled" / "resources-2013.json"
HOSTILE = f"a{OSC52}b{CSI}c{C1}d{BIDI}e\u2028f\x7f"
BASE = "http://sandbox.test"
SGR = re.compile(r"\x1b\[[0-9;]*m")


def inert(text: str) -> bool:
    """No character a terminal would act on (newlines and tabs aside)."""
    return not has_controls(text, single_line=False)



def hostile_server(request: httpx.Request) -> httpx.Response:
    headers = [(b"Request-Id", OSC52.encode()), (b"ETag", f'"{CSI}"'.encode()),
               (b"X-Evil", HOSTILE.encode()), (b"RateLimit-Remaining", b"10")]
    path = request.url.path
    reason = f"OK{CSI}".encode("latin-1")
    if path == "/text":
        return httpx.Response(200, headers=[*headers, (b"Content-Type", b"text/plain")],
                              content=HOSTILE.encode(), extensions={"reason_phrase": reason})
    if path == "/error":
        body = {"id": f"bad{OSC52}", "message": f"no{CSI} way{C1}", "url": f"x{BIDI}"}
        return httpx.Response(422, headers=headers, json=body,
                              extensions={"reason_phrase": reason})
    body = {"name": HOSTILE, HOSTILE: [HOSTILE, {"nested": C1 + BIDI}]}
    return httpx.Response(200, headers=headers, content=json.dumps(body).encode(),
                          extensions={"reason_phrase": reason})


def hostile_client() -> HerokuClient:
    return HerokuClient(BASE, Credentials("t-hostile"),
                        transport=httpx.MockTransport(hostile_server))


def expected_body() -> Any:
    return hostile_server(httpx.Request("GET", BASE + "/json")).json()


# -- the REPL ----------------------------------------------------------------------


@pytest.mark.parametrize("color", [False, True])
async def test_server_text_is_inert_in_the_repl(spec: ApiSpec, color: bool) -> None:
    out = io.StringIO()
    async with hostile_client() as client:
        session = Session(spec, client, Console(out, out, color=color))
        assert await session.run_line("GET /json -v")
        for line in ("headers", "status", "body", "GET /text", "GET /error -v",
                     "GET /json --json", "history", "curl"):
            await session.run_line(line)
    text = out.getvalue()
    own = SGR.sub("", text) if color else text
    assert inert(own), [c for c in own if has_controls(c, single_line=False)][:5]
    assert "Request-Id: \\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07" in own
    assert "200 OK\\x1b[2J\\x1b[H" in own
    assert "X-Evil: a\\x1b]52;" in own
    assert "error: 422 bad\\x1b]52;" in own and "no\\x1b[2J\\x1b[H way\\x9b31m" in own
    assert "a\\x1b]52;c;" in own  # the text body


async def test_a_json_body_on_the_terminal_is_still_the_same_json(spec: ApiSpec) -> None:
    out, err = io.StringIO(), io.StringIO()
    async with hostile_client() as client:
        session = Session(spec, client, Console(out, err))
        assert await session.run_line("GET /json -v")
    assert inert(out.getvalue()) and "\\u009b31m" in out.getvalue()
    assert json.loads(out.getvalue()) == expected_body()


def test_json_for_a_terminal_is_the_same_json() -> None:
    data = {"k\u202e": ["\x85", "\x9b", "\x7f", "\u2028", "\u2066x\u2069", "ok é ✓"]}
    text = json.dumps(data, ensure_ascii=False)
    assert not inert(text)  # json.dumps leaves C1, DEL, bidi and separators raw
    safe = json_for_terminal(text)
    assert inert(safe) and json.loads(safe) == data
    assert "ok é ✓" in safe  # nothing else is escaped
    assert inert(format_json(data, color=False))
    assert format_json(data, color=False, terminal=False) == json.dumps(data, indent=2,
                                                                        ensure_ascii=False)


async def test_a_parse_error_with_controls_is_inert_and_the_caret_aligned(
        spec: ApiSpec) -> None:
    out = io.StringIO()
    async with hostile_client() as client:
        session = Session(spec, client, Console(out, out))
        assert not await session.run_line("app\x1b[31m list")
    message, shown, caret = out.getvalue().splitlines()
    assert inert(out.getvalue()) and message.startswith("error: unknown resource or command")
    assert shown == "app\\x1b[31m list"
    assert caret.index("^") == 0 and caret.rstrip() == "^" + "~" * (len("app\\x1b[31m") - 1)


def _hostile_schema() -> ApiSpec:
    doc = json.loads(BUNDLED_PATH.read_text(encoding="utf-8"))
    doc["description"] = f"The API{OSC52} {BIDI}"
    doc["overview"] = {f"Topic{CSI}": [f"overview body {OSC52}\nline two {C1}"],
                       **doc["overview"]}
    app = doc["resources"]["App"]
    app["description"] = f"An app{CSI} is{C1} hostile{BIDI}"
    app["attributes"]["name"]["description"] = f"name{OSC52}"
    app["attributes"]["name"]["example"] = f"example{C1}app"
    return load_schema(json.dumps(doc), origin="hostile.json")


@pytest.mark.parametrize("color", [False, True])
async def test_schema_text_is_inert_in_docs(color: bool) -> None:
    spec = _hostile_schema()
    out = io.StringIO()
    async with hostile_client() as client:
        session = Session(spec, client, Console(out, out, color=color))
        for line in ("doc", "doc app", "doc app create", "doc app update", "example app info",
                     "example app create", "overview", "help app"):
            assert await session.run_line(line), (line, out.getvalue()[-300:])
        topic = next(s.title for s in spec.overview if s.title.startswith("Topic"))
        assert await session.execute(session.parser.parse("overview topic"))
        assert topic
    text = out.getvalue()
    own = SGR.sub("", text) if color else text
    assert inert(own), [c for c in own if has_controls(c, single_line=False)][:5]
    assert "An app\\x1b[2J\\x1b[H is\\x9b31m hostile\\u202egnp.exe" in text
    assert "name\\x1b]52;" in text and "overview body \\x1b]52;" in text
    assert "The API\\x1b]52;" in text


class _State:
    def __init__(self, seen: Sequence[str]) -> None:
        self._seen = list(seen)

    def seen(self, resource_key: str) -> Sequence[str]:
        return self._seen if resource_key == "app" else ()

    @property
    def defaults(self) -> Mapping[str, str]:
        return {}


def test_completions_show_seen_values_and_schema_notes_inert() -> None:
    spec = _hostile_schema()
    completer = ReplCompleter(spec, _State([f"evil{OSC52}app"]))
    shown = []
    for line in ("app info ", "app create ", "app info app="):
        for c in completer.get_completions(Document(line), CompleteEvent()):
            shown += [c.display_text, c.display_meta_text]
    assert any("evil\\x1b]52;" in s for s in shown), shown
    assert any("name\\x1b]52;" in s for s in shown), shown
    assert all(inert(s) for s in shown)
    # What is inserted is the value itself: typing it sends it as the server named it.
    inserted = [c.text for c in completer.get_completions(Document("app info app="),
                                                          CompleteEvent())]
    assert f"evil{OSC52}app" in inserted


async def test_the_toolbar_is_inert(spec: ApiSpec) -> None:
    out = io.StringIO()
    async with hostile_client() as client, contextlib.AsyncExitStack() as stack:
        engine = ReplRuntime(spec, client, stack, out, out, interactive=True)
        session = await engine.ready()
        assert await session.run_line("GET /json")
        bar = _toolbar(engine)
    assert inert(bar) and "last: 200 OK\\x1b[2J" in bar


# -- call ------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


async def test_call_pipes_the_raw_body_and_shows_headers_inert(spec: ApiSpec) -> None:
    out, err = io.StringIO(), io.StringIO()
    async with hostile_client() as client:
        code = await run_call(spec, client, ["GET", "/json", "-v"], stdout=out, stderr=err)
    assert code == EXIT_OK
    assert json.loads(out.getvalue()) == expected_body()
    assert C1 in out.getvalue() and BIDI in out.getvalue()  # piped: as received
    assert inert(err.getvalue())
    assert "Request-Id: \\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07" in err.getvalue()


@pytest.mark.parametrize("words", [["GET", "/json"], ["GET", "/json", "--json"],
                                   ["GET", "/text"], ["GET", "/error", "-v"]])
async def test_call_on_a_terminal_shows_the_body_inert(spec: ApiSpec, words: list[str],
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    out, err = _Terminal(), io.StringIO()
    async with hostile_client() as client:
        code = await run_call(spec, client, words, stdout=out, stderr=err)
    assert code == (EXIT_HTTP_ERROR if "/error" in words else EXIT_OK)
    assert inert(out.getvalue()) and inert(err.getvalue())
    if words[1] == "/json":
        assert json.loads(out.getvalue()) == expected_body()


async def test_call_piped_text_is_the_text_received(spec: ApiSpec) -> None:
    out, err = io.StringIO(), io.StringIO()
    async with hostile_client() as client:
        assert await run_call(spec, client, ["GET", "/text"], stdout=out, stderr=err) == 0
    assert out.getvalue() == HOSTILE + "\n"

