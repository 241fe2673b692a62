"""The token is never shown, stored or sent where it does not belong.

A whole client session (sends, errors, redirects, a large body, the live schema, ETag
revalidation, 2FA, history, every export in every auth style), then a REPL session and a
TUI session (with screenshots), run with a recognisable token and HEROKU_EXPLORER_HOME
(and the temp folder) pointed at a fresh directory. Then every file written there and
everything printed is scanned: the token, and each encoded form of it, appears nowhere;
files that can hold personal data are 0600 in 0700 folders.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from heroku_explorer.client import Credentials, Exchange, HerokuClient, History
from heroku_explorer.client.exports import export
from heroku_explorer.protocol import HeaderName
from heroku_explorer.repl.history import default_history_path
from heroku_explorer.request import RequestSpec, raw_request
from tests.faults import FaultServer, closed_port_url

TOKEN = "tok-SECRET-4f1e9a"
LOGIN = "user@example.com"
CODE = "271828"


def forms(token: str = TOKEN) -> list[bytes]:
    """Every way the token could be written down."""
    basic = base64.b64encode(f"{LOGIN}:{token}".encode())
    bare = base64.b64encode(f":{token}".encode())
    return [token.encode(), basic, bare, token.encode("utf-16-le"),
            json.dumps(token).encode()[1:-1]]


def scan(blob: bytes) -> list[bytes]:
    return [f for f in forms() if f in blob]


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    home = tmp_path / "home"
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(home))
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    monkeypatch.delenv("HEROKU_API_KEY", raising=False)
    yield home, spool


def show(ex: Exchange, *, body: bool = True) -> None:
    """Print what a front end shows of an exchange (``body=False``: not the body or the
    error text, for answers that echo the token back; see the test below)."""
    print(ex.method, ex.url, ex.summary, ex.body_state, ex.size, ex.request_id)
    print(ex.request_headers, ex.headers, ex.warnings)
    if body:
        if ex.error is not None:
            print("error:", ex.error, repr(ex.error))
        print(ex.text()[:2000])
    for fmt in ("curl", "httpie", "python"):
        for auth in ("netrc", "env"):
            print(export(ex, fmt, auth=auth))  # type: ignore[arg-type]


SESSION: list[tuple[RequestSpec, bool]] = [
    (raw_request("GET", "/ok/apps"), True),
    (raw_request("POST", "/ok/apps", {"name": "example", "region": "us"}), True),
    (raw_request("PATCH", "/ok/apps/example", {"maintenance": True}, method_override=True),
     True),
    (raw_request("DELETE", "/ok/apps/example"), True),
    (raw_request("GET", "/echo/account"), False),
    (raw_request("GET", "/echo-error/account"), False),
    (raw_request("GET", "/unauthorized"), True),
    (raw_request("GET", "/html-500"), True),
    (raw_request("GET", "/rate-limit?after=0"), True),
    (raw_request("GET", "/reset"), True),
    (raw_request("GET", "/hang"), True),
    (raw_request("GET", "/redirect"), True),
    (raw_request("GET", "/redirect-same"), True),
    (raw_request("GET", "/invalid-utf8"), True),
    (raw_request("GET", "/big"), True),
    (raw_request("POST", "/two-factor", {"name": "x"}), True),
    (raw_request("POST", "/two-factor", {"name": "x"}, {HeaderName.TWO_FACTOR: CODE}), True),
]


async def _session(faults: FaultServer, creds: Credentials, spool: Path) -> list[Path]:
    """Everything a client writes; returns copies of the large-body files it spooled
    (they go with the client, so they are copied, mode and all, before it closes)."""
    kept = spool.parent / "kept-bodies"
    kept.mkdir(exist_ok=True)
    # (the timeout bounds a whole exchange: 2 s fits the 50 MB body, and the hang)
    async with HerokuClient(faults.url, creds, timeout=2.0, history=History()) as client:
        print(repr(client.credentials), str(client.credentials))
        for spec, body in SESSION:
            print(export(client.prepare(spec), "curl", auth="env"))
            ex = await client.send(spec, retry_on_429=True)
            show(ex, body=body)
        # ETag revalidation and the live schema (here and on another host), cached on disk
        doc = await client.fetch_schema()
        await client.fetch_schema()
        await client.fetch_schema(url=faults.url_for("schema", other=True))
        print(doc.url, doc.source, doc.notice, doc.path)
        first = await client.send(raw_request("GET", "/schema"))
        show(await client.revalidate(first), body=False)
        assert client.history is not None
        for row in client.history.search(limit=1000):
            print(row)
        print("history:", client.history.count(), client.history.disabled_reason)
        for body in spool.rglob("heroku-explorer-body-*"):
            shutil.copy2(body, kept / body.name)
    assert not list(spool.rglob("heroku-explorer-*")), "large bodies outlived the client"
    async with HerokuClient(closed_port_url(), creds, timeout=0.5, history=History()) as client:
        show(await client.send(raw_request("GET", "/apps")))
    return sorted(kept.iterdir())


@pytest.mark.parametrize("scheme", ["bearer", "basic"])
async def test_a_whole_session_leaks_nothing(world: tuple[Path, Path], scheme: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    home, spool = world
    creds = Credentials(token=TOKEN, login=LOGIN, source="env", scheme=scheme)  # type: ignore[arg-type]
    with FaultServer() as faults:
        bodies = await _session(faults, creds, spool)
        # the token did travel where it belongs, so the scan below is meaningful
        assert any(r.header("Authorization") == creds.authorization for r in faults.requests)
        assert not any(r.has_header("Authorization") for r in faults.requests_on("other"))
        schema_fetches = [r for r in faults.requests if r.path == "/schema"]
        assert not any(r.has_header("Authorization") for r in schema_fetches[:2])
    out = capsys.readouterr()
    assert "[REDACTED]" in out.out  # what was hidden is visibly hidden
    leaked = [line for line in (out.out + out.err).splitlines() if scan(line.encode())]
    assert leaked == [], "the token was printed"

    files = [p for p in [*home.rglob("*"), *spool.rglob("*")] if p.is_file()]
    names = {p.name for p in files}
    assert "history.sqlite3" in names, names
    assert any(p.suffix == ".json" for p in (home / "cache").rglob("*")), "no schema cache"
    assert any(p.name.startswith("heroku-explorer-body-") for p in bodies), "no large body"
    for body in bodies:
        assert scan(body.read_bytes()) == [], f"the token is in {body.name}"
        assert stat.S_IMODE(body.stat().st_mode) == 0o600, f"{body.name} is not private"
    for path in files:
        assert scan(path.read_bytes()) == [], f"the token is in {path}"
        assert CODE.encode() not in path.read_bytes(), f"the 2FA code is in {path}"
    assert_private(files, spool)


def assert_private(files: list[Path], spool: Path) -> None:
    """Files that can hold personal data: 0600, in 0700 folders; no stray temp files."""
    for path in files:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == 0o600, f"{path} has mode {mode:o}"
        if path.parent != spool:  # the temp folder is the system's; the file is private
            parent = stat.S_IMODE(path.parent.stat().st_mode)
            assert parent == 0o700, f"{path.parent} has mode {parent:o}"
    assert not [p for p in files if p.name.endswith(".tmp")]


async def test_repl_and_tui_sessions_leak_nothing(world: tuple[Path, Path],
                                                  tmp_path: Path) -> None:
    """The front ends too: a REPL session (exports, history, a token typed in a header)
    and a TUI session (send, history screen, a screenshot) write and show no token."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from heroku_explorer.repl.app import run_repl
    from heroku_explorer.schema import load_bundled
    from heroku_explorer.tui.app import ExplorerApp
    from tests.tui_support import open_action, settle

    home, spool = world
    spec = load_bundled()
    creds = Credentials(token=TOKEN, login=LOGIN, source="env")
    shots = tmp_path / "shots"
    shots.mkdir()
    lines = ["GET /ok/apps", "POST /ok/apps name=x", "curl", "httpie", "python",
             "GET /unauthorized/apps", "GET /html-500/apps", "GET /big/apps", "body",
             "headers", "status", f"GET /ok/apps -H 'Authorization: Bearer {TOKEN}'", "curl",
             "history", "exit"]
    out = io.StringIO()
    with FaultServer() as faults:
        async with HerokuClient(faults.url, creds, timeout=0.5, history=History()) as client:
            with create_pipe_input() as pipe:
                pipe.send_text("".join(line + "\r" for line in lines))
                code = await run_repl(spec, client, history_path=default_history_path(),
                                      input=pipe, output=DummyOutput(), stdout=out)
        assert code == 0

        def factory() -> HerokuClient:
            return HerokuClient(faults.url, creds, timeout=0.5, history=History())

        app = ExplorerApp(spec, factory, mode="LIVE", base_url=faults.url)
        async with app.run_test(size=(140, 45)) as pilot:
            await settle(pilot)
            await open_action(pilot, "app.list")
            await pilot.press("ctrl+j")
            await settle(pilot)
            faults.default_fault = "unauthorized"
            await pilot.press("ctrl+j")
            await settle(pilot)
            await pilot.press("f3")
            await settle(pilot)
            app.save_screenshot(filename="history.svg", path=str(shots))
            await pilot.press("escape")
            await settle(pilot)
            app.save_screenshot(filename="explorer.svg", path=str(shots))
        assert any(r.header("Authorization") == creds.authorization for r in faults.requests)
    shown = out.getvalue()
    assert "Bearer $HEROKU_API_KEY" in shown  # the export stands in for the token (from env)
    leaked = [line for line in shown.splitlines() if scan(line.encode())]
    assert leaked == [], "the REPL printed the token"
    files = [p for p in [*home.rglob("*"), *spool.rglob("*"), *shots.rglob("*")] if p.is_file()]
    assert {"repl_history", "history.sqlite3", "history.svg", "explorer.svg"} <= {
        p.name for p in files}
    for path in files:
        assert scan(path.read_bytes()) == [], f"the token is in {path}"
    assert_private([p for p in files if p.parent != shots], spool)


async def test_token_echoed_by_the_server_is_not_shown(world: tuple[Path, Path]) -> None:
    with FaultServer() as faults:
        async with HerokuClient(faults.url, Credentials(token=TOKEN), timeout=2,
                                history=History()) as client:
            echoed = await client.send(raw_request("GET", "/echo"))
            quoted = await client.send(raw_request("GET", "/echo-error"))
    assert echoed.status == 200 and quoted.status == 400
    assert scan(echoed.body) == [] and scan(echoed.text().encode()) == []
    assert TOKEN not in str(quoted.error)


def test_credentials_never_print_the_token() -> None:
    for scheme in ("bearer", "basic"):
        creds = Credentials(token=TOKEN, login=LOGIN, scheme=scheme)  # type: ignore[arg-type]
        assert scan(f"{creds!r} {creds!s} {creds.identity}".encode()) == []


def test_unwritable_data_directory_turns_history_off(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocked = tmp_path / "file-not-dir"
        blocked.write_text("x")
        path = blocked / "data" / "history.sqlite3"  # a file where a folder should be
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        path = locked / "data" / "history.sqlite3"
    history = History(path)
    assert not history.enabled
    assert history.disabled_reason and "History is off" in history.disabled_reason
    assert history.record(Exchange("GET", "https://x/apps", (), None)) is None
    assert history.search() == [] and history.count() == 0


ODD_TOKEN = 'tok-ODD-4f1e9a\nSECRET-"q"-271828\x1b[2J'


async def test_a_token_with_a_newline_is_in_no_error_text(world: tuple[Path, Path]) -> None:
    """A token holding a newline, a quote and ESC cannot be sent; the error says so
    without repeating it, in no form, on screen or in history."""
    from heroku_explorer.redaction import secret_forms

    home, _ = world
    with FaultServer() as faults:
        async with HerokuClient(faults.url, Credentials(token=ODD_TOKEN), timeout=2,
                                history=History()) as client:
            ex = await client.send(raw_request("GET", "/ok/apps"))
            assert client.history is not None
            rows = client.history.search()
    assert ex.status is None and ex.error is not None
    shown = f"{ex.error} {ex.error!r} {ex.summary}"
    stored = repr(rows)
    assert "Illegal header value" in shown and len(rows) == 1
    for form in secret_forms(ODD_TOKEN):
        assert form not in shown and form not in stored, form
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(f.encode() in data for f in secret_forms(ODD_TOKEN)), path
