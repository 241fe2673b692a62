"""Intent in ``heroku-explorer call``: a destruction on the live API is refused
without ``--yes`` (exit 2, nothing sent), read-only says the policy's sentence,
``-v`` shows a server's headers inert while a piped stdout gets the body as sent,
and a closed stdout ends ``call`` without a traceback.

The live API is a sandbox on a loopback port (``--api-url`` and a token make the
mode LIVE), or a small loopback server that answers with control characters.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from heroku_explorer.client.auth import Credentials
from heroku_explorer.client.client import HerokuClient
from heroku_explorer.policy import read_only_refusal
from heroku_explorer.repl.call import EXIT_OK, EXIT_USAGE, run_call
from heroku_explorer.sandbox import SANDBOX_TOKEN, SandboxApp, create_app
from heroku_explorer.schema import ApiSpec
from tests.conftest import ROOT

OSC52 = "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07"
HEADERS = {"Accept": "application/vnd.heroku+json; version=3",
           "Authorization": f"Bearer {SANDBOX_TOKEN}"}



@pytest.fixture(scope="module")
def live(loopback_sandbox: tuple[SandboxApp, str]) -> tuple[SandboxApp, str]:
    """A sandbox on a loopback port, reached as the live API would be."""
    return loopback_sandbox


def _env(tmp_path: Path, token: str | None = SANDBOX_TOKEN) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEROKU_")}
    env.update(HEROKU_EXPLORER_HOME=str(tmp_path / "home"), HOME=str(tmp_path), NO_COLOR="1")
    if token is not None:
        env["HEROKU_API_KEY"] = token
    return env


def _call(tmp_path: Path, *words: str, token: str | None = SANDBOX_TOKEN
          ) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "heroku_explorer", "call", *words],
                          capture_output=True, cwd=ROOT, env=_env(tmp_path, token),
                          timeout=120)


def _create(url: str, name: str) -> None:
    response = httpx.post(url + "/apps", json={"name": name}, headers=HEADERS, timeout=10)
    assert response.status_code == 201, response.text


def _exists(url: str, name: str) -> bool:
    response = httpx.get(f"{url}/apps/{name}", headers=HEADERS, timeout=10)
    return response.status_code == 200


def _has_yes_option() -> bool:
    from heroku_explorer.cli import build_parser

    parser = build_parser()
    try:
        parser.parse_args(["call", "--yes", "app", "list"])
    except SystemExit:
        return False
    return True


@pytest.mark.parametrize("name, words", [
    ("kept-delete", ["app", "delete", "app=kept-{n}"]), ("kept-rm", ["app", "rm", "kept-{n}"]),
    ("kept-destroy", ["app", "destroy", "kept-{n}"]), ("kept-raw", ["DELETE", "/apps/kept-{n}"]),
])
def test_call_refuses_a_live_destruction_without_yes(live: tuple[SandboxApp, str],
                                                     tmp_path: Path, name: str,
                                                     words: list[str]) -> None:
    _app, url = live
    _create(url, name)
    argv = [w.replace("kept-{n}", name) for w in words]
    result = _call(tmp_path, "--api-url", url, *argv)
    err = result.stderr.decode()
    assert result.returncode == EXIT_USAGE, err
    assert result.stdout == b""
    (message,) = err.splitlines()
    assert message.startswith(f"error: Not sent: DELETE /apps/{name}")
    assert f"deletes {name}" in message and "--yes" in message
    assert _exists(url, name)  # nothing was sent


def test_call_with_yes_sends_a_live_destruction(live: tuple[SandboxApp, str],
                                                tmp_path: Path) -> None:
    if not _has_yes_option():
        pytest.skip("`call --yes` is not in cli.py yet")
    _app, url = live
    _create(url, "gone-with-yes")
    result = _call(tmp_path, "--api-url", url, "--yes", "app", "delete", "app=gone-with-yes")
    assert result.returncode == EXIT_OK, result.stderr.decode()
    assert not _exists(url, "gone-with-yes")


@pytest.fixture
async def live_client(spec: ApiSpec, live: tuple[SandboxApp, str]
                      ) -> AsyncIterator[HerokuClient]:
    async with HerokuClient(live[1], Credentials(SANDBOX_TOKEN)) as client:
        yield client


async def _run(spec: ApiSpec, client: HerokuClient, *words: str,
               yes: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await run_call(spec, client, list(words), stdout=out, stderr=err, yes=yes)
    return code, out.getvalue(), err.getvalue()


async def test_run_call_yes_and_the_sandbox_send_without_asking(
        spec: ApiSpec, live: tuple[SandboxApp, str], live_client: HerokuClient) -> None:
    url = live[1]
    _create(url, "run-call-yes")
    code, _out, err = await _run(spec, live_client, "app", "delete", "app=run-call-yes")
    assert code == EXIT_USAGE and "Not sent" in err and _exists(url, "run-call-yes")
    code, _out, err = await _run(spec, live_client, "app", "delete", "app=run-call-yes",
                                 yes=True)
    assert code == EXIT_OK, err
    assert not _exists(url, "run-call-yes")
    transport = httpx.ASGITransport(app=create_app(spec))  # type: ignore[arg-type]
    async with HerokuClient("http://sandbox.test", Credentials(SANDBOX_TOKEN),
                            transport=transport) as sandbox:
        assert (await _run(spec, sandbox, "app", "create", "name=sb-app"))[0] == EXIT_OK
        code, _out, err = await _run(spec, sandbox, "app", "delete", "app=sb-app")
    assert code == EXIT_OK and err == ""


async def test_run_call_read_only_is_the_policy_sentence(spec: ApiSpec,
                                                         live: tuple[SandboxApp, str]
                                                         ) -> None:
    async with HerokuClient(live[1], Credentials(SANDBOX_TOKEN), read_only=True) as client:
        code, out, err = await _run(spec, client, "app", "create", "name=ro-call")
    assert code == EXIT_USAGE and out == ""
    assert err == f"error: {read_only_refusal(True, 'POST')}\n"
    assert not _exists(live[1], "ro-call")


# -- a server with control characters in its answers -----------------------------------


class _Hostile(BaseHTTPRequestHandler):
    body = json.dumps({"name": "x\x9b31m\u202eevil", "note": "\x1b[2J"},
                      ensure_ascii=False).encode()

    def do_GET(self) -> None:
        self.send_response(200, "OK\x1b]0;title\x07")
        self.send_header("Content-Type", "application/json")
        self.send_header("Request-Id", OSC52)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_call_verbose_shows_an_osc52_request_id_inert(hostile: str, tmp_path: Path) -> None:
    result = _call(tmp_path, "--api-url", hostile, "-v", "GET", "/apps")
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == EXIT_OK, err
    assert "\x1b" not in err and "\x07" not in err
    assert "Request-Id: \\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07" in err
    assert "200 OK\\x1b]0;title\\x07" in err
    # stdout is a pipe: the body as the server sent it, control characters and all
    assert json.loads(result.stdout) == json.loads(_Hostile.body)
    assert "\x9b".encode() in result.stdout and "\u202e".encode() in result.stdout


def test_call_with_a_closed_stdout_ends_without_a_traceback(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "heroku_explorer", "call", "region", "list"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=_env(tmp_path, None))
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # | head -c 0
    try:
        code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code == EXIT_OK, err
