"""Flows people try in the REPL, each working the first time: warnings without
``-v``, raw paths with ``{placeholders}``, quoted completions, pastes and ``\\``
continuations, bodies that are not JSON, the delete synonyms, numbered history
(show, send, export), seen values scoped to their parent, HTTPie-style items,
session headers, ``--dry-run``, ``again``, ``source``, the ETag options and the
small things (docs in JSON words, the caret under wide characters, wrapped
overview, the toolbar's mode).

Against the in-process sandbox (``http://sandbox.test`` is SANDBOX); LIVE mode is
given to the session where the policy differs.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from heroku_explorer.client.auth import Credentials
from heroku_explorer.client.client import HerokuClient
from heroku_explorer.policy import Destruction
from heroku_explorer.repl.app import ReplRuntime, run_repl
from heroku_explorer.repl.commands import Parser
from heroku_explorer.repl.completer import ReplCompleter
from heroku_explorer.repl.docs import action_doc, markdown_text
from heroku_explorer.repl.lines import logical_lines
from heroku_explorer.repl.prompts import toolbar as _toolbar
from heroku_explorer.repl.render import Console, cells, error_text
from heroku_explorer.repl.session import Session
from heroku_explorer.repl.tokens import ParseError
from heroku_explorer.sandbox import SANDBOX_TOKEN, create_app
from heroku_explorer.schema import ApiSpec, load_bundled

BASE = "http://sandbox.test"


@pytest.fixture(scope="module")
def spec() -> ApiSpec:
    return load_bundled()


@pytest.fixture
async def client(spec: ApiSpec) -> AsyncIterator[HerokuClient]:
    transport = httpx.ASGITransport(app=create_app(spec))
    async with HerokuClient(BASE, Credentials(SANDBOX_TOKEN), transport=transport) as opened:
        yield opened


def make(spec: ApiSpec, client: HerokuClient, **kwargs: object
         ) -> tuple[Session, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    return Session(spec, client, Console(out, err), **kwargs), out, err  # type: ignore[arg-type]


def offered(completer: ReplCompleter, text: str) -> list[str]:
    return [c.text for c in completer.get_completions(Document(text), CompleteEvent())]


async def first_app(session: Session) -> str:
    assert await session.run_line("app list")
    assert session.last is not None
    return str(session.last.data[0]["name"])


# -- warnings, raw paths, completion -----------------------------------------------


async def test_warnings_shown_without_verbose(spec: ApiSpec, client: HerokuClient) -> None:
    session, _out, err = make(spec, client, always_status=False)
    assert await session.run_line("app create name=old-stack stack=heroku-20")
    assert "warning: stack_deprecated: This stack is deprecated." in err.getvalue()
    assert "201" not in err.getvalue()  # no -v: the status line stays away, the warning not


async def test_raw_path_placeholders_filled_or_refused(spec: ApiSpec,
                                                      client: HerokuClient) -> None:
    session, _out, err = make(spec, client)
    name = await first_app(session)
    assert await session.run_line(f"GET /apps/{{app_id_or_name}} app={name}")
    assert session.last is not None and session.last.url == f"{BASE}/apps/{name}"
    assert await session.run_line(f"GET /apps/{{app_id_or_name}} app_id_or_name={name}")
    assert session.last.url == f"{BASE}/apps/{name}"
    before = session.last
    assert not await session.run_line("GET /apps/{app_id_or_name}/dynos")
    assert session.last is before  # nothing sent
    assert "{app_id_or_name}" in err.getvalue() and "app_id_or_name=..." in err.getvalue()
    assert await session.run_line(f"set app={name}")
    assert await session.run_line("GET /apps/{app_id_or_name}/dynos")
    assert session.last.url == f"{BASE}/apps/{name}/dynos"


async def test_a_placeholder_value_never_climbs_out_of_its_segment(
        spec: ApiSpec, client: HerokuClient) -> None:
    session, _out, err = make(spec, client)
    name = await first_app(session)
    before = session.last
    for bad in ("..", ".", "''"):
        assert not await session.run_line(f"DELETE /apps/{{app_id_or_name}} app={bad}")
        assert session.last is before  # nothing sent
    assert "cannot be '..'" in err.getvalue() and "required" in err.getvalue()
    await session.run_line(f"GET /apps/{{app_id_or_name}}/dynos app={name}/x")  # a 404
    assert session.last is not None and session.last is not before
    assert session.last.url == f"{BASE}/apps/{name}%2Fx/dynos"  # one segment, encoded


def test_completed_header_and_range_values_are_quoted(spec: ApiSpec) -> None:
    completer = ReplCompleter(spec)
    parser = Parser(spec)
    for line in ("app list -H ", "app list --range "):
        choices = offered(completer, line)
        assert choices
        for choice in choices:
            if " " in choice:
                assert choice.startswith("'") and choice.endswith("'")
                parser.parse(line + choice)  # Enter works: the line parses


async def test_seen_values_scoped_to_their_parent_and_deleted_forgotten(
        spec: ApiSpec, client: HerokuClient) -> None:
    session, _out, _err = make(spec, client)
    assert await session.run_line("app list")
    assert session.last is not None
    one, two = (a["name"] for a in session.last.data[:2])
    assert await session.run_line(f"dyno list app={one}")
    ids_one = {d["id"] for d in session.last.data}
    assert await session.run_line(f"dyno list app={two}")
    ids_two = {d["id"] for d in session.last.data}
    # The schema's own example ids are offered everywhere (and the sandbox seeds its
    # first dyno with one): only the ids seen under an app are scoped to it.
    dyno = spec.resource("dyno")
    assert dyno is not None
    examples = {a.example for a in dyno.identity if a.has_example}
    ids_one, ids_two = ids_one - examples, ids_two - examples
    completer = ReplCompleter(spec, session, session.parser)
    for_one = set(offered(completer, f"dyno info app={one} dyno="))
    assert ids_one <= for_one and not ids_two & for_one
    for_two = set(offered(completer, f"dyno info {two} "))  # positional app, then dyno=
    assert not ids_one & set(offered(completer, f"dyno info {two} dyno="))
    assert "dyno=" in for_two or any(t.startswith("dyno") for t in for_two)
    # A deleted app is offered no more, nor what was listed under it.
    assert one in session.seen("app")
    assert await session.run_line(f"app delete app={one}")
    assert one not in session.seen("app")
    assert not ids_one & set(session.seen("dyno"))


# -- lines --------------------------------------------------------------------------


def test_logical_lines_join_continuations() -> None:
    text = "app info \\\n  app=demo\n\nregion list\nGET /apps \\\\\n"
    assert list(logical_lines([text])) == ["app info app=demo", "region list",
                                           "GET /apps \\\\"]
    assert list(logical_lines(["app \\", "list"])) == ["app list"]


async def _piped(spec: ApiSpec, client: HerokuClient, text: str, tmp_path: Path) -> str:
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(text)
        code = await asyncio.wait_for(
            run_repl(spec, client, history_path=tmp_path / "h", input=pipe,
                     output=DummyOutput(), stdout=out), timeout=30)
    assert code == 0
    return out.getvalue()


async def test_paste_runs_line_by_line(spec: ApiSpec, client: HerokuClient,
                                       tmp_path: Path) -> None:
    paste = "\x1b[200~region list\napp list\x1b[201~\r"
    text = await _piped(spec, client, paste + "exit\r", tmp_path)
    assert '"name": "eu"' in text and '"git_url"' in text
    assert "error" not in text


async def test_backslash_continues_at_the_prompt(spec: ApiSpec, client: HerokuClient,
                                                 tmp_path: Path) -> None:
    text = await _piped(spec, client, "region \\\r list\rexit\r", tmp_path)
    assert '"name": "eu"' in text and "error" not in text


async def test_source_runs_a_file(spec: ApiSpec, client: HerokuClient, tmp_path: Path) -> None:
    script = tmp_path / "requests.txt"
    script.write_text("app create \\\n  name=from-file\n# a comment\napp info from-file\n")
    session, out, _err = make(spec, client)
    assert await session.run_line(f"source {script}")
    assert session.last is not None and session.last.data["name"] == "from-file"
    assert not await session.run_line(f"source {tmp_path / 'missing.txt'}")
    loop = tmp_path / "loop.txt"
    loop.write_text(f"source {loop}\n")
    assert not await session.run_line(f"source {loop}")
    assert "cannot source itself" in session.console.err.getvalue()  # type: ignore[attr-defined]
    assert out.getvalue()


# -- bodies that are not JSON --------------------------------------------------------


async def test_malformed_json_shown_literally() -> None:
    spec = load_bundled()
    body = b'{"name": "exam\x1b[31mple'

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    async with HerokuClient(BASE, Credentials(SANDBOX_TOKEN),
                            transport=httpx.MockTransport(answer)) as client:
        session, out, _err = make(spec, client)
        assert await session.run_line("GET /apps")
        shown = out.getvalue()
        assert '{"name": "exam' in shown and "\\x1b[31mple" in shown and "\x1b" not in shown
        assert "not valid JSON" in shown


# -- delete synonyms, history --------------------------------------------------------


@pytest.mark.parametrize("word", ["delete", "rm", "remove", "destroy"])
async def test_delete_synonyms_ask_like_delete(spec: ApiSpec, client: HerokuClient,
                                               word: str) -> None:
    session, _out, err = make(spec, client, mode="LIVE")
    name = await first_app(session)
    asked: list[Destruction] = []

    async def refuse(d: Destruction) -> str | None:
        asked.append(d)
        return "not-it"

    session.confirm = refuse
    assert not await session.run_line(f"app {word} {name}")
    assert asked and asked[0].target == name and "deletes" in asked[0].what
    assert "nothing was changed" in err.getvalue()
    assert await session.run_line(f"app info {name}")  # still there


async def test_history_numbered_show_send_export(spec: ApiSpec, client: HerokuClient,
                                                 tmp_path: Path) -> None:
    session, out, err = make(spec, client)
    assert await session.run_line("app create name=hist-app")
    assert await session.run_line("region list")
    out.truncate(0)
    out.seek(0)
    assert await session.run_line("history")
    rows = out.getvalue().splitlines()
    assert any(r.split()[:4] == ["#1", "SANDBOX", "sandbox.test", "POST"] for r in rows)
    assert any(r.split()[:2] == ["#2", "SANDBOX"] and "/regions" in r for r in rows)
    out.truncate(0)
    out.seek(0)
    assert await session.run_line("history show 1")
    assert "201 Created" in out.getvalue() and '"name": "hist-app"' in out.getvalue()
    assert await session.run_line("history export 1 curl")
    assert "curl -X POST http://sandbox.test/apps" in out.getvalue()
    assert SANDBOX_TOKEN not in out.getvalue()
    assert await session.run_line("history export 2 python")
    assert "httpx" in out.getvalue() or "requests" in out.getvalue()
    assert await session.run_line("history send 2")
    assert session.last is not None and session.last.url == f"{BASE}/regions"
    assert not await session.run_line("history show 99")
    assert "no request #99" in err.getvalue()
    with pytest.raises(ParseError):
        session.parser.parse("history export 1 wget")


async def test_history_send_stays_on_its_host(spec: ApiSpec, client: HerokuClient) -> None:
    session, _out, err = make(spec, client)
    assert await session.run_line("region list")
    transport = httpx.ASGITransport(app=create_app(spec))
    async with HerokuClient("http://other.test", Credentials(SANDBOX_TOKEN),
                            transport=transport) as other:
        moved = Session(spec, other, session.console)
        moved._recent = list(session.recent)
        assert not await moved.run_line("history send 1")
        assert moved.last is None
    assert "went to sandbox.test" in err.getvalue() and "history export 1 curl" in err.getvalue()


async def test_history_send_stays_on_its_scheme_and_port(spec: ApiSpec,
                                                         client: HerokuClient) -> None:
    session, _out, err = make(spec, client)
    assert await session.run_line("region list")
    for base in ("http://sandbox.test:8080", "https://sandbox.test"):
        transport = httpx.ASGITransport(app=create_app(spec))
        async with HerokuClient(base, Credentials(SANDBOX_TOKEN),
                                transport=transport) as other:
            moved = Session(spec, other, session.console)
            moved._recent = list(session.recent)
            assert not await moved.run_line("history send 1")
            assert moved.last is None
    assert err.getvalue().count("only to the host it went to") == 2


async def test_resending_a_post_asks_on_the_live_api(spec: ApiSpec,
                                                     client: HerokuClient) -> None:
    session, _out, err = make(spec, client, mode="LIVE")
    assert await session.run_line("app create name=twice")
    asked: list[Destruction] = []

    async def answer(d: Destruction) -> str | None:
        asked.append(d)
        return None

    session.confirm = answer
    first = session.last
    assert not await session.run_line("again")
    assert session.last is first and asked and asked[0].target == "POST"
    assert not await session.run_line("history send 1")
    assert len(asked) == 2
    assert await session.run_line("region list")
    assert await session.run_line("again")  # a GET is sent again without asking
    assert len(asked) == 2 and "was not typed" in err.getvalue()


# -- HTTPie-style items, session headers, dry run, ETags -----------------------------


async def test_httpie_items(spec: ApiSpec, client: HerokuClient, tmp_path: Path) -> None:
    session, _out, _err = make(spec, client)
    name_file = tmp_path / "name.txt"
    name_file.write_text("from-a-file")
    assert await session.run_line(f"app create name=@{name_file} X-Trace:abc")
    last = session.last
    assert last is not None and last.status == 201 and last.data["name"] == "from-a-file"
    assert last.request_header("X-Trace") == "abc"
    flag_file = tmp_path / "flag.json"
    flag_file.write_text("true\n")
    assert await session.run_line(f"app update from-a-file maintenance:=@{flag_file}")
    assert session.last is not None and session.last.data["maintenance"] is True
    assert json.loads(session.last.request_body or b"{}") == {"maintenance": True}
    flag_file.write_text("{nope")
    assert not await session.run_line(f"app update from-a-file maintenance:=@{flag_file}")
    assert await session.run_line("app list order==name")
    assert session.last.url.endswith("/apps?order=name")
    assert not await session.run_line(f"app create name=@{tmp_path / 'nope.txt'}")


async def test_whole_body_inline(spec: ApiSpec, client: HerokuClient) -> None:
    session, _out, _err = make(spec, client)
    assert await session.run_line("""app create --body '{"name": "whole-body", "region": "eu"}'""")
    assert session.last is not None and session.last.data["name"] == "whole-body"
    assert session.last.data["region"]["name"] == "eu"
    assert await session.run_line("""app update whole-body --body '{"maintenance": true}'""")
    assert session.last.data["maintenance"] is True
    with pytest.raises(ParseError):
        session.parser.parse("app create --body '{nope'")


async def test_session_headers(spec: ApiSpec, client: HerokuClient) -> None:
    session, out, _err = make(spec, client)
    assert await session.run_line("set -H 'X-Trace: 7'")
    assert "X-Trace: 7" in out.getvalue()
    assert await session.run_line("region list")
    assert session.last is not None and session.last.request_header("X-Trace") == "7"
    assert await session.run_line("region list -H 'X-Trace: 8'")  # the line's wins
    assert session.last.request_header("X-Trace") == "8"
    assert await session.run_line("unset -H X-Trace")
    assert await session.run_line("region list")
    assert session.last.request_header("X-Trace") is None
    assert not await session.run_line("unset -H X-Trace")


async def test_dry_run_sends_nothing(spec: ApiSpec, client: HerokuClient) -> None:
    session, out, _err = make(spec, client)
    assert await session.run_line("app create name=dry --dry-run")
    shown = out.getvalue()
    assert session.last is None
    assert "dry run: nothing was sent" in shown and "POST http://sandbox.test/apps" in shown
    assert "curl -X POST http://sandbox.test/apps" in shown and SANDBOX_TOKEN not in shown
    assert not await session.run_line("app info dry")  # it was never created


async def test_etag_options_with_values(spec: ApiSpec, client: HerokuClient) -> None:
    session, _out, _err = make(spec, client)
    name = await first_app(session)
    assert await session.run_line(f"app info {name} --if-none-match '\"nope\"'")
    assert session.last is not None and session.last.request_header("If-None-Match") == '"nope"'
    assert await session.run_line(f"app info {name}")
    etag = session.last.etag
    assert etag
    assert await session.run_line(f"app info {name} --if-none-match '{etag}'")
    assert session.last.status == 304
    assert not await session.run_line(f"app update {name} maintenance:=true --if-match '\"x\"'")
    assert session.last.status == 412
    with pytest.raises(ParseError) as raised:
        session.parser.parse("app list --if-none-match")
    assert "did you mean" not in str(raised.value) and "needs a value" in str(raised.value)


def test_double_dash_ends_options(spec: ApiSpec) -> None:
    parsed = Parser(spec).parse("app info -v -- -odd-name")
    assert parsed.values[0].text == "-odd-name"  # type: ignore[union-attr]


# -- small things --------------------------------------------------------------------


def test_docs_use_json_words(spec: ApiSpec) -> None:
    text = action_doc(next(a for a in spec.actions() if a.id == "app.update"))
    assert "e.g. false" in text or "e.g. true" in text
    for action in spec.actions():
        doc = action_doc(action)
        assert "e.g. False" not in doc and "e.g. True" not in doc and "e.g. None" not in doc


def test_caret_counts_terminal_cells(spec: ApiSpec) -> None:
    line = "app info 名前 --bogus"
    with pytest.raises(ParseError) as raised:
        Parser(spec).parse(line)
    caret = error_text(raised.value, line=line).splitlines()[-1]
    assert caret.index("^") == cells("app info 名前 ") == 14


def test_overview_wrapped_at_words_without_markdown() -> None:
    md = ("## Heading\n\nSome **bold** text and `code` and a [link](https://x.test/a) in a "
          "paragraph long enough to wrap at forty cells.\n\n- an item\n")
    text = markdown_text(md, width=40)
    assert "**" not in text and "`" not in text and "](" not in text and "##" not in text
    assert "link (https://x.test/a)" in " ".join(text.split())
    lines = text.splitlines()
    assert all(len(line) <= 40 for line in lines)
    words = set(" ".join(lines).split())
    assert {"paragraph", "wrap", "forty"} <= words  # no word cut in two


async def test_toolbar_says_the_mode(spec: ApiSpec, client: HerokuClient) -> None:
    async with contextlib.AsyncExitStack() as stack:
        engine = ReplRuntime(spec, client, stack, io.StringIO(), None, interactive=False)
        await engine.ready()
        bar = _toolbar(engine)
        assert "SANDBOX" in bar and "sandbox.test" not in bar
        engine.session._mode = "LIVE"  # type: ignore[union-attr]
        assert "LIVE sandbox.test" in _toolbar(engine)


async def test_history_filters_by_mode_and_completes(spec: ApiSpec,
                                                     client: HerokuClient) -> None:
    session, out, _err = make(spec, client)
    assert await session.run_line("region list")
    assert await session.run_line("history sandbox")
    assert "#1" in out.getvalue()
    out.truncate(0)
    out.seek(0)
    assert await session.run_line("history live")
    assert "#1" not in out.getvalue() and "no matching" in out.getvalue()
    completer = ReplCompleter(spec, session, session.parser)
    assert {"show", "send", "export"} <= set(offered(completer, "history "))
    assert offered(completer, "history export 1 ") == ["curl", "httpie", "python"]


async def test_raw_items_query_header_and_all(spec: ApiSpec, client: HerokuClient) -> None:
    session, out, _err = make(spec, client)
    assert await session.run_line("GET /apps order==name X-Trace:raw")
    last = session.last
    assert last is not None and last.url.endswith("/apps?order=name")
    assert last.request_header("X-Trace") == "raw"
    out.truncate(0)
    out.seek(0)
    assert await session.run_line("app list --range 'name ..; max=1' --all --max-pages 2")
    printed = out.getvalue()
    assert len(json.loads(printed)) == 2
    assert "stopped after 2 page(s)" in session.console.err.getvalue()  # type: ignore[attr-defined]


def test_raw_path_placeholders_are_offered(spec: ApiSpec) -> None:
    completer = ReplCompleter(spec)
    choices = offered(completer, "GET /apps/{app_id_or_name}/dynos/{dyno_id_or_name} ")
    assert choices[:2] == ["app_id_or_name=", "dyno_id_or_name="]
    given = offered(completer, "GET /apps/{app_id_or_name}/dynos/{dyno_id_or_name} "
                               "app_id_or_name=x ")
    assert given == ["dyno_id_or_name="]
