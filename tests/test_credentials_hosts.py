"""Credentials belong to hosts, as with ``curl -n`` and the Heroku CLI.

A real loopback server stands for the API: 127.0.0.1 has its own netrc entry, and
127.0.0.2 stands for "another host" (the netrc names api.heroku.com and 127.0.0.1
only). Each test checks which Authorization, if any, arrived. Nothing leaves
127.0.0.0/8: a guard fails any request to another host.
"""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from heroku_explorer.cli import build_parser, main
from heroku_explorer.client import Credentials, HerokuClient, discover
from heroku_explorer.client.auth import check_api_url, is_loopback, token_refusal
from heroku_explorer.errors import UsageError
from heroku_explorer.request import raw_request
from heroku_explorer.runtime import prepare

HEROKU_TOKEN = "tok-HEROKU-3b9c1d"
LOCAL_TOKEN = "tok-LOCAL-77aa01"
DEFAULT_TOKEN = "tok-DEFAULT-5e5e5e"


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str) -> None:
        self.seen: list[str | None] = []
        super().__init__((host, 0), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def do_GET(self) -> None:
        self.server.seen.append(self.headers.get("Authorization"))
        body = json.dumps([{"ok": True}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def _serve(host: str) -> Iterator[Recorder]:
    server = Recorder(host)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def local() -> Iterator[Recorder]:
    yield from _serve("127.0.0.1")


@pytest.fixture
def other() -> Iterator[Recorder]:
    yield from _serve("127.0.0.2")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fail (and record) any request to a host off loopback."""
    off: list[str] = []
    real = httpx.AsyncHTTPTransport.handle_async_request

    async def guarded(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        if not is_loopback(request.url.host):
            off.append(str(request.url))
            raise AssertionError(f"a request left loopback: {request.url}")
        return await real(self, request)

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", guarded)
    yield off
    assert off == []


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("HEROKU_API_KEY", raising=False)
    monkeypatch.delenv("HEROKU_API_URL", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


def write_netrc(home: Path, text: str, mode: int = 0o600) -> Path:
    path = home / ".netrc"
    path.write_text(text)
    path.chmod(mode)
    return path


BOTH = (f"machine api.heroku.com\n  login me@example.com\n  password {HEROKU_TOKEN}\n"
        f"machine 127.0.0.1\n  login local@example.com\n  password {LOCAL_TOKEN}\n")
HEROKU_ONLY = f"machine api.heroku.com login me@example.com password {HEROKU_TOKEN}\n"


def call(url: str, *extra: str) -> list[str]:
    return ["call", "--api-url", url, "--schema", "bundled", *extra, "GET", "/apps"]


def test_the_entry_of_the_api_urls_own_host_is_used(
    home: Path, local: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    write_netrc(home, BOTH)
    assert main(call(local.url)) == 0
    assert local.seen == [f"Bearer {LOCAL_TOKEN}"]
    out, err = capsys.readouterr()
    assert LOCAL_TOKEN not in out + err and HEROKU_TOKEN not in out + err


def test_the_heroku_entry_goes_nowhere_else(
    home: Path, other: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    write_netrc(home, BOTH)
    assert main(call(other.url)) == 2
    err = capsys.readouterr().err
    assert other.seen == []
    (line,) = err.strip().splitlines()
    assert "no API key was found" in line and "127.0.0.2" in line and "HEROKU_API_KEY" in line
    assert "--sandbox" in line and HEROKU_TOKEN not in err
    # With --sandbox the named URL is not used at all.
    assert main([*call(other.url, "--sandbox")]) == 0
    assert other.seen == []


def test_a_netrc_default_entry_is_never_used(
    home: Path, local: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    write_netrc(home, f"default login anyone password {DEFAULT_TOKEN}\n")
    assert discover(None, {"HOME": str(home)}, host="127.0.0.1") is None
    assert discover(None, {"HOME": str(home)}, host="default") is None
    assert main(call(local.url)) == 2
    assert local.seen == [] and DEFAULT_TOKEN not in capsys.readouterr().err


def test_the_default_api_host_uses_its_own_entry(home: Path) -> None:
    write_netrc(home, BOTH)
    setup = prepare(build_parser().parse_args(["repl", "--schema", "bundled"]))
    assert setup.mode == "LIVE" and setup.credentials is not None
    assert setup.credentials.token == HEROKU_TOKEN
    assert discover(None, {}, home / ".netrc", host="API.heroku.com.") is not None


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_netrc_others_may_read_is_refused(
    home: Path, mode: int, capsys: pytest.CaptureFixture[str]
) -> None:
    write_netrc(home, HEROKU_ONLY, mode)
    with pytest.raises(UsageError) as info:
        discover(None, {"HOME": str(home)})
    text = str(info.value)
    assert "chmod 600" in text and ".netrc" in text and HEROKU_TOKEN not in text
    assert main(["call", "--schema", "bundled", "app", "list"]) == 2
    err = capsys.readouterr().err
    assert "chmod 600" in err and HEROKU_TOKEN not in err and "Traceback" not in err


def test_an_open_netrc_without_passwords_is_fine(home: Path) -> None:
    write_netrc(home, "machine api.heroku.com login me@example.com\n", 0o644)
    assert discover(None, {"HOME": str(home)}) is None
    # The key from the environment comes first: the netrc is not read at all.
    write_netrc(home, HEROKU_ONLY, 0o644)
    found = discover(None, {"HOME": str(home), "HEROKU_API_KEY": "tok-env-1"})
    assert found is not None and found.source == "env"


@pytest.mark.parametrize("bad", ["tok en", "tok\x1b[2Jen", "tok\nen", "tok\ten", "tok\x00",
                                 "tok\u202een", "tok\u00e9n", "tok\x85n"])
def test_a_token_with_controls_or_whitespace_inside_is_refused(home: Path, bad: str) -> None:
    for kwargs in ({"explicit": bad}, {"environ": {"HEROKU_API_KEY": bad}}):
        with pytest.raises(UsageError) as info:
            discover(**kwargs)  # type: ignore[arg-type]
        assert bad not in str(info.value) and "tok" not in str(info.value)
    if "\n" not in bad and "\x00" not in bad and " " not in bad and "\t" not in bad:
        write_netrc(home, f"machine api.heroku.com login me password {bad}\n")
        with pytest.raises(UsageError):
            discover(None, {"HOME": str(home)})
    # Around the token, whitespace is trimmed (a pasted newline).
    found = discover("  tok-ok\n", {})
    assert found is not None and found.token == "tok-ok"


@pytest.mark.parametrize(("url", "refused"), [
    ("https://api.heroku.com", False),
    ("https://example.com:8443/v1", False),
    ("http://127.0.0.1:5000", False),
    ("http://127.9.9.9", False),
    ("http://[::1]:5000", False),
    ("http://localhost:8080", False),
    ("http://LOCALHOST.", False),
    ("http://[::ffff:127.0.0.1]", False),
    ("http://api.heroku.com", True),
    ("http://192.0.2.10", True),
    ("http://localhost.example.com", True),
    ("http://[::2]", True),
    ("ftp://127.0.0.1", True),
])
def test_token_refusal(url: str, refused: bool) -> None:
    reason = token_refusal(url)
    assert (reason is not None) is refused
    if reason is not None:
        assert url in reason and "https://" in reason


def test_no_key_over_plain_http_off_loopback_at_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEROKU_API_KEY", "tok-plain-http")
    with pytest.raises(UsageError) as info:
        prepare(build_parser().parse_args(call("http://192.0.2.10")))
    assert "http://192.0.2.10" in str(info.value)
    assert main(call("http://192.0.2.10")) == 2
    err = capsys.readouterr().err
    (line,) = err.strip().splitlines()
    assert "http://192.0.2.10" in line and "tok-plain-http" not in err
    monkeypatch.setenv("HEROKU_API_URL", "http://api.heroku.com")
    assert main(["call", "--schema", "bundled", "app", "list"]) == 2


async def test_the_client_sends_no_token_over_plain_http_off_loopback(
    local: Recorder, other: Recorder
) -> None:
    creds = Credentials("tok-client-1")
    # What would go on the wire (nothing is sent): no Authorization.
    async with HerokuClient("http://api.example.com", creds, cache_dir=None) as client:
        assert client.prepare(raw_request("GET", "/apps")).authenticated is False
        assert client.prepare(raw_request("GET", f"{local.url}/apps")).authenticated is False
    async with HerokuClient("https://api.example.com", creds, cache_dir=None) as client:
        assert client.prepare(raw_request("GET", "/apps")).authenticated is True
    for server in (local, other):
        async with HerokuClient(server.url, creds, cache_dir=None) as client:
            exchange = await client.send(raw_request("GET", "/apps"))
            assert exchange.status == 200
    assert local.seen == other.seen == ["Bearer tok-client-1"]


def test_basic_auth_goes_to_its_host_only(home: Path, local: Recorder) -> None:
    write_netrc(home, BOTH)
    assert main(call(local.url, "--basic-auth")) == 0
    (sent,) = local.seen
    assert sent is not None and sent.startswith("Basic ")
    pair = base64.b64decode(sent.removeprefix("Basic "))
    assert pair == f"local@example.com:{LOCAL_TOKEN}".encode()


def test_api_key_from_a_pipe(local: Recorder, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("tok-piped-9\n"))
    assert main(call(local.url, "--api-key", "-")) == 0
    assert local.seen == ["Bearer tok-piped-9"]
    err = capsys.readouterr().err
    assert "warning" not in err and "tok-piped-9" not in err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(call(local.url, "--api-key", "-")) == 2
    assert "read no key" in capsys.readouterr().err


def test_api_key_from_a_terminal_is_read_without_echo(
    local: Recorder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    prompts: list[str] = []

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return "tok-typed-4"

    monkeypatch.setattr("sys.stdin", Terminal("not-this-line\n"))
    monkeypatch.setattr("getpass.getpass", getpass)
    assert main(call(local.url, "--api-key", "-")) == 0
    assert prompts == ["API key: "] and local.seen == ["Bearer tok-typed-4"]
    assert "tok-typed-4" not in capsys.readouterr().err


def test_api_key_on_the_command_line_warns(local: Recorder,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(call(local.url, "--api-key", "tok-argv-2")) == 0
    assert local.seen == ["Bearer tok-argv-2"]
    err = capsys.readouterr().err
    (warning,) = [x for x in err.splitlines() if "warning" in x]
    assert "--api-key -" in warning and "HEROKU_API_KEY" in warning and "ps" in warning
    assert "tok-argv-2" not in err


@pytest.mark.parametrize("url", [
    "http://[::1", "https://user:pw@api.heroku.com", "https://:pw@api.heroku.com",
    "ftp://api.heroku.com", "api.heroku.com", "https://", "https://api.heroku.com:99999",
    "https://api.heroku.com:port", "https://api.heroku.com/?x=1", "https://api.heroku.com/#top",
    "https://exa mple.com", "https://api.heroku.com\x1b[2J", "https://ex<ample.com", "",
    "javascript:alert(1)",
])
def test_malformed_api_urls_are_one_sentence(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(UsageError):
        check_api_url(url)
    monkeypatch.setenv("HEROKU_API_KEY", "tok-url-3")
    for argv, env in ((call(url), None), (["call", "--schema", "bundled", "app", "list"], url)):
        if env is not None:
            if not env:
                continue  # an empty HEROKU_API_URL means "not set"
            monkeypatch.setenv("HEROKU_API_URL", env)
        assert main(argv) == 2
        err = capsys.readouterr().err
        (line,) = err.strip().splitlines()
        assert line.startswith("heroku-explorer: ") and "Traceback" not in err
        assert "cannot be used" in line and ("HEROKU_API_URL" if env else "--api-url") in line
        assert "pw@" not in line and "\x1b" not in line and "tok-url-3" not in err


@pytest.mark.parametrize("command", ["call", "repl"])
def test_an_api_url_without_a_key_refuses_instead_of_the_sandbox(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("app list\n"))
    argv = [command, "--api-url", "https://api.example.com"]
    assert main(argv + (["app", "list"] if command == "call" else [])) == 2
    err = capsys.readouterr().err
    assert "looked at --api-key, HEROKU_API_KEY and the ~/.netrc entry for api.example.com" in err
    monkeypatch.setenv("HEROKU_API_URL", "https://api.example.com")
    assert main([command] + (["app", "list"] if command == "call" else [])) == 2
    assert "HEROKU_API_URL https://api.example.com is given" in capsys.readouterr().err


def test_tui_mode_decision_without_a_key() -> None:
    # The explorer's setup follows the same rule (it needs a terminal to go further).
    with pytest.raises(UsageError):
        prepare(build_parser().parse_args(["--api-url", "https://api.example.com"]))
    setup = prepare(build_parser().parse_args(["--sandbox", "--api-url",
                                               "https://api.example.com"]))
    assert setup.mode == "SANDBOX"
    assert any("--sandbox" in n and "api.example.com" in n for n in setup.notices)
    plain = prepare(build_parser().parse_args([]))
    assert plain.mode == "SANDBOX" and any("sandbox mode" in n for n in plain.notices)


def test_call_says_when_it_is_not_live(local: Recorder, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["call", "app", "list", "--json"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("[") and "SANDBOX mode" in err
    monkeypatch.setenv("HEROKU_API_KEY", "tok-live-5")
    assert main(call(local.url)) == 0
    assert "SANDBOX" not in capsys.readouterr().err


def test_the_sandbox_client_knows_it(monkeypatch: pytest.MonkeyPatch, local: Recorder) -> None:
    sandbox = prepare(build_parser().parse_args(["call"]))
    assert sandbox.client_factory()().sandbox is True
    monkeypatch.setenv("HEROKU_API_KEY", "tok-live-6")
    live = prepare(build_parser().parse_args(call(local.url)))
    assert live.mode == "LIVE" and live.client_factory()().sandbox is False
